"""The cause index as a warm container sees it: loaded once, re-checked when it may be stale.

After ``refresh_after`` seconds the catalog reads only the published content hash; the
taxonomy is loaded and the index rebuilt only when that hash has changed.
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
from health_content.errors import CauseNotFound, ContentUnavailable, InvalidCursor
from health_content.freshness import Freshness
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


@dataclass(slots=True)
class _Loaded:
    index: CauseIndex | None
    content_hash: str | None
    published_at: dt.datetime | None
    checked_at: float
    withdrawn: frozenset[tuple[str, Locale]] = frozenset()


class CauseCatalog:
    """``withdrawn`` names the retracted articles, whose mentions the index leaves out.

    When the store fails, the index last read keeps being served for up to ``stale_after`` seconds
    since it was last confirmed current, and ``freshness`` records it."""

    def __init__(
        self,
        store: CauseStore,
        *,
        withdrawn: Callable[[], frozenset[tuple[str, Locale]]] = frozenset,
        refresh_after: float = 60.0,
        retry_after_failure: float = 5.0,
        stale_after: float = 86_400.0,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._withdrawn = withdrawn
        self._refresh_after = refresh_after
        self._retry_after_failure = retry_after_failure
        self._stale_after = stale_after
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._loaded: _Loaded | None = None
        # The last failure to read, with nothing loaded to fall back on, and when: a struggling store is not
        # asked again on every request, yet a container that started during a blip recovers within seconds.
        self._failure: tuple[ContentUnavailable, float] | None = None

    def current(self) -> CauseIndex | None:
        """The index of the published taxonomy, or None while none is published."""
        return self._current().index

    def _current(self) -> _Loaded:
        now = self._timer()
        loaded = self._loaded
        if loaded is not None and now - loaded.checked_at < self._refresh_after:
            self._freshness.read_copy(loaded.checked_at + self._refresh_after)
            return loaded
        if loaded is None and self._failure is not None and now - self._failure[1] < self._retry_after_failure:
            raise self._failure[0].with_traceback(None)  # its frames, not every earlier request's
        try:
            current = self._refresh(loaded, now)
        except ContentUnavailable as error:
            if loaded is None or loaded.index is None or now - loaded.checked_at > self._stale_after:
                if loaded is None:
                    self._failure = (error, now)
                raise
            self._freshness.served_stale(now - loaded.checked_at)
            return loaded
        self._failure = None
        self._freshness.read_copy(current.checked_at + self._refresh_after)
        return current

    def _refresh(self, loaded: _Loaded | None, now: float) -> _Loaded:
        # Retracted articles leave the causes' mentions as soon as the index is next refreshed.
        withdrawn = self._withdrawn()
        if loaded is not None and self._store.current_hash() == loaded.content_hash and withdrawn == loaded.withdrawn:
            loaded.checked_at = now
            return loaded
        published = self._store.get()
        if published is None:
            self._loaded = _Loaded(None, None, None, now, withdrawn)
        else:
            version = "|".join([published.content_hash, *sorted(f"{locale}/{slug}" for slug, locale in withdrawn)])
            index = CauseIndex(published.taxonomy, published.analysis, published.published_at, withdrawn, version)
            self._loaded = _Loaded(index, published.content_hash, published.published_at, now, withdrawn)
        return self._loaded

    def search(self, query: CauseQuery, limit: int, cursor: str | None) -> CausePage:
        index = self.current()
        if index is None:
            if cursor is not None:
                raise InvalidCursor()
            return CausePage([], 0, None, None)
        # A cursor is only good for the query and the taxonomy version it was issued for.
        scope = (query.fingerprint(), (self._loaded.content_hash if self._loaded else None) or "")
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
