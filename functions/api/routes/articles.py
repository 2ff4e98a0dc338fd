"""Articles and their sections."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api import paths
from api.container import Container
from api.fields import PartialOut, SparseOut, UndocumentedFieldsQuery, fields_query, joined
from api.links import LinkBuilder
from api.media_types import HTML, JSON, JSON_LD
from api.models.articles import (
    ArticleListOut,
    ArticleOut,
    JsonLdOut,
    SectionListOut,
    SectionOut,
)
from api.negotiation import article_representation
from api.openapi import TEXT, model_response, ok, responses, text_response
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

UpdatedSinceQuery = Annotated[
    str | None,
    Query(
        pattern=RFC_3339,
        description=(
            "Only articles published after this instant (RFC 3339, with its offset), listed in order of publication."
        ),
        examples=["2026-11-24T00:00:00Z"],
    ),
]
TagQuery = Annotated[
    str | None, Query(pattern=TAG_PATTERN, description="Only articles with this tag.", examples=["kejang"])
]
# `format` on the article's own URL: the document gives each representation its own URL instead, and the parameter
# keeps working here for the clients that already use it.
UndocumentedFormatQuery = Annotated[
    Literal["json", "jsonld", "html"] | None,
    Query(description="Representation; overrides Accept.", include_in_schema=False),
]
ListFields = Annotated[list[str], fields_query(ArticleListOut, ["items.slug", "items.title", "next_cursor"])]
ArticleFields = Annotated[list[str], fields_query(ArticleOut, ["title", "summary", "sections.id", "sections.heading"])]
SectionListFields = Annotated[list[str], fields_query(SectionListOut, ["sections.id", "sections.heading"])]
SectionFields = Annotated[list[str], fields_query(SectionOut, ["section.heading", "section.blocks"])]
_PARTIAL = (
    "Only the fields named in `fields`, in the shape of {what} (`source` and `disclaimer` always come too); "
    "the same answer as `{url}?fields=…`."
)


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
        responses=responses(model_response(ArticleListOut, "One page of articles"), 400, 503),
    )
    def list_articles(
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
        updated_since: UpdatedSinceQuery = None,
        tag: TagQuery = None,
        fields: UndocumentedFieldsQuery = None,
    ) -> Response[ArticleListOut | PartialOut]:
        only = ListingFilter(_instant("updated_since", updated_since), tag)
        return answers.listing(_links(locale), locale, limit, cursor, only, fields)

    @router.route(
        str(paths.PARTIAL_ARTICLES),
        method=READ_METHODS,
        summary="List published articles, only the fields named",
        description="Only the fields named in `fields`, in the shape of the article list; the same answer as "
        "`/v1/articles?fields=…`.",
        tags=["Articles"],
        responses=responses(model_response(PartialOut, "One page of articles, only the fields named"), 400, 503),
    )
    def list_articles_partial(
        fields: ListFields,
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
        updated_since: UpdatedSinceQuery = None,
        tag: TagQuery = None,
    ) -> Response[ArticleListOut | PartialOut]:
        only = ListingFilter(_instant("updated_since", updated_since), tag)
        return answers.listing(_links(locale), locale, limit, cursor, only, joined(fields))

    # Registered before the article's own URL, which would otherwise take `kram-otot-betis.jsonld` for a slug.
    @router.route(
        str(paths.ARTICLE_JSONLD),
        method=READ_METHODS,
        summary="Get an article as schema.org JSON-LD",
        description=(
            "The article as schema.org JSON-LD: a MedicalWebPage whose parts are the sections, about a "
            "MedicalCondition whose causes carry their ICD-10 codes. The same answer as the article's URL with "
            "`Accept: application/ld+json` or `format=jsonld`."
        ),
        tags=["Articles"],
        responses=responses(
            ok("The article as schema.org JSON-LD", {JSON_LD: {"model": JsonLdOut}}), 400, 404, 410, 503
        ),
    )
    def get_article_jsonld(slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[JsonLdOut]:
        return answers.jsonld(_links(locale), slug, locale)

    @router.route(
        str(paths.ARTICLE_PAGE),
        method=READ_METHODS,
        summary="Get an article as a page to read",
        description=(
            "The article as an HTML page, where embeds link to; its errors are pages too. The same answer as the "
            "article's URL with `Accept: text/html` or `format=html`."
        ),
        tags=["Articles"],
        responses=responses(
            text_response(HTML, "The article as a page to read"), 400, 404, 410, 503, html_problems=True
        ),
    )
    def get_article_page(slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[str]:
        return answers.page(_links(locale), slug, locale)

    @router.route(
        str(paths.ARTICLE),
        method=READ_METHODS,
        summary="Get an article",
        description=(
            "The whole article with its sections, attribution and medical disclaimer. By `Accept`, the same URL "
            "answers schema.org JSON-LD (`application/ld+json`) or a page to read (`text/html`), which also have "
            "URLs of their own: `/v1/articles/{slug}.jsonld` and `/v1/articles/{slug}.html`. With a preview token, "
            "the article's draft (`draft: true` in the body; the page shows a banner and what the draft changes)."
        ),
        tags=["Articles"],
        responses=responses(
            ok(
                "The article; as JSON-LD or a page to read when Accept asks for one",
                {JSON: {"model": ArticleOut}, JSON_LD: {"model": JsonLdOut}, HTML: TEXT},
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
        format: UndocumentedFormatQuery = None,
        fields: UndocumentedFieldsQuery = None,
        preview: PreviewQuery = None,
    ) -> Response[ArticleOut | SparseOut | JsonLdOut | str]:
        links = _links(locale)
        wanted = article_representation(router.current_event, format)
        answer: Response[Any]
        token = preview_token(router, preview)
        if token is not None:
            if wanted == HTML:
                return previews.page(links, token, slug, locale)
            if wanted == JSON_LD:
                return previews.jsonld(links, token, slug, locale)
            return previews.article(links, token, slug, locale, fields)
        if wanted == HTML:
            answer = answers.page(links, slug, locale)
        elif wanted == JSON_LD:
            answer = answers.jsonld(links, slug, locale)
        else:
            answer = answers.article(links, slug, locale, fields)
        # Only this URL answers differently by Accept; the representations' own URLs do not.
        answer.headers["Vary"] = "Accept"
        return answer  # type: ignore[return-value]  # Response is invariant

    @router.route(
        str(paths.PARTIAL_ARTICLE),
        method=READ_METHODS,
        summary="Get an article, only the fields named",
        description=_PARTIAL.format(what="the article", url="/v1/articles/{slug}"),
        tags=["Articles"],
        responses=responses(
            model_response(SparseOut, "The fields named, with attribution and disclaimer"), 400, 404, 410, 503
        ),
    )
    def get_article_partial(
        slug: SlugPath, fields: ArticleFields, locale: LocaleQuery = DEFAULT_LOCALE
    ) -> Response[ArticleOut | SparseOut | str]:  # str: rendered before
        return answers.article(_links(locale), slug, locale, joined(fields))

    @router.route(
        str(paths.SECTIONS),
        method=READ_METHODS,
        summary="List an article's sections",
        description=(
            "The table of contents: each section's id, heading and health aspect. With a preview token, the draft's."
        ),
        tags=["Sections"],
        responses=responses(model_response(SectionListOut, "The article's table of contents"), 400, 401, 404, 410, 503),
    )
    def list_sections(
        slug: SlugPath,
        locale: LocaleQuery = DEFAULT_LOCALE,
        fields: UndocumentedFieldsQuery = None,
        preview: PreviewQuery = None,
    ) -> Response[SectionListOut | SparseOut | str]:  # str: rendered before
        token = preview_token(router, preview)
        if token is not None:
            return previews.sections(_links(locale), token, slug, locale, fields)
        return answers.sections(_links(locale), slug, locale, fields)

    @router.route(
        str(paths.PARTIAL_SECTIONS),
        method=READ_METHODS,
        summary="List an article's sections, only the fields named",
        description=_PARTIAL.format(what="the table of contents", url="/v1/articles/{slug}/sections"),
        tags=["Sections"],
        responses=responses(
            model_response(SparseOut, "The fields named, with attribution and disclaimer"), 400, 404, 410, 503
        ),
    )
    def list_sections_partial(
        slug: SlugPath, fields: SectionListFields, locale: LocaleQuery = DEFAULT_LOCALE
    ) -> Response[SectionListOut | SparseOut | str]:  # str: rendered before
        return answers.sections(_links(locale), slug, locale, joined(fields))

    @router.route(
        str(paths.SECTION),
        method=READ_METHODS,
        summary="Get one section",
        description=(
            "One section with the article's attribution and disclaimer, ready to show on its own. With a preview "
            "token, the draft's."
        ),
        tags=["Sections"],
        responses=responses(
            model_response(SectionOut, "The section with attribution and disclaimer"), 400, 401, 404, 410, 503
        ),
    )
    def get_section(
        slug: SlugPath,
        section_id: SectionIdPath,
        locale: LocaleQuery = DEFAULT_LOCALE,
        fields: UndocumentedFieldsQuery = None,
        preview: PreviewQuery = None,
    ) -> Response[SectionOut | SparseOut | str]:  # str: rendered before
        token = preview_token(router, preview)
        if token is not None:
            return previews.section(_links(locale), token, slug, section_id, locale, fields)
        return answers.section(_links(locale), slug, section_id, locale, fields)

    @router.route(
        str(paths.PARTIAL_SECTION),
        method=READ_METHODS,
        summary="Get one section, only the fields named",
        description=_PARTIAL.format(what="the section", url="/v1/articles/{slug}/sections/{section_id}"),
        tags=["Sections"],
        responses=responses(
            model_response(SparseOut, "The fields named, with attribution and disclaimer"), 400, 404, 410, 503
        ),
    )
    def get_section_partial(
        slug: SlugPath, section_id: SectionIdPath, fields: SectionFields, locale: LocaleQuery = DEFAULT_LOCALE
    ) -> Response[SectionOut | SparseOut | str]:  # str: rendered before
        return answers.section(_links(locale), slug, section_id, locale, joined(fields))

    return router
