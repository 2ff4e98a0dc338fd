"""Publishing a catalogue through the local stack's ingest, measured (issue 19, section 2).

    python -m infra.benchmarks.local_publish --content DIR [--batch 100] [--limit N]

Starts moto in this process, creates the local stack from template.yaml, uploads the documents of DIR (a
catalogue from ``infra.benchmarks.catalogue``) a batch at a time and, after each batch, hands the queued S3
events to the real ingest handler with ``LocalStack.deliver_events``, as ``make serve``'s pump does. It prints,
per batch and at the end, the verdicts, the ingest time per document and the process's resident memory
(VmRSS, and its peak VmHWM): the same harness before and after a change to the local stack or to ingest.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def memory_mb() -> tuple[float, float]:
    """This process's resident memory and its peak since it started, in MB (Linux's /proc)."""
    found = {}
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, required=True, help="A catalogue laid out like content/.")
    parser.add_argument("--batch", type=int, default=100, help="Uploads between two deliveries of events.")
    parser.add_argument("--limit", type=int, default=None, help="Publish only the first N articles.")
    options = parser.parse_args(arguments)

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # before Powertools' logger is built, on import
    from infra.local.serve import LOCAL_ENVIRONMENT

    os.environ.update(LOCAL_ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)

    import boto3
    from moto import mock_aws

    from infra import publish
    from infra.local.stack import LocalStack
    from ingest import handler as ingest_handler

    documents = publish.collect(options.content)
    if options.limit is not None:
        articles = [d for d in documents if d.key.startswith("articles/")][: options.limit]
        documents = articles + [d for d in documents if not d.key.startswith("articles/")]
    invalid = [reason for document in documents for reason in document.reasons]
    if invalid:
        print(f"the catalogue does not validate: {invalid[:5]}", file=sys.stderr)
        return 1
    rss, _ = memory_mb()
    print(f"{len(documents):,} documents from {options.content}; {rss:.0f} MB resident before the stack", flush=True)

    with mock_aws():
        name = LOCAL_ENVIRONMENT["CONTENT_TABLE_NAME"]
        stack = LocalStack.create(name, name, subscriber=False)  # as `make serve` makes it
        s3 = boto3.client("s3")
        verdicts: Counter[str] = Counter()
        done, uploading, ingesting = 0, 0.0, 0.0
        for phase in publish.phases(documents):
            for start in range(0, len(phase), options.batch):
                batch = phase[start : start + options.batch]
                began = time.perf_counter()
                uploads = publish.upload(s3, stack.bucket, batch)
                uploaded = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():  # the function's logs
                    warnings.filterwarnings("ignore", "No application metrics to publish")
                    invocations = stack.deliver_events(ingest_handler.lambda_handler)
                delivered = time.perf_counter()
                uploading += uploaded - began
                ingesting += delivered - uploaded
                verdicts.update(r["status"] for invocation in invocations for r in invocation["results"])
                done += len(batch)
                rss, peak = memory_mb()
                print(
                    f"  {done:>6,}/{len(documents):,}  ingest {1000 * (delivered - uploaded) / len(batch):5.0f} ms/doc"
                    f"  RSS {rss:6.0f} MB (peak {peak:6.0f})  {dict(verdicts)}",
                    flush=True,
                )
                del uploads
    rss, peak = memory_mb()
    print(
        f"published {done:,} documents: ingest {ingesting:.1f} s ({1000 * ingesting / done:.0f} ms/doc), "
        f"uploads {uploading:.1f} s ({1000 * uploading / done:.0f} ms/doc); RSS {rss:.0f} MB, peak {peak:.0f} MB; "
        f"verdicts {dict(verdicts)}",
        flush=True,
    )
    return 0 if set(verdicts) <= {"published", "unchanged"} else 1


if __name__ == "__main__":
    sys.exit(main())
