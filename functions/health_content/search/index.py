"""Searching the passages of every published article of a locale, in Indonesian and English words.

A query word matches a passage's words exactly, by stem (Sastrawi, Snowball), or with one typo.
Words the articles do not use (English lay names, say) reach the text through the cause
taxonomy: the causes a query finds (by name, synonym, explanation or code title, in either
language) lead to the passages that discuss them, as their mentions do, so "low calcium" finds
the list item about hypocalcaemia. Passages that match more of the query come first.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from health_content.causes.index import CauseIndex, CauseQuery
from health_content.errors import InvalidQuery
from health_content.search.analysis import ArticleAnalysis, Passage, PassageField, SectionInfo
from health_content.search.database import SearchDatabase
from health_content.text import analysis as text
from health_content.text.matching import QUALITY, Terms, rarity
from health_content.vocabulary import Locale

MAX_QUERY_LENGTH = 200
FIELD_WEIGHTS = {"title": 3.0, "heading": 2.0, "item": 1.5, "paragraph": 1.0}
# What a cause found by the query adds to each passage that discusses it, scaled by how well it matched.
CAUSE_WEIGHT = 3.0
CAUSES_CONSIDERED = 10
SNIPPET_LENGTH = 200
CACHE_SIZE = 1024
_TOKEN = re.compile(r"\w+")

# How a passage matched: by one of the query's words (exactly, by stem, with a typo) or through a cause it found.
MatchKind = Literal["exact", "stem", "typo", "cause"]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    q: str
    words: tuple[str, ...]
    aspect: str | None = None
    tag: str | None = None

    @classmethod
    def of(cls, q: str, aspect: str | None = None, tag: str | None = None) -> SearchQuery:
        stripped = q.strip()
        if not stripped:
            raise InvalidQuery([("q", "empty: say what to look for")])
        if len(stripped) > MAX_QUERY_LENGTH:
            raise InvalidQuery([("q", f"{len(stripped)} characters; at most {MAX_QUERY_LENGTH}")])
        found = tuple(dict.fromkeys(text.words(stripped)))
        if not found:
            raise InvalidQuery(
                [("q", "only stop words or punctuation (such as 'dan', 'yang', 'the'): nothing to find")]
            )
        return cls(stripped, found, aspect, tag)

    def fingerprint(self) -> str:
        return "|".join((" ".join(self.words), self.aspect or "", self.tag or ""))


@dataclass(frozen=True, slots=True)
class SearchMatch:
    word: str
    term: str
    kind: MatchKind


# What a passage gains from the causes a query finds: score, query words covered, matches, stems to mark.
CauseGain = tuple[float, set[str], list[SearchMatch], set[str]]


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]]

    @property
    def html(self) -> str:
        """The text HTML-escaped, each highlight in <mark>."""
        parts, position = [], 0
        for start, end in self.highlights:
            parts += [html.escape(self.text[position:start]), "<mark>", html.escape(self.text[start:end]), "</mark>"]
            position = end
        parts.append(html.escape(self.text[position:]))
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: ArticleAnalysis
    published_at: dt.datetime
    section: SectionInfo | None
    passage: Passage
    score: float
    matches: list[SearchMatch]
    snippet: Snippet


class ArticleSearchIndex:
    """Ranks one locale's passages for a query, over its ``SearchDatabase`` (which it never changes: an index
    brought up to date is a new ``ArticleSearchIndex`` over the same database)."""

    def __init__(self, database: SearchDatabase, causes: CauseIndex | None = None) -> None:
        self.locale = database.locale
        self.causes = causes
        self._db = database
        self._passage_count = database.passage_count()
        self._terms: Terms[float] = Terms(
            lambda term: self._weighted(database.postings("words", term)),
            lambda term: self._weighted(database.postings("stems", term)),
            database.corrections,
        )
        # The index never changes: what a word, a query's causes and a whole query match is worked out once.
        self._word_hits = lru_cache(maxsize=CACHE_SIZE)(self._compute_word_hits)
        self._cause_hits = lru_cache(maxsize=CACHE_SIZE)(self._compute_cause_hits)
        self._ranked = lru_cache(maxsize=CACHE_SIZE)(self._rank)
        self._hit = lru_cache(maxsize=CACHE_SIZE * 8)(self._compute_hit)
        self._article = lru_cache(maxsize=CACHE_SIZE)(database.article)

    @classmethod
    def of(
        cls,
        analyses: list[tuple[ArticleAnalysis, dt.datetime]],
        locale: Locale,
        causes: CauseIndex | None = None,
    ) -> ArticleSearchIndex:
        """An index in memory of ``analyses``: each article's analysis, with when that version was published."""
        database = SearchDatabase.create(locale)
        database.update(sorted(analyses, key=lambda entry: entry[0].slug), (), 0)
        return cls(database, causes)

    @staticmethod
    def _weighted(postings: dict[int, PassageField]) -> dict[int, float]:
        return {position: FIELD_WEIGHTS[field] for position, field in postings.items()}

    def search(self, query: SearchQuery, offset: int = 0, limit: int = 20) -> tuple[list[SearchHit], int]:
        """One page of hits, best first, and how many passages match in all."""
        ranked = self._ranked(query.words, query.aspect, query.tag)
        return [self._hit(position, query.words) for position in ranked[offset : offset + limit]], len(ranked)

    def _rank(self, words: tuple[str, ...], aspect: str | None, tag: str | None) -> tuple[int, ...]:
        """Every matching passage, best first: those matching more of the words, then by score."""
        word_hits = [self._word_hits(word) for word in words]
        causes = self._cause_hits(words)
        coverage: dict[int, int] = defaultdict(int)
        scores: dict[int, float] = defaultdict(float)
        for hits in word_hits:
            for position, (score, _, _) in hits.items():
                coverage[position] += 1
                scores[position] += score
        for position, (score, covered, _, _) in causes.items():
            coverage[position] = max(coverage[position], len(covered))
            scores[position] += score
        admitted = scores.keys() if aspect is None and tag is None else self._db.admitted(scores, aspect, tag)
        entries = [(-coverage[position], -scores[position], position) for position in admitted]
        entries.sort()
        return tuple(position for _, _, position in entries)

    def _compute_word_hits(self, word: str) -> dict[int, tuple[float, str, MatchKind]]:
        """Each passage the word matches: its score (field weight, match quality, rarity) and how it matched."""
        best: dict[int, tuple[float, str, MatchKind]] = {}
        for postings, term, kind in self._terms.candidates(word):
            quality = QUALITY[kind]
            for position, weight in postings.items():
                score = weight * quality
                if position not in best or score > best[position][0]:
                    best[position] = (score, term, kind)
        if best:
            weight = rarity(self._passage_count, len(best))
            best = {position: (score * weight, term, kind) for position, (score, term, kind) in best.items()}
        return best

    def _compute_cause_hits(
        self, words: tuple[str, ...]
    ) -> dict[int, tuple[float, set[str], list[SearchMatch], set[str]]]:
        """Passages that discuss the causes the query finds (in either language): what each gains, the query
        words it then covers, the matches and the stems to mark.

        Only the causes that match as many of the query's words as the best one does count: "low calcium"
        means hypocalcaemia, not every cause with "low" in a synonym."""
        found: dict[int, CauseGain] = {}
        if self.causes is None:
            return found
        hits, _ = self.causes.search(CauseQuery(q=" ".join(words)), 0, CAUSES_CONSIDERED)
        coverage = [len({match.word for match in hit.matches}) for hit in hits]
        if not hits or not max(coverage):
            return found
        best = [hit for hit, covered in zip(hits, coverage, strict=True) if covered == max(coverage)]
        top = best[0].score or 1.0
        places = {}
        for hit in best:
            for mention in hit.cause.mentions:
                place = (mention.article, mention.section, mention.block, mention.item)
                if mention.locale == self.locale and place not in places:
                    places[place] = self._db.position_of(*place)
        fields = self._db.fields(position for position in places.values() if position is not None)
        for hit in best:
            names = [hit.cause.name.in_(self.locale), *hit.cause.synonyms.in_(self.locale)]
            marks = {text.stem(word, self.locale) for name in names for word in text.words(name)}
            for mention in hit.cause.mentions:
                if mention.locale != self.locale:
                    continue
                position = places[(mention.article, mention.section, mention.block, mention.item)]
                if position is None:
                    continue
                # A mention of a list item is precise; one of a paragraph points at a whole paragraph.
                precision = FIELD_WEIGHTS[fields[position]] / FIELD_WEIGHTS["item"]
                score, covered, matches, marked = found.get(position, (0.0, set(), [], set()))
                found[position] = (
                    score + CAUSE_WEIGHT * precision * hit.score / top,
                    covered | {match.word for match in hit.matches},
                    [*matches, *(SearchMatch(match.word, match.term, "cause") for match in hit.matches)],
                    marked | marks,
                )
        return found

    def _compute_hit(self, position: int, words: tuple[str, ...]) -> SearchHit:
        """A ranked passage with its score and why each word matched (worked out for the page only)."""
        stored = self._db.passage(position)
        passage = stored.passage
        score, matches, marks = 0.0, [], set()
        for word in words:
            hit = self._word_hits(word).get(position)
            if hit is not None:
                word_score, term, kind = hit
                score += word_score
                matches.append(SearchMatch(word, term, kind))
                marks.add(term if kind == "stem" else text.stem(term, self.locale))
        cause = self._cause_hits(words).get(position)
        if cause is not None:
            score += cause[0]
            matches += cause[2]
            marks |= cause[3]
        unique = list({(m.word, m.term, m.kind): m for m in matches}.values())
        article, published_at = self._article(stored.article)
        section = next((s for s in article.sections if s.id == passage.section), None) if passage.section else None
        snippet = self._snippet(passage, marks)
        return SearchHit(article, published_at, section, passage, round(score, 3), unique, snippet)

    def _snippet(self, passage: Passage, marks: set[str]) -> Snippet:
        """The passage (or a window of it around the first match) with the offsets of every matched word."""
        spans = [
            (token.start(), token.end())
            for token in _TOKEN.finditer(passage.text)
            if (folded := text.fold(token.group())) in marks or text.stem(folded, self.locale) in marks
        ]
        body = passage.text
        if len(body) <= SNIPPET_LENGTH:
            return Snippet(body, spans)
        start = max(0, (spans[0][0] if spans else 0) - SNIPPET_LENGTH // 4)
        start = body.rfind(" ", 0, start) + 1 if start else 0
        end = min(len(body), start + SNIPPET_LENGTH)
        end = body.rfind(" ", start, end) if end < len(body) and " " in body[start:end] else end
        window = body[start:end]
        shifted = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        prefix = "… " if start else ""
        suffix = " …" if end < len(body) else ""
        return Snippet(prefix + window + suffix, [(s + len(prefix), e + len(prefix)) for s, e in shifted])
