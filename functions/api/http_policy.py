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


def canonical_paths(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """A trailing slash or an empty segment is not the resource's URL: 404, so caches keep one key.

    (The resolver's route patterns accept trailing slashes; this refuses them.)"""
    path = app.current_event.path
    if path != "/" and (path.endswith("/") or "//" in path):
        raise NotFound(f"{path!r} is not a URL of this API; leave out the trailing slash or empty segment.")
    return next_middleware(app)


def finish(response: dict[str, Any], *, method: str, varies_by_origin: bool) -> dict[str, Any]:
    """Headers every response carries, and HEAD made from GET.

    ``varies_by_origin``: a CORS allow-list is configured, so a JSON response differs by the
    request's Origin (allowed origins get Access-Control-Allow-Origin, others do not)."""
    headers: dict[str, list[str]] = response.setdefault("multiValueHeaders", {}) or {}
    response["multiValueHeaders"] = headers
    headers["X-Content-Type-Options"] = ["nosniff"]
    if varies_by_origin and headers.get("Access-Control-Allow-Origin") != ["*"]:
        vary = [value.strip() for values in headers.get("Vary", []) for value in values.split(",") if value.strip()]
        headers["Vary"] = [", ".join([*vary, "Origin"])] if "Origin" not in vary else headers["Vary"]
    if method == "HEAD":
        # RFC 9110: HEAD is GET without the body, and its Content-Length is the one GET would send.
        body = response.get("body") or ""
        headers["Content-Length"] = [str(len(body.encode()))]
        response["body"] = None
        response["isBase64Encoded"] = False
    return response
