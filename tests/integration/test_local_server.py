"""`make serve`'s runner, as a user meets it: a process serving HTTP on loopback, stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from infra.template import REPO_ROOT

pytestmark = pytest.mark.enable_socket


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.serve"],
        cwd=REPO_ROOT,
        env={**environment, "PORT": str(port), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        if "Press Ctrl-C to stop." in line:
            break
        if process.poll() is not None:
            pytest.fail(f"the local server exited early with {process.returncode}")
    else:
        process.kill()
        pytest.fail("the local server did not start within 60 s")
    yield base, process
    if process.poll() is None:
        process.kill()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_seed_article_is_served_over_http(server) -> None:
    base, _ = server
    status, headers, body = _get(f"{base}/v1/articles/kram-otot-betis")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["slug"] == "kram-otot-betis"
    status, _, _ = _get(f"{base}/v1/articles/kram-otot-betis", {"If-None-Match": headers["ETag"]})
    assert status == 304


def test_errors_and_docs_over_http(server) -> None:
    base, _ = server
    status, headers, body = _get(f"{base}/v1/articles/tidak-ada")
    assert status == 404 and headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["type"] == "/problems/not-found"
    status, headers, body = _get(f"{base}/docs")
    assert status == 200 and b"swagger" in body.lower()
    status, _, body = _get(f"{base}/openapi.json")
    assert status == 200 and json.loads(body)["openapi"].startswith("3.1")


def test_ctrl_c_stops_the_server_cleanly(server) -> None:
    _, process = server
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Stopped." in output
    assert "Traceback" not in output
