"""Response models: what clients receive, described for the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from health_content.content import Block, Correction, HealthAspect, Source
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Href = Annotated[
    str, Field(description="Link relative to the API host.", examples=["/v1/articles/kram-otot-betis"])
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Links(_Out):
    """Related resources; a link that does not apply is left out."""

    self: Href
    sections: Href | None = None
    article: Href | None = None
    next: Href | None = Field(default=None, description="The next page or section, when there is one.")
    previous: Href | None = Field(default=None, description="The previous section, when there is one.")

    @model_serializer(mode="wrap")
    def _without_empty_links(self, serialize: SerializerFunctionWrapHandler) -> dict[str, str]:
        return {name: href for name, href in serialize(self).items() if href is not None}


class RelatedArticle(_Out):
    slug: str
    title: str
    href: Href = Field(description="Where the article is served once published.")


class RelatedArticles(_Out):
    previous: RelatedArticle | None = None
    next: RelatedArticle | None = None


class SectionBody(_Out):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    blocks: list[Block]
    links: Links


class ArticleOut(_Out):
    """A whole article with its sections."""

    slug: str = Field(examples=["kram-otot-betis"])
    locale: str = Field(examples=["id"])
    title: str = Field(examples=["Gerak Otot Betis saat Kaki Kram"])
    summary: str
    tags: list[str]
    source: Source
    disclaimer: str = Field(description="Show this with the content: it does not replace a doctor.")
    updated_at: dt.date = Field(description="When the text was last reviewed or changed.")
    published_at: dt.datetime = Field(description="When this version was published.")
    related: RelatedArticles
    corrections: list[Correction] = Field(description="Editorial fixes made to the source text.")
    sections: list[SectionBody]
    links: Links


class ArticleSummaryOut(_Out):
    slug: str = Field(examples=["kram-otot-betis"])
    locale: str = Field(examples=["id"])
    title: str
    summary: str
    tags: list[str]
    updated_at: dt.date
    published_at: dt.datetime
    links: Links


class ArticleListOut(_Out):
    """One page of articles, in slug order."""

    items: list[ArticleSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page.", examples=[None]
    )
    links: Links


class SectionSummaryOut(_Out):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    links: Links


class ArticleRef(_Out):
    slug: str
    locale: str
    title: str
    links: Links


class SectionListOut(_Out):
    """The table of contents of an article."""

    article: ArticleRef
    sections: list[SectionSummaryOut]
    disclaimer: str
    links: Links


class SectionOut(_Out):
    """One section, with what a client needs to show it on its own: attribution and disclaimer."""

    article: ArticleRef
    section: SectionBody
    source: Source
    disclaimer: str
    links: Links


class HealthOut(_Out):
    status: str = Field(examples=["ok"])
