"""Speed of the API against a floor, in one run: cold starts in fresh processes and warm latencies.

`make bench` runs it. The floor is ``floor.py`` (a bare Powertools resolver and one boto3 client);
the API runs from ``--code`` (the source by default; pass a `sam build` output directory to
measure what is deployed). Content is published to a moto server on loopback through the real
ingest handler. Figures are printed, with each ratio to the floor; nothing is asserted, so a
slow or busy machine cannot fail anything.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from infra.template import REPO_ROOT

COLD_RUNS = 10
WARM_CALLS = 3_000
ARTICLE = "/v1/articles/kram-otot-betis"
SCENARIOS: dict[str, tuple[str, str, dict[str, str]]] = {
    "article": (ARTICLE, "", {}),
    "section": (f"{ARTICLE}/sections/penyebab", "", {}),
    "304": (ARTICLE, "", {"If-None-Match": "<etag>"}),
    "cause lookup": ("/v1/causes", "q=kekurangan+kalsium", {}),
    "embed": ("/v1/embed/kram-otot-betis/penyebab", "", {}),
}
COLD_START = """
import json, sys, time
started = time.perf_counter()
from infra.local.events import LambdaContextStub, rest_api_event
module = __import__({module!r}, fromlist=["lambda_handler"])
imported = time.perf_counter()
result = module.lambda_handler(rest_api_event("GET", {path!r}), LambdaContextStub())
answered = time.perf_counter()
assert result["statusCode"] == 200, result
print(json.dumps({{"import_ms": (imported - started) * 1000, "first_ms": (answered - imported) * 1000}}))
"""


def _environment(endpoint: str, code: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        "PYTHONPATH": os.pathsep.join([str(code), str(REPO_ROOT)]),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "CONTENT_TABLE_NAME": "bench",
        "POWERTOOLS_SERVICE_NAME": "health-content-api",
        "POWERTOOLS_METRICS_NAMESPACE": "HealthContent",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "true",  # metrics go to stdout, which the harness reads
        "AWS_LAMBDA_FUNCTION_NAME": "bench",  # as in Lambda: the tracer is on, as the template sets it
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    }


def _cold(module: str, path: str, environment: dict[str, str]) -> dict[str, float]:
    runs = []
    for _ in range(COLD_RUNS):
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", COLD_START.format(module=module, path=path)],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        total = (time.perf_counter() - started) * 1000
        measured = json.loads(output.strip().splitlines()[-1])
        runs.append({"total_ms": total, **measured})
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def _warm(handler: Any, path: str, query: str, headers: dict[str, str]) -> tuple[float, float]:
    from infra.local.events import LambdaContextStub, rest_api_event

    context = LambdaContextStub()
    event = rest_api_event("GET", path, query=query, headers=headers)
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(50):
            handler(event, context)
    samples = []
    with contextlib.redirect_stdout(io.StringIO()):  # the functions' metrics and logs
        for _ in range(WARM_CALLS):
            started = time.perf_counter_ns()
            handler(event, context)
            samples.append((time.perf_counter_ns() - started) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", type=Path, default=REPO_ROOT / "functions", help="Where the functions' code is.")
    options = parser.parse_args()

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    environment = _environment(endpoint, options.code.resolve())
    os.environ.update(environment)
    sys.path[:0] = [str(options.code.resolve())]
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    LocalStack.create("bench", "bench").publish_content(ingest_handler.lambda_handler)

    print(f"API speed, {COLD_RUNS} cold starts (median) and {WARM_CALLS} warm calls per scenario; code: {options.code}")
    floor_cold = _cold("infra.benchmarks.floor", ARTICLE, environment)
    api_cold = _cold("api.handler", ARTICLE, environment)
    print(f"{'cold start':<22}{'floor':>12}{'this API':>12}{'ratio':>8}")
    for name in ("total_ms", "import_ms", "first_ms"):
        ratio = api_cold[name] / floor_cold[name] if floor_cold[name] else float("nan")
        print(f"{name:<22}{floor_cold[name]:>10.1f}ms{api_cold[name]:>10.1f}ms{ratio:>7.1f}x")

    from api.handler import lambda_handler as api_handler
    from infra.benchmarks.floor import lambda_handler as floor_handler
    from infra.local.events import LambdaContextStub, rest_api_event

    with contextlib.redirect_stdout(io.StringIO()):
        etag = api_handler(rest_api_event("GET", ARTICLE), LambdaContextStub())["multiValueHeaders"]["ETag"][0]
    floor_p50, floor_p99 = _warm(floor_handler, ARTICLE, "", {})
    print(f"{'warm (µs)':<22}{'p50':>9}{'p99':>9}{'p50/floor':>11}{'p99/floor':>11}")
    print(f"{'floor':<22}{floor_p50:>9.1f}{floor_p99:>9.1f}")
    for name, (path, query, headers) in SCENARIOS.items():
        sent = {key: value.replace("<etag>", etag) for key, value in headers.items()}
        p50, p99 = _warm(api_handler, path, query, sent)
        print(f"{name:<22}{p50:>9.1f}{p99:>9.1f}{p50 / floor_p50:>10.1f}x{p99 / floor_p99:>10.1f}x")
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
