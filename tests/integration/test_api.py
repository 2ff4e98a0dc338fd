"""Every endpoint through the real API handler, with API Gateway events, against the moto stack."""

from __future__ import annotations

import datetime as dt
import io
import json
from email.utils import format_datetime
from typing import Any

import pytest

from api import handler as api_handler
from health_content.observability import logger
from infra.local.stack import LocalStack
from infra.template import REPO_ROOT
from tests.integration.conftest import assert_problem, call_api

ARTICLE = "/v1/articles/kram-otot-betis"


# --- articles and sections ---------------------------------------------------------------


def test_list_articles(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/articles")
    assert response.status_code == 200
    body = response.get_json()
    assert [item["slug"] for item in body["items"]] == ["kram-otot-betis"]
    assert body["items"][0]["links"] == {"self": ARTICLE, "sections": f"{ARTICLE}/sections"}
    assert body["next_cursor"] is None
    assert response.headers["Content-Language"] == "id"


def test_get_article(seeded: LocalStack, seed_document: dict[str, Any]) -> None:
    response = call_api("GET", ARTICLE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Language"] == "id"
    body = response.get_json()
    assert body["slug"] == "kram-otot-betis" and body["locale"] == "id"
    assert body["disclaimer"] == seed_document["disclaimer"]
    assert body["source"]["name"] == seed_document["source"]["name"]
    assert [s["id"] for s in body["sections"]] == [s["id"] for s in seed_document["sections"]]
    causes = next(s for s in body["sections"] if s["id"] == "penyebab")
    assert causes["aspect"] == "CausesHealthAspect"
    assert causes["blocks"][1]["ordered"] is True and len(causes["blocks"][1]["items"]) == 15
    assert causes["links"] == {
        "self": f"{ARTICLE}/sections/penyebab",
        "embed": "/v1/embed/kram-otot-betis/penyebab",
    }
    assert body["links"]["oembed"] == (
        "https://localhost/v1/oembed?url=https%3A%2F%2Flocalhost%2Fv1%2Fframe%2Fkram-otot-betis&format=json"
    )
    assert body["related"] == {"previous": None, "next": None}  # its neighbours in its series are not published here
    assert {c["original"] for c in body["corrections"]} >= {"serangan kejangwatak", "kalsium,magnesium"}
    assert "$schema" not in body


def test_list_sections_is_a_table_of_contents(seeded: LocalStack) -> None:
    body = call_api("GET", f"{ARTICLE}/sections").get_json()
    assert body["article"]["slug"] == "kram-otot-betis"
    assert [s["id"] for s in body["sections"]][:4] == ["ikhtisar", "apa-itu-kejang", "komplikasi", "penyebab"]
    assert all("blocks" not in s for s in body["sections"])
    assert body["sections"][3]["links"]["self"] == f"{ARTICLE}/sections/penyebab"
    assert body["disclaimer"]


def test_get_section_carries_attribution_and_navigation(seeded: LocalStack) -> None:
    response = call_api("GET", f"{ARTICLE}/sections/pencegahan")
    assert response.status_code == 200
    body = response.get_json()
    assert body["section"]["heading"] == "Pencegahan kejang"
    assert body["section"]["aspect"] == "PreventionHealthAspect"
    assert body["disclaimer"] and body["source"]["name"]
    assert body["links"]["previous"] == f"{ARTICLE}/sections/perawatan"
    assert body["links"]["next"] == f"{ARTICLE}/sections/kapan-ke-dokter"
    first = call_api("GET", f"{ARTICLE}/sections/ikhtisar").get_json()
    assert "previous" not in first["links"]


def test_links_keep_the_stage_prefix_of_a_default_execute_api_url(seeded: LocalStack) -> None:
    body = call_api("GET", ARTICLE, stage="prod", stage_in_path=True).get_json()
    assert body["links"]["self"] == "/prod/v1/articles/kram-otot-betis"
    assert body["sections"][0]["links"]["self"].startswith("/prod/v1/articles/kram-otot-betis/sections/")


def test_another_locale_is_not_found_until_published(seeded: LocalStack) -> None:
    body = assert_problem(call_api("GET", ARTICLE, query={"locale": "en"}), 404, "/problems/not-found")
    assert "locale 'en'" in body["detail"]


# --- HTTP caching ------------------------------------------------------------------------


def test_successful_responses_are_cacheable(seeded: LocalStack) -> None:
    response = call_api("GET", ARTICLE)
    etag = response.headers["ETag"]
    # Weak: API Gateway may gzip the same representation, which a strong validator would have to tell apart.
    assert etag.startswith('W/"') and etag.endswith('"')
    assert "public" in response.headers["Cache-Control"]
    assert "stale-while-revalidate=" in response.headers["Cache-Control"]
    assert dt.datetime.strptime(response.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
    assert call_api("GET", ARTICLE).headers["ETag"] == etag  # stable across requests


@pytest.mark.parametrize("template", ["{etag}", "{opaque}", '"other", {etag}', "*"])
def test_if_none_match_answers_304_without_a_body(seeded: LocalStack, template: str) -> None:
    etag = call_api("GET", ARTICLE).headers["ETag"]
    sent = template.format(etag=etag, opaque=etag.removeprefix("W/"))  # the weak comparison ignores W/
    response = call_api("GET", ARTICLE, headers={"If-None-Match": sent})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert "public" in response.headers["Cache-Control"]
    assert "Content-Type" not in response.headers


def test_a_stale_etag_gets_the_full_response(seeded: LocalStack) -> None:
    response = call_api("GET", ARTICLE, headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200 and response.get_json()["slug"] == "kram-otot-betis"


def test_each_representation_has_its_own_etag(seeded: LocalStack) -> None:
    etags = {
        call_api("GET", path).headers["ETag"]
        for path in (ARTICLE, f"{ARTICLE}/sections", f"{ARTICLE}/sections/penyebab", "/v1/articles")
    }
    assert len(etags) == 4


def test_if_modified_since(seeded: LocalStack) -> None:
    last_modified = call_api("GET", ARTICLE).headers["Last-Modified"]
    assert call_api("GET", ARTICLE, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), usegmt=True)
    assert call_api("GET", ARTICLE, headers={"If-Modified-Since": earlier}).status_code == 200
    assert call_api("GET", ARTICLE, headers={"If-Modified-Since": "yesterday"}).status_code == 200


def test_head_returns_the_headers_of_get_without_a_body(seeded: LocalStack) -> None:
    get = call_api("GET", ARTICLE)
    head = call_api("HEAD", ARTICLE)
    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]


# --- errors ------------------------------------------------------------------------------


def test_unknown_article_and_section(seeded: LocalStack) -> None:
    body = assert_problem(call_api("GET", "/v1/articles/tidak-ada"), 404, "/problems/not-found")
    assert body["instance"] == "/v1/articles/tidak-ada"
    assert_problem(call_api("GET", f"{ARTICLE}/sections/tidak-ada"), 404, "/problems/not-found")
    assert_problem(call_api("GET", "/v1/nothing/here"), 404, "/problems/not-found")
    assert_problem(call_api("GET", f"{ARTICLE}/"), 404, "/problems/not-found")  # one URL per resource


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", [ARTICLE, "/v1/articles/NOT-A-SLUG"])
def test_other_methods_are_not_allowed(seeded: LocalStack, method: str, path: str) -> None:
    """Whatever its parameters' values, a path the API serves says which methods it answers."""
    response = call_api(method, path, body=b"{}")
    assert_problem(response, 405, "/problems/method-not-allowed")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_options_without_cors_lists_the_allowed_methods(seeded: LocalStack) -> None:
    response = call_api("OPTIONS", ARTICLE)
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "lots"}, "limit"),
        ({"locale": "fr"}, "locale"),
        ({"cursor": "x" * 600}, "cursor"),
    ],
)
def test_invalid_parameters_are_400_problems_naming_the_parameter(seeded, query, parameter) -> None:
    body = assert_problem(call_api("GET", "/v1/articles", query=query), 400, "/problems/invalid-request")
    assert [e["name"] for e in body["errors"]] == [parameter]
    assert body["errors"][0]["location"] == "query"


