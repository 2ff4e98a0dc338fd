"""Articles and their sections."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from api import paths
from api.dependencies import container
from api.http_caching import representation
from api.links import LinkBuilder
from api.models import ArticleListOut, ArticleOut, JsonLdOut, SectionListOut, SectionOut
from api.presenters.articles import article_list_out, article_out, section_list_out, section_out
from api.presenters.jsonld import article_jsonld
from api.problems import problem_responses
from api.routes.params import CursorQuery, LocaleQuery, SectionIdPath, SlugPath, request_links
from health_content.vocabulary import DEFAULT_LOCALE, Locale

router = Router()

JSON, JSON_LD = "application/json", "application/ld+json"


def _links(locale: Locale) -> LinkBuilder:
    return request_links(router, locale)


def _wants_jsonld(format: str | None) -> bool:
    if format is not None:
        return format == "jsonld"
    accept = router.current_event.headers.get("Accept") or ""
    best = parse_accept_header(accept, MIMEAccept).best_match([JSON, JSON_LD], default=JSON)
    return best == JSON_LD


@router.get(
    str(paths.ARTICLES),
    summary="List published articles",
    description="Articles in slug order, `limit` at a time; follow `next_cursor` for the next page.",
    tags=["Articles"],
    responses=problem_responses(400),
)
def list_articles(
    locale: LocaleQuery = DEFAULT_LOCALE,
    limit: Annotated[int, Query(ge=1, le=100, description="Articles per page.")] = 20,
    cursor: CursorQuery = None,
) -> Response[ArticleListOut]:
    page = container().articles.list_articles(locale, limit, cursor)
    return representation(article_list_out(page, _links(locale), cursor), language=locale)


@router.get(
    str(paths.ARTICLE),
    summary="Get an article",
    description=(
        "The whole article with its sections, attribution and medical disclaimer. With `Accept: "
        "application/ld+json` (or `format=jsonld`) the same article as schema.org JSON-LD: a MedicalWebPage whose "
        "parts are the sections, about a MedicalCondition whose causes carry their ICD-10 codes."
    ),
    tags=["Articles"],
    responses={
        **problem_responses(400, 404),
        200: {
            "description": "The article",
            "content": {JSON: {"model": ArticleOut}, JSON_LD: {"schema": {"type": "object"}}},
        },
    },
)
def get_article(
    slug: SlugPath,
    locale: LocaleQuery = DEFAULT_LOCALE,
    format: Annotated[
        Literal["json", "jsonld"] | None,
        Query(description="Representation, for clients that cannot set Accept; overrides Accept."),
    ] = None,
) -> Response[ArticleOut | JsonLdOut]:
    view = container().reader.view(slug, locale)
    links = _links(locale)
    vary = {"Vary": "Accept"}
    if _wants_jsonld(format):
        document = JsonLdOut(article_jsonld(view, links, container().settings.publisher_name))
        return representation(
            document, last_modified=view.last_modified, language=locale, content_type=JSON_LD, headers=vary
        )
    return representation(article_out(view, links), last_modified=view.last_modified, language=locale, headers=vary)


@router.get(
    str(paths.SECTIONS),
    summary="List an article's sections",
    description="The table of contents: each section's id, heading and health aspect.",
    tags=["Sections"],
    responses=problem_responses(400, 404),
)
def list_sections(slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[SectionListOut]:
    view = container().reader.view(slug, locale)
    return representation(section_list_out(view, _links(locale)), last_modified=view.last_modified, language=locale)


@router.get(
    str(paths.SECTION),
    summary="Get one section",
    description="One section with the article's attribution and disclaimer, ready to show on its own.",
    tags=["Sections"],
    responses=problem_responses(400, 404),
)
def get_section(
    slug: SlugPath, section_id: SectionIdPath, locale: LocaleQuery = DEFAULT_LOCALE
) -> Response[SectionOut]:
    view, section = container().reader.section_view(slug, section_id, locale)
    return representation(section_out(view, section, _links(locale)), last_modified=view.last_modified, language=locale)
