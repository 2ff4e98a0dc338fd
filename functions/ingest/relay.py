"""Entry point of the scheduled relay: announces change events that the bus did not accept earlier."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.observability import logger, metrics, tracer
from ingest.handler import this_containers_publishing  # the same code package, composed the same way


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    this_containers_publishing().relay_pending_events()
