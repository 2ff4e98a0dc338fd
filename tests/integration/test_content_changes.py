"""Tests that change what the stack stores, each on a stack of its own: more articles, new taxonomies,
hostile content, a store that goes away."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest

from api import handler as api_handler
from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.publishing.kinds import CAUSES, content_hash
from health_content.storage.articles import DynamoArticleStore
from infra import publish
from infra.local.stack import LocalStack
from tests.causes_fixtures import taxonomy_document
from tests.conftest import SEED_KEY, document_bytes
from tests.hostile_content import HOSTILE, hostile_article
from tests.html_checks import parse
from tests.integration.conftest import BUCKET, TABLE, assert_problem, call_api, ingest, put_document

# --- service routes, CORS, docs ----------------------------------------------------------


# --- a store that goes away ------------------------------------------------------------------


def test_a_store_outage_is_a_503_with_retry_after(seeded_fresh: LocalStack) -> None:
    boto3.client("dynamodb", region_name="us-east-1").delete_table(TableName=TABLE)
    response = call_api("GET", "/v1/articles/lain")
    body = assert_problem(response, 503, "/problems/unavailable")
    assert response.headers["Retry-After"].isdigit()
    assert "ResourceNotFound" not in body["detail"] and TABLE not in json.dumps(body)
    health = call_api("GET", "/v1/health")
    assert health.status_code == 503 and health.headers["Cache-Control"] == "no-store"
    assert health.get_json() == {
        "status": "unavailable",
        "checks": {"articles": "unavailable", "causes": "unavailable"},
    }


# --- taxonomies -------------------------------------------------------------------------------


def test_a_taxonomy_with_a_broken_mention_is_rejected_and_the_old_one_stays(seeded_fresh: LocalStack, s3: Any) -> None:
    before = call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json()
    document = taxonomy_document()
    document["causes"][0]["mentions"].append({"article": "kram-otot-betis", "section": "hilang", "block": 0})
    put_document(s3, CAUSES.key, document_bytes(document))
    [result] = ingest(seeded_fresh)
    assert result["status"] == "rejected"
    assert result["reasons"] == ["cause 'hipoksia': article 'kram-otot-betis' has no section 'hilang'"]
    assert call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json() == before


def test_a_taxonomy_published_before_its_article_is_rejected(stack: LocalStack, s3: Any) -> None:
    put_document(s3, CAUSES.key, document_bytes(taxonomy_document()))
    [result] = ingest(stack)
    assert result["status"] == "rejected"
    assert "article 'kram-otot-betis' is not published" in result["reasons"][0]
    assert call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json()["items"] == []


# --- hostile content -----------------------------------------------------------------------------


def test_hostile_content_never_survives_as_markup(seeded_fresh: LocalStack, s3: Any, seed_document) -> None:
    put_document(s3, "articles/id/artikel-uji.json", document_bytes(hostile_article(seed_document)))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    for path in ("/v1/embed/artikel-uji/uji", "/v1/embed/artikel-uji", "/v1/frame/artikel-uji/uji"):
        markup = parse(call_api("GET", path).get_data(as_text=True))
        assert markup.dangerous(scripts=frozenset({"https://localhost/v1/embed.js"})) == [], path
        for text in HOSTILE.values():
            assert text in markup.text, (path, text)  # shown to the reader as the text it is
    oembed = call_api("GET", "/v1/oembed", query={"url": "https://localhost/v1/articles/artikel-uji"}).get_json()
    markup = parse(oembed["html"])
    assert markup.dangerous(allowed=frozenset({"iframe"}), scripts=frozenset({"https://localhost/v1/embed.js"})) == []
    assert [tag for tag, _ in markup.tags if tag not in {"p", "strong", "small", "a"}] == [
        "blockquote",
        "iframe",
        "script",
    ]
    assert HOSTILE["title"] in markup.text  # the fallback shows it as text


def test_a_script_url_as_source_is_rejected_at_publish(seeded_fresh: LocalStack, s3: Any, seed_document) -> None:
    document = {**seed_document, "slug": "artikel-uji", "source": {"name": "x", "url": "javascript:alert(1)"}}
    put_document(s3, "articles/id/artikel-uji.json", document_bytes(document))
    [result] = ingest(seeded_fresh)
    assert result["status"] == "rejected" and result["reasons"][0].startswith("source.url:")


def _seed_article_published_at(when: dt.datetime) -> None:
    """Move the seed article's publication (today, when the fixture published it) to a pinned instant, so that
    tests comparing pinned instants do not depend on the day they run: retract it and publish it again, as of
    then, through the store (which keeps its listing items in step)."""
    store = DynamoArticleStore(boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE))
    published = store.get("id", "kram-otot-betis")
    assert published is not None
    store.delete("id", "kram-otot-betis")
    store.put_if_changed(replace(published, published_at=when))


def test_updated_since_returns_exactly_the_articles_changed_after_the_instant(
    seeded_fresh: LocalStack, seed_document: dict[str, Any]
) -> None:
    _seed_article_published_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    store = DynamoArticleStore(boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE))
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    for number in range(5):
        article = Article.model_validate({**seed_document, "slug": f"baru-{number}"})
        store.put_if_changed(PublishedArticle(article, content_hash(article), start + dt.timedelta(minutes=number)))
    since = "2026-12-01T09:01:30+01:00"  # 08:01:30 UTC, in another offset
    body = call_api("GET", "/v1/articles", query={"updated_since": since, "limit": "2"}).get_json()
    assert [item["slug"] for item in body["items"]] == ["baru-2", "baru-3"]
    assert body["items"][0]["version"] and body["items"][0]["published_at"] == "2026-12-01T08:02:00Z"
    nxt = dict(parse_qsl(urlsplit(body["links"]["next"]).query))
    assert nxt["updated_since"] == "2026-12-01T09:01:30+01:00" and nxt["limit"] == "2"
    rest = call_api("GET", "/v1/articles", query=nxt).get_json()
    assert [item["slug"] for item in rest["items"]] == ["baru-4"] and rest["next_cursor"] is None
    tagged = call_api("GET", "/v1/articles", query={"tag": "mioklonus"}).get_json()["items"]
    assert len(tagged) == 6  # the seed article and the five copies carry its tags
    assert call_api("GET", "/v1/articles", query={"tag": "tidak-ada"}).get_json()["items"] == []


def test_a_sparse_filter_gets_full_pages_and_its_cursors_find_every_match(
    seeded_fresh: LocalStack, seed_document: dict[str, Any]
) -> None:
    _seed_article_published_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    store = DynamoArticleStore(boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE))
    old, new = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for number in range(30):  # only the 4th and the 27th are recent
        article = Article.model_validate({**seed_document, "slug": f"arsip-{number:02}"})
        store.put_if_changed(PublishedArticle(article, content_hash(article), new if number in (3, 26) else old))
    found, query, requests = [], {"updated_since": "2026-11-30T00:00:00Z", "limit": "1"}, 0
    while True:
        requests += 1
        body = call_api("GET", "/v1/articles", query=query).get_json()
        found += [item["slug"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        query = dict(parse_qsl(urlsplit(body["links"]["next"]).query))
    assert found == ["arsip-03", "arsip-26"]
    assert requests == 2  # the filter is a key condition: no page comes back short (reads: the storage contract)


@pytest.mark.parametrize("value", ["2026-11-01T08:00:00Z", "2026-11-01t08:00:00z", "2026-11-01 08:00:00.5+07:00"])
def test_every_rfc_3339_spelling_of_an_instant_is_accepted(seeded_fresh: LocalStack, value: str) -> None:
    response = call_api("GET", "/v1/articles", query={"updated_since": value})
    assert response.status_code == 200 and response.get_json()["items"], value


@pytest.mark.parametrize("value", ["kemarin", "2026-12-01", "2026-12-01T08:00:00", "2026-13-45T08:00:00Z"])
def test_a_bad_updated_since_is_a_400_naming_it(seeded_fresh: LocalStack, value: str) -> None:
    body = assert_problem(
        call_api("GET", "/v1/articles", query={"updated_since": value}), 400, "/problems/invalid-request"
    )
    assert [error["name"] for error in body["errors"]] == ["updated_since"]


# --- the dates a page gives of its content -----------------------------------------------------


def test_publishing_the_same_content_again_leaves_its_dates(seeded_fresh: LocalStack, s3: Any) -> None:
    # The article as a release before this one stored it, long ago, with another search analysis: `publish
    # --force` after a release rewrites it (a new analysis), but its text is the one published then.
    long_ago = "2026-01-05T08:00:00+00:00"
    boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE).update_item(
        Key={"pk": "ARTICLES#id", "sk": "ARTICLE#kram-otot-betis"},
        UpdateExpression="SET published_at = :then, #search = :old REMOVE first_published_at, content_changed_at",
        ExpressionAttributeNames={"#search": "search"},
        ExpressionAttributeValues={":then": long_ago, ":old": b"an older release's analysis"},
    )
    [article] = [document for document in publish.collect() if document.key == SEED_KEY]
    publish.upload(s3, BUCKET, [article], force=True)
    assert [report["status"] for report in ingest(seeded_fresh)] == ["published"]  # rewritten: a new analysis

    api_handler.reset()
    page = call_api("GET", "/v1/articles/kram-otot-betis", query={"format": "jsonld"}).get_json()
    assert (page["datePublished"], page["dateModified"]) == (long_ago, long_ago)
    html = call_api("GET", "/v1/articles/kram-otot-betis", query={"format": "html"}).get_data(as_text=True)
    assert f'<meta property="article:modified_time" content="{long_ago}">' in html


def test_related_links_lead_to_published_articles_and_publishing_says_when_one_does_not(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any]
) -> None:
    neighbours = {"previous": {"slug": "kram-otot-betis", "title": seed_document["title"]}}
    other = {
        **seed_document,
        "slug": "artikel-lain",
        "related": {**neighbours, "next": {"slug": "belum", "title": "Belum"}},
    }
    put_document(s3, "articles/id/artikel-lain.json", document_bytes(other))
    [report] = ingest(seeded_fresh)
    assert report["status"] == "published"
    assert report["warnings"] == [
        "related.next links to 'belum', which is not published in 'id': its link answers 404 until it is"
    ]
    related = call_api("GET", "/v1/articles/artikel-lain").get_json()["related"]
    assert related["previous"] == {
        "slug": "kram-otot-betis",
        "title": seed_document["title"],
        "href": "/v1/articles/kram-otot-betis",
    }
