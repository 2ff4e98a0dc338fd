"""Entry point of the API function: Powertools decorators around one resolver per container."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from api.dependencies import container
from health_content.observability import logger, metrics, tracer


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    app = container().app
    # HEAD is GET without the body (RFC 9110): resolve it as GET, then drop the body.
    if event.get("httpMethod") == "HEAD":
        response = app.resolve({**event, "httpMethod": "GET"}, context)
        return {**response, "body": None, "isBase64Encoded": False}
    return app.resolve(event, context)
