"""Articles in the serving index on DynamoDB: one item per article, replaced in one transaction with its
change-log entry (``changelog``), conditional on the version it replaces.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "ARTICLES#<locale>", sk = "ARTICLE#<slug>"
        document      the validated article as canonical JSON
        content_hash  sha256 of ``document``; a write with the same hash (and search analysis) is skipped
        search        its search analysis, gzipped JSON (binary), opaque here
        title, summary, tags, updated_at, published_at, source_version   for listings
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from health_content import cursor as cursors
from health_content.articles.changes import describe_change
from health_content.articles.model import Article
from health_content.articles.store import ArticleListing, ListingFilter, Page, PublishedArticle, StoredAnalysis
from health_content.changes.model import Change, ChangeNote, ChangeType, Retraction
from health_content.errors import ContentUnavailable, InvalidCursor
from health_content.storage.changelog import (
    ConcurrentWrite,
    DynamoChangeLog,
    back_off,
    retraction_item,
    retraction_key,
)
from health_content.storage.items import MAX_WRITE_ATTEMPTS, UNREADABLE, check_size, readable, replacing
from health_content.vocabulary import SLUG_BODY, Locale, as_locale

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
# A filtered listing reads this many items per query, and makes at most _MAX_QUERIES queries per request.
_FILTERED_BATCH = 200
_MAX_QUERIES = 4


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
            raise ContentUnavailable(UNREADABLE) from error
        if item is None:
            return None
        with readable(f"article {locale}/{slug}"):
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
                raise ContentUnavailable(UNREADABLE) from error
            items.extend(response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            if not start_key or len(items) > limit:
                break
        page, more = items[:limit], len(items) > limit
        with readable(f"article listing {locale}"):
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
        check_size(self._item(published), f"article {published.article.slug!r}")

    def put_if_changed(self, published: PublishedArticle) -> Change | None:
        item = self._item(published)
        check_size(item, f"article {published.article.slug!r}")
        article = published.article
        key = {"pk": item["pk"], "sk": item["sk"]}
        for attempt in range(MAX_WRITE_ATTEMPTS):
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
                        {"Put": {"Item": item, **replacing(previous)}},
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

    def delete(self, locale: Locale, slug: str, reason: str | None = None) -> Change | None:
        key = {"pk": _partition(locale), "sk": _sort_key(slug)}
        for attempt in range(MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(Key=key, ConsistentRead=True, ProjectionExpression="content_hash").get(
                "Item"
            )
            if previous is None:
                return None
            at = self._changes.now()
            try:
                return self._changes.commit(
                    [
                        {"Delete": {"Key": key, **replacing(previous)}},
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
