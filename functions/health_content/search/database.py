"""The article search index of one locale as a SQLite database: built once, when content is published, and
brought up to date with the articles that changed since.

A container no longer reads every article's analysis to search: it opens a database file that the indexer
built (``health_content.search.files``) and applies the few changes logged after it. SQLite keeps the
database on disk (``/tmp`` on Lambda) and only a small page cache in memory, so a container's memory does
not grow with the catalogue, and FTS5 keeps the postings compact (about 1.5 bytes each).

Tables:
    meta       version (SEARCH_ANALYSIS_VERSION), locale, sequence (the change log's, when last brought up to date)
    articles   one row per article: its analysis without passages (JSON), when it was published
    tags       (tag, article) for the tag filter
    passages   one row per passage: its article, place, field, aspect and text; ``position`` is never reused
    terms      FTS5, contentless: each passage's words and stems, rowid = its position
    words      every word the articles use, for one-typo candidates

Replacing or removing an article deletes its rows from ``passages``; its old postings stay in ``terms``
until the next full build and are never returned, because every lookup joins ``passages``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from health_content.search.analysis import (
    SEARCH_ANALYSIS_VERSION,
    ArticleAnalysis,
    Passage,
    PassageField,
    SectionInfo,
    passage_of,
)
from health_content.vocabulary import Locale

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE articles(number INTEGER PRIMARY KEY AUTOINCREMENT, slug TEXT NOT NULL UNIQUE,
                      published_at TEXT NOT NULL, header TEXT NOT NULL);
CREATE TABLE tags(tag TEXT NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (tag, article)) WITHOUT ROWID;
CREATE TABLE passages(position INTEGER PRIMARY KEY AUTOINCREMENT, article INTEGER NOT NULL,
                      section TEXT, block INTEGER, item INTEGER, field TEXT NOT NULL, aspect TEXT,
                      text TEXT NOT NULL);
CREATE INDEX passages_of_article ON passages(article, section, block, item);
CREATE VIRTUAL TABLE terms USING fts5(words, stems, content='', detail=column, columnsize=0,
                                      tokenize="ascii tokenchars '_'");
CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;
"""
# One edit away: the letters a typo may drop, swap or put in (folded words; see ``text.analysis.fold``).
_LETTERS = string.ascii_lowercase + string.digits
# Words shorter than this are not offered as corrections (as ``text.matching`` builds its dictionary).
_SHORTEST_CORRECTION = 4


class IndexOfAnotherVersion(Exception):
    """The database was built by another analysis version or for another locale: build it again."""


@dataclass(frozen=True, slots=True)
class StoredPassage:
    position: int
    article: int
    passage: Passage
    aspect: str | None


