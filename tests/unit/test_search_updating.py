"""The search index at catalogue scale: built once by the indexer, opened by cold containers and brought up to
date from the change log by warm ones, reading the changed articles and never the whole catalogue."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
from pathlib import Path

import pytest

from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle, StoredAnalysis
from health_content.errors import ContentUnavailable
from health_content.publishing.kinds import content_hash
from health_content.search.analysis import analyze, encode
from health_content.search.catalog import SearchCatalog
from health_content.search.database import Column, SearchDatabase
from health_content.search.index import ArticleSearchIndex, SearchQuery
from health_content.search.indexer import SearchIndexer
from health_content.search.updating import MAX_CATCH_UP, AnalysisSource
from health_content.storage.search_files import S3SearchIndexFiles
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.vocabulary import Locale
from tests.causes_fixtures import real_index, seed_article
from tests.conftest import one_typo_apart
from tests.fakes import InMemoryArticleStore, keeping

PUBLISHED = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


class CountingSource:
    """The store's reads, counted: what catching up costs."""

    def __init__(self, store: InMemoryArticleStore) -> None:
        self.store = store
        self.every_reads = 0
        self.one_reads: list[str] = []
        self.down = False

    def every(self, locale: Locale) -> list[StoredAnalysis]:
        if self.down:
            raise ContentUnavailable("the store could not be read")
        self.every_reads += 1
        return list(self.store.search_analyses(locale))

    def one(self, locale: Locale, slug: str) -> StoredAnalysis | None:
        self.one_reads.append(slug)
        return self.store.search_analysis(locale, slug)

    def source(self) -> AnalysisSource:
        return AnalysisSource(self.every, self.one, self.store.changes)


