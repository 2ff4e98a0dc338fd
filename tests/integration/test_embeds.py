"""Partner embeds through the real handler: fragments, frames, oEmbed, JSON-LD, link previews, and hostile
content."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

import extruct
import pyoembed
import pytest
import responses
from pyld import jsonld
from requests import PreparedRequest
from requests.utils import parse_header_links

from api import handler as api_handler
from infra.local.stack import LocalStack
from tests.conftest import SEED_ARTICLE_PATH
from tests.html_checks import parse
from tests.integration.conftest import assert_problem, call_api

SECTION = "/v1/embed/kram-otot-betis/penyebab"
# API Gateway names the API's domain in every event; links are built from it.
API_DOMAIN: dict[str, Any] = {"domain_name": "api.example.org"}


def test_a_section_fragment_is_self_contained_html(seeded: LocalStack) -> None:
    response = call_api("GET", SECTION, **API_DOMAIN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    markup = parse(response.get_data(as_text=True))
    assert markup.dangerous() == []
    items = [a for tag, a in markup.tags if tag == "li" and a.get("class") == "kse-item"]
    assert markup.count("h2") == 1 and len(items) == 15 and markup.count("ol") == 1
    assert "Penyebab kejang" in markup.text
    assert "tidak menggantikan pemeriksaan" in markup.text  # the disclaimer
    assert "Sumber:" in markup.text and "Konten Sehat API" in markup.text  # the attribution
    assert {c for c in markup.classes()} <= {c for c in markup.classes() if c.startswith("kse-")}
    [embed] = [attributes for tag, attributes in markup.tags if tag == "div"]
    assert embed["lang"] == "id"
    # What the frame's script checks the article's status against: which article, section and version it shows.
    assert (embed["data-kse-article"], embed["data-kse-section"]) == ("kram-otot-betis", "penyebab")
    version = call_api("GET", SECTION, query={"format": "json"}).get_json()["version"]
    assert embed["data-kse-version"] == version
    canonical = next(a for t, a in markup.tags if "kse-canonical" in (a.get("class") or ""))
    # The page to read, whatever a client accepts (its bare URL gives JSON to a client that accepts anything).
    assert canonical["href"] == "https://api.example.org/v1/articles/kram-otot-betis.html"


def test_an_embed_shows_the_corrections_made_in_what_it_shows(seeded: LocalStack) -> None:
    article = json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))
    section = next(s for s in article["sections"] if s["id"] == "penyebab")
    text = json.dumps(section, ensure_ascii=False)
    made_here = [c for c in article["corrections"] if c["corrected"] in text]
    assert made_here and len(made_here) < len(article["corrections"])  # the seed has both kinds
    assert call_api("GET", SECTION, query={"format": "json"}).get_json()["corrections"] == made_here
    whole = call_api("GET", "/v1/embed/kram-otot-betis", query={"format": "json"}).get_json()
    assert whole["corrections"] == article["corrections"]
    markup = parse(call_api("GET", SECTION).get_data(as_text=True))
    shown = [a for tag, a in markup.tags if tag == "li" and a.get("class") == "kse-correction"]
    assert len(shown) == len(made_here) and all(c["reason"] in markup.text for c in made_here)


def test_fragments_are_open_to_any_origin_while_json_keeps_its_allow_list(seeded, monkeypatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example")
    api_handler.reset()
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
    api_handler.reset()
    body = call_api("GET", SECTION, query={"format": "json"}, stage="prod", stage_in_path=True).get_json()
    assert body["article"]["url"] == "https://sehat.example/api/v1/articles/kram-otot-betis.html"
    url = "https://sehat.example/api/v1/articles/kram-otot-betis"
    assert call_api("GET", "/v1/oembed", query={"url": url}).get_json()["provider_url"] == "https://sehat.example/api/"


def test_the_embed_script_gets_the_same_content_as_json(seeded: LocalStack) -> None:
    response = call_api("GET", SECTION, query={"format": "json"}, **API_DOMAIN)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert body["sections"][0]["heading"] == "Penyebab kejang"
    assert body["disclaimer"] and body["source"]["name"] and body["labels"]["disclaimer"] == "Penting:"
    assert body["article"]["url"] == "https://api.example.org/v1/articles/kram-otot-betis.html"
    assert body["provider"] == {"name": "Konten Sehat API", "url": "https://api.example.org/"}


def test_a_frame_page_for_iframes(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/frame/kram-otot-betis/penyebab", **API_DOMAIN)
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src https://api.example.org;" in policy  # no inline script
    markup = parse(html)
    assert markup.dangerous(scripts=frozenset({"https://api.example.org/v1/embed.js"})) == []
    links = [attributes for tag, attributes in markup.tags if tag == "link"]
    assert [link["href"] for link in links if link["rel"] == "stylesheet"] == ["https://api.example.org/v1/embed.css"]
    discovery = {link["type"]: link["href"] for link in links if link["rel"] == "alternate"}
    assert set(discovery) == {"application/json+oembed", "text/xml+oembed"}
    assert discovery["text/xml+oembed"].endswith("&format=xml")
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
    markup = parse(body["html"])
    assert markup.tags[0][0] == "blockquote"  # shown where iframes are stripped
    assert "Penyebab kejang" in markup.text and "tidak menggantikan pemeriksaan" in markup.text
    [iframe] = [attributes for tag, attributes in markup.tags if tag == "iframe"]
    assert iframe["src"] == "https://api.example.org/v1/frame/kram-otot-betis/penyebab"
    assert iframe["name"] == "kse-kram-otot-betis--penyebab"  # the id the frame's height messages carry
    # The frame runs our script (to report its height) on our origin, never on the partner's.
    assert set(iframe["sandbox"].split()) >= {"allow-scripts", "allow-same-origin", "allow-popups"}
    [script] = [attributes for tag, attributes in markup.tags if tag == "script"]
    assert script == {"async": None, "src": "https://api.example.org/v1/embed.js"}


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
        ({"url": "https://api.example.org/v1/articles/kram-otot-betis", "format": "yaml"}, 501),
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
    # The seed article has had no medical review: none is claimed.
    assert s + "lastReviewed" not in page and s + "reviewedBy" not in page
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


# --- oEmbed done fully, HTML where HTML is expected ---------------------------------------------------

OEMBED_ELEMENTS = {
    "type", "version", "title", "author_name", "author_url", "provider_name", "provider_url", "cache_age",
    "thumbnail_url", "thumbnail_width", "thumbnail_height", "url", "html", "width", "height",
}  # fmt: skip


@pytest.mark.parametrize("maxwidth", [100, 320, 599, 800])
def test_oembed_respects_any_maxwidth(seeded: LocalStack, maxwidth: int) -> None:
    url = "https://api.example.org/v1/articles/kram-otot-betis/sections/penyebab"
    body = call_api("GET", "/v1/oembed", query={"url": url, "maxwidth": str(maxwidth)}, **API_DOMAIN).get_json()
    assert body["width"] == min(maxwidth, 600)
    assert f"width:{body['width']}px" in body["html"]


def test_a_narrower_embed_is_estimated_taller(seeded: LocalStack) -> None:
    url = "https://api.example.org/v1/articles/kram-otot-betis/sections/penyebab"
    heights = [
        call_api("GET", "/v1/oembed", query={"url": url, "maxwidth": width}, **API_DOMAIN).get_json()["height"]
        for width in ("600", "320")
    ]
    assert heights[1] > heights[0]


def test_oembed_as_xml(seeded: LocalStack) -> None:
    url = "https://api.example.org/v1/articles/kram-otot-betis"
    xml = call_api("GET", "/v1/oembed", query={"url": url, "format": "xml"}, **API_DOMAIN)
    as_json = call_api("GET", "/v1/oembed", query={"url": url}, **API_DOMAIN).get_json()
    assert xml.status_code == 200 and xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    text = xml.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="utf-8" standalone="yes"?>')
    root = ElementTree.fromstring(text.split("?>", 1)[1])
    assert root.tag == "oembed" and {child.tag for child in root} <= OEMBED_ELEMENTS
    assert {child.tag: child.text for child in root} == {name: str(value) for name, value in as_json.items()}


def test_an_unsupported_format_is_501_and_no_server_error(seeded: LocalStack, capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    response = call_api("GET", "/v1/oembed", query={"url": "https://localhost/v1/articles/x", "format": "yaml"})
    assert_problem(response, 501, "/problems/unsupported-format")
    metrics = capsys.readouterr().out
    assert '"ClientErrors"' in metrics and '"ServerErrors"' not in metrics


@pytest.mark.parametrize(
    "path", ["/v1/frame/tidak-ada", "/v1/frame/kram-otot-betis/tidak-ada", "/v1/embed/kram-otot-betis/tidak-ada"]
)
def test_frames_and_fragments_answer_unknown_ids_with_a_small_html_page(seeded: LocalStack, path: str) -> None:
    response = call_api("GET", path, **API_DOMAIN)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")  # as strict as a frame
    markup = parse(response.get_data(as_text=True))
    # A frame's error page brings our script alone, which sizes the partner's iframe to it; a fragment's none.
    ours = frozenset({"https://api.example.org/v1/embed.js"}) if path.startswith("/v1/frame") else frozenset()
    assert "Konten ini tidak ditemukan." in markup.text and markup.dangerous(scripts=ours) == []
    # As JSON for the embed script it stays a problem, readable from any origin.
    json_error = call_api("GET", path, query={"format": "json"}, **API_DOMAIN)
    if path.startswith("/v1/embed"):
        assert_problem(json_error, 404, "/problems/not-found")
        assert json_error.headers["Access-Control-Allow-Origin"] == "*"


def test_a_frame_asked_for_wrongly_says_so_rather_than_blaming_the_service(seeded: LocalStack) -> None:
    response = call_api("GET", "/v1/frame/kram-otot-betis", query={"locale": "xx"}, **API_DOMAIN)
    assert response.status_code == 400 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    text = parse(response.get_data(as_text=True)).text
    assert "Permintaan ini tidak dapat dipenuhi." in text and "tidak dapat dimuat saat ini" not in text


def test_a_section_frame_carries_its_structured_data(seeded: LocalStack) -> None:
    html = call_api("GET", "/v1/frame/kram-otot-betis/penyebab", **API_DOMAIN).get_data(as_text=True)
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    document = json.loads(block)
    assert document["@type"] == "HealthTopicContent" and document["name"] == "Penyebab kejang"
    assert document["hasHealthAspect"] == {"@id": "https://schema.org/CausesHealthAspect"}
    assert document["isPartOf"]["url"] == "https://api.example.org/v1/articles/kram-otot-betis.html"
    assert document["hasPart"][0]["text"].startswith("Informasi ini bersifat edukatif")
    assert document["isBasedOn"]["name"].startswith("Artikel kesehatan")


def test_a_browser_gets_the_article_as_a_page_to_read(seeded: LocalStack) -> None:
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = call_api("GET", "/v1/articles/kram-otot-betis", headers={"Accept": browser_accept}, **API_DOMAIN)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8" and page.headers["Vary"] == "Accept"
    markup = parse(page.get_data(as_text=True))
    assert "kse-page" in markup.classes() and markup.count("section") == 10 and "Penting:" in markup.text
    # Anything else that accepts anything still gets JSON.
    assert call_api("GET", "/v1/articles/kram-otot-betis", headers={"Accept": "*/*"}).get_json()["slug"]


def test_a_browser_asking_for_an_article_that_is_not_there_gets_a_page(seeded: LocalStack) -> None:
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = call_api("GET", "/v1/articles/tidak-ada", headers={"Accept": browser_accept})
    assert response.status_code == 404 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Konten ini tidak ditemukan." in parse(response.get_data(as_text=True)).text
    assert_problem(call_api("GET", "/v1/articles/tidak-ada"), 404, "/problems/not-found")  # clients still get JSON


# --- link previews and oEmbed discovery, read by libraries nobody here wrote ------------------------------------
# extruct reads what a page says of itself (OpenGraph, JSON-LD); pyoembed finds and reads the oEmbed answer from
# the canonical URL alone.

ORIGIN = "https://api.example.org"
ARTICLE = "/v1/articles/kram-otot-betis"
ARTICLE_SECTION = f"{ARTICLE}/sections/penyebab"
PAGE = f"{ORIGIN}{ARTICLE}.html"
SUMMARY_START = "Kram otot betis adalah kejang otot kaki"


def _get(path: str, **options: Any) -> Any:
    return call_api("GET", path, domain_name="api.example.org", **options)


def _head(html: str) -> dict[str, str]:
    """The page's <meta name=...> and <link rel=...> (the ones extruct leaves to others), by name or rel."""
    found: dict[str, str] = {}
    for tag, attributes in parse(html).tags:
        if tag == "meta" and attributes.get("name"):
            found[str(attributes["name"])] = str(attributes.get("content"))
        elif tag == "link" and attributes.get("rel") == "canonical":
            found["canonical"] = str(attributes.get("href"))
    return found


