"""A moto copy of the stack (from template.yaml) and helpers that call the real handlers.

Two kinds of stack, never mixed in one module (moto has one state per process):
- ``seeded``: content/ published once per module; for tests that only read;
- ``stack`` and ``seeded_fresh``: built for each test; for tests that change what is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
import pytest
from werkzeug.wrappers import Response

from api import handler as api_handler
from infra import publish
from infra.local.events import LambdaContextStub, rest_api_event
from infra.local.http_adapter import to_wsgi_response
from infra.local.stack import LocalStack
from ingest import handler as ingest_handler
from reviews import handler as review_handler
from tests.conftest import TEST_ENVIRONMENT, moto_mock
from webhooks import handler as webhook_handler

BUCKET = "health-content-test"
TABLE = "health-content-test"
_shared_stack_active = False


def reset_containers() -> None:
    """Every function starts cold on its next invocation, reading the environment again."""
    api_handler.reset()
    ingest_handler.reset()
    review_handler.reset()
    webhook_handler.reset()


@pytest.fixture(autouse=True)
def _cold_containers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Every test starts from cold containers, so settings a test changes never leak into the next.
    monkeypatch.setenv("CONTENT_TABLE_NAME", TABLE)
    reset_containers()
    yield
    reset_containers()


@cache
def _content() -> list[list[publish.LocalDocument]]:
    """content/, validated once per test run (it does not change while tests run)."""
    return publish.phases(publish.collect())


def _publish_content(stack: LocalStack) -> None:
    s3 = boto3.client("s3", region_name=stack.region)
    statuses = []
    for phase in _content():
        publish.upload(s3, BUCKET, phase)
        statuses.extend(r["status"] for r in ingest(stack))
    assert statuses == ["published", "published"]  # the article, then the cause taxonomy


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With workers (`make test`), the tests of a module that read its `seeded` stack all run on one worker,
    so that the module publishes content/ once rather than once per worker."""
    for item in items:
        if "seeded" in getattr(item, "fixturenames", ()) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"seeded-{item.path.stem}"))


@pytest.fixture(scope="module")
def seeded() -> Iterator[LocalStack]:
    """content/ published the way operators do it, shared by the read-only tests of a module."""
    global _shared_stack_active
    with pytest.MonkeyPatch.context() as environment, moto_mock():
        for name, value in {**TEST_ENVIRONMENT, "CONTENT_TABLE_NAME": TABLE}.items():
            environment.setenv(name, value)
        environment.delenv("AWS_ENDPOINT_URL", raising=False)
        reset_containers()
        stack = LocalStack.create(BUCKET, TABLE)
        _publish_content(stack)
        _shared_stack_active = True
        try:
            yield stack
        finally:
            _shared_stack_active = False
    reset_containers()


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    """An empty stack of its own for one test."""
    if _shared_stack_active:
        pytest.fail("this module already uses the shared `seeded` stack; move tests that change content elsewhere")
    with moto_mock():
        reset_containers()
        yield LocalStack.create(BUCKET, TABLE)


@pytest.fixture
def seeded_fresh(stack: LocalStack) -> LocalStack:
    """content/ published on a stack of this test's own, which it may change."""
    _publish_content(stack)
    return stack


@pytest.fixture
def s3() -> Any:
    return boto3.client("s3", region_name="us-east-1")


def ingest(stack: LocalStack) -> list[dict[str, Any]]:
    """Deliver the queued S3 events to the real ingest handler; the statuses it reported."""
    return [
        result for invocation in stack.deliver_events(ingest_handler.lambda_handler) for result in invocation["results"]
    ]


def put_document(s3: Any, key: str, body: bytes) -> str:
    version: str = s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/json")["VersionId"]
    return version


def assert_problem(response: Response, status: int, type_: str | None = None) -> dict[str, Any]:
    """The response is a complete RFC 9457 problem that is never cached; its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    if type_ is not None:
        assert body["type"] == type_
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["instance"] and body["request_id"]
    return body


def call_api(
    method: str,
    path: str,
    *,
    query: str | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **event_options: Any,
) -> Response:
    """Send one request through the real API handler, as API Gateway would."""
    event = rest_api_event(method, path, query=query, headers=headers, **event_options)
    return to_wsgi_response(api_handler.lambda_handler(event, LambdaContextStub()))
