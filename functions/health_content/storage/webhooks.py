"""What a webhook delivery needs from outside: the signing secrets in Secrets Manager, the partner's HTTP
endpoint, and the webhook queue, which holds a failed delivery back until its next attempt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import urllib3
from aws_lambda_powertools.utilities.parameters import SecretsProvider

from health_content.changes.webhooks import parse_secrets


class SecretsManagerSigningSecrets:
    """The signing secrets, read again at most every ``max_age`` seconds, so that a rotation (a new value in
    Secrets Manager) reaches the deliveries within that time without a deployment."""

    def __init__(self, client: Any, secret_id: str, max_age: int) -> None:
        self._provider = SecretsProvider(boto3_client=client)
        self._secret_id = secret_id
        self._max_age = max_age

    def current(self) -> list[str]:
        value = self._provider.get(self._secret_id, max_age=self._max_age)
        return parse_secrets(value.decode() if isinstance(value, bytes) else str(value))


class HttpWebhookEndpoint:
    """POSTs to one URL over a pool of kept-alive connections; redirects are not followed (a webhook URL that
    moved is the partner's to update, and a redirect would replay a signed body elsewhere)."""

    def __init__(self, url: str, *, connect_seconds: float = 3, read_seconds: float = 10) -> None:
        self._url = url
        self._pool = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(connect=connect_seconds, read=read_seconds)
        )

    def post(self, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            response = self._pool.request("POST", self._url, body=body, headers=dict(headers), redirect=False)
        except urllib3.exceptions.HTTPError as error:
            raise ConnectionError(f"no answer from the webhook: {error}") from error
        return int(response.status)


class SqsRetryQueue:
    """Holds a message whose delivery failed invisible until its next attempt is due (Lambda does not change a
    failed message's visibility itself: it would otherwise come back after the queue's visibility timeout)."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def later(self, receipt_handle: str, delay: dt.timedelta) -> None:
        self._client.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=int(delay.total_seconds())
        )
