"""An editor's preview in Chromium, on the local stack as `make serve` runs it: a draft published with
`content-api publish --draft`, opened with the token `content-api preview-token` printed, shows a draft banner
and what changed against the published version, and the page stays accessible (WCAG 2.1 AA)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from infra import publish
from tests.browser.conftest import OUTPUT
from tests.conftest import SEED_ARTICLE_PATH
from tests.local_stack_process import LocalStackProcess

pytestmark = [pytest.mark.enable_socket, pytest.mark.browser, pytest.mark.xdist_group("browser")]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ADDED = "Latihan peregangan malam hari membantu."


def _content_api(api: LocalStackProcess, *arguments: str) -> str:
    """The operator CLI against the running local stack; its standard output."""
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    target = ("--bucket", "health-content-local", "--endpoint-url", api.moto_endpoint)
    command = [sys.executable, "-m", "infra.cli", *arguments, *target]
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def token(api: LocalStackProcess, tmp_path_factory: pytest.TempPathFactory) -> str:
    content: Path = tmp_path_factory.mktemp("draft")
    shutil.copytree(publish.CONTENT_DIR / "articles", content / "articles")
    seed = json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))
    prevention = next(section for section in seed["sections"] if section["id"] == "pencegahan")
    prevention["blocks"][0]["text"] += " " + ADDED
    (content / "articles" / "id" / "kram-otot-betis.json").write_text(json.dumps(seed), encoding="utf-8")
    _content_api(api, "publish", "--draft", "--content", str(content), "--timeout", "30")
    return _content_api(api, "preview-token", "--slug", "kram-otot-betis").strip().splitlines()[-1]


def test_the_preview_page_shows_the_draft_banner_and_what_changed(
    api: LocalStackProcess, token: str, page: Page
) -> None:
    page.goto(f"{api.base_url}/v1/articles/kram-otot-betis?format=html&preview={token}")
    banner = page.locator(".kse-draft-banner")
    assert banner.is_visible() and "DRAF" in banner.inner_text()
    added = page.locator('.kse-change[data-kse-section="pencegahan"] ins')
    assert added.is_visible() and added.inner_text().strip() == ADDED
    # Marked as added by more than its colour: underlined, on a background that differs from the page's.
    style = added.evaluate("e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).backgroundColor]")
    assert style[0] == "underline" and style[1] != "rgba(0, 0, 0, 0)"
    assert ADDED in page.locator("#kse-pencegahan").inner_text()  # the draft's text, below the changes
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "preview-draft.png"), full_page=True)
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert violations == [], [violation["id"] for violation in violations]


def test_without_the_token_the_page_is_the_published_article(api: LocalStackProcess, token: str, page: Page) -> None:
    page.goto(f"{api.base_url}/v1/articles/kram-otot-betis?format=html")
    assert page.locator(".kse-draft-banner").count() == 0
    assert ADDED not in page.locator("body").inner_text()
