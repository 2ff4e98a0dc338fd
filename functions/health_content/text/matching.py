"""How a query word finds the records that use it, the same way in the cause lookup and the article search:
exactly, by its stem in any locale (a query word's language is not known) or, when neither finds anything,
with one typo (SymSpell's deletion index finds the candidates without a scan). Exact matches weigh most,
and rarer words weigh more than common ones."""

from __future__ import annotations

import math
from typing import Generic, Literal, TypeVar

from symspellpy import SymSpell, Verbosity

from health_content.text import analysis
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.vocabulary import LOCALES

MatchKind = Literal["exact", "stem", "typo"]
QUALITY: dict[MatchKind, float] = {"exact": 1.0, "stem": 0.8, "typo": 0.6}

Posting = TypeVar("Posting")


class Terms(Generic[Posting]):
    """Postings by word and by stem (record number to whatever the index keeps about the match)."""

    def __init__(self, exact: dict[str, dict[int, Posting]], stems: dict[str, dict[int, Posting]]) -> None:
        self.exact = exact
        self.stems = stems
        self._typos = SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
        for word in exact:
            if len(word) >= TYPO_MIN_LENGTH - 1:
                self._typos.create_dictionary_entry(word, 1)

    def candidates(self, word: str) -> list[tuple[dict[int, Posting], str, MatchKind]]:
        """The postings ``word`` may match, each with the term that matched and how."""
        found: list[tuple[dict[int, Posting], str, MatchKind]] = [(self.exact.get(word, {}), word, "exact")]
        for stem in stems_of(word):
            found.append((self.stems.get(stem, {}), stem, "stem"))
        if not any(postings for postings, _, _ in found) and len(word) >= TYPO_MIN_LENGTH:
            for term in self.corrections(word):
                found.append((self.exact.get(term, {}), term, "typo"))
        return found

    def corrections(self, word: str) -> list[str]:
        """The known words one typo (an edit, or two letters swapped) away from ``word``."""
        return [suggestion.term for suggestion in self._typos.lookup(word, Verbosity.ALL, max_edit_distance=1)]


def stems_of(word: str) -> list[str]:
    """The word's stems in every locale, without repeats (a query word's language is not known)."""
    return list(dict.fromkeys(analysis.stem(word, locale) for locale in LOCALES))


def rarity(records: int, matched: int) -> float:
    """How much a word found in ``matched`` of ``records`` weighs (an inverse document frequency)."""
    return math.log(1 + records / matched)
