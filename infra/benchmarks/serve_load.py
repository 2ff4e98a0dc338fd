"""`make serve`'s memory under a mixed load and then idle (issue 20): `make bench-serve-load`.

    python -m infra.benchmarks.serve_load [--clients 16] [--seconds 300] [--idle 60]

Starts the local stack as `make serve` does (its own process, content/ published), then ``--clients`` threads
send a mix of requests for ``--seconds``: articles, sections, lists, cause lookups and searches with new words
(half of them never asked before), embeds and conditional requests. The server's resident memory is sampled
every ten seconds, then for ``--idle`` seconds with no request at all. Prints the samples, the requests answered
per second and their statuses. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from infra.template import REPO_ROOT

SAMPLE_EVERY = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _resident_mb(pid: int) -> float:
    """The server process's resident memory (moto runs in it, as threads)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9)))


def _path(rng: random.Random, base: str) -> str:
    article = "/v1/articles/kram-otot-betis"
    choices = [
        article,
        f"{article}/sections",
        f"{article}/sections/penyebab",
        "/v1/articles?limit=5",
        "/v1/causes?q=kekurangan+kalsium",
        f"/v1/causes?q={_word(rng)}",
        "/v1/search?q=kram+betis",
        f"/v1/search?q=kram+{_word(rng)}",
        "/v1/embed/kram-otot-betis/penyebab",
        f"/v1/oembed?url={urllib.parse.quote(base + article, safe='')}",
        "/v1/changes",
    ]
    return rng.choice(choices)


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--idle", type=float, default=60.0)
    options = parser.parse_args(arguments)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.local.serve"],
        cwd=REPO_ROOT,
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"{base}/v1/health", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() - started > 300:
                    print("make serve did not start", file=sys.stderr)
                    return 1
                time.sleep(1)
        print(f"make serve ready in {time.monotonic() - started:.0f} s, {_resident_mb(server.pid):.0f} MB resident")
        statuses: Counter[int] = Counter()
        stop = threading.Event()
        lock = threading.Lock()

        def client(number: int) -> None:
            rng = random.Random(number)
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(base + _path(rng, base), timeout=30) as answer:
                        answer.read()
                        status = answer.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    status = 0
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(options.clients)]
        for thread in threads:
            thread.start()
        load_started = time.monotonic()
        print(f"{'seconds':>8} {'resident MB':>12} {'requests':>9}")
        while (elapsed := time.monotonic() - load_started) < options.seconds:
            time.sleep(SAMPLE_EVERY)
            print(f"{elapsed + SAMPLE_EVERY:8.0f} {_resident_mb(server.pid):12.0f} {sum(statuses.values()):9d}")
        stop.set()
        for thread in threads:
            thread.join()
        answered = sum(statuses.values())
        print(
            f"{answered} requests, {answered / options.seconds:.0f} a second; statuses {dict(sorted(statuses.items()))}"
        )
        print("idle:")
        idle_started = time.monotonic()
        while (elapsed := time.monotonic() - idle_started) < options.idle:
            time.sleep(SAMPLE_EVERY)
            print(f"{elapsed + SAMPLE_EVERY:8.0f} {_resident_mb(server.pid):12.0f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
