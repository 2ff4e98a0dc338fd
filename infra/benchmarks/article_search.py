"""Benchmark of `GET /v1/search` through the real API handler: on the real content, then on 100 articles.

`make bench` runs it. Content is published through the real ingest handler on moto (in this
process); the 100 synthetic articles are copies of the seed, each with words of its own, so the
vocabulary and the posting lists grow. The floor is the bare Powertools function of
``floor.py``, measured in the same run. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import sys
import time
from typing import Any

import boto3
from moto import mock_aws

from infra import template
from infra.template import REPO_ROOT

QUERIES = [
    "kekurangan kalsium",
    "low calcium",
    "kejang",  # the most common word: the most hits to rank
    "kehamilan",  # a stem
    "magnesiun",  # a typo
    "fever",  # English, through the cause taxonomy
    "cedera kepala",
    "xylofon zebra",  # no match
]
CALLS_PER_QUERY = 250
SYNTHETIC_ARTICLES = 100
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "CONTENT_TABLE_NAME": "bench-search",
    "EVENT_BUS_NAME": "bench-search-changes",
    "POWERTOOLS_SERVICE_NAME": template.service_name(),
    "POWERTOOLS_METRICS_NAMESPACE": template.metrics_namespace(),
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


def _synthetic(seed: dict[str, Any], number: int) -> dict[str, Any]:
    """The seed under another slug, each paragraph and item with a word of its own."""
    sections = []
    for section in seed["sections"]:
        blocks = []
        for block in section["blocks"]:
            if block["type"] == "paragraph":
                blocks.append({**block, "text": f"{block['text']} istilah{number}"})
            else:
                blocks.append({**block, "items": [f"{item} butir{number}" for item in block["items"]]})
        sections.append({**section, "blocks": blocks})
    return {**seed, "slug": f"artikel-{number:03d}", "title": f"{seed['title']} {number}", "sections": sections}


def _publish(stack: Any, documents: list[tuple[str, bytes]]) -> None:
    from ingest import handler as ingest_handler

    s3 = boto3.client("s3")
    for key, body in documents:
        s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    with contextlib.redirect_stdout(io.StringIO()):
        stack.deliver_events(ingest_handler.lambda_handler)


def _timings(handler: Any, calls: list[Any]) -> tuple[float, float]:
    from infra.local.events import LambdaContextStub

    context = LambdaContextStub()
    samples = []
    with contextlib.redirect_stdout(io.StringIO()):
        for event in calls:
            started = time.perf_counter_ns()
            result = handler(event, context)
            samples.append((time.perf_counter_ns() - started) / 1000)
            assert result["statusCode"] == 200, result
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def _first_search_ms(handler: Any) -> float:
    from api import handler as api_handler
    from infra.local.events import LambdaContextStub, rest_api_event

    api_handler.reset()
    with contextlib.redirect_stdout(io.StringIO()):
        handler(rest_api_event("GET", "/v1/health"), LambdaContextStub())  # the container, warm
        started = time.perf_counter()
        handler(rest_api_event("GET", "/v1/search", query={"q": "kejang"}), LambdaContextStub())
    return (time.perf_counter() - started) * 1000


def _first_asked(rounds: int = 25) -> tuple[float, float]:
    """Each query asked of an index that never saw it: a fresh index per round, built from what the
    API's container reads from the store, so no word or ranking of an earlier query is cached."""
    from api import handler
    from health_content.search.analysis import decode
    from health_content.search.index import ArticleSearchIndex, SearchQuery

    container = handler.this_containers_api().container
    stored = container.article_store.search_analyses("id")
    analyses = [(analysis, item.published_at) for item in stored if (analysis := decode(item.analysis)) is not None]
    samples = []
    for _ in range(rounds):
        index = ArticleSearchIndex.of(analyses, "id", container.causes.current())
        for q in QUERIES:
            started = time.perf_counter_ns()
            index.search(SearchQuery.of(q), 0, 20)
            samples.append((time.perf_counter_ns() - started) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> int:
    os.environ.update(ENVIRONMENT)
    from api.handler import lambda_handler as api_handler
    from infra import publish
    from infra.benchmarks.floor import lambda_handler as floor_handler
    from infra.local.events import rest_api_event
    from infra.local.stack import LocalStack

    searches = [rest_api_event("GET", "/v1/search", query={"q": q}) for q in QUERIES] * CALLS_PER_QUERY
    print(f"Article search through the API handler: {len(QUERIES)} queries x {CALLS_PER_QUERY} calls each")
    print(f"{'':<28}{'p50 µs':>10}{'p99 µs':>10}{'p50/floor':>11}{'first search':>14}")
    with mock_aws():
        stack = LocalStack.create("bench-search", "bench-search")
        for phase in publish.phases(publish.collect()):
            _publish(stack, [(document.key, document.body) for document in phase])
        floor_p50, floor_p99 = _timings(floor_handler, [rest_api_event("GET", "/v1/articles/x")] * 2000)
        print(f"{'floor (bare Powertools)':<28}{floor_p50:>10.1f}{floor_p99:>10.1f}")
        first = _first_search_ms(api_handler)
        p50, p99 = _timings(api_handler, searches)
        print(f"{'real content (1 article)':<28}{p50:>10.1f}{p99:>10.1f}{p50 / floor_p50:>10.0f}x{first:>12.1f}ms")

        seed = json.loads((REPO_ROOT / "content/articles/id/kram-otot-betis.json").read_bytes())
        synthetic = [_synthetic(seed, n) for n in range(1, SYNTHETIC_ARTICLES)]
        _publish(stack, [(f"articles/id/{a['slug']}.json", json.dumps(a).encode()) for a in synthetic])
        first = _first_search_ms(api_handler)
        p50, p99 = _timings(api_handler, searches)
        label = f"{SYNTHETIC_ARTICLES} articles"
        print(f"{label:<28}{p50:>10.1f}{p99:>10.1f}{p50 / floor_p50:>10.0f}x{first:>12.1f}ms")
        p50, p99 = _first_asked()
        label = f"{SYNTHETIC_ARTICLES} articles, first asked"
        print(f"{label:<28}{p50:>10.1f}{p99:>10.1f}{'':>11}  (the index alone, each query new to it)")
    print("target: p99 <= 2,000 µs on 100 articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
