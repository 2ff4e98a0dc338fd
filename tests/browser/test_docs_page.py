"""The interactive docs in Chromium: Swagger UI reads the OpenAPI document the API serves, and the browser
finds everything the page asks for (its icon included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response

from tests.local_stack_process import LocalStackProcess

pytestmark = [pytest.mark.enable_socket, pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_swagger_ui_shows_the_served_document_with_its_examples(page: Page, api: LocalStackProcess) -> None:
    answered: list[Response] = []
    page.on("response", lambda response: answered.append(response))
    page.goto(f"{api.base_url}/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)  # an operation, rendered from the document
    asked = {response.url.removeprefix(api.base_url): response.status for response in answered}
    assert asked["/openapi.json"] == 200 and not any("format=json" in url for url in asked)
    assert {url: status for url, status in asked.items() if status >= 400} == {}
    assert page.evaluate("fetch('/favicon.ico').then(r => r.status)") == 200
    # The examples recorded in openapi.json are in what Swagger UI shows: an article's, for one.
    example = page.evaluate(
        "JSON.stringify(window.ui.specSelectors.specJson().getIn(['paths', '/v1/articles/{slug}']))"
    )
    assert '"example"' in example and "kram-otot-betis" in example
