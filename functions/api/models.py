"""Response models: what clients receive, described for the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, SerializerFunctionWrapHandler, model_serializer

from health_content.articles.model import Block, Correction, HealthAspect, Reviewer, ReviewStatus
from health_content.vocabulary import Locale, Source

# The safety envelope: every response that carries medical text carries these two, in this shape.
Attribution = Annotated[Source, Field(description="Where the text comes from; show it with the content.")]
Disclaimer = Annotated[str, Field(description="Show this with the content: it does not replace a doctor.")]
NoTaxonomyYet = "null only while no cause taxonomy is published (there are then no causes to show)."

Href = Annotated[str, Field(description="Link relative to the API host.", examples=["/v1/articles/kram-otot-betis"])]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _LinkSet(_Out):
    """Links by relation; a link that does not apply is left out."""

    @model_serializer(mode="wrap")
    def _without_empty_links(self, serialize: SerializerFunctionWrapHandler) -> dict[str, str]:
        return {name: href for name, href in serialize(self).items() if href is not None}


class Links(_LinkSet):
    """Related resources; a link that does not apply is left out."""

    self: Href
    sections: Href | None = None
    article: Href | None = None
    next: Href | None = Field(default=None, description="The next page or section, when there is one.")
    previous: Href | None = Field(default=None, description="The previous section, when there is one.")
    embed: Href | None = Field(default=None, description="An HTML fragment of it, for partner sites.")
    oembed: str | None = Field(default=None, description="Absolute oEmbed endpoint URL for it (oEmbed discovery).")


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
    causes: list[str] = Field(
        description="Ids of the causes this section discusses (see /v1/causes/{cause_id}).",
        examples=[["hipoksia", "epilepsi"]],
    )
    links: Links


class ReviewOut(_Out):
    """Whether a qualified person has checked the text, who, when, and when it is due again."""

    status: ReviewStatus = Field(
        description="reviewed; not-reviewed (no medical review is recorded); overdue (its next review has passed).",
        examples=["not-reviewed"],
    )
    reviewed_at: dt.date | None
    reviewed_by: Reviewer | None
    next_review: dt.date | None


class ArticleOut(_Out):
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


class ChangeLinks(_LinkSet):
    self: Href | None = Field(
        default=None, description="Where the changed document is served (a retracted article answers 410 there)."
    )


class ChangeOut(_Out):
    sequence: int = Field(description="Position in the feed; one more than the change before it.", examples=[42])
    at: dt.datetime = Field(description="When the change was served.")
    kind: Literal["article", "causes"] = Field(examples=["article"])
    id: str = Field(description="The article's slug, or `causes` for the cause taxonomy.", examples=["kram-otot-betis"])
    locale: Locale | None = Field(description="The article's locale; null for the taxonomy.", examples=["id"])
    change: Literal["published", "updated", "corrected", "retracted"] = Field(
        description=(
            "`published`: new, or back after a retraction; `updated`; `corrected`: the new version records "
            "editorial corrections, quoted in `reason`; `retracted`: withdrawn, `reason` says why."
        ),
        examples=["corrected"],
    )
    reason: str | None = Field(description="Why, when the editors said so.", examples=["Dosis diperbaiki"])
    version: str | None = Field(
        description="The new version: the `version` list items carry (a content hash); null when retracted."
    )
    links: ChangeLinks


class ChangeFeedOut(_Out):
    """Changes to published content in the order they happened."""

    changes: list[ChangeOut]
    cursor: str = Field(
        description=("Keep it and pass it as `since` to get what happens next; an empty page gives it back unchanged.")
    )
    more: bool = Field(description="Whether more changes follow at once (then fetch `links.next` right away).")
    links: Links


class ArticleSummaryOut(_Out):
    slug: str = Field(examples=["kram-otot-betis"])
    locale: Locale = Field(examples=["id"])
    title: str
    summary: str
    tags: list[str]
    updated_at: dt.date = Field(description="When the text last changed.")
    published_at: dt.datetime = Field(description="When this version was published: what `updated_since` compares.")
    version: str = Field(description="Changes whenever the article's content does (a hash of it).")
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
    causes: list[str] = Field(description="Ids of the causes this section discusses.")
    links: Links


class ArticleRef(_Out):
    slug: str
    locale: Locale
    title: str
    links: Links


class SearchSectionRef(_Out):
    id: str = Field(examples=["penyebab"])
    heading: str = Field(examples=["Penyebab kejang"])
    aspect: HealthAspect
    links: Links


class SearchMatchOut(_Out):
    word: str = Field(description="The query word (folded).", examples=["calcium"])
    term: str = Field(description="What it met: a word of the text, a stem, or a cause's term.", examples=["kalsium"])
    kind: Literal["exact", "stem", "typo", "cause"] = Field(
        description=(
            "`exact`, `stem` or `typo` (one letter off) against the text; `cause`: the query found a cause of "
            "the taxonomy (in either language) that this passage discusses."
        )
    )


class Highlight(_Out):
    start: int = Field(description="Offset into `snippet.text`, in Unicode code points.", examples=[0])
    end: int = Field(description="End offset (exclusive).", examples=[12])


class SnippetOut(_Out):
    text: str = Field(description="The passage, or a window of it around the first match (`…` marks a cut).")
    html: str = Field(description="`text` HTML-escaped, each matched word in `<mark>`: safe to insert as HTML.")
    highlights: list[Highlight] = Field(description="Where the matched words are in `text`, for clients that render.")


class SearchHitOut(_Out):
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


class SearchQueryOut(_Out):
    q: str
    words: list[str] = Field(description="The query's words as searched: folded, without stop words.")
    aspect: HealthAspect | None
    tag: str | None


class SearchOut(_Out):
    """Passages of the published articles that match the query, best first; each carries its article's
    attribution and disclaimer."""

    query: SearchQueryOut
    total: int
    items: list[SearchHitOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    links: Links


class SectionListOut(_Out):
    """The table of contents of an article."""

    article: ArticleRef
    sections: list[SectionSummaryOut]
    source: Attribution
    disclaimer: Disclaimer
    links: Links


class SectionOut(_Out):
    """One section, with what a client needs to show it on its own: attribution and disclaimer."""

    article: ArticleRef
    section: SectionBody
    source: Attribution
    disclaimer: Disclaimer
    review: ReviewOut
    links: Links


class HealthOut(_Out):
    status: Literal["ok", "degraded", "unavailable"] = Field(
        description="ok; degraded: some content is served from warm copies or left out; unavailable: "
        "articles cannot be read (with status 503).",
        examples=["ok"],
    )
    checks: dict[str, Literal["ok", "stale", "unavailable"]] = Field(
        description="Each part of the content: readable, served from a warm copy, or not readable.",
        examples=[{"articles": "ok", "causes": "ok"}],
    )


class HomeLinks(_LinkSet):
    self: Href
    articles: Href = Field(description="Published articles, a page at a time.")
    causes: Href = Field(description="The cause lookup.")
    cause_facets: Href = Field(description="Counts of causes per category and population.")
    changes: Href = Field(description="Every change to the content, in order, with its reason.")
    embed_script: Href = Field(description="The script partners add to embed sections.")
    openapi: Href = Field(description="This API's OpenAPI 3.1 document.")
    docs: Href | None = Field(default=None, description="Interactive documentation, where this stage serves it.")
    health: Href


class HomeOut(_Out):
    """What the API offers, with a link to each part."""

    name: str = Field(examples=["Konten Sehat API"])
    version: str = Field(examples=["0.1.0"])
    description: str
    problem_types: list[Href] = Field(description="Every `type` an error of this API can have.")
    links: HomeLinks


# --- causes --------------------------------------------------------------------------------


class TermOut(_Out):
    id: str = Field(examples=["electrolyte-metabolic"])
    label: str = Field(examples=["Elektrolit dan metabolisme"])


class Icd10Out(_Out):
    code: str = Field(examples=["E83.5"])
    title: str = Field(description="WHO ICD-10 title (English).", examples=["Disorders of calcium metabolism"])


class MentionOut(_Out):
    """Where an article discusses the cause: follow `href`, then `block` (and `item`) within the section."""

    article: str = Field(examples=["kram-otot-betis"])
    section: str = Field(examples=["penyebab"])
    block: int = Field(description="Index into the section's `blocks`, from 0.", examples=[1])
    item: int | None = Field(description="Index into the list's `items`, from 0.", examples=[3])
    excerpt: str = Field(examples=["Kekurangan kalium, kalsium, magnesium, glukosa darah;"])
    href: Href = Field(examples=["/v1/articles/kram-otot-betis/sections/penyebab"])


class MatchOut(_Out):
    """Why a result matched: which query word met which indexed word, where, and how."""

    word: str = Field(description="The query word.", examples=["kekurangan"])
    field: str = Field(description="name, synonym, explanation, category, population or icd10.", examples=["name"])
    language: Locale = Field(examples=["id"])
    term: str = Field(description="The indexed word it met.", examples=["kekurangan"])
    kind: str = Field(description="exact, stem or typo.", examples=["exact"])


class CauseOut(_Out):
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


class CauseQueryOut(_Out):
    q: str | None
    category: str | None
    population: str | None
    code: str | None = Field(description="The ICD-10 code as normalised.", examples=["E83.51"])
    article: str | None
    locale: Locale


class CauseSearchOut(_Out):
    """Causes that match, best first."""

    query: CauseQueryOut
    total: int = Field(description="How many causes match in all.")
    items: list[CauseHitOut]
    next_cursor: str | None
    source: Attribution | None = Field(description=f"Where the text comes from; {NoTaxonomyYet}")
    disclaimer: Disclaimer | None = Field(description=f"Show it with the causes; {NoTaxonomyYet}")
    links: Links


class FacetOut(_Out):
    id: str
    label: str
    count: int


class CauseFacetsOut(_Out):
    """How many causes each category and population has, among those matching the other filters."""

    query: CauseQueryOut
    total: int
    categories: list[FacetOut]
    populations: list[FacetOut]
    source: Attribution | None = Field(description=f"Where the labels come from; {NoTaxonomyYet}")
    disclaimer: Disclaimer | None = Field(description=f"Show it with what the counts lead to; {NoTaxonomyYet}")
    links: Links


# --- embeds ----------------------------------------------------------------------------------


class EmbedArticle(_Out):
    slug: str = Field(examples=["kram-otot-betis"])
    title: str
    url: str = Field(description="Absolute URL of the article as a readable page: link back to it.")


class EmbedSection(_Out):
    id: str
    heading: str
    aspect: HealthAspect
    blocks: list[Block]


class EmbedProvider(_Out):
    name: str = Field(examples=["Konten Sehat API"])
    url: str = Field(description="The API's root URL.")


class EmbedLabels(_Out):
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


class EmbedOut(_Out):
    """What an embed shows: content with attribution and the medical disclaimer, which must be shown with it."""

    locale: Locale
    whole_article: bool
    article: EmbedArticle
    sections: list[EmbedSection]
    source: Attribution
    disclaimer: Disclaimer
    review: ReviewOut
    provider: EmbedProvider
    labels: EmbedLabels
    links: Links


class OEmbedOut(_Out):
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


class JsonLdOut(RootModel[dict[str, Any]]):
    """schema.org JSON-LD: a MedicalWebPage whose parts are the sections (`Accept: application/ld+json`)."""
