"""CPU per request on a realistic mix, one API build against another (or against itself, for the noise).

`make bench-mix` runs it after `make build`. A synthetic catalogue (``catalogue.py``: 1,000 articles and
76 causes by default) is published through the real ingest handler to a moto server on loopback. One
deterministic request mix is drawn over it: Zipf-distributed over the articles (s = 1.1 by default), with
whole articles, sections, section lists, list pages (limits, tags, cursors), searches with words of the
catalogue, cause lookups, and conditional requests carrying the ETag of an earlier answer. A first API
container makes the ETags and cursors concrete (``lambda_worker resolve``).

Then pairs of fresh API containers, one of the build in ``--package`` and one of the build in ``--against``
(each on the Lambda-like runtime of ``infra/lambda_runtime.py``, as ``api_speed.py`` runs it), serve the same
mix through ``api.handler.lambda_handler``, taking turns every CHUNK requests, so that what the machine's
other tenants do hits both alike. Each serves a warm-up stretch, then the measured stretch, and reports CPU
per request (time.process_time over the whole stretch), wall p50/p99 and the same per kind of request. The
difference is 1 - CPU(this) / CPU(against) per pair. moto's own work runs in this process, so it is not in
the API's CPU; it is in the wall times. Nothing is asserted: figures only.

Issue 18 measured the answer cache this way (cache on against off, before it was removed): 3.3-3.6% of the CPU.
To compare with an earlier commit: `git worktree add /tmp/before <commit>`, `make build` there, then
`python -m infra.benchmarks.request_mix --against /tmp/before/.aws-sam/build/ApiFunction`.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import gc
import io
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from health_content.articles.model import Article
from health_content.causes.model import CauseTaxonomy
from health_content.text import analysis as text
from health_content.vocabulary import DEFAULT_LOCALE, LOCALES, Locale
from infra import lambda_runtime
from infra.benchmarks import catalogue, moto_server
from infra.template import REPO_ROOT

if TYPE_CHECKING:  # imported when publishing, once the harness has pointed boto3 at its moto server
    from infra.local.stack import LocalStack

TABLE = "bench-mix"
Request = tuple[str, str, dict[str, str], dict[str, str]]  # kind, path, query, headers
# The share of each kind of request in the mix.
MIX = {
    "article": 0.35,
    "section": 0.20,
    "sections": 0.05,
    "list": 0.10,
    "search": 0.10,
    "cause": 0.10,
    "conditional": 0.10,
}
LIST_LIMITS = ((None, 0.6), ("10", 0.2), ("50", 0.2))  # None: the default page size (20)
SEARCH_QUERIES = 300
ALTERNATE_LOCALE_SHARE = 0.3  # with two locales, the share of reads in the second one
PUBLISH_BATCH = 100
CHUNK = 100  # requests a container serves before the other takes its turn


class _Zipf:
    """Draws from ``items`` with weight 1 / rank^s, the first item being rank 1."""

    def __init__(self, items: Sequence[Any], s: float) -> None:
        self.items = list(items)
        self._cumulative = list(itertools.accumulate(1 / rank**s for rank in range(1, len(self.items) + 1)))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self._cumulative, rng.random() * self._cumulative[-1])]


@dataclass(frozen=True)
class Mix:
    warmup: list[Request]
    measured: list[Request]

    def repeats(self) -> float:
        """The share of measured requests identical to an earlier one (warm-up included): what a cache of
        whole answers could answer at best, if nothing expired or was evicted."""
        seen = {json.dumps(request[1:], sort_keys=True) for request in self.warmup}
        repeated = 0
        for request in self.measured:
            key = json.dumps(request[1:], sort_keys=True)
            repeated += key in seen
            seen.add(key)
        return repeated / len(self.measured)


def build_mix(directory: Path, locales: Sequence[Locale], warmup: int, measured: int, s: float, seed: int) -> Mix:
    """A deterministic request stream over the catalogue in ``directory``: ``warmup`` then ``measured`` requests."""
    rng = random.Random(f"request-mix:{seed}")
    articles = {locale: {a.slug: a for a in catalogue.load_articles(directory, locale)} for locale in locales}
    slugs = sorted(articles[locales[0]])
    rng.shuffle(slugs)  # popularity rank -> article
    popular = _Zipf(slugs, s)
    causes = CauseTaxonomy.model_validate_json((directory / "causes" / "causes.json").read_bytes()).causes
    cause_order = list(causes)
    rng.shuffle(cause_order)
    popular_cause = _Zipf(cause_order, s)
    tags = Counter(tag for article in articles[locales[0]].values() for tag in article.tags)
    popular_tag = _Zipf([tag for tag, _ in tags.most_common()], s)
    queries = _Zipf(_search_queries(rng, list(articles[locales[0]].values())), s)
    kinds, shares = zip(*MIX.items(), strict=True)

    def reading() -> tuple[Locale, dict[str, str]]:
        """The locale of a read, and its query: the first locale mostly, the second in ALTERNATE_LOCALE_SHARE."""
        locale = locales[1] if len(locales) > 1 and rng.random() < ALTERNATE_LOCALE_SHARE else locales[0]
        return locale, ({} if locale == DEFAULT_LOCALE else {"locale": locale})

    def locale_query() -> dict[str, str]:
        return reading()[1]

    def article_read(kind: str) -> Request:
        slug, (locale, query) = popular(rng), reading()
        article = articles[locale][slug]
        if kind == "section":
            return (kind, f"/v1/articles/{slug}/sections/{rng.choice(article.sections).id}", query, {})
        if kind == "sections":
            return (kind, f"/v1/articles/{slug}/sections", query, {})
        return (kind, f"/v1/articles/{slug}", query, {})

    def request() -> Request:
        kind = rng.choices(kinds, shares)[0]
        if kind in ("article", "section", "sections"):
            return article_read(kind)
        if kind == "conditional":
            _, path, query, _ = article_read("article" if rng.random() < 0.7 else "section")
            return (kind, path, query, {"If-None-Match": "<etag>"})
        if kind == "list":
            query = locale_query()
            limit = rng.choices([limit for limit, _ in LIST_LIMITS], [share for _, share in LIST_LIMITS])[0]
            if limit:
                query["limit"] = limit
            if rng.random() < 0.3:
                query["tag"] = popular_tag(rng)
            page = int(rng.paretovariate(1.5)) - 1  # the first page most, then fewer and fewer
            if page:
                query["cursor"] = f"<page:{page}>"
            return (kind, "/v1/articles", query, {})
        if kind == "search":
            return (kind, "/v1/search", {"q": queries(rng), **locale_query()}, {})
        cause, way = popular_cause(rng), rng.random()
        if way < 0.2:
            return (kind, f"/v1/causes/{cause.id}", locale_query(), {})
        if way < 0.3 and cause.icd10:
            return (kind, "/v1/causes", {"code": rng.choice(cause.icd10), **locale_query()}, {})
        if way < 0.4:
            return (kind, "/v1/causes", {"category": cause.category, **locale_query()}, {})
        names = [cause.name.in_("id"), cause.name.in_("en"), *cause.synonyms.in_("id"), *cause.synonyms.in_("en")]
        return (kind, "/v1/causes", {"q": rng.choice(names)[:200], **locale_query()}, {})

    stream = [request() for _ in range(warmup + measured)]
    return Mix(stream[:warmup], stream[warmup:])


def _search_queries(rng: random.Random, articles: list[Article]) -> list[str]:
    """Queries people would type: one to three words of the catalogue's text (so common words come up more
    often, as in real queries), one in ten with a typo; ordered from the most to the least popular."""
    queries: list[str] = []
    while len(queries) < SEARCH_QUERIES:
        article = rng.choice(articles)
        words = text.words(" ".join(catalogue.article_texts(article)))
        start = rng.randrange(len(words))
        query = [word for word in words[start : start + rng.choice((1, 1, 2, 2, 3))] if not word.isdigit()]
        if not query:
            continue
        if rng.random() < 0.1 and len(query[0]) > 4:
            position = rng.randrange(1, len(query[0]) - 1)
            word = query[0]
            query[0] = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        queries.append(" ".join(query))
    return queries


# --- publishing ----------------------------------------------------------------------------


def publish_catalogue(
    directory: Path, progress: Callable[[str], None], stack: LocalStack | None = None
) -> dict[str, int]:
    """Publish the catalogue in ``directory`` through the real ingest handler, a batch of uploads at a time, to
    ``stack`` (by default a new one named TABLE); the verdicts, counted. Every bench publishes through here
    (``request_mix``, ``scale``), so a faster way to publish serves them all."""
    import boto3

    from infra import publish
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    stack = stack or LocalStack.create(TABLE, TABLE)
    s3 = boto3.client("s3")
    documents = publish.collect(directory)
    invalid = [reason for document in documents for reason in document.reasons]
    if invalid:
        raise RuntimeError(f"the catalogue does not validate: {invalid[:5]}")
    verdicts: Counter[str] = Counter()
    done, started = 0, time.perf_counter()
    for phase in publish.phases(documents):
        for batch in _batches(phase):
            uploads = publish.upload(s3, stack.bucket, batch)
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():  # the ingest function's logs
                warnings.filterwarnings("ignore", "No application metrics to publish")  # metrics are off
                stack.deliver_events(ingest_handler.lambda_handler)
            reports = publish.wait_for_reports(s3, stack.bucket, uploads, timeout=30)
            verdicts.update(report.status.value if report else "pending" for report in reports.values())
            done += len(batch)
            elapsed = time.perf_counter() - started
            progress(f"  published {done:,}/{len(documents):,} documents in {elapsed:.0f} s ({dict(verdicts)})")
    # The scheduled search indexer's run after the publish: the file each locale's cold containers start from.
    os.environ["CONTENT_BUCKET_NAME"] = stack.bucket
    ingest_handler.reset()
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "No application metrics to publish")
        stored = stack.index_search()["stored"]
    progress(f"  search index files stored {stored} in {time.perf_counter() - started:.0f} s")
    return dict(verdicts)


def _batches(documents: Sequence[Any]) -> list[Sequence[Any]]:
    """Batches of PUBLISH_BATCH (itertools.batched, from Python 3.12)."""
    return [documents[start : start + PUBLISH_BATCH] for start in range(0, len(documents), PUBLISH_BATCH)]


# --- measuring -----------------------------------------------------------------------------


def _resolve(interpreter: Path, environment: dict[str, str], mix_file: Path, concrete: Path) -> None:
    """Have one API container make the mix's ETags and cursors concrete (they depend on the content only)."""
    arguments = ["-m", "infra.benchmarks.lambda_worker", "resolve", "api.handler", str(mix_file), str(concrete)]
    output = subprocess.run([str(interpreter), *arguments], env=environment, capture_output=True, text=True)
    if output.returncode != 0:
        raise RuntimeError(f"resolving the mix failed:\n{output.stderr[-3000:]}")


