"""The search index file at catalogue sizes: its size, the time a cold container takes to open it and answer
its first search, its memory, and warm search times (issue 19).

    python -m infra.benchmarks.search_index DIR [DIR ...]

Each DIR is a synthetic catalogue (``infra.benchmarks.catalogue``); the first is the reference the others are
compared with. The indexer's file is built once per catalogue; each measurement then runs in a fresh process,
as a cold container would: open the file (downloaded: here, copied), search, and report.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from health_content.articles.model import Article
from health_content.search.analysis import analyze
from health_content.search.database import SearchDatabase
from health_content.search.index import ArticleSearchIndex, SearchQuery

PUBLISHED_AT = "2026-11-24T00:00:00+00:00"
QUERIES = ["kram betis", "kejang demam", "kalsium", "otot paha malam", "dehidrasi", "kalsuim", "saraf terjepit"]


def build(catalogue: Path, out: Path) -> dict[str, float]:
    import datetime as dt

    started = time.perf_counter()
    database = SearchDatabase.create("id", out)
    analyses = [
        (analyze(Article.model_validate_json(path.read_bytes())), dt.datetime.fromisoformat(PUBLISHED_AT))
        for path in sorted((catalogue / "articles" / "id").glob("*.json"))
    ]
    database.update(analyses, (), 1)
    database.compact()  # left open: closing deletes the file
    packed = len(gzip.compress(out.read_bytes(), compresslevel=6))
    return {
        "articles": len(analyses),
        "build_s": time.perf_counter() - started,
        "file_mb": out.stat().st_size / 1e6,
        "gzip_mb": packed / 1e6,
    }


def cold(path: str) -> dict[str, float]:
    """In a fresh process: unpack and open the file, first search, then warm searches."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    packed = gzip.compress(Path(path).read_bytes(), compresslevel=1)  # stands in for the download
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "id.sqlite"
        local.write_bytes(gzip.decompress(packed))
        del packed
        opened = time.perf_counter()
        index = ArticleSearchIndex(SearchDatabase.open(local, "id"))
        index.search(SearchQuery.of(QUERIES[0]), 0, 20)
        first = time.perf_counter()
        samples = []
        for round_ in range(30):
            for q in QUERIES:
                start = time.perf_counter()
                index.search(SearchQuery.of(q), round_ % 3 * 20, 20)
                samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        return {
            "unpack_ms": (opened - started) * 1000,
            "first_search_ms": (first - opened) * 1000,
            "warm_p50_ms": statistics.median(samples),
            "warm_p99_ms": samples[int(len(samples) * 0.99) - 1],
            "memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before,
        }


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogues", nargs="+", type=Path)
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    options = parser.parse_args(arguments)
    if options.cold:
        print(json.dumps(cold(options.cold)))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for catalogue in options.catalogues:
            out = Path(folder) / f"{catalogue.name}.sqlite"
            row = build(catalogue, out)
            measured = subprocess.run(
                [sys.executable, "-m", "infra.benchmarks.search_index", str(catalogue), "--cold", str(out)],
                check=True,
                capture_output=True,
                text=True,
            )
            row |= json.loads(measured.stdout)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    reference = rows[0]
    columns = [
        "articles",
        "file_mb",
        "gzip_mb",
        "build_s",
        "unpack_ms",
        "first_search_ms",
        "warm_p50_ms",
        "warm_p99_ms",
        "memory_mb",
    ]
    print("| " + " | ".join(columns) + " | first search vs ref | p99 vs ref |")
    print("|" + " ---: |" * (len(columns) + 2))
    for row in rows:
        cells = [f"{row[c]:.0f}" if c == "articles" else f"{row[c]:.2f}" for c in columns]
        ratios = [row["first_search_ms"] / reference["first_search_ms"], row["warm_p99_ms"] / reference["warm_p99_ms"]]
        print("| " + " | ".join(cells) + " | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
