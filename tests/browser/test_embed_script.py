"""The embed script in a real browser: a partner page on one loopback origin, the API on another.

Runs Debian's Chromium (installed by `make test`) through Playwright; never a downloaded browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT, RETRACTION_REASON, PartnerSite, fetch_json, retracted_on
from tests.hostile_content import HOSTILE
from tests.local_stack_process import LocalStackProcess

# One worker runs every browser test: the local stack process and Chromium start once (tests/browser/conftest.py).
pytestmark = [pytest.mark.enable_socket, pytest.mark.browser, pytest.mark.xdist_group("browser")]

PARTNER_PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>Klinik Sehat Sentosa</title>
<style>
  body {{ font-family: Georgia, serif; margin: 24px; background: #f4f1ea; }}
  h2 {{ color: rgb(255, 0, 0); font-size: 48px; }}   /* the partner's own styles must not reach the embed */
  .kse-heading {{ color: rgb(0, 128, 0); }}
</style>
</head>
<body>
<h1>Klinik Sehat Sentosa: kram dan kejang</h1>
<p>Artikel berikut kami tampilkan dari Konten Sehat API.</p>
<div id="causes" data-kram-embed="kram-otot-betis#penyebab"></div>
<div id="hostile" data-kram-embed="artikel-uji#uji"></div>
<div id="broken" data-kram-embed="../../etc#passwd"></div>
<div id="withdrawn" data-kse-embed="artikel-ditarik#penyebab"></div>
<script>
  window.executed = [];
  window.alert = function (message) {{ window.executed.push(String(message)); }};
</script>
<script src="{api}/v1/embed.js" async></script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def partner(api: LocalStackProcess, partner_site: PartnerSite) -> str:
    """A partner's site on its own loopback origin, with the script embed and an oEmbed iframe."""
    url = f"{api.base_url}/v1/articles/kram-otot-betis/sections/pencegahan"
    oembed = fetch_json(f"{api.base_url}/v1/oembed?url={url}")
    pages = {
        "index.html": PARTNER_PAGE.format(api=api.base_url),
        # A consumer of oEmbed puts the returned html on its own page.
        "oembed.html": f"<!doctype html><title>oEmbed</title><body>{oembed['html']}</body>",
    }
    return partner_site(pages) + "/index.html"


def _shadow(page: Page, host: str, script: str) -> Any:
    return page.evaluate(f"(() => {{ const root = document.querySelector({host!r}).shadowRoot; {script} }})()")


def test_a_section_renders_with_attribution_and_disclaimer(page: Page, partner: str) -> None:
    page.goto(partner)
    heading = page.locator("#causes").locator(".kse-heading")  # chained: searches inside that host's open shadow root
    heading.wait_for(timeout=15_000)
    assert heading.inner_text() == "Penyebab kejang"
    assert page.locator("#causes").locator(".kse-item").count() == 15
    assert page.locator("#causes").locator(".kse-item").first.inner_text().startswith("Hipoksia")
    assert "tidak menggantikan pemeriksaan" in page.locator("#causes").locator(".kse-disclaimer").inner_text()
    attribution = page.locator("#causes").locator(".kse-attribution")
    assert "Sumber:" in attribution.inner_text() and "Konten Sehat API" in attribution.inner_text()
    canonical = page.locator("#causes").locator(".kse-canonical")
    assert canonical.get_attribute("href").endswith("/v1/articles/kram-otot-betis.html")  # the page to read
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "partner-page.png"), full_page=True)


def test_the_partners_css_does_not_reach_the_embed(page: Page, partner: str) -> None:
    page.goto(partner)
    page.locator("#causes").locator(".kse-heading").wait_for(timeout=15_000)
    color = _shadow(page, "#causes", "return getComputedStyle(root.querySelector('.kse-heading')).color;")
    size = _shadow(page, "#causes", "return getComputedStyle(root.querySelector('.kse-heading')).fontSize;")
    assert color not in {"rgb(255, 0, 0)", "rgb(0, 128, 0)"} and size != "48px"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith("Georgia")


