"""Entry point of the CDN invalidation function.

A rule on the stack's bus sends every change event to the function's queue, which holds each for as long as a
warm API container may keep the content it replaces (``ContentCacheTtlSeconds``: purged any sooner, the edge
would fetch the old version again from such a container). Lambda hands the queue's messages over in batches,
and one invalidation purges what the whole batch made stale (``edge.purge``). When CloudFront has as many
invalidations in progress as it allows, the batch goes back to the queue and comes again after its visibility
timeout; a batch that keeps failing ends in the dead-letter queue, whose alarm tells operators.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from edge.cloudfront import EdgeCache, InvalidationsBusy
from edge.purge import caller_reference, invalidation_paths
from health_content.changes.events import EVENT_SOURCE
from health_content.changes.model import Change
from health_content.observability import logger, metrics, tracer
from health_content.settings import Settings
from health_content.storage.aws import INGEST_CLIENT_CONFIG, cloudfront_client


@cache
def this_containers_edge() -> EdgeCache:
    """The composition root: this Lambda container's edge cache, built from the environment on first use."""
    distribution = Settings.from_environ().cdn_distribution_id
    if distribution is None:
        raise RuntimeError("CDN_DISTRIBUTION_ID is not set: there is no distribution to invalidate")
    return EdgeCache(cloudfront_client(INGEST_CLIENT_CONFIG), distribution)


def reset() -> None:
    """Forget the per-container client (tests change the environment)."""
    this_containers_edge.cache_clear()


def _changes(records: list[dict[str, Any]]) -> list[Change]:
    """The change each queued EventBridge event announces (its ``detail``; the envelope only says where from)."""
    changes = []
    for record in records:
        try:
            event = json.loads(record["body"])
            if event.get("source") != EVENT_SOURCE:
                raise ValueError(event.get("source"))
            changes.append(Change.model_validate(event["detail"]))
        except (KeyError, TypeError, AttributeError, ValueError, ValidationError):
            # The rule sends only the stack's own change events: anything else is logged and left, never retried.
            logger.error("not a change event; nothing to invalidate", extra={"message_id": record.get("messageId")})
    return changes


def invalidate(records: list[dict[str, Any]], edge: EdgeCache) -> dict[str, list[dict[str, str]]]:
    """One invalidation for what a batch of queued change events made stale; the partial batch response."""
    changes = _changes(records)
    if not changes:
        return {"batchItemFailures": []}
    paths = invalidation_paths(changes)
    try:
        invalidation = edge.invalidate(paths, caller_reference(changes))
    except InvalidationsBusy:
        metrics.add_metric(name="InvalidationsDeferred", unit=MetricUnit.Count, value=1)
        logger.warning("CloudFront has as many invalidations in progress as it allows; the batch comes again")
        return {"batchItemFailures": [{"itemIdentifier": record["messageId"]} for record in records]}
    metrics.add_metric(name="InvalidationPaths", unit=MetricUnit.Count, value=len(paths))
    logger.info(
        "edge caches invalidated",
        extra={"invalidation": invalidation, "paths": paths, "sequences": [c.sequence for c in changes]},
    )
    return {"batchItemFailures": []}


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    return invalidate(event.get("Records") or [], this_containers_edge())
