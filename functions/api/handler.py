"""Entry point of the API function, and its composition root: the settings, the container and the
resolver are built here once per Lambda container, and nothing else in the API builds or looks them up."""

from __future__ import annotations

import gc
import os

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    # Lambda imports this module in its init phase: no collections while the modules and the container
    # are built (60-80 ms of a cold start, measured); _at_init freezes what was built and turns it back on.
    gc.disable()

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from api import warmup
from api.app import Api, build_api
from api.http_policy import finish, vary_on
from api.usage import caller_of, rate_limit_policy
from health_content.observability import logger, metrics, trace_sampled_invocations
from health_content.settings import Settings


@cache
def this_containers_api() -> Api:
    """The API of this Lambda container, built from the environment on first use."""
    return build_api(Settings.from_environ())


def reset() -> None:
    """Forget the container and the resolver: the next request starts as a cold container would
    (tests and the local runner change the environment in between)."""
    this_containers_api.cache_clear()


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(clear_state=True)
@trace_sampled_invocations
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # What correlation_paths.API_GATEWAY_REST selects, without a JMESPath search per request (8 µs).
    logger.set_correlation_id((event.get("requestContext") or {}).get("requestId"))
    api = this_containers_api()
    current = api.container
    current.freshness.reset()
    current.deadline.start(context.get_remaining_time_in_millis() / 1000)
    origins = current.settings.cors_allowed_origins
    finished = finish(
        api.resolver.resolve(event, context),
        method=str(event.get("httpMethod")),
        varies_by_origin=bool(origins) and origins != ["*"],
        open_to_any_origin=origins == ["*"],
        freshness=current.freshness,
    )
    caller = caller_of(event, current.partners)
    policy = rate_limit_policy(caller, current.settings)
    headers = finished["multiValueHeaders"]
    if policy is not None:
        headers["RateLimit-Policy"] = [policy]
    if caller.key_id is not None:
        # The answer names the key's partition, and a shared cache must not give keyed content to others.
        vary_on(headers, "x-api-key")
    current.usage.record(caller, str(event.get("path") or ""))
    return finished


def before_snapshot() -> None:
    warmup.before_snapshot(this_containers_api())


def after_restore() -> None:
    """Each restored copy gets an API of its own, built from a fresh container."""
    warmup.after_restore(replaced=reset, renewed=this_containers_api)


def _at_init() -> None:
    """In Lambda only (tests build their containers themselves): prepare the container during init, or, with
    SnapStart, register the hooks that prepare the snapshot and refresh each restored copy."""
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return
    try:
        if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
            from snapshot_restore_py import register_after_restore, register_before_snapshot  # Lambda's has it

            register_before_snapshot(before_snapshot)
            register_after_restore(after_restore)
            return
        warmup.prepare(this_containers_api())
    finally:
        gc.enable()


_at_init()
