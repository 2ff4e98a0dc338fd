"""The search indexer and the API on moto: the indexer keeps each locale's index file in the bucket, a cold
API container searches from it without reading every article, and catches up from the change log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api import handler as api_handler
from health_content.storage.search_files import search_index_key
from infra.local.stack import LocalStack
from tests.causes_fixtures import seed_article
from tests.integration.conftest import BUCKET, call_api, ingest, put_document


@pytest.fixture
def with_index_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_BUCKET_NAME", BUCKET)


def _hits(q: str) -> list[dict[str, Any]]:
    response = call_api("GET", "/v1/search", query={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    items: list[dict[str, Any]] = json.loads(response.get_data(as_text=True))["items"]
    return items


def _count_full_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of all the articles' analyses the API container makes."""
    reads: list[str] = []
    store = api_handler.this_containers_api().container.article_store
    original = store.search_analyses

    def counted(locale: str) -> Any:
        reads.append(locale)
        return original(locale)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "search_analyses", counted)
    return reads


def test_a_cold_container_searches_from_the_indexers_file_and_catches_up_from_the_change_log(
    with_index_files: None, seeded_fresh: LocalStack, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = seeded_fresh.index_search()["stored"]
    assert stored == {"id": 2, "en": 2}  # the article and the taxonomy: two changes
    head = s3.head_object(Bucket=BUCKET, Key=search_index_key("id"))
    assert head["Metadata"]["sequence"] == "2"
    expected = _hits("kram betis")

    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0")  # each search looks at the change log
    api_handler.reset()
    full_reads = _count_full_reads(monkeypatch)
    assert _hits("kram betis") == expected
    assert full_reads == []

    # An edit published after the file was made: the warm container reads that article, not the catalogue.
    article = seed_article()
    paragraph = article.sections[0].blocks[0].model_copy(update={"text": "Zinkum penanda suntingan baru."})
    section = article.sections[0].model_copy(update={"blocks": [paragraph, *article.sections[0].blocks[1:]]})
    edited = article.model_copy(update={"sections": [section, *article.sections[1:]]})
    put_document(s3, "articles/id/kram-otot-betis.json", edited.model_dump_json().encode())
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    [hit] = _hits("zinkum")
    assert hit["article"]["slug"] == "kram-otot-betis"
    assert full_reads == []

    assert seeded_fresh.index_search()["stored"] == {"id": 3}  # the next cold container starts from here