class _Container:
    """A fresh API process serving the concrete mix on command (``lambda_worker serve``)."""

    def __init__(self, interpreter: Path, environment: dict[str, str], mix_file: Path) -> None:
        self._errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed by finish)
        self._process = subprocess.Popen(
            [str(interpreter), "-m", "infra.benchmarks.lambda_worker", "serve", "api.handler", str(mix_file)],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        self._reply("ready")

    def serve(self, stretch: str, start: int, end: int) -> None:
        self._ask(f"{stretch} {start} {end}", "cpu_s")

    def finish(self) -> dict[str, Any]:
        figures = self._ask("done", "requests")
        self._process.wait()
        self._errors.close()
        return figures

    def _ask(self, command: str, answer: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._reply(answer)

    def _reply(self, key: str) -> dict[str, Any]:
        """The next line that is the worker's answer (the function's own log lines may come in between)."""
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with contextlib.suppress(ValueError):
                reply = json.loads(line)
                if isinstance(reply, dict) and key in reply:
                    return reply
        self._errors.seek(0)
        raise RuntimeError(f"the API process stopped:\n{self._errors.read()[-3000:]}")


def measure_pair(interpreter: Path, environments: dict[str, dict[str, str]], mix_file: Path, mix: Mix) -> Any:
    """One container per build, fresh, taking turns CHUNK requests at a time (each first in turn),
    so that what the machine's other tenants do hits both alike; each container's figures."""
    containers = {name: _Container(interpreter, environment, mix_file) for name, environment in environments.items()}
    turns, started = 0, 0.0
    for stretch, size in (("warmup", len(mix.warmup)), ("measure", len(mix.measured))):
        started = time.perf_counter()
        for start in range(0, size, CHUNK):
            order = list(containers.values())
            for container in order if turns % 2 == 0 else reversed(order):
                container.serve(stretch, start, min(start + CHUNK, size))
            turns += 1
    elapsed = time.perf_counter() - started
    return {name: {**container.finish(), "stretch_s": elapsed} for name, container in containers.items()}


def _range(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.1f} (range {min(values):.1f} to {max(values):.1f})"


def _report(runs: dict[str, list[dict[str, Any]]], mix: Mix) -> None:
    this, against = runs["this"], runs["against"]
    differences = [100 * (1 - a["cpu_us"] / b["cpu_us"]) for a, b in zip(this, against, strict=True)]
    print(f"{'':<28}{'CPU/request':>14}{'wall p50':>11}{'wall p99':>11}{'max RSS':>10}")
    for name in ("this", "against"):
        figures = runs[name]
        cpu = statistics.median(f["cpu_us"] for f in figures)
        p50 = statistics.median(f["p50_us"] for f in figures)
        p99 = statistics.median(f["p99_us"] for f in figures)
        rss = statistics.median(f["max_rss_mb"] for f in figures)
        print(f"{name + ' build':<28}{cpu:>11.0f} µs{p50:>8.0f} µs{p99:>8.0f} µs{rss:>7.0f} MB")
    print(f"per pair (µs): this {[round(f['cpu_us']) for f in this]}, against {[round(f['cpu_us']) for f in against]}")
    for name in ("this", "against"):
        print(f"statuses, {name}: {[figures['statuses'] for figures in runs[name]]}")
    print(f"identical to an earlier request: {100 * mix.repeats():.1f}% of the measured requests")
    print()
    columns = ("share", 7), ("CPU this", 11), ("against", 11), ("less", 9), ("p50 this", 10), ("against", 10)
    print(f"{'per kind (median of passes)':<28}" + "".join(f"{name:>{width}}" for name, width in columns))
    for kind in this[0]["kinds"]:
        count = this[0]["kinds"][kind]["count"]
        cpu_this = statistics.median(f["kinds"][kind]["cpu_us"] for f in this)
        cpu_against = statistics.median(f["kinds"][kind]["cpu_us"] for f in against)
        p50_this = statistics.median(f["kinds"][kind]["p50_us"] for f in this)
        p50_against = statistics.median(f["kinds"][kind]["p50_us"] for f in against)
        share = 100 * count / len(mix.measured)
        less = 100 * (1 - cpu_this / cpu_against)
        cpu = f"{cpu_this:>8.0f} µs{cpu_against:>8.0f} µs{less:>8.1f}%"
        print(f"{kind:<28}{share:>6.0f}%{cpu}{p50_this:>7.0f} µs{p50_against:>7.0f} µs")
    print()
    stretch = statistics.median(f["stretch_s"] for f in this)
    print(f"CPU per request, this build against the other: {_range(differences)}% less over {len(differences)} pairs")
    print(f"  the measured stretch took {stretch:.0f} s with both containers taking turns")


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_package = REPO_ROOT / ".aws-sam" / "build" / "ApiFunction"
    parser.add_argument("--package", type=Path, default=default_package, help="The API function's built package.")
    parser.add_argument("--articles", type=int, default=1_000, help="Articles per locale.")
    parser.add_argument("--causes", type=int, default=76, help="Causes in the taxonomy.")
    parser.add_argument("--locales", nargs="+", default=["id"], choices=list(LOCALES))
    parser.add_argument("--warmup", type=int, default=2_000, help="Requests served before measuring.")
    parser.add_argument("--requests", type=int, default=5_000, help="Requests measured per process.")
    parser.add_argument("--pairs", type=int, default=4, help="Pairs of fresh containers (this build, the other).")
    parser.add_argument(
        "--against", type=Path, help="The build to compare with (its ApiFunction package); default: --package again."
    )
    parser.add_argument("--zipf", type=float, default=1.1, help="Exponent s of the popularity of articles.")
    parser.add_argument("--seed", type=int, default=catalogue.DEFAULT_SEED)
    parser.add_argument(
        "--lifetime", type=float, help="Seconds both containers keep content (CONTENT_CACHE_TTL_SECONDS)."
    )
    options = parser.parse_args(arguments)
    locales = [locale for name in options.locales for locale in LOCALES if locale == name]
    package = options.package.resolve()
    against = (options.against or options.package).resolve()
    for built in (package, against):
        if not (built / "api" / "handler.py").is_file():
            parser.error(f"no API package in {built}: run `make build` first")

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    server, endpoint = moto_server.start(TABLE)
    try:
        with tempfile.TemporaryDirectory() as temporary:
            directory = Path(temporary) / "content"
            started = time.perf_counter()
            catalogue.generate(directory, options.articles, options.causes, locales, options.seed)
            generated = time.perf_counter() - started
            say(f"generated {options.articles:,} articles x {len(options.locales)} locales in {generated:.1f} s")
            started = time.perf_counter()
            verdicts = publish_catalogue(directory, say)
            published = time.perf_counter() - started
            # What moto holds now lives until the end: keep its collector from walking it while the API waits
            # (a full collection over the table took longer than the API's 0.8 s read timeout).
            gc.collect()
            gc.freeze()
            mix = build_mix(directory, locales, options.warmup, options.requests, options.zipf, options.seed)
            mix_file = Path(temporary) / "mix.json"
            mix_file.write_text(json.dumps({"warmup": mix.warmup, "measured": mix.measured}))

            interpreter = lambda_runtime.python()
            environment = lambda_runtime.environment(package, endpoint=endpoint, table=TABLE, also=[REPO_ROOT])
            concrete = Path(temporary) / "concrete-mix.json"
            _resolve(interpreter, environment, mix_file, concrete)
            other = lambda_runtime.environment(against, endpoint=endpoint, table=TABLE, also=[REPO_ROOT])
            if options.lifetime is not None:
                for each in (environment, other):
                    each["CONTENT_CACHE_TTL_SECONDS"] = f"{options.lifetime:g}"
            settings = {"this": environment, "against": other}
            runs: dict[str, list[dict[str, Any]]] = {"this": [], "against": []}
            for pair in range(options.pairs):
                figures = measure_pair(interpreter, settings, concrete, mix)
                for name in runs:
                    runs[name].append(figures[name])
                mine, theirs = figures["this"]["cpu_us"], figures["against"]["cpu_us"]
                say(f"  pair {pair + 1}/{options.pairs}: {mine:.0f} µs CPU/request, the other build {theirs:.0f}")
    finally:
        server.stop()

    documents = sum(verdicts.values())
    print(
        f"Request mix: {options.articles:,} articles x {len(locales)} locale(s) ({', '.join(locales)}), "
        f"{options.causes} causes; Zipf s={options.zipf}; {options.warmup:,} warm-up and {options.requests:,} "
        f"measured requests; {options.pairs} pairs of fresh containers taking turns every {CHUNK} requests."
    )
    print(f"mix: {', '.join(f'{kind} {100 * share:.0f}%' for kind, share in MIX.items())}")
    print(
        f"catalogue generated in {generated:.1f} s; {documents:,} documents published through ingest in "
        f"{published:.0f} s ({published / documents:.2f} s each): {verdicts}"
    )
    print(f"API packages: {package} against {against} on {interpreter}")
    print()
    _report(runs, mix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
