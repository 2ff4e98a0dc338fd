"""Every error leaves the API as RFC 9457 problem details; this is the only place that maps them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, Field

from api import paths
from api.dependencies import container
from api.links import LinkBuilder
from api.negotiation import HTML, article_representation
from api.presenters.embeds import error_html, page_security_policy
from health_content.errors import (
    ArticleRetracted,
    ChangesExpired,
    ContentUnavailable,
    DocumentUnreadable,
    InvalidCursor,
    InvalidQuery,
    NotFound,
)
from health_content.observability import logger, metrics
from health_content.vocabulary import DEFAULT_LOCALE, as_locale

PROBLEM_JSON = "application/problem+json"
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


def problem_response(
    app: APIGatewayRestResolver,
    slug: str,
    detail: str,
    *,
    errors: list[InvalidParam] | None = None,
    headers: dict[str, str] | None = None,
    retraction: ArticleRetracted | None = None,
) -> Response[str]:
    problem_type = PROBLEM_TYPES[slug]
    event = app.current_event
    problem = Problem(
        type=problem_type.uri,
        title=problem_type.title,
        status=problem_type.status,
        detail=detail,
        instance=event.path,
        request_id=event.request_context.request_id,
        errors=errors,
        reason=retraction.reason if retraction else None,
        retracted_at=retraction.at if retraction else None,
    )
    # 501 answers a format the client asked for and the API does not offer: the client's error, not ours.
    server_error = problem.status >= 500 and problem.status != HTTPStatus.NOT_IMPLEMENTED
    metrics.add_metric(name="ServerErrors" if server_error else "ClientErrors", unit="Count", value=1)
    if _shown_in_a_page(app):
        locale = as_locale(event.get_query_string_value("locale") or DEFAULT_LOCALE) or DEFAULT_LOCALE
        assert isinstance(event, APIGatewayProxyEvent)  # the API is a REST resolver
        links = LinkBuilder.for_request(event, locale, container().settings.public_base_url)
        return Response(
            status_code=problem.status,
            content_type="text/html; charset=utf-8",
            body=error_html(problem.status, detail, locale, links),
            headers={
                "Cache-Control": "no-store",
                "Content-Security-Policy": page_security_policy(links.origin),
                **_open_to_any_origin(app),
                **(headers or {}),
            },
        )
    return Response(
        status_code=problem.status,
        content_type=PROBLEM_JSON,
        body=json.dumps(problem.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
        # Errors must never be cached: the same request may succeed a moment later.
        headers={"Cache-Control": "no-store", **_open_to_any_origin(app), **(headers or {})},
    )


# Frames and fragments are shown inside a partner's page, so their errors are small HTML pages too; and
# like their successes, the errors of every embed route may be read by any origin (the embed script
# tells "not found" from "unavailable" by the status).
_PAGES = (paths.FRAME_ARTICLE, paths.FRAME_SECTION, paths.EMBED_ARTICLE, paths.EMBED_SECTION)
_OPEN_TO_ANY_ORIGIN = (*_PAGES, paths.OEMBED)


def _shown_in_a_page(app: APIGatewayRestResolver) -> bool:
    event = app.current_event
    if paths.ARTICLE.match(event.path):  # a browser asking for the page to read
        return article_representation(event, event.get_query_string_value("format")) == HTML
    if not any(route.match(event.path) for route in _PAGES):
        return False
    return (event.get_query_string_value("format") or "html") != "json"


def _open_to_any_origin(app: APIGatewayRestResolver) -> dict[str, str]:
    path = app.current_event.path
    return {"Access-Control-Allow-Origin": "*"} if any(route.match(path) for route in _OPEN_TO_ANY_ORIGIN) else {}


def _invalid_params(error: RequestValidationError) -> list[InvalidParam]:
    params = []
    for item in error.errors():
        location = item.get("loc", ())
        params.append(
            InvalidParam(
                location=str(location[0]) if location else "request",
                name=".".join(str(part) for part in location[1:]) or "request",
                reason=str(item.get("msg", "invalid value")),
            )
        )
    return params


def _allowed_methods(app: APIGatewayRestResolver, path: str) -> set[str]:
    # Powertools reports an unmatched method as "not found"; its route table tells 404 from 405.
    routes = app._static_routes + app._dynamic_routes
    return {route.method for route in routes if route.rule.match(path)}


def register_problem_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        params = _invalid_params(error)
        detail = "; ".join(f"{p.location} parameter {p.name!r}: {p.reason}" for p in params)
        return problem_response(app, "invalid-request", detail, errors=params)

    @app.exception_handler(InvalidQuery)
    def invalid_query(error: InvalidQuery) -> Response[str]:
        params = [InvalidParam(name=name, location="query", reason=reason) for name, reason in error.errors]
        detail = "; ".join(f"query parameter {p.name!r}: {p.reason}" for p in params)
        return problem_response(app, "invalid-request", detail, errors=params)

    @app.exception_handler(UnsupportedFormat)
    def unsupported_format(error: UnsupportedFormat) -> Response[str]:
        return problem_response(app, "unsupported-format", error.detail)

    @app.exception_handler(InvalidCursor)
    def invalid_cursor(error: InvalidCursor) -> Response[str]:
        return problem_response(app, "invalid-cursor", error.detail)

    @app.exception_handler(ArticleRetracted)
    def retracted(error: ArticleRetracted) -> Response[str]:
        return problem_response(app, "retracted", error.detail, retraction=error)

    @app.exception_handler(ChangesExpired)
    def changes_expired(error: ChangesExpired) -> Response[str]:
        return problem_response(app, "changes-expired", error.detail)

    @app.exception_handler(NotFound)
    def not_found(error: NotFound) -> Response[str]:
        return problem_response(app, "not-found", error.detail)

    @app.exception_handler(ContentUnavailable)
    def unavailable(error: ContentUnavailable) -> Response[str]:
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if isinstance(error, DocumentUnreadable):
            metrics.add_metric(name="UnreadableDocuments", unit="Count", value=1)
            logger.error("stored content unreadable", extra={"document": error.what})
            return problem_response(app, "content-unavailable", error.detail, headers=retry)
        logger.exception("content store unavailable")
        return problem_response(app, "unavailable", error.detail, headers=retry)

    @app.not_found
    def no_route(_: NotFoundError) -> Response[str]:
        path = app.current_event.path
        allowed = _allowed_methods(app, path)
        if allowed:
            allow = ", ".join(sorted(allowed | {"OPTIONS"}))
            if app.current_event.http_method == "OPTIONS":  # no CORS configured: just say what is allowed
                return Response(204, headers={"Allow": allow, "Cache-Control": "no-store"})
            return problem_response(
                app,
                "method-not-allowed",
                f"{app.current_event.http_method} is not supported here; use {allow}.",
                headers={"Allow": allow},
            )
        return problem_response(app, "not-found", "No resource is served at this path.")

    @app.exception_handler(ServiceError)
    def service_error(error: ServiceError) -> Response[str]:
        logger.exception("service error")
        return problem_response(app, "internal-error", "The request could not be completed.")

    @app.exception_handler(Exception)
    def unexpected(_: Exception) -> Response[str]:
        # Log everything, tell the client nothing about internals.
        logger.exception("unhandled error")
        return problem_response(app, "internal-error", "The request could not be completed.")
