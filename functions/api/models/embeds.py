"""Embeds for partner sites and oEmbed answers."""

from __future__ import annotations

from pydantic import Field

from api.models.common import Attribution, Disclaimer, Links, ResponseModel, ReviewOut
from health_content.articles.model import Block, Correction, HealthAspect
from health_content.vocabulary import Locale


class EmbedArticle(ResponseModel):
    slug: str = Field(examples=["kram-otot-betis"])
    title: str
    url: str = Field(description="Absolute URL of the article as a readable page: link back to it.")


class EmbedSection(ResponseModel):
    id: str
    heading: str
    aspect: HealthAspect
    blocks: list[Block]


class EmbedProvider(ResponseModel):
    name: str = Field(examples=["Konten Sehat API"])
    url: str = Field(description="The API's root URL.")


class EmbedLabels(ResponseModel):
    """Fixed words of an embed, in its language."""

    disclaimer: str = Field(examples=["Penting:"])
    source: str = Field(examples=["Sumber:"])
    read_more: str = Field(examples=["Baca selengkapnya"])
    provided_by: str = Field(examples=["Disediakan oleh"])
    unavailable: str = Field(examples=["Konten ini tidak dapat dimuat saat ini."])
    not_found: str = Field(examples=["Konten ini tidak ditemukan."])
    not_reviewed: str = Field(examples=["Belum ditinjau oleh tenaga medis."])
    reviewed_by: str = Field(examples=["Ditinjau oleh"])
    review_overdue: str = Field(examples=["Tinjauan medisnya sudah lewat waktu."])
    corrections: str = Field(examples=["Koreksi redaksi"])
    retracted: str = Field(examples=["Artikel ini telah ditarik oleh redaksi."])
    retracted_on: str = Field(examples=["Ditarik pada"])
    reason: str = Field(examples=["Alasan:"])


class EmbedOut(ResponseModel):
    """What an embed shows: content with attribution and the medical disclaimer, which must be shown with it."""

    locale: Locale
    whole_article: bool
    article: EmbedArticle
    sections: list[EmbedSection]
    version: str = Field(
        description="The article's version (its content hash): a page showing an older one shows a stale copy."
    )
    corrections: list[Correction] = Field(
        description="The editors' corrections to the text shown (for a section, those made in it); show them with it."
    )
    source: Attribution
    disclaimer: Disclaimer
    review: ReviewOut
    provider: EmbedProvider
    labels: EmbedLabels
    links: Links


class OEmbedOut(ResponseModel):
    """An oEmbed 1.0 `rich` response."""

    version: str = Field(default="1.0", examples=["1.0"])
    type: str = Field(default="rich", examples=["rich"])
    html: str = Field(description="An iframe to put on the page; the content stays on our origin.")
    width: int = Field(examples=[600])
    height: int = Field(examples=[720])
    title: str
    provider_name: str
    provider_url: str
    author_name: str | None = Field(default=None, description="Who wrote the original text.")
    cache_age: int = Field(description="Seconds the response may be cached.")
