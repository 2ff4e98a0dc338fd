"""HTTP caching for successful GETs: strong ETags, conditional requests and Cache-Control.

Powertools applies a route's ``cache_control`` only to 200 responses and leaves
validators to the application, so one middleware does all of it: it serialises the
body once, hashes exactly the bytes that are sent, and answers 304 when the client's
copy is current. Problem responses set ``no-store`` themselves (see problems.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from cachetools import LRUCache
from pydantic import BaseModel

from api.media_types import JSON

Body = TypeVar("Body", bound=BaseModel | str)
_SOURCE_FILES = {".py", ".j2", ".css", ".js"}


@cache
def released_at() -> dt.datetime:
    """When the code serving this response was built: the newest source file of the API package.

    The Last-Modified of what depends on the code alone (assets, problem types, the OpenAPI document,
    the API home); the deployment package keeps the files' times, so every container agrees."""
    root = Path(__file__).parent
    newest = max(path.stat().st_mtime for path in root.rglob("*") if path.suffix in _SOURCE_FILES)
    return dt.datetime.fromtimestamp(int(newest), dt.UTC)


# What a 304 keeps of the 200 (RFC 9110, 15.4.5): the validator, how to cache and what the answer varies by; not
# representation metadata such as Last-Modified or Content-Language, which the client's copy has and which a
# response with an ETag should not repeat (werkzeug, under `make serve`, drops them too).
_KEPT_ON_304 = (
    "Cache-Control",
    "ETag",
    "Vary",
    "Access-Control-Allow-Origin",  # the embed routes' own, so a cross-origin revalidation still reads it
)


@dataclass(frozen=True, slots=True)
class Rendered:
    body: str
    etag: str


# What a kept rendering costs beyond its body, etag and key: the Rendered object and the cache's bookkeeping
# (cachetools keeps the value and its size in two dicts, and a link in its LRU order). Measured with tracemalloc
# in tests/unit/test_renderings.py, which keeps the sum of the weights at or above what the cache really holds.
_ENTRY_OVERHEAD = 300
# Keys asked for once that are remembered, so that the second request keeps its rendering.
_ASKED_ONCE = 8192


class Renderings:
    """Each representation rendered once per content version: built, serialised and hashed once, then reused.

    The key names the representation and the version of everything it shows (route, parameters, locale,
    the links' base, the content's hash and when it last changed), so a new version is a new key and the
    old one ages out of the bounded cache. Only what is asked for twice is kept: a one-off answer (a search
    nobody repeats) would only crowd out the ones that repeat. The bound weighs what an entry really holds
    (body, etag, key and bookkeeping), not only its body. The models are validated where they are built
    (pydantic), and the contract suite checks what is served against the OpenAPI document."""

    def __init__(self, max_bytes: int) -> None:
        # Bounded by weight, not by number: keys are the clients' to vary.
        self._kept: LRUCache[Hashable, tuple[Rendered, int]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda kept: kept[1]
        )
        self._max_bytes = max_bytes
        self._asked_once: dict[int, None] = {}  # hashes of keys, oldest first

    def get(self, key: Hashable, render: Callable[[], BaseModel | str]) -> Rendered:
        kept = self._kept.get(key)
        if kept is not None:
            return kept[0]
        made = render()
        body = made if isinstance(made, str) else made.model_dump_json(by_alias=True)
        rendered = Rendered(body, _etag(body))
        if self._asked_before(key):
            weight = sys.getsizeof(body) + sys.getsizeof(rendered.etag) + _weight_of(key) + _ENTRY_OVERHEAD
            if weight <= self._max_bytes // 16:  # one body never crowds out the rest
                self._kept[key] = (rendered, weight)
        return rendered

    @property
    def weight(self) -> int:
        """What the kept renderings weigh, in bytes."""
        return int(self._kept.currsize)

    def _asked_before(self, key: Hashable) -> bool:
        fingerprint = hash(key)
        if fingerprint in self._asked_once:
            del self._asked_once[fingerprint]
            return True
        if len(self._asked_once) >= _ASKED_ONCE:
            del self._asked_once[next(iter(self._asked_once))]
        self._asked_once[fingerprint] = None
        return False


def _weight_of(key: object) -> int:
    if isinstance(key, tuple):
        return sys.getsizeof(key) + sum(_weight_of(part) for part in key)
    return sys.getsizeof(key)


def rendered_representation(
    rendered: Rendered,
    *,
    last_modified: dt.datetime,
    language: str,
    content_type: str = JSON,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A 200 of a body rendered before, with its ETag: nothing is serialised or hashed again.

    (``Any``: the route's declared models describe the body, which is their JSON already.)"""
    return representation(
        rendered.body,
        last_modified=last_modified,
        language=language,
        content_type=content_type,
        headers={**(headers or {}), "ETag": rendered.etag},
    )


def representation(
    body: Body,
    *,
    last_modified: dt.datetime | None = None,
    language: str | None = None,
    content_type: str = JSON,
    headers: dict[str, str] | None = None,
) -> Response[Body]:
    """A cacheable 200 response for a route to return."""
    headers = dict(headers or {})
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(dt.UTC), usegmt=True)
    if language is not None:
        headers["Content-Language"] = language
    return Response(status_code=200, content_type=content_type, body=body, headers=headers)


def _etag(body: str) -> str:
    # Weak: API Gateway may send the same representation gzip-compressed, and a strong validator
    # would then have to differ between the two encodings (RFC 9110, 8.8.1).
    return 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:40] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def _not_modified_since(if_modified_since: str, last_modified: str | None) -> bool:
    if not last_modified:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # An unparsable date is ignored, as RFC 9110 says.


def conditional_get(cache_control: str) -> Callable[[APIGatewayRestResolver, NextMiddleware], Response[Any]]:
    def middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        response = next_middleware(app)
        if app.current_event.http_method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        chosen = str(response.headers.get("Cache-Control") or "")
        if "no-store" in chosen:  # the route chose not to be cached at all (health)
            return response
        body = response.body
        if not isinstance(body, str):
            body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        etag = str(response.headers.get("ETag") or "") or _etag(body)  # rendered before: hashed already
        response.body = body
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = chosen or cache_control  # a route may choose its own lifetime
        request_headers = app.current_event.headers
        if_none_match = request_headers.get("if-none-match") or request_headers.get("If-None-Match")
        if_modified_since = request_headers.get("if-modified-since") or request_headers.get("If-Modified-Since")
        if if_none_match is not None:
            fresh = _matches(if_none_match, etag)
        else:
            fresh = if_modified_since is not None and _not_modified_since(
                if_modified_since, str(response.headers.get("Last-Modified") or "")
            )
        if fresh:
            kept = {name: value for name, value in response.headers.items() if name in _KEPT_ON_304}
            return Response(status_code=304, body=None, headers=kept)
        return response

    return middleware
