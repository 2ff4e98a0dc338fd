"""The webhook delivery function on moto, through the real handler, against a partner endpoint on loopback:
signed deliveries, retries held back on the Standard Webhooks schedule, the dead-letter queue after the last
attempt, and a rotation of the signing secret that reaches deliveries without a deployment."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sqs.models import sqs_backends
from standardwebhooks.webhooks import Webhook

from health_content.changes.model import Change, ChangeType
from health_content.changes.webhooks import RETRY_DELAYS
from health_content.storage.eventbridge import EventBridgeBus
from infra.local.stack import LocalStack, LocalWebhook
from tests.webhook_partner import PartnerEndpoint, new_secret, partner_endpoint
from webhooks import handler as webhook_handler

pytestmark = [pytest.mark.enable_socket]


@pytest.fixture
def partner() -> Iterator[PartnerEndpoint]:
    with partner_endpoint() as endpoint:
        yield endpoint


def _attach(stack: LocalStack, secrets: str, partner: PartnerEndpoint, monkeypatch: pytest.MonkeyPatch) -> LocalWebhook:
    webhook = stack.attach_webhook(secrets)
    monkeypatch.setenv("WEBHOOK_URL", partner.url)
    monkeypatch.setenv("WEBHOOK_SECRET_ARN", webhook.secret_arn)
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", webhook.queue_url)
    return webhook


def _announce(stack: LocalStack) -> None:
    """Two changes announced on the stack's bus, as ingest announces them (the article, then the taxonomy)."""
    at = dt.datetime.now(dt.UTC)
    changes = [
        Change(sequence=1, at=at, kind="article", id="kram-otot-betis", locale="id", change=ChangeType.PUBLISHED,
               reason=None, version="v1"),
        Change(sequence=2, at=at, kind="causes", id="causes", locale=None, change=ChangeType.PUBLISHED,
               reason=None, version="v1"),
    ]  # fmt: skip
    assert EventBridgeBus(boto3.client("events", region_name="us-east-1"), stack.event_bus).publish(changes) == []


def _queue(url: str) -> object:
    return sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].queues[url.rsplit("/", 1)[1]]


def _held_back_seconds(url: str) -> list[float]:
    """How long each message of the queue is still hidden."""
    now_ms = time.time() * 1000
    return [max(0.0, (message.visible_at - now_ms) / 1000) for message in _queue(url)._messages]  # type: ignore[attr-defined]


def _make_due(url: str) -> None:
    """Skip the wait: every held-back message is due now (the schedule is hours long)."""
    for message in _queue(url)._messages:  # type: ignore[attr-defined]
        message.visible_at = 0.0


def _count(url: str) -> int:
    return len(_queue(url)._messages)  # type: ignore[attr-defined]


def test_a_failing_endpoint_gets_every_attempt_of_the_schedule_then_the_event_is_parked(
    stack: LocalStack, partner: PartnerEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = new_secret()
    webhook = _attach(stack, secret, partner, monkeypatch)
    _announce(stack)
    partner.answers = [503] * 100
    attempts = len(RETRY_DELAYS) + 1
    for attempt in range(1, attempts + 1):
        assert stack.deliver_webhooks(webhook_handler.lambda_handler) == 0
        posted = partner.requests()
        assert len(posted) == 2
        # Held back for the schedule's next delay; after the last attempt, not at all (parked at once).
        expected = RETRY_DELAYS[attempt - 1].total_seconds() if attempt <= len(RETRY_DELAYS) else 0
        assert all(expected - 2 <= held <= expected for held in _held_back_seconds(webhook.queue_url)), attempt
        _make_due(webhook.queue_url)
        ids = [headers["webhook-id"] for headers, _ in posted]
        assert sorted(ids) == ["change-1", "change-2"]  # the same ids on every attempt
        for headers, body in posted:
            Webhook(secret).verify(body, headers)
    assert stack.deliver_webhooks(webhook_handler.lambda_handler) == 0
    assert partner.requests() == []
    parked_url = webhook.queue_url.replace("-deliveries", "-failures")
    assert (_count(webhook.queue_url), _count(parked_url)) == (0, 2)


def test_a_retry_that_succeeds_is_signed_with_the_rotated_secrets_and_keeps_its_id(
    stack: LocalStack, partner: PartnerEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET_MAX_AGE_SECONDS", "0")  # read the secret on every delivery
    older = new_secret()
    webhook = _attach(stack, older, partner, monkeypatch)
    _announce(stack)
    partner.answers = [500, 204]  # the first event fails once; the second is accepted
    assert stack.deliver_webhooks(webhook_handler.lambda_handler) == 1
    first = partner.requests()
    failed_headers, failed_body = first[0]
    assert len(failed_headers["webhook-signature"].split(" ")) == 1

    newer = new_secret()
    boto3.client("secretsmanager", region_name="us-east-1").put_secret_value(
        SecretId=webhook.secret_arn, SecretString=f"{newer} {older}"
    )
    _make_due(webhook.queue_url)
    assert stack.deliver_webhooks(webhook_handler.lambda_handler) == 1
    [(headers, body)] = partner.requests()
    assert (headers["webhook-id"], body) == (failed_headers["webhook-id"], failed_body)
    for secret in (newer, older):
        assert Webhook(secret).verify(body, headers)["detail"]["sequence"] == json.loads(body)["detail"]["sequence"]
    assert _count(webhook.queue_url) == 0
