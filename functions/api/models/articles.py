"""Articles and their sections, as the article routes answer them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, RootModel

from api.models.common import ArticleRef, Attribution, Disclaimer, Href, Links, ResponseModel, ReviewOut, SectionBody
from health_content.articles.model import Correction, HealthAspect
from health_content.vocabulary import Locale


class RelatedArticle(ResponseModel):
    slug: str
    title: str
    href: Href = Field(description="Where the article is served once published.")


class RelatedArticles(ResponseModel):
    previous: RelatedArticle | None = None
    next: RelatedArticle | None = None


class ArticleOut(ResponseModel):
    """A whole article with its sections."""

    slug: str = Field(examples=["kram-otot-betis"])
    locale: Locale = Field(examples=["id"])
    title: str = Field(examples=["Gerak Otot Betis saat Kaki Kram"])
    summary: str
    tags: list[str]
    source: Attribution
    disclaimer: Disclaimer
    review: ReviewOut
    updated_at: dt.date = Field(description="When the text last changed.")
    published_at: dt.datetime = Field(description="When this version was published.")
    related: RelatedArticles
    corrections: list[Correction] = Field(description="Editorial fixes made to the source text.")
    sections: list[SectionBody]
    links: Links


class ArticleSummaryOut(ResponseModel):
    slug: str = Field(examples=["kram-otot-betis"])
    locale: Locale = Field(examples=["id"])
    title: str
    summary: str
    tags: list[str]
    updated_at: dt.date = Field(description="When the text last changed.")
    published_at: dt.datetime = Field(description="When this version was published: what `updated_since` compares.")
    version: str = Field(description="Changes whenever the article's content does (a hash of it).")
    links: Links


class ArticleListOut(ResponseModel):
    """One page of articles, in slug order."""

    items: list[ArticleSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page.", examples=[None]
    )
    links: Links


class SectionSummaryOut(ResponseModel):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    causes: list[str] = Field(description="Ids of the causes this section discusses.")
    links: Links


class SectionListOut(ResponseModel):
    """The table of contents of an article."""

    article: ArticleRef
    sections: list[SectionSummaryOut]
    source: Attribution
    disclaimer: Disclaimer
    links: Links


class SectionOut(ResponseModel):
    """One section, with what a client needs to show it on its own: attribution and disclaimer."""

    article: ArticleRef
    section: SectionBody
    source: Attribution
    disclaimer: Disclaimer
    review: ReviewOut
    links: Links


class JsonLdOut(RootModel[dict[str, Any]]):
    """schema.org JSON-LD: a MedicalWebPage whose parts are the sections (`Accept: application/ld+json`)."""


class PreviewMark(ResponseModel):
    draft: bool = Field(
        description=(
            "Only in previews (a preview token was sent): true when this is the unpublished draft, false when the "
            "article has no draft and this is its published version."
        ),
        examples=[True],
    )


class ArticlePreviewOut(PreviewMark, ArticleOut):
    """A whole article as an editor's preview shows it: its draft, or its published version."""


class SectionListPreviewOut(PreviewMark, SectionListOut):
    """The table of contents of an article's draft (or of its published version), for a preview."""


class SectionPreviewOut(PreviewMark, SectionOut):
    """One section of an article's draft (or of its published version), for a preview."""
