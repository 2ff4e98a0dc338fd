"""The catalog reads through a bounded, time-limited cache per warm container."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from health_content.articles.catalog import ArticleCatalog
from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.errors import ArticleNotFound, SectionNotFound
from health_content.freshness import Freshness
from health_content.publishing.kinds import content_hash
from health_content.reading import ArticleReader
from tests.fakes import InMemoryArticleStore, keeping


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _published(document: dict[str, Any], **changes: Any) -> PublishedArticle:
    article = Article.model_validate({**document, **changes})
    return PublishedArticle(article, content_hash(article), dt.datetime(2026, 11, 24, tzinfo=dt.UTC))


@pytest.fixture
def index(seed_document: dict[str, Any]) -> InMemoryArticleStore:
    index = InMemoryArticleStore()
    index.put_if_changed(_published(seed_document))
    return index


def test_a_warm_container_reads_an_article_once_within_the_ttl(index: InMemoryArticleStore) -> None:
    clock = Clock()
    catalog = ArticleCatalog(index, keeping(60), cache_size=10, timer=clock)
    for _ in range(5):
        catalog.get_article("kram-otot-betis", "id")
    assert index.gets == 1


def test_a_new_version_is_served_once_the_ttl_has_passed(index, seed_document) -> None:
    clock = Clock()
    catalog = ArticleCatalog(index, keeping(60), cache_size=10, timer=clock)
    catalog.get_article("kram-otot-betis", "id")
    index.put_if_changed(_published(seed_document, title="Versi baru"))
    assert catalog.get_article("kram-otot-betis", "id").article.title != "Versi baru"
    clock.now = 61
    assert catalog.get_article("kram-otot-betis", "id").article.title == "Versi baru"


def test_the_cache_is_bounded(index, seed_document) -> None:
    for number in range(5):
        index.put_if_changed(_published(seed_document, slug=f"artikel-{number}"))
    catalog = ArticleCatalog(index, keeping(60), cache_size=2, timer=Clock())
    for number in range(5):
        catalog.get_article(f"artikel-{number}", "id")
    reads = index.gets
    catalog.get_article("artikel-0", "id")  # evicted long ago
    assert index.gets == reads + 1


def test_a_zero_ttl_disables_the_cache(index) -> None:
    catalog = ArticleCatalog(index, keeping(0), cache_size=256)
    catalog.get_article("kram-otot-betis", "id")
    catalog.get_article("kram-otot-betis", "id")
    assert index.gets == 2


def test_unknown_articles_and_sections_raise_not_found(index) -> None:
    catalog = ArticleCatalog(index, keeping(), cache_size=256)
    with pytest.raises(ArticleNotFound, match="'tidak-ada'"):
        catalog.get_article("tidak-ada", "id")
    with pytest.raises(ArticleNotFound, match="locale 'en'"):
        catalog.get_article("kram-otot-betis", "en")
    reader = ArticleReader(catalog)
    with pytest.raises(SectionNotFound, match="no section 'tidak-ada'"):
        reader.section_view("kram-otot-betis", "tidak-ada", "id")
    _, section = reader.section_view("kram-otot-betis", "pencegahan", "id")
    assert section.heading == "Pencegahan kejang"


def test_an_article_counts_as_modified_when_its_review_falls_overdue(seed_document: dict[str, Any]) -> None:
    # Its JSON and pages then say "overdue": a client revalidating with If-Modified-Since must not get a 304.
    review = {
        "reviewed_at": "2026-01-10",
        "reviewed_by": {"name": "dr. Sari Wulandari", "qualification": "Dokter spesialis saraf"},
        "next_review": "2026-12-01",
    }
    store = InMemoryArticleStore()
    store.put_if_changed(_published(seed_document, review=review))
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    freshness = Freshness(timer=lambda: 1000.0)
    reader = ArticleReader(
        ArticleCatalog(store, keeping(3 * 86_400), cache_size=256), freshness=freshness, clock=lambda: now
    )
    assert reader.view("kram-otot-betis", "id").last_modified == dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    now = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    assert reader.view("kram-otot-betis", "id").last_modified == dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
