"""The floor the API's speed is measured against: a bare Powertools REST resolver returning a body made
beforehand, plus one boto3 client created at import, as a minimal Lambda function would have.

Kept in the repository as the benchmark's reference (``infra/benchmarks/api_speed.py``); never deployed.
"""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from infra.benchmarks.reference_body import BODY, ETAG

_client = boto3.client("dynamodb")
app = APIGatewayRestResolver()


@app.get("/v1/articles/<slug>")
def article(slug: str) -> Response[str]:
    if app.current_event.headers.get("If-None-Match") == ETAG:
        return Response(304, headers={"ETag": ETAG})
    return Response(200, "application/json", BODY, headers={"ETag": ETAG})


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
