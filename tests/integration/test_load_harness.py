"""`make load`'s caching proxy, on loopback against a small origin: it answers from its cache only what the
origin's Cache-Control allows a shared cache to keep, keyed by what Vary names, and counts hits by kind; and
the model it is compared with reads the lifetimes the proxy saw."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from infra.load.__main__ import model_of_run
from infra.load.proxy import STATS_PATH, CachingProxy

pytestmark = [pytest.mark.enable_socket]


def _origin(environ: dict[str, object], start_response: object) -> object:
    request = Request(environ)
    origin_calls.append(request.path)
    if request.path == "/v1/search":
        response = Response("no", status=400, headers={"Cache-Control": "no-store"})
    else:
        response = Response(f"{request.path} as {request.headers.get('Accept')}")
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["Vary"] = "Accept"
    return response(environ, start_response)  # type: ignore[arg-type]


origin_calls: list[str] = []


def _serve(app: object) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)  # type: ignore[arg-type]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


@pytest.fixture
def proxy() -> Iterator[str]:
    origin_calls.clear()
    upstream, origin = _serve(_origin)
    address, front = _serve(CachingProxy(upstream))
    yield address
    front.shutdown()  # type: ignore[attr-defined]
    origin.shutdown()  # type: ignore[attr-defined]


def _get(url: str, accept: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["X-Cache"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["X-Cache"]


def test_the_proxy_keeps_what_cache_control_allows_keyed_by_vary(proxy: str) -> None:
    article = f"{proxy}/v1/articles/kram-otot-betis"
    assert _get(article) == (200, "MISS")
    assert _get(article) == (200, "HIT")
    assert _get(article, accept="text/html") == (200, "MISS")  # Vary: Accept keeps the two apart
    assert _get(f"{proxy}/v1/search?q=kram") == (400, "MISS")
    assert _get(f"{proxy}/v1/search?q=kram") == (400, "MISS")  # no-store: never kept
    assert origin_calls == ["/v1/articles/kram-otot-betis"] * 2 + ["/v1/search"] * 2
    with urllib.request.urlopen(f"{proxy}{STATS_PATH}", timeout=10) as response:
        stats = json.loads(response.read())
    assert (stats["requests"], stats["hits"]) == (5, 1)
    assert stats["kinds"]["article"] == {"requests": 3, "hits": 1, "cache_control": "public, max-age=300"}

    compared = model_of_run(stats, articles=1, sections=1, seconds=60)
    assert compared["kinds"]["article"]["measured"] == pytest.approx(1 / 3)
    assert 0 <= compared["model_hit_ratio"] <= 1
