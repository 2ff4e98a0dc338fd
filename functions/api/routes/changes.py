"""The change feed: what changed in the published content, in order, and why."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api import paths
from api.container import Container
from api.http_caching import representation
from api.models.changes import ChangeFeedOut
from api.openapi import model_response, responses
from api.presenters.changes import change_feed_out
from api.routes.params import READ_METHODS, LimitQuery, request_links
from health_content.cursor import DEFAULT_PAGE_SIZE, MAX_CURSOR_LENGTH
from health_content.vocabulary import DEFAULT_LOCALE

# A full page never changes (what follows it is on the next page): any cache may answer for half a minute.
FEED_CACHE_CONTROL = "public, max-age=30"
# The newest page grows with the next change: a client may keep it half a minute and revalidate (a 304), but
# shared caches (the CDN) never keep it, so a change reaches the feed's followers at once.
NEWEST_PAGE_CACHE_CONTROL = "private, max-age=30"


def routes(container: Container) -> Router:
    """The change feed route, answering from ``container``."""
    router = Router()

    @router.route(
        str(paths.CHANGES),
        method=READ_METHODS,
        summary="Follow changes to the content",
        description=(
            "Every change to published content (articles and the cause taxonomy), oldest first: published, updated, "
            "corrected (with the correction's reason) and retracted (with the editors' reason). Keep `cursor` and "
            "ask again later with `since=<cursor>` for what happened after; an empty page returns the same cursor, "
            "and with `If-None-Match` a 304. Changes are kept 90 days: a `since` older than that is a 410, after "
            "which a client resynchronises from the article and cause lists and follows the feed from its start."
        ),
        tags=["Changes"],
        responses=responses(model_response(ChangeFeedOut, "One page of changes"), 400, 410, 503),
    )
    def list_changes(
        since: Annotated[
            str | None,
            Query(
                max_length=MAX_CURSOR_LENGTH, description="The `cursor` of an earlier page: only what came after it."
            ),
        ] = None,
        limit: LimitQuery = DEFAULT_PAGE_SIZE,
    ) -> Response[ChangeFeedOut]:
        page = container.changes.page(since, limit)
        last_modified = page.changes[-1].at if page.changes else None
        body = change_feed_out(
            page, request_links(router, DEFAULT_LOCALE, container.settings.public_base_url), since, limit
        )
        lifetime = FEED_CACHE_CONTROL if page.more else NEWEST_PAGE_CACHE_CONTROL
        return representation(body, last_modified=last_modified, headers={"Cache-Control": lifetime})

    return router
