"""Partner embeds through the real handler: fragments, frames, oEmbed, JSON-LD, and hostile content."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyld import jsonld

from api import dependencies
from infra.local.stack import LocalStack
from tests.html_checks import parse
from tests.integration.conftest import call_api

SECTION = "/v1/embed/kram-otot-betis/penyebab"
# API Gateway names the API's domain in every event; links are built from it.
API_DOMAIN: dict[str, Any] = {"domain_name": "api.example.org"}


def test_a_section_fragment_is_self_contained_html(seeded: LocalStack) -> None:
    response = call_api("GET", SECTION, **API_DOMAIN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    markup = parse(response.get_data(as_text=True))
    assert markup.dangerous() == []
    assert markup.count("h2") == 1 and markup.count("li") == 15 and markup.count("ol") == 1
    assert "Penyebab kejang" in markup.text
    assert "tidak menggantikan pemeriksaan" in markup.text  # the disclaimer
    assert "Sumber:" in markup.text and "Konten Sehat API" in markup.text  # the attribution
    assert {c for c in markup.classes()} <= {c for c in markup.classes() if c.startswith("kse-")}
    [embed] = [attributes for tag, attributes in markup.tags if tag == "div"]
    assert embed["lang"] == "id"
    canonical = next(a for t, a in markup.tags if "kse-canonical" in (a.get("class") or ""))
    assert canonical["href"] == "https://api.example.org/v1/frame/kram-otot-betis"


def test_fragments_are_open_to_any_origin_while_json_keeps_its_allow_list(seeded, monkeypatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example")
    dependencies.reset()
    partner = {"Origin": "https://klinik.example"}
    assert call_api("GET", SECTION, headers=partner).headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in call_api("GET", "/v1/articles/kram-otot-betis", headers=partner).headers


def test_fragments_are_cacheable(seeded: LocalStack) -> None:
    response = call_api("GET", SECTION)
    assert "public" in response.headers["Cache-Control"]
    again = call_api("GET", SECTION, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_whole_article_as_a_fragment(seeded: LocalStack) -> None:
    markup = parse(call_api("GET", "/v1/embed/kram-otot-betis").get_data(as_text=True))
    assert markup.count("h1") == 1 and markup.count("section") == 10
    assert markup.dangerous() == []


def test_a_public_base_url_replaces_the_stage_url_in_embeds(seeded: LocalStack, monkeypatch) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://sehat.example/api")
    dependencies.reset()
    body = call_api("GET", SECTION, query={"format": "json"}, stage="prod", stage_in_path=True).get_json()
    assert body["article"]["url"] == "https://sehat.example/api/v1/frame/kram-otot-betis"
    url = "https://sehat.example/api/v1/articles/kram-otot-betis"
    assert call_api("GET", "/v1/oembed", query={"url": url}).get_json()["provider_url"] == "https://sehat.example/api/"


def test_the_embed_script_gets_the_same_content_as_json(seeded: LocalStack) -> None:
    response = call_api("GET", SECTION, query={"format": "json"}, **API_DOMAIN)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert body["sections"][0]["heading"] == "Penyebab kejang"
    assert body["disclaimer"] and body["source"]["name"] and body["labels"]["disclaimer"] == "Penting:"
    assert body["article"]["url"] == "https://api.example.org/v1/frame/kram-otot-betis"
    assert body["provider"] == {"name": "Konten Sehat API", "url": "https://api.example.org/"}


def test_a_frame_page_for_iframes(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/frame/kram-otot-betis/penyebab", **API_DOMAIN)
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    markup = parse(html)
    assert markup.dangerous() == []
    links = {attributes["rel"]: attributes for tag, attributes in markup.tags if tag == "link"}
    assert links["stylesheet"]["href"] == "https://api.example.org/v1/embed.css"
    assert links["alternate"]["type"] == "application/json+oembed"
    assert links["alternate"]["href"].startswith("https://api.example.org/v1/oembed?url=")
    assert call_api("GET", "/v1/frame/kram-otot-betis", **API_DOMAIN).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.org/v1/articles/kram-otot-betis/sections/penyebab",
        "https://api.example.org/v1/frame/kram-otot-betis/penyebab",
        "https://api.example.org/v1/embed/kram-otot-betis/penyebab",
    ],
)
def test_oembed_for_section_urls(seeded: LocalStack, url: str) -> None:
    response = call_api("GET", "/v1/oembed", query={"url": url, "format": "json"}, **API_DOMAIN)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["title"] == "Penyebab kejang | Gerak Otot Betis saat Kaki Kram"
    assert body["provider_name"] == "Konten Sehat API" and body["provider_url"] == "https://api.example.org/"
    assert body["cache_age"] == 300 and body["width"] == 600 and body["height"] > 300
    [iframe] = parse(body["html"]).tags
    assert iframe[0] == "iframe" and iframe[1]["src"] == "https://api.example.org/v1/frame/kram-otot-betis/penyebab"
    assert "allow-scripts" not in iframe[1]["sandbox"]


def test_oembed_respects_the_consumers_size_limits(seeded: LocalStack) -> None:
    url = "https://api.example.org/v1/articles/kram-otot-betis"
    body = call_api("GET", "/v1/oembed", query={"url": url, "maxwidth": "320", "maxheight": "400"}, **API_DOMAIN)
    assert (body.get_json()["width"], body.get_json()["height"]) == (320, 400)
    assert body.get_json()["title"] == "Gerak Otot Betis saat Kaki Kram"


def test_article_json_points_to_its_oembed_endpoint(seeded: LocalStack) -> None:
    discovery = call_api("GET", "/v1/articles/kram-otot-betis", **API_DOMAIN).get_json()["links"]["oembed"]
    path, query = discovery.removeprefix("https://api.example.org").split("?")
    assert call_api("GET", path, query=query, **API_DOMAIN).get_json()["type"] == "rich"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"url": "https://evil.example/v1/articles/kram-otot-betis"}, 404),
        ({"url": "https://api.example.org/v1/articles/tidak-ada"}, 404),
        ({"url": "https://api.example.org/v1/articles/kram-otot-betis/sections/tidak-ada"}, 404),
        ({"url": "https://api.example.org/docs"}, 404),
        ({"url": "javascript:alert(1)"}, 404),
        ({"url": "https://api.example.org/v1/articles/kram-otot-betis", "format": "xml"}, 501),
        ({"url": "https://api.example.org/v1/articles/kram-otot-betis", "maxwidth": "0"}, 400),
    ],
)
def test_oembed_errors(seeded: LocalStack, query: dict[str, str], status: int) -> None:
    response = call_api("GET", "/v1/oembed", query=query, **API_DOMAIN)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


def test_assets_for_partners(seeded: LocalStack) -> None:
    css = call_api("GET", "/v1/embed.css")
    assert css.headers["Content-Type"] == "text/css; charset=utf-8" and ".kse-embed" in css.get_data(as_text=True)
    script = call_api("GET", "/v1/embed.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    source = script.get_data(as_text=True)
    assert "textContent" in source and "innerHTML" not in source and "eval(" not in source


# --- JSON-LD -------------------------------------------------------------------------------

SCHEMA_CONTEXT = {"@context": {"@vocab": "https://schema.org/"}}


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    # Tests cannot reach schema.org; its context maps every term into the schema.org vocabulary.
    assert url.rstrip("/") in {"https://schema.org", "http://schema.org"}, url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}


@pytest.mark.parametrize(
    "request_options", [{"headers": {"Accept": "application/ld+json"}}, {"query": {"format": "jsonld"}}]
)
def test_articles_as_schema_org_json_ld(seeded: LocalStack, request_options: dict[str, Any]) -> None:
    response = call_api("GET", "/v1/articles/kram-otot-betis", **request_options)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Vary"] == "Accept"
    document = json.loads(response.get_data(as_text=True))
    expanded = jsonld.expand(document, {"documentLoader": _offline_loader})
    [page] = expanded
    s = "https://schema.org/"
    assert page["@type"] == [s + "MedicalWebPage"]
    assert page[s + "inLanguage"][0]["@value"] == "id"
    assert page[s + "lastReviewed"][0]["@value"] == "2026-11-24"
    parts = page[s + "hasPart"]
    topics = [part for part in parts if part["@type"] == [s + "HealthTopicContent"]]
    assert len(topics) == 10
    assert {t[s + "hasHealthAspect"][0]["@id"] for t in topics} >= {
        s + "CausesHealthAspect",
        s + "PreventionHealthAspect",
    }
    assert any("tidak menggantikan" in part[s + "text"][0]["@value"] for part in parts if part not in topics)
    [condition] = page[s + "about"]
    assert condition["@type"] == [s + "MedicalCondition"]
    causes = condition[s + "cause"]
    assert len(causes) == 38 and all(cause["@type"] == [s + "MedicalCause"] for cause in causes)
    calcium = next(c for c in causes if c["@id"].endswith("/v1/causes/hipokalsemia"))
    [code] = calcium[s + "code"]
    assert code["@type"] == [s + "MedicalCode"] and code[s + "codeValue"][0]["@value"] == "E83.5"
    assert page[s + "publisher"][0][s + "name"][0]["@value"] == "Konten Sehat API"


def test_json_and_json_ld_are_cached_apart(seeded: LocalStack) -> None:
    as_json = call_api("GET", "/v1/articles/kram-otot-betis")
    as_jsonld = call_api("GET", "/v1/articles/kram-otot-betis", headers={"Accept": "application/ld+json"})
    assert as_json.headers["Vary"] == as_jsonld.headers["Vary"] == "Accept"
    assert as_json.headers["ETag"] != as_jsonld.headers["ETag"]
    preferred = call_api(
        "GET", "/v1/articles/kram-otot-betis", headers={"Accept": "application/json;q=0.5, application/ld+json"}
    )
    assert preferred.headers["Content-Type"] == "application/ld+json"


# --- hostile content -------------------------------------------------------------------------
