"""The specification of every storage port, run against each implementation.

The in-memory fakes (tests/fakes.py) and the AWS adapters on moto (health_content/storage)
must pass the same suite: a new backend is done when it passes it too. The suite states
what the domain relies on: round trips, idempotent conditional writes, opaque cursors that
visit every item once, the size limit, and missing items.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import boto3
import pytest

from health_content.articles.drafts import DraftStore
from health_content.articles.model import Article
from health_content.articles.store import ArticleStore, ListingFilter, PublishedArticle
from health_content.causes.database import CauseDatabase
from health_content.causes.store import CauseStore, PublishedCauses
from health_content.causes.updating import CauseIndexFiles
from health_content.changes.feed import ChangeFeed
from health_content.changes.log import ChangeLog
from health_content.changes.model import ChangeType
from health_content.errors import ContentUnavailable, DocumentRejected, InvalidCursor
from health_content.partners.model import Partner, UsagePlan
from health_content.publishing.kinds import content_hash
from health_content.publishing.report import PublishReport, PublishStatus
from health_content.publishing.source import ContentSource
from health_content.storage import changelog
from health_content.storage.articles import DynamoArticleStore
from health_content.storage.cause_files import S3CauseIndexFiles
from health_content.storage.causes import DynamoCauseStore
from health_content.storage.changelog import DynamoChangeLog
from health_content.storage.drafts import DynamoDraftStore
from health_content.storage.items import item_size
from health_content.storage.partners import DynamoPartnerDirectory
from health_content.storage.s3 import S3ContentSource
from infra import template
from tests.causes_fixtures import real_index
from tests.conftest import moto_mock, too_large_to_store
from tests.fakes import (
    InMemoryArticleStore,
    InMemoryCauseIndexFiles,
    InMemoryCauseStore,
    InMemoryChangeLog,
    InMemoryContentSource,
    InMemoryDraftStore,
)

BACKENDS = ["in-memory", "aws-on-moto"]
PUBLISHED_AT = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def moto_table() -> Iterator[Any]:
    with moto_mock():
        boto3.client("dynamodb", region_name="us-east-1").create_table(**template.table_definition("contract"))
        yield boto3.resource("dynamodb", region_name="us-east-1").Table("contract")


@pytest.fixture(params=BACKENDS)
def articles(request: pytest.FixtureRequest) -> ArticleStore:
    if request.param == "in-memory":
        return InMemoryArticleStore()
    return DynamoArticleStore(request.getfixturevalue("moto_table"))


@pytest.fixture(params=BACKENDS)
def causes(request: pytest.FixtureRequest) -> CauseStore:
    if request.param == "in-memory":
        return InMemoryCauseStore()
    return DynamoCauseStore(request.getfixturevalue("moto_table"))


@dataclass
class DraftsBeside:
    """A draft store and the article store of the same serving index (one table on AWS)."""

    drafts: DraftStore
    articles: ArticleStore
    log: ChangeLog


@pytest.fixture(params=BACKENDS)
def drafted(request: pytest.FixtureRequest) -> DraftsBeside:
    if request.param == "in-memory":
        articles = InMemoryArticleStore(changes=InMemoryChangeLog(announce=True))
        return DraftsBeside(InMemoryDraftStore(), articles, articles.changes)
    table = request.getfixturevalue("moto_table")
    log = DynamoChangeLog(table, announce=True)
    return DraftsBeside(DynamoDraftStore(table), DynamoArticleStore(table, log), log)


def _article(seed_document: dict[str, Any], **changes: Any) -> PublishedArticle:
    # `$schema` is an editor's hint that publishing drops, so it is not part of what round-trips.
    document = {name: value for name, value in seed_document.items() if name != "$schema"}
    article = Article.model_validate({**document, **changes})
    return PublishedArticle(article, content_hash(article), PUBLISHED_AT, "version-1")


# --- DraftStore ---------------------------------------------------------------------------------


def test_a_draft_round_trips_and_the_same_draft_is_not_written_again(drafted: DraftsBeside, seed_document) -> None:
    drafts = drafted.drafts
    assert drafts.get("id", "kram-otot-betis") is None
    first = _article(seed_document, title="Judul draf")
    assert drafts.put_if_changed(first) is True
    assert drafts.get("id", "kram-otot-betis") == first
    assert drafts.put_if_changed(replace(first, source_version="version-2")) is False
    changed = _article(seed_document, title="Judul draf kedua")
    assert drafts.put_if_changed(changed) is True and drafts.get("id", "kram-otot-betis") == changed
    assert drafts.get("en", "kram-otot-betis") is None


def test_a_draft_is_deleted_once(drafted: DraftsBeside, seed_document) -> None:
    drafted.drafts.put_if_changed(_article(seed_document))
    assert drafted.drafts.delete("id", "kram-otot-betis") is True
    assert drafted.drafts.get("id", "kram-otot-betis") is None
    assert drafted.drafts.delete("id", "kram-otot-betis") is False


def test_nothing_that_reads_published_articles_meets_a_draft(drafted: DraftsBeside, seed_document) -> None:
    """A draft has no listing, tag or ordered item, no search analysis and no change-log entry or pending event."""
    published = _article(seed_document)
    drafted.articles.put_if_changed(published)
    entries, pending = drafted.log.entries_after(0, 100).changes, drafted.log.pending_events(100)
    assert len(entries) == len(pending) == 1
    draft_of_it = replace(_article(seed_document, title="Judul draf", tags=["draf"]), search_analysis=b"analysis")
    new_one = _article(seed_document, slug="artikel-baru", tags=["draf"])
    drafted.drafts.put_if_changed(draft_of_it)
    drafted.drafts.put_if_changed(new_one)
    articles = drafted.articles
    assert articles.get("id", "kram-otot-betis") == published and articles.get("id", "artikel-baru") is None
    assert [item.title for item in articles.list("id", 100, None).items] == [published.article.title]
    assert list(articles.list("id", 100, None, ListingFilter(tag="draf")).items) == []
    since = ListingFilter(updated_since=PUBLISHED_AT - dt.timedelta(days=1))
    assert [item.slug for item in articles.list("id", 100, None, since).items] == ["kram-otot-betis"]
    assert len(articles.search_analyses("id")) == (published.search_analysis is not None)
    assert articles.search_analysis("id", "artikel-baru") is None
    assert drafted.log.entries_after(0, 100).changes == entries
    assert drafted.log.pending_events(100) == pending


# --- ArticleStore -------------------------------------------------------------------------------


def test_an_unknown_article_is_none(articles: ArticleStore) -> None:
    assert articles.get("id", "tidak-ada") is None


def test_an_article_round_trips(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    published = _article(seed_document)
    assert articles.put_if_changed(published) is not None
    assert articles.get("id", "kram-otot-betis") == published


def test_the_same_content_is_not_written_again(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    first = _article(seed_document)
    articles.put_if_changed(first)
    later = replace(first, published_at=PUBLISHED_AT + dt.timedelta(hours=1), source_version="version-2")
    assert articles.put_if_changed(later) is None
    assert articles.get("id", "kram-otot-betis") == first  # still the first write, untouched


def test_changed_content_replaces_the_article(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    articles.put_if_changed(_article(seed_document))
    changed = _article(seed_document, title="Judul baru")
    assert articles.put_if_changed(changed) is not None
    assert articles.get("id", "kram-otot-betis") == changed


def test_articles_are_kept_per_locale(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    articles.put_if_changed(_article(seed_document))
    assert articles.get("en", "kram-otot-betis") is None
    assert list(articles.list("en", 10, None).items) == []


def test_a_listing_shows_the_article_without_its_sections(articles: ArticleStore, seed_document) -> None:
    published = _article(seed_document)
    articles.put_if_changed(published)
    [listing] = articles.list("id", 10, None).items
    article = published.article
    assert (listing.slug, listing.locale, listing.title, listing.summary) == (
        article.slug,
        article.locale,
        article.title,
        article.summary,
    )
    assert listing.tags == tuple(article.tags)
    assert (listing.updated_at, listing.published_at) == (article.updated_at, PUBLISHED_AT)


@pytest.mark.parametrize(("count", "limit", "pages"), [(25, 10, [10, 10, 5]), (20, 10, [10, 10]), (3, 5, [3])])
def test_cursors_visit_every_article_once_in_slug_order(
    articles: ArticleStore, seed_document: dict[str, Any], count: int, limit: int, pages: list[int]
) -> None:
    for number in range(count):
        articles.put_if_changed(_article(seed_document, slug=f"artikel-{number:03d}"))
    seen: list[str] = []
    sizes: list[int] = []
    cursor: str | None = None
    while True:
        page = articles.list("id", limit, cursor)
        sizes.append(len(page.items))
        seen.extend(item.slug for item in page.items)
        if page.next_cursor is None:
            break
        assert page.next_cursor.replace("-", "").replace("_", "").isalnum()  # opaque and URL-safe
        cursor = page.next_cursor
    assert sizes == pages
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == count


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense!",
        base64.urlsafe_b64encode(b"[]").decode(),
        base64.urlsafe_b64encode(json.dumps({"after": 5}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"offset": 3, "query": "x"}).encode()).decode(),
    ],
    ids=["not-base64", "not-an-object", "wrong-type", "another-listing's"],
)
def test_a_cursor_the_store_did_not_issue_is_invalid(articles: ArticleStore, seed_document, cursor: str) -> None:
    articles.put_if_changed(_article(seed_document))
    with pytest.raises(InvalidCursor):
        articles.list("id", 10, cursor)


def test_delete_removes_an_article_once(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    articles.put_if_changed(_article(seed_document))
    assert articles.delete("id", "kram-otot-betis") is not None
    assert articles.get("id", "kram-otot-betis") is None
    assert articles.delete("id", "kram-otot-betis") is None


def test_an_article_too_large_to_store_is_rejected_and_nothing_changes(articles: ArticleStore, seed_document) -> None:
    before = _article(seed_document)
    articles.put_if_changed(before)
    huge = _article(too_large_to_store(seed_document))
    with pytest.raises(DocumentRejected, match="bytes"):
        articles.check_fits(huge)
    with pytest.raises(DocumentRejected, match="bytes"):
        articles.put_if_changed(huge)
    assert articles.get("id", "kram-otot-betis") == before
    articles.check_fits(before)  # a normal article fits


# --- CauseStore ----------------------------------------------------------------------------------


def _causes(**changes: Any) -> PublishedCauses:
    taxonomy, analysis, _ = real_index()
    taxonomy = taxonomy.model_validate_json(taxonomy.model_dump_json())  # without the editor's `$schema`
    return replace(PublishedCauses(taxonomy, analysis, content_hash(taxonomy), PUBLISHED_AT, "version-1"), **changes)


def test_no_taxonomy_until_one_is_published(causes: CauseStore) -> None:
    assert causes.get() is None
    assert causes.current_hash() is None


def test_a_taxonomy_round_trips_with_its_analysis(causes: CauseStore) -> None:
    published = _causes()
    assert causes.put_if_changed(published) is not None
    assert causes.get() == published
    assert causes.current_hash() == published.content_hash


def test_the_same_taxonomy_is_not_written_again(causes: CauseStore) -> None:
    causes.put_if_changed(_causes())
    assert causes.put_if_changed(_causes(published_at=PUBLISHED_AT + dt.timedelta(days=1))) is None
    stored = causes.get()
    assert stored is not None and stored.published_at == PUBLISHED_AT


def test_an_analysis_of_another_version_is_refused_until_published_again(causes: CauseStore) -> None:
    current = _causes()
    stale = replace(current, analysis=current.analysis.model_copy(update={"version": current.analysis.version - 1}))
    causes.put_if_changed(stale)
    with pytest.raises(ContentUnavailable):
        causes.get()
    assert causes.put_if_changed(current) is not None  # same content, fresh analysis: written
    assert causes.get() == current


def _many_causes(count: int) -> PublishedCauses:
    """A taxonomy of ``count`` causes, copies of the real ones under ids of their own, each with its analysis."""
    real = _causes()
    pairs = list(zip(real.taxonomy.causes, real.analysis.causes, strict=True))
    causes, analyzed = [], []
    for number in range(count):
        cause, entry = pairs[number % len(pairs)]
        causes.append(cause.model_copy(update={"id": f"{cause.id}-{number}"}))
        analyzed.append(entry.model_copy(update={"id": f"{cause.id}-{number}"}))
    taxonomy = real.taxonomy.model_copy(update={"causes": causes})
    analysis = real.analysis.model_copy(update={"causes": analyzed})
    return replace(real, taxonomy=taxonomy, analysis=analysis, content_hash=content_hash(taxonomy))


def test_a_taxonomy_of_4000_causes_round_trips(causes: CauseStore) -> None:
    """A taxonomy has no size ceiling: 4,000 causes are about 3 MB of records and 14 MB of analysis, where one
    DynamoDB item held 341 of them."""
    published = _many_causes(4000)
    causes.check_fits(published)
    assert causes.put_if_changed(published) is not None
    assert causes.get() == published
    assert causes.current_hash() == published.content_hash


def test_a_cause_too_large_to_store_is_rejected_and_nothing_changes(causes: CauseStore) -> None:
    before = _causes()
    causes.put_if_changed(before)
    first, entry = before.taxonomy.causes[0], before.analysis.causes[0]
    mentioned = first.model_copy(update={"mentions": first.mentions * 6000})  # about 500 KB of mentions
    analyzed = entry.model_copy(update={"excerpts": entry.excerpts * 6000})
    huge = replace(
        before,
        taxonomy=before.taxonomy.model_copy(update={"causes": [mentioned, *before.taxonomy.causes[1:]]}),
        analysis=before.analysis.model_copy(update={"causes": [analyzed, *before.analysis.causes[1:]]}),
        content_hash="another",
    )
    with pytest.raises(DocumentRejected, match=f"cause {first.id!r}.*bytes"):
        causes.check_fits(huge)
    with pytest.raises(DocumentRejected, match="bytes"):
        causes.put_if_changed(huge)
    assert causes.get() == before


def test_the_mentions_of_one_article_are_read_without_the_taxonomy(causes: CauseStore) -> None:
    assert causes.mentions_of("id", "kram-otot-betis") == []
    published = _many_causes(1200)  # more mentions of the one article than one stored part holds
    causes.put_if_changed(published)
    expected = [
        (cause.id, mention)
        for cause in published.taxonomy.causes
        for mention in cause.mentions
        if (mention.locale, mention.article) == ("id", "kram-otot-betis")
    ]
    assert [(each.cause_id, each.mention) for each in causes.mentions_of("id", "kram-otot-betis")] == expected
    assert len(expected) > 1000
    assert causes.mentions_of("en", "kram-otot-betis") == []
    assert causes.mentions_of("id", "kram-otot") == []  # a slug that begins another is another article


def test_an_articles_causes_are_read_with_its_mentions_without_the_taxonomy(causes: CauseStore) -> None:
    assert causes.article_mentions("id", "kram-otot-betis") is None
    published = _many_causes(300)
    causes.put_if_changed(published)
    read = causes.article_mentions("id", "kram-otot-betis")
    assert read is not None
    assert (read.content_hash, read.published_at) == (published.content_hash, published.published_at)
    assert read.mentions == causes.mentions_of("id", "kram-otot-betis")
    named = {each.cause_id for each in read.mentions}
    assert read.causes == {cause.id: cause for cause in published.taxonomy.causes if cause.id in named}
    assert len(read.causes) == 300  # more than one BatchGetItem call holds
    elsewhere = causes.article_mentions("en", "kram-otot-betis")
    assert elsewhere is not None and (elsewhere.mentions, elsewhere.causes) == ([], {})


@dataclass
class Replacement:
    """A store that writes, another that reads the same taxonomy, and a way to read between the writer's steps."""

    writer: CauseStore
    reader: CauseStore
    after_each_write: Callable[[Callable[[], None]], None]


