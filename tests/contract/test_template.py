"""template.yaml is valid, builds without Docker, and declares what operators rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from health_content.changes.events import EVENT_SOURCE, detail_type
from health_content.changes.model import Change, ChangeType
from health_content.changes.webhooks import RETRY_DELAYS
from health_content.settings import Settings
from infra.local import serve
from infra.template import REPO_ROOT, function_variables, load_template, preview_secret_name, resource_properties

SAM = Path(sys.executable).with_name("sam")
# The indexer's files: the search index of each locale and the cause index.
INDEX_FILES = [{"Fn::Sub": "${ContentBucket.Arn}/search-index/*"}, {"Fn::Sub": "${ContentBucket.Arn}/cause-index/*"}]
INDEX_PREFIXES = ["search-index/*", "cause-index/*"]


def _sam(*args: str, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
    if extra_path is not None:
        environment["PATH"] = f"{extra_path}{os.pathsep}{environment['PATH']}"
    return subprocess.run(
        [str(SAM), *args], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
@pytest.mark.xdist_group("sam")  # one sam command at a time (tests/contract/test_build.py)
def test_sam_validate_with_lint_passes() -> None:
    result = _sam("validate", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout


def _resource(logical_id: str) -> dict[str, Any]:
    return load_template()["Resources"][logical_id]


def test_functions_run_python_313_on_arm64_with_the_powertools_layer() -> None:
    function_globals = load_template()["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Tracing"] == "Active"
    assert function_globals["Layers"] == [{"Ref": "PowertoolsLayerArn"}]
    assert function_globals["Environment"]["Variables"]["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    assert resource_properties("ApiFunction")["Handler"] == "api.handler.lambda_handler"
    assert resource_properties("IngestFunction")["Handler"] == "ingest.handler.lambda_handler"


def test_the_powertools_on_lambda_is_the_release_the_tests_run() -> None:
    """The layer comes from Powertools' SSM parameter for one release, runtime and architecture: all three must
    be what the functions run and what pyproject.toml pins (and so what the tests import)."""
    import tomllib
    from importlib.metadata import version

    path = load_template()["Parameters"]["PowertoolsLayerArn"]["Default"]
    prefix, architecture, runtime, release = path.rsplit("/", 3)
    function_globals = load_template()["Globals"]["Function"]
    assert prefix == "/aws/service/powertools/python"
    assert [architecture] == function_globals["Architectures"] and runtime == function_globals["Runtime"]
    assert release == version("aws-lambda-powertools")
    dependencies = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"aws-lambda-powertools[tracer]=={release}" in dependencies


@pytest.mark.parametrize(("enabled", "applied"), [("true", "PublishedVersions"), ("false", "None")])
def test_snapstart_is_the_operators_choice_and_the_api_calls_the_published_alias(enabled: str, applied: str) -> None:
    template = load_template()
    assert template["Parameters"]["EnableSnapStart"]["Default"] == "false"
    from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions

    parameters = {"EnableSnapStart": enabled, "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"}
    expanded = expand_language_extensions(template, parameters, enabled=True).expanded_template
    properties = expanded["Resources"]["ApiFunction"]["Properties"]
    assert properties["SnapStart"] == {"ApplyOn": applied}
    assert properties["AutoPublishAlias"] == "live"


def test_the_bucket_is_versioned_encrypted_private_and_kept() -> None:
    bucket = _resource("ContentBucket")
    properties = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain"
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert all(properties["PublicAccessBlockConfiguration"].values())


def test_the_table_is_on_demand_with_point_in_time_recovery() -> None:
    table = _resource("ContentTable")
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_change_feed_entries_expire_with_the_tables_ttl() -> None:
    assert resource_properties("ContentTable")["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }


def test_changes_are_announced_on_the_stacks_bus_by_ingest_and_the_relay() -> None:
    for function in ("IngestFunction", "EventRelayFunction"):
        properties = resource_properties(function)
        assert properties["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": "ChangeEventBus"}
        assert {"EventBridgePutEventsPolicy": {"EventBusName": {"Ref": "ChangeEventBus"}}} in properties["Policies"]
    [schedule] = resource_properties("EventRelayFunction")["Events"].values()
    assert schedule["Properties"]["Schedule"] == "rate(5 minutes)"


def test_the_webhook_exists_only_with_a_url_and_parks_what_it_cannot_deliver() -> None:
    webhook = ["WebhookSigningSecret", "WebhookQueue", "WebhookQueuePolicy", "WebhookDeliveryFunction", "WebhookRule"]
    webhook += ["WebhookDeadLetterQueue", "WebhookDeadLetterQueuePolicy", "WebhookDeliveryFailuresAlarm"]
    webhook += ["WebhookBacklogAlarm", "WebhookDeliveryFunctionLogGroup"]
    for name in webhook:
        assert _resource(name)["Condition"] == "HasWebhook", name
    rule = resource_properties("WebhookRule")
    assert rule["EventBusName"] == {"Ref": "ChangeEventBus"}
    assert rule["EventPattern"] == {"source": [EVENT_SOURCE]}
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["WebhookQueue", "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}}
    for policy in ("WebhookQueuePolicy", "WebhookDeadLetterQueuePolicy"):
        [statement] = resource_properties(policy)["PolicyDocument"]["Statement"]
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["WebhookRule", "Arn"]}}}


def test_webhooks_are_signed_by_a_function_that_reads_only_its_secret_and_retries_on_the_specs_schedule() -> None:
    # No static secret travels in a header or a parameter any more: the stack generates the signing secret.
    assert "WebhookSecret" not in load_template()["Parameters"]
    assert not any(r["Type"].startswith("AWS::Events::ApiDestination") for r in load_template()["Resources"].values())
    generated = resource_properties("WebhookSigningSecret")["GenerateSecretString"]
    assert (generated["PasswordLength"], generated["ExcludePunctuation"]) == (32, True)  # base64 of 24 bytes
    function = resource_properties("WebhookDeliveryFunction")
    assert function["Handler"] == "webhooks.handler.lambda_handler"
    assert function["Policies"] == [
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "WebhookSigningSecret"}}}
    ]
    variables = function["Environment"]["Variables"]
    assert set(variables) == {"WEBHOOK_URL", "WEBHOOK_SECRET_ARN", "WEBHOOK_QUEUE_URL"}
    Settings.model_validate({"CONTENT_TABLE_NAME": "table", **{name: "https://x.example/h" for name in variables}})
    [source] = function["Events"].values()
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["WebhookQueue", "Arn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = resource_properties("WebhookQueue")
    # Every attempt of the schedule is made before the queue parks the event.
    assert queue["RedrivePolicy"]["maxReceiveCount"] == len(RETRY_DELAYS) + 1
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]
    assert max(RETRY_DELAYS).total_seconds() <= 12 * 3600  # SQS holds a message back 12 hours at most


def test_the_api_function_can_only_read() -> None:
    # Not API Gateway: who a key belongs to comes from the table (the partner directory), never from the keys.
    read_table, read_index_files, read_preview_secret = resource_properties("ApiFunction")["Policies"]
    # the one secret that checks preview tokens (drafts are read from the table, by key, only with a valid token)
    assert read_preview_secret == {
        "AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "PreviewTokenSecret"}}
    }
    assert read_table == {"DynamoDBReadPolicy": {"TableName": {"Ref": "ContentTable"}}}
    files, listing = read_index_files["Statement"]
    # the index files only: never the documents, never a write
    assert (files["Action"], files["Resource"]) == ("s3:GetObject", INDEX_FILES)
    # listing, so that a file not written yet is a 404 rather than a 403, and only under their prefixes
    assert listing["Action"] == "s3:ListBucket"
    assert listing["Condition"] == {"StringLike": {"s3:prefix": INDEX_PREFIXES}}


def test_the_indexer_runs_alone_and_writes_only_its_files() -> None:
    indexer = resource_properties("SearchIndexFunction")
    assert indexer["ReservedConcurrentExecutions"] == 1  # each run replaces the files the previous one stored
    statements = [s for policy in indexer["Policies"] for s in policy.get("Statement", [])]
    assert [(sorted(_as_list(s["Action"])), s["Resource"]) for s in statements] == [
        (["s3:GetObject", "s3:PutObject"], INDEX_FILES),
        (["s3:ListBucket"], {"Fn::GetAtt": ["ContentBucket", "Arn"]}),
    ]
    assert statements[1]["Condition"] == {"StringLike": {"s3:prefix": INDEX_PREFIXES}}
    assert "DynamoDBReadPolicy" in indexer["Policies"][0]


def test_a_taxonomy_change_starts_the_indexer_at_once_and_article_changes_do_not() -> None:
    """Until a new taxonomy's index file is stored, cold API containers build the index themselves (slow at
    thousands of causes): its change event starts the indexer rather than its next minute."""
    rule = resource_properties("SearchIndexFunction")["Events"]["TaxonomyChanged"]
    assert rule["Type"] == "EventBridgeRule"
    assert rule["Properties"]["EventBusName"] == {"Ref": "ChangeEventBus"}
    pattern = EventPattern(None, rule["Properties"]["Pattern"])

    def announced(kind: str, change: ChangeType) -> bool:
        announcing = Change.model_construct(kind=kind, change=change)
        return pattern.matches_event({"source": EVENT_SOURCE, "detail-type": detail_type(announcing), "detail": {}})

    assert all(announced("causes", change) for change in ChangeType)
    assert not any(announced("article", change) for change in ChangeType)


def test_the_ingest_function_writes_only_what_it_must() -> None:
    statements = [
        statement
        for policy in resource_properties("IngestFunction")["Policies"]
        for statement in policy.get("Statement", [])
    ]
    actions = {action for statement in statements for action in _as_list(statement["Action"])}
    assert actions == {
        "s3:PutObjectTagging",
        "s3:PutObjectVersionTagging",
        "s3:PutObject",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchWriteItem",
        "s3:DeleteObjectVersion",
    }
    put_object = next(s for s in statements if s["Action"] == "s3:PutObject")
    assert {resource["Fn::Sub"].rsplit("}", 1)[1] for resource in put_object["Resource"]} == {
        "/reports/*",
        "/reports-by-version/*",
    }
    delete = next(s for s in statements if s["Action"] == "s3:DeleteObjectVersion")
    assert delete["Resource"]["Fn::Sub"].endswith("/retractions/*")  # the reasons it uses up, never a document


def test_the_relay_can_touch_only_the_outbox_items() -> None:
    [statement] = [
        statement
        for policy in resource_properties("EventRelayFunction")["Policies"]
        for statement in policy.get("Statement", [])
        if any(action.startswith("dynamodb:") for action in _as_list(statement["Action"]))
    ]
    assert set(statement["Action"]) == {"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}
    assert statement["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["OUTBOX"]}}


def test_ingest_is_triggered_by_the_bucket_through_a_queue_and_failures_are_kept() -> None:
    notifications = resource_properties("ContentBucket")["NotificationConfiguration"]["QueueConfigurations"]
    subscribed = set()
    for notification in notifications:
        assert notification["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
        [rule] = notification["Filter"]["S3Key"]["Rules"]
        subscribed.add((rule["Value"], notification["Event"]))
    # Never reports/ or retractions/, which ingest and the CLI write; drafts, which ingest validates as articles.
    assert subscribed == {
        (prefix, event)
        for prefix in ("articles/", "causes/", "drafts/articles/")
        for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
    }
    [statement] = resource_properties("IngestQueuePolicy")["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"
    assert "health-content-${AWS::AccountId}" in statement["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"]

    function = resource_properties("IngestFunction")
    [source] = [event["Properties"] for event in function["Events"].values()]
    assert source["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]  # a failed message is retried alone
    # Never more pollers than the function may run: a throttled message would count as a failed delivery.
    assert source["ScalingConfig"]["MaximumConcurrency"] <= function["ReservedConcurrentExecutions"]
    queue = resource_properties("IngestQueue")
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]  # as Lambda advises for a queue it polls
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["IngestFailureQueue", "Arn"]}
    assert "EventInvokeConfig" not in function  # asynchronous invocations only; the queue retries now


def test_every_request_reaches_the_api_function_so_errors_are_problem_details() -> None:
    events = resource_properties("ApiFunction")["Events"].values()
    assert {event["Properties"]["Method"] for event in events} == {"ANY", "OPTIONS"}
    paths = {event["Properties"]["Path"] for event in events}
    # Each branch of the resource tree ends in a {proxy+} or is a method of its own: API Gateway does not fall back.
    assert {"/", "/{proxy+}", "/v1", "/v1/{proxy+}"} <= paths
    for path in paths:
        for end in range(1, path.count("/")):
            parent = "/".join(path.split("/")[: end + 1])
            assert parent in paths or f"{parent}/{{proxy+}}" in paths, (path, parent)
    responses = resource_properties("Api")["GatewayResponses"]
    for response in responses.values():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["Content-Type"] == "'application/problem+json'"
        assert headers["X-Content-Type-Options"] == "'nosniff'"  # like every answer of the function


KEYLESS = {
    "/",
    "/v1/health",
    "/openapi.json",
    "/docs",
    "/favicon.ico",
    "/v1/embed.js",
    "/v1/embed.css",
    "/v1/oembed",
    "/v1/oembed.xml",
    "/v1/embed",
    "/v1/embed/{proxy+}",
    "/v1/frame",
    "/v1/frame/{proxy+}",
    "/problems",
    "/problems/{proxy+}",
}


def _expanded(require_keys: str) -> dict[str, Any]:
    """The template as CloudFormation sees it after AWS::LanguageExtensions, for RequireApiKeys."""
    from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions

    pseudo = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::StackName": "s"}
    result = expand_language_extensions(load_template(), {"RequireApiKeys": require_keys, **pseudo}, enabled=True)
    template: dict[str, Any] = result.expanded_template
    return template


@pytest.mark.parametrize("require_keys", ["true", "false"])
def test_keys_are_required_on_every_content_route_only_when_the_operator_says_so(require_keys: str) -> None:
    template = _expanded(require_keys)
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"].values()
    preflights = [event["Properties"] for event in events if event["Properties"]["Method"] == "OPTIONS"]
    assert {p["Path"] for p in preflights} == {"/{proxy+}", "/v1", "/v1/{proxy+}"}
    assert not any(p["Auth"]["ApiKeyRequired"] for p in preflights)  # browsers send preflights without the key
    required = {
        event["Properties"]["Path"]: event["Properties"]["Auth"]["ApiKeyRequired"]
        for event in events
        if event["Properties"]["Method"] == "ANY"
    }
    keyless = {path for path, needs in required.items() if not needs}
    assert keyless == (KEYLESS if require_keys == "true" else set(required))
    assert {path for path, needs in required.items() if needs} == (
        {"/{proxy+}", "/v1", "/v1/{proxy+}"} if require_keys == "true" else set()
    )
    plans = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::UsagePlan"]
    assert [plan["Condition"] for plan in plans] == ["KeysRequired", "KeysRequired"]
    assert {plan["Properties"]["Quota"]["Period"] for plan in plans} == {"DAY"}


@pytest.mark.slow
@pytest.mark.xdist_group("sam")  # one sam command at a time (tests/contract/test_build.py)
def test_sam_validate_with_lint_passes_with_keys_on_too(tmp_path: Path) -> None:
    """The committed template has keys off by default; the same template with them on lints clean too."""
    text = (REPO_ROOT / "template.yaml").read_text(encoding="utf-8")
    parameter = 'RequireApiKeys:\n    Type: String\n    Default: "{}"'
    keys_on = text.replace(parameter.format("false"), parameter.format("true"))
    assert keys_on != text
    (tmp_path / "template.yaml").write_text(keys_on, encoding="utf-8")
    sam = Path(sys.executable).with_name("sam")
    environment = {**os.environ, "PYENV_VERSION": "3.11.7:3.13.0"}
    result = subprocess.run(
        [str(sam), "validate", "--lint", "--template", str(tmp_path / "template.yaml")],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stage_is_throttled() -> None:
    [settings] = [s for s in resource_properties("Api")["MethodSettings"] if s["ResourcePath"] == "/*"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ThrottlingBurstLimit"}


def test_operators_get_the_parameters_and_outputs_they_need() -> None:
    template = load_template()
    assert {"StageName", "LogLevel", "CorsAllowedOrigins", "EnableDocs", "PowertoolsLayerArn"} <= set(
        template["Parameters"]
    )
    assert {"ApiUrl", "ContentBucketName", "ContentTableName"} <= set(template["Outputs"])
    api_environment = resource_properties("ApiFunction")["Environment"]["Variables"]
    assert api_environment["ENABLE_DOCS"] == {"Ref": "EnableDocs"}
    assert api_environment["CORS_ALLOWED_ORIGINS"] == {"Ref": "CorsAllowedOrigins"}
    assert api_environment["PUBLIC_BASE_URL"] == {"Ref": "PublicBaseUrl"}


def test_preview_tokens_are_signed_with_a_generated_secret_only_the_api_reads() -> None:
    secret = load_template()["Resources"]["PreviewTokenSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32  # HMAC-SHA256 wants 32 bytes or more
    # content-api preview-token finds it by the bucket's name, as the local stack names its own.
    assert preview_secret_name("health-content-x") == "health-content-x/preview-token"
    assert resource_properties("ApiFunction")["Environment"]["Variables"]["PREVIEW_SECRET_ID"] == {
        "Ref": "PreviewTokenSecret"
    }
    readers = [
        name
        for name, resource in load_template()["Resources"].items()
        if "PreviewTokenSecret" in str(resource.get("Properties", {}).get("Policies", ""))
    ]
    assert readers == ["ApiFunction"]


def test_every_variable_the_functions_get_is_a_setting_they_read() -> None:
    # Settings ignore unknown variables, so a misspelt name in the template would go unread.
    read = {field.alias for field in Settings.model_fields.values()}
    for function in (
        "ApiFunction",
        "IngestFunction",
        "EventRelayFunction",
        "ReviewCheckFunction",
        "EdgeInvalidationFunction",
    ):
        variables = {
            **load_template()["Globals"]["Function"]["Environment"]["Variables"],
            **(resource_properties(function).get("Environment") or {}).get("Variables", {}),
        }
        unread = {name for name in variables if not name.startswith("POWERTOOLS_")} - read
        assert not unread, f"{function} gets {sorted(unread)}, which no setting reads"


def test_the_local_stack_gives_the_functions_every_variable_the_template_gives_them() -> None:
    # `make serve` plays every function in one process: with the template's variables, so that it answers as the
    # stack does (RateLimit-Policy needs STAGE_RATE_LIMIT), and its defaults but where LOCAL_SETTINGS says why not.
    template = load_template()
    given = {
        name: value
        for variables in function_variables(leaving_out=serve.NOT_PLAYED)
        for name, value in variables.items()
    }
    local = serve.local_environment()
    assert not given.keys() - local.keys(), "the local stack leaves these out"
    for name, value in given.items():
        if name in serve.LOCAL_SETTINGS:
            continue
        if isinstance(value, str):
            assert local[name] == value, name
        elif value["Ref"] in template["Parameters"]:
            assert local[name] == str(template["Parameters"][value["Ref"]]["Default"]), name
        else:
            assert local[name] == serve.LOCAL_RESOURCES[value["Ref"]], name


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


# --- fair use and the audit trail (issue 20) ------------------------------------------------------------------


@pytest.mark.parametrize("cdn", ["true", "false"])
def test_waf_limits_each_client_ip_and_answers_a_problem_only_when_enabled(cdn: str) -> None:
    from infra.template import rendered

    template = load_template()
    assert template["Conditions"]["WafEnabled"] == {"Fn::Equals": [{"Ref": "EnableWaf"}, "true"]}
    assert template["Parameters"]["EnableWaf"]["Default"] == "false"
    without = rendered({"EnableWaf": "false", "EnableCdn": cdn})["Resources"]
    with_waf = rendered({"EnableWaf": "true", "EnableCdn": cdn})["Resources"]
    # Without the CDN the web ACL is WAF's alone; with it, it checks the CDN's header too (tests/contract/test_cdn.py).
    assert ("ApiWebAcl" in without) == (cdn == "true")
    acl, association = with_waf["ApiWebAcl"], with_waf["ApiWebAclAssociation"]
    rules = {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}
    rule = rules["requests-per-client-ip"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert (rate["EvaluationWindowSec"], rate["Limit"]) == (60, "600")  # WafRequestsPerMinute's default
    assert rate["AggregateKeyType"] == ("FORWARDED_IP" if cdn == "true" else "IP")
    blocked = rule["Action"]["Block"]["CustomResponse"]
    assert blocked["ResponseCode"] == 429
    assert {h["Name"]: h["Value"] for h in blocked["ResponseHeaders"]} == {
        "Retry-After": "60",
        "Cache-Control": "no-store",
    }
    body = acl["Properties"]["CustomResponseBodies"][blocked["CustomResponseBodyKey"]]["Content"]
    assert '"type":"/problems/throttled"' in body  # a problem type /problems/{type} explains
    arn = load_template()["Resources"]["ApiWebAclAssociation"]["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("/restapis/${Api}/stages/${Api.Stage}") and association["Properties"]["WebACLArn"]


def test_the_embed_routes_have_a_throttle_of_their_own() -> None:
    settings = resource_properties("Api")["MethodSettings"]
    limits = {s["ResourcePath"]: (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for s in settings}
    embed = ({"Ref": "EmbedRateLimit"}, {"Ref": "EmbedBurstLimit"})
    # Every embed resource the function's events declare, escaped as API Gateway names method settings.
    paths = {
        event["Properties"]["Path"]
        for event in resource_properties("ApiFunction")["Events"].values()
        if event["Properties"]["Path"].startswith(("/v1/embed", "/v1/frame/", "/v1/oembed"))
        and event["Properties"]["Path"] not in ("/v1/embed", "/v1/embed.css")
    }
    assert {path.replace("/", "~1") for path in paths} == {p[1:] for p, limit in limits.items() if limit == embed}
    assert limits["/*"] == ({"Ref": "ThrottlingRateLimit"}, {"Ref": "ThrottlingBurstLimit"})


def test_the_api_function_can_reserve_concurrency() -> None:
    reserved = resource_properties("ApiFunction")["ReservedConcurrentExecutions"]
    assert reserved == {
        "Fn::If": ["HasApiReservedConcurrency", {"Ref": "ApiReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    assert load_template()["Parameters"]["ApiReservedConcurrency"]["Default"] == 0


def test_published_content_has_an_audit_trail_and_the_index_cannot_be_deleted_by_mistake() -> None:
    assert resource_properties("ContentTable")["DeletionProtectionEnabled"] is True
    logging = resource_properties("ContentBucket")["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "ContentAuditLogBucket"}
    audit = _resource("ContentAuditLogBucket")
    assert audit["DeletionPolicy"] == "Retain"
    [statement, _] = resource_properties("ContentAuditLogBucketPolicy")["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
