"""Publishing a catalogue through the local stack's ingest, measured (issue 19, section 2).

    python -m infra.benchmarks.local_publish --content DIR [--batch 100] [--limit N]
    python -m infra.benchmarks.local_publish --content DIR --serve

By default it starts moto in this process, creates the local stack from template.yaml, uploads the documents of
DIR (a catalogue from ``infra.benchmarks.catalogue``) a batch at a time and, after each batch, hands the queued
S3 events to the real ingest handler with ``LocalStack.deliver_events``, as ``make serve``'s pump does. It
prints, per batch and at the end, the verdicts, the ingest time per document (elapsed, and this process's CPU
time, which other work on the machine disturbs less) and the process's resident memory (VmRSS, and its peak
VmHWM): the same harness before and after a change to the local stack or to ingest.

With ``--serve`` it measures what a user does instead: it starts ``make serve``'s process
(``infra.local.serve``), runs ``content-api publish --content DIR`` against it (validation, concurrent uploads,
the wait for every verdict), then reads a few pages from the API, and prints the command's time, the server's
resident memory (and peak) and the time of each page. The load average of the machine is printed with each
figure, as other work shares it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from infra.template import REPO_ROOT

# Pages read from `make serve` once the catalogue is published: a list, an article of the catalogue, a search.
_PAGES = ("/v1/articles?limit=100", "/v1/articles/{slug}", "/v1/search?q=kram+betis", "/v1/changes?limit=100")
_SERVER_READY_SECONDS = 120


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """A process's resident memory and its peak since it started, in MB (Linux's /proc)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, required=True, help="A catalogue laid out like content/.")
    parser.add_argument("--batch", type=int, default=100, help="Uploads between two deliveries of events.")
    parser.add_argument("--limit", type=int, default=None, help="Publish only the first N articles.")
    parser.add_argument("--serve", action="store_true", help="Publish with content-api to `make serve`'s process.")
    options = parser.parse_args(arguments)
    if options.serve:
        return through_serve(options.content)
    return in_process(options.content, options.batch, options.limit)


def in_process(content: Path, batch_size: int, limit: int | None) -> int:
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # before Powertools' logger is built, on import
    from infra.local.serve import LOCAL_ENVIRONMENT

    os.environ.update(LOCAL_ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)

    import boto3
    from moto import mock_aws

    from infra import publish
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    documents = publish.collect(content)
    if limit is not None:
        articles = [d for d in documents if d.key.startswith("articles/")][:limit]
        documents = articles + [d for d in documents if not d.key.startswith("articles/")]
    invalid = [reason for document in documents for reason in document.reasons]
    if invalid:
        print(f"the catalogue does not validate: {invalid[:5]}", file=sys.stderr)
        return 1
    rss, _ = memory_mb()
    print(f"{len(documents):,} documents from {content}; {rss:.0f} MB resident before the stack; {load()}", flush=True)

    with mock_aws():
        name = LOCAL_ENVIRONMENT["CONTENT_TABLE_NAME"]
        stack = LocalStack.create(name, name, subscriber=False)  # as `make serve` makes it
        s3 = boto3.client("s3")
        verdicts: Counter[str] = Counter()
        done, uploading, ingesting, ingesting_cpu = 0, 0.0, 0.0, 0.0
        for phase in publish.phases(documents):
            for start in range(0, len(phase), batch_size):
                batch = phase[start : start + batch_size]
                began = time.perf_counter()
                uploads = publish.upload(s3, stack.bucket, batch)
                uploaded, uploaded_cpu = time.perf_counter(), time.process_time()
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():  # the function's logs
                    warnings.filterwarnings("ignore", "No application metrics to publish")
                    invocations = stack.deliver_events(ingest_handler.lambda_handler)
                delivered, cpu = time.perf_counter(), time.process_time() - uploaded_cpu
                uploading += uploaded - began
                ingesting += delivered - uploaded
                ingesting_cpu += cpu
                verdicts.update(r["status"] for invocation in invocations for r in invocation["results"])
                done += len(batch)
                rss, peak = memory_mb()
                print(
                    f"  {done:>6,}/{len(documents):,}  ingest {1000 * (delivered - uploaded) / len(batch):5.0f} ms/doc"
                    f" (CPU {1000 * cpu / len(batch):4.0f})  RSS {rss:6.0f} MB (peak {peak:6.0f})  {load()}"
                    f"  {dict(verdicts)}",
                    flush=True,
                )
                del uploads
    rss, peak = memory_mb()
    print(
        f"published {done:,} documents: ingest {ingesting:.1f} s ({1000 * ingesting / done:.0f} ms/doc, "
        f"CPU {1000 * ingesting_cpu / done:.0f} ms/doc), "
        f"uploads {uploading:.1f} s ({1000 * uploading / done:.0f} ms/doc); RSS {rss:.0f} MB, peak {peak:.0f} MB; "
        f"{load()}; verdicts {dict(verdicts)}",
        flush=True,
    )
    return 0 if set(verdicts) <= {"published", "unchanged"} else 1


def through_serve(content: Path) -> int:
    """`make serve`, then `content-api publish --content` against it, as the README tells a user to."""
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="local-publish-serve-", suffix=".log")[1])
    environment = {**os.environ, "PORT": str(port)}
    with log.open("w") as output:
        serve = [sys.executable, "-u", "-m", "infra.local.serve"]
        server = subprocess.Popen(serve, cwd=REPO_ROOT, env=environment, stdout=output, stderr=output)
    try:
        endpoint = _endpoint(log, server)
        rss, peak = memory_mb(server.pid)
        print(f"make serve ready on port {port} (log {log}): RSS {rss:.0f} MB; {load()}", flush=True)
        began = time.perf_counter()
        command = [str(Path(sys.executable).parent / "content-api"), "publish", "--content", str(content)]
        command += ["--bucket", "health-content-local", "--endpoint-url", endpoint]
        publishing = subprocess.run(command, cwd=REPO_ROOT, check=False)
        seconds = time.perf_counter() - began
        rss, peak = memory_mb(server.pid)
        print(
            f"content-api publish exited {publishing.returncode} after {seconds:.0f} s; make serve's RSS {rss:.0f} MB "
            f"(peak {peak:.0f}); {load()}",
            flush=True,
        )
        slug = min(path.stem for path in (content / "articles" / "id").glob("*.json"))
        for page in _PAGES:
            path = page.format(slug=slug)
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300) as response:
                    status, size = response.status, len(response.read())
            except urllib.error.HTTPError as error:  # a 503 is a figure too: the store did not answer in time
                status, size = error.code, len(error.read())
            milliseconds = 1000 * (time.perf_counter() - began)
            print(f"  GET {path}: {status} in {milliseconds:.0f} ms, {size:,} bytes", flush=True)
        rss, peak = memory_mb(server.pid)
        print(f"make serve after those pages: RSS {rss:.0f} MB (peak {peak:.0f}); {load()}", flush=True)
        return publishing.returncode
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _endpoint(log: Path, server: subprocess.Popen[bytes]) -> str:
    """The moto endpoint `make serve` prints once it is ready."""
    deadline = time.monotonic() + _SERVER_READY_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if "Press Ctrl-C" in text and (found := re.search(r"--endpoint-url (\S+)", text)):
            return found.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.5)
    raise RuntimeError(f"make serve did not start; see {log}")


if __name__ == "__main__":
    sys.exit(main())