def test_the_page_of_an_article_carries_its_preview(seeded: LocalStack) -> None:
    html = _get(f"{ARTICLE}.html").get_data(as_text=True)
    found = extruct.extract(html, base_url=PAGE, syntaxes=["opengraph", "json-ld"], uniform=True)
    [opengraph] = found["opengraph"]
    assert opengraph["og:title"] == "Gerak Otot Betis saat Kaki Kram" and opengraph["@type"] == "article"  # og:type
    assert opengraph["og:description"].startswith(SUMMARY_START)
    assert (opengraph["og:url"], opengraph["og:site_name"], opengraph["og:locale"]) == (
        PAGE,
        "Konten Sehat API",
        "id_ID",
    )
    head = _head(html)
    assert head["canonical"] == PAGE and head["description"] == opengraph["og:description"]
    assert head["twitter:card"] == "summary"
    assert (head["twitter:label1"], head["twitter:data1"]) == ("Tinjauan medis", "Belum ditinjau oleh tenaga medis.")
    assert (head["twitter:label2"], head["twitter:data2"]) == (
        "Sumber",
        'Artikel kesehatan berbahasa Indonesia "Gerak Otot Betis saat Kaki Kram"',
    )
    [page] = found["json-ld"]
    assert page["@type"] == "MedicalWebPage" and page["url"] == PAGE
    assert page["datePublished"] <= page["dateModified"]
    assert opengraph["article:published_time"] == page["datePublished"]