_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@pytest.fixture(params=BACKENDS)
def replacement(request: pytest.FixtureRequest) -> Replacement:
    if request.param == "in-memory":
        store = InMemoryCauseStore()

        def after_the_step(callback: Callable[[], None]) -> None:
            store.after_write = callback

        return Replacement(store, store, after_the_step)
    table = request.getfixturevalue("moto_table")
    other_client = boto3.resource("dynamodb", region_name="us-east-1").Table(table.name)

    def after_each_call(callback: Callable[[], None]) -> None:
        def call_made(model: Any, **_: Any) -> None:
            if model.name in _WRITES:
                callback()

        table.meta.client.meta.events.register("after-call.dynamodb", call_made)

    return Replacement(DynamoCauseStore(table), DynamoCauseStore(other_client), after_each_call)


def test_a_reader_during_a_replacement_sees_the_old_taxonomy_or_the_new_one(replacement: Replacement) -> None:
    old, new = _causes(), _many_causes(120)
    replacement.writer.put_if_changed(old)
    seen: list[str] = []

    def read() -> None:
        found = replacement.reader.get()
        seen.append("none" if found is None else "old" if found == old else "new" if found == new else "a mix")

    replacement.after_each_write(read)
    replacement.writer.put_if_changed(new)
    replacement.writer.delete()
    # old until the new one is in, then new until it is retracted, then none: never a mix, never back
    assert seen[0] in {"old", "new"} and "new" in seen and seen[-1] == "none"
    assert seen == sorted(seen, key=["old", "new", "none"].index)


