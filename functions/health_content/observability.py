"""Powertools logger, tracer and metrics shared by every function.

Service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets for every function from its Service
mapping; both fall back to the same names (a test keeps them equal), so that a missing
variable never fails a request.
"""

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE_NAME, METRICS_NAMESPACE = "health-content-api", "HealthContent"

_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", SERVICE_NAME)
logger = Logger(service=_SERVICE)
# Only botocore: the X-Ray SDK's default patches every library it knows (sqlite3, http.client, ...),
# importing some of them at start-up (6 ms) for calls these functions never make.
tracer = Tracer(service=_SERVICE, patch_modules=["botocore"])
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE), service=_SERVICE)

T = TypeVar("T")
_CAUSE_LENGTH = 300


def log_unavailable(message: str, error: BaseException, **extra: Any) -> None:
    """One WARNING line naming the error's cause; its traceback only at DEBUG. In an outage every request
    fails the same way, and a traceback each would be most of the log's volume and cost."""
    cause = error.__cause__ or error
    logger.warning(message, extra={**extra, "cause": f"{type(cause).__name__}: {cause}"[:_CAUSE_LENGTH]})
    logger.debug(message, exc_info=error)


def trace_sampled_invocations(handler: Callable[[Any, Any], T]) -> Callable[[Any, Any], T]:
    """``tracer.capture_lambda_handler`` on the invocations X-Ray samples and on the first (whose trace
    carries the cold-start annotation); the others run bare. Unsampled, the decorator records nothing
    anyone sees, yet costs about 23 µs on Python 3.13 (the X-Ray SDK parses the trace header six times
    per invocation): a third of what a cached answer costs. Downstream calls are traced either way."""
    traced = cast(Callable[[Any, Any], T], tracer.capture_lambda_handler(handler))
    first = True

    @functools.wraps(handler)
    def invoke(event: Any, context: Any) -> T:
        nonlocal first
        if first or "Sampled=0" not in os.environ.get("_X_AMZN_TRACE_ID", ""):
            first = False
            return traced(event, context)
        return handler(event, context)

    return invoke
