"""Articles in the serving index on DynamoDB: one item per article, replaced in one transaction with its
listing items and its change-log entry (``changelog``), conditional on the version it replaces.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "ARTICLES#<locale>", sk = "ARTICLE#<slug>"          the article
        document      the validated article as canonical JSON
        content_hash  sha256 of ``document``; a write with the same hash (and search analysis) is skipped
        search        its search analysis, gzipped JSON (binary), opaque here
        listing       the layout of listing items written for it (``LISTING_LAYOUT``); absent on articles
                      published before listing items existed, whose next publish writes them
        title, summary, tags, updated_at, published_at, source_version   as in its listing
        first_published_at, content_changed_at   when it was first published, and when its content last changed
                      (``as_stored``); absent on articles stored before they were kept
    pk = "LISTING#<locale>", sk = "ARTICLE#<slug>"          its listing: the listing fields only
    pk = "TAG#<locale>#<tag>", sk = "ARTICLE#<slug>"        the same listing again, once per distinct tag
        slug, locale, title, summary, tags, updated_at, published_at, content_hash, next_review
        published_order   "<published_at as fixed-width UTC>#<slug>": the sort key of the PublishedOrder index

A listing reads only listing items, so a page reads about what it returns (roughly 1 KB an article, not the
17 KB of its item). ``tag`` is a partition of its own and ``updated_since`` a range of the PublishedOrder
global secondary index (``pk`` and ``published_order``, all attributes projected; template.yaml), so every
filter is a key condition and every page is full: no filter expression reads past what it returns.

The article, its listing, its tag items (a tag it lost is deleted), the change-log entry with the log's head
and the outbox item go in one TransactWriteItems: at most 30 tags each side makes 1 + 1 + 60 + 1 + 3 = 66
items of DynamoDB's 100, and at most 400 KB + 61 listings of a few KB each, well inside its 4 MB.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, Key
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from health_content import cursor as cursors
from health_content.articles.changes import describe_change
from health_content.articles.model import Article
from health_content.articles.store import (
    ArticleListing,
    ListingFilter,
    Page,
    PublishedArticle,
    StoredAnalysis,
    StoredVersion,
    as_stored,
)
from health_content.changes.model import Change, ChangeNote, ChangeType, Retraction
from health_content.errors import ContentUnavailable, InvalidCursor
from health_content.storage.changelog import (
    ConcurrentWrite,
    DynamoChangeLog,
    back_off,
    retraction_item,
    retraction_key,
    transact,
)
from health_content.storage.items import MAX_WRITE_ATTEMPTS, UNREADABLE, check_size, readable, replacing
from health_content.vocabulary import SLUG_BODY, Locale, as_locale

# The layout of the listing items an article item's ``listing`` attribute says were written for it.
LISTING_LAYOUT = 1
# The global secondary index of listing items in order of publication, and its sort key (template.yaml).
PUBLISHED_ORDER_INDEX = "PublishedOrder"
_ORDER = "published_order"
_SORT_KEY = re.compile(rf"^ARTICLE#({SLUG_BODY})$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def _partition(locale: Locale) -> str:
    return f"ARTICLES#{locale}"


def _sort_key(slug: str) -> str:
    return f"ARTICLE#{slug}"


def _listing_partition(locale: Locale, tag: str | None = None) -> str:
    """The partition of a locale's listings, or of those with ``tag``."""
    return f"LISTING#{locale}" if tag is None else f"TAG#{locale}#{tag}"


def _stamp(instant: dt.datetime) -> str:
    """An instant as fixed-width UTC text, whose text order is time order (``isoformat`` drops zero microseconds,
    and ``strftime`` does not pad years before 1000)."""
    try:
        utc = instant.astimezone(dt.UTC)
    except OverflowError:  # an offset that moves the first or last representable day out of range
        utc = (dt.datetime.min if instant.year == dt.MINYEAR else dt.datetime.max).replace(tzinfo=dt.UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        f".{utc.microsecond:06d}Z"
    )