def _taxonomy_items(table: Any) -> list[tuple[str, str]]:
    return sorted((item["pk"], item["sk"]) for item in table.scan()["Items"] if item["pk"].startswith("TAXONOMY"))


def test_a_replaced_or_retracted_taxonomy_leaves_no_items_behind(moto_table: Any) -> None:
    store = DynamoCauseStore(moto_table)
    store.put_if_changed(_many_causes(60))
    store.put_if_changed(_causes())
    header = moto_table.get_item(Key={"pk": "TAXONOMY", "sk": "causes"})["Item"]
    generation = f"TAXONOMY#{header['generation']}"
    kept = _taxonomy_items(moto_table)
    assert {pk for pk, _ in kept} == {"TAXONOMY", generation}
    causes = [sk for pk, sk in kept if pk == generation and sk.startswith("cause#")]
    assert len(causes) == len(_causes().taxonomy.causes)
    store.delete()
    assert _taxonomy_items(moto_table) == []


def test_a_generation_its_writer_abandoned_is_deleted_by_the_next_writer(moto_table: Any) -> None:
    clock = Clock()
    store = DynamoCauseStore(moto_table, DynamoChangeLog(moto_table, clock=clock))
    store.put_if_changed(_causes())
    before = _taxonomy_items(moto_table)
    # A writer that stopped after writing part of its items, before any header named them.
    moto_table.put_item(Item={"pk": "TAXONOMY", "sk": "generation#abandoned", "started_at": clock.now.isoformat()})
    moto_table.put_item(Item={"pk": "TAXONOMY#abandoned", "sk": "cause#000000", "document": "{}"})
    clock.now += dt.timedelta(minutes=5)  # perhaps still writing: kept
    store.put_if_changed(_many_causes(3))
    assert ("TAXONOMY#abandoned", "cause#000000") in _taxonomy_items(moto_table)
    clock.now += dt.timedelta(hours=1)
    store.put_if_changed(_causes())
    assert not any("abandoned" in pk or "abandoned" in sk for pk, sk in _taxonomy_items(moto_table))
    assert len(_taxonomy_items(moto_table)) == len(before)


