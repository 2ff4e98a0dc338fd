"""Entry point of the ingest function.

The content bucket sends each change of a document key to the ingest queue, and Lambda hands the queue's
messages to this function in batches (template.yaml). Each message's body is S3's notification, whose
records name document keys; the publisher syncs each key from the bucket into the serving index, logging
each change; then the changes' events go to the event bus. A rejected document is an outcome, not an error:
it is logged, tagged and reported, and its message is done. Only unexpected failures (S3 or DynamoDB
unreachable) fail a message: the function reports it in its partial batch response, the queue delivers it
again after its visibility timeout, and after its last delivery keeps it in the failure queue. The batch's
other messages are done either way.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes import S3Event, SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.observability import logger, metrics, tracer
from health_content.settings import Settings
from ingest.container import PublishingContainer

# A batch whose every message failed raises, so that the invocation counts as an error (the errors alarm)
# and Lambda backs off, as it does for any failed invocation.
processor = BatchProcessor(event_type=EventType.SQS)


@cache
def this_containers_publishing() -> PublishingContainer:
    """The composition root: this Lambda container's clients, built from the environment on first use."""
    return PublishingContainer(Settings.from_environ())


def reset() -> None:
    """Forget the per-container clients (tests and the local runner change the environment)."""
    this_containers_publishing.cache_clear()


def sync_notification(record: SQSRecord) -> None:
    """Sync every document key one queued S3 notification names; raises (failing the message) only when
    the bucket or the table cannot be reached."""
    notification = record.json_body
    if "Records" not in notification:  # S3's s3:TestEvent when the notification is configured
        return
    publishing = this_containers_publishing()
    for change in S3Event(notification).records:
        key = unquote_plus(change.s3.get_object.key)
        try:
            report = publishing.publisher_for(change.s3.bucket.name).sync(key)
        except Exception:
            logger.exception("document not synced; its message will be delivered again", extra={"key": key})
            raise
        metrics.add_metric(name=f"Documents{report.status.value.title()}", unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    response = process_partial_response(
        event=event, record_handler=sync_notification, processor=processor, context=context
    )
    this_containers_publishing().relay_pending_events()
    return response
