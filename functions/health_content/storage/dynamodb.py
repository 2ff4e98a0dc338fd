"""The serving index on DynamoDB: one item per document, replaced in one transaction with its change-log
entry (``changelog``), conditional on the version it replaces.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "ARTICLES#<locale>", sk = "ARTICLE#<slug>"
        document      the validated article as canonical JSON
        content_hash  sha256 of ``document``; a write with the same hash (and search analysis) is skipped
        search        its search analysis, gzipped JSON (binary), opaque here
        title, summary, tags, updated_at, published_at, source_version   for listings
    pk = "TAXONOMY", sk = "causes"
        document      the validated cause taxonomy
        analysis      its publish-time analysis, gzipped JSON (binary)
        analysis_version   the ANALYSIS_VERSION that made it; another version is never used
        content_hash, published_at, source_version
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from health_content import cursor as cursors
from health_content.articles.changes import describe_change
from health_content.articles.model import Article
from health_content.articles.store import ArticleListing, ListingFilter, Page, PublishedArticle, StoredAnalysis
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import ANALYSIS_VERSION, CauseAnalysis
from health_content.causes.store import PublishedCauses
from health_content.changes.model import Change, ChangeNote, ChangeType, Retraction
from health_content.errors import ContentUnavailable, DocumentRejected, DocumentUnreadable, InvalidCursor
from health_content.observability import logger
from health_content.storage.changelog import (
    ConcurrentWrite,
    DynamoChangeLog,
    back_off,
    retraction_item,
    retraction_key,
)
from health_content.vocabulary import SLUG_BODY, Locale, as_locale

# DynamoDB's limit on one item: attribute names and values together (400 KB).
MAX_ITEM_BYTES = 400 * 1024
_CAUSES_KEY = {"pk": "TAXONOMY", "sk": "causes"}
_LISTING_ATTRIBUTES = (
    "sk",
    "slug",
    "locale",
    "title",
    "summary",
    "tags",
    "updated_at",
    "published_at",
    "content_hash",
    "next_review",
)
_SORT_KEY = re.compile(rf"^ARTICLE#{SLUG_BODY}$")
_UNREADABLE = "The content index could not be read."
# A filtered listing reads this many items per query, and makes at most _MAX_QUERIES queries per request.
_FILTERED_BATCH = 200
_MAX_QUERIES = 4
# Writes that lose a race with another writer read again and retry, this many times in all.
_MAX_WRITE_ATTEMPTS = 8


def item_size(item: Mapping[str, Any]) -> int:
    """The size DynamoDB counts against its item limit, by its documented rules."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float):
        return len(str(value)) // 2 + 2  # a number takes about one byte per two significant digits, plus one
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode()) + _value_size(v) + 1 for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(_value_size(v) + 1 for v in value)
    raise TypeError(f"no DynamoDB size rule for {type(value).__name__}")


@contextmanager
def _readable(what: str) -> Iterator[None]:
    """A stored item that does not parse is unreadable content (a 503 the operators hear of), never a crash."""
    try:
        yield
    except (ValidationError, ValueError, KeyError, TypeError, OSError) as error:
        logger.error("a stored document could not be read", extra={"document": what, "error": repr(error)})
        raise DocumentUnreadable(what) from error


def _check_size(item: Mapping[str, Any], what: str) -> None:
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise DocumentRejected(
            [f"{what} would take {size:,} bytes in the serving index; a DynamoDB item holds at most {MAX_ITEM_BYTES:,}"]
        )


def _partition(locale: Locale) -> str:
    return f"ARTICLES#{locale}"


