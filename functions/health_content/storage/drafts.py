"""Drafts in the serving index on DynamoDB: one item per draft, in partitions of their own.

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "DRAFTS#<locale>", sk = "ARTICLE#<slug>"
        document        the validated article as canonical JSON
        content_hash    sha256 of ``document``; a write with the same hash is skipped
        drafted_at      when this version of the draft was uploaded
        source_version  its version in the content bucket

Nothing else is written for a draft: no listing item, no tag item, no ``published_order`` (so the
PublishedOrder index never holds one), no search analysis and no change-log entry or pending event. Every
reader of published content reads other partitions (``ARTICLES#``, ``LISTING#``, ``TAG#``, the log), so a
draft cannot reach a list, a search, the feed, an event or an embed; only ``get`` reads it, by key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.articles.model import Article
from health_content.articles.store import PublishedArticle
from health_content.errors import ContentUnavailable
from health_content.storage.items import UNREADABLE, check_size, readable
from health_content.vocabulary import Locale


def _key(locale: Locale, slug: str) -> dict[str, str]:
    return {"pk": f"DRAFTS#{locale}", "sk": f"ARTICLE#{slug}"}


class DynamoDraftStore:
    """DraftStore on the serving-index table (a boto3 ``Table`` resource, created once per container)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self, locale: Locale, slug: str) -> PublishedArticle | None:
        try:
            item = self._table.get_item(Key=_key(locale, slug)).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise ContentUnavailable(UNREADABLE) from error
        if item is None:
            return None
        with readable(f"draft {locale}/{slug}"):
            return PublishedArticle(
                article=Article.model_validate_json(item["document"]),
                content_hash=item["content_hash"],
                published_at=dt.datetime.fromisoformat(item["drafted_at"]),
                source_version=item.get("source_version"),
            )

    def put_if_changed(self, draft: PublishedArticle) -> bool:
        article = draft.article
        key = _key(article.locale, article.slug)
        stored = self._table.get_item(Key=key, ConsistentRead=True, ProjectionExpression="content_hash").get("Item")
        if stored is not None and stored["content_hash"] == draft.content_hash:
            return False
        item: dict[str, Any] = {
            **key,
            "document": article.model_dump_json(),
            "content_hash": draft.content_hash,
            "drafted_at": draft.published_at.isoformat(),
        }
        if draft.source_version:
            item["source_version"] = draft.source_version
        check_size(item, f"draft {article.slug!r}")
        # Last writer wins: the publisher syncs a key again when a newer upload raced with this one.
        self._table.put_item(Item=item)
        return True

    def delete(self, locale: Locale, slug: str) -> bool:
        removed = self._table.delete_item(Key=_key(locale, slug), ReturnValues="ALL_OLD").get("Attributes")
        return removed is not None