class DynamoArticleStore:
    """ArticleStore on a DynamoDB table (a boto3 ``Table`` resource, created once per container).

    ``table`` may be None to only check sizes (``content-api validate`` does, offline)."""

    def __init__(self, table: Any, changes: DynamoChangeLog | None = None) -> None:
        self._table = table
        self._changes = changes or DynamoChangeLog(table)

    def get(self, locale: Locale, slug: str) -> PublishedArticle | None:
        try:
            item = self._table.get_item(Key={"pk": _partition(locale), "sk": _sort_key(slug)}).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(UNREADABLE) from error
        if item is None:
            return None
        with readable(f"article {locale}/{slug}"):
            return PublishedArticle(
                article=Article.model_validate_json(item["document"]),
                content_hash=item["content_hash"],
                published_at=dt.datetime.fromisoformat(item["published_at"]),
                source_version=item.get("source_version"),
                first_published_at=_instant(item.get("first_published_at")),
                content_changed_at=_instant(item.get("content_changed_at")),
            )

    def list(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        tag = only.tag if only is not None else None
        since = only.updated_since if only is not None else None
        partition = _listing_partition(locale, tag)
        condition: ConditionBase = Key("pk").eq(partition)
        request: dict[str, Any] = {}
        if since is not None:
            # "<stamp>$" sorts after every "<stamp>#<slug>" of that instant and before any later instant.
            request["IndexName"] = PUBLISHED_ORDER_INDEX
            condition = condition & Key(_ORDER).gt(f"{_stamp(since)}$")
        request["KeyConditionExpression"] = condition
        if cursor is not None:
            request["ExclusiveStartKey"] = _start_key(cursor, partition, by_publication=since is not None)
        # Ask for one more than the page so that the last page carries no cursor. Every item read is returned;
        # a second query is needed only when DynamoDB stops at 1 MB (101 listings take about 70 KB, and only
        # summaries near their 5,000-character limit could reach it).
        items: list[dict[str, Any]] = []
        while True:
            request["Limit"] = limit + 1 - len(items)
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(UNREADABLE) from error
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response or len(items) > limit:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        page = items[:limit]
        with readable(f"article listing {locale}"):
            listings = [_listing(item) for item in page]
            next_cursor = _cursor(page[-1], by_publication=since is not None) if len(items) > limit else None
        return Page(items=listings, next_cursor=next_cursor)

    def check_fits(self, published: PublishedArticle) -> None:
        check_size(self._item(published), f"article {published.article.slug!r}")

    def put_if_changed(self, published: PublishedArticle) -> Change | None:
        check_size(self._item(as_stored(published, None)), f"article {published.article.slug!r}")
        article = published.article
        key = {"pk": _partition(article.locale), "sk": _sort_key(article.slug)}
        for attempt in range(MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=key,
                ConsistentRead=True,
                ProjectionExpression="content_hash, document, #search, tags, published_at, listing, "
                "first_published_at, content_changed_at",
                ExpressionAttributeNames={"#search": "search"},
            ).get("Item")
            item = self._item(as_stored(published, _stored_version(previous)))
            try:
                if previous is None or previous["content_hash"] != item["content_hash"]:
                    note = _describe(previous, article)
                elif previous.get("search") != item.get("search"):
                    note = ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
                elif previous.get("listing") != LISTING_LAYOUT:
                    self._write_listings(previous, published)
                    return None
                else:
                    return None
                return self._changes.commit(
                    [
                        {"Put": {"Item": item, **replacing(previous)}},
                        *_listing_writes(published, previous),
                        {"Delete": {"Key": retraction_key(article.locale, article.slug)}},
                    ],
                    note,
                    kind="article",
                    id=article.slug,
                    locale=article.locale,
                    version=item["content_hash"],
                )
            except ConcurrentWrite:
                if attempt + 1 < MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    def _write_listings(self, previous: Mapping[str, Any], published: PublishedArticle) -> None:
        """Write the listing items of an article published before they existed, as it was published (the same
        content, at the time it was): nothing a reader sees changes, so nothing is logged. Conditional on the
        article still being the version read; raises ConcurrentWrite when it is not."""
        article = published.article
        as_published = replace(published, published_at=dt.datetime.fromisoformat(previous["published_at"]))
        writes = [
            {
                "Update": {
                    "Key": {"pk": _partition(article.locale), "sk": _sort_key(article.slug)},
                    "UpdateExpression": "SET listing = :layout",
                    "ConditionExpression": "content_hash = :previous_hash",
                    "ExpressionAttributeValues": {
                        ":layout": LISTING_LAYOUT,
                        ":previous_hash": previous["content_hash"],
                    },
                }
            },
            *_listing_writes(as_published, previous),
        ]
        transact(self._table, writes)

    def delete(self, locale: Locale, slug: str, reason: str | None = None) -> Change | None:
        key = {"pk": _partition(locale), "sk": _sort_key(slug)}
        for attempt in range(MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=key, ConsistentRead=True, ProjectionExpression="content_hash, tags"
            ).get("Item")
            if previous is None:
                return None
            at = self._changes.now()
            try:
                return self._changes.commit(
                    [
                        {"Delete": {"Key": key, **replacing(previous)}},
                        *_listing_removals(locale, slug, _tags(previous)),
                        {"Put": {"Item": retraction_item(Retraction(slug, locale, reason, at))}},
                    ],
                    ChangeNote(ChangeType.RETRACTED, reason),
                    kind="article",
                    id=slug,
                    locale=locale,
                    version=None,
                    at=at,
                )
            except ConcurrentWrite:
                if attempt + 1 < MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    def search_analyses(self, locale: Locale) -> Sequence[StoredAnalysis]:
        request: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(_partition(locale)),
            "ProjectionExpression": "#search, published_at",
            "ExpressionAttributeNames": {"#search": "search"},
            # The index is tagged with the change log's sequence read before: it must hold at least that.
            "ConsistentRead": True,
        }
        found: list[StoredAnalysis] = []
        while True:
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(UNREADABLE) from error
            with readable(f"search analyses {locale}"):
                found.extend(
                    StoredAnalysis(bytes(item["search"]), dt.datetime.fromisoformat(item["published_at"]))
                    for item in response.get("Items", [])
                    if "search" in item
                )
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def search_analysis(self, locale: Locale, slug: str) -> StoredAnalysis | None:
        try:
            item = self._table.get_item(
                Key={"pk": _partition(locale), "sk": _sort_key(slug)},
                ProjectionExpression="#search, published_at",
                ExpressionAttributeNames={"#search": "search"},
                ConsistentRead=True,  # read after the change log entry that named it
            ).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(UNREADABLE) from error
        if item is None or "search" not in item:
            return None
        with readable(f"search analysis {locale}/{slug}"):
            return StoredAnalysis(bytes(item["search"]), dt.datetime.fromisoformat(item["published_at"]))

    def retraction(self, locale: Locale, slug: str) -> Retraction | None:
        return self._changes.retraction(locale, slug)

    def withdrawn(self) -> frozenset[tuple[str, Locale]]:
        return self._changes.withdrawn()

    @staticmethod
    def _item(published: PublishedArticle) -> dict[str, Any]:
        article = published.article
        item: dict[str, Any] = {
            "pk": _partition(article.locale),
            "sk": _sort_key(article.slug),
            **_shown_fields(published),
            "document": article.model_dump_json(),
            "listing": LISTING_LAYOUT,
        }
        if published.source_version:
            item["source_version"] = published.source_version
        for name, instant in (
            ("first_published_at", published.first_published_at),
            ("content_changed_at", published.content_changed_at),
        ):
            if instant is not None:
                item[name] = instant.isoformat()
        if published.search_analysis is not None:
            item["search"] = published.search_analysis
        return item


