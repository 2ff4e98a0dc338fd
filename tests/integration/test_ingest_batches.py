"""The ingest function takes S3's notifications from its queue in batches; one failed message fails alone."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from infra.local.stack import LocalStack
from ingest import handler as ingest_handler
from tests.conftest import SEED_KEY, document_bytes
from tests.integration.conftest import BUCKET, call_api, ingest, put_document


def _queue_depth(stack: LocalStack, queue_url: str) -> tuple[int, int]:
    """Messages waiting in the queue, and those received but not yet done."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def _article(seed_document: dict[str, Any], slug: str) -> bytes:
    return document_bytes({**seed_document, "slug": slug, "title": f"Artikel {slug}"})


def test_a_batch_of_notifications_is_published_in_one_invocation(stack: LocalStack, s3: Any, seed_document) -> None:
    slugs = [f"artikel-{n}" for n in range(12)]
    for slug in slugs:
        put_document(s3, f"articles/id/{slug}.json", _article(seed_document, slug))

    invocations = stack.deliver_events(ingest_handler.lambda_handler)

    # The template's batch size (10) per invocation: 12 notifications (and the test event S3 sent when the
    # stack was made), two invocations, none failed.
    assert len(invocations) == 2
    assert all(invocation["batchItemFailures"] == [] for invocation in invocations)
    assert sorted(r["key"] for i in invocations for r in i["results"]) == sorted(
        f"articles/id/{slug}.json" for slug in slugs
    )
    assert {r["status"] for i in invocations for r in i["results"]} == {"published"}
    assert _queue_depth(stack, stack.queue_url) == (0, 0)
    assert call_api("GET", "/v1/articles/artikel-11").status_code == 200


def test_a_message_that_fails_is_retried_alone_and_the_rest_of_its_batch_is_published(
    stack: LocalStack, s3: Any, seed_document, request: pytest.FixtureRequest
) -> None:
    put_document(s3, "articles/id/artikel-baik.json", _article(seed_document, "artikel-baik"))
    put_document(s3, "articles/id/artikel-gagal.json", _article(seed_document, "artikel-gagal"))

    def unreachable_for_one_key(request: Any, **_: Any) -> None:
        if "artikel-gagal" in request.url and request.method == "GET":
            raise ConnectionError("S3 did not answer")

    ingest_handler.reset()
    client = ingest_handler.this_containers_publishing().s3_client
    client.meta.events.register_first("before-send.s3", unreachable_for_one_key)
    request.addfinalizer(lambda: client.meta.events.unregister("before-send.s3", unreachable_for_one_key))

    [invocation] = stack.deliver_events(ingest_handler.lambda_handler)

    [failure] = invocation["batchItemFailures"]
    assert [r["key"] for r in invocation["results"]] == ["articles/id/artikel-baik.json"]
    assert call_api("GET", "/v1/articles/artikel-baik").status_code == 200
    assert call_api("GET", "/v1/articles/artikel-gagal").status_code == 404
    # The failed message stays in the queue (invisible until its visibility timeout), the other is done.
    assert _queue_depth(stack, stack.queue_url) == (0, 1)
    assert failure["itemIdentifier"]


def test_the_test_event_s3_sends_when_notifications_are_configured_is_done_without_syncing(
    stack: LocalStack,
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET, "RequestId": "x"}
    sqs.send_message(QueueUrl=stack.queue_url, MessageBody=json.dumps(test_event))
    invocations = stack.deliver_events(ingest_handler.lambda_handler)
    assert invocations and all(i["batchItemFailures"] == [] and i["results"] == [] for i in invocations)
    assert _queue_depth(stack, stack.queue_url) == (0, 0)


def test_an_edit_published_through_the_queue_is_served(seeded_fresh: LocalStack, s3: Any, seed_document) -> None:
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "title": "Judul lewat antrean"}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    assert call_api("GET", "/v1/articles/kram-otot-betis").get_json()["title"] == "Judul lewat antrean"
