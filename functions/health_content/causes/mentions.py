"""Where an article names each cause: the mentions an editor would otherwise write by hand, proposed for review.

A cause is named by its terms: its name in every locale, the parts of the name inside and outside parentheses
("Hipoksia (kekurangan oksigen)") and its synonyms. The article is read a paragraph or a list item at a time, a
sentence at a time, with the words and stems of the cause lookup (``health_content.text.analysis``), so that
Indonesian and English terms are found under either stem. A term is found in a sentence when

- all its words are there: side by side, or with one other word between, for a term of one or two words;
  anywhere in the sentence for a longer one ("kekurangan mineral ... saat hamil"); or
- its distinctive words are there (words that no other cause's terms use), and its other words are shared by
  many causes, as "kekurangan" (lack of) in "kekurangan kalium": "hilangnya ion kalium dan magnesium" names low
  potassium and low magnesium.

When a cause's match lies inside another cause's longer match, the longer one wins: "hipoksia selama persalinan"
names lack of oxygen during birth, not hypoxia in general.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from health_content.articles.model import Article, ListBlock
from health_content.causes.model import Cause, Mention
from health_content.text import analysis as text
from health_content.vocabulary import LOCALES

# A word in the terms of this many causes or more is shared: a modifier such as "kekurangan" or "rendah".
SHARED_BY = 3
# Other words allowed between the words of a short term ("Toksikosis selama kehamilan").
NEARBY = 1
# A term of this many words or more may spread over its sentence.
LONG_TERM = 3


@dataclass(frozen=True, slots=True)
class FoundMention:
    """A place where the article names a cause, and the term it names it by."""

    cause: str
    mention: Mention
    term: str
    """The name or synonym found, as the taxonomy spells it."""


@dataclass(frozen=True, slots=True)
class _Term:
    cause: str
    spelled: str
    words: tuple[frozenset[str], ...]
    """The keys of each of its words (``_keys``)."""
    core: tuple[int, ...]
    """Its distinctive words, when they are enough to name the cause (the other words are shared); else none."""


@dataclass(frozen=True, slots=True)
class _Match:
    term: _Term
    positions: frozenset[int]


@lru_cache(maxsize=text.STEM_CACHE_SIZE)
def _keys(word: str) -> frozenset[str]:
    """A word and its stem in every locale, a stem only when the root shows in the word: Sastrawi also undoes
    sound changes, so that different derivations meet ("keturunan", heredity, and "penurunan", a fall, both
    give "turun")."""
    return frozenset([word, *(stem for locale in LOCALES if (stem := text.stem(word, locale)) in word)])


def _spellings(cause: Cause) -> Iterator[str]:
    for locale in LOCALES:
        name = cause.name.in_(locale)
        yield name
        if "(" in name and ")" in name:
            inside = name[name.index("(") + 1 : name.rindex(")")]
            yield inside
            yield name[: name.index("(")] + name[name.rindex(")") + 1 :]
        yield from cause.synonyms.in_(locale)


class CauseTerms:
    """The terms of every cause of a taxonomy, made once, to find in any number of articles."""

    def __init__(self, causes: Sequence[Cause]) -> None:
        spelled: list[tuple[str, str, tuple[str, ...]]] = []
        for cause in causes:
            seen: set[tuple[str, ...]] = set()
            for spelling in _spellings(cause):
                words = tuple(dict.fromkeys(text.words(spelling)))
                if words and words not in seen:
                    seen.add(words)
                    spelled.append((cause.id, spelling.strip(), words))
        owners: dict[str, set[str]] = defaultdict(set)
        for cause_id, _, words in spelled:
            for word in words:
                for key in _keys(word):
                    owners[key].add(cause_id)

        def causes_using(word: str) -> int:
            return len(set().union(*(owners[key] for key in _keys(word))))

        self._terms: list[_Term] = []
        self._by_key: dict[str, list[int]] = defaultdict(list)
        for cause_id, spelling, words in spelled:
            shared = [causes_using(word) for word in words]
            distinctive = tuple(n for n, count in enumerate(shared) if count == 1)
            enough = len(distinctive) < len(words) and all(
                count >= SHARED_BY for n, count in enumerate(shared) if n not in distinctive
            )
            term = _Term(cause_id, spelling, tuple(_keys(w) for w in words), distinctive if enough else ())
            for key in set().union(*term.words):
                self._by_key[key].append(len(self._terms))
            self._terms.append(term)
        self._order = {cause.id: n for n, cause in enumerate(causes)}

    def find(self, article: Article) -> list[FoundMention]:
        """Every paragraph and list item of the article that names a cause, in the article's order."""
        found = []
        for section in article.sections:
            for block_number, block in enumerate(section.blocks):
                places = (
                    [(item, n) for n, item in enumerate(block.items)]
                    if isinstance(block, ListBlock)
                    else [(block.text, None)]
                )
                for passage, item in places:
                    for cause_id, term in self._named_in(passage):
                        mention = Mention(
                            article=article.slug,
                            locale=article.locale,
                            section=section.id,
                            block=block_number,
                            item=item,
                        )
                        found.append(FoundMention(cause_id, mention, term))
        return found

    def _named_in(self, passage: str) -> list[tuple[str, str]]:
        """The causes a paragraph or list item names, in the taxonomy's order, each with the term found."""
        sentences: list[list[tuple[int, frozenset[str]]]] = []
        position = 0
        for sentence in text.sentences(passage):
            tokens = []
            for word in text.words(sentence):
                tokens.append((position, _keys(word)))
                position += 1
            sentences.append(tokens)
        present = {key for tokens in sentences for _, keys in tokens for key in keys}
        candidates = sorted({n for key in present for n in self._by_key.get(key, ())})
        matches = [
            match for n in candidates for tokens in sentences if (match := _match(self._terms[n], tokens)) is not None
        ]
        # A match inside another cause's larger match is that cause's word, not a mention of its own.
        kept = [
            match
            for match in matches
            if not any(other.term.cause != match.term.cause and match.positions < other.positions for other in matches)
        ]
        best: dict[str, _Match] = {}
        for match in kept:
            if match.term.cause not in best or len(match.positions) > len(best[match.term.cause].positions):
                best[match.term.cause] = match
        return [(cause_id, best[cause_id].term.spelled) for cause_id in sorted(best, key=self._order.__getitem__)]