def _instant(stored: str | None) -> dt.datetime | None:
    return None if stored is None else dt.datetime.fromisoformat(stored)


def _stored_version(previous: Mapping[str, Any] | None) -> StoredVersion | None:
    if previous is None:
        return None
    published_at = dt.datetime.fromisoformat(previous["published_at"])
    return StoredVersion(
        previous["content_hash"],
        _instant(previous.get("first_published_at")) or published_at,
        _instant(previous.get("content_changed_at")) or published_at,
    )


def _describe(previous: Mapping[str, Any] | None, article: Article) -> ChangeNote:
    if previous is None:
        return describe_change(None, article)
    try:
        return describe_change(Article.model_validate_json(previous["document"]), article)
    except (ValidationError, KeyError):
        return ChangeNote(ChangeType.UPDATED)  # what was stored cannot be read; the new version replaces it


def _listing(item: dict[str, Any]) -> ArticleListing:
    locale = as_locale(str(item["locale"]))
    if locale is None:
        raise ValueError(f"unknown locale {item['locale']!r}")
    return ArticleListing(
        slug=item["slug"],
        locale=locale,
        title=item["title"],
        summary=item["summary"],
        tags=tuple(item.get("tags", ())),
        updated_at=dt.date.fromisoformat(item["updated_at"]),
        published_at=dt.datetime.fromisoformat(item["published_at"]),
        content_hash=str(item["content_hash"]),
        next_review=dt.date.fromisoformat(item["next_review"]) if item.get("next_review") else None,
    )


