"""The oEmbed provider registry entry kept in docs/oembed/ (iamcal/oembed's providers/<name>.yml format) says
what the API does: every example URL answers through the real handler as the registry's validator expects
(200, JSON or XML), each embeds a URL its schemes cover, the schemes cover every page oEmbed embeds, and the
pages carry the discovery links the entry claims."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
import yaml

from api import paths
from infra.local.stack import LocalStack
from infra.template import REPO_ROOT
from tests.integration.conftest import call_api

ENTRY = REPO_ROOT / "docs" / "oembed" / "konten-sehat.yml"


def _endpoint(entry_path: Path = ENTRY) -> dict[str, Any]:
    [provider] = yaml.safe_load(entry_path.read_text(encoding="utf-8"))
    [endpoint] = provider["endpoints"]
    assert set(provider) == {"provider_name", "provider_url", "endpoints"}
    assert {"schemes", "url", "example_urls", "discovery"} <= set(endpoint)
    endpoint["provider_url"] = provider["provider_url"]
    return endpoint


def _covered(url: str, schemes: list[str]) -> bool:
    """The registry's matching: ``*`` stands for anything."""
    return any(re.fullmatch(".*".join(map(re.escape, scheme.split("*"))), url) for scheme in schemes)


@pytest.fixture
def public_origin(monkeypatch: pytest.MonkeyPatch) -> str:
    """The API answering as the deployment the entry names (its PublicBaseUrl)."""
    origin = _endpoint()["provider_url"].rstrip("/")
    monkeypatch.setenv("PUBLIC_BASE_URL", origin)
    return str(origin)


def test_every_example_url_answers_as_the_registry_validator_expects(seeded: LocalStack, public_origin: str) -> None:
    endpoint = _endpoint()
    assert endpoint["url"] == f"{public_origin}{paths.OEMBED}"
    for example in endpoint["example_urls"]:
        address = urlsplit(example)
        assert f"{address.scheme}://{address.netloc}{address.path}" == endpoint["url"]
        query = parse_qs(address.query)
        assert _covered(query["url"][0], endpoint["schemes"]), example
        response = call_api("GET", address.path, query=address.query)
        assert response.status_code == 200, (example, response.get_data(as_text=True))
        if query.get("format") == ["xml"]:
            assert response.headers["Content-Type"].startswith("text/xml")
            fields = {element.tag: element.text for element in ElementTree.fromstring(response.get_data())}
        else:
            assert response.headers["Content-Type"] == "application/json"
            fields = json.loads(response.get_data())
        assert (fields["version"], fields["type"]) == ("1.0", "rich")
        assert fields["provider_url"] == endpoint["provider_url"] and "<iframe" in str(fields["html"])


def test_the_schemes_cover_every_page_oembed_embeds_and_nothing_it_refuses(public_origin: str) -> None:
    schemes = _endpoint()["schemes"]
    for route in paths.EMBEDDABLE:
        values = {"slug": "kram-otot-betis", "section_id": "penyebab"}
        url = public_origin + route.href(**{name: values[name] for name in route.parameters})
        assert _covered(url, schemes), url
    for route in (paths.ARTICLES, paths.CAUSES, paths.SEARCH, paths.CHANGES, paths.HOME):
        assert not _covered(public_origin + route.href(), schemes), route


def test_article_and_frame_pages_carry_the_discovery_links_the_entry_claims(
    seeded: LocalStack, public_origin: str
) -> None:
    assert _endpoint()["discovery"] is True
    for path, headers in [
        ("/v1/articles/kram-otot-betis", {"Accept": "text/html"}),
        ("/v1/frame/kram-otot-betis/penyebab", {}),
    ]:
        page = call_api("GET", path, headers=headers).get_data(as_text=True)
        found = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
        assert found is not None, path
        discovered = urlsplit(found[1].replace("&amp;", "&"))
        assert f"{discovered.scheme}://{discovered.netloc}{discovered.path}" == _endpoint()["url"]
        assert call_api("GET", discovered.path, query=discovered.query).status_code == 200
