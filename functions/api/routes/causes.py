"""Cause lookup: search by words, category, population, ICD-10 code or article; facets; one cause."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from api import paths
from api.container import Container
from api.fields import (
    SparseOut,
    UndocumentedFieldsQuery,
    check_selection,
    fields_query,
    joined,
    normalized_fields,
    select,
)
from api.http_caching import released_at, rendered_representation, representation
from api.links import LinkBuilder
from api.models.causes import CauseDetailOut, CauseFacetsOut, CauseSearchOut
from api.openapi import model_response, responses
from api.presenters.causes import cause_out, facets_out, search_out
from api.routes.params import READ_METHODS, TYPED_TEXT_PATTERN, CursorQuery, LimitQuery, LocaleQuery, request_links
from health_content.causes import icd10
from health_content.causes.index import CauseIndex, CauseQuery
from health_content.cursor import DEFAULT_PAGE_SIZE
from health_content.vocabulary import DEFAULT_LOCALE, SLUG_MAX_LENGTH, SLUG_PATTERN, Locale

TextQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=TYPED_TEXT_PATTERN,
        description="Words in Indonesian or English; stems, lay synonyms and one typo per longer word are matched.",
        examples=["kekurangan kalsium"],
    ),
]


def _vocabulary_query(what: str, example: str) -> object:
    return Query(
        pattern=SLUG_PATTERN, max_length=50, description=f"A {what} id (see /v1/causes/facets).", examples=[example]
    )


CategoryQuery = Annotated[str | None, _vocabulary_query("category", "infection")]
PopulationQuery = Annotated[str | None, _vocabulary_query("population", "children")]
CodeQuery = Annotated[
    str | None,
    Query(
        pattern=icd10.QUERY_PATTERN,
        description="ICD-10 code: E83 finds causes filed under E83.x; E83.51 finds those filed at E83.5 or E83.",
        examples=["G40"],
    ),
]
CauseIdPath = Annotated[
    str,
    Path(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="The cause's id.", examples=["hipokalsemia"]),
]
SearchFields = Annotated[list[str], fields_query(CauseSearchOut, ["items.id", "items.name", "total"])]
CauseFields = Annotated[list[str], fields_query(CauseDetailOut, ["name", "icd10", "mentions"])]
ArticleQuery = Annotated[
    str | None,
    Query(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="Only causes this article discusses."),
]


def routes(container: Container) -> Router:
    """The cause lookup routes, answering from ``container``."""
    router = Router()

    def _links(locale: Locale) -> LinkBuilder:
        return request_links(router, locale, container.settings.public_base_url)

    def _published_at(index: CauseIndex | None) -> dt.datetime:
        """Cause responses change when the taxonomy is published (or, with none yet, when the code is)."""
        return (index.published_at if index else None) or released_at()

    def _search(
        query: CauseQuery, locale: Locale, limit: int, cursor: str | None, fields: str | None
    ) -> Response[CauseSearchOut | SparseOut | str]:  # str: rendered before
        check_selection(fields, CauseSearchOut)
        catalog, links = container.causes, _links(locale)
        index = catalog.current()
        # One rendering per query, page and taxonomy version: a repeated lookup neither searches nor serialises.
        version = index.version if index else None
        key = ("causes", query.fingerprint(), locale, limit, cursor, normalized_fields(fields), links.base_url, version)

        def render() -> CauseSearchOut | SparseOut:
            page = catalog.search(query, limit, cursor)
            return select(search_out(page, query, locale, links, cursor, limit), fields, SparseOut)

        rendered = container.renderings.get(key, render)
        return rendered_representation(rendered, last_modified=_published_at(index), language=locale)

    @router.route(
        str(paths.CAUSES),
        method=READ_METHODS,
        summary="Look up causes",
        description=(
            "Causes of cramps and seizures that match every filter given, best first, each with its score, "
            "the words that matched, and links to where the article discusses it. No match is an empty list."
        ),
        tags=["Causes"],
        responses=responses(model_response(CauseSearchOut, "Matching causes, best first"), 400, 503),
    )
    def search_causes(
        q: TextQuery = None,
        category: CategoryQuery = None,
        population: PopulationQuery = None,
        code: CodeQuery = None,
        article: ArticleQuery = None,
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
        fields: UndocumentedFieldsQuery = None,
    ) -> Response[CauseSearchOut | SparseOut | str]:  # str: rendered before
        return _search(CauseQuery.of(q, category, population, code, article), locale, limit, cursor, fields)

    @router.route(
        str(paths.PARTIAL_CAUSES),
        method=READ_METHODS,
        summary="Look up causes, only the fields named",
        description=(
            "Only the fields named in `fields`, in the shape of the cause lookup (`source` and `disclaimer` always "
            "come too); the same answer as `/v1/causes?fields=…`."
        ),
        tags=["Causes"],
        responses=responses(model_response(SparseOut, "The fields named, with attribution and disclaimer"), 400, 503),
    )
    def search_causes_partial(
        fields: SearchFields,
        q: TextQuery = None,
        category: CategoryQuery = None,
        population: PopulationQuery = None,
        code: CodeQuery = None,
        article: ArticleQuery = None,
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
    ) -> Response[CauseSearchOut | SparseOut | str]:  # str: rendered before
        return _search(CauseQuery.of(q, category, population, code, article), locale, limit, cursor, joined(fields))

    @router.route(
        str(paths.CAUSE_FACETS),
        method=READ_METHODS,
        summary="Count causes per category and population",
        description="For building filters: each count applies the other filters given, but not its own.",
        tags=["Causes"],
        responses=responses(model_response(CauseFacetsOut, "Counts per category and population"), 400, 503),
    )
    def cause_facets(
        q: TextQuery = None,
        category: CategoryQuery = None,
        population: PopulationQuery = None,
        code: CodeQuery = None,
        article: ArticleQuery = None,
        locale: LocaleQuery = DEFAULT_LOCALE,
    ) -> Response[CauseFacetsOut]:
        query = CauseQuery.of(q, category, population, code, article)
        facets, index = container.causes.facets(query)
        body = facets_out(facets, index, query, locale, _links(locale))
        return representation(body, last_modified=_published_at(index), language=locale)

    def _cause(cause_id: str, locale: Locale, fields: str | None) -> Response[CauseDetailOut | SparseOut]:
        check_selection(fields, CauseDetailOut)
        cause, index = container.causes.get(cause_id)
        body = select(cause_out(cause, index, locale, _links(locale)), fields, SparseOut)
        return representation(body, last_modified=_published_at(index), language=locale)

    @router.route(
        str(paths.CAUSE),
        method=READ_METHODS,
        summary="Get one cause",
        description="A cause with its synonyms, ICD-10 codes and every place the articles discuss it.",
        tags=["Causes"],
        responses=responses(model_response(CauseDetailOut, "The cause"), 400, 404, 503),
    )
    def get_cause(
        cause_id: CauseIdPath, locale: LocaleQuery = DEFAULT_LOCALE, fields: UndocumentedFieldsQuery = None
    ) -> Response[CauseDetailOut | SparseOut]:
        return _cause(cause_id, locale, fields)

    @router.route(
        str(paths.PARTIAL_CAUSE),
        method=READ_METHODS,
        summary="Get one cause, only the fields named",
        description=(
            "Only the fields named in `fields`, in the shape of the cause (`source` and `disclaimer` always come "
            "too); the same answer as `/v1/causes/{cause_id}?fields=…`."
        ),
        tags=["Causes"],
        responses=responses(
            model_response(SparseOut, "The fields named, with attribution and disclaimer"), 400, 404, 503
        ),
    )
    def get_cause_partial(
        cause_id: CauseIdPath, fields: CauseFields, locale: LocaleQuery = DEFAULT_LOCALE
    ) -> Response[CauseDetailOut | SparseOut]:
        return _cause(cause_id, locale, joined(fields))

    return router
