"""A warm container keeps the cause index and rebuilds it only when a new taxonomy is published."""

from __future__ import annotations

import datetime as dt

import pytest

from health_content.articles.catalog import ArticleCatalog
from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.causes.catalog import ArticleCauses, CauseCatalog
from health_content.causes.index import CauseQuery
from health_content.causes.store import PublishedCauses
from health_content.causes.updating import CauseIndexer
from health_content.errors import CauseNotFound, ContentUnavailable, InvalidCursor
from health_content.freshness import Freshness
from health_content.publishing.kinds import content_hash
from health_content.reading import ArticleReader
from health_content.vocabulary import Locale
from tests.causes_fixtures import real_index
from tests.fakes import InMemoryArticleStore, InMemoryCauseIndexFiles, InMemoryCauseStore, keeping


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _published(updated: str = "2026-11-24") -> PublishedCauses:
    taxonomy, analysis, _ = real_index()
    taxonomy = taxonomy.model_copy(update={"updated_at": dt.date.fromisoformat(updated)})
    return PublishedCauses(taxonomy, analysis, content_hash(taxonomy), dt.datetime(2026, 11, 24, tzinfo=dt.UTC))


def test_the_index_is_loaded_once_and_only_its_hash_is_rechecked() -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    catalog = CauseCatalog(store, None, keeping(60), timer=clock)
    first = catalog.current()
    assert catalog.current() is first and store.reads == 1 and store.hash_reads == 1
    clock.now = 61
    assert catalog.current() is first  # unchanged hash: same index, no reload
    assert store.reads == 1 and store.hash_reads == 2


def test_a_new_taxonomy_replaces_the_index_after_the_refresh_interval() -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    catalog = CauseCatalog(store, None, keeping(60), timer=clock)
    first = catalog.current()
    store.put_if_changed(_published("2026-12-01"))
    assert catalog.current() is first
    clock.now = 61
    second = catalog.current()
    assert second is not first and second is not None
    assert second.taxonomy.updated_at == dt.date(2026, 12, 1)


def test_a_cold_container_that_failed_to_read_tries_again_after_seconds_not_minutes() -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    catalog = CauseCatalog(store, None, keeping(60, retry_after_failure=5), timer=clock)
    fetch = store.get
    store.get = _unavailable  # type: ignore[method-assign]
    with pytest.raises(ContentUnavailable):
        catalog.current()
    store.get = fetch  # type: ignore[method-assign]
    with pytest.raises(ContentUnavailable):
        catalog.current()  # the store is not asked again at once
    assert store.reads == 0
    clock.now = 5.1
    assert catalog.current() is not None and store.reads == 1


def _unavailable(*_: object) -> PublishedCauses:
    raise ContentUnavailable("timed out")


def test_without_a_published_taxonomy_lookups_are_empty() -> None:
    catalog = CauseCatalog(InMemoryCauseStore(), None, keeping())
    page = catalog.search(CauseQuery.of(q="kalsium"), 20, None)
    assert (page.hits, page.total, page.next_cursor) == ([], 0, None)
    assert catalog.for_article("kram-otot-betis", "id") == ArticleCauses({}, {}, None)
    with pytest.raises(CauseNotFound):
        catalog.get("hipokalsemia")


def test_cursors_walk_the_results_and_belong_to_their_query() -> None:
    catalog = CauseCatalog(InMemoryCauseStore(_published()), None, keeping())
    query = CauseQuery.of(q="kejang")
    first = catalog.search(query, 10, None)
    second = catalog.search(query, 10, first.next_cursor)
    assert first.next_cursor and {h.cause.id for h in first.hits}.isdisjoint({h.cause.id for h in second.hits})
    with pytest.raises(InvalidCursor):
        catalog.search(CauseQuery.of(q="demam"), 10, first.next_cursor)
    for forged in ("nonsense!", "eyJvZmZzZXQiOi0xfQ", "e30"):
        with pytest.raises(InvalidCursor):
            catalog.search(query, 10, forged)


