"""The CDN's cache keys are what the API's answers depend on, read from the code rather than copied from it.

For every GET route of openapi.json (generated from the code), under each combination of partner keys and CORS
settings: the query parameters the route reads (openapi.json) and the request headers its answers vary by (the
`Vary` the real handler sends) must be exactly what the cache policy of the CloudFront behaviour serving it keys
on, in the template rendered with the same settings. A key that is missing serves one client's answer to another;
a key that is not needed splits the cache for nothing.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from api import handler as api_handler
from infra.local.stack import LocalStack
from infra.template import REPO_ROOT, rendered
from tests.contract.test_cdn import _request, _run_request_function
from tests.integration.conftest import call_api

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CloudFront's managed policy
ALLOW_LIST = "https://app.example,https://partner.example"
PARTNER_KEY = ("partner-key-value", "partner-key-id")
# Path parameters openapi.json gives no example for.
EXAMPLES = {"name": "not-found"}
REQUIRED_QUERY = {"url": "https://localhost/v1/articles/kram-otot-betis"}
# Parameters a route may still read without documenting them (the representation and the field selection on
# a resource's own URL, kept for the clients that use them): a route reads one when it changes the answer.
UNDOCUMENTED_PROBES = {"format": "xml", "fields": "no-such-field"}


def _routes() -> list[tuple[str, str, list[str]]]:
    """(route template, a concrete path of it, the query parameters it reads) for every GET route."""
    document = json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))
    routes = []
    for template, operations in document["paths"].items():
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        values = {p["name"]: (p["schema"].get("examples") or [EXAMPLES.get(p["name"])])[0] for p in parameters}
        path = re.sub(r"\{(\w+)\}", lambda m, values=values: str(values[m[1]]), template)
        routes.append((template, path, sorted(p["name"] for p in parameters if p["in"] == "query")))
    return routes


def _behaviour(config: dict[str, Any], path: str) -> dict[str, Any]:
    """The cache behaviour CloudFront picks for ``path``: the first whose pattern matches, else the default."""
    for behaviour in config["CacheBehaviors"]:
        if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
            return dict(behaviour)
    return dict(config["DefaultCacheBehavior"])


def _needs_a_key(template: dict[str, Any], path: str) -> bool:
    """Whether API Gateway asks ``path`` for a key: its most specific resource's ANY method says."""
    events = [e["Properties"] for e in template["Resources"]["ApiFunction"]["Properties"]["Events"].values()]
    methods = {e["Path"]: e["Auth"]["ApiKeyRequired"] for e in events if e["Method"] == "ANY"}
    if path in methods:
        return bool(methods[path])
    parents = [p.removesuffix("{proxy+}") for p in methods if p.endswith("{proxy+}")]
    return bool(methods[max((p for p in parents if path.startswith(p)), key=len) + "{proxy+}"])


def _keys(policy: dict[str, Any]) -> tuple[set[str], set[str]]:
    keyed = policy["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]
    return (
        set(keyed["QueryStringsConfig"].get("QueryStrings", [])),
        {header.lower() for header in keyed["HeadersConfig"].get("Headers", [])},
    )


def _answer(response: Any) -> tuple[int, str | None]:
    """What a cache would keep: the status and, for a success, the representation (its ETag; an error's body
    carries its request id, which differs every time)."""
    return response.status_code, response.headers.get("ETag") if response.status_code < 300 else None


def _vary(response: Any) -> set[str]:
    return {field.strip().lower() for field in response.headers.get("Vary", "").split(",") if field.strip()}


@pytest.mark.parametrize("cors", ["", ALLOW_LIST, "*"], ids=["no-cors", "allow-list", "any-origin"])
@pytest.mark.parametrize("keys", ["false", "true"], ids=["keyless", "keyed"])
def test_each_cache_policy_keys_on_exactly_what_its_routes_answers_depend_on(
    seeded: LocalStack, monkeypatch: pytest.MonkeyPatch, keys: str, cors: str
) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", cors)
    api_handler.reset()
    template = rendered({"RequireApiKeys": keys, "CorsAllowedOrigins": cors})
    config = template["Resources"]["EdgeDistribution"]["Properties"]["DistributionConfig"]
    read: dict[str, set[str]] = defaultdict(set)
    varies: dict[str, set[str]] = defaultdict(set)
    for route, path, parameters in _routes():
        policy = _behaviour(config, path)["CachePolicyId"]
        key = PARTNER_KEY if keys == "true" and _needs_a_key(template, path) else None
        query = {name: value for name, value in REQUIRED_QUERY.items() if name in parameters}
        headers = {"Origin": "https://app.example"} if cors else {}
        response = call_api("GET", path, query=query, headers=headers, api_key=key)
        assert response.status_code < 500, (route, response.get_data(as_text=True))
        if policy == CACHING_DISABLED:
            assert response.headers["Cache-Control"] == "no-store", route  # nothing to key: never kept
            continue
        read[policy["Ref"]] |= set(parameters)
        for name, value in UNDOCUMENTED_PROBES.items():
            if name in parameters:
                continue
            probed = call_api("GET", path, query={**query, name: value}, headers=headers, api_key=key)
            if _answer(probed) != _answer(response):
                read[policy["Ref"]].add(name)
        varies[policy["Ref"]] |= _vary(response)
    assert read, "no route is cached at the edge"
    for name in read:
        parameters, headers = _keys(template["Resources"][name])
        assert parameters == read[name], f"{name} keys on {sorted(parameters)}, its routes read {sorted(read[name])}"
        assert headers == varies[name], f"{name} keys on {sorted(headers)}, its answers vary by {sorted(varies[name])}"


def test_the_request_function_normalises_accept_exactly_where_answers_vary_by_it(seeded: LocalStack) -> None:
    """The function knows the article route by its shape; the handler says which routes vary by Accept."""
    routes = _routes()
    normalised = _run_request_function([_request(path, None) for _, path, _ in routes])
    for (route, path, parameters), request in zip(routes, normalised, strict=True):
        query = {name: value for name, value in REQUIRED_QUERY.items() if name in parameters}
        varies = "accept" in _vary(call_api("GET", path, query=query))
        assert ("accept" in request["headers"]) == varies, route
