"""The CDN in template.yaml: on by default and off on request, the origin answering only it, its request function
normalising Accept exactly as the API negotiates, custom domains, Origin Shield, and the purge on every change.

Whether each cache policy keys on what the answers depend on is checked against the real handler in
tests/integration/test_cdn_keys.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from api.negotiation import article_representation
from health_content.changes.events import EVENT_SOURCE
from infra.local.events import rest_api_event
from infra.template import REPO_ROOT, load_template, rendered
from tests.contract.test_template import _sam

CUSTOM_DOMAIN = {
    "CdnDomainName": "api.example.org",
    "CdnCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    "CdnOriginShieldRegion": "ap-southeast-1",
}
EDGE = [
    "EdgeDistribution",
    "EdgeRequestFunction",
    "EdgeOriginRequestPolicy",
    "EdgeOriginSecret",
    "EdgeInvalidationRule",
    "EdgeInvalidationQueue",
    "EdgeInvalidationDeadLetterQueue",
    "EdgeInvalidationFunction",
    "EdgeInvalidationFailuresAlarm",
    "EdgeInvalidationFunctionErrorsAlarm",
]


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = template["Resources"]["EdgeDistribution"]["Properties"]["DistributionConfig"]
    return config


def test_the_cdn_is_on_by_default_and_links_point_at_it() -> None:
    assert load_template()["Parameters"]["EnableCdn"]["Default"] == "true"
    template = rendered()
    assert set(EDGE) <= set(template["Resources"])
    config = _distribution(template)
    assert config["HttpVersion"] == "http2and3" and config["IPV6Enabled"] is True
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["Compress"] and b["ViewerProtocolPolicy"] == "redirect-to-https" for b in behaviours)
    assert all(b["CachedMethods"] == ["GET", "HEAD"] for b in behaviours)  # preflights reach the API
    [origin] = config["Origins"]
    assert origin["OriginPath"] == "/prod" and "OriginShield" not in origin  # the stage, whose path CloudFront adds
    assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True} and "Aliases" not in config
    # No PublicBaseUrl: the API's links use the distribution's address (a stage variable: the function's
    # environment cannot name the distribution, which names the API, which names the function).
    variables = template["Resources"]["Api"]["Properties"]["Variables"]
    assert variables == {"publicBaseUrl": "https://${EdgeDistribution.DomainName}"}
    assert template["Outputs"]["PublicUrl"]["Value"] == "https://${EdgeDistribution.DomainName}"
    # The health check is never cached at the edge (CloudFront's managed CachingDisabled policy).
    [health] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/health"]
    assert health["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def test_the_api_links_use_the_stage_variable_the_template_sets() -> None:
    from api.links import BASE_URL_STAGE_VARIABLE, LinkBuilder

    [name] = load_template()["Resources"]["Api"]["Properties"]["Variables"]["Fn::If"][1]
    assert name == BASE_URL_STAGE_VARIABLE
    event = rest_api_event("GET", "/v1/articles", stage_in_path=True)
    event["stageVariables"] = {name: "https://d111111abcdef8.cloudfront.net"}
    links = LinkBuilder.for_request(APIGatewayProxyEvent(event), "id")
    assert (
        links.absolute(links.article("kram-otot-betis"))
        == "https://d111111abcdef8.cloudfront.net/v1/articles/kram-otot-betis"
    )
    # An operator's PublicBaseUrl wins over the CDN's address.
    explicit = LinkBuilder.for_request(APIGatewayProxyEvent(event), "id", "https://sehat.example/api")
    assert explicit.absolute(explicit.article("x")) == "https://sehat.example/api/v1/articles/x"
    assert (
        rendered({"PublicBaseUrl": "https://sehat.example/api"})["Resources"]["Api"]["Properties"].get("Variables")
        is None
    )


def test_without_the_cdn_nothing_of_it_is_deployed_and_the_stage_answers_everyone() -> None:
    template = rendered({"EnableCdn": "false"})
    assert not [name for name in template["Resources"] if name.startswith("Edge")]
    assert "ApiWebAcl" not in template["Resources"]  # no origin check; WAF only with EnableWaf
    assert "Variables" not in template["Resources"]["Api"]["Properties"]
    assert "CdnDistributionId" not in template["Outputs"]
    assert template["Outputs"]["PublicUrl"]["Value"].startswith("https://${Api}.execute-api")


def test_a_custom_domain_and_origin_shield_are_the_operators_choice() -> None:
    template = rendered(CUSTOM_DOMAIN)
    config = _distribution(template)
    assert config["Aliases"] == ["api.example.org"]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": CUSTOM_DOMAIN["CdnCertificateArn"],
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert config["Origins"][0]["OriginShield"] == {"Enabled": True, "OriginShieldRegion": "ap-southeast-1"}
    assert template["Resources"]["Api"]["Properties"]["Variables"] == {"publicBaseUrl": "https://api.example.org"}
    # CloudFront reads certificates in us-east-1 only, and a domain without one is refused before deploying.
    assert "us-east-1" in load_template()["Parameters"]["CdnCertificateArn"]["AllowedPattern"]
    [needs, _] = load_template()["Rules"]["CustomDomainNeedsACertificate"]["Assertions"]
    assert needs["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CdnCertificateArn"}, ""]}]}


@pytest.mark.parametrize("waf", ["true", "false"])
def test_the_origin_answers_only_the_cdn(waf: str) -> None:
    """CloudFront sends a secret header that the stage's web ACL requires: WAF decides before API Gateway counts a
    request against the stage's throttle, so the cache cannot be bypassed to drain it."""
    template = rendered({"EnableWaf": waf})
    [origin] = _distribution(template)["Origins"]
    [header] = origin["OriginCustomHeaders"]
    secret = "{{resolve:secretsmanager:${EdgeOriginSecret}:SecretString}}"
    assert header == {"HeaderName": "X-Origin-Verify", "HeaderValue": secret}
    acl = template["Resources"]["ApiWebAcl"]["Properties"]
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    check = rules["only-through-the-cdn"]
    match = check["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": header["HeaderName"].lower()}}
    assert (match["PositionalConstraint"], match["SearchString"]) == ("EXACTLY", secret)
    blocked = check["Action"]["Block"]["CustomResponse"]
    assert blocked["ResponseCode"] == 403
    assert '"type":"/problems/forbidden"' in acl["CustomResponseBodies"][blocked["CustomResponseBodyKey"]]["Content"]
    assert "ApiWebAclAssociation" in template["Resources"]
    if waf == "true":
        # Behind the CDN, each client is the viewer's address the request function stamps, never CloudFront's own.
        rate = rules["requests-per-client-ip"]["Statement"]["RateBasedStatement"]
        assert rate["AggregateKeyType"] == "FORWARDED_IP"
        assert rate["ForwardedIPConfig"]["HeaderName"] == "X-Viewer-Address"
        behaviours = [_distribution(template)["DefaultCacheBehavior"], *_distribution(template)["CacheBehaviors"]]
        assert all(b.get("FunctionAssociations") for b in behaviours)
        assert (
            "X-Viewer-Address"
            in template["Resources"]["EdgeOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"][
                "HeadersConfig"
            ]["Headers"]
        )
    else:
        assert set(rules) == {"only-through-the-cdn"}


