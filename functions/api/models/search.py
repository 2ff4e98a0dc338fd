"""Article search results."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.models.common import ArticleRef, Attribution, Disclaimer, Links, ResponseModel
from health_content.articles.model import HealthAspect


class SearchSectionRef(ResponseModel):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    links: Links


class SearchMatchOut(ResponseModel):
    word: str = Field(description="The query word (folded).", examples=["calcium"])
    term: str = Field(description="What it met: a word of the text, a stem, or a cause's term.", examples=["kalsium"])
    kind: Literal["exact", "stem", "typo", "cause"] = Field(
        description=(
            "`exact`, `stem` or `typo` (one letter off) against the text; `cause`: the query found a cause of "
            "the taxonomy (in either language) that this passage discusses."
        )
    )


class Highlight(ResponseModel):
    start: int = Field(description="Offset into `snippet.text`, in Unicode code points.", examples=[0])
    end: int = Field(description="End offset (exclusive).", examples=[12])


class SnippetOut(ResponseModel):
    text: str = Field(description="The passage, or a window of it around the first match (`…` marks a cut).")
    html: str = Field(description="`text` HTML-escaped, each matched word in `<mark>`: safe to insert as HTML.")
    highlights: list[Highlight] = Field(description="Where the matched words are in `text`, for clients that render.")


class SearchHitOut(ResponseModel):
    """A passage of an article: its title, a heading, a paragraph or a list item."""

    article: ArticleRef
    section: SearchSectionRef | None = Field(description="Null when the article's title matched.")
    field: Literal["title", "heading", "paragraph", "item"]
    block: int | None = Field(description="Index into the section's `blocks`, from 0.", examples=[1])
    item: int | None = Field(description="Index into the list's `items`, from 0; a hit in a list points to its item.")
    score: float = Field(description="Higher is better; comparable within one query only.")
    matches: list[SearchMatchOut]
    snippet: SnippetOut
    source: Attribution
    disclaimer: Disclaimer
    links: Links


class SearchQueryOut(ResponseModel):
    q: str
    words: list[str] = Field(description="The query's words as searched: folded, without stop words.")
    aspect: HealthAspect | None
    tag: str | None


class SearchOut(ResponseModel):
    """Passages of the published articles that match the query, best first; each carries its article's
    attribution and disclaimer."""

    query: SearchQueryOut
    total: int
    items: list[SearchHitOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    links: Links