def test_a_section_frame_previews_the_section_and_points_at_the_page(seeded: LocalStack) -> None:
    html = _get("/v1/frame/kram-otot-betis/penyebab").get_data(as_text=True)
    [opengraph] = extruct.extract(html, base_url=PAGE, syntaxes=["opengraph"], uniform=True)["opengraph"]
    assert opengraph["og:title"] == "Penyebab kejang | Gerak Otot Betis saat Kaki Kram"
    assert opengraph["og:description"].startswith("Penyebab kejang: Hipoksia")
    head = _head(html)
    assert head["canonical"] == opengraph["og:url"] == PAGE and head["description"] == opengraph["og:description"]
    assert head["twitter:label1"] == "Tinjauan medis"


@pytest.mark.parametrize(
    ("path", "query", "accept", "embedded"),
    [
        (ARTICLE, None, "application/json", "/v1/frame/kram-otot-betis"),
        (ARTICLE, None, "application/ld+json", "/v1/frame/kram-otot-betis"),
        (ARTICLE, None, "text/html", "/v1/frame/kram-otot-betis"),
        (f"{ARTICLE}.jsonld", None, "application/ld+json", "/v1/frame/kram-otot-betis"),
        (f"{ARTICLE}.html", None, "text/html", "/v1/frame/kram-otot-betis"),
        ("/v1/partial/articles/kram-otot-betis", {"fields": "title"}, "application/json", "/v1/frame/kram-otot-betis"),
        (f"{ARTICLE}/sections", None, "application/json", "/v1/frame/kram-otot-betis"),
        (ARTICLE_SECTION, None, "application/json", "/v1/frame/kram-otot-betis/penyebab"),
    ],
)
def test_every_answer_about_an_article_or_a_section_names_its_oembed_answers(
    seeded: LocalStack, path: str, query: dict[str, str] | None, accept: str, embedded: str
) -> None:
    answer = _get(path, query=query, headers={"Accept": accept})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(accept)
    links = parse_header_links(answer.headers["Link"])
    assert [(link["rel"], link["type"]) for link in links] == [
        ("alternate", "application/json+oembed"),
        ("alternate", "text/xml+oembed"),
    ]
    for link, media_type in zip(links, ("application/json", "text/xml"), strict=True):
        target = urlsplit(link["url"])
        assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ORIGIN}/v1/oembed"
        query_of_link = dict(parse_qsl(target.query))
        assert query_of_link["url"] == f"{ORIGIN}{embedded}"
        oembed = _get(target.path, query=query_of_link)
        assert oembed.status_code == 200 and oembed.headers["Content-Type"].startswith(media_type)


def test_an_oembed_consumer_given_the_canonical_url_embeds_the_article(seeded: LocalStack) -> None:
    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(request.url or "")
        response = _get(url.path, query=url.query, headers=dict(request.headers))
        return response.status_code, dict(response.headers), response.get_data()

    # The URL a page of the article names as its own: what a reader shares, or a site pastes.
    canonical = _head(_get("/v1/frame/kram-otot-betis/penyebab").get_data(as_text=True))["canonical"]
    with responses.RequestsMock() as network:  # pyoembed fetches with requests, as it would from the web
        network.add_callback(responses.GET, re.compile(f"{re.escape(ORIGIN)}/.*"), callback=answer)
        embedded = pyoembed.oEmbed(canonical, maxwidth=480)
    assert (embedded["type"], embedded["version"], embedded["width"]) == ("rich", "1.0", 480)
    assert embedded["title"] == "Gerak Otot Betis saat Kaki Kram" and embedded["provider_name"] == "Konten Sehat API"
    assert f'src="{ORIGIN}/v1/frame/kram-otot-betis"' in embedded["html"]