def test_every_cache_policy_honours_the_apis_cache_control() -> None:
    """MinTTL 0: no-store, no-cache and private are honoured (health, errors, the newest page of the feed);
    DefaultTTL 0: an answer that says nothing is not kept; MaxTTL a year: max-age, stale-while-revalidate and
    stale-if-error are the API's to say."""
    template = rendered()
    policies = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::CachePolicy"]
    assert len(policies) == 5  # CloudFront allows 20 a account: four stacks' worth
    for policy in policies:
        config = policy["Properties"]["CachePolicyConfig"]
        assert (config["MinTTL"], config["DefaultTTL"], config["MaxTTL"]) == (0, 0, 31536000)
        keyed = config["ParametersInCacheKeyAndForwardedToOrigin"]
        assert keyed["EnableAcceptEncodingGzip"] and keyed["EnableAcceptEncodingBrotli"]
        assert keyed["CookiesConfig"] == {"CookieBehavior": "none"}
        assert len(keyed["QueryStringsConfig"].get("QueryStrings", [])) <= 10  # CloudFront's limit per policy
    errors = {e["ErrorCode"]: e["ErrorCachingMinTTL"] for e in _distribution(template)["CustomErrorResponses"]}
    assert errors == {500: 5, 502: 5, 503: 5, 504: 5}


