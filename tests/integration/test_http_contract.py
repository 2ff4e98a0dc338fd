"""HTTP done the same way on every route: validators, 304, HEAD, headers caches rely on, one URL per resource,
links that keep their parameters, and the safety envelope on everything that carries medical text."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from api import handler as api_handler
from infra.local.stack import LocalStack
from tests.integration.conftest import assert_problem, call_api

ARTICLE = "/v1/articles/kram-otot-betis"
# One URL of every route that answers 200 (health is never cached, so it has no validators).
EVERY_SUCCESS = [
    ("/", {}),
    ("/v1", {}),
    ("/v1/articles", {}),
    (ARTICLE, {}),
    (ARTICLE, {"format": "jsonld"}),
    (f"{ARTICLE}/sections", {}),
    (f"{ARTICLE}/sections/penyebab", {}),
    ("/v1/causes", {"q": "kejang"}),
    ("/v1/causes/facets", {}),
    ("/v1/causes/hipokalsemia", {}),
    ("/v1/embed/kram-otot-betis", {}),
    ("/v1/embed/kram-otot-betis/penyebab", {"format": "json"}),
    ("/v1/frame/kram-otot-betis/penyebab", {}),
    ("/v1/oembed", {"url": "https://localhost/v1/articles/kram-otot-betis"}),
    ("/v1/embed.js", {}),
    ("/v1/embed.css", {}),
    ("/problems/not-found", {}),
    ("/openapi.json", {}),
]


def _query(link: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(link)
    return parts.path, dict(parse_qsl(parts.query))


@pytest.mark.parametrize(("path", "query"), EVERY_SUCCESS)
def test_every_success_has_validators_and_answers_conditional_requests(seeded: LocalStack, path: str, query) -> None:
    response = call_api("GET", path, query=query)
    assert response.status_code == 200
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert etag.startswith('W/"') and last_modified.endswith("GMT")
    assert response.headers["Cache-Control"].startswith("public, max-age=")

    by_etag = call_api("GET", path, query=query, headers={"If-None-Match": etag})
    by_date = call_api("GET", path, query=query, headers={"If-Modified-Since": last_modified})
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.get_data() == b"" and by_etag.headers["ETag"] == etag
    # RFC 9110 15.4.5: an answer with an ETag repeats none of the copy's metadata (werkzeug drops it too).
    assert "Last-Modified" not in by_etag.headers and "Content-Language" not in by_etag.headers


OEMBED_URL = "https://localhost/v1/articles/kram-otot-betis"


@pytest.mark.parametrize(
    ("older", "documented"),
    [
        ((ARTICLE, {"format": "jsonld"}, {}), (f"{ARTICLE}.jsonld", {})),
        ((ARTICLE, {}, {"Accept": "application/ld+json"}), (f"{ARTICLE}.jsonld", {})),
        ((ARTICLE, {"format": "html"}, {}), (f"{ARTICLE}.html", {})),
        ((ARTICLE, {}, {"Accept": "text/html"}), (f"{ARTICLE}.html", {})),
        (
            ("/v1/embed/kram-otot-betis/penyebab", {"format": "json"}, {}),
            ("/v1/embed/kram-otot-betis/penyebab.json", {}),
        ),
        (("/v1/oembed", {"url": OEMBED_URL, "format": "xml"}, {}), ("/v1/oembed.xml", {"url": OEMBED_URL})),
        (
            (ARTICLE, {"fields": "title,sections.id"}, {}),
            ("/v1/partial/articles/kram-otot-betis", {"fields": "title,sections.id"}),
        ),
        (("/v1/causes", {"fields": "total"}, {}), ("/v1/partial/causes", {"fields": "total"})),
    ],
)
def test_the_older_urls_of_a_representation_answer_what_its_own_url_does(seeded: LocalStack, older, documented) -> None:
    """Each representation and selection has a URL of its own in openapi.json; the forms clients used before
    (`format`, `fields` on the resource, Accept) keep answering the same."""
    (old_path, old_query, old_headers), (path, query) = older, documented
    before, now = call_api("GET", old_path, query=old_query, headers=old_headers), call_api("GET", path, query=query)
    assert before.status_code == now.status_code == 200
    assert before.get_data() == now.get_data() and before.headers["ETag"] == now.headers["ETag"]
    assert before.headers["Content-Type"] == now.headers["Content-Type"]
    assert "Accept" not in now.headers.get("Vary", "")  # a representation's own URL answers one way only


def test_a_repeated_fields_is_read_as_one_list(seeded: LocalStack) -> None:
    """openapi-python-client sends an array as `fields=a&fields=b`, whatever `explode` the document says."""
    path = "/v1/partial/articles/kram-otot-betis"
    repeated = call_api("GET", path, query="fields=title&fields=sections.id")
    assert repeated.get_data() == call_api("GET", path, query="fields=title,sections.id").get_data()
    assert sorted(repeated.get_json()) == ["disclaimer", "sections", "source", "title"]


@pytest.mark.parametrize(("path", "query"), [*EVERY_SUCCESS, ("/v1/articles/tidak-ada", {}), ("/v1/health", {})])
def test_head_is_get_without_the_body(seeded: LocalStack, path: str, query) -> None:
    get = call_api("GET", path, query=query)
    head = call_api("HEAD", path, query=query)
    assert head.status_code == get.status_code
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(get.get_data()))  # RFC 9110: the length GET would send
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Content-Language"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_every_response_forbids_content_sniffing(seeded: LocalStack) -> None:
    article = call_api("GET", ARTICLE)
    responses = [
        article,
        call_api("GET", ARTICLE, headers={"If-None-Match": article.headers["ETag"]}),
        call_api("GET", "/v1/articles/tidak-ada"),
        call_api("DELETE", ARTICLE),
        call_api("OPTIONS", ARTICLE),
        call_api("GET", "/v1/embed.js"),
        call_api("GET", "/v1/health"),
    ]
    assert [r.headers.get("X-Content-Type-Options") for r in responses] == ["nosniff"] * len(responses)


@pytest.mark.parametrize("path", [f"{ARTICLE}/", "/v1/articles/", "/v1/articles//", "/v1//articles", "/v1/embed.js/"])
def test_a_trailing_slash_or_empty_segment_is_not_a_resource(seeded: LocalStack, path: str) -> None:
    assert_problem(call_api("GET", path), 404, "/problems/not-found")


@pytest.mark.parametrize("home", ["/", "/v1"])
def test_the_api_home_lists_what_it_offers(seeded: LocalStack, home: str) -> None:
    body = call_api("GET", home).get_json()
    assert body["name"] == "Konten Sehat API" and body["version"]
    assert body["links"] == {
        "self": "/",
        "articles": "/v1/articles",
        "causes": "/v1/causes",
        "cause_facets": "/v1/causes/facets",
        "changes": "/v1/changes",
        "search": "/v1/search{?q,aspect,tag}",
        "embed_script": "/v1/embed.js",
        "openapi": "/openapi.json",
        "health": "/v1/health",
    }
    assert "/problems/not-found" in body["problem_types"]


HOSTILE_REQUEST_HEADERS = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "javascript:alert(1)//",
    "Forwarded": "host=evil.example;proto=javascript",
}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (ARTICLE, {}),
        (ARTICLE, {"format": "jsonld"}),
        ("/v1/embed/kram-otot-betis/penyebab", {}),
        ("/v1/frame/kram-otot-betis/penyebab", {}),
        ("/v1/oembed", {"url": "https://localhost/v1/articles/kram-otot-betis"}),
        ("/", {}),
    ],
)
def test_links_ignore_hosts_and_schemes_a_client_sends(seeded: LocalStack, path: str, query) -> None:
    response = call_api("GET", path, query=query, headers=HOSTILE_REQUEST_HEADERS)
    assert response.status_code == 200
    everything = response.get_data(as_text=True) + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    assert "evil" not in everything and "javascript:" not in everything


def test_responses_that_depend_on_origin_say_so(seeded: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example,https://partner.example")
    api_handler.reset()
    for origin in ({"Origin": "https://app.example"}, {"Origin": "https://evil.example"}, {}):
        for path in (ARTICLE, "/v1/articles/tidak-ada", "/v1/causes"):
            vary = call_api("GET", path, headers=origin).headers.get("Vary", "")
            assert "Origin" in [v.strip() for v in vary.split(",")], (path, origin)
    # Embeds are open to every origin alike, so caches may share them.
    embed = call_api("GET", "/v1/embed/kram-otot-betis", headers={"Origin": "https://evil.example"})
    assert embed.headers["Access-Control-Allow-Origin"] == "*" and "Origin" not in embed.headers.get("Vary", "")
    # The article varies by Accept (JSON or JSON-LD) as well.
    assert call_api("GET", ARTICLE).headers["Vary"] == "Accept, Origin"


def test_open_to_any_origin_every_answer_says_so_and_none_varies(seeded: LocalStack, monkeypatch) -> None:
    """With "*", the answer to a server (no Origin) must serve a browser too: a shared cache keeps one copy."""
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "*")
    api_handler.reset()
    for origin in ({"Origin": "https://app.example"}, {}):
        for path in (ARTICLE, "/v1/articles/tidak-ada", "/v1/causes"):
            response = call_api("GET", path, headers=origin)
            assert response.headers["Access-Control-Allow-Origin"] == "*", (path, origin)
            assert "ETag" in response.headers["Access-Control-Expose-Headers"].split(",")
            assert "Origin" not in response.headers.get("Vary", ""), (path, origin)


def test_without_an_allow_list_nothing_varies_by_origin(seeded: LocalStack) -> None:
    assert "Origin" not in call_api("GET", ARTICLE, headers={"Origin": "https://app.example"}).headers["Vary"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (ARTICLE, {}),
        (f"{ARTICLE}/sections", {}),
        (f"{ARTICLE}/sections/penyebab", {}),
        ("/v1/causes", {"q": "kalsium"}),
        ("/v1/causes/facets", {}),
        ("/v1/causes/hipokalsemia", {}),
        ("/v1/causes/hipokalsemia", {"locale": "en"}),
        ("/v1/embed/kram-otot-betis/penyebab", {"format": "json"}),
    ],
)
def test_medical_text_always_comes_with_its_source_and_disclaimer(seeded: LocalStack, path: str, query) -> None:
    body = call_api("GET", path, query=query).get_json()
    assert set(body["source"]) >= {"name", "url", "note"} and body["source"]["name"]
    assert "dokter" in body["disclaimer"] or "doctor" in body["disclaimer"]


def _walk(path: str, query: dict[str, str]) -> tuple[list[str], list[int]]:
    """Follow `links.next` from a first page: the ids seen and each page's size."""
    seen: list[str] = []
    sizes: list[int] = []
    link: str | None = path
    while link is not None:
        link_path, link_query = _query(link)
        body = call_api("GET", link_path, query=link_query or query).get_json()
        items = body["items"]
        sizes.append(len(items))
        seen.extend(item.get("id") or item.get("slug") for item in items)
        assert _query(body["links"]["self"]) == (link_path, link_query or query)  # self is the page asked for
        link = body["links"].get("next")
        if link is not None:
            assert dict(parse_qsl(urlsplit(link).query)).items() >= {**query}.items() - {"cursor": ""}.items()
    return seen, sizes


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "7"},
        {"q": "kejang", "limit": "5"},
        {"population": "children", "limit": "4", "locale": "en"},
        {"category": "electrolyte-metabolic", "limit": "3"},
    ],
)
def test_following_next_visits_every_cause_once_at_the_page_size_asked(seeded: LocalStack, query) -> None:
    total = call_api("GET", "/v1/causes", query=query).get_json()["total"]
    seen, sizes = _walk("/v1/causes", query)
    limit = int(query["limit"])
    assert len(seen) == len(set(seen)) == total
    assert all(size == limit for size in sizes[:-1]) and 0 < sizes[-1] <= limit
