"""`make load`: send the cost model's traffic mix to `make serve` with Locust, then the same mix through a caching
proxy that follows the API's headers, and compare the proxy's hit ratio with the model's.

    python -m infra.load [--seconds 60] [--users 16] [--articles 200] [--output infra/cost/load_run.json]

Starts `make serve` on a free loopback port, publishes a synthetic catalogue to it (``make catalogue``), reads
the catalogue back over HTTP (slugs, sections, list pages), then runs Locust headless for half the seconds
against the API and half through the proxy, from an empty cache. Everything it starts is stopped at the end;
no address but loopback is ever used. Prints the figures and writes them to ``--output``, which `make cost`
puts in docs/cost.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from health_content.text import analysis as text
from infra.cost import model, report
from infra.cost.observed import Answer, Observed
from infra.cost.traffic import MIX, Catalogue
from infra.load.proxy import STATS_PATH, CachingProxy
from infra.template import REPO_ROOT

BUCKET = "health-content-local"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _serve() -> Iterator[tuple[str, str]]:
    """`make serve` in its own process group: (its base URL, its moto endpoint)."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WEBHOOK_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.serve"],
        cwd=REPO_ROOT,
        env={**environment, "PORT": str(port), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    endpoint = ""
    try:
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("make serve exited early")
            if found := re.search(r"--endpoint-url (\S+)", line):
                endpoint = found[1]
            if "Press Ctrl-C to stop." in line:
                break
        # Keep reading its access log, or its pipe fills and it blocks.
        threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
        yield f"http://127.0.0.1:{port}", endpoint
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _catalogue(base: str, seed: int = 23) -> Catalogue:
    """The published catalogue as the API lists it; articles in a random (seeded) order of popularity."""
    articles, pages, query = [], [], ""
    while True:
        pages.append(query)
        page = _get_json(f"{base}/v1/articles{'?' + query if query else ''}")
        articles += [item["slug"] for item in page["items"]]
        following = (page.get("links") or {}).get("next")
        if not following:
            break
        query = following.split("?", 1)[1]
    random.Random(seed).shuffle(articles)
    sectioned = []
    words: dict[str, None] = {}
    for slug in articles:
        sections = _get_json(f"{base}/v1/articles/{slug}/sections")
        sectioned.append((slug, [section["id"] for section in sections["sections"]]))
        # Words the search does not drop (a query of stop words only is a 400).
        for word in text.words(sections["article"]["title"]):
            if len(word) >= 4 and word.isalpha():
                words.setdefault(word)
    return Catalogue(sectioned, pages, list(words) or ["kram"], base)


def _locust(host: str, catalogue_file: Path, users: int, seconds: float, csv_prefix: Path) -> dict[str, Any]:
    """One headless Locust run; its aggregated figures."""
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
         "--spawn-rate", str(users), "--run-time", f"{int(seconds)}s", "--host", host, "--csv", str(csv_prefix),
         "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
        cwd=REPO_ROOT,
        env={**os.environ, "LOAD_CATALOGUE": str(catalogue_file)},
        check=False,  # Locust exits 1 when any request failed; the figures say how many
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds + 120,
    )  # fmt: skip
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as stats:
        [total] = [row for row in csv.DictReader(stats) if row["Name"] == "Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "throughput": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p99_ms": float(total["99%"]),
    }


def model_of_run(stats: dict[str, Any], articles: int, sections: float, seconds: float) -> dict[str, Any]:
    """The model's hit ratio for what went through the proxy: the same mix and catalogue size, the lifetimes
    the API sent, as many requests in as many seconds, from an empty cache."""
    answers = {
        kind.name: Answer("", 200, stats["kinds"].get(kind.name, {}).get("cache_control") or "", "", 0, 0)
        for kind in MIX
    }
    observed = Observed(answers, 0, round(sections), {})
    loads = model.edge_load(stats["requests"] / seconds, observed, articles, duration=seconds)
    kinds = {}
    for kind in MIX:
        measured = stats["kinds"].get(kind.name, {"requests": 0, "hits": 0})
        kinds[kind.name] = {
            "requests": measured["requests"],
            "measured": measured["hits"] / measured["requests"] if measured["requests"] else 0.0,
            "model": loads[kind.name].hit_ratio,
        }
    return {"model_hit_ratio": model.hit_ratio(loads), "kinds": kinds}


def run(seconds: float, users: int, articles: int) -> dict[str, Any]:
    phase = seconds / 2
    with tempfile.TemporaryDirectory(prefix="load-") as work:
        folder = Path(work)
        print(f"Generating a synthetic catalogue of {articles} articles ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "infra.benchmarks.catalogue", "--articles", str(articles), "--causes", "38",
             "--out", str(folder / "catalogue"), "--locales", "id"],
            cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        with _serve() as (base, endpoint):
            print(f"make serve at {base}; publishing ...", flush=True)
            published = subprocess.run(
                [sys.executable, "-m", "infra.cli", "publish", "--content", str(folder / "catalogue"),
                 "--bucket", BUCKET, "--endpoint-url", endpoint],
                cwd=REPO_ROOT, capture_output=True, text=True,
                env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            )  # fmt: skip
            if published.returncode != 0:
                raise RuntimeError(f"publishing the catalogue failed:\n{published.stdout}{published.stderr}")
            catalogue = _catalogue(base)
            catalogue_file = folder / "catalogue.json"
            catalogue_file.write_text(json.dumps(catalogue.__dict__), encoding="utf-8")
            print(f"{len(catalogue.articles)} articles published; {phase:.0f} s against the API ...", flush=True)
            direct = _locust(base, catalogue_file, users, phase, folder / "direct")

            logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per proxied request
            proxy = CachingProxy(base)
            port = _free_port()
            server = make_server("127.0.0.1", port, proxy, threaded=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                print(f"{phase:.0f} s through the caching proxy ...", flush=True)
                proxied = _locust(f"http://127.0.0.1:{port}", catalogue_file, users, phase, folder / "proxy")
                stats = _get_json(f"http://127.0.0.1:{port}{STATS_PATH}")
            finally:
                server.shutdown()
        sections = sum(len(s) for _, s in catalogue.articles) / len(catalogue.articles)
        compared = model_of_run(stats, len(catalogue.articles), sections, phase)
    proxied["hit_ratio"] = stats["hits"] / stats["requests"]
    return {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores",
        "articles": len(catalogue.articles),
        "users": users,
        "seconds_per_phase": phase,
        "proxy_cache": "hishel's RFC 9111 shared cache behind a werkzeug reverse proxy",
        "direct": direct,
        "proxy": proxied,
        **compared,
    }


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="Both phases together.")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--articles", type=int, default=200, help="Synthetic articles to publish first.")
    parser.add_argument("--output", type=Path, default=report.LOAD_RUN)
    options = parser.parse_args(arguments)
    result = run(options.seconds, options.users, options.articles)
    options.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    direct, proxied = result["direct"], result["proxy"]
    for name, figures in (("API", direct), ("through the proxy", proxied)):
        print(
            f"{name:>18}: {figures['requests']:,} requests, {figures['throughput']:,.0f}/s, "
            f"p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, {figures['failures']} errors"
        )
    print(f"hit ratio through the proxy: {proxied['hit_ratio']:.1%} measured, {result['model_hit_ratio']:.1%} model")
    print(f"wrote {options.output}; `make cost` puts it in docs/cost.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
