"""Parameters and helpers the routers share."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from api.links import LinkBuilder
from health_content.articles.previews import MAX_TOKEN_LENGTH
from health_content.cursor import MAX_CURSOR_LENGTH, MAX_PAGE_SIZE
from health_content.vocabulary import SLUG_MAX_LENGTH, SLUG_PATTERN, Locale

# What a person types into a query: any characters but control characters (which no query needs, and
# which would end up in logs and in answers that quote the query).
TYPED_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# Every route answers HEAD as GET without the body (RFC 9110); the entry point drops the body.
READ_METHODS = ["GET", "HEAD"]

SlugPath = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        max_length=SLUG_MAX_LENGTH,
        description="The article's slug.",
        examples=["kram-otot-betis"],
    ),
]
SectionIdPath = Annotated[
    str,
    Path(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="The section's id.", examples=["penyebab"]),
]
LocaleQuery = Annotated[Locale, Query(description="Language of the content and labels (BCP 47).")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
CursorQuery = Annotated[
    str | None, Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page.")
]

PreviewQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_TOKEN_LENGTH,
        description=(
            "A preview token (`content-api preview-token`), for links that cannot carry `Authorization: Bearer`: "
            "the answer is then the article's draft (or its published version when it has none), marked `draft`, "
            "never cached. A bad or expired token is a 401."
        ),
    ),
]


def preview_token(router: Router, preview: str | None) -> str | None:
    """The preview token of the current request: the bearer token of its Authorization header, else the
    `preview` parameter; None when it has neither (any other Authorization scheme is not ours to read)."""
    headers = router.current_event.headers
    authorization = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    return preview


def request_links(router: Router, locale: Locale, public_base_url: str | None) -> LinkBuilder:
    """Links for the current request: its stage prefix and host, or the configured public base URL."""
    event = router.current_event
    assert isinstance(event, APIGatewayProxyEvent)  # the API is a REST resolver
    return LinkBuilder.for_request(event, locale, public_base_url)
