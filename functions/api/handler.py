"""Entry point of the API function: Powertools decorators around one resolver per container."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from api.app import create_app
from api.dependencies import get_settings
from health_content.observability import logger, metrics, tracer


@cache
def get_app() -> APIGatewayRestResolver:
    return create_app(get_settings())


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # HEAD is GET without the body (RFC 9110): resolve it as GET, then drop the body.
    if event.get("httpMethod") == "HEAD":
        response = get_app().resolve({**event, "httpMethod": "GET"}, context)
        return {**response, "body": None, "isBase64Encoded": False}
    return get_app().resolve(event, context)