@pytest.mark.parametrize("cursor", ["not-base64!", "eyJhZnRlciI6IDF9", "e30", "W10"])
def test_a_cursor_the_api_did_not_issue_is_a_400(seeded: LocalStack, cursor: str) -> None:
    assert_problem(call_api("GET", "/v1/articles", query={"cursor": cursor}), 400, "/problems/invalid-cursor")


@pytest.mark.parametrize(
    "slug",
    [
        "..%2F..%2Fetc%2Fpasswd",
        "Kram-Otot-Betis",
        "kram otot",
        "kr\u00e4m",
        "\u202ekram",
        "kram\u0000",
        "\U0001f600",
        "a" * 5000,
        "%00",
        "'; DROP TABLE--",
    ],
)
def test_hostile_ids_get_a_4xx_never_a_5xx(seeded: LocalStack, slug: str) -> None:
    for path in (f"/v1/articles/{slug}", f"{ARTICLE}/sections/{slug}"):
        response = call_api("GET", path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response.headers["Content-Type"] == "application/problem+json"


def test_path_traversal_does_not_escape_the_routes(seeded: LocalStack) -> None:
    assert_problem(call_api("GET", "/v1/articles/../../etc/passwd"), 404, "/problems/not-found")


def test_an_unexpected_failure_is_a_500_that_leaks_nothing(seeded, monkeypatch) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("secret stack detail /var/task/health_content")

    monkeypatch.setattr(api_handler.this_containers_api().container.articles, "get_article", explode)
    response = call_api("GET", ARTICLE)
    body = assert_problem(response, 500, "/problems/internal-error")
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["detail"] == "The request could not be completed."


def test_logs_carry_the_request_id_the_client_sees(seeded, monkeypatch) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api_handler.this_containers_api().container.reader, "view", explode)
    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)
    try:
        body = json.loads(call_api("GET", ARTICLE).get_data(as_text=True))
    finally:
        logger.registered_handler.setStream(previous)
    logged = [json.loads(line) for line in buffer.getvalue().splitlines()]
    [error] = [entry for entry in logged if entry["message"] == "unhandled error"]
    assert error["correlation_id"] == body["request_id"]
    assert "RuntimeError: boom" in error["exception"]  # the details stay in the logs