def test_a_writer_that_loses_the_race_leaves_nothing_behind(moto_table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    log = DynamoChangeLog(moto_table)
    store, other = DynamoCauseStore(moto_table, log), DynamoCauseStore(moto_table, DynamoChangeLog(moto_table))
    commit = log.commit

    def another_writer_first(*arguments: Any, **named: Any) -> Any:
        other.put_if_changed(_causes())  # the same taxonomy, published by another ingest meanwhile
        return commit(*arguments, **named)

    monkeypatch.setattr(log, "commit", another_writer_first)
    assert store.put_if_changed(_causes()) is None  # its header condition failed; then it found nothing to change
    assert store.get() == _causes()
    header = moto_table.get_item(Key={"pk": "TAXONOMY", "sk": "causes"})["Item"]
    assert {pk for pk, _ in _taxonomy_items(moto_table)} == {"TAXONOMY", f"TAXONOMY#{header['generation']}"}


def test_a_reader_whose_taxonomy_is_replaced_as_it_reads_reads_the_new_one(moto_table: Any) -> None:
    """The reader has read the header; the writer then replaces the taxonomy and deletes the causes it named."""
    writer = DynamoCauseStore(moto_table)
    writer.put_if_changed(_causes())
    reader_table = boto3.resource("dynamodb", region_name="us-east-1").Table(moto_table.name)
    replaced: list[bool] = []

    def header_read(model: Any, **_: Any) -> None:
        if model.name == "GetItem" and not replaced:
            replaced.append(True)
            writer.put_if_changed(_many_causes(50))

    reader_table.meta.client.meta.events.register("after-call.dynamodb", header_read)
    assert DynamoCauseStore(reader_table).get() == _many_causes(50)
    assert replaced


def test_a_reader_of_an_articles_causes_whose_taxonomy_is_replaced_as_it_reads_reads_the_new_one(
    moto_table: Any,
) -> None:
    """The reader has read the header and the article's mentions; the writer then replaces the taxonomy and
    deletes the generation they were in, so the causes they name are gone or going."""
    writer = DynamoCauseStore(moto_table)
    writer.put_if_changed(_causes())
    reader_table = boto3.resource("dynamodb", region_name="us-east-1").Table(moto_table.name)
    replaced: list[bool] = []
    reads: list[str] = []

    def mentions_read(model: Any, **_: Any) -> None:
        reads.append(model.name)
        if reads == ["GetItem", "GetItem"]:  # the header, then the article's mentions
            replaced.append(True)
            writer.put_if_changed(_many_causes(50))

    reader_table.meta.client.meta.events.register("after-call.dynamodb", mentions_read)
    read = DynamoCauseStore(reader_table).article_mentions("id", "kram-otot-betis")
    assert read is not None and read.content_hash == _many_causes(50).content_hash
    assert set(read.causes) == {each.cause_id for each in read.mentions} and replaced


def test_a_taxonomy_stored_whole_by_an_earlier_release_is_refused_until_published_again(moto_table: Any) -> None:
    """The layout before one item per cause: the whole taxonomy and its gzipped analysis in the header's place."""
    published = _causes()
    moto_table.put_item(
        Item={
            "pk": "TAXONOMY",
            "sk": "causes",
            "document": published.taxonomy.model_dump_json(),
            "analysis": gzip.compress(published.analysis.model_dump_json().encode()),
            "analysis_version": published.analysis.version,
            "content_hash": published.content_hash,
            "published_at": published.published_at.isoformat(),
        }
    )
    store = DynamoCauseStore(moto_table)
    with pytest.raises(ContentUnavailable):
        store.get()
    with pytest.raises(ContentUnavailable):
        store.mentions_of("id", "kram-otot-betis")
    with pytest.raises(ContentUnavailable):
        store.article_mentions("id", "kram-otot-betis")
    change = store.put_if_changed(published)  # the same content: stored again, in this layout
    assert change is not None and change.change is ChangeType.UPDATED
    assert store.get() == published


# --- CauseIndexFiles -----------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def cause_files(request: pytest.FixtureRequest) -> Iterator[CauseIndexFiles]:
    if request.param == "in-memory":
        yield InMemoryCauseIndexFiles()
        return
    with moto_mock():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="contract")
        client.put_bucket_versioning(Bucket="contract", VersioningConfiguration=template.bucket_versioning())
        yield S3CauseIndexFiles(client, "contract")


def test_no_cause_index_file_until_one_is_stored(cause_files: CauseIndexFiles, tmp_path: Path) -> None:
    assert cause_files.fetch(tmp_path / "causes.sqlite") is False
    assert cause_files.stored() is None


def test_a_cause_index_file_round_trips_with_the_taxonomy_it_was_built_from(
    cause_files: CauseIndexFiles, tmp_path: Path
) -> None:
    published = _causes()
    built = CauseDatabase.create(published, tmp_path / "built.sqlite")
    cause_files.store(tmp_path / "built.sqlite", published.content_hash)
    assert cause_files.stored() == published.content_hash
    assert cause_files.fetch(tmp_path / "fetched.sqlite") is True
    assert (tmp_path / "fetched.sqlite").read_bytes() == (tmp_path / "built.sqlite").read_bytes()
    later = _many_causes(3)
    rebuilt = CauseDatabase.create(later, tmp_path / "later.sqlite")
    cause_files.store(tmp_path / "later.sqlite", later.content_hash)  # the next version replaces it
    assert cause_files.stored() == later.content_hash
    built.close()
    rebuilt.close()


def test_delete_removes_the_taxonomy_once(causes: CauseStore) -> None:
    causes.put_if_changed(_causes())
    assert causes.delete() is not None
    assert causes.get() is None
    assert causes.delete() is None


# --- the change log, written with the content -----------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = PUBLISHED_AT

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class LoggedContent:
    articles: ArticleStore
    causes: CauseStore
    log: ChangeLog
    clock: Clock


@pytest.fixture(params=BACKENDS)
def logged(request: pytest.FixtureRequest) -> LoggedContent:
    clock = Clock()
    if request.param == "in-memory":
        memory = InMemoryChangeLog(announce=True, clock=clock)
        return LoggedContent(InMemoryArticleStore(changes=memory), InMemoryCauseStore(changes=memory), memory, clock)
    table = request.getfixturevalue("moto_table")
    dynamo = DynamoChangeLog(table, announce=True, clock=clock)
    return LoggedContent(DynamoArticleStore(table, dynamo), DynamoCauseStore(table, dynamo), dynamo, clock)


def _with_correction(document: dict[str, Any], reason: str) -> dict[str, Any]:
    correction = {"original": "lama", "corrected": "baru", "reason": reason}
    return {**document, "corrections": [*document.get("corrections", []), correction]}


