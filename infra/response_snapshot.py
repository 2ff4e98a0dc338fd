"""Record the API's responses (status, headers, body) to a catalogue of requests, deterministically.

A refactoring that must not change behaviour is checked by recording before and after and
comparing the files:

    .venv/bin/python -m infra.response_snapshot before.json
    ... change the code ...
    .venv/bin/python -m infra.response_snapshot after.json && diff before.json after.json

The content of content/ is published to an in-process moto stack through the real ingest
handler; publish times and request ids are pinned so that bodies and ETags compare. Every
request that answers with an ETag is asked again with If-None-Match.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "snapshot",
    "AWS_SECRET_ACCESS_KEY": "snapshot",
    "AWS_DEFAULT_REGION": "us-east-1",
    "CONTENT_TABLE_NAME": "snapshot",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "CORS_ALLOWED_ORIGINS": "https://partner.example,https://other.example",
}
PUBLISHED_AT = "2026-11-20T10:00:00+00:00"
ARTICLE = "/v1/articles/kram-otot-betis"
SECTION_URL = "https://localhost/v1/articles/kram-otot-betis/sections/penyebab"
# (method, path, query, headers, options for the event)
REQUESTS: list[tuple[str, str, str, dict[str, str], dict[str, Any]]] = [
    ("GET", "/v1/articles", "", {}, {}),
    ("GET", "/v1/articles", "limit=1", {}, {}),
    ("GET", "/v1/articles", "locale=en", {}, {}),
    ("GET", "/v1/articles", "cursor=bad", {}, {}),
    ("GET", "/v1/articles", "limit=0", {}, {}),
    ("GET", "/v1/articles", "locale=fr", {}, {}),
    ("GET", ARTICLE, "", {}, {}),
    ("GET", ARTICLE, "", {}, {"stage_in_path": True, "stage": "prod"}),
    ("GET", ARTICLE, "", {"Accept": "application/ld+json"}, {}),
    ("GET", ARTICLE, "format=jsonld", {}, {}),
    ("GET", ARTICLE, "locale=en", {}, {}),
    ("GET", ARTICLE, "", {"Origin": "https://partner.example"}, {}),
    ("GET", ARTICLE, "", {"Host": "api.example", "X-Forwarded-Proto": "http"}, {}),
    ("HEAD", ARTICLE, "", {}, {}),
    ("OPTIONS", ARTICLE, "", {"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"}, {}),
    ("POST", ARTICLE, "", {}, {}),
    ("GET", "/v1/articles/nope", "", {}, {}),
    ("GET", "/v1/articles/NOPE", "", {}, {}),
    ("GET", ARTICLE + "/sections", "", {}, {}),
    ("GET", ARTICLE + "/sections/penyebab", "", {}, {}),
    ("GET", ARTICLE + "/sections/nope", "", {}, {}),
    ("GET", "/v1/causes", "", {}, {}),
    ("GET", "/v1/causes", "q=kekurangan kalsium", {}, {}),
    ("GET", "/v1/causes", "q=kejang&locale=en&limit=3", {}, {}),
    ("GET", "/v1/causes", "q=kalsum", {}, {}),
    ("GET", "/v1/causes", "code=E83.51", {}, {}),
    ("GET", "/v1/causes", "code=e83", {}, {}),
    ("GET", "/v1/causes", "code=zzz", {}, {}),
    ("GET", "/v1/causes", "category=nope&population=nope", {}, {}),
    ("GET", "/v1/causes", "population=children&limit=2", {}, {}),
    ("GET", "/v1/causes", "article=kram-otot-betis&limit=5", {}, {}),
    ("GET", "/v1/causes", "cursor=bad", {}, {}),
    ("GET", "/v1/causes/facets", "", {}, {}),
    ("GET", "/v1/causes/facets", "population=children&q=kalsium", {}, {}),
    ("GET", "/v1/causes/hipokalsemia", "", {}, {}),
    ("GET", "/v1/causes/hipokalsemia", "locale=en", {}, {}),
    ("GET", "/v1/causes/nope", "", {}, {}),
    ("GET", "/v1/embed/kram-otot-betis", "", {}, {}),
    ("GET", "/v1/embed/kram-otot-betis/penyebab", "", {}, {}),
    ("GET", "/v1/embed/kram-otot-betis/penyebab", "format=json", {}, {}),
    ("GET", "/v1/embed/kram-otot-betis/nope", "", {}, {}),
    ("GET", "/v1/frame/kram-otot-betis", "", {}, {}),
    ("GET", "/v1/frame/kram-otot-betis/penyebab", "", {}, {}),
    ("GET", "/v1/oembed", f"url={SECTION_URL}", {}, {}),
    ("GET", "/v1/oembed", "url=https://localhost/v1/frame/kram-otot-betis&maxwidth=100&maxheight=300", {}, {}),
    ("GET", "/v1/oembed", "url=https://elsewhere/v1/frame/kram-otot-betis", {}, {}),
    ("GET", "/v1/oembed", "url=https://localhost/v1/frame/kram-otot-betis&format=xml", {}, {}),
    ("GET", "/v1/embed.css", "", {}, {}),
    ("GET", "/v1/embed.js", "", {}, {}),
    ("GET", "/v1/health", "", {}, {}),
    ("GET", "/problems/not-found", "", {}, {}),
    ("GET", "/problems/nope", "", {}, {}),
    ("GET", "/openapi.json", "", {}, {}),
    ("GET", "/", "", {}, {}),
    ("DELETE", "/v1/causes", "", {}, {}),
]


def record() -> list[dict[str, Any]]:
    os.environ.update(ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from api import handler as api_handler
    from api.handler import lambda_handler
    from infra.local.events import LambdaContextStub, rest_api_event
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    recorded: list[dict[str, Any]] = []
    with mock_aws():
        api_handler.reset()
        ingest_handler.reset()
        LocalStack.create("snapshot", "snapshot").publish_content(ingest_handler.lambda_handler)
        table = boto3.resource("dynamodb", region_name="us-east-1").Table("snapshot")
        for item in table.scan()["Items"]:
            table.update_item(
                Key={"pk": item["pk"], "sk": item["sk"]},
                UpdateExpression="SET published_at = :at",
                ExpressionAttributeValues={":at": PUBLISHED_AT},
            )
        for number, (method, path, query, headers, options) in enumerate(REQUESTS):
            etag: str | None = None
            for conditional in (False, True):
                if conditional and etag is None:
                    break
                sent = {**headers, **({"If-None-Match": etag} if conditional and etag else {})}
                event = rest_api_event(method, path, query=query, headers=sent, **options)
                event["requestContext"]["requestId"] = f"request-{number}-{int(conditional)}"
                result = lambda_handler(event, LambdaContextStub())
                response_headers = {**(result.get("headers") or {}), **(result.get("multiValueHeaders") or {})}
                tag = response_headers.get("ETag")
                etag = tag[0] if isinstance(tag, list) else tag
                body = result.get("body")
                with contextlib.suppress(ValueError):  # HTML, CSS and JavaScript stay text
                    body = json.loads(body) if body else body
                recorded.append(
                    {
                        "request": [method, path, query, headers, options, conditional],
                        "status": result["statusCode"],
                        "headers": dict(sorted(response_headers.items())),
                        "body": body,
                    }
                )
    return recorded


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python -m infra.response_snapshot OUTPUT.json", file=sys.stderr)
        return 2
    responses = record()
    Path(sys.argv[1]).write_text(json.dumps(responses, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"Recorded {len(responses)} responses to {sys.argv[1]}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