class FolderFiles:
    """IndexFiles in a folder, as the bucket keeps them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stored: list[tuple[Locale, int]] = []

    def fetch(self, locale: Locale, path: Path) -> bool:
        kept = self.folder / f"{locale}.sqlite"
        if not kept.exists():
            return False
        path.write_bytes(kept.read_bytes())
        return True

    def store(self, locale: Locale, path: Path, sequence: int) -> None:
        (self.folder / f"{locale}.sqlite").write_bytes(path.read_bytes())
        self.stored.append((locale, sequence))


def _variant(number: int, locale: Locale = "id", word: str = "kalsium") -> Article:
    article = seed_article()
    first = article.sections[0]
    blocks = [first.blocks[0].model_copy(update={"text": f"{word} penanda{number}"}), *first.blocks[1:]]
    sections = [first.model_copy(update={"blocks": blocks}), *article.sections[1:]]
    return article.model_copy(update={"slug": f"varian-{number}", "locale": locale, "sections": sections})


def _publish(store: InMemoryArticleStore, article: Article) -> None:
    store.put_if_changed(PublishedArticle(article, content_hash(article), PUBLISHED, None, encode(analyze(article))))


def _catalogue(size: int) -> InMemoryArticleStore:
    store = InMemoryArticleStore()
    for number in range(size):
        _publish(store, _variant(number))
    return store


def _slugs(catalog: SearchCatalog, q: str) -> set[str]:
    hits = catalog.search(SearchQuery.of(q), "id", 100, None).hits
    return {hit.article.slug for hit in hits}


def _catalog(source: CountingSource, files: FolderFiles | None = None) -> SearchCatalog:
    return SearchCatalog(source.source(), files, None, keeping(0))


def test_after_one_article_changes_a_warm_container_reads_that_article_and_not_the_catalogue() -> None:
    store = _catalogue(20)
    counting = CountingSource(store)
    catalog = _catalog(counting)
    assert _slugs(catalog, "penanda3") == {"varian-3"}
    assert counting.every_reads == 1

    _publish(store, _variant(3, word="magnesium"))
    _publish(store, _variant(7, locale="en"))  # another locale's change costs no read of an article here
    [hit] = catalog.search(SearchQuery.of("penanda3"), "id", 100, None).hits
    assert hit.article.slug == "varian-3" and hit.snippet.text.startswith("magnesium")
    assert counting.every_reads == 1 and counting.one_reads == ["varian-3"]


def test_a_retracted_article_leaves_the_warm_index_without_a_read() -> None:
    store = _catalogue(5)
    counting = CountingSource(store)
    catalog = _catalog(counting)
    assert "varian-2" in _slugs(catalog, "kalsium")
    store.delete("id", "varian-2", "withdrawn")
    assert "varian-2" not in _slugs(catalog, "kalsium")
    assert counting.one_reads == [] and counting.every_reads == 1


def test_a_container_far_behind_starts_again_rather_than_reading_each_change() -> None:
    store = _catalogue(3)
    counting = CountingSource(store)
    catalog = _catalog(counting)
    _slugs(catalog, "kalsium")
    for number in range(MAX_CATCH_UP + 1):
        _publish(store, _variant(number % 50, word=f"kata{number}"))
    assert _slugs(catalog, f"kata{MAX_CATCH_UP}") == {f"varian-{MAX_CATCH_UP % 50}"}
    assert counting.every_reads == 2 and counting.one_reads == []


def test_a_cold_container_opens_the_indexers_file_and_applies_only_the_changes_since(tmp_path: Path) -> None:
    store = _catalogue(30)
    files = FolderFiles(tmp_path)
    indexer = SearchIndexer(CountingSource(store).source(), files, ["id", "en"])
    assert indexer.run() == {"id": 30, "en": 30}
    assert indexer.run() == {}  # nothing changed: nothing stored again
    _publish(store, _variant(4, word="magnesium"))

    counting = CountingSource(store)
    cold = _catalog(counting, files)
    assert "varian-4" in _slugs(cold, "magnesium")
    assert counting.every_reads == 0 and counting.one_reads == ["varian-4"]
    fresh = _catalog(CountingSource(store))  # built from every article: the same answers
    for q in ("kalsium", "penanda12", "magnesium", "kejang demam"):
        assert _slugs(cold, q) == _slugs(fresh, q), q

    assert indexer.run() == {"id": 31}  # the next run applies the change, for the next cold container


def test_a_file_built_by_another_analysis_version_is_never_used(tmp_path: Path) -> None:
    store = _catalogue(3)
    (tmp_path / "id.sqlite").write_bytes(b"not a database at all")
    counting = CountingSource(store)
    assert _slugs(_catalog(counting, FolderFiles(tmp_path)), "penanda1") == {"varian-1"}
    assert counting.every_reads == 1


def test_a_typo_finds_every_word_of_the_articles_one_typo_away() -> None:
    analysis = analyze(seed_article())
    words = sorted({word for passage in analysis.passages for word in passage.words})
    database = SearchDatabase.create("id")
    database.update([(analysis, PUBLISHED)], (), 1)
    rng = random.Random(19)
    for word in rng.sample([w for w in words if len(w) >= 5], 60):
        position = rng.randrange(len(word))
        typo = word[:position] + rng.choice("aeioukr") + word[position + 1 :]
        if typo in words:
            continue
        expected = [w for w in words if len(w) >= TYPO_MIN_LENGTH - 1 and one_typo_apart(typo, w)]
        assert database.corrections(typo) == expected, typo


@pytest.mark.parametrize("q", ["kalsium", "kejang otot betis", "hipokalsemia", "kalsuim"])
def test_a_database_reopened_from_its_file_answers_as_the_one_that_wrote_it(tmp_path: Path, q: str) -> None:
    analysis = analyze(seed_article())
    written = SearchDatabase.create("id", tmp_path / "id.sqlite")
    written.update([(analysis, PUBLISHED)], (), 1)
    written.compact()
    reopened = SearchDatabase.open(tmp_path / "id.sqlite", "id")
    columns: tuple[Column, ...] = ("words", "stems")
    for column in columns:
        before, after = written.postings(column, q.split()[0]), reopened.postings(column, q.split()[0])
        assert before.positions.tolist() == after.positions.tolist()
        assert before.fields.tolist() == after.fields.tolist()
    assert reopened.sequence == 1 and reopened.passage_count() == written.passage_count()


def test_passages_found_only_through_a_cause_pass_the_aspect_and_tag_filters() -> None:
    """ "low calcium" finds the list item about hypocalcaemia through the taxonomy, not through its words."""
    _, _, causes = real_index()
    article = seed_article()
    index = ArticleSearchIndex.of([(analyze(article), PUBLISHED)], "id", causes)
    hits, total = index.search(SearchQuery.of("low calcium"), 0, 50)
    assert total and all(any(m.kind == "cause" for m in hit.matches) for hit in hits)
    aspect = hits[0].section.aspect if hits[0].section else None
    assert aspect is not None
    in_aspect, _ = index.search(SearchQuery.of("low calcium", aspect=aspect), 0, 50)
    assert hits[0].passage.position in {hit.passage.position for hit in in_aspect}
    _, tagged_total = index.search(SearchQuery.of("low calcium", tag=article.tags[0]), 0, 50)
    assert tagged_total == total


def test_every_container_orders_tied_hits_alike_however_it_came_by_its_index() -> None:
    store = _catalogue(6)
    counting = CountingSource(store)
    warm = _catalog(counting)
    _slugs(warm, "kalsium")
    _publish(store, _variant(0, word="kalsium"))  # the same words, published again: new positions
    _publish(store, _variant(0))
    order = [hit.article.slug for hit in warm.search(SearchQuery.of("kalsium"), "id", 100, None).hits]
    fresh = [
        hit.article.slug
        for hit in _catalog(CountingSource(store)).search(SearchQuery.of("kalsium"), "id", 100, None).hits
    ]
    assert order == fresh and counting.every_reads == 1


def test_changes_that_expired_from_the_log_make_a_warm_container_start_again() -> None:
    store = _catalogue(3)
    counting = CountingSource(store)
    catalog = _catalog(counting)
    _slugs(catalog, "kalsium")
    store.changes.retention = dt.timedelta(0)  # every entry has expired by the time it is read
    _publish(store, _variant(1, word="magnesium"))
    assert _slugs(catalog, "magnesium") >= {"varian-1"}
    assert counting.every_reads == 2


class FailingFiles(FolderFiles):
    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.failures = 0

    def store(self, locale: Locale, path: Path, sequence: int) -> None:
        if self.failures:
            self.failures -= 1
            raise ContentUnavailable("the bucket could not be written")
        super().store(locale, path, sequence)


def test_the_indexer_stores_again_after_a_failed_store(tmp_path: Path) -> None:
    store = _catalogue(3)
    files = FailingFiles(tmp_path)
    indexer = SearchIndexer(CountingSource(store).source(), files, ["id"])
    indexer.run()
    _publish(store, _variant(1, word="magnesium"))
    files.failures = 1
    with pytest.raises(ContentUnavailable):
        indexer.run()
    assert indexer.run() == {"id": 4}


def test_the_indexer_recovers_when_starting_again_fails_once(tmp_path: Path) -> None:
    store = _catalogue(3)
    counting = CountingSource(store)
    indexer = SearchIndexer(counting.source(), FolderFiles(tmp_path), ["id"])
    indexer.run()
    store.changes.retention = dt.timedelta(0)  # far behind: the next run reads every article
    _publish(store, _variant(1, word="magnesium"))
    counting.down = True
    with pytest.raises(ContentUnavailable):
        indexer.run()
    counting.down = False
    assert indexer.run() == {"id": 4}


def test_a_damaged_index_file_is_unavailable_and_leaves_nothing_in_tmp(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(b"SQLite format 3\0" + bytes(range(256)) * 400))
    packed[40:60] = b"\xff" * 20

    class Body(io.BytesIO):
        def __enter__(self) -> Body:
            return self

    class Client:
        def get_object(self, **_: object) -> dict[str, object]:
            return {"Body": Body(bytes(packed))}

    path = tmp_path / "id.sqlite"
    with pytest.raises(ContentUnavailable):
        S3SearchIndexFiles(Client(), "bucket").fetch("id", path)
    assert not path.exists()
