"""Publishing: bring the serving index in line with the content bucket, one document key at a time.

The bucket is the source of truth. An S3 event only says *which* key changed; the
publisher then reads that key's current version, validates it and writes it to the
index in one atomic put. Reading the current version (rather than the version named
in the event) makes duplicate and out-of-order events harmless, and a re-check after
the write catches a newer upload that raced with this one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ValidationError

from health_content.content import SLUG_PATTERN, Article
from health_content.errors import DocumentRejected
from health_content.observability import logger
from health_content.storage import ArticleIndex, ContentSource, PublishedArticle, SourceObject

ARTICLE_KEY_PATTERN = re.compile(
    r"^articles/(?P<locale>[a-z]{2})/(?P<slug>" + SLUG_PATTERN[1:-1] + r")\.json$"
)
# A DynamoDB item holds at most 400 KB; the document is stored whole, with room for its metadata.
MAX_DOCUMENT_BYTES = 350_000
_MAX_SYNC_ROUNDS = 3


class PublishOutcome(StrEnum):
    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    REMOVED = "removed"


@dataclass(frozen=True)
class PublishResult:
    key: str
    outcome: PublishOutcome
    version_id: str | None = None
    content_hash: str | None = None
    reasons: list[str] = field(default_factory=list)

    def report(self, checked_at: dt.datetime) -> dict[str, object]:
        return {
            "key": self.key,
            "status": self.outcome.value,
            "version_id": self.version_id,
            "content_hash": self.content_hash,
            "reasons": self.reasons,
            "checked_at": checked_at.isoformat(),
        }


def article_key(locale: str, slug: str) -> str:
    """The bucket key an article is published under."""
    return f"articles/{locale}/{slug}.json"


def parse_article_document(key: str, body: bytes) -> Article:
    """Validate a document published under ``key``; raise DocumentRejected with every reason."""
    match = ARTICLE_KEY_PATTERN.match(key)
    if match is None:
        raise DocumentRejected([f"key {key!r} is not of the form articles/<locale>/<slug>.json"])
    if len(body) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected([f"document is {len(body)} bytes; the limit is {MAX_DOCUMENT_BYTES}"])
    try:
        article = Article.model_validate_json(body)
    except ValidationError as error:
        raise DocumentRejected([_describe(e) for e in error.errors(include_url=False)]) from None
    mismatches = [
        f"{name} is {actual!r} but the key says {expected!r}"
        for name, actual, expected in (
            ("locale", article.locale, match["locale"]),
            ("slug", article.slug, match["slug"]),
        )
        if actual != expected
    ]
    if mismatches:
        raise DocumentRejected(mismatches)
    return article


def content_hash(article: Article) -> str:
    """Hash of the canonical JSON of an article: formatting and key order of the file do not count."""
    return hashlib.sha256(article.model_dump_json().encode()).hexdigest()


def _describe(error: object) -> str:
    details = error if isinstance(error, dict) else {}
    location = ".".join(str(part) for part in details.get("loc", ())) or "document"
    return f"{location}: {details.get('msg', 'invalid')}"


class Publisher:
    """Syncs document keys from the content bucket into the serving index."""

    def __init__(
        self,
        source: ContentSource,
        index: ArticleIndex,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._source = source
        self._index = index
        self._now = now

    def sync(self, key: str) -> PublishResult:
        if ARTICLE_KEY_PATTERN.match(key) is None:
            result = PublishResult(
                key,
                PublishOutcome.REJECTED,
                reasons=[f"key {key!r} is not of the form articles/<locale>/<slug>.json"],
            )
            logger.warning("document rejected", extra={"key": key, "reasons": result.reasons})
            return result
        for _ in range(_MAX_SYNC_ROUNDS):
            current = self._source.fetch_latest(key, MAX_DOCUMENT_BYTES + 1)
            result = self._apply(key, current)
            if current is None or current.version_id is None:
                break
            if self._source.latest_version_id(key) == current.version_id:
                break
            logger.info("a newer version arrived while publishing; syncing again", extra={"key": key})
        self._source.record_outcome(key, result.version_id, result.report(self._now()))
        return result

    def _apply(self, key: str, current: SourceObject | None) -> PublishResult:
        match = ARTICLE_KEY_PATTERN.match(key)
        assert match is not None  # checked by sync()
        if current is None:
            removed = self._index.delete(match["locale"], match["slug"])
            logger.info("document deleted from the bucket", extra={"key": key, "was_published": removed})
            return PublishResult(key, PublishOutcome.REMOVED)
        try:
            article = parse_article_document(key, current.body)
        except DocumentRejected as rejection:
            logger.warning(
                "document rejected; the previous version stays published",
                extra={"key": key, "version_id": current.version_id, "reasons": rejection.reasons},
            )
            return PublishResult(key, PublishOutcome.REJECTED, current.version_id, reasons=rejection.reasons)
        digest = content_hash(article)
        changed = self._index.put_if_changed(
            PublishedArticle(article, digest, current.last_modified, current.version_id)
        )
        outcome = PublishOutcome.PUBLISHED if changed else PublishOutcome.UNCHANGED
        logger.info("document synced", extra={"key": key, "outcome": outcome.value, "content_hash": digest})
        return PublishResult(key, outcome, current.version_id, digest)