def test_every_change_is_logged_in_order_with_its_reason(logged: LoggedContent, seed_document) -> None:
    articles, log = logged.articles, logged.log
    articles.put_if_changed(_article(seed_document))
    articles.put_if_changed(_article(seed_document, title="Judul baru"))
    corrected = _with_correction({**seed_document, "title": "Judul baru"}, "Nama obat diperbaiki")
    articles.put_if_changed(_article(corrected))
    articles.delete("id", "kram-otot-betis", "Sumber ditarik penerbitnya")
    articles.put_if_changed(_article(corrected))
    logged.causes.put_if_changed(_causes())

    entries = log.entries_after(0, 100).changes
    assert [(e.sequence, e.kind, e.change, e.reason) for e in entries] == [
        (1, "article", ChangeType.PUBLISHED, None),
        (2, "article", ChangeType.UPDATED, None),
        (3, "article", ChangeType.CORRECTED, "Nama obat diperbaiki"),
        (4, "article", ChangeType.RETRACTED, "Sumber ditarik penerbitnya"),
        (5, "article", ChangeType.PUBLISHED, None),
        (6, "causes", ChangeType.PUBLISHED, None),
    ]
    assert entries[0].id == "kram-otot-betis" and entries[0].locale == "id"
    assert entries[3].version is None and entries[4].version == _article(corrected).content_hash
    assert log.latest_sequence() == 6
    assert [e.sequence for e in log.entries_after(4, 1).changes] == [5]


def test_identical_content_logs_nothing(logged: LoggedContent, seed_document) -> None:
    logged.articles.put_if_changed(_article(seed_document))
    logged.articles.put_if_changed(_article(seed_document))
    logged.causes.put_if_changed(_causes())
    logged.causes.put_if_changed(_causes())
    assert logged.log.latest_sequence() == 2


def test_a_retraction_is_remembered_until_the_article_returns(logged: LoggedContent, seed_document) -> None:
    articles = logged.articles
    articles.put_if_changed(_article(seed_document))
    assert articles.retraction("id", "kram-otot-betis") is None
    logged.clock.now = PUBLISHED_AT + dt.timedelta(hours=2)
    articles.delete("id", "kram-otot-betis", "Sumber ditarik")
    retraction = articles.retraction("id", "kram-otot-betis")
    assert retraction is not None and (retraction.reason, retraction.at) == ("Sumber ditarik", logged.clock.now)
    assert articles.withdrawn() == {("kram-otot-betis", "id")}
    assert articles.delete("id", "kram-otot-betis", "again") is None  # nothing published: nothing logged
    assert logged.log.latest_sequence() == 2
    articles.put_if_changed(_article(seed_document))
    assert articles.retraction("id", "kram-otot-betis") is None
    assert articles.withdrawn() == frozenset()


def test_a_failed_write_logs_nothing(logged: LoggedContent, seed_document) -> None:
    with pytest.raises(DocumentRejected):
        logged.articles.put_if_changed(_article(too_large_to_store(seed_document)))
    assert logged.log.latest_sequence() == 0 and logged.log.pending_events(10) == []


def test_entries_expire_after_the_retention(logged: LoggedContent, seed_document) -> None:
    logged.articles.put_if_changed(_article(seed_document))
    logged.clock.now = PUBLISHED_AT + dt.timedelta(days=60)
    logged.articles.put_if_changed(_article(seed_document, title="Judul baru"))
    logged.clock.now = PUBLISHED_AT + dt.timedelta(days=91)
    assert [e.sequence for e in logged.log.entries_after(0, 10).changes] == [2]
    assert logged.log.latest_sequence() == 2


@pytest.fixture
def short_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read of the DynamoDB log looks at 2 queries of 5 or 6 entries (as many as asked) rather than 4 of 25, so
    that a few dozen expired entries span several bounded reads, each of them continued within and after: each
    write here is a moto transaction that copies the whole table, and the hundreds of writes that 4 x 25 needed
    took 20 s. (The in-memory log reads to the end in one go.)"""
    monkeypatch.setattr(changelog, "_MAX_QUERIES", 2)
    monkeypatch.setattr(changelog, "_MIN_BATCH", 5)


@pytest.mark.usefixtures("short_reads")
def test_a_read_through_many_expired_entries_says_where_it_stopped(logged: LoggedContent, seed_document) -> None:
    for number in range(15):  # one and a half reads of 10
        logged.articles.put_if_changed(_article(seed_document, title=f"Versi {number}"))
    logged.clock.now = PUBLISHED_AT + dt.timedelta(days=91)
    logged.articles.put_if_changed(_article(seed_document, title="Versi terbaru"))
    read = logged.log.entries_after(0, 5)
    reads, position, kept = 1, read.read_to, list(read.changes)
    while not kept and not read.exhausted:  # a bounded read may see only expired entries; it carries on from there
        read = logged.log.entries_after(position, 5)
        reads, position, kept = reads + 1, read.read_to, list(read.changes)
    assert [change.sequence for change in kept] == [16]
    assert reads == (2 if isinstance(logged.log, DynamoChangeLog) else 1)


@pytest.mark.usefixtures("short_reads")
def test_the_feed_from_its_start_walks_past_expired_entries_without_a_410(logged: LoggedContent, seed_document) -> None:
    for number in range(36):  # three pages of 12 with nothing kept
        logged.articles.put_if_changed(_article(seed_document, title=f"Versi {number}"))
    logged.clock.now = PUBLISHED_AT + dt.timedelta(days=91)
    logged.articles.put_if_changed(_article(seed_document, title="Versi terbaru"))
    feed, since, seen, pages = ChangeFeed(logged.log), None, [], 0
    for _ in range(100):
        page = feed.page(since, 5)
        seen += [change.sequence for change in page.changes]
        since, pages = page.cursor, pages + 1
        if not page.more:
            break
    assert seen == [37]
    assert pages == (4 if isinstance(logged.log, DynamoChangeLog) else 1)  # from one page that skips to another
    assert feed.page(since, 5).changes == []  # and the cursor kept is an ordinary one


def test_pending_events_wait_until_sent(logged: LoggedContent, seed_document) -> None:
    logged.articles.put_if_changed(_article(seed_document))
    logged.causes.put_if_changed(_causes())
    assert [e.sequence for e in logged.log.pending_events(10)] == [1, 2]
    logged.log.events_sent([1])
    assert [e.sequence for e in logged.log.pending_events(10)] == [2]


def test_an_event_claimed_by_one_relay_is_not_claimed_by_another_until_its_lease_lapses(
    logged: LoggedContent, seed_document
) -> None:
    logged.articles.put_if_changed(_article(seed_document))
    logged.causes.put_if_changed(_causes())
    lease = dt.timedelta(minutes=2)
    assert [e.sequence for e in logged.log.claim_events(1, "relay-a", lease)] == [1]
    assert [e.sequence for e in logged.log.claim_events(10, "relay-b", lease)] == [2]  # the one not held
    assert logged.log.claim_events(10, "relay-c", lease) == []
    logged.log.release_events([2], "relay-a")  # not relay-a's to give back
    assert logged.log.claim_events(10, "relay-c", lease) == []
    logged.log.release_events([2], "relay-b")
    assert [e.sequence for e in logged.log.claim_events(10, "relay-c", lease)] == [2]
    logged.log.events_sent([2])
    logged.clock.now += lease + dt.timedelta(seconds=1)  # relay-a died holding 1
    assert [e.sequence for e in logged.log.claim_events(10, "relay-d", lease)] == [1]
    assert [e.sequence for e in logged.log.pending_events(10)] == [1]


def test_writers_racing_for_the_log_both_land_once_in_order(
    moto_table: Any, seed_document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer commits between this writer's read of the log head and its transaction."""
    log = DynamoChangeLog(moto_table)
    store, other = DynamoArticleStore(moto_table, log), DynamoArticleStore(moto_table, DynamoChangeLog(moto_table))
    store.put_if_changed(_article(seed_document))
    read_head = log.latest_sequence
    interleaved: list[str] = []

    def head_read_before_another_commit(*, consistent: bool = False) -> int:
        seen = read_head(consistent=consistent)
        if not interleaved:
            interleaved.append("done")
            other.put_if_changed(_article(seed_document, title="Versi orang lain"))
            other.put_if_changed(_article(seed_document, slug="artikel-lain"))
        return seen

    monkeypatch.setattr(log, "latest_sequence", head_read_before_another_commit)
    change = store.put_if_changed(_article(seed_document, title="Versi ini"))
    assert change is not None and change.sequence == 4
    entries = log.entries_after(0, 10).changes
    assert [(e.sequence, e.id, e.change) for e in entries] == [
        (1, "kram-otot-betis", ChangeType.PUBLISHED),
        (2, "kram-otot-betis", ChangeType.UPDATED),
        (3, "artikel-lain", ChangeType.PUBLISHED),
        (4, "kram-otot-betis", ChangeType.UPDATED),
    ]
    stored = store.get("id", "kram-otot-betis")
    assert stored is not None and stored.article.title == "Versi ini" and entries[-1].version == stored.content_hash


