"""The typed client in docs/api.md: generated from the committed openapi.json, it reads the API locally."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.handler import lambda_handler
from infra.generated import OPENAPI_PATH
from infra.local.http_adapter import ApiGatewayAdapter
from infra.local.stack import LocalStack

PACKAGE = "konten_sehat_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("client")
    generator = Path(sys.executable).with_name("openapi-python-client")
    arguments = ["generate", "--path", str(OPENAPI_PATH), "--output-path", str(folder / PACKAGE), "--meta", "none"]
    result = subprocess.run(
        [str(generator), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (folder / PACKAGE / "client.py").exists(), result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _client(package: Any) -> Any:
    client = package.Client(base_url="http://localhost")
    transport = httpx.WSGITransport(app=ApiGatewayAdapter(lambda_handler))
    client.set_httpx_client(httpx.Client(base_url="http://localhost", transport=transport))
    return client


def test_a_generated_client_reads_an_article_and_searches_with_typed_models(seeded: LocalStack, generated: Any) -> None:
    get_article = importlib.import_module(f"{PACKAGE}.api.articles.get_article_v1_articles_slug_get")
    search = importlib.import_module(f"{PACKAGE}.api.search.search_articles_v1_search_get")
    client = _client(generated)

    article = get_article.sync(client=client, slug="kram-otot-betis")
    assert type(article).__name__ == "ArticleOut"
    assert article.title == "Gerak Otot Betis saat Kaki Kram" and article.disclaimer and len(article.sections) == 10

    found = search.sync(client=client, q="low calcium", limit=3)
    assert type(found).__name__ == "SearchOut" and found.items[0].item == 3
    assert "<mark>" in found.items[0].snippet.html
