"""The peer the API's speed is compared with: FastAPI behind Mangum answering what the floor answers (the
same bytes, the same ETag revalidation), plus one boto3 client created at import.

Kept in the repository as the benchmark's reference (``infra/benchmarks/api_speed.py``); never deployed.
"""

from __future__ import annotations

from typing import Any

import boto3
from fastapi import FastAPI, Header, Response
from mangum import Mangum

from infra.benchmarks.reference_body import BODY, ETAG

_client = boto3.client("dynamodb")
app = FastAPI()


@app.get("/v1/articles/{slug}")
def article(slug: str, if_none_match: str | None = Header(default=None)) -> Response:
    if if_none_match == ETAG:
        return Response(status_code=304, headers={"ETag": ETAG})
    return Response(BODY, media_type="application/json", headers={"ETag": ETAG})


_handler = Mangum(app, lifespan="off")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler(event, context)
