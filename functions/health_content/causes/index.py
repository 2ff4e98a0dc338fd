"""The cause index a warm API container searches, over a taxonomy version's ``CauseDatabase``.

A query word matches a record's text exactly, by stem (Indonesian or English), or, for words of
five letters or more, with one typo (the database's known words one edit away). Records that match
more of the query's words rank first; within that, a score weighs where each word matched (names
and synonyms over explanations) and how rare the word is. What a word, a phrase or a record comes
to is read from the database once and then kept, in bounded caches.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import islice

from health_content.causes import icd10
from health_content.causes.database import CauseDatabase, Posting
from health_content.causes.model import Cause, Mention
from health_content.errors import InvalidQuery
from health_content.text import analysis as text
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.text.matching import QUALITY, MatchKind, rarity, stems_of
from health_content.vocabulary import Locale

CODE_SCORE = {icd10.EXACT: 3.0, icd10.NARROWER: 2.0, icd10.BROADER: 1.0}
WHOLE_PHRASE_BONUS = 4.0


@dataclass(frozen=True, slots=True)
class CauseQuery:
    q: str | None = None
    category: str | None = None
    population: str | None = None
    code: str | None = None
    article: str | None = None

    @classmethod
    def of(
        cls,
        q: str | None = None,
        category: str | None = None,
        population: str | None = None,
        code: str | None = None,
        article: str | None = None,
    ) -> CauseQuery:
        """A query from request parameters: blank text counts as none, codes are normalised (e8351 -> E83.51)."""
        try:
            normalized_code = icd10.normalize(code) if code else None
        except ValueError as error:
            raise InvalidQuery([("code", str(error))]) from None
        return cls((q or "").strip() or None, category, population, normalized_code, article)

    def fingerprint(self) -> str:
        return "|".join(str(value or "") for value in (self.q, self.category, self.population, self.code, self.article))


@dataclass(frozen=True, slots=True)
class Match:
    word: str
    field: str
    language: Locale
    term: str
    kind: str


@dataclass(slots=True)
class Hit:
    cause: Cause
    score: float = 0.0
    matches: list[Match] = field(default_factory=list)
    code_relation: str | None = None


@dataclass(frozen=True, slots=True)
class Facet:
    id: str
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    total: int
    categories: list[Facet]
    populations: list[Facet]


WORD_CACHE_SIZE = 4096
# Records parsed and kept: a page shows 20, and the search asks for the causes a query finds.
RECORD_CACHE_SIZE = 512


# How a word matched a record: the field, language and indexed term, and the kind of match.
Place = tuple[str, Locale, str, MatchKind]


@dataclass(frozen=True, slots=True)
class WordHits:
    """Everything one query word matches, scored and ranked once, then reused from a cache. A common word matches
    thousands of records in a large taxonomy, so what is kept per record is a score and the number of one of the
    few places it matched in, shared by every record that matched there."""

    scores: dict[int, float]
    places: dict[int, int]  # record -> index in `how`
    how: list[Place]
    ranked: list[int]  # by score, then id


class CauseIndex:
    """Searches one taxonomy version's database, without the mentions of the ``withdrawn`` (retracted)
    articles; ``version`` names both, and renderings of the index are kept under it."""

    def __init__(
        self, database: CauseDatabase, withdrawn: frozenset[tuple[str, Locale]] = frozenset(), version: str = ""
    ) -> None:
        self.version = version
        self.database = database
        self.taxonomy = database.taxonomy
        self.published_at = database.published_at  # when this version of the taxonomy was published
        self._withdrawn = withdrawn
        self._ids, categories, populations = database.records()
        self._categories = categories
        self._populations = populations
        self._position = {cause_id: n for n, cause_id in enumerate(self._ids)}
        self._order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        self._id_rank = [0] * len(self._ids)
        for rank, number in enumerate(self._order):
            self._id_rank[number] = rank
        self._by_category = _group((category,) for category in categories)
        self._by_population = _group(populations)
        self.categories = {term.id: term for term in self.taxonomy.categories}
        self.populations = {term.id: term for term in self.taxonomy.populations}
        # Bounded per container; what a word, phrase or record comes to never changes for this index.
        self._word_hits = lru_cache(maxsize=WORD_CACHE_SIZE)(self._compute_word_hits)
        self._phrase_cache = lru_cache(maxsize=WORD_CACHE_SIZE)(self._compute_phrase_records)
        self._record = lru_cache(maxsize=RECORD_CACHE_SIZE)(self._read_record)
        self._by_article = lru_cache(maxsize=WORD_CACHE_SIZE)(self._mentioning)

    @cached_property
    def icd10_titles(self) -> dict[str, str]:
        return self.database.icd10_titles()

    # --- lookups ---------------------------------------------------------------------

    def get(self, cause_id: str) -> Cause | None:
        number = self._position.get(cause_id)
        return None if number is None else self._record(number)[0]

    def excerpt(self, cause: Cause, mention: Mention) -> str:
        return self._record(self._position[cause.id])[1][cause.mentions.index(mention)]

    def _read_record(self, number: int) -> tuple[Cause, list[str]]:
        """A record without the mentions of retracted articles, with the excerpt of each mention it keeps."""
        cause, excerpts = self.database.cause(number)
        if not self._withdrawn:
            return cause, excerpts
        kept = [
            (mention, excerpt)
            for mention, excerpt in zip(cause.mentions, excerpts, strict=True)
            if (mention.article, mention.locale) not in self._withdrawn
        ]
        return cause.model_copy(update={"mentions": [mention for mention, _ in kept]}), [excerpt for _, excerpt in kept]

    def _mentioning(self, article: str) -> set[int]:
        """Records that mention ``article`` in a locale where it is not retracted."""
        return {
            number for number, locale in self.database.mentioning(article) if (article, locale) not in self._withdrawn
        }

    # --- search ----------------------------------------------------------------------

    def search(self, query: CauseQuery, offset: int = 0, limit: int = 20) -> tuple[list[Hit], int]:
        """One page of hits, best first, and how many there are in all."""
        needed = offset + limit
        allowed = self._allowed(query)
        codes = self._code_relations(query.code, allowed) if query.code else None
        if codes is not None:
            allowed = set(codes)
        if query.q:
            words = self._query_words(query.q)
            ranked, total = self._rank_text(words, allowed, codes, needed)
            word_hits = [self._word_hits(word) for word in words]
            return [self._hit(n, score, words, word_hits, codes) for n, score in ranked[offset:needed]], total
        if codes is not None:
            by_code = sorted(codes, key=lambda n: (-CODE_SCORE[codes[n]], self._ids[n]))
            return [self._hit(n, CODE_SCORE[codes[n]], [], [], codes) for n in by_code[offset:needed]], len(codes)
        if allowed is None:
            return [self._hit(n, 0.0, [], [], None) for n in self._order[offset:needed]], len(self._ids)
        in_order = list(islice((n for n in self._order if n in allowed), needed))
        return [self._hit(n, 0.0, [], [], None) for n in in_order[offset:]], len(allowed)

    def facets(self, query: CauseQuery) -> Facets:
        """Counts per category and population among the matches, each ignoring its own filter."""
        without_category = self._matching(replace(query, category=None))
        without_population = self._matching(replace(query, population=None))
        categories: dict[str, int] = dict.fromkeys(self.categories, 0)
        for number in without_category:
            categories[self._categories[number]] += 1
        populations: dict[str, int] = dict.fromkeys(self.populations, 0)
        for number in without_population:
            for population in self._populations[number]:
                populations[population] += 1
        return Facets(
            total=len(self._matching(query)),
            categories=[Facet(k, v) for k, v in categories.items()],
            populations=[Facet(k, v) for k, v in populations.items()],
        )

    def _matching(self, query: CauseQuery) -> set[int]:
        """Every record the query matches, unranked."""
        allowed = self._allowed(query)
        if query.code:
            allowed = set(self._code_relations(query.code, allowed))
        if query.q:
            matched: set[int] = set().union(*(self._word_hits(w).scores.keys() for w in self._query_words(query.q)))
            return matched if allowed is None else matched & allowed
        return set(range(len(self._ids))) if allowed is None else allowed

    def _allowed(self, query: CauseQuery) -> set[int] | None:
        """Records that pass the vocabulary and article filters (None: no filter given)."""
        errors: list[tuple[str, str]] = []
        if query.category is not None and query.category not in self.categories:
            errors.append(("category", f"unknown category; one of: {', '.join(self.categories)}"))
        if query.population is not None and query.population not in self.populations:
            errors.append(("population", f"unknown population; one of: {', '.join(self.populations)}"))
        if errors:
            raise InvalidQuery(errors)
        selections = [
            self._by_category.get(query.category, set()) if query.category else None,
            self._by_population.get(query.population, set()) if query.population else None,
            self._by_article(query.article) if query.article else None,
        ]
        chosen = [selection for selection in selections if selection is not None]
        return set.intersection(*chosen) if chosen else None

    def _code_relations(self, code: str, allowed: set[int] | None) -> dict[int, str]:
        """Records whose filed codes relate to ``code``, with the closest relation."""
        compact = icd10.compact(code)
        relations: dict[int, str] = {}
        for end in range(3, len(compact)):  # the code's ancestors: records filed there are broader
            for number, exact in self.database.filed_under(compact[:end]):
                if exact:
                    relations[number] = icd10.BROADER
        for number, exact in self.database.filed_under(compact):  # the code and what is filed under it
            relations[number] = icd10.EXACT if exact else icd10.NARROWER
        if allowed is not None:
            relations = {number: relation for number, relation in relations.items() if number in allowed}
        return relations

    def _query_words(self, q: str) -> list[str]:
        return list(dict.fromkeys(text.words(q)))

    def _rank_text(
        self, words: list[str], allowed: set[int] | None, codes: dict[int, str] | None, needed: int
    ) -> tuple[list[tuple[int, float]], int]:
        """The best ``needed`` (record, score) pairs and how many records match at all."""
        hits = [h for h in (self._word_hits(word) for word in words) if h.scores]
        if not hits:
            return [], 0
        if len(hits) == 1 and codes is None:
            # One word: its ranking is precomputed; filters only skip records.
            only = hits[0]
            if allowed is None:
                return [(n, only.scores[n]) for n in only.ranked[:needed]], len(only.scores)
            passing = islice((n for n in only.ranked if n in allowed), needed)
            return [(n, only.scores[n]) for n in passing], len(only.scores.keys() & allowed)
        matched = [h.scores.keys() if allowed is None else h.scores.keys() & allowed for h in hits]
        total = len(set().union(*matched))
        with_phrase = self._phrase_records(" ".join(words)) if len(words) > 1 else frozenset()
        # Records matching more of the words come first; within a group, by score. The group that
        # matches every word is an intersection; the others need counting, only if the page needs them.
        ranked = self._rank_group(set.intersection(*map(set, matched)), hits, codes, with_phrase, needed)
        if len(ranked) < needed and len(hits) > 1:
            counts: Counter[int] = Counter()
            for keys in matched:
                counts.update(keys)
            for count in range(len(hits) - 1, 0, -1):
                group = {number for number, seen in counts.items() if seen == count}
                ranked += self._rank_group(group, hits, codes, frozenset(), needed - len(ranked))
                if len(ranked) >= needed:
                    break
        return ranked, total

    def _rank_group(
        self,
        group: set[int],
        hits: list[WordHits],
        codes: dict[int, str] | None,
        with_phrase: frozenset[int],
        needed: int,
    ) -> list[tuple[int, float]]:
        """The best ``needed`` records of a group with their scores; the one place a score is computed.

        Entries are (negated score, id order, record) tuples, so the comparisons run in C.
        """
        score_maps = [h.scores for h in hits]
        entries = [
            (
                -(
                    sum(scores.get(n, 0.0) for scores in score_maps)
                    + (CODE_SCORE[codes[n]] if codes is not None else 0.0)
                    + (WHOLE_PHRASE_BONUS if n in with_phrase else 0.0)
                ),
                self._id_rank[n],
                n,
            )
            for n in group
        ]
        best = heapq.nsmallest(needed, entries) if len(entries) > needed else sorted(entries)
        return [(n, -negated) for negated, _, n in best]

    def _phrase_records(self, whole: str) -> frozenset[int]:
        """Records whose name or a synonym contains the whole query phrase."""
        return self._phrase_cache(whole)

    def _compute_phrase_records(self, whole: str) -> frozenset[int]:
        return frozenset(self.database.with_phrase(whole))

    def _hit(
        self, number: int, score: float, words: list[str], word_hits: list[WordHits], codes: dict[int, str] | None
    ) -> Hit:
        """A ranked record with the score it was ranked by and why each query word matched."""
        hit = Hit(self._record(number)[0], score, code_relation=None if codes is None else codes.get(number))
        for word, hits in zip(words, word_hits, strict=True):
            if number in hits.scores:
                field, language, term, kind = hits.how[hits.places[number]]
                hit.matches.append(Match(word, field, language, term, kind))
        return hit

    def _compute_word_hits(self, word: str) -> WordHits:
        best: dict[int, float] = {}
        found: dict[int, Place] = {}
        for postings, _, kind in self._candidates(word):
            quality = QUALITY[kind]
            for number, posting in postings.items():
                score = posting[1] * quality
                if score > best.get(number, 0.0):
                    best[number] = score
                    found[number] = (posting[2], posting[3], posting[4], kind)
        if best:
            weight = rarity(len(self._ids), len(best))
            shared: dict[float, float] = {}  # a few distinct values: one object each
            best = {number: shared.setdefault(score * weight, score * weight) for number, score in best.items()}
        ranked = sorted(best, key=lambda n: (-best[n], self._ids[n]))
        how: dict[Place, int] = {}
        places = {number: how.setdefault(place, len(how)) for number, place in found.items()}
        return WordHits(best, places, list(how), ranked)

    def _candidates(self, word: str) -> list[tuple[dict[int, Posting], str, MatchKind]]:
        """The postings ``word`` may match, each with the term that matched and how: itself, its stems in every
        locale (a query word's language is not known) or, when neither finds anything, the words one typo away."""
        found: list[tuple[dict[int, Posting], str, MatchKind]] = [
            (self.database.postings("words", word), word, "exact")
        ]
        for stem in stems_of(word):
            found.append((self.database.postings("stems", stem), stem, "stem"))
        if not any(postings for postings, _, _ in found) and len(word) >= TYPO_MIN_LENGTH:
            for term in self.database.corrections(word):
                found.append((self.database.postings("words", term), term, "typo"))
        return found


def _group(values: Iterable[Iterable[str]]) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for number, keys in enumerate(values):
        for key in keys:
            groups[key].add(number)
    return dict(groups)
