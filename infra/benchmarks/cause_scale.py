"""How a fresh API container's cause side grows with the taxonomy (issue 19): 76 causes against 4,000.

    python -m infra.benchmarks.cause_scale [--articles N] [--causes 76 4000] [--containers 3] [--json FILE]

For each taxonomy size, a synthetic catalogue of N articles per locale and that many causes (``catalogue.py``,
cached as ``scale.py`` caches it) is published through the real ingest handler to a moto server on loopback
(``request_mix.publish_catalogue``, which also runs the scheduled indexer once). Then, --containers times, three
fresh API containers (the build in ``--package`` on the Lambda-like runtime, ``lambda_worker scale``) each answer
one kind of first request, so that none pays for another's loading:

- an article container: its first article (what it reads and how long it takes), then warm articles;
- a cause container: its first cause lookup, then warm lookups (the taxonomy's names, synonyms, codes and
  categories, 30% in English);
- a search container: its first search (the search ranks passages through the causes a query finds too).

Each reports its peak memory (VmHWM) after its warm requests; figures are medians over the containers. Then the
designs of a container's first load, each in a fresh process of this virtualenv (medians of --containers), up to
its first lookup (``kekurangan kalsium``), and the memory it took (growth of the peak resident size):

- ``serving index``: read every cause from DynamoDB and build the index database from them (what a container does
  when the indexer's file is not of the published taxonomy; before the file, every container built its index so);
- ``compact object``: one gzipped JSON object of the taxonomy and its analysis, made at publish time, downloaded
  and parsed, and the index built in memory from it (the faster in-memory build);
- ``indexer's file``: the index database the indexer built, downloaded and opened (what the API does).

Ratios are against the first (smallest) taxonomy of the same run. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from health_content.vocabulary import LOCALES
from infra import lambda_runtime
from infra.benchmarks import catalogue, moto_server, request_mix, scale
from infra.template import REPO_ROOT

TABLE = "cause-scale"
KINDS = ("article", "cause", "search")
FIGURES = (
    "first_article_ms",
    "first_cause_ms",
    "first_search_ms",
    "article_p50_ms",
    "article_p99_ms",
    "cause_p50_ms",
    "cause_p99_ms",
    "article_memory_mb",
    "cause_memory_mb",
    "search_memory_mb",
)


def container_plans(asked: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per kind, what one container is asked: that kind's first request of ``scale.plan``, its warm-up and its
    measured requests, and nothing of the other kinds."""
    firsts = {request[0]: request for request in asked["first"]}
    return {
        kind: {
            "first": [firsts[kind]],
            "warmup": [request for request in asked["warmup"] if request[0] == kind],
            "measured": {kind: asked["measured"][kind]},
        }
        for kind in KINDS
    }


def _first(figures: dict[str, Any]) -> dict[str, Any]:
    [first] = figures["first"]
    reads = first["reads"]
    return {
        "ms": first["ms"],
        "status": first["status"],
        "calls": sum(each["calls"] for each in reads.values()),
        "items": sum(each["items"] for each in reads.values()),
        "bytes": sum(each["bytes"] for each in reads.values()),
        "operations": {name: each["calls"] for name, each in reads.items()},
    }


