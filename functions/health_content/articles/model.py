"""The article format: pydantic models that are the single definition of a published article.

JSON Schema files for editors are generated from these models (``infra/generated.py``),
and the ingest function validates every published article with them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from health_content.vocabulary import ContentModel, Locale, ShortText, Slug, Source, Text

TAG_PATTERN = r"^[a-z0-9][a-z0-9 -]{0,49}$"


class HealthAspect(StrEnum):
    """Members of schema.org's HealthAspectEnumeration that a section can be about."""

    OVERVIEW = "OverviewHealthAspect"
    CAUSES = "CausesHealthAspect"
    TYPES = "TypesHealthAspect"
    SYMPTOMS = "SymptomsHealthAspect"
    RISKS_OR_COMPLICATIONS = "RisksOrComplicationsHealthAspect"
    PREGNANCY = "PregnancyHealthAspect"
    TREATMENTS = "TreatmentsHealthAspect"
    SELF_CARE = "SelfCareHealthAspect"
    PREVENTION = "PreventionHealthAspect"
    SEE_DOCTOR = "SeeDoctorHealthAspect"
    LIVING_WITH = "LivingWithHealthAspect"
    PROGNOSIS = "PrognosisHealthAspect"
    RELATED_TOPICS = "RelatedTopicsHealthAspect"


class Paragraph(ContentModel):
    """A paragraph of plain text."""

    type: Literal["paragraph"] = "paragraph"
    text: Text


class ListBlock(ContentModel):
    """A bulleted or numbered list; items are plain text, in order."""

    type: Literal["list"] = "list"
    id: Slug | None = Field(default=None, description="Optional stable id, for deep links to the list.")
    ordered: bool = Field(description="True for a numbered list, whose order carries meaning.")
    items: list[Text] = Field(min_length=1, max_length=200)


Block = Annotated[Paragraph | ListBlock, Field(discriminator="type")]


class Section(ContentModel):
    """One part of an article, about one health aspect."""

    id: Slug = Field(description="Stable id, unique within the article.", examples=["penyebab"])
    heading: ShortText = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect = Field(
        description="What the section is about, as a schema.org HealthAspectEnumeration member.",
        examples=["CausesHealthAspect"],
    )
    blocks: list[Block] = Field(min_length=1, max_length=500)


class ArticleLink(ContentModel):
    """A link to another article by slug, whether or not it is published yet."""

    slug: Slug
    title: ShortText


class Reviewer(ContentModel):
    """Who checked the text medically."""

    name: ShortText
    qualification: ShortText = Field(examples=["Dokter spesialis saraf"])


ReviewStatus = Literal["reviewed", "not-reviewed", "overdue"]


class Review(ContentModel):
    """The medical review of the text: empty until an editor records a real one (never invent a reviewer)."""

    reviewed_at: dt.date | None = Field(default=None, description="When a qualified person last checked the text.")
    reviewed_by: Reviewer | None = None
    next_review: dt.date | None = Field(default=None, description="When the text is due to be checked again.")

    @model_validator(mode="after")
    def _consistent(self) -> Review:
        if (self.reviewed_at is None) != (self.reviewed_by is None):
            raise ValueError("a review needs both reviewed_at and reviewed_by, or neither")
        if self.next_review is not None and self.reviewed_at is not None and self.next_review <= self.reviewed_at:
            raise ValueError("next_review must come after reviewed_at")
        return self

    def overdue_from(self) -> dt.datetime | None:
        """When the status turns to overdue (the UTC day after ``next_review``): the text is unchanged,
        but what the API says about it changes then."""
        if self.reviewed_at is None or self.next_review is None:
            return None
        return dt.datetime.combine(self.next_review + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def status(self, today: dt.date) -> ReviewStatus:
        if self.reviewed_at is None:
            return "not-reviewed"
        if self.next_review is not None and self.next_review < today:
            return "overdue"
        return "reviewed"


class Related(ContentModel):
    """Navigation to neighbouring articles, as in the original series."""

    previous: ArticleLink | None = None
    next: ArticleLink | None = None


class Correction(ContentModel):
    """An editorial fix to the source text, recorded so the change stays auditable."""

    original: ShortText
    corrected: ShortText
    reason: ShortText


class Article(ContentModel):
    """A health article in one locale, as published."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_ref: str | None = Field(
        default=None,
        alias="$schema",
        description="Path or URL of the JSON Schema this file follows; ignored when publishing.",
        exclude=True,
    )
    slug: Slug
    locale: Locale = Field(description="BCP 47 language of the text.")
    title: ShortText
    summary: Text
    tags: list[Annotated[str, StringConstraints(pattern=TAG_PATTERN)]] = Field(
        default_factory=list, max_length=30, description="Lower-case topic tags."
    )
    source: Source
    disclaimer: Text = Field(description="Plain statement that the text does not replace a doctor.")
    updated_at: dt.date = Field(description="When the text last changed.")
    review: Review = Field(default_factory=Review, description="Its medical review, once there has been one.")
    related: Related = Field(default_factory=Related)
    corrections: list[Correction] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _section_ids_are_unique(self) -> Article:
        seen: set[str] = set()
        for section in self.sections:
            if section.id in seen:
                raise ValueError(f"section id {section.id!r} is used more than once")
            seen.add(section.id)
        return self

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)
