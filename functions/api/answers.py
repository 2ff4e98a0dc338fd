"""Finished answers to repeated reads: a repeat (a popular article, CDNs or browsers revalidating)
skips routing, parameter validation and the route, and costs a dictionary lookup.

Only answers built from a rendering (``http_caching.Renderings``) are kept, only when everything in
them was read fresh (nothing stale, nothing left out), and only until the first cached copy they were
built from is due for a check against the store (``Freshness.due_at``), ``lifetime`` seconds at most.
So a repeat is never older than the content cache alone would serve: a new version reaches readers
as soon as it would without this cache. The key holds everything a rendered answer depends on:
method, path, query, the headers the API reads (Accept, Origin, the conditional ones), the stage,
domain and path API Gateway reports, and the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache

_READ_HEADERS = ("accept", "origin", "if-none-match", "if-modified-since")


class Answers:
    def __init__(self, lifetime: float, max_bytes: int, timer: Callable[[], float] = time.monotonic):
        self._lifetime = lifetime
        self._timer = timer
        self._kept: LRUCache[Hashable, tuple[dict[str, Any], float]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda kept: len(kept[0].get("body") or "") + 512
        )

    def key(self, event: dict[str, Any]) -> Hashable | None:
        """What identifies the request's answer; None for what is never kept (anything but GET and HEAD)."""
        method = event.get("httpMethod")
        if self._lifetime <= 0 or method not in ("GET", "HEAD"):
            return None
        headers = {name.lower(): tuple(values) for name, values in _multi(event, "Headers").items()}
        query = _multi(event, "QueryStringParameters")
        context = event.get("requestContext") or {}
        identity = context.get("identity") or {}
        return (
            method,
            event.get("path"),
            tuple(sorted((name, tuple(values)) for name, values in query.items())),
            tuple(headers.get(name) for name in _READ_HEADERS),
            context.get("stage"),
            context.get("domainName"),
            context.get("path"),
            identity.get("apiKeyId"),
        )

    def get(self, key: Hashable) -> dict[str, Any] | None:
        """A copy of the answer kept under ``key``, if it is still young enough."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        answer, until = kept
        if self._timer() >= until:
            del self._kept[key]
            return None
        return _copied(answer)

    def keep(self, key: Hashable, answer: dict[str, Any], until: float) -> None:
        """Keep ``answer`` until ``until`` (by the timer), for ``lifetime`` seconds at most."""
        until = min(until, self._timer() + self._lifetime)
        if until <= self._timer():
            return
        self._kept[key] = (_copied(answer), until)


def _copied(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer with header lists of its own: callers add headers per request, kept answers stay as kept."""
    headers = answer.get("multiValueHeaders") or {}
    return {**answer, "multiValueHeaders": {name: list(values) for name, values in headers.items()}}


def _multi(event: dict[str, Any], part: str) -> dict[str, list[str]]:
    """``headers`` or ``queryStringParameters`` with every value (API Gateway sends both forms)."""
    single = part[0].lower() + part[1:]
    return event.get(f"multiValue{part}") or {name: [value] for name, value in (event.get(single) or {}).items()}
