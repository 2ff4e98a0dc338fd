"""A browser, the local stack as its own process, and partner sites on other loopback origins.

Debian's Chromium (installed by `make test`) through Playwright; never a downloaded browser.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from infra import publish
from infra.template import REPO_ROOT
from tests.conftest import SEED_ARTICLE_PATH
from tests.hostile_content import hostile_article
from tests.local_stack_process import LocalStackProcess, free_port, running_local_stack

OUTPUT = REPO_ROOT / "test-output"
RETRACTION_REASON = "Sumber asli ditarik penerbitnya"
WITHDRAWN_SECTION = "/v1/frame/artikel-ditarik/penyebab"
# What partners and browsers kept of the withdrawn article while it was published: its section's oEmbed snippet
# (which a partner's CMS stores) and its frame page (which a browser may keep for its max-age).
BEFORE_RETRACTION: dict[str, str] = {}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """The local stack, with the repository's content, an article full of hostile text and a retracted one."""
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(publish.CONTENT_DIR / "articles", content / "articles")
    shutil.copytree(publish.CONTENT_DIR / "causes", content / "causes")
    seed = json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))
    (content / "articles" / "id" / "artikel-uji.json").write_text(json.dumps(hostile_article(seed)), encoding="utf-8")
    withdrawn = {**seed, "slug": "artikel-ditarik"}
    (content / "articles" / "id" / "artikel-ditarik.json").write_text(json.dumps(withdrawn), encoding="utf-8")
    with running_local_stack() as stack:
        environment = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        target = ("--bucket", "health-content-local", "--endpoint-url", stack.moto_endpoint, "--timeout", "30")
        _content_api("publish", "--content", str(content), *target, environment=environment)
        section = f"{stack.base_url}/v1/articles/artikel-ditarik/sections/penyebab"
        BEFORE_RETRACTION["oembed"] = fetch_json(f"{stack.base_url}/v1/oembed?url={quote(section)}")["html"]
        with urllib.request.urlopen(stack.base_url + WITHDRAWN_SECTION, timeout=10) as response:
            BEFORE_RETRACTION["frame"] = response.read().decode()
        _content_api("unpublish", "artikel-ditarik", "--reason", RETRACTION_REASON, *target, environment=environment)
        yield stack


def _content_api(*arguments: str, environment: dict[str, str]) -> None:
    """Run the operator CLI as an operator would, against the local stack."""
    command = [sys.executable, "-m", "infra.cli", *arguments]
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def retracted_on(api: LocalStackProcess) -> str:
    """The day the API says the withdrawn test article was retracted (its 410 problem's ``retracted_at``)."""
    try:
        fetch_json(f"{api.base_url}/v1/embed/artikel-ditarik?format=json")
    except urllib.error.HTTPError as gone:
        assert gone.code == 410
        return str(json.loads(gone.read())["retracted_at"])[:10]
    raise AssertionError("the withdrawn article is still served")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


PartnerSite = Callable[[dict[str, str]], str]


@pytest.fixture(scope="session")
def partner_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSite]:
    """Serve partner pages (name -> HTML) from a loopback origin of their own; returns the site's base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(pages: dict[str, str]) -> str:
        root: Path = tmp_path_factory.mktemp("partner")
        for name, html in pages.items():
            (root / name).write_text(html, encoding="utf-8")
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it with apt-get"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()
