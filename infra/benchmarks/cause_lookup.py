"""Benchmark of the cause lookup: latency per query and memory, at 1x and 100x.

Run with `make bench`. It prints figures; it asserts nothing, so a slow machine cannot
fail the build. The 100x taxonomy repeats every record a hundred times with extra
synthetic synonyms, so the vocabulary and the posting lists grow as well as the records.
Per taxonomy: the publish-time analysis (ingest), the index database and its gzipped file
(the indexer), opening it (a container), then lookups over it.
"""

from __future__ import annotations

import datetime as dt
import gc
import gzip
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from health_content.articles.model import Article
from health_content.articles.store import ArticleLookup
from health_content.causes import icd10
from health_content.causes.database import CauseDatabase
from health_content.causes.index import CauseIndex, CauseQuery
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import prepare
from health_content.causes.store import PublishedCauses
from health_content.vocabulary import LocalizedTerms
from infra.template import REPO_ROOT

QUERIES = [
    CauseQuery.of(q="kekurangan kalsium"),
    CauseQuery.of(q="kalsium rendah"),
    CauseQuery.of(q="calcium"),
    CauseQuery.of(q="low potassium"),
    CauseQuery.of(q="hamil"),
    CauseQuery.of(q="pregnancy"),
    CauseQuery.of(q="kejang demam"),
    CauseQuery.of(q="kalsuim"),  # one typo
    CauseQuery.of(q="kejang"),  # the most common word
    CauseQuery.of(code="G40"),
    CauseQuery.of(code="E83.51"),
    CauseQuery.of(population="children"),
    CauseQuery.of(category="infection", population="newborns"),
    CauseQuery.of(q="kejang", population="children"),
    CauseQuery.of(q="xylofon zebra"),  # no match
]
ROUNDS = 200


def load() -> tuple[CauseTaxonomy, ArticleLookup]:
    article = Article.model_validate_json((REPO_ROOT / "content/articles/id/kram-otot-betis.json").read_bytes())
    taxonomy = CauseTaxonomy.model_validate_json(
        (REPO_ROOT / "content/causes/causes.json").read_bytes(), context={"icd10_exists": icd10.exists}
    )
    return taxonomy, lambda locale, slug: article if slug == article.slug else None


def scaled(taxonomy: CauseTaxonomy, factor: int) -> CauseTaxonomy:
    """The taxonomy `factor` times over, each copy with its own ids and extra synonyms."""
    causes = []
    for copy in range(factor):
        for number, cause in enumerate(taxonomy.causes):
            extra = [f"istilah{copy}x{number}", f"sinonim{number}k{copy}"]
            causes.append(
                cause.model_copy(
                    update={
                        "id": f"{cause.id}-{copy}",
                        "synonyms": LocalizedTerms({**cause.synonyms.root, "id": [*cause.synonyms.in_("id"), *extra]}),
                    }
                )
            )
    return taxonomy.model_copy(update={"causes": causes})


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.99) - 1)]


def _measure(taxonomy: CauseTaxonomy, articles: ArticleLookup, folder: Path) -> dict[str, float]:
    started = time.perf_counter()
    analysis = prepare(taxonomy, articles)  # what the ingest function does once per publish
    prepared = time.perf_counter()
    published = PublishedCauses(taxonomy, analysis, "bench", dt.datetime.now(dt.UTC))
    path = folder / f"causes-{len(taxonomy.causes)}.sqlite"
    built = CauseDatabase.create(published, path)  # what the indexer does once per publish
    indexed = time.perf_counter()
    packed = len(gzip.compress(path.read_bytes(), compresslevel=6))
    gc.collect()
    tracemalloc.start()
    opened = time.perf_counter()
    index = CauseIndex(CauseDatabase.open(path))  # what a container does once per taxonomy version
    index.search(QUERIES[0], 0, 20)
    first = time.perf_counter()
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    cold = []  # each query's words seen for the first time by this container (a fresh index per round)
    for _ in range(5):
        fresh = CauseIndex(CauseDatabase.open(path))
        for query in QUERIES:
            start = time.perf_counter_ns()
            fresh.search(query, 0, 20)
            cold.append((time.perf_counter_ns() - start) / 1000)
    warm = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            start = time.perf_counter_ns()
            index.search(query, 0, 20)
            warm.append((time.perf_counter_ns() - start) / 1000)
    built.close()
    warm_p50, warm_p99 = _percentiles(warm)
    cold_p50, cold_p99 = _percentiles(cold)
    return {
        "records": len(taxonomy.causes),
        "publish_s": prepared - started,
        "build_s": indexed - prepared,
        "file_mb": packed / 1e6,
        "first_ms": (first - opened) * 1000,
        "memory_mb": memory / 1_000_000,
        "p50_us": warm_p50,
        "p99_us": warm_p99,
        "cold_p50_us": cold_p50,
        "cold_p99_us": cold_p99,
    }


def main() -> None:
    taxonomy, articles = load()
    print(f"Cause lookup, {len(QUERIES)} queries, in-process, top 20 per query.")
    print("first: open the index file and answer the first query; memory: what that holds.")
    print(f"warm: {ROUNDS} rounds with the container's per-word cache; cold: the words seen for the first time.")
    header = ["taxonomy", "records", "publish", "build", "file", "first", "memory"]
    header += ["warm p50", "warm p99", "cold p50", "cold p99"]
    print(" ".join(f"{name:>10}" for name in header))
    with tempfile.TemporaryDirectory() as folder:
        for label, factor in (("real", 1), ("100x", 100)):
            f = _measure(scaled(taxonomy, factor) if factor > 1 else taxonomy, articles, Path(folder))
            sizes = f"{f['records']:>10.0f} {f['publish_s']:>9.2f}s {f['build_s']:>9.2f}s {f['file_mb']:>8.2f}MB"
            opening = f"{f['first_ms']:>8.1f}ms {f['memory_mb']:>8.1f}MB"
            latency = (
                f"{f['p50_us']:>8.1f}us {f['p99_us']:>8.1f}us {f['cold_p50_us']:>8.1f}us {f['cold_p99_us']:>8.1f}us"
            )
            print(f"{label:>10} {sizes} {opening} {latency}")


if __name__ == "__main__":
    main()