def measure_containers(
    run: scale.Run, directory: Path, say: Callable[[str], None]
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The medians of --containers rounds of one fresh container per kind, and every round's figures."""
    asked = scale.plan(directory, run.locales, run.requests, run.seed)
    environment = lambda_runtime.environment(run.package, endpoint=run.endpoint, table=TABLE, also=[REPO_ROOT])
    environment["CONTENT_BUCKET_NAME"] = TABLE  # the local stack's bucket, where the indexer keeps its files
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as temporary:
        plan_files = {}
        for kind, plan in container_plans(asked).items():
            plan_files[kind] = Path(temporary) / f"{kind}.json"
            plan_files[kind].write_text(json.dumps(plan))
        for number in range(1, run.containers + 1):
            figures: dict[str, Any] = {}
            for kind in KINDS:
                container = scale._Container(run.interpreter, environment, plan_files[kind])
                container.finish()
                measured = container.figures
                figures[f"first_{kind}"] = _first(measured)
                figures[f"first_{kind}_ms"] = figures[f"first_{kind}"]["ms"]
                figures[f"{kind}_p50_ms"] = measured["warm"][kind]["p50_ms"]
                figures[f"{kind}_p99_ms"] = measured["warm"][kind]["p99_ms"]
                figures[f"{kind}_memory_mb"] = measured["memory"]["peak_rss_mb"]
                figures[f"{kind}_statuses"] = measured["warm"][kind]["statuses"]
            rounds.append(figures)
            say(
                f"  round {number}/{run.containers}: first article {figures['first_article_ms']:.0f} ms, "
                f"first lookup {figures['first_cause_ms']:.0f} ms, first search {figures['first_search_ms']:.0f} ms"
            )
    return {key: statistics.median(each[key] for each in rounds) for key in FIGURES}, rounds


# --- the designs of a first load, each in a fresh process -----------------------------------------

DESIGNS = ("serving index", "compact object", "indexer's file")
COMPACT_KEY = "bench/causes.json.gz"  # outside the prefixes that trigger ingest
FIRST_LOOKUP = "kekurangan kalsium"


def put_compact_object() -> None:
    """The compact design's object, as a publish would make it: the published taxonomy and its analysis."""
    import boto3

    from health_content.storage.aws import INGEST_CLIENT_CONFIG, dynamodb_table
    from health_content.storage.causes import DynamoCauseStore

    published = DynamoCauseStore(dynamodb_table(TABLE, INGEST_CLIENT_CONFIG)).get()
    assert published is not None
    document = {
        "taxonomy": published.taxonomy.model_dump(mode="json"),
        "analysis": published.analysis.model_dump(mode="json"),
        "content_hash": published.content_hash,
        "published_at": published.published_at.isoformat(),
    }
    body = gzip.compress(json.dumps(document).encode(), compresslevel=6)
    boto3.client("s3").put_object(Bucket=TABLE, Key=COMPACT_KEY, Body=body)


def first_load(design: str) -> dict[str, float]:
    """One design's first load and first lookup in this (fresh) process, in two steps: getting what the index is
    made of, then making the index of it and answering."""
    import datetime as dt

    import boto3

    from health_content.causes.database import CauseDatabase
    from health_content.causes.index import CauseIndex, CauseQuery
    from health_content.causes.model import CauseTaxonomy
    from health_content.causes.prepare import CauseAnalysis
    from health_content.causes.store import PublishedCauses
    from health_content.storage.aws import API_CLIENT_CONFIG, INGEST_CLIENT_CONFIG, dynamodb_table, s3_client
    from health_content.storage.cause_files import S3CauseIndexFiles
    from health_content.storage.causes import DynamoCauseStore

    store = DynamoCauseStore(dynamodb_table(TABLE, INGEST_CLIENT_CONFIG))  # a moto page may outlast the API's 0.8 s
    files = S3CauseIndexFiles(s3_client(API_CLIENT_CONFIG), TABLE)
    bucket = boto3.client("s3")
    store.current_hash()  # the first call's connection and credentials are no design's
    before = _peak_memory_mb()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "causes.sqlite"
        started = time.perf_counter()
        if design == "serving index":
            published = store.get()
            got = time.perf_counter()
            assert published is not None
            database = CauseDatabase.create(published, path)
        elif design == "compact object":
            body = bucket.get_object(Bucket=TABLE, Key=COMPACT_KEY)["Body"].read()
            got = time.perf_counter()
            document = json.loads(gzip.decompress(body))
            published = PublishedCauses(
                CauseTaxonomy.model_validate(document["taxonomy"]),
                CauseAnalysis.model_validate(document["analysis"]),
                document["content_hash"],
                dt.datetime.fromisoformat(document["published_at"]),
            )
            database = CauseDatabase.create(published)  # in memory
        else:
            assert files.fetch(path)
            got = time.perf_counter()
            database = CauseDatabase.open(path)
        hits, _ = CauseIndex(database).search(CauseQuery.of(q=FIRST_LOOKUP), 0, 20)
        answered = time.perf_counter()
        assert hits
        return {
            "get_ms": (got - started) * 1000,
            "make_ms": (answered - got) * 1000,
            "total_ms": (answered - started) * 1000,
            "memory_mb": _peak_memory_mb() - before,
        }


def _peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM; getrusage's would count the harness's, as of the fork)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))


