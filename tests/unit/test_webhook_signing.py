"""Webhook signing as the Standard Webhooks specification has it, checked with the library partners verify with."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import string

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from health_content.changes.webhooks import (
    RETRY_DELAYS,
    InvalidSigningSecret,
    WebhookDelivery,
    parse_secrets,
    retry_delay,
    signed_headers,
)
from tests.webhook_partner import new_secret

EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Article Retracted",
    "source": "health-content.publishing",
    "account": "123456789012",
    "time": "2026-11-25T10:00:00Z",
    "region": "ap-southeast-3",
    "resources": [],
    "detail": {
        "sequence": 42,
        "at": "2026-11-25T10:00:00.123456+00:00",
        "kind": "article",
        "id": "kram-otot-betis",
        "locale": "id",
        "change": "retracted",
        "reason": "Ditarik",
        "version": None,
    },
}


def test_each_secret_held_during_a_rotation_verifies_the_same_delivery() -> None:
    newer, older = new_secret(), new_secret()
    body = json.dumps(EVENT).encode()
    headers = signed_headers("change-42", body, [newer, older], dt.datetime.now(dt.UTC))
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (newer, older):
        assert Webhook(secret).verify(body, headers)["detail"]["sequence"] == 42
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_a_delivery_older_than_five_minutes_is_refused_by_the_partner() -> None:
    secret, body = new_secret(), json.dumps(EVENT).encode()
    headers = signed_headers("change-42", body, [secret], dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)


class _Endpoint:
    def __init__(self, status: int | None) -> None:
        self.status = status
        self.posted: list[tuple[bytes, dict[str, str]]] = []

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        self.posted.append((body, dict(headers)))
        if self.status is None:
            raise ConnectionRefusedError("refused")
        return self.status


class _Secrets:
    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets

    def current(self) -> list[str]:
        return self.secrets


@pytest.mark.parametrize(
    ("status", "ok"), [(200, True), (204, True), (301, False), (410, False), (500, False), (None, False)]
)
def test_only_a_2xx_answer_is_a_delivery(status: int | None, ok: bool) -> None:
    endpoint = _Endpoint(status)
    body = json.dumps(EVENT).encode()
    delivered = WebhookDelivery(_Secrets([new_secret()]), endpoint).deliver(body, dt.datetime.now(dt.UTC))
    assert (delivered.message_id, delivered.status, delivered.ok) == ("change-42", status, ok)
    [(sent, headers)] = endpoint.posted
    assert sent == body  # the body as the bus delivered it, byte for byte: what the signature covers
    assert headers["content-type"] == "application/json"


def test_a_message_that_is_no_change_event_is_refused_before_anything_is_sent() -> None:
    endpoint = _Endpoint(204)
    with pytest.raises(ValueError, match="not a change event"):
        WebhookDelivery(_Secrets([new_secret()]), endpoint).deliver(b'{"detail": {}}', dt.datetime.now(dt.UTC))
    assert endpoint.posted == []


def test_secrets_are_read_newest_first_with_or_without_their_prefix() -> None:
    # What template.yaml generates: 32 letters and digits, the base64 of 24 bytes.
    generated = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    rotated = new_secret()
    assert parse_secrets(f"{rotated}\n {generated} ") == [rotated, f"whsec_{generated}"]


@pytest.mark.parametrize(
    "stored",
    ["", "whsec_", "whsec_not base64!", "whsec_" + base64.b64encode(b"x" * 16).decode(), "whsec_" + "A" * 100],
)
def test_a_secret_that_is_not_24_to_64_bytes_of_base64_is_refused(stored: str) -> None:
    with pytest.raises(InvalidSigningSecret):
        parse_secrets(stored)


def test_retries_follow_the_specifications_schedule_and_stop_after_the_last() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, len(RETRY_DELAYS) + 2)] == [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
        0,
    ]
