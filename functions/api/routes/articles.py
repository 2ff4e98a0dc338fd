"""Articles and their sections."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api import paths
from api.container import Container
from api.fields import FieldsQuery, PartialOut, SparseOut
from api.links import LinkBuilder
from api.media_types import HTML, JSON, JSON_LD
from api.models.articles import (
    ArticleListOut,
    ArticleOut,
    ArticlePreviewOut,
    JsonLdOut,
    SectionListOut,
    SectionListPreviewOut,
    SectionOut,
    SectionPreviewOut,
)
from api.negotiation import article_representation
from api.openapi import OPTIONAL_PREVIEW, TEXT, model_response, ok, responses
from api.routes.article_responses import ArticleResponses
from api.routes.params import (
    READ_METHODS,
    CursorQuery,
    LimitQuery,
    LocaleQuery,
    PreviewQuery,
    SectionIdPath,
    SlugPath,
    preview_token,
    request_links,
)
from api.routes.previews import PreviewResponses
from health_content.articles.model import TAG_PATTERN
from health_content.articles.store import ListingFilter
from health_content.cursor import DEFAULT_PAGE_SIZE
from health_content.errors import InvalidQuery
from health_content.vocabulary import DEFAULT_LOCALE, Locale

# RFC 3339 date-time: a date, a time and an offset (what `updated_since` takes).
RFC_3339 = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$"


def routes(container: Container) -> Router:
    """The article routes, answering from ``container``."""
    router = Router()
    answers = ArticleResponses(container)
    previews = PreviewResponses(container)

    def _links(locale: Locale) -> LinkBuilder:
        return request_links(router, locale, container.settings.public_base_url)

    def _instant(name: str, value: str | None) -> dt.datetime | None:
        if value is None:
            return None
        try:
            return dt.datetime.fromisoformat(value.upper())  # RFC 3339 allows a lower-case "t" and "z"
        except ValueError:
            raise InvalidQuery([(name, "not a date and time that exists (RFC 3339, with its offset)")]) from None

    @router.route(
        str(paths.ARTICLES),
        method=READ_METHODS,
        summary="List published articles",
        description=(
            "Articles in slug order, `limit` at a time; follow `next_cursor` (or `links.next`) for the next page. "
            "`updated_since` keeps those published after an instant, in order of publication (oldest first, then "
            "by slug), and `tag` those with a tag; every page but the last is full. Each item carries its "
            "`version`, so a client can tell what changed without fetching every article."
        ),
        tags=["Articles"],
        responses=responses(model_response(ArticleListOut | PartialOut, "One page of articles"), 400, 503),
    )
    def list_articles(
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
        updated_since: Annotated[
            str | None,
            Query(
                pattern=RFC_3339,
                description=(
                    "Only articles published after this instant (RFC 3339, with its offset), listed in order of "
                    "publication."
                ),
                examples=["2026-11-24T00:00:00Z"],
            ),
        ] = None,
        tag: Annotated[
            str | None, Query(pattern=TAG_PATTERN, description="Only articles with this tag.", examples=["kejang"])
        ] = None,
        fields: FieldsQuery = None,
    ) -> Response[ArticleListOut | PartialOut]:
        only = ListingFilter(_instant("updated_since", updated_since), tag)
        return answers.listing(_links(locale), locale, limit, cursor, only, fields)

    @router.route(
        str(paths.ARTICLE),
        method=READ_METHODS,
        summary="Get an article",
        description=(
            "The whole article with its sections, attribution and medical disclaimer. With `Accept: "
            "application/ld+json` (or `format=jsonld`) the same article as schema.org JSON-LD: a MedicalWebPage whose "
            "parts are the sections, about a MedicalCondition whose causes carry their ICD-10 codes. A browser "
            "(`Accept: text/html`, or `format=html`) gets the article as a page to read, where embeds link to. With a "
            "preview token, the article's draft (`draft: true`; the page shows a banner and what the draft changes)."
        ),
        tags=["Articles"],
        security=OPTIONAL_PREVIEW,
        responses=responses(
            ok(
                "The article, as JSON, schema.org JSON-LD or a page to read",
                {
                    JSON: {"model": ArticleOut | ArticlePreviewOut | SparseOut},
                    JSON_LD: {"model": JsonLdOut},
                    HTML: TEXT,
                },
            ),
            400,
            401,
            404,
            410,
            503,
            html_problems=True,  # a browser asking for the page gets its errors as a page too
        ),
    )
    def get_article(
        slug: SlugPath,
        locale: LocaleQuery = DEFAULT_LOCALE,
        format: Annotated[
            Literal["json", "jsonld", "html"] | None,
            Query(description="Representation, for clients that cannot set Accept; overrides Accept."),
        ] = None,
        fields: FieldsQuery = None,
        preview: PreviewQuery = None,
    ) -> Response[ArticleOut | ArticlePreviewOut | SparseOut | JsonLdOut | str]:
        links = _links(locale)
        wanted = article_representation(router.current_event, format)
        token = preview_token(router, preview)
        if token is not None:
            if wanted == HTML:
                return previews.page(links, token, slug, locale)
            if wanted == JSON_LD:
                return previews.jsonld(links, token, slug, locale)
            return previews.article(links, token, slug, locale, fields)
        if wanted == HTML:
            return answers.page(links, slug, locale)  # type: ignore[return-value]  # Response is invariant
        if wanted == JSON_LD:
            return answers.jsonld(links, slug, locale)  # type: ignore[return-value]
        return answers.article(links, slug, locale, fields)  # type: ignore[return-value]

    @router.route(
        str(paths.SECTIONS),
        method=READ_METHODS,
        summary="List an article's sections",
        description=(
            "The table of contents: each section's id, heading and health aspect. With a preview token, the draft's."
        ),
        tags=["Sections"],
        security=OPTIONAL_PREVIEW,
        responses=responses(
            model_response(SectionListOut | SectionListPreviewOut | SparseOut, "The article's table of contents"),
            400,
            401,
            404,
            410,
            503,
        ),
    )
    def list_sections(
        slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE, fields: FieldsQuery = None, preview: PreviewQuery = None
    ) -> Response[SectionListOut | SectionListPreviewOut | SparseOut | str]:  # str: rendered before
        token = preview_token(router, preview)
        if token is not None:
            return previews.sections(_links(locale), token, slug, locale, fields)
        return answers.sections(_links(locale), slug, locale, fields)

    @router.route(
        str(paths.SECTION),
        method=READ_METHODS,
        summary="Get one section",
        description=(
            "One section with the article's attribution and disclaimer, ready to show on its own. With a preview "
            "token, the draft's."
        ),
        tags=["Sections"],
        security=OPTIONAL_PREVIEW,
        responses=responses(
            model_response(SectionOut | SectionPreviewOut | SparseOut, "The section with attribution and disclaimer"),
            400,
            401,
            404,
            410,
            503,
        ),
    )
    def get_section(
        slug: SlugPath,
        section_id: SectionIdPath,
        locale: LocaleQuery = DEFAULT_LOCALE,
        fields: FieldsQuery = None,
        preview: PreviewQuery = None,
    ) -> Response[SectionOut | SectionPreviewOut | SparseOut | str]:  # str: rendered before
        token = preview_token(router, preview)
        if token is not None:
            return previews.section(_links(locale), token, slug, section_id, locale, fields)
        return answers.section(_links(locale), slug, section_id, locale, fields)

    return router
