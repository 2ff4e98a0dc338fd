"""The article search index of one locale as a SQLite database: built once, when content is published, and
brought up to date with the articles that changed since.

A container no longer reads every article's analysis to search: it opens a database file that the indexer
built (``health_content.search.indexer``) and applies the few changes logged after it. SQLite keeps the
database on disk (``/tmp`` on Lambda) with a small page cache, so a container's memory does not grow with the
catalogue. A term's postings are one blob of packed 64-bit integers (its passages' position, article, aspect
and field), which numpy scores without a Python loop: a word found in two hundred thousand passages costs
milliseconds.

Tables:
    meta       version (SEARCH_ANALYSIS_VERSION), schema (SCHEMA_VERSION), locale, sequence (the change log's,
               when last brought up to date)
    articles   one row per article: its analysis without passages (JSON), when it was published
    tags       (tag, article) for the tag filter
    aspects    the code each section aspect has in the postings
    passages   one row per passage: its article and place, field and aspect code; ``position`` is never reused
    texts      each passage's text (apart, so that the passages table stays small)
    postings   (column, term) -> blob: the passages whose words ("words") or stems ("stems") hold the term
    words      every word the articles have used, for one-typo candidates (never pruned: a correction to a
               word no article uses any more has no postings, and matches nothing)
    removed    positions of passages replaced or removed since the postings were last compacted

Replacing or removing an article adds its passages' positions to ``removed`` (the postings keep them until
``compact``, which the indexer runs before it stores a file) and appends the new passages to the postings.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from health_content.search.analysis import SEARCH_ANALYSIS_VERSION, ArticleAnalysis, PassageField
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.text.matching import one_edit
from health_content.vocabulary import Locale

# Bump when the tables or the packing change: a file of another schema is never opened (the indexer builds anew).
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE articles(number INTEGER PRIMARY KEY AUTOINCREMENT, slug TEXT NOT NULL UNIQUE,
                      published_at TEXT NOT NULL, header TEXT NOT NULL);
CREATE TABLE tags(tag TEXT NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (tag, article)) WITHOUT ROWID;
CREATE TABLE aspects(code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE passages(position INTEGER PRIMARY KEY AUTOINCREMENT, article INTEGER NOT NULL,
                      section TEXT, block INTEGER, item INTEGER, field TEXT NOT NULL, aspect INTEGER NOT NULL);
CREATE INDEX passages_of_article ON passages(article, section, block, item);
CREATE TABLE texts(position INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE postings(kind INTEGER NOT NULL, term TEXT NOT NULL, packed BLOB NOT NULL,
                      PRIMARY KEY (kind, term)) WITHOUT ROWID;
CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE removed(position INTEGER PRIMARY KEY);
"""
Column = Literal["words", "stems"]
_COLUMNS: dict[Column, int] = {"words": 0, "stems": 1}
FIELDS: tuple[PassageField, ...] = ("title", "heading", "item", "paragraph")
_FIELD_CODES = {field: code for code, field in enumerate(FIELDS)}
# A posting packs (article << 40) | (position << 8) | (aspect << 2) | field into a signed 64-bit integer.
_ARTICLE_SHIFT, _POSITION_SHIFT, _ASPECT_SHIFT = 40, 8, 2
_MASK_POSITION, _MASK_ASPECT, _MASK_FIELD = (1 << 32) - 1, (1 << 6) - 1, (1 << 2) - 1
# Words shorter than this are not offered as corrections (as ``text.matching`` builds its dictionary).
_SHORTEST_CORRECTION = TYPO_MIN_LENGTH - 1
_BOUND_PARAMETERS = 500  # per statement, well under SQLite's limit

Packed = npt.NDArray[np.int64]


