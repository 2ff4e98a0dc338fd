"""The search analysis of one article, made when it is published and kept beside it in the serving index.

Every title, heading, paragraph and list item becomes a passage with its words and their stems
(Sastrawi for Indonesian), so that the API builds its index without stemming the articles again.
The store keeps the analysis as opaque gzipped JSON (``encode``/``decode``).
"""

from __future__ import annotations

import gzip
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from health_content.articles.model import Article, ListBlock, Paragraph
from health_content.text import analysis as text
from health_content.vocabulary import Locale, Source

# Bump when the analysis changes shape or meaning: an article analysed by another version is left out of
# search (and logged) until it is published again.
SEARCH_ANALYSIS_VERSION = 1

PassageField = Literal["title", "heading", "paragraph", "item"]


class Passage(BaseModel):
    model_config = ConfigDict(frozen=True)

    section: str | None  # None for the article's title
    block: int | None = None
    item: int | None = None
    field: PassageField
    text: str
    words: list[str]
    stems: list[str]


class SectionInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    heading: str
    aspect: str


class ArticleAnalysis(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = SEARCH_ANALYSIS_VERSION
    slug: str
    locale: Locale
    title: str
    tags: list[str]
    source: Source
    disclaimer: str
    sections: list[SectionInfo]
    passages: list[Passage]


def passage_of(
    locale: Locale, field: PassageField, value: str, section: str | None, block: int | None, item: int | None
) -> Passage:
    """A passage with its words and stems, as publishing analyses it."""
    found = text.words(value)
    return Passage(
        section=section,
        block=block,
        item=item,
        field=field,
        text=value,
        words=found,
        stems=[text.stem(word, locale) for word in found],
    )


def analyze(article: Article) -> ArticleAnalysis:
    locale = article.locale
    passages = [passage_of(locale, "title", article.title, None, None, None)]
    for section in article.sections:
        passages.append(passage_of(locale, "heading", section.heading, section.id, None, None))
        for number, block in enumerate(section.blocks):
            if isinstance(block, Paragraph):
                passages.append(passage_of(locale, "paragraph", block.text, section.id, number, None))
            elif isinstance(block, ListBlock):
                passages.extend(
                    passage_of(locale, "item", item, section.id, number, position)
                    for position, item in enumerate(block.items)
                )
    return ArticleAnalysis(
        slug=article.slug,
        locale=locale,
        title=article.title,
        tags=list(article.tags),
        source=article.source,
        disclaimer=article.disclaimer,
        sections=[SectionInfo(id=s.id, heading=s.heading, aspect=s.aspect.value) for s in article.sections],
        passages=passages,
    )


def encode(analysis: ArticleAnalysis) -> bytes:
    return gzip.compress(analysis.model_dump_json().encode(), mtime=0)


def decode(stored: bytes) -> ArticleAnalysis | None:
    """The analysis, or None when it cannot be read or another version made it (the article must be
    published again)."""
    try:
        analysis = ArticleAnalysis.model_validate_json(gzip.decompress(stored))
    except (OSError, EOFError, ValidationError):
        return None
    return analysis if analysis.version == SEARCH_ANALYSIS_VERSION else None
