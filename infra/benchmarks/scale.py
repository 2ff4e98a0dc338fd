"""How the API, publishing, search and the cause lookup grow with the catalogue (issue 19): `make bench-scale`.

    python -m infra.benchmarks.scale --sizes 1 100 1000 [--causes M] [--json FILE] [--ttl SECONDS]

For each size N, a synthetic catalogue of N articles per locale (``catalogue.py``; cached under the temporary
folder by its arguments and the generator's source, never written into content/) is published through the real
ingest handler to a moto server on loopback (``request_mix.publish_catalogue``, the benches' one way to publish),
timed. Then fresh API containers (the build in ``--package`` on the Lambda-like runtime, driven by
``lambda_worker scale``) is measured:

- cold start: the handler's import, as Lambda's init;
- its first article, first search and first cause lookup, each timed;
- warm p50/p99 of articles, searches and cause lookups, --requests of each taking turns, after a warm-up:
  articles the container has read before (a sample of up to SAMPLED_ARTICLES), searches with words of the
  catalogue and lookups of the taxonomy's names, synonyms, categories and codes, a share in the second locale,
  all drawn deterministically from the catalogue;
- its peak memory (VmHWM) after them;
- each of these is the median over --containers fresh containers (3 by default), so that a neighbour's burst
  on a shared machine moves the ratios less;
- the store reads it makes to catch up after one article changes: one article is edited and published again
  through ingest; once the content cache's TTL (``--ttl``, the template's 60 s by default) has passed, the
  last container reads the changed article, another one, searches in both locales and looks a cause up, and
  counts every AWS call those requests make (operation, items DynamoDB evaluated, bytes received).

One table is printed with a row per size, another with each figure's ratio to the 1-article catalogue of the
same run (memory as a difference) and the issue's targets, then both as Markdown for the README; ``--json``
writes every figure. moto runs in this process and is reset between sizes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from health_content.causes.model import CauseTaxonomy
from health_content.vocabulary import DEFAULT_LOCALE, LOCALES, Locale
from infra import lambda_runtime
from infra.benchmarks import catalogue, moto_server, request_mix
from infra.template import REPO_ROOT, load_template

TABLE = "bench-scale"
CACHE_DIR = Path(tempfile.gettempdir()) / "konten-sehat-bench-scale"
SAMPLED_ARTICLES = 50  # warm article reads cycle through this many articles per locale, all read in the warm-up
SECOND_LOCALE_SHARE = 0.3  # of warm requests
WARMUP_PER_KIND = 50
FIRST_SEARCH = "kram betis"
FIRST_CAUSE = "kekurangan kalsium"  # the cause lookup's first example
CHANGE = "Kalimat ini ditambahkan oleh make bench-scale untuk mengukur satu perubahan."
KINDS = ("article", "search", "cause")
# Issue 19, section 2: each figure against the 1-article catalogue of the same run.
TARGETS = {
    "cold_ms": ("cold start", 1.15),
    "first_article_ms": ("first article", 1.15),
    "first_search_ms": ("first search", 2.0),
    "first_cause_ms": ("first cause lookup", 2.0),
    "search_p99_ms": ("warm search p99", 2.0),
}
SEARCH_P99_CEILING_MS = 10.0
MEMORY_GROWTH_MB = 40.0

Request = list[Any]  # [kind or label, path, query]


# --- the catalogue -------------------------------------------------------------------------


def generated_catalogue(
    articles: int, causes: int, locales: Sequence[Locale], seed: int, cache: Path = CACHE_DIR
) -> Path:
    """A folder laid out like content/ with the catalogue of these arguments, generated once and then reused: its
    name holds the arguments and a hash of the generator's source, so a changed generator makes a new one."""
    source = hashlib.sha256(Path(catalogue.__file__).read_bytes()).hexdigest()[:12]
    target = cache / f"articles-{articles}-causes-{causes}-{'-'.join(locales)}-seed-{seed}-{source}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache))
    try:
        catalogue.generate(staging / "content", articles, causes, locales, seed)
        with contextlib.suppress(OSError):  # another run finished the same catalogue first: use it
            (staging / "content").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def changed_article(directory: Path, into: Path) -> tuple[Locale, str]:
    """Copy the first article of the default locale into ``into`` (laid out like content/) with CHANGE added
    to its first paragraph: the one change published again; its locale and slug."""
    [first, *_] = sorted((directory / "articles" / DEFAULT_LOCALE).glob("*.json"))
    document = json.loads(first.read_text(encoding="utf-8"))
    paragraph = next(
        block for section in document["sections"] for block in section["blocks"] if block["type"] == "paragraph"
    )
    paragraph["text"] = f"{paragraph['text']} {CHANGE}"
    target = into / "articles" / DEFAULT_LOCALE / first.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return DEFAULT_LOCALE, document["slug"]


