"""What every response of the API gets, whichever route, error handler or resolver path made it.

The Lambda entry point passes each response through ``finish`` (error handlers and the
resolver's own 404/405 answers never pass through route middleware, so this cannot be one).
Route middleware ``canonical_paths`` keeps one URL per resource.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from health_content.errors import NotFound
from health_content.freshness import Freshness
from health_content.observability import metrics

CACHE_NAME = "konten-sehat-api"
# What browsers may read of a cross-origin answer (the validators, the language, the rate-limit policy).
EXPOSED_HEADERS = ["ETag", "Last-Modified", "Content-Language", "RateLimit-Policy"]


def canonical_paths(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """A trailing slash or an empty segment is not the resource's URL: 404, so caches keep one key.

    (The resolver's route patterns accept trailing slashes; this refuses them.)"""
    path = app.current_event.path
    if path != "/" and (path.endswith("/") or "//" in path):
        raise NotFound(f"{path!r} is not a URL of this API; leave out the trailing slash or empty segment.")
    return next_middleware(app)


def finish(
    response: dict[str, Any],
    *,
    method: str,
    varies_by_origin: bool,
    open_to_any_origin: bool = False,
    freshness: Freshness | None = None,
) -> dict[str, Any]:
    """Headers every response carries, what it was served from, and HEAD made from GET.

    ``varies_by_origin``: a CORS allow-list is configured, so a JSON response differs by the
    request's Origin (allowed origins get Access-Control-Allow-Origin, others do not).
    ``open_to_any_origin``: CORS allows any origin ("*"), so every answer says so, whether or not the
    request named its Origin: one answer then serves every client, and a shared cache needs no Vary."""
    headers: dict[str, list[str]] = response.setdefault("multiValueHeaders", {}) or {}
    response["multiValueHeaders"] = headers
    headers["X-Content-Type-Options"] = ["nosniff"]
    if freshness is not None and response.get("statusCode", 500) < 400:
        _say_how_fresh(headers, freshness)
    if open_to_any_origin and "Access-Control-Allow-Origin" not in headers:
        headers["Access-Control-Allow-Origin"] = ["*"]
        headers["Access-Control-Expose-Headers"] = [",".join(EXPOSED_HEADERS)]
    if varies_by_origin and headers.get("Access-Control-Allow-Origin") != ["*"]:
        vary_on(headers, "Origin")
    if method == "HEAD":
        # RFC 9110: HEAD is GET without the body, and its Content-Length is the one GET would send
        # (a 304 or 204 has none to state).
        body = response.get("body") or ""
        if response.get("statusCode") not in (204, 304):
            headers["Content-Length"] = [str(len(body.encode()))]
        response["body"] = None
        response["isBase64Encoded"] = False
    return response


def vary_on(headers: dict[str, list[str]], field: str) -> None:
    """Add ``field`` to the response's Vary, once, in a new list (the old one may be a kept answer's)."""
    vary = [value.strip() for values in headers.get("Vary", []) for value in values.split(",") if value.strip()]
    if field not in vary:
        headers["Vary"] = [", ".join([*vary, field])]


def _say_how_fresh(headers: dict[str, list[str]], freshness: Freshness) -> None:
    """A copy served because the store failed says how old it is (RFC 9111 Age, RFC 9211 Cache-Status);
    a response with something left out is never kept by caches."""
    if freshness.stale_age is not None:
        headers["Age"] = [str(int(freshness.stale_age))]
        headers["Cache-Status"] = [f"{CACHE_NAME}; hit; detail=stale-if-error"]
        metrics.add_metric(name="StaleResponses", unit="Count", value=1)
    if freshness.degraded:
        headers["Cache-Control"] = ["no-store"]
        headers["Cache-Status"] = [f"{CACHE_NAME}; detail=partial"]
        metrics.add_metric(name="PartialResponses", unit="Count", value=1)