def measure_designs(environment: dict[str, str], rounds: int) -> dict[str, dict[str, float]]:
    """Per design, the medians of ``rounds`` fresh processes."""
    found: dict[str, list[dict[str, float]]] = {design: [] for design in DESIGNS}
    for _ in range(rounds):
        for design in DESIGNS:
            measured = subprocess.run(
                [sys.executable, "-m", "infra.benchmarks.cause_scale", "--first-load", design],
                env=environment,
                check=True,
                capture_output=True,
                text=True,
            )
            found[design].append(json.loads(measured.stdout.splitlines()[-1]))
    return {
        design: {key: statistics.median(each[key] for each in figures) for key in figures[0]}
        for design, figures in found.items()
    }


# --- reporting -----------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def rows(results: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """The header, a row of figures per taxonomy size, and a row of ratios to the first size per other size."""
    header = [
        "causes",
        "1st article",
        "1st cause lookup",
        "1st search",
        "article p50/p99",
        "cause p50/p99",
        "memory: articles / lookups / search",
        "1st article reads",
        "1st lookup reads",
    ]

    def reads(first: dict[str, Any]) -> str:
        return f"{first['calls']:.0f} calls, {first['items']:,.0f} items, {first['bytes'] / 1e6:.2f} MB"

    def figures(result: dict[str, Any]) -> list[str]:
        return [
            f"{result['causes']:,}",
            _ms(result["first_article_ms"]),
            _ms(result["first_cause_ms"]),
            _ms(result["first_search_ms"]),
            f"{_ms(result['article_p50_ms'])} / {_ms(result['article_p99_ms'])}",
            f"{_ms(result['cause_p50_ms'])} / {_ms(result['cause_p99_ms'])}",
            " / ".join(f"{result[f'{kind}_memory_mb']:.0f}" for kind in KINDS) + " MB",
            reads(result["first_reads"]["article"]),
            reads(result["first_reads"]["cause"]),
        ]

    def ratios(result: dict[str, Any], base: dict[str, Any]) -> list[str]:
        def ratio(key: str) -> str:
            return f"{result[key] / base[key]:.2f}x" if base[key] else "n/a"

        return [
            f"{result['causes']:,}",
            ratio("first_article_ms"),
            ratio("first_cause_ms"),
            ratio("first_search_ms"),
            f"{ratio('article_p50_ms')} / {ratio('article_p99_ms')}",
            f"{ratio('cause_p50_ms')} / {ratio('cause_p99_ms')}",
            " / ".join(f"{result[f'{kind}_memory_mb'] - base[f'{kind}_memory_mb']:+.0f}" for kind in KINDS) + " MB",
            f"{result['first_reads']['article']['bytes'] / max(1, base['first_reads']['article']['bytes']):.2f}x bytes",
            f"{result['first_reads']['cause']['bytes'] / max(1, base['first_reads']['cause']['bytes']):.2f}x bytes",
        ]

    base = results[0]
    return header, [figures(result) for result in results], [ratios(result, base) for result in results[1:]]


def _markdown(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in body)])


