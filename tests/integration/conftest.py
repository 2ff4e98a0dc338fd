"""A moto copy of the stack (from template.yaml) and helpers that call the real handlers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.wrappers import Response

from api import dependencies
from api import handler as api_handler
from infra import publish
from infra.local.events import LambdaContextStub, rest_api_event
from infra.local.http_adapter import to_wsgi_response
from infra.local.stack import LocalStack
from ingest import handler as ingest_handler

BUCKET = "health-content-test"
TABLE = "health-content-test"


def _reset_containers() -> None:
    dependencies.reset()
    api_handler.get_app.cache_clear()
    ingest_handler.reset()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    monkeypatch.setenv("CONTENT_TABLE_NAME", TABLE)
    with mock_aws():
        _reset_containers()
        yield LocalStack.create(BUCKET, TABLE)
    _reset_containers()


@pytest.fixture
def s3(stack: LocalStack) -> Any:
    return boto3.client("s3", region_name=stack.region)


def ingest(stack: LocalStack) -> list[dict[str, Any]]:
    """Deliver the queued S3 events to the real ingest handler; the statuses it reported."""
    return [
        result for invocation in stack.deliver_events(ingest_handler.lambda_handler) for result in invocation["results"]
    ]


def put_document(s3: Any, key: str, body: bytes) -> str:
    return s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/json")["VersionId"]


@pytest.fixture
def seeded(stack: LocalStack, s3: Any) -> LocalStack:
    """The stack with content/ published the way operators do it."""
    statuses = []
    for phase in publish.phases(publish.collect()):
        publish.upload(s3, BUCKET, phase)
        statuses.extend(r["status"] for r in ingest(stack))
    assert statuses == ["published", "published"]  # the article, then the cause taxonomy
    return stack


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