class SearchDatabase:
    """One locale's index in SQLite: a file (``open``/``create``) or, for tests and small builds, memory."""

    def __init__(self, connection: sqlite3.Connection, locale: Locale) -> None:
        self._db = connection
        self.locale = locale

    @classmethod
    def create(cls, locale: Locale, path: Path | None = None) -> SearchDatabase:
        """An empty index; ``path`` None keeps it in memory."""
        if path is not None:
            path.unlink(missing_ok=True)
        connection = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        connection.executescript(_SCHEMA)
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("version", SEARCH_ANALYSIS_VERSION), ("locale", locale), ("sequence", 0)],
        )
        connection.commit()
        return cls(connection, locale)

    @classmethod
    def open(cls, path: Path, locale: Locale) -> SearchDatabase:
        """The index in ``path``; raises IndexOfAnotherVersion when it cannot be used as it is."""
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            connection.close()
            raise IndexOfAnotherVersion(str(error)) from None
        if meta.get("version") != SEARCH_ANALYSIS_VERSION or meta.get("locale") != locale:
            connection.close()
            raise IndexOfAnotherVersion(f"built by version {meta.get('version')} for {meta.get('locale')!r}")
        return cls(connection, locale)

    def close(self) -> None:
        self._db.close()

    # --- writing -----------------------------------------------------------------------------------------

    @property
    def sequence(self) -> int:
        """The change log's sequence this index holds every change up to."""
        return int(self._db.execute("SELECT value FROM meta WHERE key = 'sequence'").fetchone()[0])

    def update(self, put: Iterable[tuple[ArticleAnalysis, dt.datetime]], removed: Iterable[str], sequence: int) -> None:
        """Replace or add the ``put`` articles, remove the ``removed`` slugs and record ``sequence``, all in one
        transaction: a failure leaves the index as it was."""
        with self._db:
            for slug in removed:
                self._remove(slug)
            for analysis, published_at in put:
                self._remove(analysis.slug)
                self._add(analysis, published_at)
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'sequence'", (sequence,))

    def compact(self) -> None:
        """Merge FTS5's segments (faster lookups) and give back the space of removed rows."""
        self._db.execute("INSERT INTO terms(terms) VALUES ('optimize')")
        self._db.commit()
        self._db.execute("VACUUM")

    def _remove(self, slug: str) -> None:
        row = self._db.execute("SELECT number FROM articles WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            return
        self._db.execute("DELETE FROM passages WHERE article = ?", row)
        self._db.execute("DELETE FROM tags WHERE article = ?", row)
        self._db.execute("DELETE FROM articles WHERE number = ?", row)

    def _add(self, analysis: ArticleAnalysis, published_at: dt.datetime) -> None:
        header = analysis.model_copy(update={"passages": []}).model_dump_json()
        number = self._db.execute(
            "INSERT INTO articles(slug, published_at, header) VALUES (?, ?, ?)",
            (analysis.slug, published_at.isoformat(), header),
        ).lastrowid
        self._db.executemany("INSERT INTO tags VALUES (?, ?)", [(tag, number) for tag in set(analysis.tags)])
        aspects = {section.id: section.aspect for section in analysis.sections}
        for passage in analysis.passages:
            position = self._db.execute(
                "INSERT INTO passages(article, section, block, item, field, aspect, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    passage.section,
                    passage.block,
                    passage.item,
                    passage.field,
                    aspects.get(passage.section) if passage.section else None,
                    passage.text,
                ),
            ).lastrowid
            self._db.execute(
                "INSERT INTO terms(rowid, words, stems) VALUES (?, ?, ?)",
                (position, " ".join(dict.fromkeys(passage.words)), " ".join(dict.fromkeys(passage.stems))),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO words VALUES (?)",
                [(word,) for word in passage.words if len(word) >= _SHORTEST_CORRECTION],
            )

    # --- reading -----------------------------------------------------------------------------------------

    def passage_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def postings(self, column: str, term: str) -> dict[int, PassageField]:
        """Each passage whose ``column`` ("words" or "stems") holds ``term``, with its field."""
        rows = self._db.execute(
            "SELECT p.position, p.field FROM terms JOIN passages p ON p.position = terms.rowid WHERE terms MATCH ?",
            (f'{column} : "{term}"',),
        )
        return dict(rows.fetchall())

    def corrections(self, word: str) -> list[str]:
        """The words the articles use that are one edit (a letter dropped, added, changed or two swapped) away
        from ``word``, in alphabetical order."""
        variants = _one_edit(word) - {word}
        found: list[str] = []
        ordered = sorted(variants)
        for start in range(0, len(ordered), 500):  # SQLite's limit on bound parameters
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self._db.execute(f"SELECT word FROM words WHERE word IN ({marks})", chunk)]
        return sorted(found)

    def passage(self, position: int) -> StoredPassage:
        row = self._db.execute(
            "SELECT article, section, block, item, field, aspect, text FROM passages WHERE position = ?", (position,)
        ).fetchone()
        article, section, block, item, field, aspect, body = row
        return StoredPassage(position, article, passage_of(self.locale, field, body, section, block, item), aspect)

    def position_of(self, slug: str, section: str, block: int | None, item: int | None) -> int | None:
        row = self._db.execute(
            "SELECT p.position FROM passages p JOIN articles a ON a.number = p.article "
            "WHERE a.slug = ? AND p.section = ? AND p.block IS ? AND p.item IS ?",
            (slug, section, block, item),
        ).fetchone()
        return None if row is None else int(row[0])

    def fields(self, positions: Iterable[int]) -> dict[int, PassageField]:
        found: dict[int, PassageField] = {}
        ordered = list(positions)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT position, field FROM passages WHERE position IN ({marks})", chunk))
        return found

    def admitted(self, positions: Iterable[int], aspect: str | None, tag: str | None) -> set[int]:
        """Those of ``positions`` in a section about ``aspect`` (when given) of an article tagged ``tag`` (when
        given)."""
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS asked(position INTEGER PRIMARY KEY)")
        with self._db:
            self._db.execute("DELETE FROM asked")
            self._db.executemany("INSERT OR IGNORE INTO asked VALUES (?)", [(p,) for p in positions])
        query = "SELECT p.position FROM asked JOIN passages p ON p.position = asked.position"
        conditions, values = [], []
        if tag is not None:
            query += " JOIN tags t ON t.article = p.article"
            conditions.append("t.tag = ?")
            values.append(tag)
        if aspect is not None:
            conditions.append("p.aspect = ?")
            values.append(aspect)
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        return {row[0] for row in self._db.execute(query, values)}

    def article(self, number: int) -> tuple[ArticleAnalysis, dt.datetime]:
        header, published_at = self._db.execute(
            "SELECT header, published_at FROM articles WHERE number = ?", (number,)
        ).fetchone()
        return ArticleAnalysis.model_validate_json(header), dt.datetime.fromisoformat(published_at)

    def section(self, article: ArticleAnalysis, section_id: str | None) -> SectionInfo | None:
        return next((section for section in article.sections if section.id == section_id), None)


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    changes = {left + letter + right[1:] for left, right in splits if right for letter in _LETTERS}
    inserts = {left + letter + right for left, right in splits for letter in _LETTERS}
    return deletes | swaps | changes | inserts