# --- what the container is asked -----------------------------------------------------------


def plan(directory: Path, locales: Sequence[Locale], requests: int, seed: int) -> dict[str, Any]:
    """What ``lambda_worker scale`` asks of one container over the catalogue in ``directory``: the same for the
    same arguments. Warm requests are in the first locale, SECOND_LOCALE_SHARE of them in the second."""
    rng = random.Random(f"bench-scale:{seed}")
    articles = {locale: catalogue.load_articles(directory, locale) for locale in locales}
    taxonomy = CauseTaxonomy.model_validate_json((directory / "causes" / "causes.json").read_bytes())
    first = locales[0]

    def query(locale: Locale, **parameters: str) -> dict[str, str]:
        return {**parameters, **({} if locale == DEFAULT_LOCALE else {"locale": locale})}

    def draw_locale() -> Locale:
        return locales[1] if len(locales) > 1 and rng.random() < SECOND_LOCALE_SHARE else first

    sampled = {}
    for locale, found in articles.items():
        slugs = sorted(article.slug for article in found)
        rng.shuffle(slugs)
        sampled[locale] = slugs[:SAMPLED_ARTICLES]
    searches = {
        locale: request_mix._search_queries(rng, found)  # people's queries: words of the catalogue, a few typos
        for locale, found in articles.items()
    }
    lookups: list[dict[str, str]] = []
    for cause in taxonomy.causes:
        names = [cause.name.in_("id"), cause.name.in_("en"), *cause.synonyms.in_("id"), *cause.synonyms.in_("en")]
        lookups += [{"q": name[:200]} for name in names]
        lookups += [{"code": code} for code in cause.icd10]
        lookups.append({"category": cause.category})

    def draw(kind: str) -> Request:
        locale = draw_locale()
        if kind == "article":
            return [kind, f"/v1/articles/{rng.choice(sampled[locale])}", query(locale)]
        if kind == "search":
            return [kind, "/v1/search", query(locale, q=rng.choice(searches[locale]))]
        return [kind, "/v1/causes", query(locale, **rng.choice(lookups))]

    first_slug = sorted(article.slug for article in articles[first])[0]
    warmup: list[Request] = [
        ["article", f"/v1/articles/{slug}", query(locale)] for locale, slugs in sampled.items() for slug in slugs
    ]
    warmup += [["search", "/v1/search", query(locale, q=FIRST_SEARCH)] for locale in locales]  # each locale's index
    warmup += [draw(kind) for _ in range(WARMUP_PER_KIND) for kind in ("search", "cause")]
    return {
        "first": [
            ["article", f"/v1/articles/{first_slug}", query(first)],
            ["search", "/v1/search", query(first, q=FIRST_SEARCH)],
            ["cause", "/v1/causes", query(first, q=FIRST_CAUSE)],
        ],
        "warmup": warmup,
        "measured": {kind: [draw(kind)[1:] for _ in range(requests)] for kind in KINDS},
    }


def after_change(plan: dict[str, Any], locale: Locale, slug: str, locales: Sequence[Locale]) -> list[Request]:
    """The requests made once one article changed and the content cache's TTL passed: the changed article,
    another one the container has read (if the catalogue has one), a search in each locale and a cause lookup."""
    changed = f"/v1/articles/{slug}"
    requests: list[Request] = [["changed article", changed, {} if locale == DEFAULT_LOCALE else {"locale": locale}]]
    read_before = [[path, query] for _, path, query in plan["warmup"] if path.startswith("/v1/articles/")]
    requests += [["another article", path, query] for path, query in read_before if path != changed][:1]
    for each in locales:
        search = {"q": FIRST_SEARCH, **({} if each == DEFAULT_LOCALE else {"locale": each})}
        requests.append([f"search ({each})", "/v1/search", search])
    requests.append(["cause lookup", "/v1/causes", {"q": FIRST_CAUSE}])
    return requests


# --- measuring -----------------------------------------------------------------------------


