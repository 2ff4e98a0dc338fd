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
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from health_content.causes.index import CauseIndex, CauseQuery
from health_content.errors import InvalidQuery
from health_content.search.analysis import ArticleAnalysis, SectionInfo
from health_content.search.database import FIELDS, Column, Postings, SearchDatabase, StoredPassage
from health_content.text import analysis as text
from health_content.text.analysis import TYPO_MIN_LENGTH
from health_content.text.matching import QUALITY, rarity, stems_of
from health_content.text.matching import MatchKind as TermKind
from health_content.vocabulary import Locale

MAX_QUERY_LENGTH = 200
FIELD_WEIGHTS = {"title": 3.0, "heading": 2.0, "item": 1.5, "paragraph": 1.0}
# What a cause found by the query adds to each passage that discusses it, scaled by how well it matched.
CAUSE_WEIGHT = 3.0
CAUSES_CONSIDERED = 10
SNIPPET_LENGTH = 200
CACHE_SIZE = 1024
_TOKEN = re.compile(r"\w+")
_WEIGHTS = np.array([FIELD_WEIGHTS[field] for field in FIELDS])  # by the field's code in the postings

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
    passage: StoredPassage
    score: float
    matches: list[SearchMatch]
    snippet: Snippet


class ArticleSearchIndex:
    """Ranks one locale's passages for a query, over its ``SearchDatabase``. It caches what it worked out, so it
    is only valid until the database is updated: the catalog then makes a new one over the same database and
    never uses this one again."""

    def __init__(self, database: SearchDatabase, causes: CauseIndex | None = None) -> None:
        self.locale = database.locale
        self.causes = causes
        self._db = database
        self._passage_count = database.passage_count()
        self._slug_order = database.slug_order()
        # What a word, a query's causes and a page match is worked out once, until the database is updated.
        self._candidates = lru_cache(maxsize=CACHE_SIZE)(self._compute_candidates)
        self._cause_hits = lru_cache(maxsize=CACHE_SIZE)(self._compute_cause_hits)
        self._page = lru_cache(maxsize=CACHE_SIZE)(self._compute_page)
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

    def search(self, query: SearchQuery, offset: int = 0, limit: int = 20) -> tuple[list[SearchHit], int]:
        """One page of hits, best first, and how many passages match in all."""
        hits, total = self._page(query.words, query.aspect, query.tag, offset, limit)
        return list(hits), total

    def _compute_page(
        self, words: tuple[str, ...], aspect: str | None, tag: str | None, offset: int, limit: int
    ) -> tuple[tuple[SearchHit, ...], int]:
        """Every passage a word matches scores, for that word, its best candidate's field weight times the
        candidate's quality, times the word's rarity; passages matching more of the words (or covering more
        of them through a cause) come first, then the higher scores, then the earlier positions."""
        size = self._db.position_limit()
        scores, coverage = np.zeros(size), np.zeros(size, dtype=np.int64)
        articles, aspects = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
        found: list[list[tuple[str, TermKind, Postings]]] = []
        rarities: list[float] = []
        for word in words:
            best = np.zeros(size)
            candidates = [(term, kind, self._db.postings(_column(kind), term)) for term, kind in self._candidates(word)]
            for _, kind, postings in candidates:
                where = postings.positions
                best[where] = np.maximum(best[where], _WEIGHTS[postings.fields] * QUALITY[kind])
                articles[where], aspects[where] = postings.articles, postings.aspects
            matched = int(np.count_nonzero(best))
            weight = rarity(self._passage_count, matched) if matched else 0.0
            scores += best * weight
            coverage += best > 0
            found.append(candidates)
            rarities.append(weight)
        causes = self._cause_hits(words)
        places = self._db.places(causes)
        for position, (gain, covered, _, _) in causes.items():
            coverage[position] = max(coverage[position], len(covered))
            scores[position] += gain
            _, articles[position], aspects[position] = places[position]
        matching = np.flatnonzero(coverage > 0)
        if aspect is not None:
            code = self._db.aspect_code(aspect)
            matching = matching[aspects[matching] == code] if code is not None else matching[:0]
        if tag is not None:
            matching = matching[np.isin(articles[matching], self._db.articles_tagged(tag))]
        page = _best_first(matching, coverage, scores, self._slug_order[articles[matching]], offset + limit)[offset:]
        hits = tuple(self._hit(int(position), words, rarities, found) for position in page)
        return hits, int(matching.size)

    def _compute_candidates(self, word: str) -> tuple[tuple[str, TermKind], ...]:
        """The terms ``word`` may match and how: itself, its stems in any locale (a query word's language is not
        known) or, when neither is used anywhere, the words one typo away."""
        stems = stems_of(word)
        found: list[tuple[str, TermKind]] = [(word, "exact"), *((stem, "stem") for stem in stems)]
        used = self._db.uses("words", word) or any(self._db.uses("stems", stem) for stem in stems)
        if not used and len(word) >= TYPO_MIN_LENGTH:
            found += [(term, "typo") for term in self._db.corrections(word)]
        return tuple(found)

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
        fields = self._db.places(position for position in places.values() if position is not None)
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
                precision = FIELD_WEIGHTS[fields[position][0]] / FIELD_WEIGHTS["item"]
                score, covered, matches, marked = found.get(position, (0.0, set(), [], set()))
                found[position] = (
                    score + CAUSE_WEIGHT * precision * hit.score / top,
                    covered | {match.word for match in hit.matches},
                    [*matches, *(SearchMatch(match.word, match.term, "cause") for match in hit.matches)],
                    marked | marks,
                )
        return found

    def _hit(
        self,
        position: int,
        words: tuple[str, ...],
        rarities: list[float],
        found: list[list[tuple[str, TermKind, Postings]]],
    ) -> SearchHit:
        """A ranked passage with its score and why each word matched (worked out for the page only)."""
        passage = self._db.passage(position)
        weight = FIELD_WEIGHTS[passage.field]
        score, matches, marks = 0.0, [], set()
        for word, word_rarity, candidates in zip(words, rarities, found, strict=True):
            best: tuple[float, str, TermKind] | None = None
            for term, kind, postings in candidates:
                if _holds(postings, position) and (best is None or weight * QUALITY[kind] > best[0]):
                    best = (weight * QUALITY[kind], term, kind)
            if best is not None:
                word_score, term, kind = best
                score += word_score * word_rarity
                matches.append(SearchMatch(word, term, kind))
                marks.add(term if kind == "stem" else text.stem(term, self.locale))
        cause = self._cause_hits(words).get(position)
        if cause is not None:
            score += cause[0]
            matches += cause[2]
            marks |= cause[3]
        unique = list({(m.word, m.term, m.kind): m for m in matches}.values())
        article, published_at = self._article(passage.article)
        section = next((s for s in article.sections if s.id == passage.section), None) if passage.section else None
        snippet = self._snippet(passage, marks)
        return SearchHit(article, published_at, section, passage, round(score, 3), unique, snippet)

    def _snippet(self, passage: StoredPassage, marks: set[str]) -> Snippet:
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


def _column(kind: TermKind) -> Column:
    return "stems" if kind == "stem" else "words"


def _holds(postings: Postings, position: int) -> bool:
    at = int(np.searchsorted(postings.positions, position))
    return at < postings.positions.size and int(postings.positions[at]) == position


def _best_first(
    matching: npt.NDArray[np.int64],
    coverage: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    slug_order: npt.NDArray[np.int64],
    count: int,
) -> npt.NDArray[np.int64]:
    """The first ``count`` of ``matching`` by coverage, then score (both descending), then the article's slug
    and the passage's place in it (``slug_order`` is each one's article's rank), so that every container
    orders ties alike, however it came by its index. Only those that can be among them are sorted."""
    if matching.size > count > 0:
        key = coverage[matching] * (float(scores[matching].max()) + 1.0) + scores[matching]
        threshold = np.partition(key, matching.size - count)[matching.size - count]
        kept = key >= threshold
        matching, slug_order = matching[kept], slug_order[kept]
    order = np.lexsort((matching, slug_order, -scores[matching], -coverage[matching]))
    return matching[order][:count]
