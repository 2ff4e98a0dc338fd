"""Drafts through the real handlers on moto: ingest validates them as articles and keeps them out of every list,
search, feed, event and embed; only a valid preview token shows one, marked as a draft and never cached; a bad,
expired, altered or misdirected token is a 401 problem with a challenge, and no token means the draft does not
exist."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from typer.testing import CliRunner
from werkzeug.wrappers import Response

from health_content.articles.previews import PreviewTokens
from infra import template
from infra.cli import app as cli
from infra.local.stack import LocalStack
from tests.conftest import SEED_ARTICLE_PATH, SEED_KEY, document_bytes
from tests.integration.conftest import BUCKET, assert_problem, call_api, ingest, put_document

SECRET_ID = template.preview_secret_name(BUCKET)
SEED = "kram-otot-betis"
NEW = "artikel-draf"  # an article that only has a draft
PLAIN = "artikel-terbit"  # a published article without a draft
WORD = "zebrafikasi"  # a word only the drafts have
DRAFT_TITLE = "Gerak Otot Betis saat Kaki Kram (draf)"
ADDED_SECTION = "catatan-editor"
ARTICLE_ROUTES = [f"/v1/articles/{SEED}", f"/v1/articles/{SEED}/sections", f"/v1/articles/{SEED}/sections/pencegahan"]


@dataclass(frozen=True)
class Drafted:
    stack: LocalStack
    reports: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    """What the bus announced while the drafts (and the article without one) were ingested."""
    token: str
    """Printed by `content-api preview-token`, for every article."""


def _seed() -> dict[str, Any]:
    return dict(json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8")))


def _draft_of_seed() -> dict[str, Any]:
    draft = copy.deepcopy(_seed())
    draft["title"] = DRAFT_TITLE
    draft["tags"] = [*draft["tags"], "draf-saja"]
    prevention = next(section for section in draft["sections"] if section["id"] == "pencegahan")
    prevention["blocks"][0]["text"] += f" Latihan {WORD} membantu."
    added = {"id": ADDED_SECTION, "heading": "Catatan editor", "aspect": "OverviewHealthAspect"}
    draft["sections"].append({**added, "blocks": [{"type": "paragraph", "text": f"Uji {WORD} di sini."}]})
    return draft


def _new_article() -> dict[str, Any]:
    return {**_draft_of_seed(), "slug": NEW, "title": f"Artikel {WORD}", "related": {}}


@pytest.fixture(autouse=True)
def _preview_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVIEW_SECRET_ID", SECRET_ID)  # as template.yaml gives the API function


@pytest.fixture(scope="module")
def drafted(seeded: LocalStack) -> Iterator[Drafted]:
    """content/ published, then a draft of the seed article, a draft of an article never published, and one
    more published article (without a draft), each ingested as operators publish them."""
    s3 = boto3.client("s3", region_name="us-east-1")
    seeded.received_events()  # what publishing content/ announced
    put_document(s3, "drafts/" + SEED_KEY, document_bytes(_draft_of_seed()))
    put_document(s3, f"drafts/articles/id/{NEW}.json", document_bytes(_new_article()))
    put_document(s3, f"articles/id/{PLAIN}.json", document_bytes({**_seed(), "slug": PLAIN, "related": {}}))
    reports = {result["key"]: result for result in ingest(seeded)}
    events = seeded.received_events()
    printed = CliRunner().invoke(cli, ["preview-token", "--bucket", BUCKET])
    assert printed.exit_code == 0, printed.output
    yield Drafted(seeded, reports, events, printed.output.strip().splitlines()[-1])


def _secret() -> str:
    return str(
        boto3.client("secretsmanager", region_name="us-east-1").get_secret_value(SecretId=SECRET_ID)["SecretString"]
    )


def _with_token(token: str, how: str) -> dict[str, Any]:
    if how == "bearer":
        return {"headers": {"Authorization": f"Bearer {token}"}}
    return {"query": {"preview": token}}


def _json(response: Response) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def _preview_headers_of(response: Response) -> None:
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "ETag" not in response.headers  # nothing for a cache to revalidate


# --- ingest: validated, then kept apart -------------------------------------------------------------------


def test_ingest_validates_drafts_as_articles_and_announces_none(drafted: Drafted) -> None:
    statuses = {key: report["status"] for key, report in drafted.reports.items()}
    assert statuses == {
        "drafts/" + SEED_KEY: "published",
        f"drafts/articles/id/{NEW}.json": "published",
        f"articles/id/{PLAIN}.json": "published",
    }
    # The bus heard of the published article only; the feed lists only what was published.
    assert [event["detail"]["id"] for event in drafted.events] == [PLAIN]
    feed = _json(call_api("GET", "/v1/changes", query={"limit": "100"}))
    assert {change["id"] for change in feed["changes"]} == {SEED, "causes", PLAIN}


def test_an_invalid_draft_is_rejected_for_the_reasons_its_article_would_be(drafted: Drafted) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    broken = document_bytes({**_new_article(), "slug": "artikel-rusak", "sections": []})
    put_document(s3, "drafts/articles/id/artikel-rusak.json", broken)
    put_document(s3, "articles/id/artikel-rusak.json", broken)
    reports = {result["key"]: result for result in ingest(drafted.stack)}
    as_draft, as_article = reports["drafts/articles/id/artikel-rusak.json"], reports["articles/id/artikel-rusak.json"]
    assert as_draft["status"] == as_article["status"] == "rejected"
    assert as_draft["reasons"] == as_article["reasons"] != []
    token = {"headers": {"Authorization": f"Bearer {drafted.token}"}}
    assert_problem(call_api("GET", "/v1/articles/artikel-rusak", **token), 404, "/problems/not-found")


# --- without a token, a draft does not exist ---------------------------------------------------------------


def test_without_a_token_a_draft_does_not_exist(drafted: Drafted) -> None:
    assert_problem(call_api("GET", f"/v1/articles/{NEW}"), 404, "/problems/not-found")
    assert_problem(call_api("GET", f"/v1/articles/{NEW}/sections"), 404)
    assert call_api("GET", f"/v1/articles/{NEW}", query={"format": "html"}).status_code == 404
    article = _json(call_api("GET", f"/v1/articles/{SEED}"))
    assert article["title"] == _seed()["title"] and "draft" not in article
    assert ADDED_SECTION not in [section["id"] for section in article["sections"]]
    assert_problem(call_api("GET", f"/v1/articles/{SEED}/sections/{ADDED_SECTION}"), 404)
    assert WORD not in call_api("GET", f"/v1/articles/{SEED}", query={"format": "html"}).get_data(as_text=True)


def test_lists_search_and_partner_embeds_never_show_a_draft_even_with_a_token(drafted: Drafted) -> None:
    listed = _json(call_api("GET", "/v1/articles"))
    assert [(item["slug"], item["title"]) for item in listed["items"]] == [
        (PLAIN, _seed()["title"]),
        (SEED, _seed()["title"]),
    ]
    assert _json(call_api("GET", "/v1/articles", query={"tag": "draf-saja"}))["items"] == []
    since = _json(call_api("GET", "/v1/articles", query={"updated_since": "2000-01-01T00:00:00Z"}))
    assert {item["slug"] for item in since["items"]} == {SEED, PLAIN}
    for how in ("bearer", "query"):
        with_token = _with_token(drafted.token, how)
        search = call_api(
            "GET", "/v1/search", query={"q": WORD, **with_token.get("query", {})}, headers=with_token.get("headers")
        )
        assert (_json(search)["total"], _json(search)["items"]) == (0, [])
        assert _json(call_api("GET", "/v1/search", query={"q": "mioklonus"}))["total"] > 0  # search does work
        for path in (f"/v1/embed/{SEED}", f"/v1/frame/{SEED}", f"/v1/embed/{SEED}/pencegahan"):
            embed = call_api("GET", path, **with_token)
            assert embed.status_code == 200 and WORD not in embed.get_data(as_text=True)
            assert DRAFT_TITLE not in embed.get_data(as_text=True)
        for path in (f"/v1/embed/{NEW}", f"/v1/frame/{NEW}", f"/v1/embed/{SEED}/{ADDED_SECTION}"):
            assert call_api("GET", path, **with_token).status_code == 404
        url = quote(f"http://localhost/v1/articles/{NEW}", safe="")
        assert call_api("GET", "/v1/oembed", query=f"url={url}", headers=with_token.get("headers")).status_code == 404


# --- with a token ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["bearer", "query"])
def test_a_token_answers_the_draft_marked_as_one_and_never_cached(drafted: Drafted, how: str) -> None:
    with_token = _with_token(drafted.token, how)
    response = call_api("GET", f"/v1/articles/{SEED}", **with_token)
    article = _json(response)
    _preview_headers_of(response)
    assert (article["draft"], article["title"]) == (True, DRAFT_TITLE)
    assert article["sections"][-1]["id"] == ADDED_SECTION
    sections = call_api("GET", f"/v1/articles/{SEED}/sections", **with_token)
    _preview_headers_of(sections)
    assert _json(sections)["draft"] is True and ADDED_SECTION in [s["id"] for s in _json(sections)["sections"]]
    section = call_api("GET", f"/v1/articles/{SEED}/sections/{ADDED_SECTION}", **with_token)
    _preview_headers_of(section)
    assert _json(section)["draft"] is True and WORD in _json(section)["section"]["blocks"][0]["text"]
    new = _json(call_api("GET", f"/v1/articles/{NEW}", **with_token))
    assert (new["draft"], new["slug"]) == (True, NEW)


def test_a_token_answers_the_published_version_where_there_is_no_draft(drafted: Drafted) -> None:
    token = {"headers": {"Authorization": f"Bearer {drafted.token}"}}
    response = call_api("GET", f"/v1/articles/{PLAIN}", **token)
    _preview_headers_of(response)
    assert _json(response)["draft"] is False
    assert_problem(call_api("GET", "/v1/articles/tidak-ada", **token), 404, "/problems/not-found")


def test_a_preview_keeps_its_mark_whatever_fields_select_and_says_draft_in_json_ld(drafted: Drafted) -> None:
    token = {"headers": {"Authorization": f"Bearer {drafted.token}"}}
    sparse = _json(call_api("GET", f"/v1/articles/{SEED}", query={"fields": "title"}, **token))
    assert set(sparse) == {"title", "source", "disclaimer", "draft"} and sparse["draft"] is True
    headers = {**token["headers"], "Accept": "application/ld+json"}
    jsonld = call_api("GET", f"/v1/articles/{SEED}", headers=headers)
    _preview_headers_of(jsonld)
    assert _json(jsonld)["creativeWorkStatus"] == "Draft"


def test_a_token_for_one_article_opens_that_article_only(drafted: Drafted) -> None:
    printed = CliRunner().invoke(cli, ["preview-token", "--bucket", BUCKET, "--slug", NEW, "--ttl", "600"])
    token = {"query": {"preview": printed.output.strip().splitlines()[-1]}}
    assert _json(call_api("GET", f"/v1/articles/{NEW}", **token))["draft"] is True
    refused = assert_problem(call_api("GET", f"/v1/articles/{SEED}", **token), 401, "/problems/invalid-preview-token")
    assert f"for article '{NEW}'" in refused["detail"]


def _expired() -> str:
    return PreviewTokens(_secret, clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).issue(3600)


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload}.{signature[::-1]}"


@pytest.mark.parametrize(
    ("made", "said"),
    [
        (lambda token: _expired(), "expired"),
        (_tampered, "altered"),
        (lambda token: PreviewTokens(lambda: "another secret, " * 4).issue(600), "not one this API issued"),
        (lambda token: "kadaluarsa", "not one this API issued"),
    ],
    ids=["expired", "tampered", "another-secret", "garbage"],
)
def test_a_bad_token_is_a_401_problem_with_a_bearer_challenge(drafted: Drafted, made: Any, said: str) -> None:
    token = made(drafted.token)
    for path in ARTICLE_ROUTES:
        for how in ("bearer", "query"):
            response = call_api("GET", path, **_with_token(token, how))
            problem = assert_problem(response, 401, "/problems/invalid-preview-token")
            assert said in problem["detail"]
            assert response.headers["WWW-Authenticate"].startswith('Bearer realm="preview", error="invalid_token"')
    page = call_api("GET", f"/v1/articles/{SEED}", query={"format": "html", "preview": token})
    assert page.status_code == 401 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["WWW-Authenticate"].startswith("Bearer ") and page.headers["Cache-Control"] == "no-store"


def test_another_authorization_scheme_is_not_a_preview(drafted: Drafted) -> None:
    article = _json(call_api("GET", f"/v1/articles/{SEED}", headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    assert "draft" not in article and article["title"] == _seed()["title"]


# --- the page for editors ---------------------------------------------------------------------------------


def test_the_preview_page_says_draft_and_shows_what_changed_per_section(drafted: Drafted) -> None:
    response = call_api("GET", f"/v1/articles/{SEED}", query={"format": "html", "preview": drafted.token})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    _preview_headers_of(response)
    page = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page
    assert 'class="kse-draft-banner" role="status" data-kse-draft="true"' in page
    assert f'data-kse-change="added" data-kse-section="{ADDED_SECTION}"' in page
    assert 'data-kse-change="changed" data-kse-section="pencegahan"' in page
    assert f"dalamnya.<ins> Latihan {WORD} membantu.</ins>" in page  # the words added, and only them
    assert DRAFT_TITLE in page
    without_draft = call_api("GET", f"/v1/articles/{PLAIN}", query={"format": "html", "preview": drafted.token})
    assert 'data-kse-draft="false"' in without_draft.get_data(as_text=True)
    assert "kse-changes" not in without_draft.get_data(as_text=True)


def test_the_openapi_document_describes_the_preview_parameter_and_bearer_token(drafted: Drafted) -> None:
    document = _json(call_api("GET", "/openapi.json"))
    assert document["components"]["securitySchemes"]["previewToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["previewToken"]["description"],
    }
    for path in ("/v1/articles/{slug}", "/v1/articles/{slug}/sections", "/v1/articles/{slug}/sections/{section_id}"):
        for method in ("get", "head"):
            operation = document["paths"][path][method]
            assert "preview" in [parameter["name"] for parameter in operation["parameters"]]
            # Not a security requirement: generated clients would then demand credentials of every reader.
            assert "security" not in operation
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    assert "preview" not in [p["name"] for p in document["paths"]["/v1/embed/{slug}"]["get"]["parameters"]]
