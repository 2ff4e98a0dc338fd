"""Run `make serve`'s runner as a separate process, as a user or a partner meets it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from infra.template import REPO_ROOT

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalStackProcess:
    base_url: str
    moto_endpoint: str
    process: subprocess.Popen[str]


@contextmanager
def running_local_stack(extra_environment: dict[str, str] | None = None) -> Iterator[LocalStackProcess]:
    """``make serve`` in a process of its own, with ``extra_environment`` (``WEBHOOK_URL``, ...) set."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "WEBHOOK_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.serve"],
        cwd=REPO_ROOT,
        env={**environment, **(extra_environment or {}), "PORT": str(port), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    moto_endpoint = ""
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local stack did not start within {STARTUP_SECONDS} s")
            line = process.stdout.readline() if process.stdout else ""
            if not line and process.poll() is not None:
                raise RuntimeError(f"the local stack exited early with {process.returncode}")
            if found := re.search(r"--endpoint-url (\S+)", line):
                moto_endpoint = found[1]
            if "Press Ctrl-C to stop." in line:
                break
        yield LocalStackProcess(f"http://127.0.0.1:{port}", moto_endpoint, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
