"""The traffic the cost model prices and `make load` sends: a mix of request kinds, each over its own set of
distinct URLs with Zipf-distributed popularity.

One definition serves both, so that the hit ratio the model predicts and the one the caching proxy measures
are of the same traffic. A kind is either about an article (the article, a section, a frame, an oEmbed
answer: the article drawn by its Zipf rank, then a section uniformly) or a key of its own (a search query, a
cause lookup, a page of the list), or a single URL (the embed script).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

# Article popularity: news and health sites measure Zipf exponents of about 0.7-1.0 over their articles;
# queries typed into a search box are steeper (about 1.0).
ARTICLE_EXPONENT = 0.9
QUERY_EXPONENT = 1.0
# The list is read mostly from its first page.
PAGE_EXPONENT = 1.5
SEARCH_QUERIES = 20_000
CAUSE_QUERIES = 5_000
PAGE_SIZE = 20

Keyed = Literal["article", "section", "query", "page", "single"]


@dataclass(frozen=True)
class Kind:
    name: str
    share: float
    keyed: Keyed
    """What its distinct URLs are: one per article, per section, per query or list page, or a single one."""
    description: str
    exponent: float = ARTICLE_EXPONENT
    queries: int = 0


MIX: tuple[Kind, ...] = (
    Kind("article", 0.30, "article", "`GET /v1/articles/{slug}` (JSON)"),
    Kind("section", 0.15, "section", "`GET /v1/articles/{slug}/sections/{id}`"),
    Kind("frame", 0.10, "section", "`GET /v1/frame/{slug}/{id}`: partners' iframes"),
    Kind("embed-script", 0.10, "single", "`GET /v1/embed.js`: every partner page that embeds"),
    Kind("oembed", 0.05, "article", "`GET /v1/oembed?url=…`"),
    Kind("list", 0.05, "page", "`GET /v1/articles?cursor=…`", PAGE_EXPONENT),
    Kind("search", 0.15, "query", "`GET /v1/search?q=…`", QUERY_EXPONENT, SEARCH_QUERIES),
    Kind("causes", 0.10, "query", "`GET /v1/causes?q=…`", QUERY_EXPONENT, CAUSE_QUERIES),
)
assert abs(sum(kind.share for kind in MIX) - 1) < 1e-9


def zipf_weights(count: int, exponent: float) -> list[float]:
    """The probability of each rank, 1 first, with weight 1 / rank^exponent."""
    weights = [1 / rank**exponent for rank in range(1, count + 1)]
    total = sum(weights)
    return [weight / total for weight in weights]


@dataclass(frozen=True)
class Catalogue:
    """What the traffic is over, as a server lists it: its articles (slug and section ids, most popular
    first), the query of each page of the article list (the first ``""``, then ``cursor=…``), words to make
    queries of, and the API's public base URL (oEmbed asks about absolute URLs)."""

    articles: Sequence[tuple[str, Sequence[str]]]
    pages: Sequence[str]
    words: Sequence[str]
    base_url: str


def key_probabilities(kind: Kind, articles: int, sections_per_article: float) -> list[tuple[float, int]]:
    """The distinct URLs of ``kind`` in groups, most popular first: (the group's probability, how many URLs
    share it evenly): the cost model's view, where a catalogue is only its size."""
    if kind.keyed == "single":
        return [(1.0, 1)]
    if kind.keyed == "page":
        return [(p, 1) for p in zipf_weights(max(1, -(-articles // PAGE_SIZE)), kind.exponent)]
    if kind.keyed == "query":
        return [(p, 1) for p in zipf_weights(kind.queries, kind.exponent)]
    weights = zipf_weights(articles, kind.exponent)
    if kind.keyed == "article":
        return [(p, 1) for p in weights]
    # A section: its article's popularity, shared evenly by the article's sections.
    return [(p, max(1, round(sections_per_article))) for p in weights]


class Traffic:
    """Draws requests (kind, path with query) of the mix over ``catalogue``, reproducibly from ``seed``."""

    def __init__(self, catalogue: Catalogue, seed: int = 23) -> None:
        self._catalogue = catalogue
        self._rng = random.Random(seed)
        self._kinds = [kind.name for kind in MIX]
        self._cumulative_kinds = list(itertools.accumulate(kind.share for kind in MIX))
        self._by_name = {kind.name: kind for kind in MIX}
        self._ranks: dict[tuple[int, float], list[float]] = {}

    def _rank(self, count: int, exponent: float) -> int:
        """A rank from 0, Zipf-distributed."""
        cumulative = self._ranks.get((count, exponent))
        if cumulative is None:
            cumulative = self._ranks[(count, exponent)] = list(itertools.accumulate(zipf_weights(count, exponent)))
        return min(bisect.bisect(cumulative, self._rng.random() * cumulative[-1]), count - 1)

    def query(self, rank: int) -> str:
        """The query of a popularity rank: a word of the catalogue, then pairs of words."""
        words = self._catalogue.words
        first, second = rank % len(words), rank // len(words)
        return words[first] if second == 0 else f"{words[first]} {words[second % len(words)]}"

    def next(self) -> tuple[str, str]:
        """A request of the mix: its kind and path (with its query)."""
        roll = self._rng.random() * self._cumulative_kinds[-1]
        kind = self._by_name[self._kinds[min(bisect.bisect(self._cumulative_kinds, roll), len(MIX) - 1)]]
        articles, pages = self._catalogue.articles, self._catalogue.pages
        slug, sections = articles[self._rank(len(articles), kind.exponent)]
        return kind.name, self.path(
            kind.name,
            slug=slug,
            section=self._rng.choice(list(sections)),
            page=pages[self._rank(len(pages), kind.exponent)],
            query=self.query(self._rank(kind.queries, kind.exponent)) if kind.queries else "",
        )

    def path(self, kind: str, *, slug: str, section: str, page: str, query: str) -> str:
        """The path (and query) of a request of ``kind`` about these."""
        match kind:
            case "article":
                return f"/v1/articles/{slug}"
            case "section":
                return f"/v1/articles/{slug}/sections/{section}"
            case "frame":
                return f"/v1/frame/{slug}/{section}"
            case "oembed":
                url = f"{self._catalogue.base_url}/v1/articles/{slug}"
                return "/v1/oembed?" + urlencode({"url": url}, quote_via=quote)
            case "embed-script":
                return "/v1/embed.js"
            case "list":
                return "/v1/articles" + (f"?{page}" if page else "")
            case "search" | "causes":
                return f"/v1/{kind}?" + urlencode({"q": query})
        raise ValueError(f"no request kind {kind!r} in the mix")


def kind_of(path: str) -> str | None:
    """The mix's kind of a request path (without its query), or None for a path outside the mix."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["v1", "articles"]:
        return {2: "list", 3: "article", 5: "section"}.get(len(parts))
    return {
        "/v1/embed.js": "embed-script",
        "/v1/oembed": "oembed",
        "/v1/search": "search",
        "/v1/causes": "causes",
    }.get(path, "frame" if path.startswith("/v1/frame/") else None)
