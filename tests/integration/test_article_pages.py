"""The article list over a catalogue of 130 articles, written once for the module: its tests only read it."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest

from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.publishing.kinds import content_hash
from health_content.storage.articles import DynamoArticleStore
from infra.local.stack import LocalStack
from tests.conftest import SEED_ARTICLE_PATH
from tests.integration.conftest import TABLE, call_api

ARTICLES = 101  # the seed article and 100 copies: one more than the largest page


@pytest.fixture(scope="module")
def catalogue(seeded: LocalStack) -> LocalStack:
    seed = json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))
    index = DynamoArticleStore(boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE))
    for number in range(ARTICLES - 1):
        article = Article.model_validate({**seed, "slug": f"artikel-{number:03d}"})
        index.put_if_changed(PublishedArticle(article, content_hash(article), dt.datetime.now(dt.UTC)))
    return seeded


@pytest.mark.parametrize(("limit", "pages"), [("7", 15), ("20", 6), ("100", 2)])
def test_following_next_visits_every_article_once_at_the_page_size_asked(
    catalogue: LocalStack, limit: str, pages: int
) -> None:
    seen: list[str] = []
    sizes: list[int] = []
    link: str | None = f"/v1/articles?limit={limit}" if limit != "20" else "/v1/articles"
    while link is not None:
        parts = urlsplit(link)
        body = call_api("GET", parts.path, query=dict(parse_qsl(parts.query))).get_json()
        sizes.append(len(body["items"]))
        seen.extend(item["slug"] for item in body["items"])
        assert body["links"]["self"] == link
        link = body["links"].get("next")
        assert (link is None) == (body["next_cursor"] is None)
    assert len(sizes) == pages and all(size == int(limit) for size in sizes[:-1])
    assert len(seen) == ARTICLES and len(set(seen)) == ARTICLES and seen == sorted(seen)


def test_default_and_maximum_page_sizes(catalogue: LocalStack) -> None:
    assert len(call_api("GET", "/v1/articles").get_json()["items"]) == 20
    assert len(call_api("GET", "/v1/articles", query={"limit": "100"}).get_json()["items"]) == 100