def test_each_change_event_reaches_the_invalidation_function_in_batches_with_its_alarms() -> None:
    template = rendered()
    resources = template["Resources"]
    rule = resources["EdgeInvalidationRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "ChangeEventBus"} and rule["EventPattern"] == {"source": [EVENT_SOURCE]}
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["EdgeInvalidationQueue", "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["EdgeInvalidationDeadLetterQueue", "Arn"]}}
    queue = resources["EdgeInvalidationQueue"]["Properties"]
    # Held as long as a warm API container may serve the version a change replaced.
    delay = load_template()["Resources"]["EdgeInvalidationQueue"]["Properties"]["DelaySeconds"]
    assert delay == {"Ref": "ContentCacheTtlSeconds"}
    assert load_template()["Parameters"]["ContentCacheTtlSeconds"]["MaxValue"] <= 900  # what SQS can delay
    function = resources["EdgeInvalidationFunction"]["Properties"]
    assert function["Handler"] == "edge.handler.lambda_handler"
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["EdgeInvalidationDeadLetterQueue", "Arn"]}
    [source] = function["Events"].values()
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["Properties"]["BatchSize"] > 10 and source["Properties"]["MaximumBatchingWindowInSeconds"] <= 5
    assert source["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= function["ReservedConcurrentExecutions"]
    [statement] = function["Policies"][0]["Statement"]
    assert statement["Action"] == "cloudfront:CreateInvalidation"  # nothing else, on its distribution only
    assert statement["Resource"].endswith(":distribution/${EdgeDistribution}")
    assert function["Environment"]["Variables"] == {"CDN_DISTRIBUTION_ID": {"Ref": "EdgeDistribution"}}
    dead_letters = resources["EdgeInvalidationFailuresAlarm"]["Properties"]
    assert dead_letters["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["EdgeInvalidationDeadLetterQueue", "QueueName"]}
    assert resources["EdgeInvalidationFunctionErrorsAlarm"]["Properties"]["Dimensions"][0]["Value"] == {
        "Ref": "EdgeInvalidationFunction"
    }


# --- the request function ---------------------------------------------------------------------------------------

# What browsers, libraries and tools send, and what a careless or hostile client might.
ACCEPTS = [
    None,
    "",
    "*/*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json, text/plain, */*",
    "application/json",
    "application/ld+json",
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
    "application/*",
    "text/*",
    "text/html;q=0.5, application/json;q=0.5",
    "text/html;q=0.5, application/ld+json;q=0.5",
    "application/json;q=0",
    "text/html;q=0, */*",
    "text/html;q=0",
    "garbage",
    "a/b/c",
    "*",
    'text/html;q="0.3", application/json;q=0.2',
    'text/html;foo="a;b";q=0.1, application/json;q=0.05',
    "text/plain",
    "application/ld+json;q=1.5, text/html;q=0.9",
    "text/html;Q=0.1,application/json;q=0.2",
    "text/html;q=abc, application/json;q=0.9",
    "text/html;q=",
    "*/*;q=0.1, application/ld+json;q=0.1",
    ",,",
    "text/html ; q=0.4 , application/ld+json ; q = 0.6",
    "TEXT/HTML",
    "application/xml, text/html;q=0.1",
    "image/png",
]


def _node() -> str:
    node = shutil.which("node")
    assert node, "Node.js runs the CloudFront function's code in these tests (the project's machines have it)"
    return node


def _run_request_function(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The template's CloudFront function, run in Node.js on CloudFront's viewer-request events."""
    code = load_template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    harness = (
        "const vm = require('vm');"
        "const handler = vm.runInNewContext(process.argv[1] + '\\n;handler', {});"
        "const requests = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(requests.map((r) => handler({request: r, viewer: {ip: '203.0.113.9'}}))));"
    )
    result = subprocess.run(
        [_node(), "-e", harness, code], input=json.dumps(requests), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


def _request(uri: str, accept: str | None) -> dict[str, Any]:
    headers = {} if accept is None else {"accept": {"value": accept}}
    return {"method": "GET", "uri": uri, "querystring": {}, "headers": headers, "cookies": {}}


def test_the_request_function_chooses_the_representation_the_api_would() -> None:
    """An article's Accept becomes the one media type the API would answer with, so browsers and clients share
    three cached answers; and the API, seeing that media type, answers with it."""
    answers = _run_request_function([_request("/v1/articles/kram-otot-betis", accept) for accept in ACCEPTS])
    for accept, answer in zip(ACCEPTS, answers, strict=True):
        normalised = answer["headers"]["accept"]["value"]
        chosen = article_representation(APIGatewayProxyEvent(rest_api_event("GET", "/", headers=_h(accept))), None)
        assert normalised == chosen, accept
        again = APIGatewayProxyEvent(rest_api_event("GET", "/", headers={"Accept": normalised}))
        assert article_representation(again, None) == chosen  # the origin answers the key's representation


def _h(accept: str | None) -> dict[str, str]:
    return {} if accept is None else {"Accept": accept}


def test_the_request_function_stamps_the_viewers_address_and_leaves_other_routes_alone() -> None:
    spoofed = _request("/v1/articles", "text/html")
    spoofed["headers"]["x-viewer-address"] = {"value": "198.51.100.1"}  # a client cannot choose its own
    [listing, section] = _run_request_function(
        [spoofed, _request("/v1/articles/kram-otot-betis/sections/penyebab", "text/html")]
    )
    assert listing["headers"]["x-viewer-address"] == {"value": "203.0.113.9"}
    assert listing["headers"]["accept"] == {"value": "text/html"}  # not keyed on by that behaviour anyway
    assert section["headers"]["accept"] == {"value": "text/html"}


# --- sam validate --lint and cfn-lint, with the CDN off and with every option on --------------------------------


def _with_defaults(tmp_path: Path, defaults: dict[str, str]) -> Path:
    text = (REPO_ROOT / "template.yaml").read_text(encoding="utf-8")
    for name, value in defaults.items():
        default = load_template()["Parameters"][name]["Default"]
        quoted = f'  {name}:\n    Type: String\n    Default: "{default}"'
        plain = f"  {name}:\n    Type: String\n    Default: {default}" if default else None
        before = quoted if quoted in text else plain
        assert before and before in text, name
        text = text.replace(before, f'  {name}:\n    Type: String\n    Default: "{value}"')
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.xdist_group("sam")  # one sam command at a time (tests/contract/test_build.py)
def test_sam_validate_with_lint_and_cfn_lint_pass_with_the_cdn_off_and_with_every_option_on(tmp_path: Path) -> None:
    """The committed template (the CDN on) is linted by tests/contract/test_template.py and test_operations.py."""
    off = _with_defaults(tmp_path / "off", {"EnableCdn": "false"})
    everything = _with_defaults(tmp_path / "all", {**CUSTOM_DOMAIN, "EnableWaf": "true", "RequireApiKeys": "true"})
    result = _sam("validate", "--lint", "--template", str(off))
    assert result.returncode == 0, result.stdout + result.stderr
    # cfn-lint applies the SAM transform itself: what sam validate --lint checks, in one process for both.
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    linted = subprocess.run(
        [str(cfn_lint), str(off), str(everything)], capture_output=True, text=True, env={**os.environ}, timeout=300
    )
    assert linted.returncode == 0 and linted.stdout == "", linted.stdout + linted.stderr
