"""What the API itself says about each kind of request: asked through the real handler, on moto, with content/
published and the API function's environment as template.yaml sets it (its parameters' defaults).

The cost model takes every cache lifetime from here, the ``Cache-Control`` (and ``Vary``) the API sends, never
from a copy, so that a change of the API's caching changes docs/cost.md (and its drift test fails until the
report is made again). Sizes are of the seed article's answers, gzipped as CloudFront and API Gateway send
them to clients that accept it.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from infra import template
from infra.cost.traffic import MIX, Catalogue, Traffic
from infra.local.events import LambdaContextStub, rest_api_event

SEED_SLUG = "kram-otot-betis"
SEED_ARTICLE = template.REPO_ROOT / "content" / "articles" / "id" / f"{SEED_SLUG}.json"
PUBLIC_BASE_URL = "https://api.example.org"


@dataclass(frozen=True)
class Answer:
    """One kind's answer, as a shared cache reads it."""

    path: str
    status: int
    cache_control: str
    vary: str
    bytes: int
    gzipped_bytes: int

    @property
    def shared_ttl(self) -> int:
        """Seconds a shared cache (a CDN) may serve it without asking the origin: s-maxage, else max-age;
        0 for what it may not store (no-store, private, an error)."""
        directives = dict(_directives(self.cache_control))
        if self.status >= 400 or "no-store" in directives or "private" in directives:
            return 0
        return int(directives.get("s-maxage") or directives.get("max-age") or 0)

    @property
    def stale_while_revalidate(self) -> int:
        return int(dict(_directives(self.cache_control)).get("stale-while-revalidate") or 0)


@dataclass(frozen=True)
class Observed:
    answers: dict[str, Answer]
    article_item_bytes: int
    sections_per_article: int
    environment: dict[str, str]
    """The API function's environment the answers were made with (from template.yaml)."""


def _directives(cache_control: str) -> Iterator[tuple[str, str | None]]:
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            yield name.lower(), value or None


def api_environment() -> dict[str, str]:
    """The API function's variables that template.yaml sets to a literal or a parameter's default."""
    loaded = template.load_template()
    parameters = loaded["Parameters"]
    variables: dict[str, Any] = {
        **loaded["Globals"]["Function"]["Environment"]["Variables"],
        **template.resource_properties("ApiFunction")["Environment"]["Variables"],
    }
    resolved = {}
    for name, value in variables.items():
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
            value = parameters[value["Ref"]].get("Default")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            resolved[name] = str(value)
    return resolved


@contextmanager
def _local_api(environment: dict[str, str]) -> Iterator[Any]:
    """The real API handler over a moto stack with content/ published (in this process, then forgotten)."""
    from moto import mock_aws

    local = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "CONTENT_TABLE_NAME": "health-content-cost",
        "EVENT_BUS_NAME": "health-content-cost-changes",
        "CONTENT_BUCKET_NAME": "health-content-cost",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
    with mock.patch.dict(os.environ, {**local, **environment, "PUBLIC_BASE_URL": PUBLIC_BASE_URL}), mock_aws():
        from api import handler as api
        from infra.local.stack import LocalStack
        from ingest import handler as ingest

        api.reset()
        ingest.reset()
        stack = LocalStack.create(local["CONTENT_BUCKET_NAME"], local["CONTENT_TABLE_NAME"], subscriber=False)
        stack.publish_content(ingest.lambda_handler)
        stack.index_search()
        try:
            yield api.lambda_handler
        finally:
            api.reset()
            ingest.reset()


def observe() -> Observed:
    article = json.loads(SEED_ARTICLE.read_text(encoding="utf-8"))
    sections = [section["id"] for section in article["sections"]]
    traffic = Traffic(Catalogue([(SEED_SLUG, sections)], [""], ["kram"], PUBLIC_BASE_URL))
    environment = {name: value for name, value in api_environment().items() if not name.startswith("POWERTOOLS_")}
    answers = {}
    with _local_api(environment) as handler:
        for kind in MIX:
            path = traffic.path(kind.name, slug=SEED_SLUG, section="penyebab", page="", query="kalsium")
            raw_path, _, query = path.partition("?")
            headers = {"Accept-Encoding": "gzip"}
            response = handler(rest_api_event("GET", raw_path, query=query, headers=headers), LambdaContextStub())
            body = (response.get("body") or "").encode()
            single = {name.lower(): values[-1] for name, values in (response.get("multiValueHeaders") or {}).items()}
            single |= {name.lower(): value for name, value in (response.get("headers") or {}).items()}
            answers[kind.name] = Answer(
                path=path,
                status=int(response["statusCode"]),
                cache_control=single.get("cache-control", ""),
                vary=single.get("vary", ""),
                bytes=len(body),
                # Digits zeroed first: the publication's timestamps differ from run to run, and with them the
                # compressed size by a few bytes, which would make the report differ each time it is made.
                gzipped_bytes=len(gzip.compress(re.sub(rb"[0-9]", b"0", body), mtime=0)),
            )
    item = re.sub(r"\s+", " ", json.dumps(article, ensure_ascii=False))
    return Observed(answers, len(item.encode()), len(sections), environment)
