"""A caching reverse proxy in front of `make serve`, standing in for the CDN: hishel's HTTP cache (RFC 9111, as
a shared cache) follows the API's own ``Cache-Control`` and ``Vary``; the proxy counts, for each kind of the
mix, how many answers came from the cache (``GET /__cache__``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

import requests
from hishel import CacheOptions, SqliteStorage
from hishel.requests import CacheAdapter
from werkzeug.wrappers import Request, Response

from infra.cost.traffic import kind_of

# Hop-by-hop headers (RFC 9110, 7.6.1) and what the proxy sets itself.
NOT_FORWARDED = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host",
                 "proxy-connection", "content-length", "content-encoding"}  # fmt: skip
STATS_PATH = "/__cache__"


class CachingProxy:
    def __init__(self, upstream: str, pool_size: int = 64) -> None:
        self._upstream = upstream.rstrip("/")
        storage = SqliteStorage(connection=sqlite3.connect(":memory:", check_same_thread=False))
        adapter = CacheAdapter(
            pool_connections=1, pool_maxsize=pool_size, storage=storage, rfc=CacheOptions(shared=True)
        )
        self._session = requests.Session()
        self._session.mount("http://", adapter)
        self._lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.cache_control: dict[str, str] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == STATS_PATH:
            return Response(json.dumps(self.stats()), content_type="application/json")(environ, start_response)
        query = environ.get("QUERY_STRING", "")
        headers = {name: value for name, value in request.headers.items() if name.lower() not in NOT_FORWARDED}
        upstream = self._session.request(
            request.method,
            f"{self._upstream}{request.path}{'?' + query if query else ''}",
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        hit = upstream.headers.get("X-Hishel-From-Cache") == "true"
        kind = kind_of(request.path) or "other"
        with self._lock:
            self.requests[kind] += 1
            self.hits[kind] += hit
            if upstream.status_code == 200:
                self.cache_control[kind] = upstream.headers.get("Cache-Control", "")
        forwarded = [(n, v) for n, v in upstream.headers.items() if n.lower() not in NOT_FORWARDED]
        response = Response(upstream.content, status=upstream.status_code, headers=forwarded)
        response.headers["X-Cache"] = "HIT" if hit else "MISS"
        return response(environ, start_response)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "kinds": {
                    kind: {"requests": count, "hits": self.hits[kind], "cache_control": self.cache_control.get(kind)}
                    for kind, count in sorted(self.requests.items())
                },
                "requests": sum(self.requests.values()),
                "hits": sum(self.hits.values()),
            }
