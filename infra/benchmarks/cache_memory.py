"""How much a warm API container grows under requests that never repeat (issue 20): `make bench-memory`.

    python -m infra.benchmarks.cache_memory [--requests 60000] [--first 5000]

content/ is published through the real ingest handler and the search indexer to moto in this process; then
one API container (the real handler, API Gateway events) answers, for each kind, ``--requests`` distinct
requests: cause lookups and searches with words never asked before (as a scraper's or a bot's would be), and
then both kinds mixed with repeats of popular ones. The process's resident memory is printed after the first
``--first`` of each kind (when every bounded cache can have filled) and at the end, with the growth between,
against the issue's ceiling (15 MB) and the function's memory. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import string
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

CEILING_MB = 15.0
BUCKET = TABLE = "bench-cache-memory"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "CONTENT_TABLE_NAME": TABLE,
    "CONTENT_BUCKET_NAME": BUCKET,
    "EVENT_BUS_NAME": f"{TABLE}-changes",
}


def resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10)))


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60_000, help="Distinct requests of each kind.")
    parser.add_argument("--first", type=int, default=5_000, help="Requests after which growth is counted.")
    options = parser.parse_args(arguments)
    os.environ.update(ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)

    from moto import mock_aws

    with mock_aws():
        from api.handler import lambda_handler
        from infra.local.events import LambdaContextStub, rest_api_event
        from infra.local.stack import LocalStack
        from ingest.handler import lambda_handler as ingest_handler

        stack = LocalStack.create(BUCKET, TABLE, subscriber=False)
        stack.publish_content(ingest_handler)
        stack.index_search()
        context = LambdaContextStub()

        def call(path: str, query: dict[str, str]) -> int:
            status: int = lambda_handler(rest_api_event("GET", path, query=query), context)["statusCode"]
            return status

        rng = random.Random(20)
        kinds: dict[str, Callable[[], tuple[str, dict[str, str]]]] = {
            "cause lookups, each new": lambda: ("/v1/causes", {"q": _word(rng)}),
            "searches, each new": lambda: ("/v1/search", {"q": f"kram {_word(rng)}"}),
        }
        popular = [
            ("/v1/articles/kram-otot-betis", {}),
            ("/v1/causes", {"q": "kekurangan kalsium"}),
            ("/v1/search", {"q": "kram betis"}),
        ]
        kinds["mixed: 1 in 3 a popular read"] = lambda: (
            rng.choice(popular) if rng.random() < 1 / 3 else rng.choice(list(kinds.values())[:2])()
        )
        print(f"Resident memory of one API container, {options.requests:,} requests of each kind (MB)")
        print(f"{'kind':32} {'start':>8} {'after first':>12} {'end':>8} {'growth':>8} {'ms/req':>7}")
        rows: list[dict[str, Any]] = []
        for name, make in kinds.items():
            start = resident_mb()
            statuses: dict[int, int] = {}
            began = time.perf_counter()
            for number in range(options.requests):
                status = call(*make())
                statuses[status] = statuses.get(status, 0) + 1
                if number + 1 == options.first:
                    after_first = resident_mb()
            elapsed = time.perf_counter() - began
            end = resident_mb()
            rows.append({"kind": name, "growth": end - after_first, "statuses": statuses})
            print(
                f"{name:32} {start:8.1f} {after_first:12.1f} {end:8.1f} {end - after_first:8.1f} "
                f"{elapsed * 1000 / options.requests:7.2f}   statuses {statuses}"
            )
        worst = max(row["growth"] for row in rows)
        print(f"largest growth after the first {options.first:,}: {worst:.1f} MB (ceiling {CEILING_MB:.0f} MB)")
        print(f"peak resident: {resident_mb():.0f} MB of the function's 512 MB (60% is 307 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