def _sort_key(slug: str) -> str:
    return f"ARTICLE#{slug}"


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
            raise ContentUnavailable(_UNREADABLE) from error
        if item is None:
            return None
        with _readable(f"article {locale}/{slug}"):
            return PublishedArticle(
                article=Article.model_validate_json(item["document"]),
                content_hash=item["content_hash"],
                published_at=dt.datetime.fromisoformat(item["published_at"]),
                source_version=item.get("source_version"),
            )

    def list(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        start_key = _decode_cursor(cursor, locale) if cursor else None
        items: list[dict[str, Any]] = []
        condition = _filter_expression(only)
        # Ask for one more than the page so that the last page carries no cursor. A filter applies after
        # DynamoDB's Limit, so a filtered listing reads in larger batches, and at most a few of them per
        # request (each may take the read timeout): a sparse match gets a short page with a cursor.
        batch = limit + 1 if condition is None else max(limit + 1, _FILTERED_BATCH)
        for _ in range(_MAX_QUERIES):
            request: dict[str, Any] = {
                "KeyConditionExpression": Key("pk").eq(_partition(locale)),
                "ProjectionExpression": ", ".join(f"#{name}" for name in _LISTING_ATTRIBUTES),
                "ExpressionAttributeNames": {f"#{name}": name for name in _LISTING_ATTRIBUTES},
                "Limit": batch if condition is not None else limit + 1 - len(items),
            }
            if condition is not None:
                request["FilterExpression"] = condition
            if start_key:
                request["ExclusiveStartKey"] = start_key
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable(_UNREADABLE) from error
            items.extend(response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            if not start_key or len(items) > limit:
                break
        page, more = items[:limit], len(items) > limit
        with _readable(f"article listing {locale}"):
            listings = [_listing(item) for item in page]
        if more:
            resume_after: str | None = page[-1]["sk"]
        else:  # out of batches: carry on after what was read, matched or not
            resume_after = start_key["sk"] if start_key else None
        return Page(
            items=listings,
            next_cursor=cursors.encode({"after": resume_after}) if resume_after else None,
        )

    def check_fits(self, published: PublishedArticle) -> None:
        _check_size(self._item(published), f"article {published.article.slug!r}")

    def put_if_changed(self, published: PublishedArticle) -> Change | None:
        item = self._item(published)
        _check_size(item, f"article {published.article.slug!r}")
        article = published.article
        key = {"pk": item["pk"], "sk": item["sk"]}
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=key,
                ConsistentRead=True,
                ProjectionExpression="content_hash, document, #search",
                ExpressionAttributeNames={"#search": "search"},
            ).get("Item")
            if previous is None or previous["content_hash"] != item["content_hash"]:
                note = _describe(previous, article)
            elif previous.get("search") != item.get("search"):
                note = ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
            else:
                return None
            try:
                return self._changes.commit(
                    [
                        {"Put": {"Item": item, **_replacing(previous)}},
                        {"Delete": {"Key": retraction_key(article.locale, article.slug)}},
                    ],
                    note,
                    kind="article",
                    id=article.slug,
                    locale=article.locale,
                    version=item["content_hash"],
                )
            except ConcurrentWrite:
                if attempt + 1 < _MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    def delete(self, locale: Locale, slug: str, reason: str | None = None) -> Change | None:
        key = {"pk": _partition(locale), "sk": _sort_key(slug)}
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(Key=key, ConsistentRead=True, ProjectionExpression="content_hash").get(
                "Item"
            )
            if previous is None:
                return None
            at = self._changes.now()
            try:
                return self._changes.commit(
                    [
                        {"Delete": {"Key": key, **_replacing(previous)}},
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
                if attempt + 1 < _MAX_WRITE_ATTEMPTS:
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
                raise ContentUnavailable(_UNREADABLE) from error
            with _readable(f"search analyses {locale}"):
                found.extend(
                    StoredAnalysis(bytes(item["search"]), dt.datetime.fromisoformat(item["published_at"]))
                    for item in response.get("Items", [])
                    if "search" in item
                )
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

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
            "slug": article.slug,
            "locale": article.locale,
            "title": article.title,
            "summary": article.summary,
            "tags": list(article.tags),
            "updated_at": article.updated_at.isoformat(),
            "published_at": published.published_at.isoformat(),
            "content_hash": published.content_hash,
            "document": article.model_dump_json(),
        }
        if published.source_version:
            item["source_version"] = published.source_version
        if published.search_analysis is not None:
            item["search"] = published.search_analysis
        if article.review.next_review is not None:
            item["next_review"] = article.review.next_review.isoformat()
        return item


class DynamoCauseStore:
    """CauseStore on the same table: the whole taxonomy and its analysis in one item."""

    def __init__(self, table: Any, changes: DynamoChangeLog | None = None) -> None:
        self._table = table
        self._changes = changes or DynamoChangeLog(table)

    def get(self) -> PublishedCauses | None:
        item = self._read()
        if item is None:
            return None
        with _readable("cause taxonomy"):
            analysis = CauseAnalysis.model_validate_json(gzip.decompress(bytes(item["analysis"])))
            taxonomy = CauseTaxonomy.model_validate_json(item["document"])
            published_at = dt.datetime.fromisoformat(item["published_at"])
            content_hash = str(item["content_hash"])  # without it, every refresh would reload the taxonomy
        if analysis.version != ANALYSIS_VERSION:
            logger.error(
                "the stored cause analysis was made by another version; publish the causes again",
                extra={"stored_version": analysis.version, "expected_version": ANALYSIS_VERSION},
            )
            raise DocumentUnreadable(f"cause taxonomy (analysis version {analysis.version}; publish it again)")
        return PublishedCauses(
            taxonomy=taxonomy,
            analysis=analysis,
            content_hash=content_hash,
            published_at=published_at,
            source_version=item.get("source_version"),
        )

    def current_hash(self) -> str | None:
        item = self._read(projection="content_hash")
        return None if item is None else str(item["content_hash"])

    def check_fits(self, published: PublishedCauses) -> None:
        _check_size(self._item(published), "the cause taxonomy with its analysis")

    def put_if_changed(self, published: PublishedCauses) -> Change | None:
        item = self._item(published)
        _check_size(item, "the cause taxonomy with its analysis")
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=_CAUSES_KEY, ConsistentRead=True, ProjectionExpression="content_hash, analysis_version"
            ).get("Item")
            if previous is None:
                note = ChangeNote(ChangeType.PUBLISHED)
            elif previous["content_hash"] != item["content_hash"]:
                note = ChangeNote(ChangeType.UPDATED)
            elif previous.get("analysis_version") != item["analysis_version"]:
                note = ChangeNote(ChangeType.UPDATED, "the search analysis was rebuilt by a new release")
            else:
                return None
            try:
                return self._changes.commit(
                    [{"Put": {"Item": item, **_replacing(previous)}}],
                    note,
                    kind="causes",
                    id="causes",
                    locale=None,
                    version=item["content_hash"],
                )
            except ConcurrentWrite:
                if attempt + 1 < _MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    def delete(self, reason: str | None = None) -> Change | None:
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=_CAUSES_KEY, ConsistentRead=True, ProjectionExpression="content_hash"
            ).get("Item")
            if previous is None:
                return None
            try:
                return self._changes.commit(
                    [{"Delete": {"Key": _CAUSES_KEY, **_replacing(previous)}}],
                    ChangeNote(ChangeType.RETRACTED, reason),
                    kind="causes",
                    id="causes",
                    locale=None,
                    version=None,
                )
            except ConcurrentWrite:
                if attempt + 1 < _MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    @staticmethod
    def _item(published: PublishedCauses) -> dict[str, Any]:
        item: dict[str, Any] = {
            **_CAUSES_KEY,
            "document": published.taxonomy.model_dump_json(),
            "analysis": gzip.compress(published.analysis.model_dump_json().encode(), mtime=0),
            "analysis_version": published.analysis.version,
            "content_hash": published.content_hash,
            "published_at": published.published_at.isoformat(),
        }
        if published.source_version:
            item["source_version"] = published.source_version
        return item

    def _read(self, projection: str | None = None) -> dict[str, Any] | None:
        request: dict[str, Any] = {"Key": _CAUSES_KEY}
        if projection:
            request["ProjectionExpression"] = projection
        try:
            item: dict[str, Any] | None = self._table.get_item(**request).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(_UNREADABLE) from error
        return item


def _replacing(previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The condition that the stored item is still the one read (or that there is still none)."""
    if previous is None:
        return {"ConditionExpression": "attribute_not_exists(pk)"}
    return {
        "ConditionExpression": "content_hash = :previous_hash",
        "ExpressionAttributeValues": {":previous_hash": previous["content_hash"]},
    }


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


def _filter_expression(only: ListingFilter | None) -> Any:
    """The DynamoDB filter for a listing. Publication times are stored as UTC ISO 8601, which sorts as text."""
    if only is None:
        return None
    conditions: list[ConditionBase] = []
    if only.updated_since is not None:
        conditions.append(Attr("published_at").gt(only.updated_since.astimezone(dt.UTC).isoformat()))
    if only.tag is not None:
        conditions.append(Attr("tags").contains(only.tag))
    if not conditions:
        return None
    combined: ConditionBase = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _decode_cursor(cursor: str, locale: Locale) -> dict[str, str]:
    after = cursors.decode(cursor).get("after")
    if not isinstance(after, str) or not _SORT_KEY.match(after):
        raise InvalidCursor()
    return {"pk": _partition(locale), "sk": after}
