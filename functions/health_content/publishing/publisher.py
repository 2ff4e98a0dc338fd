"""Sync one document key from the content bucket into the serving index.

The bucket is the source of truth. An S3 event only says *which* key changed; the
publisher then reads that key's current version, validates it with its kind and writes
it to the index in one atomic put. Reading the current version (rather than the version
named in the event) makes duplicate and out-of-order events harmless, and a re-check
after the write catches a newer upload that raced with this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from health_content.articles.model import Article
from health_content.errors import DocumentRejected
from health_content.observability import logger
from health_content.publishing.kinds import (
    KEY_LAYOUTS,
    DocumentKind,
    ServingIndex,
    SourceVersion,
    kind_of,
)
from health_content.publishing.report import PublishReport, PublishStatus
from health_content.publishing.source import ContentSource, SourceObject, UnpublishRequest
from health_content.vocabulary import Locale

_MAX_SYNC_ROUNDS = 3


class Publisher:
    """Syncs document keys from the content bucket into the serving index."""

    def __init__(
        self,
        source: ContentSource,
        index: ServingIndex,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        attribution: Callable[[str | None], AbstractContextManager[None]] = lambda _: nullcontext(),
    ) -> None:
        """``attribution(actor)`` wraps each write, so that the change it logs names who made it."""
        self._source = source
        self._index = index
        self._now = now
        self._attribution = attribution

    def sync(self, key: str) -> PublishReport:
        kind = kind_of(key)
        if kind is None:
            report = self._report(key, PublishStatus.REJECTED, reasons=[f"key {key!r} is not {KEY_LAYOUTS}"])
            logger.warning("document rejected", extra={"key": key, "reasons": report.reasons})
            return report
        request = None
        for _ in range(_MAX_SYNC_ROUNDS):
            current = self._source.fetch_latest(key, kind.max_source_bytes + 1)
            request = self._source.unpublish_request(key) if current is None else None
            actor = current.published_by if current is not None else request.requested_by if request else None
            with self._attribution(actor):
                report = self._apply(kind, key, current, request)
            if current is None or current.version_id is None:
                break
            if self._source.latest_version_id(key) == current.version_id:
                break
            logger.info("a newer version arrived while publishing; syncing again", extra={"key": key})
        self._source.record_outcome(report)
        if request is not None:
            # Used up once the removal is recorded (a retried delivery reads it again until then); an upload no
            # longer clears it, so an upload racing an unpublish cannot lose the reason.
            self._source.forget_unpublish_request(request)
        return report

    def _apply(
        self, kind: DocumentKind, key: str, current: SourceObject | None, request: UnpublishRequest | None
    ) -> PublishReport:
        if current is None:
            reason = request.reason if request is not None else None
            removed = kind.remove(key, self._index, reason)
            logger.info(
                "document deleted from the bucket",
                extra={"key": key, "was_published": removed, "reason": reason},
            )
            return self._report(key, PublishStatus.REMOVED, reason=reason)
        try:
            if len(current.body) > kind.max_source_bytes:
                raise DocumentRejected([f"document is over {kind.max_source_bytes} bytes"])
            source = SourceVersion(current.version_id, current.last_modified)
            publication = kind.parse(key, current.body, self._published_article, source)
            changed = publication.put_if_changed(self._index)
        except DocumentRejected as rejection:
            logger.warning(
                "document rejected; the previous version stays published",
                extra={"key": key, "version_id": current.version_id, "reasons": rejection.reasons},
            )
            return self._report(key, PublishStatus.REJECTED, current.version_id, reasons=rejection.reasons)
        status = PublishStatus.PUBLISHED if changed else PublishStatus.UNCHANGED
        digest = publication.content_hash
        logger.info("document synced", extra={"key": key, "outcome": status.value, "content_hash": digest})
        warnings = publication.warnings(self._index)
        if warnings:
            logger.warning("published with warnings", extra={"key": key, "warnings": warnings})
        return self._report(key, status, current.version_id, digest, warnings=warnings)

    def _report(
        self,
        key: str,
        status: PublishStatus,
        version_id: str | None = None,
        content_hash: str | None = None,
        *,
        reasons: list[str] | None = None,
        warnings: list[str] | None = None,
        reason: str | None = None,
    ) -> PublishReport:
        return PublishReport(
            key=key,
            status=status,
            version_id=version_id,
            content_hash=content_hash,
            reasons=reasons or [],
            warnings=warnings or [],
            reason=reason,
            checked_at=self._now(),
        )

    def _published_article(self, locale: Locale, slug: str) -> Article | None:
        published = self._index.articles.get(locale, slug)
        return None if published is None else published.article
