"""What a client sees when the store fails, measured (issue 20): the README's failure table. `make bench-faults`.

For each fault of ``infra.local.store_faults`` (refused, hung, slow, trickling, throttled, 500 errors) and for a
corrupt item, one request of each kind (an article, a cause lookup, a search, the health check) goes through the
real handler, in a cold container (nothing read before) and in a warm one (each read once while the store was
well), timed. Prints the status, the time to the answer and, for warm ones, whether a stale copy was served.
content/ is published through ingest to moto in this process; the faults are real sockets on loopback, which a
container's DynamoDB client is pointed at. Nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

BUCKET = TABLE = "bench-store-faults"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "CONTENT_TABLE_NAME": TABLE,
    "CONTENT_BUCKET_NAME": BUCKET,
    "EVENT_BUS_NAME": f"{TABLE}-changes",
}
REQUESTS = {
    "article": ("/v1/articles/kram-otot-betis", {}),
    "cause lookup": ("/v1/causes", {"q": "kekurangan kalsium"}),
    "search": ("/v1/search", {"q": "kram betis"}),
    "health": ("/v1/health", {}),
}


def _call(path: str, query: dict[str, str]) -> tuple[int, float, str]:
    from api.handler import lambda_handler
    from infra.local.events import LambdaContextStub, rest_api_event

    started = time.perf_counter()
    answer = lambda_handler(rest_api_event("GET", path, query=query), LambdaContextStub())
    elapsed = time.perf_counter() - started
    headers = answer.get("multiValueHeaders") or {}
    stale = "stale" if "stale-if-error" in " ".join(headers.get("Cache-Status", [])) else ""
    return int(answer["statusCode"]), elapsed, stale


def _row(fault: str, container: str, results: dict[str, tuple[int, float, str]]) -> None:
    cells = [f"{status} {seconds:5.2f} s {stale:5}" for status, seconds, stale in results.values()]
    print(f"{fault:14} {container:5} " + " | ".join(cells))


@contextmanager
def _redirected(endpoint: str) -> Iterator[None]:
    """The warm container's DynamoDB calls go to ``endpoint`` from now on."""
    from api.handler import this_containers_api

    def to_fault(request: Any, **_: Any) -> None:
        request.url = endpoint

    events = this_containers_api().container.content_table.meta.client.meta.events
    events.register_first("before-send.dynamodb", to_fault)
    try:
        yield
    finally:
        events.unregister("before-send.dynamodb", to_fault)


def _corrupt_article() -> None:
    import boto3

    boto3.resource("dynamodb").Table(TABLE).update_item(
        Key={"pk": "ARTICLES#id", "sk": "ARTICLE#kram-otot-betis"},
        UpdateExpression="SET #d = :broken",
        ExpressionAttributeNames={"#d": "document"},
        ExpressionAttributeValues={":broken": "{not json"},
    )


def main() -> int:
    os.environ.update(ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from api.handler import reset
    from infra.local.store_faults import FAULTS

    print("What a client sees when the store fails: status and time to the answer per request kind")
    print(f"{'fault':14} {'':5} " + " | ".join(f"{kind:17}" for kind in REQUESTS))
    faults: dict[str, Callable[[], Any]] = dict(FAULTS)
    for fault, make in faults.items():
        with make() as endpoint:
            os.environ["AWS_ENDPOINT_URL"] = endpoint
            reset()
            _row(fault, "cold", {kind: _call(*request) for kind, request in REQUESTS.items()})
        del os.environ["AWS_ENDPOINT_URL"]

    from moto import mock_aws

    with mock_aws():
        from infra.local.stack import LocalStack
        from ingest.handler import lambda_handler as ingest_handler

        stack = LocalStack.create(BUCKET, TABLE, subscriber=False)
        stack.publish_content(ingest_handler)
        stack.index_search()
        os.environ["CONTENT_CACHE_TTL_SECONDS"] = "0"  # a warm container asks the store on every request
        for fault, make in faults.items():
            reset()
            for request in REQUESTS.values():
                _call(*request)
            with make() as endpoint, _redirected(endpoint):
                _row(fault, "warm", {kind: _call(*request) for kind, request in REQUESTS.items()})
        reset()
        for request in REQUESTS.values():
            _call(*request)
        _corrupt_article()
        _row("corrupt item", "warm", {kind: _call(*request) for kind, request in REQUESTS.items()})
        reset()
        _row("corrupt item", "cold", {kind: _call(*request) for kind, request in REQUESTS.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
