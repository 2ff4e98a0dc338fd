"""`make serve`'s runner, as a user meets it: a process serving HTTP on loopback, stopped with Ctrl-C."""

from __future__ import annotations

import html
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.template import REPO_ROOT
from tests.local_stack_process import LocalStackProcess, running_local_stack

# One worker runs the module, so that the local stack process starts once.
pytestmark = [pytest.mark.enable_socket, pytest.mark.xdist_group("local-server")]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with running_local_stack() as stack:
        yield stack


@pytest.fixture(scope="module")
def server(stack: LocalStackProcess) -> tuple[str, subprocess.Popen[str]]:
    return stack.base_url, stack.process


def test_the_commands_it_prints_work_without_aws_credentials(stack: LocalStackProcess) -> None:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    command = [sys.executable, "-m", "infra.cli", "status", "--bucket", "health-content-local"]
    status = subprocess.run(
        [*command, "--endpoint-url", stack.moto_endpoint],
        cwd=REPO_ROOT,
        env={**environment, "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert "2 of 2 document(s)" in status.stdout


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


def test_the_demo_partner_page(server) -> None:
    base, _ = server
    status, headers, body = _get(f"{base}/demo")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<script src="{base}/v1/embed.js" async></script>' in page
    assert f'src="{base}/v1/frame/kram-otot-betis/penyebab"' in page
    assert '"type": "rich"' in html.unescape(page)  # the oEmbed JSON, shown as escaped text


def test_an_edit_published_while_it_runs_is_served_and_found_by_search(
    stack: LocalStackProcess, tmp_path: Path
) -> None:
    content = shutil.copytree(REPO_ROOT / "content", tmp_path / "content")
    article_path = content / "articles" / "id" / "kram-otot-betis.json"
    article = json.loads(article_path.read_text(encoding="utf-8"))
    article["sections"][0]["blocks"].append({"type": "paragraph", "text": "Kata uji zafirolitik hanya ada di sini."})
    article_path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    command = [sys.executable, "-m", "infra.cli", "publish", "--content", str(content)]
    published = subprocess.run(
        [*command, "--bucket", "health-content-local", "--endpoint-url", stack.moto_endpoint],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert published.returncode == 0, published.stdout + published.stderr
    _, _, body = _get(f"{stack.base_url}/v1/articles/kram-otot-betis")
    assert "zafirolitik" in body.decode()
    deadline = time.monotonic() + 60  # the indexer runs in its own thread once the queue is delivered
    while True:
        _, _, body = _get(f"{stack.base_url}/v1/search?q=zafirolitik")
        if json.loads(body).get("items") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert json.loads(body)["items"][0]["article"]["slug"] == "kram-otot-betis"


def test_ctrl_c_stops_the_server_cleanly(server) -> None:
    _, process = server
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Stopped." in output
    assert "Traceback" not in output
