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

from health_content.changes.relay import EventRelay
from health_content.observability import logger, metrics, tracer
from health_content.publishing.kinds import ServingIndex
from health_content.publishing.publisher import Publisher
from health_content.settings import Settings
from health_content.storage.aws import INGEST_CLIENT_CONFIG, dynamodb_table, events_client, s3_client
from health_content.storage.changelog import DynamoChangeLog
from health_content.storage.dynamodb import DynamoArticleStore, DynamoCauseStore
from health_content.storage.eventbridge import EventBridgeBus
from health_content.storage.s3 import S3ContentSource


@cache
def _s3_client() -> Any:
    return s3_client(INGEST_CLIENT_CONFIG)


@cache
def _settings() -> Settings:
    return Settings.from_environ()


@cache
def _change_log() -> DynamoChangeLog:
    table = dynamodb_table(_settings().table_name, INGEST_CLIENT_CONFIG)
    return DynamoChangeLog(table, announce=_settings().event_bus_name is not None)


@cache
def _serving_index() -> ServingIndex:
    log = _change_log()
    return ServingIndex(articles=DynamoArticleStore(log.table, log), causes=DynamoCauseStore(log.table, log))


@cache
def _relay() -> EventRelay | None:
    bus_name = _settings().event_bus_name
    if bus_name is None:
        return None
    return EventRelay(_change_log(), EventBridgeBus(events_client(INGEST_CLIENT_CONFIG), bus_name))


def relay_pending_events() -> None:
    """Announce the changes whose events are pending. A bus that fails costs a delay, never a change:
    the events stay pending for the next publication or the scheduled relay, and the failure is counted."""
    relay = _relay()
    if relay is None:
        return
    outcome = relay.flush()
    if outcome.sent:
        metrics.add_metric(name="ChangeEventsSent", unit=MetricUnit.Count, value=outcome.sent)
    if outcome.failed:
        metrics.add_metric(name="ChangeEventsFailed", unit=MetricUnit.Count, value=outcome.failed)


def publisher_for(bucket: str) -> Publisher:
    return Publisher(S3ContentSource(_s3_client(), bucket), _serving_index())


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    results = []
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)
        report = publisher_for(record.s3.bucket.name).sync(key)
        metrics.add_metric(name=f"Documents{report.status.value.title()}", unit=MetricUnit.Count, value=1)
        results.append(
            {"key": key, "status": report.status.value, "reasons": report.reasons, "warnings": report.warnings}
        )
    relay_pending_events()
    return {"results": results}


def reset() -> None:
    """Forget the per-container clients (tests and the local runner change the environment)."""
    for cached in (_s3_client, _settings, _change_log, _serving_index, _relay):
        cached.cache_clear()
