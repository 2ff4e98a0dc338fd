"""The cause taxonomy in the serving index on DynamoDB: the whole taxonomy and its analysis in one item,
replaced in one transaction with its change-log entry (``changelog``).

Item layout (table keys ``pk``/``sk``, both strings):
    pk = "TAXONOMY", sk = "causes"
        document      the validated cause taxonomy
        analysis      its publish-time analysis, gzipped JSON (binary)
        analysis_version   the ANALYSIS_VERSION that made it; another version is never used
        content_hash, published_at, source_version
"""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import ANALYSIS_VERSION, CauseAnalysis
from health_content.causes.store import PublishedCauses
from health_content.changes.model import Change, ChangeNote, ChangeType
from health_content.errors import ContentUnavailable, DocumentUnreadable
from health_content.observability import logger
from health_content.storage.changelog import (
    ConcurrentWrite,
    DynamoChangeLog,
    back_off,
)
from health_content.storage.items import MAX_WRITE_ATTEMPTS, UNREADABLE, check_size, readable, replacing

_CAUSES_KEY = {"pk": "TAXONOMY", "sk": "causes"}


class DynamoCauseStore:
    """CauseStore on the same table: the whole taxonomy and its analysis in one item."""

    def __init__(self, table: Any, changes: DynamoChangeLog | None = None) -> None:
        self._table = table
        self._changes = changes or DynamoChangeLog(table)

    def get(self) -> PublishedCauses | None:
        item = self._read()
        if item is None:
            return None
        with readable("cause taxonomy"):
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
        check_size(self._item(published), "the cause taxonomy with its analysis")

    def put_if_changed(self, published: PublishedCauses) -> Change | None:
        item = self._item(published)
        check_size(item, "the cause taxonomy with its analysis")
        for attempt in range(MAX_WRITE_ATTEMPTS):
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
                    [{"Put": {"Item": item, **replacing(previous)}}],
                    note,
                    kind="causes",
                    id="causes",
                    locale=None,
                    version=item["content_hash"],
                )
            except ConcurrentWrite:
                if attempt + 1 < MAX_WRITE_ATTEMPTS:
                    back_off(attempt)
        raise ConcurrentWrite()

    def delete(self, reason: str | None = None) -> Change | None:
        for attempt in range(MAX_WRITE_ATTEMPTS):
            previous = self._table.get_item(
                Key=_CAUSES_KEY, ConsistentRead=True, ProjectionExpression="content_hash"
            ).get("Item")
            if previous is None:
                return None
            try:
                return self._changes.commit(
                    [{"Delete": {"Key": _CAUSES_KEY, **replacing(previous)}}],
                    ChangeNote(ChangeType.RETRACTED, reason),
                    kind="causes",
                    id="causes",
                    locale=None,
                    version=None,
                )
            except ConcurrentWrite:
                if attempt + 1 < MAX_WRITE_ATTEMPTS:
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
            raise ContentUnavailable(UNREADABLE) from error
        return item
