"""The cause index as a SQLite database: built once per version of the taxonomy, then only read.

The indexer builds it when a taxonomy is published and keeps it in the content bucket
(``health_content.causes.updating``); a container downloads that file and opens it from ``/tmp``, so that its
first lookup neither reads every cause from the serving index nor builds an index in memory: it reads the
postings of the query's words, and the records of the causes it shows. What every query needs of every cause
(its id, category and populations: a few bytes each) is one row, read when the database is opened.

Tables:
    meta      schema (SCHEMA_VERSION), analysis (ANALYSIS_VERSION), content_hash, published_at, taxonomy (the
              taxonomy without its causes, JSON), records (JSON: per cause number, its id, category and
              populations)
    causes    one row per cause, numbered in taxonomy order: its record and the excerpt of each mention (JSON)
    postings  (column, term) -> the causes whose texts hold the term as a word (0) or as a stem (1), each with its
              best place (JSON: [number, field, language] and, when it is not the term, the word; codes are
              positions in FIELDS and LOCALES), in the order a cause was first found
    words     every word of the causes' texts long enough to be a correction of a typo
    phrases   each name and synonym, its words joined by spaces, with the causes that have it (JSON)
    codes     each ICD-10 code filed and each of its ancestors (compact, from three characters), with the causes
              filed at or under it and whether exactly at it
    mentions  (article, locale, cause number): the articles each cause mentions, for the article filter
    titles    each filed code's ICD-10 title
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import weakref
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from health_content.causes import icd10
from health_content.causes.model import Cause, TaxonomyHeader
from health_content.causes.prepare import ANALYSIS_VERSION
from health_content.causes.store import PublishedCauses
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.text.matching import one_edit
from health_content.vocabulary import LOCALES, Locale

# Bump when the tables or their contents change: a file of another schema is never opened (the indexer builds anew).
SCHEMA_VERSION = 1
FORMAT = f"{SCHEMA_VERSION}.{ANALYSIS_VERSION}"
"""What a stored file says it is; a file of another format was built by another release."""
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE causes(number INTEGER PRIMARY KEY, document TEXT NOT NULL, excerpts TEXT NOT NULL);
CREATE TABLE postings(kind INTEGER NOT NULL, term TEXT NOT NULL, postings TEXT NOT NULL,
                      PRIMARY KEY (kind, term)) WITHOUT ROWID;
CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE phrases(phrase TEXT PRIMARY KEY, numbers TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE codes(prefix TEXT NOT NULL, number INTEGER NOT NULL, exact INTEGER NOT NULL,
                   PRIMARY KEY (prefix, number)) WITHOUT ROWID;
CREATE TABLE mentions(article TEXT NOT NULL, locale TEXT NOT NULL, number INTEGER NOT NULL,
                      PRIMARY KEY (article, locale, number)) WITHOUT ROWID;
CREATE TABLE titles(code TEXT PRIMARY KEY, title TEXT NOT NULL) WITHOUT ROWID;
"""
# How much a match weighs by where it is: a cause's names count more than its explanation.
FIELD_WEIGHTS = {
    "name": 3.0,
    "synonym": 3.0,
    "icd10": 1.5,
    "explanation": 1.0,
    "category": 1.0,
    "population": 1.0,
}
FIELDS = tuple(FIELD_WEIGHTS)
Column = Literal["words", "stems"]
_COLUMNS: dict[Column, int] = {"words": 0, "stems": 1}
# A posting: (cause number, field weight, field, language, indexed word)
Posting = tuple[int, float, str, Locale, str]
_BOUND_PARAMETERS = 500  # per statement, well under SQLite's limit


class UnusableIndex(Exception):
    """The file is not a cause index of this schema and analysis version: build it again."""


