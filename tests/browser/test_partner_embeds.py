"""Partner embeds in Chromium, on pages of another origin: iframes that size themselves and keep the disclaimer
in view with or without script, an embed script for pages that change, themes that cannot hide the envelope,
and pages that axe-core finds accessible (WCAG 2.1 AA)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.conftest import OUTPUT, PartnerSite, fetch_json
from tests.conftest import SEED_ARTICLE_PATH
from tests.local_stack_process import LocalStackProcess

# One worker runs every browser test: the local stack process and Chromium start once (tests/browser/conftest.py).
pytestmark = [pytest.mark.enable_socket, pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTHS = [320, 390, 768, 1280]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SCRIPTS = re.compile(r"<script\b[^>]*>\s*</script>")


def _section_ids() -> list[str]:
    return [section["id"] for section in json.loads(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))["sections"]]


def _oembed_page(api: LocalStackProcess, width: int, *, with_script: bool) -> str:
    """A partner's article column `width` wide, with the whole article (twice: a frame must hide its own
    stand-in, not its twin's) and every section through oEmbed."""
    column = width - 32
    urls = [f"{api.base_url}/v1/articles/kram-otot-betis"] * 2 + [
        f"{api.base_url}/v1/articles/kram-otot-betis/sections/{section}" for section in _section_ids()
    ]
    snippets = []
    for url in urls:
        html = fetch_json(f"{api.base_url}/v1/oembed?url={quote(url)}&maxwidth={column}")["html"]
        snippets.append(f"<div class='embed'>{html if with_script else SCRIPTS.sub('', html)}</div>")
    return (
        "<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Partner</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>body {{ margin: 0; padding: 16px; }} .embed {{ margin: 0 0 24px; }}</style></head>"
        f"<body><h1>Kolom artikel</h1>{''.join(snippets)}</body></html>"
    )


@pytest.fixture(scope="module")
def oembed_site(api: LocalStackProcess, partner_site: PartnerSite) -> str:
    pages = {}
    for width in WIDTHS:
        pages[f"script-{width}.html"] = _oembed_page(api, width, with_script=True)
        pages[f"noscript-{width}.html"] = _oembed_page(api, width, with_script=False)
    return partner_site(pages)


# Measured inside each frame (they are on the API's origin, so the partner page cannot look in).
INSIDE_FRAME = """() => {
  const visible = (selector) => {
    const rect = document.querySelector(selector).getBoundingClientRect();
    return rect.height > 0 && rect.top >= -1 && rect.bottom <= window.innerHeight + 1;
  };
  return {
    content: Math.ceil(document.body.getBoundingClientRect().height),
    viewport: window.innerHeight,
    disclaimer: visible('.kse-disclaimer'),
    attribution: visible('.kse-attribution'),
  };
}"""


def _frames(page: Page, *, sized: bool) -> list[dict[str, Any]]:
    """Each iframe's size on the partner page and what is inside it; with ``sized``, once it fits its content."""
    measured = []
    for iframe in page.query_selector_all("iframe"):
        iframe.scroll_into_view_if_needed()  # the iframes load lazily
        frame = iframe.content_frame()
        assert frame is not None
        frame.wait_for_selector(".kse-footer", timeout=20_000)
        if sized:
            page.wait_for_function(
                "([element, content]) => Math.abs(element.clientHeight - content) <= 3",
                arg=[iframe, frame.evaluate(INSIDE_FRAME)["content"]],
                timeout=10_000,
            )
        inside = frame.evaluate(INSIDE_FRAME)
        box = iframe.bounding_box()
        assert box is not None
        measured.append(
            {"name": iframe.get_attribute("name"), "height": box["height"], "width": box["width"], **inside}
        )
    return measured


