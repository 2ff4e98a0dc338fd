"""Publishing decides what the serving index holds; these tests use in-memory storage."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from health_content.articles.model import Article
from health_content.causes.store import PublishedCauses
from health_content.errors import DocumentRejected
from health_content.publishing.kinds import (
    ARTICLES,
    CAUSES,
    MAX_SOURCE_BYTES,
    ServingIndex,
    SourceVersion,
    content_hash,
)
from health_content.publishing.publisher import Publisher
from health_content.publishing.report import PublishStatus
from tests.causes_fixtures import real_index, taxonomy_document
from tests.conftest import SEED_KEY, document_bytes, too_large_to_store
from tests.fakes import InMemoryArticleStore, InMemoryCauseStore, InMemoryContentSource, InMemoryDraftStore

SOURCE = SourceVersion("v1", dt.datetime(2026, 11, 24, tzinfo=dt.UTC))


def parse_article_document(key: str, body: bytes) -> Article:
    document = ARTICLES.parse(key, body, lambda *_: None, SOURCE).document
    assert isinstance(document, Article)
    return document


@pytest.fixture
def source() -> InMemoryContentSource:
    return InMemoryContentSource()


@pytest.fixture
def index() -> InMemoryArticleStore:
    return InMemoryArticleStore()


@pytest.fixture
def causes() -> InMemoryCauseStore:
    return InMemoryCauseStore()


@pytest.fixture
def drafts() -> InMemoryDraftStore:
    return InMemoryDraftStore()


@pytest.fixture
def publisher(
    source: InMemoryContentSource, index: InMemoryArticleStore, causes: InMemoryCauseStore, drafts: InMemoryDraftStore
) -> Publisher:
    return Publisher(source, ServingIndex(articles=index, causes=causes, drafts=drafts))


def test_a_valid_document_is_published(publisher: Publisher, source: InMemoryContentSource, index, seed_document):
    version = source.put(SEED_KEY, document_bytes(seed_document))
    result = publisher.sync(SEED_KEY)
    assert result.status is PublishStatus.PUBLISHED
    assert result.version_id == version
    published = index.get("id", "kram-otot-betis")
    assert published is not None and published.source_version == version
    assert source.outcomes[SEED_KEY][-1].status is PublishStatus.PUBLISHED


def test_publishing_the_same_content_twice_changes_nothing(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    publisher.sync(SEED_KEY)
    before = index.get("id", "kram-otot-betis")
    # Same content, different formatting and a new version: still the same article.
    source.put(SEED_KEY, json.dumps(seed_document, indent=4).encode())
    result = publisher.sync(SEED_KEY)
    assert result.status is PublishStatus.UNCHANGED
    assert index.get("id", "kram-otot-betis") == before
    assert index.puts == 1


def test_an_invalid_document_is_rejected_and_the_previous_version_stays(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    publisher.sync(SEED_KEY)
    before = index.get("id", "kram-otot-betis")
    broken = {**seed_document, "sections": []}
    rejected_version = source.put(SEED_KEY, document_bytes(broken))

    result = publisher.sync(SEED_KEY)

    assert result.status is PublishStatus.REJECTED
    assert result.version_id == rejected_version
    assert result.reasons == ["sections: List should have at least 1 item after validation, not 0"]
    assert index.get("id", "kram-otot-betis") == before
    assert source.outcomes[SEED_KEY][-1] == result


def test_a_deleted_document_is_removed_from_the_index(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    publisher.sync(SEED_KEY)
    source.delete(SEED_KEY)
    assert publisher.sync(SEED_KEY).status is PublishStatus.REMOVED
    assert index.get("id", "kram-otot-betis") is None


def test_events_out_of_order_still_leave_the_newest_version(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    newest = {**seed_document, "title": "Judul terbaru"}
    source.put(SEED_KEY, document_bytes(newest))
    # Two events arrive for the key; whichever comes first, the index converges on the newest version.
    publisher.sync(SEED_KEY)
    publisher.sync(SEED_KEY)
    published = index.get("id", "kram-otot-betis")
    assert published is not None and published.article.title == "Judul terbaru"


def test_an_upload_racing_with_a_publish_is_picked_up(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    source.uploads_during_fetch[SEED_KEY] = document_bytes({**seed_document, "title": "Diunggah bersamaan"})
    result = publisher.sync(SEED_KEY)
    assert result.version_id == "v2"
    published = index.get("id", "kram-otot-betis")
    assert published is not None and published.article.title == "Diunggah bersamaan"


def test_a_key_outside_the_layout_is_rejected_without_touching_the_index(publisher, source, index):
    result = publisher.sync("articles/kram.json")
    assert result.status is PublishStatus.REJECTED
    assert "is not articles/<locale>/<slug>.json or causes/causes.json" in result.reasons[0]
    assert index.items == {}


@pytest.mark.parametrize(
    ("key", "body", "reason"),
    [
        (SEED_KEY, b"{not json", "Invalid JSON"),
        (SEED_KEY, b"[]", "document: Input should be an object"),
        (SEED_KEY, b"\xff\xfe", "Invalid JSON"),
        ("articles/en/kram-otot-betis.json", None, "locale is 'id' but the key says 'en'"),
        ("articles/id/kram-betis.json", None, "slug is 'kram-otot-betis' but the key says 'kram-betis'"),
        ("articles/id/Kram.json", None, "is not of the form"),
    ],
)
def test_parse_rejects_with_a_specific_reason(
    key: str, body: bytes | None, reason: str, seed_document: dict[str, Any]
) -> None:
    with pytest.raises(DocumentRejected) as rejection:
        parse_article_document(key, body if body is not None else document_bytes(seed_document))
    assert any(reason in r for r in rejection.value.reasons), rejection.value.reasons


def test_a_document_too_large_to_store_is_rejected_and_nothing_is_written(publisher, source, index, seed_document):
    source.put(SEED_KEY, document_bytes(too_large_to_store(seed_document)))
    result = publisher.sync(SEED_KEY)
    assert result.status is PublishStatus.REJECTED
    assert "bytes" in result.reasons[0] and "at most" in result.reasons[0]
    assert index.items == {}


def test_ingest_reads_no_more_than_its_limit_of_one_object(publisher, source, index, seed_document):
    source.put(SEED_KEY, b" " * MAX_SOURCE_BYTES + document_bytes(seed_document))
    result = publisher.sync(SEED_KEY)
    assert result.status is PublishStatus.REJECTED and result.reasons == [f"document is over {MAX_SOURCE_BYTES} bytes"]


def test_a_taxonomy_may_be_larger_than_an_article_up_to_its_own_limit(publisher, source, index, seed_document):
    """4,000 causes are about 5 MB of JSON: the taxonomy's bound is its own, and an article's stays 1 MB."""
    source.put(SEED_KEY, document_bytes(seed_document))
    publisher.sync(SEED_KEY)
    padded = b" " * (4 * MAX_SOURCE_BYTES) + document_bytes(taxonomy_document())
    source.put(CAUSES.key, padded)
    assert publisher.sync(CAUSES.key).status is PublishStatus.PUBLISHED
    source.put(CAUSES.key, b" " * CAUSES.max_source_bytes + document_bytes(taxonomy_document()))
    result = publisher.sync(CAUSES.key)
    assert result.status is PublishStatus.REJECTED
    assert result.reasons == [f"document is over {CAUSES.max_source_bytes} bytes"]


def test_every_reason_is_reported_at_once(seed_document: dict[str, Any]) -> None:
    broken = {**seed_document, "title": "", "locale": "xx", "tags": ["Bad Tag"]}
    with pytest.raises(DocumentRejected) as rejection:
        parse_article_document(SEED_KEY, document_bytes(broken))
    assert {r.split(":")[0] for r in rejection.value.reasons} == {"title", "locale", "tags.0"}


def test_content_hash_ignores_formatting_but_not_content(seed_document: dict[str, Any]) -> None:
    compact = parse_article_document(SEED_KEY, document_bytes(seed_document))
    indented = parse_article_document(SEED_KEY, json.dumps(seed_document, indent=2).encode())
    changed = parse_article_document(SEED_KEY, document_bytes({**seed_document, "title": "Lain"}))
    assert content_hash(compact) == content_hash(indented)
    assert content_hash(compact) != content_hash(changed)


def test_an_article_edit_that_breaks_cause_mentions_publishes_with_warnings(publisher, source, causes, seed_document):
    taxonomy, analysis, _ = real_index()
    causes.put_if_changed(PublishedCauses(taxonomy, analysis, content_hash(taxonomy), dt.datetime.now(dt.UTC)))
    without_complications = {
        **seed_document,
        "sections": [s for s in seed_document["sections"] if s["id"] != "komplikasi"],
    }
    source.put(SEED_KEY, document_bytes(without_complications))

    result = publisher.sync(SEED_KEY)

    assert result.status is PublishStatus.PUBLISHED
    assert result.warnings == [
        "cause 'epilepsi': article 'kram-otot-betis' has no section 'komplikasi'; update causes/causes.json",
        "cause 'eklamsia': article 'kram-otot-betis' has no section 'komplikasi'; update causes/causes.json",
    ]
    assert source.outcomes[SEED_KEY][-1].warnings == result.warnings


def test_checking_an_article_reads_its_own_mentions_not_the_taxonomy(publisher, source, causes, seed_document):
    taxonomy, analysis, _ = real_index()
    causes.put_if_changed(PublishedCauses(taxonomy, analysis, content_hash(taxonomy), dt.datetime.now(dt.UTC)))
    source.put(SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    publisher.sync(SEED_KEY)
    assert (causes.reads, causes.mention_reads) == (0, 1)


def test_an_article_edit_that_keeps_every_mention_has_no_warnings(publisher, source, causes, seed_document):
    taxonomy, analysis, _ = real_index()
    causes.put_if_changed(PublishedCauses(taxonomy, analysis, content_hash(taxonomy), dt.datetime.now(dt.UTC)))
    source.put(SEED_KEY, document_bytes({**seed_document, "title": "Judul baru"}))
    assert publisher.sync(SEED_KEY).warnings == []


# --- drafts -----------------------------------------------------------------------------------

DRAFT_KEY = "drafts/" + SEED_KEY


def test_a_draft_is_kept_for_previews_and_nothing_is_published(publisher, source, index, drafts, seed_document):
    draft = {**seed_document, "title": "Judul draf"}
    version = source.put(DRAFT_KEY, document_bytes(draft))
    result = publisher.sync(DRAFT_KEY)
    assert (result.status, result.version_id, result.reasons) == (PublishStatus.PUBLISHED, version, [])
    kept = drafts.get("id", "kram-otot-betis")
    assert kept is not None and kept.article.title == "Judul draf" and kept.source_version == version
    assert index.get("id", "kram-otot-betis") is None and index.changes.entries == []
    assert publisher.sync(DRAFT_KEY).status is PublishStatus.UNCHANGED


@pytest.mark.parametrize(
    "change",
    [
        {"sections": []},
        {"slug": "lain"},
        {"review": {"reviewed_at": "2026-01-01", "reviewed_by": None}},
        {"tags": ["Bukan Tag"]},
    ],
    ids=["no-sections", "slug-unlike-key", "half-a-review", "bad-tag"],
)
def test_a_draft_is_validated_exactly_as_the_article_it_would_publish(publisher, source, drafts, seed_document, change):
    body = document_bytes({**seed_document, **change})
    source.put(SEED_KEY, body)
    source.put(DRAFT_KEY, body)
    as_article, as_draft = publisher.sync(SEED_KEY), publisher.sync(DRAFT_KEY)
    assert as_draft.status is as_article.status is PublishStatus.REJECTED
    assert as_draft.reasons == as_article.reasons != []
    assert drafts.items == {}


def test_a_draft_too_large_to_publish_is_refused_as_its_article_would_be(publisher, source, drafts, seed_document):
    source.put(DRAFT_KEY, document_bytes(too_large_to_store(seed_document)))
    result = publisher.sync(DRAFT_KEY)
    assert result.status is PublishStatus.REJECTED and "article 'kram-otot-betis'" in result.reasons[0]
    assert drafts.items == {}


def test_deleting_a_draft_forgets_it_and_leaves_the_published_article(publisher, source, index, drafts, seed_document):
    source.put(SEED_KEY, document_bytes(seed_document))
    source.put(DRAFT_KEY, document_bytes({**seed_document, "title": "Judul draf"}))
    publisher.sync(SEED_KEY)
    publisher.sync(DRAFT_KEY)
    source.delete(DRAFT_KEY)
    assert publisher.sync(DRAFT_KEY).status is PublishStatus.REMOVED
    assert drafts.get("id", "kram-otot-betis") is None
    published = index.get("id", "kram-otot-betis")
    assert published is not None and published.article.title == seed_document["title"]
    assert [entry.change for entry in index.changes.entries] == ["published"]