# --- ContentSource -------------------------------------------------------------------------------


class Bucket(Protocol):
    """How a test writes to the bucket behind a ContentSource, as an editor would."""

    def put(self, key: str, body: bytes) -> str | None: ...

    def delete(self, key: str) -> None: ...

    def retract(self, key: str, reason: str) -> None:
        """What `content-api unpublish` writes before deleting the key."""
        ...


@dataclass
class S3Bucket:
    client: Any
    name: str

    def put(self, key: str, body: bytes) -> str | None:
        version: str | None = self.client.put_object(Bucket=self.name, Key=key, Body=body).get("VersionId")
        return version

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)

    def retract(self, key: str, reason: str) -> None:
        S3ContentSource(self.client, self.name).record_retraction(key, reason, PUBLISHED_AT)


@pytest.fixture(params=BACKENDS)
def bucket(request: pytest.FixtureRequest) -> Iterator[tuple[ContentSource, Bucket]]:
    if request.param == "in-memory":
        fake = InMemoryContentSource()
        yield fake, _FakeEditor(fake)
        return
    with moto_mock():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="contract")
        client.put_bucket_versioning(Bucket="contract", VersioningConfiguration=template.bucket_versioning())
        yield S3ContentSource(client, "contract"), S3Bucket(client, "contract")


@dataclass
class _FakeEditor:
    source: InMemoryContentSource

    def put(self, key: str, body: bytes) -> str | None:
        return self.source.put(key, body)

    def delete(self, key: str) -> None:
        self.source.delete(key)

    def retract(self, key: str, reason: str) -> None:
        self.source.record_retraction(key, reason)


KEY = "articles/id/kram-otot-betis.json"


def test_a_missing_key_has_no_version(bucket: tuple[ContentSource, Bucket]) -> None:
    source, _ = bucket
    assert source.fetch_latest(KEY, 1000) is None
    assert source.latest_version_id(KEY) is None
    assert source.read_outcome(KEY) is None


