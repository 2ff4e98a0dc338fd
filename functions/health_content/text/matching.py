"""How a query word finds the records that use it, the same way in the cause lookup and the article search:
exactly, by its stem in any locale (a query word's language is not known) or, when neither finds anything,
with one typo (the known words one edit away, looked up in the index's own table of words). Exact matches
weigh most, and rarer words weigh more than common ones."""

from __future__ import annotations

import math
from typing import Literal

from health_content.text import analysis
from health_content.text.analysis import LETTERS
from health_content.vocabulary import LOCALES

MatchKind = Literal["exact", "stem", "typo"]
QUALITY: dict[MatchKind, float] = {"exact": 1.0, "stem": 0.8, "typo": 0.6}


def one_edit(word: str) -> set[str]:
    """Every string one letter dropped, swapped, changed or put in away (letters: what ``analysis.words`` keeps):
    what a database of known words is asked for a typo's corrections."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    changes = {left + letter + right[1:] for left, right in splits if right for letter in LETTERS}
    inserts = {left + letter + right for left, right in splits for letter in LETTERS}
    return deletes | swaps | changes | inserts


def stems_of(word: str) -> list[str]:
    """The word's stems in every locale, without repeats (a query word's language is not known)."""
    return list(dict.fromkeys(analysis.stem(word, locale) for locale in LOCALES))


def rarity(records: int, matched: int) -> float:
    """How much a word found in ``matched`` of ``records`` weighs (an inverse document frequency)."""
    return math.log(1 + records / matched)
