"""The problem types every error of the API is one of (RFC 9457), and their OpenAPI description.

A leaf: the error mapping (``problems.py``), the home document, the OpenAPI document, the template's
gateway responses and the local gateway all read these titles, statuses and descriptions from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from http import HTTPStatus

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field

from api.media_types import PROBLEM_JSON

# What every 503 of the API says in Retry-After: time for a store hiccup to pass, short enough to be retried.
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: HTTPStatus
    description: str

    @property
    def uri(self) -> str:
        return f"/problems/{self.slug}"


PROBLEM_TYPES = {
    problem.slug: problem
    for problem in (
        ProblemType("not-found", "Not found", HTTPStatus.NOT_FOUND, "Nothing is published at this address."),
        ProblemType(
            "retracted",
            "Retracted",
            HTTPStatus.GONE,
            "The article was withdrawn by its editors; `retracted_at` says when and `reason`, when given, why.",
        ),
        ProblemType(
            "changes-expired",
            "Changes no longer kept",
            HTTPStatus.GONE,
            "The change feed no longer holds what followed this cursor: resynchronise from the lists, then follow "
            "the feed again from its start.",
        ),
        ProblemType(
            "method-not-allowed",
            "Method not allowed",
            HTTPStatus.METHOD_NOT_ALLOWED,
            "The resource exists but does not support this method; the Allow header lists those it does.",
        ),
        ProblemType(
            "invalid-request",
            "Invalid request",
            HTTPStatus.BAD_REQUEST,
            "A path or query parameter is missing or invalid; `errors` says which and why.",
        ),
        ProblemType(
            "invalid-cursor",
            "Invalid cursor",
            HTTPStatus.BAD_REQUEST,
            "The pagination cursor was not issued by this API for this listing.",
        ),
        ProblemType(
            "invalid-preview-token",
            "Invalid preview token",
            HTTPStatus.UNAUTHORIZED,
            "The preview token (`Authorization: Bearer` or `preview`) is malformed, altered, expired or for another "
            "article; `detail` says which. Ask an editor for a new one (`content-api preview-token`), or leave it out "
            "to read the published article.",
        ),
        ProblemType(
            "unsupported-format",
            "Unsupported format",
            HTTPStatus.NOT_IMPLEMENTED,
            "The requested response format is not implemented (oEmbed: only json).",
        ),
        ProblemType(
            "unavailable",
            "Service unavailable",
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The content store could not be reached; retry after the number of seconds in Retry-After.",
        ),
        ProblemType(
            "content-unavailable",
            "Content unavailable",
            HTTPStatus.SERVICE_UNAVAILABLE,
            "What was asked for is stored but cannot be read right now; operators are alerted. Retry after the "
            "number of seconds in Retry-After.",
        ),
        ProblemType(
            "forbidden",
            "Forbidden",
            HTTPStatus.FORBIDDEN,
            "API Gateway refused the request: a missing or unknown API key where the stage requires one, or a "
            "request its rules reject.",
        ),
        ProblemType(
            "throttled",
            "Too many requests",
            HTTPStatus.TOO_MANY_REQUESTS,
            "The API's request rate limit was reached (answered by API Gateway); retry after Retry-After seconds.",
        ),
        ProblemType(
            "gateway-error",
            "Service unavailable",
            HTTPStatus.BAD_GATEWAY,
            "API Gateway could not get an answer from the API in time (its 5XX answers); retry after Retry-After "
            "seconds.",
        ),
        ProblemType(
            "internal-error",
            "Internal error",
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "Something failed on our side; quote `request_id` when reporting it.",
        ),
    )
}


class UnsupportedFormat(Exception):
    """A client asked for a representation the API does not produce (oEmbed's xml, for one)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidParam(BaseModel):
    name: str = Field(description="The parameter, for example `limit`.", examples=["limit"])
    location: str = Field(description="Where it was sent: path, query or header.", examples=["query"])
    reason: str = Field(examples=["Input should be greater than or equal to 1"])


class Problem(BaseModel):
    """RFC 9457 problem details, with the request id and, for invalid requests, each bad parameter."""

    type: str = Field(description="URI reference naming the kind of problem.", examples=["/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No article 'kram' is published in locale 'id'."])
    instance: str = Field(description="The path that was requested.", examples=["/v1/articles/kram"])
    request_id: str | None = Field(default=None, description="Quote it when reporting a problem.")
    errors: list[InvalidParam] | None = None
    reason: str | None = Field(default=None, description="Retracted articles: why, when the editors said.")
    retracted_at: dt.datetime | None = Field(default=None, description="Retracted articles: when.")


class ProblemTypeOut(BaseModel):
    type: str
    title: str
    status: int
    description: str


def problem_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` entries for the problems a route can return."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"model": Problem}},
        }
        for status in statuses
    }
