"""The serving index on DynamoDB: one item per document, replaced by a single put.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "ARTICLES#<locale>", sk = "ARTICLE#<slug>"
        document      the validated article as canonical JSON
        content_hash  sha256 of ``document``; a write with the same hash is skipped
        title, summary, tags, updated_at, published_at, source_version   for listings
    pk = "TAXONOMY", sk = "causes"
        document      the validated cause taxonomy
        analysis      its publish-time analysis, gzipped JSON (binary)
        content_hash, published_at, source_version
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import json
import re
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import BotoCoreError, ClientError

from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import CauseAnalysis
from health_content.content import SLUG_PATTERN, Article
from health_content.errors import ContentUnavailable, DocumentRejected, InvalidCursor
from health_content.storage import ArticleListing, Page, PublishedArticle, PublishedCauses

# DynamoDB items hold at most 400 KB; keep room for attribute names and metadata.
MAX_ITEM_BYTES = 380_000
_CAUSES_KEY = {"pk": "TAXONOMY", "sk": "causes"}
_LISTING_ATTRIBUTES = ("sk", "slug", "locale", "title", "summary", "tags", "updated_at", "published_at")
_SORT_KEY = re.compile(r"^ARTICLE#" + SLUG_PATTERN[1:])


def _partition(locale: str) -> str:
    return f"ARTICLES#{locale}"


def _sort_key(slug: str) -> str:
    return f"ARTICLE#{slug}"


class DynamoArticleIndex:
    """ArticleIndex on a DynamoDB table (a boto3 ``Table`` resource, created once per container)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self, locale: str, slug: str) -> PublishedArticle | None:
        try:
            item = self._table.get_item(Key={"pk": _partition(locale), "sk": _sort_key(slug)}).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable("The content index could not be read.") from error
        if item is None:
            return None
        return PublishedArticle(
            article=Article.model_validate_json(item["document"]),
            content_hash=item["content_hash"],
            published_at=dt.datetime.fromisoformat(item["published_at"]),
            source_version=item.get("source_version"),
        )

    def list(self, locale: str, limit: int, cursor: str | None) -> Page:
        start_key = _decode_cursor(cursor, locale) if cursor else None
        items: list[dict[str, Any]] = []
        # Ask for one more than the page so that the last page carries no cursor.
        while len(items) <= limit:
            request: dict[str, Any] = {
                "KeyConditionExpression": Key("pk").eq(_partition(locale)),
                "ProjectionExpression": ", ".join(f"#{name}" for name in _LISTING_ATTRIBUTES),
                "ExpressionAttributeNames": {f"#{name}": name for name in _LISTING_ATTRIBUTES},
                "Limit": limit + 1 - len(items),
            }
            if start_key:
                request["ExclusiveStartKey"] = start_key
            try:
                response = self._table.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise ContentUnavailable("The content index could not be read.") from error
            items.extend(response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                break
        page, more = items[:limit], len(items) > limit
        return Page(
            items=[_listing(item) for item in page],
            next_cursor=_encode_cursor(page[-1]["sk"]) if more and page else None,
        )

    def put_if_changed(self, published: PublishedArticle) -> bool:
        article = published.article
        item = {
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
        return _put_if_changed(self._table, item)

    def delete(self, locale: str, slug: str) -> bool:
        response = self._table.delete_item(
            Key={"pk": _partition(locale), "sk": _sort_key(slug)}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in response


class DynamoCauseStore:
    """CauseStore on the same table: the whole taxonomy and its analysis in one item."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self) -> PublishedCauses | None:
        item = self._read()
        if item is None:
            return None
        return PublishedCauses(
            taxonomy=CauseTaxonomy.model_validate_json(item["document"]),
            analysis=CauseAnalysis.model_validate_json(gzip.decompress(bytes(item["analysis"]))),
            content_hash=item["content_hash"],
            published_at=dt.datetime.fromisoformat(item["published_at"]),
            source_version=item.get("source_version"),
        )

    def current_hash(self) -> str | None:
        item = self._read(projection="content_hash")
        return None if item is None else str(item["content_hash"])

    def put_if_changed(self, published: PublishedCauses) -> bool:
        document = published.taxonomy.model_dump_json()
        analysis = gzip.compress(published.analysis.model_dump_json().encode(), mtime=0)
        size = len(document.encode()) + len(analysis)
        if size > MAX_ITEM_BYTES:
            raise DocumentRejected([f"the taxonomy and its index take {size} bytes; the limit is {MAX_ITEM_BYTES}"])
        item = {
            **_CAUSES_KEY,
            "document": document,
            "analysis": analysis,
            "content_hash": published.content_hash,
            "published_at": published.published_at.isoformat(),
        }
        if published.source_version:
            item["source_version"] = published.source_version
        return _put_if_changed(self._table, item)

    def delete(self) -> bool:
        return "Attributes" in self._table.delete_item(Key=_CAUSES_KEY, ReturnValues="ALL_OLD")

    def _read(self, projection: str | None = None) -> dict[str, Any] | None:
        request: dict[str, Any] = {"Key": _CAUSES_KEY}
        if projection:
            request["ProjectionExpression"] = projection
        try:
            return self._table.get_item(**request).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable("The content index could not be read.") from error


def _put_if_changed(table: Any, item: dict[str, Any]) -> bool:
    """Write the item in one put unless the stored one has the same content hash (then False)."""
    try:
        table.put_item(
            Item=item,
            ConditionExpression="attribute_not_exists(pk) OR content_hash <> :hash",
            ExpressionAttributeValues={":hash": item["content_hash"]},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _listing(item: dict[str, Any]) -> ArticleListing:
    return ArticleListing(
        slug=item["slug"],
        locale=item["locale"],
        title=item["title"],
        summary=item["summary"],
        tags=tuple(item.get("tags", ())),
        updated_at=dt.date.fromisoformat(item["updated_at"]),
        published_at=dt.datetime.fromisoformat(item["published_at"]),
    )


def _encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": sort_key}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, locale: str) -> dict[str, str]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None
    after = decoded.get("after") if isinstance(decoded, dict) else None
    if not isinstance(after, str) or not _SORT_KEY.match(after):
        raise InvalidCursor()
    return {"pk": _partition(locale), "sk": after}