class CauseDatabase:
    """One taxonomy version's index in SQLite: a file (``open``, or ``create`` with a path) or, for tests, memory."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self._db = connection
        # Closed, and its file deleted, when the last index over it is gone: a replaced index may still be
        # answering a search that took it before its successor was loaded.
        self._release = weakref.finalize(self, _release, connection, path)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        self.content_hash: str = meta["content_hash"]
        self.published_at = dt.datetime.fromisoformat(meta["published_at"])
        self.taxonomy = TaxonomyHeader.model_validate_json(meta["taxonomy"])
        self._records = meta["records"]

    @classmethod
    def create(cls, published: PublishedCauses, path: Path | None = None) -> CauseDatabase:
        """The index of ``published``; ``path`` None keeps it in memory."""
        if path is not None:
            path.unlink(missing_ok=True)
        connection = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        with connection:
            connection.executescript(_SCHEMA)
            _fill(connection, published)
        return cls(connection, path)

    @classmethod
    def open(cls, path: Path) -> CauseDatabase:
        """The index in ``path``; raises UnusableIndex when it cannot be used as it is."""
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'analysis')"))
        except sqlite3.DatabaseError as error:
            connection.close()
            raise UnusableIndex(str(error)) from None
        found = (meta.get("schema"), meta.get("analysis"))
        if found != (SCHEMA_VERSION, ANALYSIS_VERSION):
            connection.close()
            raise UnusableIndex(f"schema and analysis version are {found}")
        try:
            return cls(connection, path)
        except (sqlite3.DatabaseError, KeyError, ValueError) as error:
            connection.close()
            raise UnusableIndex(repr(error)) from None

    def close(self) -> None:
        """Close the database and delete its file."""
        self._release()

    # --- reading -----------------------------------------------------------------------------------------

    def records(self) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
        """Per cause number: its id, its category and its populations."""
        ids, categories, populations = json.loads(self._records)
        return ids, categories, [tuple(each) for each in populations]

    def postings(self, column: Column, term: str) -> dict[int, Posting]:
        """The causes whose texts hold ``term`` in ``column``, each with its best place."""
        row = self._db.execute(
            "SELECT postings FROM postings WHERE kind = ? AND term = ?", (_COLUMNS[column], term)
        ).fetchone()
        if row is None:
            return {}
        # Every posting of a common word is kept while its matches are: the same field, language and word objects
        # for all of them, rather than copies parsed for each.
        found: dict[int, Posting] = {}
        for number, field_code, locale_code, *word in json.loads(row[0]):
            field = FIELDS[field_code]
            found[number] = (number, FIELD_WEIGHTS[field], field, LOCALES[locale_code], word[0] if word else term)
        return found

    def corrections(self, word: str) -> list[str]:
        """The causes' words one edit (a letter dropped, added, changed or two swapped) away from ``word``, in
        alphabetical order."""
        found: list[str] = []
        candidates = sorted(one_edit(word) - {word})
        for start in range(0, len(candidates), _BOUND_PARAMETERS):
            chunk = candidates[start : start + _BOUND_PARAMETERS]
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self._db.execute(f"SELECT word FROM words WHERE word IN ({marks})", chunk)]
        return sorted(found)

    def with_phrase(self, whole: str) -> set[int]:
        """The causes with a name or synonym that contains ``whole``."""
        rows = self._db.execute("SELECT numbers FROM phrases WHERE instr(phrase, ?) > 0", (whole,))
        return {number for (numbers,) in rows for number in json.loads(numbers)}

    def filed_under(self, code: str) -> list[tuple[int, bool]]:
        """The causes filed at the compact ICD-10 code ``code`` or under it, and whether exactly at it."""
        rows = self._db.execute("SELECT number, exact FROM codes WHERE prefix = ?", (code,))
        return [(number, bool(exact)) for number, exact in rows]

    def mentioning(self, article: str) -> list[tuple[int, Locale]]:
        """The causes that mention ``article``, with the locale of the article they mention."""
        return list(self._db.execute("SELECT number, locale FROM mentions WHERE article = ?", (article,)))

    def cause(self, number: int) -> tuple[Cause, list[str]]:
        """A cause's record and the excerpt of each of its mentions."""
        document, excerpts = self._db.execute(
            "SELECT document, excerpts FROM causes WHERE number = ?", (number,)
        ).fetchone()
        return Cause.model_validate_json(document), json.loads(excerpts)

    def icd10_titles(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT code, title FROM titles ORDER BY code"))


def _fill(db: sqlite3.Connection, published: PublishedCauses) -> None:
    taxonomy, analysis = published.taxonomy, published.analysis
    causes = taxonomy.causes
    position = {cause.id: number for number, cause in enumerate(causes)}
    records = [
        [cause.id for cause in causes],
        [cause.category for cause in causes],
        [cause.populations for cause in causes],
    ]
    meta = {
        "schema": SCHEMA_VERSION,
        "analysis": analysis.version,
        "content_hash": published.content_hash,
        "published_at": published.published_at.isoformat(),
        "taxonomy": taxonomy.model_dump_json(exclude={"causes"}),
        "records": json.dumps(records),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    excerpts = {entry.id: entry.excerpts for entry in analysis.causes}
    db.executemany(
        "INSERT INTO causes VALUES (?, ?, ?)",
        ((number, cause.model_dump_json(), json.dumps(excerpts[cause.id])) for number, cause in enumerate(causes)),
    )
    postings: tuple[dict[str, dict[int, Posting]], ...] = (defaultdict(dict), defaultdict(dict))
    phrases: dict[str, list[int]] = defaultdict(list)
    for entry in analysis.causes:
        number = position[entry.id]
        for analyzed in entry.texts:
            weight = FIELD_WEIGHTS[analyzed.field]
            for word, stem in zip(analyzed.words, analyzed.stems, strict=True):
                posting = (number, weight, analyzed.field, analyzed.language, word)
                _keep_best(postings[0][word], posting)
                _keep_best(postings[1][stem], posting)
            if analyzed.field in {"name", "synonym"} and number not in phrases[analyzed.phrase]:
                phrases[analyzed.phrase].append(number)
    for kind, terms in enumerate(postings):
        db.executemany(
            "INSERT INTO postings VALUES (?, ?, ?)",
            (
                (kind, term, json.dumps([_stored(posting, term) for posting in found.values()]))
                for term, found in terms.items()
            ),
        )
    db.executemany(
        "INSERT INTO words VALUES (?)", ((word,) for word in postings[0] if len(word) >= TYPO_MIN_LENGTH - 1)
    )
    db.executemany("INSERT INTO phrases VALUES (?, ?)", ((phrase, json.dumps(n)) for phrase, n in phrases.items()))
    db.executemany(
        "INSERT INTO codes VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET exact = max(exact, excluded.exact)",
        _code_rows(causes),
    )
    db.executemany(
        "INSERT OR IGNORE INTO mentions VALUES (?, ?, ?)",
        (
            (mention.article, mention.locale, number)
            for number, cause in enumerate(causes)
            for mention in cause.mentions
        ),
    )
    db.executemany("INSERT INTO titles VALUES (?, ?)", analysis.icd10_titles.items())


def _stored(posting: Posting, term: str) -> list[int | str]:
    number, _, field, language, word = posting
    stored: list[int | str] = [number, FIELDS.index(field), LOCALES.index(language)]
    return stored if word == term else [*stored, word]


def _keep_best(postings: dict[int, Posting], posting: Posting) -> None:
    current = postings.get(posting[0])
    if current is None or posting[1] > current[1]:
        postings[posting[0]] = posting


def _code_rows(causes: Iterable[Cause]) -> Iterable[tuple[str, int, bool]]:
    for number, cause in enumerate(causes):
        for code in cause.icd10:
            compact = icd10.compact(code)
            for end in range(3, len(compact) + 1):
                yield compact[:end], number, end == len(compact)


def _release(connection: sqlite3.Connection, path: Path | None) -> None:
    connection.close()
    if path is not None:
        path.unlink(missing_ok=True)
