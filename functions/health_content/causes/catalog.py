"""The cause index as a warm container sees it: loaded once, re-checked when it may be stale.

When its copy is due, the catalog reads only the published content hash; the taxonomy is loaded
and the index rebuilt only when that hash (or the set of retracted articles) has changed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from health_content import cursor as cursors
from health_content.causes.index import CauseIndex, CauseQuery, Facets, Hit
from health_content.causes.model import Cause
from health_content.causes.store import CauseStore
from health_content.errors import CauseNotFound, InvalidCursor
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy, KeptCopy
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class CausePage:
    hits: list[Hit]
    total: int
    next_cursor: str | None
    index: CauseIndex | None


@dataclass(frozen=True, slots=True)
class ArticleCauses:
    by_section: dict[str, list[str]]
    causes: dict[str, Cause]
    published_at: dt.datetime | None
    version: str | None = None
    """What the index was built from (the taxonomy's hash and the retracted articles); None without one."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    index: CauseIndex | None
    content_hash: str | None
    published_at: dt.datetime | None
    withdrawn: frozenset[tuple[str, Locale]] = frozenset()


class CauseCatalog:
    """The published taxonomy's index, kept under ``policy`` (``health_content.kept``). ``withdrawn`` names
    the retracted articles, whose mentions the index leaves out."""

    def __init__(
        self,
        store: CauseStore,
        policy: KeepPolicy,
        *,
        withdrawn: Callable[[], frozenset[tuple[str, Locale]]] = frozenset,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._withdrawn = withdrawn
        self._kept: KeptCopy[_Loaded] = KeptCopy(policy, freshness or Freshness(), timer)

    def current(self) -> CauseIndex | None:
        """The index of the published taxonomy, or None while none is published."""
        return self._current().index

    def _current(self) -> _Loaded:
        return self._kept.get(self._refresh)

    def _refresh(self, loaded: _Loaded | None) -> _Loaded:
        # Retracted articles leave the causes' mentions as soon as the index is next refreshed.
        withdrawn = self._withdrawn()
        if loaded is not None and self._store.current_hash() == loaded.content_hash and withdrawn == loaded.withdrawn:
            return loaded
        published = self._store.get()
        if published is None:
            return _Loaded(None, None, None, withdrawn)
        version = "|".join([published.content_hash, *sorted(f"{locale}/{slug}" for slug, locale in withdrawn)])
        index = CauseIndex(published.taxonomy, published.analysis, published.published_at, withdrawn, version)
        return _Loaded(index, published.content_hash, published.published_at, withdrawn)

    def search(self, query: CauseQuery, limit: int, cursor: str | None) -> CausePage:
        loaded = self._current()
        index = loaded.index
        if index is None:
            if cursor is not None:
                raise InvalidCursor()
            return CausePage([], 0, None, None)
        # A cursor is only good for the query and the taxonomy version it was issued for.
        scope = (query.fingerprint(), loaded.content_hash or "")
        offset = cursors.offset_of(cursor, *scope)
        hits, total = index.search(query, offset, limit)
        return CausePage(hits, total, cursors.next_offset_cursor(offset, limit, total, *scope), index)

    def facets(self, query: CauseQuery) -> tuple[Facets, CauseIndex | None]:
        index = self.current()
        if index is None:
            return Facets(0, [], []), None
        return index.facets(query), index

    def get(self, cause_id: str) -> tuple[Cause, CauseIndex]:
        index = self.current()
        cause = None if index is None else index.get(cause_id)
        if cause is None or index is None:
            raise CauseNotFound(cause_id)
        return cause, index

    def for_article(self, article: str, locale: Locale) -> ArticleCauses:
        """The causes an article discusses, per section, and when the taxonomy was published."""
        loaded = self._current()
        if loaded.index is None:
            return ArticleCauses({}, {}, None)
        index = loaded.index
        by_section, causes = index.causes_by_section(article, locale), index.mentioned_in(article, locale)
        return ArticleCauses(by_section, causes, loaded.published_at, index.version)
