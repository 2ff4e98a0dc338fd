"""Examples for the OpenAPI document: a real answer of every operation, trimmed, recorded from the seed content.

    .venv/bin/python -m infra.openapi_examples --write

publishes content/ to an in-process moto stack through the real ingest handler, asks each GET
operation once with the example values of its parameters, and keeps each 200 answer, with lists
cut to their first item and long texts cut short. ``functions/api/openapi_examples.json`` is
committed and ships with the API, which puts each example on its operation's success in the
document it serves; tests check that every operation has one, that each validates against its
schema, and that they are what the API answers today.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from moto import mock_aws

from infra.template import REPO_ROOT

EXAMPLES_PATH = REPO_ROOT / "functions" / "api" / "openapi_examples.json"
TEXT_LENGTH = 160
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "examples",
    "AWS_SECRET_ACCESS_KEY": "examples",
    "AWS_DEFAULT_REGION": "us-east-1",
    "CONTENT_TABLE_NAME": "examples",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "ENABLE_DOCS": "false",
}
# The request that gives each operation's example: path template -> (path, query).
REQUESTS: dict[str, tuple[str, str]] = {
    "/": ("/", ""),
    "/v1": ("/v1", ""),
    "/v1/health": ("/v1/health", ""),
    "/problems/{name}": ("/problems/not-found", ""),
    "/v1/articles": ("/v1/articles", ""),
    "/v1/articles/{slug}": ("/v1/articles/kram-otot-betis", ""),
    "/v1/articles/{slug}.jsonld": ("/v1/articles/kram-otot-betis.jsonld", ""),
    "/v1/articles/{slug}.html": ("/v1/articles/kram-otot-betis.html", ""),
    "/v1/articles/{slug}/sections": ("/v1/articles/kram-otot-betis/sections", ""),
    "/v1/articles/{slug}/sections/{section_id}": ("/v1/articles/kram-otot-betis/sections/penyebab", ""),
    "/v1/causes": ("/v1/causes", "q=kekurangan+kalsium&limit=2"),
    "/v1/causes/facets": ("/v1/causes/facets", "population=children"),
    "/v1/causes/{cause_id}": ("/v1/causes/hipokalsemia", ""),
    "/v1/partial/articles": ("/v1/partial/articles", "fields=items.slug,items.title,next_cursor"),
    "/v1/partial/articles/{slug}": (
        "/v1/partial/articles/kram-otot-betis",
        "fields=title,summary,sections.id,sections.heading",
    ),
    "/v1/partial/articles/{slug}/sections": ("/v1/partial/articles/kram-otot-betis/sections", "fields=sections.id"),
    "/v1/partial/articles/{slug}/sections/{section_id}": (
        "/v1/partial/articles/kram-otot-betis/sections/penyebab",
        "fields=section.heading,section.blocks",
    ),
    "/v1/partial/causes": ("/v1/partial/causes", "q=kekurangan+kalsium&limit=2&fields=items.id,items.name,total"),
    "/v1/partial/causes/{cause_id}": ("/v1/partial/causes/hipokalsemia", "fields=name,icd10"),
    "/v1/search": ("/v1/search", "q=low+calcium&limit=2"),
    "/v1/changes": ("/v1/changes", ""),
    "/v1/embed/{slug}": ("/v1/embed/kram-otot-betis", ""),
    "/v1/embed/{slug}/{section_id}": ("/v1/embed/kram-otot-betis/penyebab", ""),
    "/v1/embed/{slug}.json": ("/v1/embed/kram-otot-betis.json", ""),
    "/v1/embed/{slug}/{section_id}.json": ("/v1/embed/kram-otot-betis/penyebab.json", ""),
    "/v1/frame/{slug}": ("/v1/frame/kram-otot-betis", ""),
    "/v1/frame/{slug}/{section_id}": ("/v1/frame/kram-otot-betis/penyebab", ""),
    "/v1/oembed": ("/v1/oembed", "url=https://localhost/v1/articles/kram-otot-betis/sections/penyebab"),
    "/v1/oembed.xml": ("/v1/oembed.xml", "url=https://localhost/v1/articles/kram-otot-betis/sections/penyebab"),
    "/v1/embed.js": ("/v1/embed.js", ""),
    "/v1/embed.css": ("/v1/embed.css", ""),
}
_PINNED = {name: "2026-11-20T10:00:00Z" for name in ("at", "published_at", "dateModified", "datePublished")}


def trim(value: Any) -> Any:
    """Lists cut to their first item, texts to TEXT_LENGTH characters, and times pinned."""
    if isinstance(value, list):
        return [trim(item) for item in value[:1]]
    if isinstance(value, dict):
        return {name: _PINNED[name] if name in _PINNED else trim(inner) for name, inner in value.items()}
    if isinstance(value, str) and len(value) > TEXT_LENGTH:
        return value[:TEXT_LENGTH] + "…"
    return value


def record() -> dict[str, Any]:
    """The examples, recorded in an environment of their own (the caller's is restored afterwards)."""
    with mock.patch.dict(os.environ, ENVIRONMENT):
        os.environ.pop("AWS_ENDPOINT_URL", None)
        os.environ.pop("EVENT_BUS_NAME", None)
        return _record()


def _record() -> dict[str, Any]:
    from api import handler as api_handler
    from api.handler import lambda_handler
    from infra.local.events import LambdaContextStub, rest_api_event
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    examples: dict[str, Any] = {}
    with mock_aws():
        api_handler.reset()
        ingest_handler.reset()
        LocalStack.create("examples", "examples").publish_content(ingest_handler.lambda_handler)
        for template, (path, query) in REQUESTS.items():
            result = lambda_handler(rest_api_event("GET", path, query=query), LambdaContextStub())
            assert result["statusCode"] == 200, (path, result["statusCode"], result.get("body"))
            headers = {**(result.get("headers") or {}), **(result.get("multiValueHeaders") or {})}
            content_type = headers.get("Content-Type")
            media = (content_type[0] if isinstance(content_type, list) else str(content_type)).split(";")[0]
            body = result.get("body") or ""
            example = trim(json.loads(body)) if "json" in media else trim(body)
            examples[template] = {"media_type": media, "example": example}
    api_handler.reset()
    ingest_handler.reset()
    return examples


def committed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return loaded


def main() -> int:
    examples = record()
    text = json.dumps(examples, indent=2, ensure_ascii=False) + "\n"
    if "--write" in sys.argv:
        Path(EXAMPLES_PATH).write_text(text, encoding="utf-8")
        print(f"Wrote {len(examples)} examples to {EXAMPLES_PATH.relative_to(REPO_ROOT)}.")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