def _shown_fields(published: PublishedArticle) -> dict[str, Any]:
    """The fields a listing shows (``_listing`` reads them back), kept on the article item and its listing items."""
    article = published.article
    fields: dict[str, Any] = {
        "slug": article.slug,
        "locale": article.locale,
        "title": article.title,
        "summary": article.summary,
        "tags": list(article.tags),
        "updated_at": article.updated_at.isoformat(),
        "published_at": published.published_at.isoformat(),
        "content_hash": published.content_hash,
    }
    if article.review.next_review is not None:
        fields["next_review"] = article.review.next_review.isoformat()
    return fields


def _listing_fields(published: PublishedArticle) -> dict[str, Any]:
    """What a listing item holds: the fields a listing shows, and its place in the PublishedOrder index."""
    return {**_shown_fields(published), _ORDER: f"{_stamp(published.published_at)}#{published.article.slug}"}


def _listing_writes(published: PublishedArticle, previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Transaction writes that make an article's listing items those of ``published``: its listing, one item per
    distinct tag, and the removal of the items of tags the stored version (``previous``) had and it has not."""
    article = published.article
    fields = _listing_fields(published)
    tags = set(article.tags)
    writes: list[dict[str, Any]] = [
        {"Put": {"Item": {"pk": _listing_partition(article.locale, tag), "sk": _sort_key(article.slug), **fields}}}
        for tag in [None, *sorted(tags)]
    ]
    lost = _tags(previous) - tags if previous is not None else set()
    return writes + _listing_removals(article.locale, article.slug, lost, listing=False)


def _listing_removals(locale: Locale, slug: str, tags: set[str], *, listing: bool = True) -> list[dict[str, Any]]:
    """Transaction writes that remove an article's items from the tags' partitions (and its listing)."""
    partitions = [_listing_partition(locale)] if listing else []
    partitions += [_listing_partition(locale, tag) for tag in sorted(tags)]
    return [{"Delete": {"Key": {"pk": partition, "sk": _sort_key(slug)}}} for partition in partitions]


def _tags(stored: Mapping[str, Any]) -> set[str]:
    return {str(tag) for tag in stored.get("tags", ())}


def _cursor(item: Mapping[str, Any], *, by_publication: bool) -> str:
    """Where the next page starts: after this item in slug order, or in order of publication."""
    fields = {"after": item["sk"]}
    if by_publication:
        fields["at"] = str(item[_ORDER]).partition("#")[0]
    return cursors.encode(fields)


def _start_key(cursor: str, partition: str, *, by_publication: bool) -> dict[str, str]:
    """The ExclusiveStartKey of a cursor, which must have been issued for a listing of the same order."""
    fields = cursors.decode(cursor)
    after, at = fields.get("after"), fields.get("at")
    if not isinstance(after, str) or (match := _SORT_KEY.match(after)) is None:
        raise InvalidCursor()
    key = {"pk": partition, "sk": after}
    if not by_publication:
        if at is not None:
            raise InvalidCursor()
        return key
    if not isinstance(at, str) or not _STAMP.match(at):
        raise InvalidCursor()
    return {**key, _ORDER: f"{at}#{match.group(1)}"}
