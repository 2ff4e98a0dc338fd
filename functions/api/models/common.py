"""What every response model shares: the safety envelope, links, a section's body, a review's status
and a reference to an article."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from health_content.articles.model import Block, HealthAspect, Reviewer, ReviewStatus
from health_content.vocabulary import Locale, Source

# The safety envelope: every response that carries medical text carries these two, in this shape.
Attribution = Annotated[Source, Field(description="Where the text comes from; show it with the content.")]
Disclaimer = Annotated[str, Field(description="Show this with the content: it does not replace a doctor.")]
NoTaxonomyYet = "null only while no cause taxonomy is published (there are then no causes to show)."

Href = Annotated[str, Field(description="Link relative to the API host.", examples=["/v1/articles/kram-otot-betis"])]


class ResponseModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class LinkSet(ResponseModel):
    """Links by relation; a link that does not apply is left out."""

    @model_serializer(mode="wrap")
    def _without_empty_links(self, serialize: SerializerFunctionWrapHandler) -> dict[str, str]:
        return {name: href for name, href in serialize(self).items() if href is not None}


class Links(LinkSet):
    """Related resources; a link that does not apply is left out."""

    self: Href
    sections: Href | None = None
    article: Href | None = None
    next: Href | None = Field(default=None, description="The next page or section, when there is one.")
    previous: Href | None = Field(default=None, description="The previous section, when there is one.")
    embed: Href | None = Field(default=None, description="An HTML fragment of it, for partner sites.")
    oembed: str | None = Field(default=None, description="Absolute oEmbed endpoint URL for it (oEmbed discovery).")


class ReviewOut(ResponseModel):
    """Whether a qualified person has checked the text, who, when, and when it is due again."""

    status: ReviewStatus = Field(
        description="reviewed; not-reviewed (no medical review is recorded); overdue (its next review has passed).",
        examples=["not-reviewed"],
    )
    reviewed_at: dt.date | None
    reviewed_by: Reviewer | None
    next_review: dt.date | None


class SectionBody(ResponseModel):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    blocks: list[Block]
    causes: list[str] = Field(
        description="Ids of the causes this section discusses (see /v1/causes/{cause_id}).",
        examples=[["hipoksia", "epilepsi"]],
    )
    links: Links


class ArticleRef(ResponseModel):
    slug: str
    locale: Locale
    title: str
    links: Links
