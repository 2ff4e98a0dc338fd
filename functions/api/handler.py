"""Entry point of the API function: Powertools decorators around one resolver per container."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from api.dependencies import container
from api.http_policy import finish
from api.usage import caller_of, rate_limit_policy, record_usage
from health_content.observability import logger, metrics, tracer


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    current = container()
    current.freshness.reset()
    response = current.app.resolve(event, context)
    origins = current.settings.cors_allowed_origins
    finished = finish(
        response,
        method=str(event.get("httpMethod")),
        varies_by_origin=bool(origins) and origins != ["*"],
        freshness=current.freshness,
    )
    caller = caller_of(event, current.partners)
    policy = rate_limit_policy(caller, current.settings)
    if policy is not None:
        finished["multiValueHeaders"]["RateLimit-Policy"] = [policy]
    record_usage(caller, str(event.get("path") or ""), metrics.namespace)
    return finished
