"""A WSGI app that plays API Gateway: each HTTP request becomes a REST proxy event for the handler."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from infra.local.demo import demo_page
from infra.local.events import LambdaContextStub, rest_api_event
from infra.local.gateway import KeyGate

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


class ApiGatewayAdapter:
    """``domain_name`` is the API's own domain, as API Gateway puts it in every event whatever Host was sent."""

    def __init__(
        self,
        handler: LambdaHandler,
        stage: str = "local",
        access_log: bool = False,
        domain_name: str = "localhost",
        key_gate: KeyGate | None = None,
    ) -> None:
        self._handler = handler
        self._key_gate = key_gate
        self._stage = stage
        self._access_log = access_log
        self._domain_name = domain_name
        # A Lambda container runs one invocation at a time, and the handler relies on it: the
        # Powertools resolver keeps the current event and route arguments on itself. The HTTP
        # server is threaded, so invocations take turns, as they would in one warm container.
        self._one_at_a_time = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == "/demo":  # served by the runner itself: it is a partner's page, not the API
            with self._one_at_a_time:
                return demo_page(request, self._handler)(environ, start_response)
        body = request.get_data()
        identity = None
        if self._key_gate is not None:
            identity, refusal = self._key_gate.identify(request.method, request.path, request.headers.get("x-api-key"))
            if refusal is not None:
                return to_wsgi_response(refusal)(environ, start_response)
        # API Gateway gives the function a path that starts with `//` as if it started with `/` (it keeps the
        # path as sent in requestContext.path); an empty segment further on reaches the function, which answers
        # 404 (recorded on AWS: localstack's tests/aws/services/apigateway/test_apigateway_lambda.py, 2024).
        # (werkzeug's request.path drops them too; the path as sent has as many as PATH_INFO starts with.)
        raw = environ.get("PATH_INFO") or "/"
        sent = "/" * max(1, len(raw) - len(raw.lstrip("/"))) + request.path.lstrip("/")
        event = rest_api_event(
            request.method,
            request.path,
            query=request.query_string.decode("latin-1"),
            # API Gateway tells the function how the client connected, as these headers.
            headers={"X-Forwarded-Proto": request.scheme, **dict(request.headers.items())},
            body=body or None,
            stage=self._stage,
            source_ip=request.remote_addr or "127.0.0.1",
            domain_name=self._domain_name,
            api_key=(identity.value, identity.key_id) if identity else None,
            sent_path=sent,
        )
        started = time.perf_counter()
        with self._one_at_a_time:
            result = self._handler(event, LambdaContextStub())
        elapsed_ms = (time.perf_counter() - started) * 1000
        if self._access_log:
            path = request.full_path.rstrip("?")
            print(f"{request.method} {path} -> {result['statusCode']} ({elapsed_ms:.1f} ms)")
        return to_wsgi_response(result)(environ, start_response)


def to_wsgi_response(result: dict[str, Any]) -> Response:
    headers = Headers()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            headers.add(name, value)
    for name, value in (result.get("headers") or {}).items():
        if name not in headers:
            headers.add(name, value)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    typed = "Content-Type" in headers
    if not data and "Content-Length" in headers:
        # An answer to HEAD: no body, and the Content-Length of the GET it stands for, which werkzeug
        # would otherwise set to 0.
        response = Response([], status=result["statusCode"], headers=headers)
    else:
        response = Response(data, status=result["statusCode"], headers=headers)
    if not typed:
        # werkzeug would otherwise label a body-less 304 as text/plain.
        response.headers.remove("Content-Type")
    return response
