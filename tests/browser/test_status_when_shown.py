"""What a partner's page shows after the article changed: the frame pages and the embed script ask for the
article's status when shown, past any copy kept, in Chromium on a partner page of another origin.

The article `artikel-ditarik` was published, embedded (its oEmbed snippet and its frame page kept, as a
partner's CMS and a browser keep them), then withdrawn with a reason (tests/browser/conftest.py)."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import FrameLocator, Page, Route

from tests.browser.conftest import (
    BEFORE_RETRACTION,
    OUTPUT,
    RETRACTION_REASON,
    WITHDRAWN_SECTION,
    PartnerSite,
    fetch_json,
    retracted_on,
)
from tests.local_stack_process import LocalStackProcess

# One worker runs every browser test: the local stack process and Chromium start once (tests/browser/conftest.py).
pytestmark = [pytest.mark.enable_socket, pytest.mark.browser, pytest.mark.xdist_group("browser")]
SECTION_FRAME = "/v1/frame/kram-otot-betis/penyebab"


def _page(partner_site: PartnerSite, body: str) -> str:
    head = "<meta charset='utf-8'><title>Mitra</title>"
    html = f"<!doctype html><html lang='id'><head>{head}</head><body>{body}</body></html>"
    return partner_site({"index.html": html}) + "/index.html"


def _says_withdrawn(text: str, day: str) -> bool:
    flat = " ".join(text.split())
    return "telah ditarik oleh redaksi" in flat and f"Alasan: {RETRACTION_REASON}" in flat and day in flat


def test_an_oembed_snippet_of_a_withdrawn_article_shows_the_notice_not_the_text(
    page: Page, api: LocalStackProcess, partner_site: PartnerSite
) -> None:
    snippet = BEFORE_RETRACTION["oembed"]
    excerpt = re.search(r"<p>(?!<)([^<]{40,})", snippet)
    assert excerpt, "the snippet quotes the section's text"
    page.goto(_page(partner_site, f"<h1>Artikel mitra</h1><div class='embed'>{snippet}</div>"))
    day = retracted_on(api)
    frame = page.frame_locator("iframe")
    notice = frame.locator(".kse-retraction-reason")
    notice.wait_for(timeout=20_000)
    assert _says_withdrawn(frame.locator("main").inner_text(), day)
    assert frame.locator("time").get_attribute("datetime") == day
    # The frame is sized to the notice, and the copy of the text on the partner's page is gone: hidden once the
    # frame reported its height, and replaced by the notice in any case.
    page.wait_for_function(
        "() => { const q = document.querySelector('blockquote[data-kse-fallback]');"
        " return q.hidden && q.dataset.kseStatus === 'retracted'; }",
        timeout=20_000,
    )
    quote = page.locator("blockquote[data-kse-fallback]")
    assert _says_withdrawn(quote.text_content() or "", day)
    assert excerpt[1].strip()[:40] not in page.inner_text("body")
    iframe = page.locator("iframe")
    height = frame.locator("body").evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
    assert abs(iframe.evaluate("f => f.clientHeight") - height) <= 3
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "partner-page-withdrawn-oembed.png"), full_page=True)


def test_a_frame_page_kept_from_before_the_retraction_replaces_itself_with_the_notice(
    page: Page, api: LocalStackProcess, partner_site: PartnerSite
) -> None:
    kept = BEFORE_RETRACTION["frame"]
    assert "kse-section" in kept  # the content, as it was served while published

    def from_the_browsers_cache(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=kept)

    page.route(f"**{WITHDRAWN_SECTION}", from_the_browsers_cache)
    page.goto(
        _page(partner_site, f"<iframe src='{api.base_url}{WITHDRAWN_SECTION}' width='600' height='500'></iframe>")
    )
    frame: FrameLocator = page.frame_locator("iframe")
    frame.locator(".kse-retracted").wait_for(timeout=20_000)
    assert _says_withdrawn(frame.locator("body").inner_text(), retracted_on(api))
    assert frame.locator(".kse-section").count() == 0


def test_a_frame_page_of_an_older_version_shows_the_current_one_with_its_corrections(
    page: Page, api: LocalStackProcess, partner_site: PartnerSite
) -> None:
    current = fetch_json(f"{api.base_url}/v1/embed/kram-otot-betis/penyebab?format=json")
    with urllib.request.urlopen(api.base_url + SECTION_FRAME, timeout=10) as response:
        served = response.read().decode()
    # The page as a browser kept it before the last correction: another version, without the corrections list.
    older = re.sub(r'data-kse-version="[0-9a-f]+"', 'data-kse-version="0ld"', served)
    older = re.sub(r"<details class=\"kse-corrections\">.*?</details>", "", older, flags=re.S)
    assert older != served and "kse-correction" not in older

    def from_the_browsers_cache(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=older)

    page.route(f"**{SECTION_FRAME}", from_the_browsers_cache)
    page.goto(_page(partner_site, f"<iframe src='{api.base_url}{SECTION_FRAME}' width='600'></iframe>"))
    frame = page.frame_locator("iframe")
    shown = frame.locator(f".kse-embed[data-kse-version='{current['version']}']")
    shown.wait_for(timeout=20_000)
    assert frame.locator(".kse-correction").count() == len(current["corrections"]) > 0
    assert frame.locator(".kse-heading").first.inner_text() == "Penyebab kejang"
    assert "tidak menggantikan" in frame.locator(".kse-disclaimer").inner_text()  # the envelope stays
