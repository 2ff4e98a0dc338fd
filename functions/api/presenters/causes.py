"""Causes, search results and facets as response models, in the requested language."""

from __future__ import annotations

from typing import TypedDict

from api.links import LinkBuilder
from api.models.causes import (
    CauseDetailOut,
    CauseFacetsOut,
    CauseHitOut,
    CauseQueryOut,
    CauseSearchOut,
    FacetOut,
    Icd10Out,
    MatchOut,
    MentionOut,
    TermOut,
)
from api.models.common import Links
from health_content.causes.catalog import CausePage
from health_content.causes.index import CauseIndex, CauseQuery, Facets, Hit
from health_content.causes.model import Cause
from health_content.vocabulary import Locale


class _CauseFields(TypedDict):
    """What every representation of a cause shows."""

    id: str
    name: str
    explanation: str
    category: TermOut
    populations: list[TermOut]
    icd10: list[Icd10Out]
    mentions: list[MentionOut]
    links: Links


def _fields(cause: Cause, index: CauseIndex, locale: Locale, links: LinkBuilder) -> _CauseFields:
    category = index.categories[cause.category]
    return {
        "id": cause.id,
        "name": cause.name.in_(locale),
        "explanation": cause.explanation.in_(locale),
        "category": TermOut(id=category.id, label=category.label.in_(locale)),
        "populations": [TermOut(id=p, label=index.populations[p].label.in_(locale)) for p in cause.populations],
        "icd10": [Icd10Out(code=code, title=index.icd10_titles.get(code, "")) for code in cause.icd10],
        "mentions": [
            MentionOut(
                article=mention.article,
                section=mention.section,
                block=mention.block,
                item=mention.item,
                excerpt=index.excerpt(cause, mention),
                href=links.in_locale(mention.locale).section(mention.article, mention.section),
            )
            for mention in cause.mentions
        ],
        "links": Links(self=links.cause(cause.id)),
    }


def cause_out(cause: Cause, index: CauseIndex, locale: Locale, links: LinkBuilder) -> CauseDetailOut:
    return CauseDetailOut(
        **_fields(cause, index, locale, links),
        synonyms=cause.synonyms.in_(locale),
        source=index.taxonomy.source,
        disclaimer=index.taxonomy.disclaimer.in_(locale),
    )


def _hit_out(hit: Hit, index: CauseIndex, locale: Locale, links: LinkBuilder) -> CauseHitOut:
    return CauseHitOut(
        **_fields(hit.cause, index, locale, links),
        score=round(hit.score, 3),
        matched=[
            MatchOut(word=m.word, field=m.field, language=m.language, term=m.term, kind=m.kind) for m in hit.matches
        ],
        code_match=hit.code_relation,
    )


def _query_out(query: CauseQuery, locale: Locale) -> CauseQueryOut:
    return CauseQueryOut(
        q=query.q,
        category=query.category,
        population=query.population,
        code=query.code,
        article=query.article,
        locale=locale,
    )


def _params(query: CauseQuery) -> dict[str, str | None]:
    return {
        "q": query.q,
        "category": query.category,
        "population": query.population,
        "code": query.code,
        "article": query.article,
    }


def search_out(
    page: CausePage, query: CauseQuery, locale: Locale, links: LinkBuilder, cursor: str | None, limit: int
) -> CauseSearchOut:
    index = page.index
    return CauseSearchOut(
        query=_query_out(query, locale),
        total=page.total,
        items=[_hit_out(hit, index, locale, links) for hit in page.hits] if index else [],
        next_cursor=page.next_cursor,
        source=index.taxonomy.source if index else None,
        disclaimer=index.taxonomy.disclaimer.in_(locale) if index else None,
        links=Links(
            self=links.causes(limit, **_params(query), cursor=cursor),
            next=links.causes(limit, **_params(query), cursor=page.next_cursor) if page.next_cursor else None,
        ),
    )


def facets_out(
    facets: Facets, index: CauseIndex | None, query: CauseQuery, locale: Locale, links: LinkBuilder
) -> CauseFacetsOut:
    categories: list[FacetOut] = []
    populations: list[FacetOut] = []
    if index is not None:
        categories = [
            FacetOut(id=f.id, label=index.categories[f.id].label.in_(locale), count=f.count) for f in facets.categories
        ]
        populations = [
            FacetOut(id=f.id, label=index.populations[f.id].label.in_(locale), count=f.count)
            for f in facets.populations
        ]
    return CauseFacetsOut(
        query=_query_out(query, locale),
        total=facets.total,
        categories=categories,
        populations=populations,
        source=index.taxonomy.source if index else None,
        disclaimer=index.taxonomy.disclaimer.in_(locale) if index else None,
        links=Links(self=links.cause_facets(**_params(query))),
    )