class IndexOfAnotherVersion(Exception):
    """The database was built by another analysis version or schema, or for another locale: build it again."""


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage as the index keeps it: where it is and its text (its words and stems are only in postings)."""

    position: int
    article: int
    section: str | None
    block: int | None
    item: int | None
    field: PassageField
    text: str


@dataclass(frozen=True, slots=True)
class Postings:
    """The live passages that hold one term: positions (ascending), their articles, aspect codes and fields."""

    positions: npt.NDArray[np.int64]
    articles: npt.NDArray[np.int64]
    aspects: npt.NDArray[np.int64]
    fields: npt.NDArray[np.int64]

    @classmethod
    def unpack(cls, packed: Packed) -> Postings:
        return cls(
            (packed >> _POSITION_SHIFT) & _MASK_POSITION,
            packed >> _ARTICLE_SHIFT,
            (packed >> _ASPECT_SHIFT) & _MASK_ASPECT,
            packed & _MASK_FIELD,
        )


class SearchDatabase:
    """One locale's index in SQLite: a file (``open``/``create``) or, for tests and small builds, memory."""

    def __init__(self, connection: sqlite3.Connection, locale: Locale, path: Path | None = None) -> None:
        self._db = connection
        self.locale = locale
        self._path = path
        self._removed_now: npt.NDArray[np.int64] | None = None

    @classmethod
    def create(cls, locale: Locale, path: Path | None = None) -> SearchDatabase:
        """An empty index; ``path`` None keeps it in memory."""
        if path is not None:
            path.unlink(missing_ok=True)
        connection = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        connection.executescript(_SCHEMA)
        meta = [("version", SEARCH_ANALYSIS_VERSION), ("schema", SCHEMA_VERSION), ("locale", locale), ("sequence", 0)]
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        connection.commit()
        return cls(connection, locale, path)

    @classmethod
    def open(cls, path: Path, locale: Locale) -> SearchDatabase:
        """The index in ``path``; raises IndexOfAnotherVersion when it cannot be used as it is."""
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            connection.close()
            raise IndexOfAnotherVersion(str(error)) from None
        found = (meta.get("version"), meta.get("schema"), meta.get("locale"))
        if found != (SEARCH_ANALYSIS_VERSION, SCHEMA_VERSION, locale):
            connection.close()
            raise IndexOfAnotherVersion(f"analysis version, schema and locale are {found}")
        return cls(connection, locale, path)

    def close(self) -> None:
        """Close the database and delete its file: /tmp holds a few of them at most."""
        self._db.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)

    # --- writing -----------------------------------------------------------------------------------------

    @property
    def sequence(self) -> int:
        """The change log's sequence this index holds every change up to."""
        return int(self._db.execute("SELECT value FROM meta WHERE key = 'sequence'").fetchone()[0])

    def update(self, put: Iterable[tuple[ArticleAnalysis, dt.datetime]], removed: Iterable[str], sequence: int) -> None:
        """Replace or add the ``put`` articles, remove the ``removed`` slugs and record ``sequence``, all in one
        transaction: a failure leaves the index as it was."""
        self._removed_now = None
        with self._db:
            for slug in removed:
                self._remove(slug)
            added: dict[tuple[int, str], list[int]] = defaultdict(list)
            for analysis, published_at in put:
                self._remove(analysis.slug)
                self._add(analysis, published_at, added)
            for (kind, term), values in added.items():
                row = self._db.execute(
                    "SELECT packed FROM postings WHERE kind = ? AND term = ?", (kind, term)
                ).fetchone()
                packed = np.frombuffer(row[0], dtype=np.int64) if row else np.empty(0, dtype=np.int64)
                joined = np.concatenate([packed, np.array(values, dtype=np.int64)])
                self._db.execute("INSERT OR REPLACE INTO postings VALUES (?, ?, ?)", (kind, term, joined.tobytes()))
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'sequence'", (sequence,))

    def compact(self) -> None:
        """Drop the postings of removed passages, and give their space back."""
        removed = self._removed()
        self._removed_now = None
        if removed.size:
            with self._db:
                rows = self._db.execute("SELECT kind, term, packed FROM postings").fetchall()
                for kind, term, blob in rows:
                    packed = np.frombuffer(blob, dtype=np.int64)
                    kept = packed[~np.isin((packed >> _POSITION_SHIFT) & _MASK_POSITION, removed)]
                    if kept.size == packed.size:
                        continue
                    if kept.size:
                        self._db.execute(
                            "UPDATE postings SET packed = ? WHERE kind = ? AND term = ?", (kept.tobytes(), kind, term)
                        )
                    else:
                        self._db.execute("DELETE FROM postings WHERE kind = ? AND term = ?", (kind, term))
                self._db.execute("DELETE FROM removed")
        self._db.execute("VACUUM")

    def _remove(self, slug: str) -> None:
        row = self._db.execute("SELECT number FROM articles WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            return
        self._db.execute("INSERT INTO removed SELECT position FROM passages WHERE article = ?", row)
        self._db.execute("DELETE FROM texts WHERE position IN (SELECT position FROM passages WHERE article = ?)", row)
        self._db.execute("DELETE FROM passages WHERE article = ?", row)
        self._db.execute("DELETE FROM tags WHERE article = ?", row)
        self._db.execute("DELETE FROM articles WHERE number = ?", row)

    def _add(
        self, analysis: ArticleAnalysis, published_at: dt.datetime, added: dict[tuple[int, str], list[int]]
    ) -> None:
        header = analysis.model_copy(update={"passages": []}).model_dump_json()
        number = self._db.execute(
            "INSERT INTO articles(slug, published_at, header) VALUES (?, ?, ?)",
            (analysis.slug, published_at.isoformat(), header),
        ).lastrowid
        assert number is not None
        self._db.executemany("INSERT INTO tags VALUES (?, ?)", [(tag, number) for tag in set(analysis.tags)])
        aspects = {section.id: self._aspect_code(section.aspect) for section in analysis.sections}
        for passage in analysis.passages:
            aspect = aspects.get(passage.section, 0) if passage.section else 0
            position = self._db.execute(
                "INSERT INTO passages(article, section, block, item, field, aspect) VALUES (?, ?, ?, ?, ?, ?)",
                (number, passage.section, passage.block, passage.item, passage.field, aspect),
            ).lastrowid
            assert position is not None
            self._db.execute("INSERT INTO texts VALUES (?, ?)", (position, passage.text))
            value = (
                (number << _ARTICLE_SHIFT)
                | (position << _POSITION_SHIFT)
                | (aspect << _ASPECT_SHIFT)
                | _FIELD_CODES[passage.field]
            )
            for kind, terms in ((0, passage.words), (1, passage.stems)):
                for term in dict.fromkeys(terms):
                    added[(kind, term)].append(value)
            self._db.executemany(
                "INSERT OR IGNORE INTO words VALUES (?)",
                [(word,) for word in passage.words if len(word) >= _SHORTEST_CORRECTION],
            )

    def _aspect_code(self, name: str) -> int:
        row = self._db.execute("SELECT code FROM aspects WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        code = int(self._db.execute("SELECT coalesce(max(code), 0) + 1 FROM aspects").fetchone()[0])
        if code > _MASK_ASPECT:
            raise ValueError(f"more than {_MASK_ASPECT} section aspects")
        self._db.execute("INSERT INTO aspects VALUES (?, ?)", (code, name))
        return code

    # --- reading -----------------------------------------------------------------------------------------

    def passage_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def position_limit(self) -> int:
        """One more than the highest position ever given (positions are never reused)."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'passages'").fetchone()
        return 1 + (int(row[0]) if row else 0)

    def postings(self, column: Column, term: str) -> Postings:
        """The live passages whose ``column`` holds ``term``."""
        packed = self._packed(_COLUMNS[column], term)
        removed = self._removed()
        if removed.size and packed.size:
            packed = packed[~np.isin((packed >> _POSITION_SHIFT) & _MASK_POSITION, removed)]
        return Postings.unpack(packed)

    def _packed(self, kind: int, term: str) -> Packed:
        row = self._db.execute("SELECT packed FROM postings WHERE kind = ? AND term = ?", (kind, term)).fetchone()
        return np.frombuffer(row[0], dtype=np.int64) if row else np.empty(0, dtype=np.int64)

    def uses(self, column: Column, term: str) -> bool:
        """Whether a published passage holds ``term`` in ``column``."""
        return bool(self.postings(column, term).positions.size)

    def _removed(self) -> npt.NDArray[np.int64]:
        if self._removed_now is None:
            rows = self._db.execute("SELECT position FROM removed").fetchall()
            self._removed_now = np.array([row[0] for row in rows], dtype=np.int64)
        return self._removed_now

    def aspect_code(self, name: str) -> int | None:
        row = self._db.execute("SELECT code FROM aspects WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def articles_tagged(self, tag: str) -> npt.NDArray[np.int64]:
        return np.array([row[0] for row in self._db.execute("SELECT article FROM tags WHERE tag = ?", (tag,))])

    def corrections(self, word: str) -> list[str]:
        """The words the articles use that are one edit (a letter dropped, added, changed or two swapped) away
        from ``word``, in alphabetical order."""
        found: list[str] = []
        for chunk in _chunks(sorted(one_edit(word) - {word})):
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self._db.execute(f"SELECT word FROM words WHERE word IN ({marks})", chunk)]
        return sorted(found)

    def passage(self, position: int) -> StoredPassage:
        row = self._db.execute(
            "SELECT article, section, block, item, field, text FROM passages JOIN texts USING (position) "
            "WHERE position = ?",
            (position,),
        ).fetchone()
        return StoredPassage(position, *row)

    def position_of(self, slug: str, section: str, block: int | None, item: int | None) -> int | None:
        row = self._db.execute(
            "SELECT p.position FROM passages p JOIN articles a ON a.number = p.article "
            "WHERE a.slug = ? AND p.section = ? AND p.block IS ? AND p.item IS ?",
            (slug, section, block, item),
        ).fetchone()
        return None if row is None else int(row[0])

    def places(self, positions: Iterable[int]) -> dict[int, tuple[PassageField, int, int]]:
        """Each position's field, article and aspect code."""
        found: dict[int, tuple[PassageField, int, int]] = {}
        for chunk in _chunks(list(positions)):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT position, field, article, aspect FROM passages WHERE position IN ({marks})", chunk
            )
            found.update((position, (field, article, aspect)) for position, field, article, aspect in rows)
        return found

    def slug_order(self) -> npt.NDArray[np.int64]:
        """Each article number's rank in slug order (an array indexed by article number)."""
        numbers = [row[0] for row in self._db.execute("SELECT number FROM articles ORDER BY slug")]
        ranks = np.zeros(max(numbers, default=0) + 1, dtype=np.int64)
        ranks[numbers] = np.arange(len(numbers))
        return ranks

    def article(self, number: int) -> tuple[ArticleAnalysis, dt.datetime]:
        header, published_at = self._db.execute(
            "SELECT header, published_at FROM articles WHERE number = ?", (number,)
        ).fetchone()
        return ArticleAnalysis.model_validate_json(header), dt.datetime.fromisoformat(published_at)


def _chunks(values: Sequence[int] | Sequence[str]) -> Iterable[list[int] | list[str]]:
    for start in range(0, len(values), _BOUND_PARAMETERS):
        yield list(values[start : start + _BOUND_PARAMETERS])  # type: ignore[misc]
