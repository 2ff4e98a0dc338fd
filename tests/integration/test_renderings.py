"""Each representation is rendered once per content version, and what is kept is what the model says."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from api import handler as api_handler
from api.fields import SparseOut
from api.models.articles import ArticleOut, SectionListOut, SectionOut
from infra import publish
from infra.local.stack import LocalStack
from tests.conftest import SEED_KEY, document_bytes
from tests.integration.conftest import BUCKET, call_api, ingest, put_document

ARTICLE = "/v1/articles/kram-otot-betis"


@pytest.fixture(autouse=True)
def _no_article_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0")  # every request asks the store for the article


def test_a_representation_is_rendered_once_and_each_kept_one_is_valid(seeded_fresh: LocalStack) -> None:
    first, second = call_api("GET", ARTICLE), call_api("GET", ARTICLE)
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]
    for _ in range(2):  # a representation is kept from its second request on
        call_api("GET", f"{ARTICLE}/sections")
        call_api("GET", f"{ARTICLE}/sections/penyebab")
        call_api("GET", ARTICLE, query={"fields": "title"})
    kept = [rendered.body for rendered, _ in api_handler.this_containers_api().container.renderings._kept.values()]
    assert len(kept) == 4  # the article, its sections, a section and the sparse article: one each
    matched = []
    for body in kept:
        for model in (ArticleOut, SectionListOut, SectionOut, SparseOut):
            try:
                model.model_validate_json(body)
            except ValueError:
                continue
            matched.append(model)
            break
    # Each kept body is valid against its model (the sparse one only against SparseOut).
    assert sorted(model.__name__ for model in matched) == ["ArticleOut", "SectionListOut", "SectionOut", "SparseOut"]


def test_a_new_version_is_rendered_again_and_the_old_etag_no_longer_matches(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any]
) -> None:
    before = call_api("GET", ARTICLE)
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    after = call_api("GET", ARTICLE, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["title"] == "Judul baru"
    again = call_api("GET", ARTICLE, headers={"If-None-Match": after.headers["ETag"]})
    assert again.status_code == 304


def test_a_kept_cause_lookup_is_not_served_once_the_article_it_mentions_is_retracted(
    seeded_fresh: LocalStack, s3: Any
) -> None:
    before = call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json()
    assert any(hit["mentions"] for hit in before["items"])
    assert call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json() == before  # kept
    publish.unpublish(s3, BUCKET, SEED_KEY, "Ditarik", now=dt.datetime.now(dt.UTC))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["removed"]
    after = call_api("GET", "/v1/causes", query={"q": "kalsium"}).get_json()
    assert after["items"] and all(hit["mentions"] == [] for hit in after["items"])


def test_embeds_and_frames_are_rendered_once_per_version_too(seeded_fresh: LocalStack, s3: Any, seed_document) -> None:
    paths = [
        ("/v1/embed/kram-otot-betis/penyebab", {}),
        ("/v1/embed/kram-otot-betis/penyebab", {"format": "json"}),
        ("/v1/frame/kram-otot-betis/penyebab", {}),
    ]
    first = [call_api("GET", path, query=query) for path, query in paths]
    again = [call_api("GET", path, query=query) for path, query in paths]
    assert [r.get_data() for r in first] == [r.get_data() for r in again]
    assert len(api_handler.this_containers_api().container.renderings._kept) == 3
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    changed = call_api("GET", "/v1/embed/kram-otot-betis/penyebab", query={"format": "json"}).get_json()
    assert changed["article"]["title"] == "Judul baru"


def test_a_new_version_is_served_once_the_content_cache_is_due(
    seeded_fresh: LocalStack, s3: Any, seed_document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_CACHE_TTL_SECONDS", "0.5")
    assert call_api("GET", ARTICLE).status_code == 200  # the article, kept in the content cache
    put_document(s3, SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    assert [r["status"] for r in ingest(seeded_fresh)] == ["published"]
    time.sleep(0.55)  # the kept copy is now due for a check
    assert call_api("GET", ARTICLE).get_json()["title"] == "Judul baru"
