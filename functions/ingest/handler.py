"""Entry point of the ingest function.

Each S3 record names a document key; the publisher syncs that key from the bucket into
the serving index, logging each change; then the changes' events go to the event bus. A
rejected document is an outcome, not an error: it is logged, tagged and reported, and the
function succeeds. Only unexpected failures (S3 or
DynamoDB unreachable) raise, so that Lambda retries them and, after the retries, sends
the event to the on-failure destination.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.observability import logger, metrics, tracer
from health_content.settings import Settings
from ingest.container import PublishingContainer


@cache
def this_containers_publishing() -> PublishingContainer:
    """The composition root: this Lambda container's clients, built from the environment on first use."""
    return PublishingContainer(Settings.from_environ())


def reset() -> None:
    """Forget the per-container clients (tests and the local runner change the environment)."""
    this_containers_publishing.cache_clear()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    publishing = this_containers_publishing()
    results = []
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)
        report = publishing.publisher_for(record.s3.bucket.name).sync(key)
        metrics.add_metric(name=f"Documents{report.status.value.title()}", unit=MetricUnit.Count, value=1)
        results.append(
            {"key": key, "status": report.status.value, "reasons": report.reasons, "warnings": report.warnings}
        )
    publishing.relay_pending_events()
    return {"results": results}
