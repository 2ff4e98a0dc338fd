"""The indexer: keeps each locale's search index file in the content bucket up to date, so that a cold API
container downloads one file and applies a few changes instead of reading every article.

It runs on a schedule, one at a time (reserved concurrency 1), and keeps its databases between runs while its
container lives. A run reads one number when nothing changed; otherwise it applies the changes since its last
run (up to ``CATCH_UP_PER_RUN``, in one read of the log and one read per changed article; beyond that, or when
they expired, it reads every article) and stores the compacted database of each locale they touched (or that
other locales' changes would otherwise leave far behind).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from health_content.search import updating
from health_content.search.database import SearchDatabase
from health_content.search.updating import MAX_CATCH_UP
from health_content.vocabulary import Locale

# A bulk publish logs thousands of changes between two runs; applying them one read each stays cheaper than
# reading every article up to about this many.
CATCH_UP_PER_RUN = 2_000


@dataclass
class SearchIndexer:
    source: updating.AnalysisSource
    files: updating.IndexFiles
    locales: Sequence[Locale]
    _folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="indexer-")))
    _databases: dict[Locale, SearchDatabase] = field(default_factory=dict)
    _stored: dict[Locale, int] = field(default_factory=dict)
    _unstored: set[Locale] = field(default_factory=set)
    """Locales whose articles changed since their file was last stored (kept when a store fails)."""

    def run(self) -> dict[Locale, int]:
        """Bring every locale's file up to date; returns the sequence of each file stored by this run."""
        stored = {}
        for locale in self.locales:
            latest = self.source.changes.latest_sequence(consistent=True)
            database, touched = self._up_to_date(locale, latest)
            if touched:
                self._unstored.add(locale)
            behind = database.sequence - self._stored.get(locale, -MAX_CATCH_UP)
            # Changes to other locales only move the sequence: store it before a cold container would be far behind.
            if locale not in self._unstored and behind < MAX_CATCH_UP // 2:
                continue
            database.compact()
            self.files.store(locale, self._path(locale), database.sequence)
            self._unstored.discard(locale)
            self._stored[locale] = stored[locale] = database.sequence
        return stored

    def _up_to_date(self, locale: Locale, latest: int) -> tuple[SearchDatabase, bool]:
        """The locale's database brought up to ``latest``, and whether that changed any of its articles."""
        database = self._databases.get(locale)
        if database is not None:
            try:
                return database, updating.catch_up(database, self.source, latest, CATCH_UP_PER_RUN)
            except updating.FarBehind:
                self._databases.pop(locale).close()
        database = self._databases[locale] = updating.current(
            self.source, self.files, locale, self._path(locale), latest, CATCH_UP_PER_RUN
        )
        return database, True

    def _path(self, locale: Locale) -> Path:
        return self._folder / f"{locale}.sqlite"
