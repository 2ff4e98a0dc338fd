"""The local HTTP adapter turns requests into API Gateway events, one invocation at a time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from werkzeug.test import Client

from infra.local.http_adapter import ApiGatewayAdapter


class RecordingHandler:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.events.append(event)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1
        return {"statusCode": 200, "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": "{}"}


def test_requests_become_rest_api_events() -> None:
    handler = RecordingHandler()
    response = Client(ApiGatewayAdapter(handler)).get("/v1/causes?q=kejang+demam&q=x", headers={"If-None-Match": '"a"'})
    assert response.status_code == 200
    [event] = handler.events
    assert event["httpMethod"] == "GET" and event["path"] == "/v1/causes"
    assert event["multiValueQueryStringParameters"] == {"q": ["kejang demam", "x"]}
    assert event["headers"]["If-None-Match"] == '"a"'
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["requestContext"]["requestId"]


def test_concurrent_requests_never_overlap_in_the_handler() -> None:
    # Lambda runs one invocation per container at a time; the handler's resolver relies on that.
    handler = RecordingHandler()
    client_app = ApiGatewayAdapter(handler)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: Client(client_app).get("/v1/health"), range(16)))
    assert len(handler.events) == 16
    assert handler.most_at_once == 1


def test_empty_segments_reach_the_function_as_api_gateway_sends_them() -> None:
    # As recorded on AWS (localstack's tests/aws/services/apigateway/test_apigateway_lambda.py, 2024): the slashes
    # a path starts with count as one, the path as sent stays in requestContext.path, an inner `//` is kept.
    handler = RecordingHandler()
    client = Client(ApiGatewayAdapter(handler))
    for sent in ("//v1/articles", "/v1//articles", "/v1/articles/"):
        client.get("/", environ_overrides={"PATH_INFO": sent})
    assert [(e["path"], e["requestContext"]["path"]) for e in handler.events] == [
        ("/v1/articles", "//v1/articles"),
        ("/v1//articles", "/v1//articles"),
        ("/v1/articles/", "/v1/articles/"),
    ]
