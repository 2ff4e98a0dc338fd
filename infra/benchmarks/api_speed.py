"""Speed of the API against a floor and a peer, in one run: cold starts in fresh processes and warm latencies.

`make bench` runs it after `make build`. The API runs from the build output (``--package``, by default
``.aws-sam/build/ApiFunction``: its bytecode as shipped, the tracer on as the template sets it) on Python
3.13 with only the Powertools layer's and the runtime's packages beside it (``infra/lambda_runtime.py``).
The floor (``floor.py``: a bare Powertools resolver and one boto3 client) and the peer (``peer.py``:
FastAPI behind Mangum) answer with a body of the article's size, made beforehand, in the same runtime.
Content is published through the real ingest handler to a moto server on loopback; the cause lookup
also runs over the taxonomy a hundred times over. Every warm call goes through the resolver (a repeated
read reuses its rendering). Figures and ratios are printed; nothing is asserted, so a slow
or busy machine cannot fail anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from infra import lambda_runtime
from infra.benchmarks import moto_server
from infra.template import REPO_ROOT

COLD_RUNS = 10
WARM_CALLS = 3_000
ARTICLE = "/v1/articles/kram-otot-betis"
FLOOR, PEER, API = "floor", "FastAPI + Mangum", "this API"
MODULES = {FLOOR: "infra.benchmarks.floor", PEER: "infra.benchmarks.peer", API: "api.handler"}
REFERENCE_SCENARIOS = {"article": [[ARTICLE, "", {}]], "304": [[ARTICLE, "", {"If-None-Match": "<etag>"}]]}
API_SCENARIOS = {
    "article": [[ARTICLE, "", {}]],
    "section": [[f"{ARTICLE}/sections/penyebab", "", {}]],
    "304": [[ARTICLE, "", {"If-None-Match": "<etag>"}]],
    "cause lookup": [["/v1/causes", "q=kekurangan+kalsium", {}]],
    "embed": [["/v1/embed/kram-otot-betis/penyebab", "", {}]],
}
# The cause lookup benchmark's queries (infra/benchmarks/cause_lookup.py), through the whole handler.
CAUSE_QUERIES = [
    *("q=kekurangan+kalsium", "q=kalsium+rendah", "q=calcium", "q=low+potassium", "q=hamil", "q=pregnancy"),
    *("q=kejang+demam", "q=kalsuim", "q=kejang", "code=G40", "code=E83.51", "population=children"),
    *("category=infection&population=newborns", "q=kejang&population=children", "q=xylofon+zebra"),
]
SCALE = 100


def _worker(interpreter: Path, environment: dict[str, str], *arguments: str) -> Any:
    output = subprocess.run(
        [str(interpreter), "-m", "infra.benchmarks.lambda_worker", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise RuntimeError(f"{arguments[:2]} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _warm(interpreter: Path, environment: dict[str, str], module: str, scenarios: object, *extra: str) -> Any:
    return _worker(interpreter, environment, "warm", module, json.dumps(scenarios), str(WARM_CALLS), *extra)


def _cold(interpreter: Path, environments: dict[str, dict[str, str]]) -> dict[str, dict[str, float]]:
    """Median of COLD_RUNS fresh processes per subject, the subjects taking turns so that drift hits all alike."""
    runs: dict[str, list[dict[str, float]]] = {subject: [] for subject in MODULES}
    for _ in range(COLD_RUNS):
        for subject, module in MODULES.items():
            started = time.perf_counter()
            measured = _worker(interpreter, environments[subject], "cold", module, ARTICLE)
            runs[subject].append({"total_ms": (time.perf_counter() - started) * 1000, **measured})
    return {
        subject: {name: statistics.median(run[name] for run in subject_runs) for name in subject_runs[0]}
        for subject, subject_runs in runs.items()
    }


def _prepare_scaled_taxonomy(directory: Path) -> Path:
    """The taxonomy SCALE times over (cause_lookup.py's copies) with its publish-time analysis, as a file.

    The worker serves it from memory through the rest of the handler, so that the lookup is measured
    without a moto server's pages of 3,800 causes (the serving index has held such a taxonomy since it
    keeps one item per cause)."""
    from health_content.causes.prepare import prepare
    from health_content.publishing.kinds import content_hash
    from infra.benchmarks.cause_lookup import load, scaled

    taxonomy, articles = load()
    bigger = scaled(taxonomy, SCALE)
    prepared = {
        "taxonomy": bigger.model_dump(mode="json"),
        "analysis": prepare(bigger, articles).model_dump(mode="json"),
        "content_hash": content_hash(bigger),
    }
    path = directory / f"causes-{SCALE}x.json"
    path.write_text(json.dumps(prepared))
    return path


def _print_cold(cold: dict[str, dict[str, float]]) -> None:
    floor, peer = cold[FLOOR], cold[PEER]
    print(f"{'cold start (median)':<26}{FLOOR:>10}{PEER:>18}{API:>12}{'/floor':>9}{'/peer':>8}")
    rows = (("total_ms", "process to first answer"), ("import_ms", "imports"), ("first_ms", "first request"))
    for name, label in rows:
        api = cold[API][name]
        ratios = f"{api / floor[name]:>8.2f}x{api / peer[name]:>7.2f}x" if floor[name] and peer[name] else ""
        print(f"{label:<26}{floor[name]:>8.1f}ms{peer[name]:>16.1f}ms{api:>10.1f}ms{ratios}")


def _print_warm(warm: dict[str, dict[str, dict[str, float]]]) -> None:
    floor, peer = warm[FLOOR], warm[PEER]
    print(f"{'warm (µs)':<50}{'p50':>9}{'p99':>9}{'p50/floor':>11}{'p99/peer':>10}{'first':>9}")
    for subject in (FLOOR, PEER):
        for name, f in warm[subject].items():
            print(f"{subject + ': ' + name:<50}{f['p50']:>9.1f}{f['p99']:>9.1f}")
    for name, f in warm[API].items():
        reference = name if name in floor else "article"
        ratios = f"{f['p50'] / floor[reference]['p50']:>10.1f}x"
        ratios += f"{f['p99'] / peer[reference]['p99']:>9.2f}x" if reference == name else f"{'':>10}"
        print(f"{API + ': ' + name:<50}{f['p50']:>9.1f}{f['p99']:>9.1f}{ratios}{f['first_max']:>9.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default = REPO_ROOT / ".aws-sam" / "build" / "ApiFunction"
    parser.add_argument("--package", type=Path, default=default, help="The API function's built package.")
    options = parser.parse_args()
    package = options.package.resolve()
    if not (package / "api" / "handler.py").is_file():
        parser.error(f"no API package in {package}: run `make build` first")

    server, endpoint = moto_server.start("bench")
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    LocalStack.create("bench", "bench").publish_content(ingest_handler.lambda_handler)

    interpreter = lambda_runtime.python(extra=[f"fastapi=={version('fastapi')}", f"mangum=={version('mangum')}"])
    api_environment = lambda_runtime.environment(package, endpoint=endpoint, table="bench", also=[REPO_ROOT])
    warm = {API: _warm(interpreter, api_environment, MODULES[API], API_SCENARIOS)}
    lookups = {f"cause lookup, {SCALE}x taxonomy": [["/v1/causes", query, {}] for query in CAUSE_QUERIES]}
    with tempfile.TemporaryDirectory() as directory:
        taxonomy = str(_prepare_scaled_taxonomy(Path(directory)))
        warm[API].update(_warm(interpreter, api_environment, MODULES[API], lookups, taxonomy))

    article_bytes = int(warm[API]["article"]["bytes"])
    reference = lambda_runtime.environment(REPO_ROOT, endpoint=endpoint, table="bench")
    reference["REFERENCE_BODY_BYTES"] = str(article_bytes - len('{"padding":""}'))
    environments = {FLOOR: reference, PEER: reference, API: api_environment}
    for subject in (FLOOR, PEER):
        warm[subject] = _warm(interpreter, reference, MODULES[subject], REFERENCE_SCENARIOS)
    cold = _cold(interpreter, environments)
    server.stop()

    print(f"API speed: {COLD_RUNS} cold starts per subject (median), {WARM_CALLS:,} warm calls per scenario.")
    print(f"API package: {package} on {interpreter}; reference bodies of {article_bytes:,} bytes")
    _print_cold(cold)
    _print_warm(warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
