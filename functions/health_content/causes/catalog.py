"""The published taxonomy as a warm container sees it: what is published, re-checked when it may be stale; the index
the lookups search; and the causes of each article read, apart from the index.

When its copy is due, the catalog reads only the published content hash and the retracted articles. The index and
each article's causes were read for one such version and are used as long as it is current: the index is loaded
(``updating.current``: the indexer's file, downloaded to a folder of the catalog's own), and an article's causes
read again, only when it changes; a retraction alone makes a new index over the same database. An article's
causes are its own mentions and the records they name, so an article costs the same whatever the taxonomy's size,
and never waits for the index.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from cachetools import LRUCache

from health_content import cursor as cursors
from health_content.causes import updating
from health_content.causes.database import CauseDatabase
from health_content.causes.index import CauseIndex, CauseQuery, Facets, Hit
from health_content.causes.model import Cause
from health_content.causes.store import CauseStore
from health_content.errors import CauseNotFound, ContentUnavailable, InvalidCursor
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy, KeptCopy
from health_content.observability import logger
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
    """What the causes were read from (the taxonomy's hash and the retracted articles); None without a taxonomy."""


@dataclass(frozen=True, slots=True)
class _Published:
    """What is published, as the container last confirmed it: the taxonomy's hash (None: none is) and the
    retracted articles, whose mentions are left out."""

    content_hash: str | None
    withdrawn: frozenset[tuple[str, Locale]]

    def version(self, content_hash: str) -> str:
        """The version of what was read of taxonomy ``content_hash`` under these retractions."""
        return "|".join([content_hash, *sorted(f"{locale}/{slug}" for slug, locale in self.withdrawn)])


@dataclass(frozen=True, slots=True)
class _Loaded:
    index: CauseIndex | None
    content_hash: str | None
    """What the index was built from; a cursor is good for it only."""
    read_for: _Published


@dataclass(frozen=True, slots=True)
class _ArticleRead:
    causes: ArticleCauses
    read_for: _Published


class CauseCatalog:
    """The published taxonomy, kept under ``policy`` (``health_content.kept``): the index and, for at most
    ``cache_size`` articles, their causes. ``withdrawn`` names the retracted articles, whose mentions are left out."""

    def __init__(
        self,
        store: CauseStore,
        files: updating.CauseIndexFiles | None,
        policy: KeepPolicy,
        *,
        withdrawn: Callable[[], frozenset[tuple[str, Locale]]] = frozenset,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
        cache_size: int = 256,
    ) -> None:
        self._store = store
        self._files = files
        self._withdrawn = withdrawn
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._published: KeptCopy[_Published] = KeptCopy(policy, self._freshness, timer)
        # What was read for a version is current while that version is: checked on every call, which costs nothing.
        self._following = replace(policy, refresh_after=0.0)
        self._loaded: KeptCopy[_Loaded] = KeptCopy(self._following, self._freshness, timer)
        self._articles: LRUCache[tuple[Locale, str], KeptCopy[_ArticleRead]] = LRUCache(maxsize=cache_size)
        self._folder = tempfile.TemporaryDirectory(prefix="causes-")
        self._files_made = 0

    def current(self) -> CauseIndex | None:
        """The index of the published taxonomy, or None while none is published."""
        return self._current().index

    def _current(self) -> _Loaded:
        return self._loaded.get(self._load)

    def _now_published(self) -> _Published:
        """What is published. When it was due a check and the store failed, this raises ContentUnavailable even as
        the copy is served stale: what was read for it is then served stale by its own kept copy, for as long as it
        may be since it was last current, never confirmed anew by a stale copy."""
        checked: list[bool] = []  # whether a check was due, and whether it succeeded

        def read(_: _Published | None) -> _Published:
            checked.append(False)
            # Retracted articles leave the causes' mentions as soon as this is read.
            published = _Published(self._store.current_hash(), self._withdrawn())
            checked[-1] = True
            return published

        published = self._published.get(read)
        if checked and not checked[-1]:
            raise ContentUnavailable("The cause taxonomy could not be checked.")
        return published

    def _load(self, loaded: _Loaded | None) -> _Loaded:
        published = self._now_published()
        if loaded is not None and loaded.read_for == published:
            return loaded
        if published.content_hash is None:
            return _Loaded(None, None, published)
        if loaded is not None and loaded.index is not None and loaded.read_for.content_hash == published.content_hash:
            database: CauseDatabase | None = loaded.index.database  # only the retractions changed
        else:
            database = self._database(published.content_hash)
        if database is None:
            return _Loaded(None, None, published)
        index = CauseIndex(database, published.withdrawn, published.version(database.content_hash))
        return _Loaded(index, database.content_hash, published)

    def _database(self, content_hash: str) -> CauseDatabase | None:
        """A failure of the index's own storage (a damaged file, a full /tmp) is the store's failure: the index
        last loaded keeps being served while it is young enough, as when DynamoDB fails."""
        self._files_made += 1  # a new file each time: the index being replaced is served until then
        path = Path(self._folder.name) / f"causes-{self._files_made}.sqlite"
        try:
            return updating.current(self._store, self._files, path, content_hash)
        except (sqlite3.Error, OSError, zlib.error, ValueError) as error:
            logger.exception("the cause index could not be loaded")
            raise ContentUnavailable("The cause index could not be loaded.") from error

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
        key = (locale, article)
        kept = self._articles.get(key)
        if kept is None:
            kept = self._articles[key] = KeptCopy(self._following, self._freshness, self._timer)
        return kept.get(lambda read: self._read_article(article, locale, read)).causes

    def _read_article(self, slug: str, locale: Locale, read: _ArticleRead | None) -> _ArticleRead:
        published = self._now_published()
        if read is not None and read.read_for == published:
            return read
        found = None if published.content_hash is None else self._store.article_mentions(locale, slug)
        if found is None:
            return _ArticleRead(ArticleCauses({}, {}, None), published)
        by_section: dict[str, list[str]] = {}
        if (slug, locale) not in published.withdrawn:
            for each in found.mentions:  # in taxonomy order
                mentioned = by_section.setdefault(each.mention.section, [])
                if each.cause_id not in mentioned:
                    mentioned.append(each.cause_id)
        causes = {cause_id: found.causes[cause_id] for ids in by_section.values() for cause_id in ids}
        version = published.version(found.content_hash)
        return _ArticleRead(ArticleCauses(by_section, causes, found.published_at, version), published)