class _Container:
    """A fresh API process running ``lambda_worker scale``: it measures itself as it starts, and catches up
    after a change when told."""

    def __init__(self, interpreter: Path, environment: dict[str, str], plan_file: Path) -> None:
        self._errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed by finish)
        started = time.perf_counter()
        self._process = subprocess.Popen(
            [str(interpreter), "-m", "infra.benchmarks.lambda_worker", "scale", "api.handler", str(plan_file)],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        self.figures = self._reply("first")
        self.figures["process_to_warm_s"] = time.perf_counter() - started

    def after_change(self) -> list[dict[str, Any]]:
        assert self._process.stdin is not None
        self._process.stdin.write("after\n")
        self._process.stdin.flush()
        return list(self._reply("after")["after"])

    def finish(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            assert self._process.stdin is not None
            self._process.stdin.write("done\n")
            self._process.stdin.close()
        self._process.wait()
        self._errors.close()

    def _reply(self, key: str) -> dict[str, Any]:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with contextlib.suppress(ValueError):
                reply = json.loads(line)
                if isinstance(reply, dict) and key in reply:
                    return reply
        self._errors.seek(0)
        raise RuntimeError(f"the API process stopped:\n{self._errors.read()[-3000:]}")


def _reads(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """The store reads of these requests: in all, and per operation."""
    operations: dict[str, dict[str, int]] = {}
    for request in requests:
        for operation, figures in request["reads"].items():
            total = operations.setdefault(operation, dict.fromkeys(figures, 0))
            for name, value in figures.items():
                total[name] = total.get(name, 0) + value
    return {
        "calls": sum(figures["calls"] for figures in operations.values()),
        "items": sum(figures["items"] for figures in operations.values()),
        "bytes": sum(figures["bytes"] for figures in operations.values()),
        "operations": operations,
    }


@dataclass
class Run:
    """How one size was measured, and where."""

    endpoint: str
    interpreter: Path
    package: Path
    causes: int
    locales: Sequence[Locale]
    requests: int
    seed: int
    ttl: float
    containers: int
    say: Callable[[str], None]


def measure(
    size: int, run: Run, publish: Callable[..., dict[str, int]] = request_mix.publish_catalogue
) -> dict[str, Any]:
    """Publish a catalogue of ``size`` articles per locale to a fresh local stack and measure one container."""
    from infra.local.stack import LocalStack

    started = time.perf_counter()
    directory = generated_catalogue(size, run.causes, run.locales, run.seed)
    run.say(f"{size:,} articles per locale: catalogue in {directory} ({time.perf_counter() - started:.1f} s)")
    stack = LocalStack.create(TABLE, TABLE)
    started = time.perf_counter()
    verdicts = publish(directory, run.say, stack)
    published_s = time.perf_counter() - started
    documents = sum(verdicts.values())
    run.say(f"  published {documents:,} documents in {published_s:.0f} s: {verdicts}")
    # What moto holds now lives until the reset: keep the collector from walking it while the API waits on it
    # (request_mix: a full collection over a big table took longer than the API's read timeout).
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as temporary:
        asked = plan(directory, run.locales, run.requests, run.seed)
        locale, slug = changed_article(directory, Path(temporary) / "changed")
        asked["after"] = after_change(asked, locale, slug, run.locales)
        asked["marker"] = CHANGE
        plan_file = Path(temporary) / "plan.json"
        plan_file.write_text(json.dumps(asked))
        environment = lambda_runtime.environment(run.package, endpoint=run.endpoint, table=TABLE, also=[REPO_ROOT])
        environment["CONTENT_CACHE_TTL_SECONDS"] = f"{run.ttl:g}"
        environment["CONTENT_BUCKET_NAME"] = TABLE  # the local stack's bucket, where the indexer keeps its files
        containers: list[dict[str, Any]] = []
        for number in range(1, run.containers + 1):
            container = _Container(run.interpreter, environment, plan_file)
            try:
                containers.append(_container_figures(container.figures))
                run.say(f"  container {number}/{run.containers}: {_summary(containers[-1])}")
                if number == run.containers:  # the last one catches up after a change
                    run.say(f"  publishing one changed article, then waiting out the TTL ({run.ttl:g} s)")
                    republished = publish(Path(temporary) / "changed", lambda _: None, stack)
                    after = container.after_change()
            finally:
                container.finish()
    medians = {key: statistics.median(each[key] for each in containers) for key in MEDIANS}
    return {
        "articles_per_locale": size,
        "documents": documents,
        "verdicts": verdicts,
        "publish_s": published_s,
        "publish_s_per_document": published_s / max(1, documents),
        **medians,
        "after_change": {"republished": republished, **_reads(after), "requests": after},
        "containers": containers,
    }


MEDIANS = (
    "cold_ms",
    "first_article_ms",
    "first_search_ms",
    "first_cause_ms",
    *(f"{kind}_{p}_ms" for kind in KINDS for p in ("p50", "p99")),
    "memory_mb",
)
"""The figures of a size: the median over its containers."""


def _container_figures(figures: dict[str, Any]) -> dict[str, Any]:
    firsts = {request["label"]: request for request in figures["first"]}
    return {
        "cold_ms": figures["init_ms"],
        "first_article_ms": firsts["article"]["ms"],
        "first_search_ms": firsts["search"]["ms"],
        "first_cause_ms": firsts["cause"]["ms"],
        **{f"{kind}_{p}_ms": figures["warm"][kind][f"{p}_ms"] for kind in KINDS for p in ("p50", "p99")},
        "memory_mb": figures["memory"]["peak_rss_mb"],
        "first_requests": figures["first"],
        "first_reads": _reads(figures["first"]),
        "warm": figures["warm"],
        "memory": figures["memory"],
        "process_to_warm_s": figures["process_to_warm_s"],
    }


def _summary(figures: dict[str, Any]) -> str:
    statuses = {kind: warm["statuses"] for kind, warm in figures["warm"].items()}
    return (
        f"cold {figures['cold_ms']:.0f} ms, first search {figures['first_search_ms']:.0f} ms, "
        f"{figures['memory_mb']:.0f} MB, statuses {statuses}"
    )


# --- reporting -----------------------------------------------------------------------------

COLUMNS: tuple[tuple[str, str], ...] = (
    ("publish", "publish"),
    ("cold_ms", "cold start"),
    ("first_article_ms", "1st article"),
    ("first_search_ms", "1st search"),
    ("first_cause_ms", "1st cause"),
    ("article", "article p50/p99"),
    ("search", "search p50/p99"),
    ("cause", "cause p50/p99"),
    ("memory_mb", "memory"),
    ("reads", "reads after 1 change"),
)


def _milliseconds(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def _cells(result: dict[str, Any]) -> list[str]:
    after = result["after_change"]
    cells = [f"{result['publish_s']:,.0f} s ({result['publish_s_per_document']:.2f} s/doc)"]
    cells += [
        _milliseconds(result[key]) for key in ("cold_ms", "first_article_ms", "first_search_ms", "first_cause_ms")
    ]
    cells += [
        f"{_milliseconds(result[f'{kind}_p50_ms'])} / {_milliseconds(result[f'{kind}_p99_ms'])}" for kind in KINDS
    ]
    cells.append(f"{result['memory_mb']:.0f} MB")
    cells.append(f"{after['calls']} calls, {after['items']:,} items, {after['bytes'] / 1e6:.2f} MB")
    return cells


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "n/a"


def _ratio_cells(result: dict[str, Any], base: dict[str, Any]) -> list[str]:
    after, base_after = result["after_change"], base["after_change"]
    cells = [_ratio(result["publish_s_per_document"], base["publish_s_per_document"]) + " per doc"]
    cells += [
        _ratio(result[key], base[key]) for key in ("cold_ms", "first_article_ms", "first_search_ms", "first_cause_ms")
    ]
    for kind in KINDS:
        p50, p99 = f"{kind}_p50_ms", f"{kind}_p99_ms"
        cells.append(f"{_ratio(result[p50], base[p50])} / {_ratio(result[p99], base[p99])}")
    cells.append(f"{result['memory_mb'] - base['memory_mb']:+.0f} MB")
    cells.append(f"{_ratio(after['items'], base_after['items'])} items")
    return cells


def rows(results: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """The header, a row of figures per size, and a row of ratios to the smallest size per size."""
    header = ["articles per locale", *(title for _, title in COLUMNS)]
    base = results[0]
    figures = [[f"{result['articles_per_locale']:,}", *_cells(result)] for result in results]
    ratios = [[f"{result['articles_per_locale']:,}", *_ratio_cells(result, base)] for result in results[1:]]
    return header, figures, ratios


def targets(results: Sequence[dict[str, Any]]) -> list[str]:
    """Issue 19's targets at the largest size, against the smallest: met or missed, by how much."""
    base, largest = results[0], results[-1]
    lines = []
    for key, (name, limit) in TARGETS.items():
        ratio = largest[key] / base[key] if base[key] else float("inf")
        lines.append(f"{name}: {ratio:.2f}x (target {limit:g}x): {'met' if ratio <= limit else 'missed'}")
    p99 = largest["search_p99_ms"]
    lines.append(
        f"warm search p99: {p99:.1f} ms (target under {SEARCH_P99_CEILING_MS:g} ms): "
        f"{'met' if p99 < SEARCH_P99_CEILING_MS else 'missed'}"
    )
    growth = largest["memory_mb"] - base["memory_mb"]
    lines.append(
        f"memory: {growth:+.0f} MB (target +{MEMORY_GROWTH_MB:g} MB at most): "
        f"{'met' if growth <= MEMORY_GROWTH_MB else 'missed'}"
    )
    return lines


def _text_table(header: list[str], body: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in (header, *body)) for column in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in (header, *body)]
    return "\n".join(lines)


def _markdown_table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def report(results: Sequence[dict[str, Any]], summary: str) -> str:
    header, figures, ratios = rows(results)
    base = f"{results[0]['articles_per_locale']:,}-article"
    parts = [summary, "", _text_table(header, figures)]
    if ratios:
        parts += [
            "",
            f"Against the {base} catalogue of this run (memory: the difference):",
            _text_table(header, ratios),
        ]
        parts += [
            "",
            f"Issue 19's targets at {results[-1]['articles_per_locale']:,} articles, against the {base} catalogue:",
        ]
        parts += [f"  {line}" for line in targets(results)]
    parts += ["", "As Markdown:", "", summary, "", _markdown_table(header, figures)]
    if ratios:
        parts += ["", f"Against the {base} catalogue:", "", _markdown_table(header, ratios)]
    return "\n".join(parts)


# --- running -------------------------------------------------------------------------------


def _reset_moto(endpoint: str) -> None:
    """Forget every resource of the moto server (its own reset), so that each size starts from an empty stack."""
    gc.unfreeze()
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=60).close()
    gc.collect()


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_package = REPO_ROOT / ".aws-sam" / "build" / "ApiFunction"
    default_ttl = float(load_template()["Parameters"]["ContentCacheTtlSeconds"]["Default"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000], help="Articles per locale.")
    parser.add_argument("--causes", type=int, default=76, help="Causes in the taxonomy.")
    parser.add_argument("--locales", nargs="+", default=list(LOCALES), choices=list(LOCALES))
    parser.add_argument("--requests", type=int, default=300, help="Warm requests measured per kind.")
    parser.add_argument("--ttl", type=float, default=default_ttl, help="The container's content cache TTL (s).")
    parser.add_argument("--containers", type=int, default=3, help="Fresh containers per size (medians).")
    parser.add_argument("--seed", type=int, default=catalogue.DEFAULT_SEED)
    parser.add_argument("--package", type=Path, default=default_package, help="The API function's built package.")
    parser.add_argument("--json", type=Path, help="Write every figure here.")
    options = parser.parse_args(arguments)
    package = options.package.resolve()
    if not (package / "api" / "handler.py").is_file():
        parser.error(f"no API package in {package}: run `make build` first")
    if any(size < 1 for size in options.sizes):
        parser.error("sizes are articles per locale, at least 1")
    sizes = sorted(set(options.sizes))
    locales = [locale for name in options.locales for locale in LOCALES if locale == name]

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    server, endpoint = moto_server.start(TABLE)
    run = Run(
        endpoint,
        lambda_runtime.python(),
        package,
        options.causes,
        locales,
        options.requests,
        options.seed,
        options.ttl,
        options.containers,
        say,
    )
    results = []
    try:
        for size in sizes:
            _reset_moto(endpoint)
            results.append(measure(size, run))
            if options.json:  # so far, in case a later size fails
                _write_json(options, package, results)
    finally:
        server.stop()

    summary = (
        f"Scale: synthetic catalogues of {', '.join(f'{size:,}' for size in sizes)} articles per locale "
        f"({', '.join(locales)}) and {options.causes} causes, published through ingest on moto; medians of "
        f"{options.containers} fresh API containers each ({package.name} on Python 3.13); warm figures over "
        f"{options.requests} requests of each kind; reads after one change once the {options.ttl:g} s content "
        "TTL passed."
    )
    print(report(results, summary))
    if options.json:
        say(f"figures written to {options.json}")
    return 0


def _write_json(options: argparse.Namespace, package: Path, results: list[dict[str, Any]]) -> None:
    settings = {key: value for key, value in vars(options).items() if key not in ("json", "package")}
    document = {"settings": {**settings, "package": str(package)}, "results": results}
    options.json.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
