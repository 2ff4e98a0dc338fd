"""The article search index as a warm container sees it: rebuilt when the published content changes.

When its copy is due, the catalog reads one number, the change log's newest sequence; it reloads the
articles' analyses only when that moved (or the cause index was replaced). When the store fails, the
index last built keeps being served while it is young enough (``health_content.kept``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from health_content import cursor as cursors
from health_content.articles.store import StoredAnalysis
from health_content.causes.catalog import CauseCatalog
from health_content.causes.index import CauseIndex
from health_content.errors import ContentUnavailable
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy, KeptCopy
from health_content.observability import logger
from health_content.search.analysis import decode
from health_content.search.index import ArticleSearchIndex, SearchHit, SearchQuery
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class _Built:
    index: ArticleSearchIndex
    sequence: int
    causes: CauseIndex | None


class SearchCatalog:
    """One index per locale, each kept under ``policy`` (``health_content.kept``)."""

    def __init__(
        self,
        analyses: Callable[[Locale], Sequence[StoredAnalysis]],
        latest_change: Callable[[], int],
        causes: CauseCatalog | None,
        policy: KeepPolicy,
        *,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._analyses = analyses
        self._latest_change = latest_change
        self._causes = causes
        self._policy = policy
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._built: dict[Locale, KeptCopy[_Built]] = {}

    def index(self, locale: Locale) -> ArticleSearchIndex:
        kept = self._built.get(locale)
        if kept is None:
            kept = self._built[locale] = KeptCopy(self._policy, self._freshness, self._timer)
        return kept.get(lambda built: self._refresh(locale, built)).index

    def _refresh(self, locale: Locale, built: _Built | None) -> _Built:
        sequence = self._latest_change()
        causes = self._cause_index()
        if built is not None and built.sequence == sequence and built.causes is causes:
            return built
        analyses = []
        for stored in self._analyses(locale):
            analysis = decode(stored.analysis)
            if analysis is None:
                logger.error("an article's search analysis is of another version; publish it again")
                continue
            analyses.append((analysis, stored.published_at))
        return _Built(ArticleSearchIndex.of(analyses, locale, causes), sequence, causes)

    def _cause_index(self) -> CauseIndex | None:
        if self._causes is None:
            return None
        try:
            return self._causes.current()
        except ContentUnavailable:
            return None  # the articles' own words still match; English lay names wait for the taxonomy

    def search(self, query: SearchQuery, locale: Locale, limit: int, cursor: str | None) -> SearchPage:
        scope = (query.fingerprint(), locale)
        offset = cursors.offset_of(cursor, *scope)
        hits, total = self.index(locale).search(query, offset, limit)
        return SearchPage(hits, total, cursors.next_offset_cursor(offset, limit, total, *scope))