@contextmanager
def _viewed(browser: Browser, url: str, width: int, shot: str) -> Iterator[Page]:
    """The page at ``url`` in a window ``width`` wide; a screenshot of it lands in test-output/ afterwards."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    yield page
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / shot), full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_with_the_script_every_iframe_fits_its_content_and_shows_the_disclaimer(
    browser: Browser, oembed_site: str, width: int
) -> None:
    with _viewed(browser, f"{oembed_site}/script-{width}.html", width, f"oembed-with-script-{width}.png") as page:
        _check_sized_frames(page, width)


def _check_sized_frames(page: Page, width: int) -> None:
    frames = _frames(page, sized=True)
    assert len(frames) == 2 + len(_section_ids())
    for frame in frames:
        assert abs(frame["height"] - frame["content"]) <= 3, frame
        assert frame["disclaimer"] and frame["attribution"], frame
        assert frame["width"] <= width - 32
    # Where the frames work, their text stand-ins are hidden.
    assert page.evaluate("[...document.querySelectorAll('[data-kse-fallback]')].every(b => b.hidden)")


@pytest.mark.parametrize("width", WIDTHS)
def test_without_any_script_the_disclaimer_and_source_stay_in_view_inside_each_iframe(
    browser: Browser, oembed_site: str, width: int
) -> None:
    with _viewed(browser, f"{oembed_site}/noscript-{width}.html", width, f"oembed-without-script-{width}.png") as page:
        frames = _frames(page, sized=False)
    assert len(frames) == 2 + len(_section_ids())
    for frame in frames:
        assert frame["disclaimer"] and frame["attribution"], frame
    assert any(frame["content"] > frame["height"] for frame in frames) or width >= 768  # narrow: text scrolls


MODERN_PAGE = """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>Aplikasi mitra</title>
<style>
  #themed {{ --kse-color-text: #3d1a78; --kse-color-background: #fdf6ff; --kse-font-family: Georgia, serif;
             --kse-font-size: 18px; --kse-radius: 0; --kse-color-border: #3d1a78; }}
  #invisible {{ --kse-color-text: #ffffff; --kse-color-background: #ffffff; }}
  .dark-band {{ background: #14213d; padding: 8px; }}
  #see-through {{ --kse-color-text: #f5f5f5; --kse-color-background: transparent; }}
  #dark-on-dark {{ --kse-color-text: #222222; --kse-color-background: transparent; }}
  #themed::part(heading) {{ text-transform: uppercase; }}
</style>
</head>
<body>
<main>
<h1>Aplikasi mitra</h1>
<div id="first" data-kse-embed="kram-otot-betis#pencegahan"></div>
<div id="themed" data-kse-embed="kram-otot-betis#pencegahan"></div>
<div id="invisible" data-kse-embed="kram-otot-betis#pencegahan"></div>
<div class="dark-band"><div id="see-through" data-kse-embed="kram-otot-betis#pencegahan"></div></div>
<div class="dark-band"><div id="dark-on-dark" data-kse-embed="kram-otot-betis#pencegahan"></div></div>
<div id="missing-article" data-kse-embed="tidak-ada"></div>
<div id="missing-section" data-kse-embed="kram-otot-betis#tidak-ada"></div>
<div id="missing-english" data-kram-embed="tidak-ada" data-kram-locale="en"></div>
<div id="later-slot"></div>
</main>
<script src="{api}/v1/embed.js" async></script>
<script src="app.js"></script>
</body>
</html>
"""
# What a single-page app does: adds a placeholder long after the page loaded.
APP_SCRIPT = """setTimeout(function () {
  var later = document.createElement('div');
  later.id = 'later';
  later.setAttribute('data-kse-embed', 'kram-otot-betis#penyebab');
  document.getElementById('later-slot').appendChild(later);
}, 2000);
"""


@pytest.fixture(scope="module")
def modern_site(api: LocalStackProcess, partner_site: PartnerSite) -> str:
    return partner_site({"app.html": MODERN_PAGE.format(api=api.base_url), "app.js": APP_SCRIPT}) + "/app.html"


def _in_shadow(page: Page, host: str, selector: str) -> Any:
    locator = page.locator(host).locator(selector)
    locator.first.wait_for(timeout=15_000)
    return locator


def test_a_placeholder_added_later_is_rendered(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    heading = _in_shadow(page, "#later", ".kse-heading")
    assert heading.inner_text() == "Penyebab kejang"
    assert page.evaluate("performance.now()") >= 2000


def test_render_works_for_elements_a_framework_creates(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    page.wait_for_function("window.KontenSehat !== undefined", timeout=15_000)
    page.evaluate(
        """() => {
          const element = document.createElement('div');
          element.id = 'rendered';
          element.setAttribute('data-kse-embed', 'kram-otot-betis#jenis');
          window.KontenSehat.render(element);
          window.KontenSehat.render(element);  // a second call changes nothing
          document.body.appendChild(element);
        }"""
    )
    assert _in_shadow(page, "#rendered", ".kse-heading").count() == 1
    assert page.evaluate("document.querySelector('#rendered').shadowRoot.querySelectorAll('.kse-embed').length") == 1


def test_not_found_is_said_as_such_with_a_link_to_the_article_when_there_is_one(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    article = _in_shadow(page, "#missing-article", ".kse-fallback")
    assert article.inner_text() == "Konten ini tidak ditemukan."
    link = _in_shadow(page, "#missing-section", ".kse-fallback a")
    assert _in_shadow(page, "#missing-section", ".kse-fallback").inner_text().startswith("Konten ini tidak ditemukan.")
    assert link.get_attribute("href").endswith("/v1/articles/kram-otot-betis.html")  # the page to read
    assert link.inner_text() == "Baca artikelnya: Gerak Otot Betis saat Kaki Kram"
    # In the placeholder's language, and under the first attribute names too.
    assert _in_shadow(page, "#missing-english", ".kse-fallback").inner_text() == "This content was not found."


def _contrast(page: Page, host: str, selector: str) -> float:
    ratio: float = page.evaluate(
        """([host, selector]) => {
          const element = document.querySelector(host).shadowRoot.querySelector(selector);
          const style = getComputedStyle(element);
          const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const lum = (c) => { const [r, g, b] = rgb(c).map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const a = lum(style.color), b = lum(style.backgroundColor);
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }""",
        [host, selector],
    )
    return ratio


def test_a_theme_changes_the_look_and_leaves_the_disclaimer_readable(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    _in_shadow(page, "#themed", ".kse-heading")
    _in_shadow(page, "#first", ".kse-heading")
    style = (
        "(host, prop) => getComputedStyle(document.querySelector(host).shadowRoot.querySelector('.kse-embed'))[prop]"
    )
    assert page.evaluate(f"({style})('#themed', 'color')") == "rgb(61, 26, 120)"
    assert page.evaluate(f"({style})('#themed', 'fontFamily')").startswith("Georgia")
    assert page.evaluate(f"({style})('#first', 'color')") != "rgb(61, 26, 120)"
    heading = "getComputedStyle(document.querySelector('#themed').shadowRoot.querySelector('.kse-heading'))"
    assert page.evaluate(f"{heading}.textTransform") == "uppercase"  # ::part() reaches in
    for host in ("#first", "#themed", "#invisible"):
        assert _contrast(page, host, ".kse-disclaimer") >= 4.5
        size = (
            f"getComputedStyle(document.querySelector('{host}').shadowRoot.querySelector('.kse-disclaimer')).fontSize"
        )
        assert float(page.evaluate(size).removesuffix("px")) >= 12
    page.screenshot(path=str(OUTPUT / "partner-app-themes.png"), full_page=True)


def _theme(page: Page, host: str) -> str:
    """The script's verdict on the host's theme, once it has judged it (after the stylesheet loaded)."""
    state = f"document.querySelector('{host}').shadowRoot?.querySelector('.kse-embed')?.dataset.kseTheme"
    page.wait_for_function(state, timeout=15_000)
    return str(page.evaluate(state))


def test_a_theme_that_would_hide_the_text_is_ignored(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    assert _theme(page, "#invisible") == "ignored"
    assert _contrast(page, "#invisible", ".kse-embed") >= 4.5
    assert _theme(page, "#dark-on-dark") == "ignored"  # see-through, over the page's dark band


def test_a_readable_theme_is_kept_even_when_its_background_is_the_partners(page: Page, modern_site: str) -> None:
    page.goto(modern_site)
    assert _theme(page, "#themed") == "applied"
    assert _theme(page, "#see-through") == "applied"  # light text over the page's dark band


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_21_AA)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


@pytest.mark.parametrize("path", ["/v1/frame/kram-otot-betis", "/v1/frame/kram-otot-betis/penyebab"])
def test_frame_pages_are_accessible(page: Page, api: LocalStackProcess, path: str) -> None:
    page.goto(api.base_url + path)
    assert page.evaluate("document.documentElement.lang") == "id"
    assert _violations(page) == []


def test_the_article_page_and_a_partner_page_with_the_script_are_accessible(
    page: Page, api: LocalStackProcess, modern_site: str
) -> None:
    page.goto(f"{api.base_url}/v1/articles/kram-otot-betis?format=html")
    assert _violations(page) == []
    page.goto(modern_site)
    _in_shadow(page, "#later", ".kse-heading")
    assert _violations(page) == []
