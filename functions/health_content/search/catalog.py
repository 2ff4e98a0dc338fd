"""The article search index as a warm container sees it: brought up to date when the published content changes.

When its copy is due, the catalog reads one number, the change log's newest sequence. When that moved, it
applies the changes since its last look to its database (``updating.catch_up``: the changed articles, never
the catalogue); a cold container starts from the indexer's file (``updating.current``). When the store fails,
the index last built keeps being served while it is young enough (``health_content.kept``).
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from health_content import cursor as cursors
from health_content.causes.catalog import CauseCatalog
from health_content.causes.index import CauseIndex
from health_content.errors import ContentUnavailable
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy, KeptCopy
from health_content.observability import log_unavailable, logger
from health_content.search import updating
from health_content.search.database import SearchDatabase
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
    database: SearchDatabase
    causes: CauseIndex | None


class SearchCatalog:
    """One index per locale, each kept under ``policy`` (``health_content.kept``), its database in a folder of
    its own (``/tmp`` on Lambda)."""

    def __init__(
        self,
        source: updating.AnalysisSource,
        files: updating.IndexFiles | None,
        causes: CauseCatalog | None,
        policy: KeepPolicy,
        *,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._files = files
        self._causes = causes
        self._policy = policy
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._folder = tempfile.TemporaryDirectory(prefix="search-")
        self._files_made = 0
        self._built: dict[Locale, KeptCopy[_Built]] = {}

    def index(self, locale: Locale) -> ArticleSearchIndex:
        kept = self._built.get(locale)
        if kept is None:
            kept = self._built[locale] = KeptCopy(self._policy, self._freshness, self._timer)
        return kept.get(lambda built: self._refresh_or_unavailable(locale, built)).index

    def _refresh_or_unavailable(self, locale: Locale, built: _Built | None) -> _Built:
        """A failure of the index's own storage (a full /tmp, a damaged file) is the store's failure: the index
        last built keeps being served while it is young enough, as when DynamoDB fails."""
        try:
            return self._refresh(locale, built)
        except (sqlite3.Error, OSError, zlib.error, ValueError) as error:
            log_unavailable("the search index could not be brought up to date", error)
            raise ContentUnavailable("The search index could not be brought up to date.") from error

    def _refresh(self, locale: Locale, built: _Built | None) -> _Built:
        latest = self._source.changes.latest_sequence()
        causes = self._cause_index()
        if built is None:
            database = updating.current(self._source, self._files, locale, self._path(locale), latest)
            return _Built(ArticleSearchIndex(database, causes), database, causes)
        try:
            changed = updating.catch_up(built.database, self._source, latest)
        except updating.FarBehind as error:
            logger.info("the search index is far behind; opening the current one", reason=str(error))
            database = updating.current(self._source, self._files, locale, self._path(locale), latest)
            built.database.close()
            return _Built(ArticleSearchIndex(database, causes), database, causes)
        if not changed and built.causes is causes:
            return built
        return _Built(ArticleSearchIndex(built.database, causes), built.database, causes)

    def _path(self, locale: Locale) -> Path:
        """A new file each time: the database being replaced is served until its successor is ready."""
        self._files_made += 1
        return Path(self._folder.name) / f"{locale}-{self._files_made}.sqlite"

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