def test_the_latest_version_is_fetched(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    editor.put(KEY, b'{"v": 1}')
    second = editor.put(KEY, b'{"v": 2}')
    fetched = source.fetch_latest(KEY, 1000)
    assert fetched is not None and fetched.body == b'{"v": 2}' and fetched.key == KEY
    assert fetched.version_id == second == source.latest_version_id(KEY)
    assert fetched.last_modified.tzinfo is not None


def test_a_fetch_reads_at_most_what_it_asks_for(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    editor.put(KEY, b"x" * 100)
    fetched = source.fetch_latest(KEY, 10)
    assert fetched is not None and fetched.body == b"x" * 10


def test_a_deleted_key_has_no_latest_version(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    editor.put(KEY, b"{}")
    editor.delete(KEY)
    assert source.fetch_latest(KEY, 1000) is None
    assert source.latest_version_id(KEY) is None


def test_an_outcome_is_recorded_and_read_back(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    version = editor.put(KEY, b"{}")
    report = PublishReport(
        key=KEY,
        status=PublishStatus.REJECTED,
        version_id=version,
        reasons=["title: String should have at least 1 character"],
        checked_at=PUBLISHED_AT,
    )
    source.record_outcome(report)
    assert source.read_outcome(KEY) == report
    assert source.read_outcome("articles/id/lain.json") is None


def test_the_reason_for_unpublishing_is_read_back(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    editor.put(KEY, b"{}")
    assert source.unpublish_request(KEY) is None
    editor.retract(KEY, "Ditinjau ulang oleh dokter")
    editor.delete(KEY)
    request = source.unpublish_request(KEY)
    assert request is not None and request.reason == "Ditinjau ulang oleh dokter"


def test_a_used_reason_is_forgotten_but_one_recorded_since_is_kept(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    editor.retract(KEY, "Pertama")
    first = source.unpublish_request(KEY)
    assert first is not None
    editor.retract(KEY, "Kedua")  # a second unpublish while the first removal is being recorded
    source.forget_unpublish_request(first)
    second = source.unpublish_request(KEY)
    assert second is not None and second.reason == "Kedua"
    source.forget_unpublish_request(second)
    assert source.unpublish_request(KEY) is None


def test_each_version_s_outcome_is_kept_when_a_later_one_is_reported(bucket: tuple[ContentSource, Bucket]) -> None:
    source, editor = bucket
    first, second = editor.put(KEY, b"{}"), editor.put(KEY, b"{ }")
    for version, status in ((first, PublishStatus.PUBLISHED), (second, PublishStatus.REJECTED)):
        source.record_outcome(PublishReport(key=KEY, status=status, version_id=version, checked_at=PUBLISHED_AT))
    latest, earlier = source.read_outcome(KEY), source.read_outcome(KEY, first)
    assert latest is not None and (latest.version_id, latest.status) == (second, PublishStatus.REJECTED)
    assert earlier is not None and (earlier.version_id, earlier.status) == (first, PublishStatus.PUBLISHED)
    assert source.read_outcome(KEY, "no-such-version") is None


def test_a_listing_filter_keeps_what_changed_after_an_instant_and_has_a_tag(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    for number in range(12):
        changed = replace(
            _article(seed_document, slug=f"artikel-{number:02d}", tags=["kram"] if number % 3 == 0 else ["lain"]),
            published_at=PUBLISHED_AT + dt.timedelta(hours=number),
        )
        articles.put_if_changed(changed)
    since = PUBLISHED_AT + dt.timedelta(hours=5, minutes=30)
    seen: list[str] = []
    cursor: str | None = None
    while True:  # three at a time, so the filter has to look past pages it leaves empty
        page = articles.list("id", 3, cursor, ListingFilter(updated_since=since))
        seen.extend(item.slug for item in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"artikel-{number:02d}" for number in range(6, 12)]
    tagged = articles.list("id", 20, None, ListingFilter(tag="kram")).items
    assert [item.slug for item in tagged] == ["artikel-00", "artikel-03", "artikel-06", "artikel-09"]
    both = articles.list("id", 20, None, ListingFilter(updated_since=since, tag="kram")).items
    assert [item.slug for item in both] == ["artikel-06", "artikel-09"]
    assert all(item.content_hash for item in both)


# --- listings: read apart from the documents, every filter a key condition ------------------------


class ListingReads(Protocol):
    """What the listings of a store read: items, and of them how many held a whole article."""

    def items(self) -> int: ...

    def documents(self) -> int: ...


class CountingTable:
    """A boto3 Table whose queries count what DynamoDB reads (and bills): every item evaluated, whole, whatever
    the projection returns of it; ``read_bytes`` by DynamoDB's size rules."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.read_items: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def query(self, **request: Any) -> Any:
        response = self._table.query(**request)
        evaluated = response["ScannedCount"]
        if evaluated:  # the same range again, whole: what the read was billed for
            bare = {k: v for k, v in request.items() if k not in ("ProjectionExpression", "FilterExpression")}
            if "ProjectionExpression" in request:  # the names it spelled out are the projection's (see list)
                bare.pop("ExpressionAttributeNames", None)
            self.read_items += self._table.query(**{**bare, "Limit": evaluated})["Items"]
        return response

    def items(self) -> int:
        return len(self.read_items)

    def documents(self) -> int:
        return sum(1 for item in self.read_items if "document" in item)

    def read_bytes(self) -> int:
        return sum(item_size(item) for item in self.read_items)


@dataclass
class MemoryReads:
    store: InMemoryArticleStore

    def items(self) -> int:
        return self.store.listing_reads

    def documents(self) -> int:
        return 0  # its listings are apart from its articles: a listing cannot read one


@pytest.fixture(params=BACKENDS)
def counted(request: pytest.FixtureRequest) -> tuple[ArticleStore, ListingReads]:
    if request.param == "in-memory":
        store = InMemoryArticleStore()
        return store, MemoryReads(store)
    table = CountingTable(request.getfixturevalue("moto_table"))
    return DynamoArticleStore(table), table


def _catalogue(articles: ArticleStore, seed_document: dict[str, Any], count: int = 12) -> list[PublishedArticle]:
    """``count`` articles published in the reverse of their slug order, an hour apart; every third one tagged
    "kram", the others "lain" (and some "lain" twice: a tag listed twice is one tag)."""
    published = []
    for number in range(count):
        tags = ["kram", "otot betis"] if number % 3 == 0 else ["lain", "lain"] if number % 2 else ["lain"]
        article = replace(
            _article(seed_document, slug=f"artikel-{number:02d}", tags=tags),
            published_at=PUBLISHED_AT + dt.timedelta(hours=count - number),
        )
        articles.put_if_changed(article)
        published.append(article)
    return published


def _walk(articles: ArticleStore, limit: int, only: ListingFilter | None = None) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = articles.list("id", limit, cursor, only)
        pages.append([item.slug for item in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


LISTINGS = {
    "all": None,
    "tag": ListingFilter(tag="kram"),
    "updated_since": ListingFilter(updated_since=PUBLISHED_AT + dt.timedelta(hours=4, minutes=30)),
    "both": ListingFilter(updated_since=PUBLISHED_AT + dt.timedelta(hours=4, minutes=30), tag="kram"),
}


@pytest.mark.parametrize("only", LISTINGS.values(), ids=LISTINGS.keys())
def test_a_listing_reads_only_listings_and_one_more_than_its_page(
    counted: tuple[ArticleStore, ListingReads], seed_document: dict[str, Any], only: ListingFilter | None
) -> None:
    articles, reads = counted
    _catalogue(articles, seed_document)
    before = reads.items()
    page = articles.list("id", 2, None, only)
    assert len(page.items) == 2 and page.next_cursor is not None
    assert reads.items() - before == 3  # the page and the one that says there is another
    assert reads.documents() == 0
    if isinstance(reads, CountingTable):  # what DynamoDB bills: a few listings, not the articles' documents
        document_bytes = len(_article(seed_document).article.model_dump_json().encode())
        assert reads.read_bytes() < document_bytes / 2


def test_filtered_pages_are_full_and_their_cursors_visit_every_match_once(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    _catalogue(articles, seed_document)
    # a tag keeps slug order
    assert _walk(articles, 2, LISTINGS["tag"]) == [["artikel-00", "artikel-03"], ["artikel-06", "artikel-09"]]
    assert _walk(articles, 3, ListingFilter(tag="otot betis")) == [
        ["artikel-00", "artikel-03", "artikel-06"],
        ["artikel-09"],
    ]
    # updated_since lists in order of publication, oldest first: here the reverse of slug order
    assert _walk(articles, 3, LISTINGS["updated_since"]) == [
        ["artikel-07", "artikel-06", "artikel-05"],
        ["artikel-04", "artikel-03", "artikel-02"],
        ["artikel-01", "artikel-00"],
    ]
    assert _walk(articles, 1, LISTINGS["both"]) == [["artikel-06"], ["artikel-03"], ["artikel-00"]]


def test_updated_since_keeps_only_what_was_published_after_the_instant_and_orders_ties_by_slug(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    at = PUBLISHED_AT + dt.timedelta(minutes=5)
    for slug, published_at in [("c", at), ("a", at), ("b", at), ("d", PUBLISHED_AT)]:
        articles.put_if_changed(replace(_article(seed_document, slug=slug), published_at=published_at))
    assert _walk(articles, 2, ListingFilter(updated_since=PUBLISHED_AT)) == [["a", "b"], ["c"]]
    assert _walk(articles, 5, ListingFilter(updated_since=at)) == [[]]  # after the instant, not at it
    jakarta = dt.timezone(dt.timedelta(hours=7))
    assert _walk(articles, 5, ListingFilter(updated_since=at.astimezone(jakarta) - dt.timedelta(seconds=1))) == [
        ["a", "b", "c"]
    ]


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), 1),  # before year 1 in UTC
        (dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-1))), 0),  # after year 9999
    ],
    ids=["first-day", "last-day"],
)
def test_instants_at_the_ends_of_the_calendar_are_before_or_after_everything(
    articles: ArticleStore, seed_document: dict[str, Any], since: dt.datetime, listed: int
) -> None:
    articles.put_if_changed(_article(seed_document))
    assert len(articles.list("id", 10, None, ListingFilter(updated_since=since)).items) == listed


def test_a_cursor_is_good_only_for_a_listing_of_the_order_it_was_issued_in(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    _catalogue(articles, seed_document)
    by_slug = articles.list("id", 2, None, LISTINGS["tag"]).next_cursor
    by_time = articles.list("id", 2, None, LISTINGS["updated_since"]).next_cursor
    assert by_slug is not None and by_time is not None
    with pytest.raises(InvalidCursor):
        articles.list("id", 2, by_slug, LISTINGS["updated_since"])
    with pytest.raises(InvalidCursor):
        articles.list("id", 2, by_time, None)
    with pytest.raises(InvalidCursor):  # a position in time that is not one
        fields = json.loads(base64.urlsafe_b64decode(by_time + "=" * (-len(by_time) % 4)))
        forged = base64.urlsafe_b64encode(json.dumps({**fields, "at": "kemarin"}).encode()).decode()
        articles.list("id", 2, forged, LISTINGS["updated_since"])
    assert [item.slug for item in articles.list("id", 2, by_slug, None).items] == ["artikel-04", "artikel-05"]


def test_a_retracted_article_leaves_every_listing(articles: ArticleStore, seed_document: dict[str, Any]) -> None:
    _catalogue(articles, seed_document, count=4)
    articles.delete("id", "artikel-03")
    for only in LISTINGS.values():
        assert "artikel-03" not in {slug for page in _walk(articles, 10, only) for slug in page}
    assert _walk(articles, 10, ListingFilter(tag="otot betis")) == [["artikel-00"]]


def test_a_new_version_moves_the_article_between_tag_listings(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    articles.put_if_changed(_article(seed_document, tags=["kram", "kejang"]))
    later = replace(_article(seed_document, tags=["kejang", "baru"]), published_at=PUBLISHED_AT + dt.timedelta(days=1))
    articles.put_if_changed(later)
    assert articles.list("id", 10, None, ListingFilter(tag="kram")).items == []
    for tag in ("kejang", "baru"):
        [listing] = articles.list("id", 10, None, ListingFilter(tag=tag)).items
        assert (listing.tags, listing.published_at) == (("kejang", "baru"), later.published_at)
    assert [i.slug for i in articles.list("id", 10, None, ListingFilter(updated_since=PUBLISHED_AT)).items] == [
        "kram-otot-betis"
    ]


def test_an_article_can_trade_all_its_tags_for_as_many_others_at_once(
    articles: ArticleStore, seed_document: dict[str, Any]
) -> None:
    """The most listing items one write touches: 30 tags removed and 30 written (DynamoDB: 66 of a
    transaction's 100 items)."""
    articles.put_if_changed(_article(seed_document, tags=[f"lama {n}" for n in range(30)]))
    assert articles.put_if_changed(_article(seed_document, tags=[f"baru {n}" for n in range(30)])) is not None
    assert articles.list("id", 10, None, ListingFilter(tag="lama 7")).items == []
    assert [i.slug for i in articles.list("id", 10, None, ListingFilter(tag="baru 29")).items] == ["kram-otot-betis"]
    assert articles.delete("id", "kram-otot-betis") is not None
    assert articles.list("id", 10, None, ListingFilter(tag="baru 0")).items == []


def test_nothing_of_a_retracted_article_stays_in_the_table_but_its_retraction(
    moto_table: Any, seed_document: dict[str, Any]
) -> None:
    store = DynamoArticleStore(moto_table)
    store.put_if_changed(_article(seed_document))
    store.delete("id", "kram-otot-betis")
    left = {item["pk"] for item in moto_table.scan()["Items"]}
    assert left == {"RETRACTED", "CHANGELOG", "CHANGES"}


def test_an_article_published_before_listing_items_existed_is_listed_after_its_next_publish(
    moto_table: Any, seed_document: dict[str, Any]
) -> None:
    """A table written by an earlier release: the article item alone. Publishing the same content again (as
    `content-api publish --force` does) writes its listing items as it was published, and logs nothing."""
    store = DynamoArticleStore(moto_table)
    first = _article(seed_document)
    store.put_if_changed(first)
    for item in moto_table.scan()["Items"]:  # back to the earlier layout
        if item["pk"].startswith(("LISTING#", "TAG#")):
            moto_table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        elif item["pk"].startswith("ARTICLES#"):
            moto_table.update_item(Key={"pk": item["pk"], "sk": item["sk"]}, UpdateExpression="REMOVE listing")
    assert store.list("id", 10, None).items == []
    logged = DynamoChangeLog(moto_table).latest_sequence()

    assert store.put_if_changed(replace(first, published_at=PUBLISHED_AT + dt.timedelta(days=3))) is None
    [listing] = store.list("id", 10, None).items
    assert (listing.slug, listing.published_at) == ("kram-otot-betis", PUBLISHED_AT)  # when it was published
    assert [i.slug for i in store.list("id", 10, None, ListingFilter(tag="kram")).items] == ["kram-otot-betis"]
    assert DynamoChangeLog(moto_table).latest_sequence() == logged
    assert store.put_if_changed(first) is None  # and once written, it is not written again
    assert store.get("id", "kram-otot-betis") == first


def test_the_partner_directory_gives_back_a_key_s_partner_and_plan_until_the_key_is_removed(moto_table: Any) -> None:
    directory = DynamoPartnerDirectory(moto_table)
    plan = UsagePlan("stack-partner", rate_limit=50.0, burst_limit=100, quota=1_000_000, quota_period="DAY")
    directory.put(Partner(key_id="k1", name="klinik-sentosa", plan=plan))
    directory.put(Partner(key_id="k2", name="apotek-sehat", plan=None))
    assert directory.lookup("k1") == Partner(key_id="k1", name="klinik-sentosa", plan=plan)
    assert directory.lookup("k2") == Partner(key_id="k2", name="apotek-sehat", plan=None)
    assert directory.lookup("k3") is None
    directory.remove("k1")
    assert directory.lookup("k1") is None
