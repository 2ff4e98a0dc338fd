"""Search across the text of every published article."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api import paths
from api.container import Container
from api.http_caching import released_at, representation
from api.models.search import SearchOut
from api.openapi import model_response, responses
from api.presenters.search import search_out
from api.routes.params import READ_METHODS, TYPED_TEXT_PATTERN, CursorQuery, LimitQuery, LocaleQuery, request_links
from health_content.articles.model import TAG_PATTERN, HealthAspect
from health_content.cursor import DEFAULT_PAGE_SIZE
from health_content.search.index import MAX_QUERY_LENGTH, SearchQuery
from health_content.vocabulary import DEFAULT_LOCALE


def routes(container: Container) -> Router:
    """The search route, answering from ``container``."""
    router = Router()

    @router.route(
        str(paths.SEARCH),
        method=READ_METHODS,
        summary="Search the articles",
        description=(
            "Titles, headings, paragraphs and list items of every published article that match the words of `q`, "
            "in Indonesian or English: exact words, stems (Sastrawi), one typo per longer word, and the cause "
            "taxonomy's names and lay synonyms in both languages, which lead to the passages that discuss each "
            "cause. Best first; passages that match more of the words come first. A hit in a list points to its "
            "item. Each hit has a snippet with its matched words marked, as escaped HTML and as offsets."
        ),
        tags=["Search"],
        responses=responses(model_response(SearchOut, "Matching passages, best first"), 400, 503),
    )
    def search_articles(
        q: Annotated[
            str,
            Query(
                max_length=MAX_QUERY_LENGTH,
                pattern=TYPED_TEXT_PATTERN,
                description="What to look for, in Indonesian or English words.",
                examples=["kekurangan kalsium"],
            ),
        ],
        aspect: Annotated[HealthAspect | None, Query(description="Only sections about this health aspect.")] = None,
        tag: Annotated[
            str | None, Query(pattern=TAG_PATTERN, description="Only articles with this tag.", examples=["kejang"])
        ] = None,
        locale: LocaleQuery = DEFAULT_LOCALE,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
        cursor: CursorQuery = None,
    ) -> Response[SearchOut]:
        query = SearchQuery.of(q, aspect.value if aspect else None, tag)
        page = container.search.search(query, locale, limit, cursor)
        body = search_out(page, query, request_links(router, locale, container.settings.public_base_url), cursor, limit)
        changed = [hit.published_at for hit in page.hits]
        return representation(body, last_modified=max(changed, default=released_at()), language=locale)

    return router
