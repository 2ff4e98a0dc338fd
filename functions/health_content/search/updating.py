"""Bringing a locale's search database up to date: from the change log when it is a little behind, from every
article's analysis when it is far behind (or there is none).

The indexer and every API container use the same steps. The indexer keeps a file per locale in the content
bucket (``IndexFiles``); a cold container starts from that file and applies the changes logged since it was
made, and a warm one applies the changes since its last look: one read of the log and one read per changed
article, never the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from health_content.articles.store import StoredAnalysis
from health_content.changes.log import ChangeLog
from health_content.changes.model import ChangeType
from health_content.observability import logger
from health_content.search.analysis import ArticleAnalysis, decode
from health_content.search.database import IndexOfAnotherVersion, SearchDatabase
from health_content.vocabulary import Locale

# More changes than this since a database's sequence and it is cheaper to start again from the indexer's file
# (or from every analysis) than to read each changed article.
MAX_CATCH_UP = 200


class IndexFiles(Protocol):
    """Where the indexer keeps the current search database of each locale (the content bucket)."""

    def fetch(self, locale: Locale, path: Path) -> bool:
        """Write the locale's current database to ``path``; False when there is none yet."""
        ...

    def store(self, locale: Locale, path: Path, sequence: int) -> None:
        """Make the database in ``path`` the locale's current one."""
        ...


@dataclass(frozen=True, slots=True)
class AnalysisSource:
    """What the published articles say, as the serving index stores it."""

    every: Callable[[Locale], Sequence[StoredAnalysis]]
    one: Callable[[Locale, str], StoredAnalysis | None]
    changes: ChangeLog


class FarBehind(Exception):
    """The changes since the database's sequence are too many, or some have expired from the log."""


def build(source: AnalysisSource, locale: Locale, path: Path | None) -> SearchDatabase:
    """A database of every published article of ``locale`` (in ``path``, or in memory when None)."""
    sequence = source.changes.latest_sequence(consistent=True)  # read first: the articles hold at least that
    analyses = _decoded(source.every(locale))
    database = SearchDatabase.create(locale, path)
    database.update(analyses, (), sequence)
    return database


def catch_up(database: SearchDatabase, source: AnalysisSource, latest: int, most: int = MAX_CATCH_UP) -> bool:
    """Apply the changes logged after the database's sequence, up to at least ``latest``; whether any touched
    its locale. Raises FarBehind when there are more than ``most`` or some expired."""
    after = database.sequence
    if latest <= after:
        return False
    read = source.changes.entries_after(after, most + 1, consistent=True)
    if len(read.changes) > most or not read.exhausted:
        raise FarBehind(f"more than {most} changes after {after}")
    if len(read.changes) != read.read_to - after or read.read_to < latest:
        # The log has no gaps: entries missing between those read, or after them, expired.
        raise FarBehind(f"changes after {after} have expired from the log")
    touched: dict[str, ChangeType] = {}
    for change in read.changes:
        if change.kind == "article" and change.locale == database.locale:
            touched[change.id] = change.change
    put, removed = [], []
    for slug, kind in touched.items():
        stored = None if kind == ChangeType.RETRACTED else source.one(database.locale, slug)
        analysis = _decoded([stored]) if stored is not None else []
        if analysis:
            put += analysis
        else:
            removed.append(slug)
    database.update(put, removed, read.read_to)
    return bool(touched)


def current(
    source: AnalysisSource,
    files: IndexFiles | None,
    locale: Locale,
    path: Path,
    latest: int,
    most: int = MAX_CATCH_UP,
) -> SearchDatabase:
    """The locale's database in ``path``, up to date with ``latest``: the indexer's file and the changes since,
    or (when there is no usable file, or it is far behind) every analysis."""
    if files is not None and files.fetch(locale, path):
        try:
            database = SearchDatabase.open(path, locale)
        except IndexOfAnotherVersion as error:
            logger.warning("the search index file cannot be used; building from every article", reason=str(error))
        else:
            try:
                catch_up(database, source, latest, most)
            except FarBehind as error:
                database.close()
                logger.warning("the search index file is far behind; building from every article", reason=str(error))
            except BaseException:
                database.close()  # and its file: /tmp holds a few at most
                raise
            else:
                return database
    return build(source, locale, path)


def _decoded(stored: Sequence[StoredAnalysis | None]) -> list[tuple[ArticleAnalysis, dt.datetime]]:
    found = []
    for entry in stored:
        if entry is None:
            continue
        analysis = decode(entry.analysis)
        if analysis is None:
            logger.error("an article's search analysis is of another version; publish it again")
            continue
        found.append((analysis, entry.published_at))
    return found
