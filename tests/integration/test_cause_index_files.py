"""The cause index file on moto: the indexer keeps it built from the published taxonomy, a cold API container looks
causes up from it without reading the taxonomy, and a container that finds no file of the taxonomy it needs (the
minute after a publish, a damaged file) builds the index from the taxonomy itself."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from api import handler as api_handler
from health_content.causes.database import FORMAT
from health_content.storage.cause_files import CAUSE_INDEX_KEY
from health_content.storage.causes import DynamoCauseStore
from infra.local.stack import LocalStack
from tests.causes_fixtures import taxonomy_document
from tests.integration.conftest import BUCKET, call_api, ingest, put_document, reset_containers

ARTICLE = "/v1/articles/kram-otot-betis"


@pytest.fixture
def with_index_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_BUCKET_NAME", BUCKET)


@pytest.fixture
def taxonomy_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of the whole taxonomy from the serving index, by any container of this process."""
    reads: list[str] = []
    read = DynamoCauseStore.get

    def counted(store: DynamoCauseStore) -> Any:
        reads.append("taxonomy")
        return read(store)

    monkeypatch.setattr(DynamoCauseStore, "get", counted)
    return reads


def _json(path: str, **query: str) -> dict[str, Any]:
    response = call_api("GET", path, query=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return body


def _lookups() -> list[dict[str, Any]]:
    queries = [{"q": "kekurangan kalsium"}, {"q": "kalsuim"}, {"code": "G40"}, {"population": "children"}]
    return [_json("/v1/causes", **query) for query in queries] + [_json("/v1/causes/facets", q="kejang")]


def test_a_cold_container_looks_causes_up_from_the_indexers_file_without_reading_the_taxonomy(
    with_index_files: None,
    seeded_fresh: LocalStack,
    s3: Any,
    taxonomy_reads: list[str],
) -> None:
    built_here = _lookups()  # no file yet: built from the taxonomy, as before the indexer kept one
    article = _json(ARTICLE)
    assert taxonomy_reads == ["taxonomy"]
    stored = seeded_fresh.index_search()["causes"]
    head = s3.head_object(Bucket=BUCKET, Key=CAUSE_INDEX_KEY)
    assert head["Metadata"] == {"content-hash": stored, "format": FORMAT}
    assert seeded_fresh.index_search()["causes"] is None  # nothing changed: nothing stored again
    api_handler.reset()
    taxonomy_reads.clear()

    assert _lookups() == built_here
    assert _json(ARTICLE) == article
    assert taxonomy_reads == []


def test_a_new_taxonomy_is_looked_up_at_once_and_the_indexer_catches_up(
    with_index_files: None,
    seeded_fresh: LocalStack,
    s3: Any,
    monkeypatch: pytest.MonkeyPatch,
    taxonomy_reads: list[str],
) -> None:
    first = seeded_fresh.index_search()["causes"]
    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0")  # each request confirms what is published
    api_handler.reset()
    [before] = _json("/v1/causes", q="hipokalsemia")["items"]
    document = taxonomy_document()
    [cause] = [cause for cause in document["causes"] if cause["id"] == before["id"]]
    cause["explanation"]["id"] = "Kadar kalsium darah yang rendah; penanda zirkonium."
    put_document(s3, "causes/causes.json", json.dumps(document).encode())
    assert [result["status"] for result in ingest(seeded_fresh)] == ["published"]
    taxonomy_reads.clear()

    # The file is of the taxonomy before: the warm container builds the new one from the serving index.
    [found] = _json("/v1/causes", q="zirkonium")["items"]
    assert found["id"] == before["id"] and taxonomy_reads == ["taxonomy"]

    latest = seeded_fresh.index_search()["causes"]
    assert latest not in (None, first)
    api_handler.reset()
    taxonomy_reads.clear()
    assert _json("/v1/causes", q="zirkonium")["items"] == [found]
    assert taxonomy_reads == []


def test_a_file_that_cannot_be_used_is_built_again_by_the_indexer_and_meanwhile_by_the_container(
    with_index_files: None,
    seeded_fresh: LocalStack,
    s3: Any,
    taxonomy_reads: list[str],
) -> None:
    stored = seeded_fresh.index_search()["causes"]
    expected = _lookups()
    # A file of another release's format, as a deploy leaves it, and damaged besides.
    metadata = {"content-hash": stored, "format": "0.0"}
    s3.put_object(Bucket=BUCKET, Key=CAUSE_INDEX_KEY, Body=gzip.compress(b"not a database"), Metadata=metadata)
    api_handler.reset()
    taxonomy_reads.clear()
    assert _lookups() == expected
    assert taxonomy_reads == ["taxonomy"]

    reset_containers()  # the indexer of the new release starts cold, and looks at what is stored
    assert seeded_fresh.index_search()["causes"] == stored
    assert s3.head_object(Bucket=BUCKET, Key=CAUSE_INDEX_KEY)["Metadata"]["format"] == FORMAT
    taxonomy_reads.clear()
    assert _lookups() == expected
    assert taxonomy_reads == []
