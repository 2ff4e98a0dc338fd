"""Entry point of the webhook delivery: each change event the bus put on the webhook queue is signed (Standard
Webhooks) and POSTed to the partner. A delivery that fails is reported as failed alone (the batch's others are
done) and held back in the queue until its next attempt is due (``health_content.changes.webhooks.RETRY_DELAYS``);
after the last attempt the queue parks it in the dead-letter queue, which alarms.

EventBridge API destinations would deliver without this function, but they cannot sign a body: they only add
fixed headers (docs/changes-and-webhooks.md says why the design is this one).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.changes.webhooks import WebhookDelivery, retry_delay
from health_content.observability import logger, metrics, tracer
from health_content.settings import Settings
from health_content.storage.aws import WEBHOOK_CLIENT_CONFIG, secrets_client, sqs_client
from health_content.storage.webhooks import HttpWebhookEndpoint, SecretsManagerSigningSecrets, SqsRetryQueue


class WebhookNotDelivered(Exception):
    """The partner did not answer 2xx: the record is reported as failed, to be delivered again."""


class WebhookDeliveries:
    """One Lambda container's delivery: the signing secrets, the partner's endpoint and the queue's retries."""

    def __init__(self, delivery: WebhookDelivery, retries: SqsRetryQueue) -> None:
        self._delivery = delivery
        self._retries = retries

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookDeliveries:
        if not (settings.webhook_url and settings.webhook_secret_arn and settings.webhook_queue_url):
            raise RuntimeError("WEBHOOK_URL, WEBHOOK_SECRET_ARN and WEBHOOK_QUEUE_URL must all be set")
        secrets = SecretsManagerSigningSecrets(
            secrets_client(WEBHOOK_CLIENT_CONFIG),
            settings.webhook_secret_arn,
            settings.webhook_secret_max_age_seconds,
        )
        delivery = WebhookDelivery(secrets, HttpWebhookEndpoint(settings.webhook_url))
        return cls(delivery, SqsRetryQueue(sqs_client(WEBHOOK_CLIENT_CONFIG), settings.webhook_queue_url))

    def deliver(self, record: SQSRecord) -> None:
        try:
            delivered = self._delivery.deliver(record.body.encode(), dt.datetime.now(dt.UTC))
        except ValueError:
            logger.exception("a message on the webhook queue is not a change event", extra={"id": record.message_id})
            raise
        if delivered.ok:
            metrics.add_metric(name="WebhooksDelivered", unit=MetricUnit.Count, value=1)
            return
        attempts = int(record.attributes.approximate_receive_count)
        delay = retry_delay(attempts)
        self._retries.later(record.receipt_handle, delay)
        metrics.add_metric(name="WebhookAttemptsFailed", unit=MetricUnit.Count, value=1)
        logger.warning(
            "the partner's webhook did not accept a change event; it is tried again later",
            extra={
                "webhook_id": delivered.message_id,
                "status": delivered.status,
                "attempts": attempts,
                "retry_in_seconds": delay.total_seconds(),
            },
        )
        raise WebhookNotDelivered(delivered.message_id)


@cache
def this_containers_deliveries() -> WebhookDeliveries:
    """The composition root: built from the environment on the first invocation."""
    return WebhookDeliveries.from_settings(Settings.from_environ())


# A batch that failed whole is a partner that is down, not an error of this function: each record is held
# back for its next attempt, as when some fail.
_processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deliveries = this_containers_deliveries()
    response: dict[str, Any] = dict(
        process_partial_response(event=event, record_handler=deliveries.deliver, processor=_processor, context=context)
    )
    return response


def reset() -> None:
    """Forget the per-container delivery (tests change the environment)."""
    this_containers_deliveries.cache_clear()