def _match(term: _Term, tokens: list[tuple[int, frozenset[str]]]) -> _Match | None:
    """The term in one sentence, whole or by its distinctive words, or None."""
    whole = _window(term.words, tokens)
    if whole is not None:
        width, positions = whole
        if len(term.words) >= LONG_TERM or width <= len(term.words) + NEARBY:
            return _Match(term, positions)
    if term.core:
        core = _window(tuple(term.words[n] for n in term.core), tokens)
        if core is not None:
            return _Match(term, core[1])
    return None


def _window(
    words: tuple[frozenset[str], ...], tokens: list[tuple[int, frozenset[str]]]
) -> tuple[int, frozenset[int]] | None:
    """The narrowest run of tokens that holds every word: its width and the positions of the words in it."""
    hits = [(position, [n for n, word in enumerate(words) if keys & word]) for position, keys in tokens]
    hits = [(position, which) for position, which in hits if which]
    best: tuple[int, frozenset[int]] | None = None
    counts = [0] * len(words)
    covered = 0
    start = 0
    for end, (position, which) in enumerate(hits):
        for n in which:
            covered += counts[n] == 0
            counts[n] += 1
        while covered == len(words):
            first = hits[start][0]
            width = position - first + 1
            if best is None or width < best[0]:
                best = (width, frozenset(p for p, _ in hits[start : end + 1]))
            for n in hits[start][1]:
                counts[n] -= 1
                covered -= counts[n] == 0
            start += 1
    return best
