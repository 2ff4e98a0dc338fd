"""The in-memory cause index a warm API container searches.

Built once from a published taxonomy and its publish-time analysis. A query word matches a
record's text exactly, by stem (Indonesian or English), or, for words of five letters or
more, with one typo (SymSpell's deletion index finds the candidates without a scan).
Records that match more of the query's words rank first; within that, a score weighs where
each word matched (names and synonyms over explanations) and how rare the word is.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from symspellpy import SymSpell, Verbosity

from health_content.causes import icd10, text
from health_content.causes.model import Cause, CauseTaxonomy, Mention
from health_content.causes.prepare import CauseAnalysis
from health_content.errors import InvalidQuery

FIELD_WEIGHTS = {
    "name": 3.0,
    "synonym": 3.0,
    "icd10": 1.5,
    "explanation": 1.0,
    "category": 1.0,
    "population": 1.0,
}
EXACT, STEM, TYPO = "exact", "stem", "typo"
QUALITY = {EXACT: 1.0, STEM: 0.8, TYPO: 0.6}
CODE_SCORE = {icd10.EXACT: 3.0, icd10.NARROWER: 2.0, icd10.BROADER: 1.0}
TYPO_MIN_LENGTH = 5
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
    language: str
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


# A posting: (record number, field weight, field, language, indexed term)
Posting = tuple[int, float, str, str, str]


class CauseIndex:
    def __init__(self, taxonomy: CauseTaxonomy, analysis: CauseAnalysis) -> None:
        self.taxonomy = taxonomy
        self.causes = list(taxonomy.causes)
        self._position = {cause.id: n for n, cause in enumerate(self.causes)}
        self.icd10_titles = dict(analysis.icd10_titles)
        self.excerpts = {entry.id: entry.excerpts for entry in analysis.causes}
        self._exact: dict[str, dict[int, Posting]] = defaultdict(dict)
        self._stems: dict[str, dict[int, Posting]] = defaultdict(dict)
        self._phrases: list[set[str]] = [set() for _ in self.causes]
        for entry in analysis.causes:
            number = self._position[entry.id]
            for analyzed in entry.texts:
                weight = FIELD_WEIGHTS[analyzed.field]
                for word, stem in zip(analyzed.words, analyzed.stems, strict=True):
                    posting = (number, weight, analyzed.field, analyzed.language, word)
                    _keep_best(self._exact[word], posting)
                    _keep_best(self._stems[stem], posting)
                if analyzed.field in {"name", "synonym"}:
                    self._phrases[number].add(analyzed.phrase)
        self._typos = SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
        for word in self._exact:
            if len(word) >= TYPO_MIN_LENGTH - 1:
                self._typos.create_dictionary_entry(word, 1)
        self._by_category = _group((c.category,) for c in self.causes)
        self._by_population = _group(c.populations for c in self.causes)
        self._by_article = _group({m.article for m in c.mentions} for c in self.causes)
        self.categories = {term.id: term for term in taxonomy.categories}
        self.populations = {term.id: term for term in taxonomy.populations}

    # --- lookups ---------------------------------------------------------------------

    def get(self, cause_id: str) -> Cause | None:
        number = self._position.get(cause_id)
        return None if number is None else self.causes[number]

    def causes_by_section(self, article: str, locale: str) -> dict[str, list[str]]:
        """For each section of an article, the ids of the causes it mentions."""
        sections: dict[str, list[str]] = defaultdict(list)
        for cause in self.causes:
            for mention in cause.mentions:
                if (
                    mention.article == article
                    and mention.locale == locale
                    and cause.id not in sections[mention.section]
                ):
                    sections[mention.section].append(cause.id)
        return dict(sections)

    def excerpt(self, cause: Cause, mention: Mention) -> str:
        return self.excerpts[cause.id][cause.mentions.index(mention)]

    # --- search ----------------------------------------------------------------------

    def search(self, query: CauseQuery, offset: int = 0, limit: int = 20) -> tuple[list[Hit], int]:
        """One page of hits, best first, and how many there are in all."""
        hits = self._hits(query, self._allowed(query))
        ranked = heapq.nsmallest(offset + limit, hits.values(), key=_rank)
        return ranked[offset:], len(hits)

    def facets(self, query: CauseQuery) -> Facets:
        """Counts per category and population among the matches, each ignoring its own filter."""
        without_category = self._hits(
            CauseQuery(query.q, None, query.population, query.code, query.article),
            self._allowed(CauseQuery(None, None, query.population, query.code, query.article)),
        )
        without_population = self._hits(
            CauseQuery(query.q, query.category, None, query.code, query.article),
            self._allowed(CauseQuery(None, query.category, None, query.code, query.article)),
        )
        categories: dict[str, int] = dict.fromkeys(self.categories, 0)
        for hit in without_category.values():
            categories[hit.cause.category] += 1
        populations: dict[str, int] = dict.fromkeys(self.populations, 0)
        for hit in without_population.values():
            for population in hit.cause.populations:
                populations[population] += 1
        total = len(self._hits(query, self._allowed(query)))
        return Facets(
            total=total,
            categories=[Facet(k, v) for k, v in categories.items()],
            populations=[Facet(k, v) for k, v in populations.items()],
        )

    def _allowed(self, query: CauseQuery) -> set[int] | None:
        """Records that pass the filters (None: no filter given)."""
        errors: list[tuple[str, str]] = []
        if query.category is not None and query.category not in self.categories:
            errors.append(("category", f"unknown category; one of: {', '.join(self.categories)}"))
        if query.population is not None and query.population not in self.populations:
            errors.append(("population", f"unknown population; one of: {', '.join(self.populations)}"))
        if errors:
            raise InvalidQuery(errors)
        allowed: set[int] | None = None
        for selected in (
            self._by_category.get(query.category, set()) if query.category else None,
            self._by_population.get(query.population, set()) if query.population else None,
            self._by_article.get(query.article, set()) if query.article else None,
        ):
            if selected is not None:
                allowed = set(selected) if allowed is None else allowed & selected
        return allowed

    def _hits(self, query: CauseQuery, allowed: set[int] | None) -> dict[int, Hit]:
        hits: dict[int, Hit] = {}
        if query.code:
            for number, cause in enumerate(self.causes):
                if allowed is not None and number not in allowed:
                    continue
                relations = [r for r in (icd10.relation(code, query.code) for code in cause.icd10) if r]
                if relations:
                    best = max(relations, key=CODE_SCORE.__getitem__)
                    hits[number] = Hit(cause, CODE_SCORE[best], code_relation=best)
            allowed = set(hits)
        if query.q:
            text_hits = self._text_hits(query.q, allowed)
            for number, hit in text_hits.items():
                if number in hits:
                    hit.score += hits[number].score
                    hit.code_relation = hits[number].code_relation
            return text_hits
        if query.code:
            return hits
        numbers = range(len(self.causes)) if allowed is None else allowed
        return {number: Hit(self.causes[number]) for number in numbers}

    def _text_hits(self, q: str, allowed: set[int] | None) -> dict[int, Hit]:
        hits: dict[int, Hit] = {}
        query_words = list(dict.fromkeys(text.words(q)))
        for word in query_words:
            best = self._word_matches(word)
            if allowed is not None:
                best = {number: entry for number, entry in best.items() if number in allowed}
            if not best:
                continue
            rarity = math.log(1 + len(self.causes) / len(best))
            for number, (score, match) in best.items():
                hit = hits.get(number)
                if hit is None:
                    hit = hits[number] = Hit(self.causes[number])
                hit.score += score * rarity
                hit.matches.append(match)
        whole = " ".join(query_words)
        if len(query_words) > 1:
            for number, hit in hits.items():
                if any(whole in known for known in self._phrases[number]):
                    hit.score += WHOLE_PHRASE_BONUS
        return hits

    def _word_matches(self, word: str) -> dict[int, tuple[float, Match]]:
        best: dict[int, tuple[float, Match]] = {}
        candidates: list[tuple[dict[int, Posting], str]] = [(self._exact.get(word, {}), EXACT)]
        for language in ("id", "en"):
            candidates.append((self._stems.get(text.stem(word, language), {}), STEM))
        found = any(postings for postings, _ in candidates)
        if not found and len(word) >= TYPO_MIN_LENGTH:
            for suggestion in self._typos.lookup(word, Verbosity.ALL, max_edit_distance=1):
                candidates.append((self._exact.get(suggestion.term, {}), TYPO))
        for postings, kind in candidates:
            quality = QUALITY[kind]
            for number, weight, field_name, language, term in postings.values():
                score = weight * quality
                if number not in best or score > best[number][0]:
                    best[number] = (score, Match(word, field_name, language, term, kind))
        return best


def _keep_best(postings: dict[int, Posting], posting: Posting) -> None:
    current = postings.get(posting[0])
    if current is None or posting[1] > current[1]:
        postings[posting[0]] = posting


def _group(values: Iterable[Iterable[str]]) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for number, keys in enumerate(values):
        for key in keys:
            groups[key].add(number)
    return dict(groups)


def _rank(hit: Hit) -> tuple[int, float, str]:
    return (-len(hit.matches), -hit.score, hit.cause.id)