def test_an_article_view_lists_its_causes_in_reading_order(seed_document) -> None:
    articles = InMemoryArticleStore()
    article = Article.model_validate(seed_document)
    articles.put_if_changed(PublishedArticle(article, content_hash(article), dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    causes = CauseCatalog(InMemoryCauseStore(_published()), None, keeping())
    reader = ArticleReader(ArticleCatalog(articles, keeping(), cache_size=256), causes)
    view = reader.view("kram-otot-betis", "id")
    ids = [cause.id for cause in view.causes]
    assert ids[:2] == ["hipokalsemia", "gangguan-ekstrapiramidal"]  # the overview comes first
    assert len(ids) == len(set(ids)) == 38
    assert view.last_modified == dt.datetime(2026, 11, 24, tzinfo=dt.UTC)  # the taxonomy is newer


def test_sections_list_the_causes_they_discuss() -> None:
    sections = CauseCatalog(InMemoryCauseStore(_published()), None, keeping()).for_article("kram-otot-betis", "id")
    assert {"hipoksia", "epilepsi", "demam", "faktor-keturunan"} <= set(sections.by_section["penyebab"])
    assert "eklamsia" in sections.by_section["komplikasi"]
    assert "apa-itu-kejang" not in sections.by_section


def _reader(store: InMemoryCauseStore, seed_document, clock: Clock, freshness: Freshness) -> ArticleReader:
    articles = InMemoryArticleStore()
    article = Article.model_validate(seed_document)
    articles.put_if_changed(PublishedArticle(article, content_hash(article), dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    causes = CauseCatalog(store, None, keeping(60), timer=clock, freshness=freshness)
    return ArticleReader(ArticleCatalog(articles, keeping(), cache_size=256), causes, freshness)


def test_an_article_reads_its_own_mentions_and_causes_never_the_taxonomy(seed_document) -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    reader = _reader(store, seed_document, clock, Freshness())
    first = reader.view("kram-otot-betis", "id")
    assert reader.view("kram-otot-betis", "id").causes == first.causes
    assert (store.reads, store.article_reads) == (0, 1)  # the index is never loaded for an article
    clock.now = 61
    assert reader.view("kram-otot-betis", "id").causes_version == first.causes_version
    assert (store.article_reads, store.hash_reads) == (1, 2)  # the same taxonomy: only its hash read again
    store.put_if_changed(_published("2026-12-01"))
    clock.now = 122
    changed = reader.view("kram-otot-betis", "id")
    assert store.article_reads == 2 and store.reads == 0
    assert changed.causes_version != first.causes_version and changed.causes_version is not None


def test_a_retraction_changes_the_version_of_every_articles_causes_and_removes_its_own(seed_document) -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    withdrawn: frozenset[tuple[str, Locale]] = frozenset()
    catalog = CauseCatalog(store, None, keeping(60), withdrawn=lambda: withdrawn, timer=clock)
    before = catalog.for_article("kram-otot-betis", "id")
    assert before.by_section
    withdrawn = frozenset({("artikel-lain", "id")})
    clock.now = 61
    other_retracted = catalog.for_article("kram-otot-betis", "id")
    assert other_retracted.version != before.version and other_retracted.by_section == before.by_section
    withdrawn = frozenset({("kram-otot-betis", "id")})
    clock.now = 122
    assert catalog.for_article("kram-otot-betis", "id").by_section == {}


def test_an_articles_causes_that_cannot_be_read_are_left_out_or_served_from_the_copy(seed_document) -> None:
    store, clock, freshness = InMemoryCauseStore(_published()), Clock(), Freshness()
    reader = _reader(store, seed_document, clock, freshness)
    read = store.article_mentions
    store.article_mentions = _unavailable  # type: ignore[method-assign, assignment]
    left_out = reader.view("kram-otot-betis", "id")
    assert (left_out.causes, left_out.causes_version) == ([], None) and freshness.degraded
    store.article_mentions = read  # type: ignore[method-assign]
    clock.now = 5.1  # past the failure's retry interval
    kept = reader.view("kram-otot-betis", "id")
    assert kept.causes and freshness.stale_age is None
    store.current_hash = _unavailable  # type: ignore[method-assign, assignment]
    clock.now = 100
    stale = reader.view("kram-otot-betis", "id")
    assert stale.causes == kept.causes and stale.causes_version == kept.causes_version
    assert freshness.stale_age is not None


def _indexed(published: PublishedCauses) -> tuple[InMemoryCauseStore, InMemoryCauseIndexFiles]:
    """A store with ``published``, and the indexer's file of it."""
    store, files = InMemoryCauseStore(published), InMemoryCauseIndexFiles()
    assert CauseIndexer(store, files).run() == published.content_hash
    store.reads = 0
    return store, files


def test_a_cold_container_opens_the_indexers_file_and_never_reads_the_taxonomy() -> None:
    store, files = _indexed(_published())
    index = CauseCatalog(store, files, keeping()).current()
    assert index is not None and index.get("hipokalsemia") is not None
    assert (store.reads, files.fetches) == (0, 1)


def test_the_indexer_stores_a_file_only_when_the_taxonomy_changed() -> None:
    store, files = _indexed(_published())
    assert CauseIndexer(store, files).run() is None  # a cold indexer: the file is of the published taxonomy
    indexer = CauseIndexer(store, files)
    indexer.run()
    hash_reads = store.hash_reads
    assert indexer.run() is None and store.hash_reads == hash_reads + 1 and store.reads == 0
    store.put_if_changed(_published("2026-12-01"))
    assert indexer.run() == content_hash(_published("2026-12-01").taxonomy) and store.reads == 1


def test_a_retraction_makes_a_new_index_over_the_same_database() -> None:
    store, files = _indexed(_published())
    withdrawn: frozenset[tuple[str, Locale]] = frozenset()
    clock = Clock()
    catalog = CauseCatalog(store, files, keeping(60), withdrawn=lambda: withdrawn, timer=clock)
    first = catalog.current()
    withdrawn = frozenset({("kram-otot-betis", "id")})
    clock.now = 61
    second = catalog.current()
    assert first is not None and second is not None and second is not first
    assert second.database is first.database and second.version != first.version
    assert (store.reads, files.fetches) == (0, 1)


def test_an_index_file_that_cannot_be_read_keeps_the_index_before_served_stale() -> None:
    store, files = _indexed(_published())
    clock, freshness = Clock(), Freshness()
    catalog = CauseCatalog(store, files, keeping(60), freshness=freshness, timer=clock)
    first = catalog.current()
    store.put_if_changed(_published("2026-12-01"))
    files.fetch_fails = True
    clock.now = 61
    assert catalog.current() is first and freshness.stale_age == 61
    files.fetch_fails = False
    clock.now = 122
    refreshed = catalog.current()  # the file is still of the taxonomy before: built from the serving index
    assert refreshed is not None and refreshed.taxonomy.updated_at == dt.date(2026, 12, 1) and store.reads == 1


def test_what_was_read_is_served_stale_for_the_window_since_the_taxonomy_was_last_confirmed_not_longer() -> None:
    store, clock, freshness = InMemoryCauseStore(_published()), Clock(), Freshness()
    catalog = CauseCatalog(store, None, keeping(60, stale_after=600), freshness=freshness, timer=clock)
    index, article = catalog.current(), catalog.for_article("kram-otot-betis", "id")
    store.current_hash = _unavailable  # type: ignore[method-assign, assignment]
    for now in (300, 599):  # served stale, each time as old as the taxonomy's last confirmation
        clock.now = now
        assert catalog.current() is index and catalog.for_article("kram-otot-betis", "id") == article
        assert freshness.stale_age == now
    clock.now = 601
    with pytest.raises(ContentUnavailable):
        catalog.current()
    with pytest.raises(ContentUnavailable):
        catalog.for_article("kram-otot-betis", "id")
