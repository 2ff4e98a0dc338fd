"""The cause taxonomy as published: closed vocabularies and bilingual cause records.

ICD-10 codes are checked for form here; whether a code exists in WHO ICD-10 is checked at
publish time by passing ``context={"icd10_exists": ...}`` to validation, so that the API,
which only reads taxonomies that were published, does not load the ICD-10 data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from health_content.vocabulary import (
    DEFAULT_LOCALE,
    ContentModel,
    Locale,
    LocalizedShortText,
    LocalizedTerms,
    LocalizedText,
    Slug,
    Source,
)

ICD10_PATTERN = r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"
# Taken by routes beside /v1/causes/{id}; a test checks this against the API's table of paths.
RESERVED_CAUSE_IDS = frozenset({"facets"})

Icd10Code = Annotated[
    str,
    StringConstraints(pattern=ICD10_PATTERN),
    Field(description="A WHO ICD-10 code, with its dot.", examples=["E83.5"]),
]


class VocabularyTerm(ContentModel):
    id: Slug
    label: LocalizedShortText


class Mention(ContentModel):
    """Where an article discusses a cause, down to the block and list item."""

    article: Slug
    locale: Locale = DEFAULT_LOCALE
    section: Slug
    block: int = Field(ge=0, description="Index of the block in the section's `blocks`, from 0.")
    item: int | None = Field(default=None, ge=0, description="Index of the item when the block is a list, from 0.")


class Cause(ContentModel):
    id: Slug
    name: LocalizedShortText
    explanation: LocalizedText = Field(description="One sentence per language.")
    synonyms: LocalizedTerms = Field(default_factory=lambda: LocalizedTerms({}))
    category: Slug
    populations: list[Slug] = Field(default_factory=list)
    icd10: list[Icd10Code] = Field(default_factory=list)
    mentions: list[Mention] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_CAUSE_IDS:
            raise ValueError(f"{value!r} is reserved by the API")
        return value

    @field_validator("populations", "icd10")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("values must not repeat")
        return values

    @field_validator("icd10")
    @classmethod
    def _codes_exist(cls, codes: list[str], info: ValidationInfo) -> list[str]:
        exists: Callable[[str], bool] | None = (info.context or {}).get("icd10_exists")
        unknown = [code for code in codes if exists is not None and not exists(code)]
        if unknown:
            raise ValueError(f"not in WHO ICD-10: {', '.join(unknown)}")
        return codes


class TaxonomyHeader(ContentModel):
    """The taxonomy without its causes: its date, attribution and vocabularies, small whatever its size."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_ref: str | None = Field(default=None, alias="$schema", exclude=True)
    updated_at: dt.date
    source: Source = Field(description="Who wrote the records and where their facts come from, for attribution.")
    disclaimer: LocalizedText = Field(description="Shown with every cause: the text does not replace a doctor.")
    categories: list[VocabularyTerm] = Field(min_length=1, max_length=50)
    populations: list[VocabularyTerm] = Field(min_length=1, max_length=50)


class CauseTaxonomy(TaxonomyHeader):
    """Every cause the articles name, with the vocabularies its records use."""

    causes: list[Cause] = Field(min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _references_resolve(self) -> CauseTaxonomy:
        problems: list[str] = []
        for name, terms in (("categories", self.categories), ("populations", self.populations)):
            ids = [term.id for term in terms]
            if len(set(ids)) != len(ids):
                problems.append(f"{name} has a repeated id")
        repeated = sorted(cause_id for cause_id, seen in Counter(cause.id for cause in self.causes).items() if seen > 1)
        if repeated:
            problems.append(f"cause ids repeat: {', '.join(repeated)}")
        categories = {term.id for term in self.categories}
        populations = {term.id for term in self.populations}
        for cause in self.causes:
            if cause.category not in categories:
                problems.append(f"cause {cause.id!r}: unknown category {cause.category!r}")
            for population in cause.populations:
                if population not in populations:
                    problems.append(f"cause {cause.id!r}: unknown population {population!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