def report(results: Sequence[dict[str, Any]], summary: str) -> str:
    header, figures, ratios = rows(results)
    parts = [summary, "", _markdown(header, figures)]
    if ratios:
        parts += [
            "",
            f"Against {results[0]['causes']:,} causes (memory: the difference):",
            "",
            _markdown(header, ratios),
        ]
    base = results[0]["designs"]
    loads = [
        [
            f"{result['causes']:,}",
            design,
            _ms(figures["get_ms"]),
            _ms(figures["make_ms"]),
            f"{_ms(figures['total_ms'])} ({figures['total_ms'] / base[design]['total_ms']:.2f}x)",
            f"{figures['memory_mb']:.0f} MB",
        ]
        for result in results
        for design, figures in result["designs"].items()
    ]
    load_header = ["causes", "design", "get", "build or open, and answer", "first lookup", "memory"]
    where = "A first load and lookup by each design, in fresh processes of the development virtualenv:"
    parts += ["", where, "", _markdown(load_header, loads)]
    return "\n".join(parts)


# --- running -------------------------------------------------------------------------------------


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_package = REPO_ROOT / ".aws-sam" / "build" / "ApiFunction"
    parser.add_argument("--articles", type=int, default=100, help="Articles per locale.")
    parser.add_argument(
        "--causes", type=int, nargs="+", default=[76, 4000], help="Taxonomy sizes; the first is the reference."
    )
    parser.add_argument("--requests", type=int, default=300, help="Warm requests measured per container.")
    parser.add_argument("--containers", type=int, default=3, help="Rounds of fresh containers (medians).")
    parser.add_argument("--seed", type=int, default=catalogue.DEFAULT_SEED)
    parser.add_argument("--package", type=Path, default=default_package, help="The API function's built package.")
    parser.add_argument("--json", type=Path, help="Write every figure here.")
    parser.add_argument("--first-load", choices=DESIGNS, help=argparse.SUPPRESS)
    options = parser.parse_args(arguments)
    if options.first_load:
        print(json.dumps(first_load(options.first_load)))
        return 0
    package = options.package.resolve()
    if not (package / "api" / "handler.py").is_file():
        parser.error(f"no API package in {package}: run `make build` first")

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    server, endpoint = moto_server.start(TABLE)
    run = scale.Run(
        endpoint,
        lambda_runtime.python(),
        package,
        0,
        list(LOCALES),
        options.requests,
        options.seed,
        0.0,
        options.containers,
        say,
    )
    results: list[dict[str, Any]] = []
    try:
        from infra.local.stack import LocalStack

        for causes in options.causes:
            scale._reset_moto(endpoint)
            directory = scale.generated_catalogue(options.articles, causes, run.locales, run.seed)
            say(f"{causes:,} causes, {options.articles:,} articles per locale: {directory}")
            stack = LocalStack.create(TABLE, TABLE)
            started = time.perf_counter()
            verdicts = request_mix.publish_catalogue(directory, say, stack)
            published_s = time.perf_counter() - started
            gc.collect()
            gc.freeze()  # what moto holds lives until the reset: out of the collector's way (see scale.py)
            medians, rounds = measure_containers(run, directory, say)
            first_reads = {kind: rounds[-1][f"first_{kind}"] for kind in KINDS}
            put_compact_object()
            designs = measure_designs(dict(os.environ), options.containers)
            results.append(
                {
                    "causes": causes,
                    "articles_per_locale": options.articles,
                    "verdicts": verdicts,
                    "publish_s": published_s,
                    **medians,
                    "first_reads": first_reads,
                    "designs": designs,
                    "rounds": rounds,
                }
            )
            if options.json:  # so far, in case a later size fails
                document = {"settings": {**vars(options), "package": str(package)}, "results": results}
                options.json.write_text(json.dumps(document, indent=2, default=str) + "\n")
    finally:
        server.stop()
    summary = (
        f"Cause scale: {options.articles:,} synthetic articles per locale ({', '.join(run.locales)}) and "
        f"{' or '.join(f'{causes:,}' for causes in options.causes)} causes, published through ingest on moto; "
        f"medians of {options.containers} fresh API containers of each kind ({package.name} on Python 3.13); warm "
        f"figures over {options.requests} requests."
    )
    print(report(results, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