def test_hostile_content_is_shown_as_text_and_never_runs(page: Page, partner: str) -> None:
    page.goto(partner)
    page.locator("#hostile").locator(".kse-heading").wait_for(timeout=15_000)
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert page.evaluate("window.executed") == []
    assert page.dialogs == []  # type: ignore[attr-defined]
    active = _shadow(
        page, "#hostile", "return root.querySelectorAll('script, img, iframe, [onerror], [onmouseover]').length;"
    )
    assert active == 0
    text = _shadow(page, "#hostile", "return root.querySelector('.kse-embed').textContent;")
    for hostile in HOSTILE.values():
        assert hostile in text
    links = _shadow(page, "#hostile", "return [...root.querySelectorAll('a')].map(a => a.getAttribute('href'));")
    assert all(href and href.startswith("http://127.0.0.1:") for href in links)


def test_a_readable_fallback_when_the_api_cannot_be_reached(page: Page, partner: str) -> None:
    page.route("**/v1/embed/**", lambda route: route.abort("connectionrefused"))
    page.goto(partner)
    fallback = page.locator("#causes").locator(".kse-fallback")
    fallback.wait_for(timeout=15_000)
    assert "tidak dapat dimuat" in fallback.inner_text()
    link = page.locator("#causes").locator(".kse-fallback a").get_attribute("href")
    assert link.endswith("/v1/articles/kram-otot-betis.html")
    page.screenshot(path=str(OUTPUT / "partner-page-fallback.png"), full_page=True)


def test_a_retracted_article_says_it_was_withdrawn_when_and_why(
    page: Page, partner: str, api: LocalStackProcess
) -> None:
    page.goto(partner)
    notice = page.locator("#withdrawn").locator(".kse-fallback")
    notice.wait_for(timeout=15_000)
    day = retracted_on(api)
    assert " ".join(notice.inner_text().split()) == (
        f"Artikel ini telah ditarik oleh redaksi. Ditarik pada {day}. Alasan: {RETRACTION_REASON}"
    )
    assert page.locator("#withdrawn").locator("time").get_attribute("datetime") == day
    assert page.locator("#withdrawn").locator(".kse-paragraph").count() == 0


def test_a_section_shows_the_corrections_made_in_it(page: Page, partner: str, api: LocalStackProcess) -> None:
    expected = fetch_json(f"{api.base_url}/v1/embed/kram-otot-betis/penyebab?format=json")["corrections"]
    assert expected  # the seed article records corrections to this section's text
    page.goto(partner)
    corrections = page.locator("#causes").locator(".kse-correction")
    corrections.first.wait_for(state="attached", timeout=15_000)
    assert corrections.count() == len(expected)
    summary = page.locator("#causes").locator(".kse-corrections summary").inner_text()
    assert summary == f"Koreksi redaksi ({len(expected)})"
    texts = corrections.all_text_contents()
    for correction, text in zip(expected, texts, strict=True):
        assert correction["corrected"] in text and correction["reason"] in text


def test_a_malformed_placeholder_gets_the_fallback_without_a_request(page: Page, partner: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(partner)
    page.locator("#broken").locator(".kse-fallback").wait_for(timeout=15_000)
    assert not any("etc" in url for url in requested)


def test_the_oembed_iframe_renders_the_frame_page(page: Page, partner: str) -> None:
    page.goto(partner.replace("index.html", "oembed.html"))
    frame = page.frame_locator("iframe")
    assert frame.locator(".kse-heading").inner_text(timeout=15_000) == "Pencegahan kejang"
    assert "tidak menggantikan" in frame.locator(".kse-disclaimer").inner_text()


def test_screenshot_exists_for_people_to_look_at() -> None:
    shot = OUTPUT / "partner-page.png"
    assert shot.exists() and shot.stat().st_size > 10_000
    assert Path(shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
