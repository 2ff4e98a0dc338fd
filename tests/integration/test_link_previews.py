"""Link previews and oEmbed discovery, read by libraries nobody here wrote: extruct reads what a page says of
itself (OpenGraph, JSON-LD), pyoembed finds and reads the oEmbed answer from the canonical URL alone."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import extruct
import pyoembed
import pytest
import responses
from requests import PreparedRequest
from requests.utils import parse_header_links

from infra.local.stack import LocalStack
from tests.html_checks import parse
from tests.integration.conftest import call_api

ORIGIN = "https://api.example.org"
ARTICLE = "/v1/articles/kram-otot-betis"
SECTION = f"{ARTICLE}/sections/penyebab"
PAGE = f"{ORIGIN}{ARTICLE}?format=html"
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
    html = _get(ARTICLE, query={"format": "html"}).get_data(as_text=True)
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
        (ARTICLE, {"fields": "title"}, "application/json", "/v1/frame/kram-otot-betis"),
        (f"{ARTICLE}/sections", None, "application/json", "/v1/frame/kram-otot-betis"),
        (SECTION, None, "application/json", "/v1/frame/kram-otot-betis/penyebab"),
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
