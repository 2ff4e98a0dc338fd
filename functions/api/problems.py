"""Every error leaves the API as RFC 9457 problem details; this is the only place that maps them."""

from __future__ import annotations

import json
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from api import paths
from api.links import LinkBuilder
from api.media_types import HTML, PROBLEM_JSON, with_charset
from api.negotiation import article_representation
from api.openapi import ContentApiResolver
from api.presenters.html import error_html, page_security_policy
from api.problem_types import PROBLEM_TYPES, RETRY_AFTER_SECONDS, InvalidParam, Problem, UnsupportedFormat
from health_content.errors import (
    ArticleRetracted,
    ChangesExpired,
    ContentUnavailable,
    DocumentUnreadable,
    InvalidCursor,
    InvalidPreviewToken,
    InvalidQuery,
    NotFound,
)
from health_content.observability import log_unavailable, logger, metrics
from health_content.settings import Settings
from health_content.vocabulary import DEFAULT_LOCALE, as_locale


def problem_response(
    app: APIGatewayRestResolver,
    settings: Settings,
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
        links = LinkBuilder.for_request(event, locale, settings.public_base_url)
        return Response(
            status_code=problem.status,
            content_type=with_charset(HTML),
            body=error_html(problem.status, detail, locale, links, retraction, framed=_framed(app)),
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
_OPEN_TO_ANY_ORIGIN = (*_PAGES, paths.EMBED_ARTICLE_JSON, paths.EMBED_SECTION_JSON, paths.OEMBED, paths.OEMBED_XML)


def _shown_in_a_page(app: APIGatewayRestResolver) -> bool:
    event = app.current_event
    if paths.ARTICLE_PAGE.match(event.path):
        return True
    if paths.ARTICLE.match(event.path):  # a browser asking for the page to read
        return article_representation(event, event.get_query_string_value("format")) == HTML
    if not any(route.match(event.path) for route in _PAGES):
        return False
    return (event.get_query_string_value("format") or "html") != "json"


def _framed(app: APIGatewayRestResolver) -> bool:
    path = app.current_event.path
    return any(route.match(path) for route in (paths.FRAME_ARTICLE, paths.FRAME_SECTION))


def _open_to_any_origin(app: APIGatewayRestResolver) -> dict[str, str]:
    path = app.current_event.path
    return {"Access-Control-Allow-Origin": "*"} if any(route.match(path) for route in _OPEN_TO_ANY_ORIGIN) else {}


def _quotable(text: str) -> str:
    """Text for a quoted-string of a challenge: RFC 6750 allows printable ASCII but the quote and backslash."""
    return "".join(c for c in text if " " <= c <= "~" and c not in '"\\')


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


def register_problem_handlers(app: ContentApiResolver, settings: Settings) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        params = _invalid_params(error)
        detail = "; ".join(f"{p.location} parameter {p.name!r}: {p.reason}" for p in params)
        return problem_response(app, settings, "invalid-request", detail, errors=params)

    @app.exception_handler(InvalidQuery)
    def invalid_query(error: InvalidQuery) -> Response[str]:
        params = [InvalidParam(name=name, location="query", reason=reason) for name, reason in error.errors]
        detail = "; ".join(f"query parameter {p.name!r}: {p.reason}" for p in params)
        return problem_response(app, settings, "invalid-request", detail, errors=params)

    @app.exception_handler(UnsupportedFormat)
    def unsupported_format(error: UnsupportedFormat) -> Response[str]:
        return problem_response(app, settings, "unsupported-format", error.detail)

    @app.exception_handler(InvalidCursor)
    def invalid_cursor(error: InvalidCursor) -> Response[str]:
        return problem_response(app, settings, "invalid-cursor", error.detail)

    @app.exception_handler(InvalidPreviewToken)
    def invalid_preview_token(error: InvalidPreviewToken) -> Response[str]:
        # RFC 6750's challenge: the bearer scheme, and that the token presented is the trouble.
        challenge = f'Bearer realm="preview", error="invalid_token", error_description="{_quotable(error.detail)}"'
        return problem_response(
            app, settings, "invalid-preview-token", error.detail, headers={"WWW-Authenticate": challenge}
        )

    @app.exception_handler(ArticleRetracted)
    def retracted(error: ArticleRetracted) -> Response[str]:
        return problem_response(app, settings, "retracted", error.detail, retraction=error)

    @app.exception_handler(ChangesExpired)
    def changes_expired(error: ChangesExpired) -> Response[str]:
        return problem_response(app, settings, "changes-expired", error.detail)

    @app.exception_handler(NotFound)
    def not_found(error: NotFound) -> Response[str]:
        return problem_response(app, settings, "not-found", error.detail)

    @app.exception_handler(ContentUnavailable)
    def unavailable(error: ContentUnavailable) -> Response[str]:
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if isinstance(error, DocumentUnreadable):
            metrics.add_metric(name="UnreadableDocuments", unit="Count", value=1)
            logger.error("stored content unreadable", extra={"document": error.what})
            return problem_response(app, settings, "content-unavailable", error.detail, headers=retry)
        log_unavailable("content store unavailable", error)
        return problem_response(app, settings, "unavailable", error.detail, headers=retry)

    @app.not_found
    def no_route(_: NotFoundError) -> Response[str]:
        path = app.current_event.path
        allowed = app.allowed_methods(path)
        # A method the path's routes answer, yet no route matched: a parameter no route accepts (404).
        if allowed and app.current_event.http_method not in allowed:
            allow = ", ".join(sorted(allowed | {"OPTIONS"}))
            if app.current_event.http_method == "OPTIONS":  # no CORS configured: just say what is allowed
                return Response(204, headers={"Allow": allow, "Cache-Control": "no-store"})
            return problem_response(
                app,
                settings,
                "method-not-allowed",
                f"{app.current_event.http_method} is not supported here; use {allow}.",
                headers={"Allow": allow},
            )
        return problem_response(app, settings, "not-found", "No resource is served at this path.")

    @app.exception_handler(ServiceError)
    def service_error(error: ServiceError) -> Response[str]:
        logger.exception("service error")
        return problem_response(app, settings, "internal-error", "The request could not be completed.")

    @app.exception_handler(Exception)
    def unexpected(_: Exception) -> Response[str]:
        # Log everything, tell the client nothing about internals.
        logger.exception("unhandled error")
        return problem_response(app, settings, "internal-error", "The request could not be completed.")
