"""Entry point of the scheduled indexer: keeps each locale's search index file current
(``health_content.search.indexer``), then the cause index file (``health_content.causes.updating``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.observability import logger, metrics, tracer
from ingest.handler import this_containers_publishing  # the same code package, composed the same way


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    container = this_containers_publishing()
    stored = container.search_indexer.run()
    if stored:
        metrics.add_metric(name="SearchIndexFilesStored", unit=MetricUnit.Count, value=len(stored))
        logger.info("search index files stored", sequences=stored)
    causes = container.cause_indexer.run()
    if causes:
        metrics.add_metric(name="CauseIndexFilesStored", unit=MetricUnit.Count, value=1)
        logger.info("cause index file stored", content_hash=causes)
    return {"stored": stored, "causes": causes}
