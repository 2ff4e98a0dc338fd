"""The cause lookup: causes, their mentions, matches and facets."""

from __future__ import annotations

from pydantic import Field

from api.models.common import Attribution, Disclaimer, Href, Links, NoTaxonomyYet, ResponseModel
from health_content.vocabulary import Locale


class TermOut(ResponseModel):
    id: str = Field(examples=["electrolyte-metabolic"])
    label: str = Field(examples=["Elektrolit dan metabolisme"])


class Icd10Out(ResponseModel):
    code: str = Field(examples=["E83.5"])
    title: str = Field(description="WHO ICD-10 title (English).", examples=["Disorders of calcium metabolism"])


class MentionOut(ResponseModel):
    """Where an article discusses the cause: follow `href`, then `block` (and `item`) within the section."""

    article: str = Field(examples=["kram-otot-betis"])
    section: str = Field(examples=["penyebab"])
    block: int = Field(description="Index into the section's `blocks`, from 0.", examples=[1])
    item: int | None = Field(description="Index into the list's `items`, from 0.", examples=[3])
    excerpt: str = Field(examples=["Kekurangan kalium, kalsium, magnesium, glukosa darah;"])
    href: Href = Field(examples=["/v1/articles/kram-otot-betis/sections/penyebab"])


class MatchOut(ResponseModel):
    """Why a result matched: which query word met which indexed word, where, and how."""

    word: str = Field(description="The query word.", examples=["kekurangan"])
    field: str = Field(description="name, synonym, explanation, category, population or icd10.", examples=["name"])
    language: Locale = Field(examples=["id"])
    term: str = Field(description="The indexed word it met.", examples=["kekurangan"])
    kind: str = Field(description="exact, stem or typo.", examples=["exact"])


class CauseOut(ResponseModel):
    id: str = Field(examples=["hipokalsemia"])
    name: str = Field(examples=["Kekurangan kalsium (hipokalsemia)"])
    explanation: str
    category: TermOut
    populations: list[TermOut]
    icd10: list[Icd10Out]
    mentions: list[MentionOut]
    links: Links


class CauseDetailOut(CauseOut):
    synonyms: list[str] = Field(description="Words people use for it, in the response's language.")
    source: Attribution
    disclaimer: Disclaimer


class CauseHitOut(CauseOut):
    score: float = Field(description="Relevance; higher is better. Results with more query words matched come first.")
    matched: list[MatchOut] = Field(description="One entry per query word that matched.")
    code_match: str | None = Field(
        description="How the filed ICD-10 code relates to `code`: exact, narrower (filed under it) or broader.",
        examples=["broader"],
    )


class CauseQueryOut(ResponseModel):
    q: str | None
    category: str | None
    population: str | None
    code: str | None = Field(description="The ICD-10 code as normalised.", examples=["E83.51"])
    article: str | None
    locale: Locale


class CauseSearchOut(ResponseModel):
    """Causes that match, best first."""

    query: CauseQueryOut
    total: int = Field(description="How many causes match in all.")
    items: list[CauseHitOut]
    next_cursor: str | None
    source: Attribution | None = Field(description=f"Where the text comes from; {NoTaxonomyYet}")
    disclaimer: Disclaimer | None = Field(description=f"Show it with the causes; {NoTaxonomyYet}")
    links: Links


class FacetOut(ResponseModel):
    id: str
    label: str
    count: int


class CauseFacetsOut(ResponseModel):
    """How many causes each category and population has, among those matching the other filters."""

    query: CauseQueryOut
    total: int
    categories: list[FacetOut]
    populations: list[FacetOut]
    source: Attribution | None = Field(description=f"Where the labels come from; {NoTaxonomyYet}")
    disclaimer: Disclaimer | None = Field(description=f"Show it with what the counts lead to; {NoTaxonomyYet}")
    links: Links
