"""How a query word finds the records that use it, the same way in the cause lookup and the article search:
exactly, by its stem in any locale (a query word's language is not known) or, when neither finds anything,
with one typo (SymSpell's deletion index finds the candidates without a scan). Exact matches weigh most,
and rarer words weigh more than common ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Generic, Literal, TypeVar

from symspellpy import SymSpell, Verbosity

from health_content.text import analysis
from health_content.vocabulary import LOCALES

MatchKind = Literal["exact", "stem", "typo"]
QUALITY: dict[MatchKind, float] = {"exact": 1.0, "stem": 0.8, "typo": 0.6}
# Shorter words are not corrected: one edit of a four-letter word is another word too often.
TYPO_MIN_LENGTH = 5

Posting = TypeVar("Posting")


class Terms(Generic[Posting]):
    """Postings by word and by stem (record number to whatever the index keeps about the match).

    ``exact`` and ``stems`` look a term's postings up (an empty dict when none); ``corrections`` gives the
    known words one typo away from a word. ``Terms.of`` builds all three over dictionaries in memory."""

    def __init__(
        self,
        exact: Callable[[str], dict[int, Posting]],
        stems: Callable[[str], dict[int, Posting]],
        corrections: Callable[[str], list[str]],
    ) -> None:
        self.exact = exact
        self.stems = stems
        self.corrections = corrections

    @classmethod
    def of(cls, exact: dict[str, dict[int, Posting]], stems: dict[str, dict[int, Posting]]) -> Terms[Posting]:
        typos = SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
        for word in exact:
            if len(word) >= TYPO_MIN_LENGTH - 1:
                typos.create_dictionary_entry(word, 1)

        def corrections(word: str) -> list[str]:
            return [suggestion.term for suggestion in typos.lookup(word, Verbosity.ALL, max_edit_distance=1)]

        return cls(lambda term: exact.get(term, {}), lambda term: stems.get(term, {}), corrections)

    def candidates(self, word: str) -> list[tuple[dict[int, Posting], str, MatchKind]]:
        """The postings ``word`` may match, each with the term that matched and how."""
        found: list[tuple[dict[int, Posting], str, MatchKind]] = [(self.exact(word), word, "exact")]
        for stem in dict.fromkeys(analysis.stem(word, locale) for locale in LOCALES):
            found.append((self.stems(stem), stem, "stem"))
        if not any(postings for postings, _, _ in found) and len(word) >= TYPO_MIN_LENGTH:
            for term in self.corrections(word):
                found.append((self.exact(term), term, "typo"))
        return found


def rarity(records: int, matched: int) -> float:
    """How much a word found in ``matched`` of ``records`` weighs (an inverse document frequency)."""
    return math.log(1 + records / matched)
