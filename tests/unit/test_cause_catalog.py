"""A warm container keeps the cause index and rebuilds it only when a new taxonomy is published."""

from __future__ import annotations

import datetime as dt

import pytest

from health_content.causes.catalog import CauseCatalog
from health_content.causes.index import CauseQuery
from health_content.errors import CauseNotFound, InvalidCursor
from health_content.publishing import content_hash
from health_content.storage import PublishedCauses
from tests.causes_fixtures import real_index
from tests.fakes import InMemoryCauseStore


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
    catalog = CauseCatalog(store, refresh_after=60, timer=clock)
    first = catalog.current()
    assert catalog.current() is first and store.reads == 1 and store.hash_reads == 0
    clock.now = 61
    assert catalog.current() is first  # unchanged hash: same index, no reload
    assert store.reads == 1 and store.hash_reads == 1


def test_a_new_taxonomy_replaces_the_index_after_the_refresh_interval() -> None:
    store, clock = InMemoryCauseStore(_published()), Clock()
    catalog = CauseCatalog(store, refresh_after=60, timer=clock)
    first = catalog.current()
    store.put_if_changed(_published("2026-12-01"))
    assert catalog.current() is first
    clock.now = 61
    second = catalog.current()
    assert second is not first and second is not None
    assert second.taxonomy.updated_at == dt.date(2026, 12, 1)


def test_without_a_published_taxonomy_lookups_are_empty() -> None:
    catalog = CauseCatalog(InMemoryCauseStore())
    page = catalog.search(CauseQuery.of(q="kalsium"), 20, None)
    assert (page.hits, page.total, page.next_cursor) == ([], 0, None)
    assert catalog.causes_by_section("kram-otot-betis", "id") == ({}, None)
    with pytest.raises(CauseNotFound):
        catalog.get("hipokalsemia")


def test_cursors_walk_the_results_and_belong_to_their_query() -> None:
    catalog = CauseCatalog(InMemoryCauseStore(_published()))
    query = CauseQuery.of(q="kejang")
    first = catalog.search(query, 10, None)
    second = catalog.search(query, 10, first.next_cursor)
    assert first.next_cursor and {h.cause.id for h in first.hits}.isdisjoint({h.cause.id for h in second.hits})
    with pytest.raises(InvalidCursor):
        catalog.search(CauseQuery.of(q="demam"), 10, first.next_cursor)
    for forged in ("nonsense!", "eyJvZmZzZXQiOi0xfQ", "e30"):
        with pytest.raises(InvalidCursor):
            catalog.search(query, 10, forged)