# --- pagination --------------------------------------------------------------------------


def test_health(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"articles": "ok", "causes": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_openapi_document_is_served_and_matches_the_committed_file(seeded: LocalStack) -> None:
    response = call_api("GET", "/openapi.json")
    assert response.status_code == 200
    committed = json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert response.get_json() == committed


def test_problem_types_are_documented(seeded: LocalStack) -> None:
    body = call_api("GET", "/problems/not-found").get_json()
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "description": "Nothing is published at this address.",
    }
    assert_problem(call_api("GET", "/problems/unknown-kind"), 404, "/problems/not-found")


def _restart_with(monkeypatch: pytest.MonkeyPatch, **environment: str) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    api_handler.reset()


def test_swagger_ui_is_served_only_when_enabled(seeded: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    assert call_api("GET", "/docs").status_code == 404
    _restart_with(monkeypatch, ENABLE_DOCS="true")
    response = call_api("GET", "/docs", stage="prod", stage_in_path=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    # It loads the document /openapi.json serves, with its recorded examples, not a copy of its own without them.
    assert "SwaggerUIBundle" in page and 'url: "/prod/openapi.json"' in page
    assert '"openapi":' not in page and "format=json" not in page
    head = call_api("HEAD", "/docs", stage="prod", stage_in_path=True)
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == response.headers["ETag"]


def test_browsers_get_an_icon_and_the_home_links_to_search(seeded: LocalStack) -> None:
    icon = call_api("GET", "/favicon.ico")
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")
    home = call_api("GET", "/", query={"locale": "en"}).get_json()
    assert home["links"]["search"] == "/v1/search{?q,aspect,tag}"  # a URI Template: a search needs words


def test_cors_allows_only_configured_origins(seeded: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    _restart_with(monkeypatch, CORS_ALLOWED_ORIGINS="https://app.example,https://partner.example")
    allowed = call_api("GET", ARTICLE, headers={"Origin": "https://partner.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = call_api("GET", ARTICLE, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = call_api(
        "OPTIONS", ARTICLE, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    problem = call_api("GET", "/v1/articles/tidak-ada", headers={"Origin": "https://app.example"})
    assert problem.headers["Access-Control-Allow-Origin"] == "https://app.example"
