"""Change events delivered to a partner's webhook, signed as the Standard Webhooks specification says.

Each delivery is a POST of the change event (the EventBridge event, as ``events.ChangeEvent`` describes it) with three
headers: ``webhook-id`` (the change's stable id, the same on every retry, so a partner drops repeats),
``webhook-timestamp`` (when this attempt was made, in Unix seconds; receivers refuse one older than five minutes)
and ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``, one for each signing secret
held, separated by spaces, so that during a rotation a partner holding either secret can verify.

The signing is the ``standardwebhooks`` library's, the one partners verify with. The ports below are what a
delivery needs from outside: the secrets (Secrets Manager) and the partner's endpoint (HTTP).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from standardwebhooks.webhooks import Webhook

from health_content.changes.model import Change

SECRET_PREFIX = "whsec_"
# The specification asks for secrets of 24 to 64 random bytes.
SECRET_BYTES = range(24, 65)
# When a failed delivery is tried again, after each failed attempt in turn: the Standard Webhooks
# specification's example schedule (the first attempt immediately, then these), about 28 hours in all. After
# the last, the event is parked in the webhook's dead-letter queue (template.yaml's WebhookQueue redrives
# after len(RETRY_DELAYS) + 1 receives).
RETRY_DELAYS = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=10),
)


class InvalidSigningSecret(Exception):
    """The stored signing secrets are not ``whsec_``-prefixed base64 of 24 to 64 bytes."""


class SigningSecrets(Protocol):
    def current(self) -> list[str]:
        """The secrets to sign with, newest first, each in the ``whsec_`` form (two during a rotation)."""
        ...


class WebhookEndpoint(Protocol):
    def post(self, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body`` to the partner and return the status of its answer; raise ``OSError`` when no answer
        came (refused, timed out, reset)."""
        ...


def parse_secrets(stored: str) -> list[str]:
    """The signing secrets kept in one secret value: separated by spaces or new lines, newest first, each as
    ``whsec_<base64>`` (the ``whsec_`` may be left out: the value the template generates is bare base64)."""
    secrets = []
    for word in stored.split():
        key = word.removeprefix(SECRET_PREFIX)
        try:
            raw = base64.b64decode(key, validate=True)
        except binascii.Error as error:
            raise InvalidSigningSecret("a webhook signing secret is not base64 after its whsec_ prefix") from error
        if len(raw) not in SECRET_BYTES:
            raise InvalidSigningSecret(f"a webhook signing secret has {len(raw)} bytes, not 24 to 64")
        secrets.append(SECRET_PREFIX + key)
    if not secrets:
        raise InvalidSigningSecret("the webhook signing secret holds no secret")
    return secrets


def webhook_id(change: Change) -> str:
    """The message id partners deduplicate by: the change's sequence, which every sending of its event shares
    (EventBridge's own event id differs each time the relay sends it)."""
    return f"change-{change.sequence}"


def announced_change(body: bytes) -> Change:
    """The change a change event (``ChangeEvent``, as JSON) announces; ``ValueError`` when it is not one."""
    try:
        return Change.model_validate(json.loads(body)["detail"])
    except (ValueError, KeyError, TypeError) as error:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"not a change event: {error}") from error


def signed_headers(message_id: str, body: bytes, secrets: Sequence[str], at: dt.datetime) -> dict[str, str]:
    """The headers of one delivery attempt made ``at``, signed with each of ``secrets``."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets),
    }


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait before trying again after ``attempts`` failed attempts; none after the last, whose
    event the queue then parks at once."""
    if attempts > len(RETRY_DELAYS):
        return dt.timedelta(0)
    return RETRY_DELAYS[max(attempts, 1) - 1]


@dataclass(frozen=True, slots=True)
class Delivered:
    message_id: str
    status: int | None
    """The partner's answer, or None when none came."""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookDelivery:
    def __init__(self, secrets: SigningSecrets, endpoint: WebhookEndpoint) -> None:
        self._secrets = secrets
        self._endpoint = endpoint

    def deliver(self, body: bytes, at: dt.datetime) -> Delivered:
        """Sign and POST one change event (``body``, exactly as the bus delivered it); any answer but a 2xx is
        a failure to retry, as the specification says."""
        message_id = webhook_id(announced_change(body))
        headers = signed_headers(message_id, body, self._secrets.current(), at)
        try:
            status: int | None = self._endpoint.post(body, headers)
        except OSError:
            status = None
        return Delivered(message_id, status)
