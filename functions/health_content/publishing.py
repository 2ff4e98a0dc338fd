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
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from health_content.causes import icd10
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import ArticleLookup, CauseAnalysis, prepare, resolve_mention
from health_content.content import SLUG_PATTERN, Article
from health_content.errors import DocumentRejected
from health_content.observability import logger
from health_content.storage import (
    ArticleIndex,
    CauseStore,
    ContentSource,
    PublishedArticle,
    PublishedCauses,
    SourceObject,
)

Model = TypeVar("Model", bound=BaseModel)

ARTICLE_KEY_PATTERN = re.compile(r"^articles/(?P<locale>[a-z]{2})/(?P<slug>" + SLUG_PATTERN[1:-1] + r")\.json$")
CAUSES_KEY = "causes/causes.json"
# A DynamoDB item holds at most 400 KB; the document is stored whole, with room for its metadata.
MAX_DOCUMENT_BYTES = 350_000
_MAX_SYNC_ROUNDS = 3
_KEY_LAYOUT = "articles/<locale>/<slug>.json or causes/causes.json"


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
    warnings: list[str] = field(default_factory=list)

    def report(self, checked_at: dt.datetime) -> dict[str, object]:
        return {
            "key": self.key,
            "status": self.outcome.value,
            "version_id": self.version_id,
            "content_hash": self.content_hash,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "checked_at": checked_at.isoformat(),
        }


def article_key(locale: str, slug: str) -> str:
    """The bucket key an article is published under."""
    return f"articles/{locale}/{slug}.json"


def _validate(model: type[Model], body: bytes, context: dict[str, Any] | None = None) -> Model:
    if len(body) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected([f"document is {len(body)} bytes; the limit is {MAX_DOCUMENT_BYTES}"])
    try:
        return model.model_validate_json(body, context=context)
    except ValidationError as error:
        raise DocumentRejected([_describe(e) for e in error.errors(include_url=False)]) from None


def parse_article_document(key: str, body: bytes) -> Article:
    """Validate an article published under ``key``; raise DocumentRejected with every reason."""
    match = ARTICLE_KEY_PATTERN.match(key)
    if match is None:
        raise DocumentRejected([f"key {key!r} is not of the form articles/<locale>/<slug>.json"])
    article = _validate(Article, body)
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


def parse_causes_document(body: bytes, articles: ArticleLookup) -> tuple[CauseTaxonomy, CauseAnalysis]:
    """Validate the cause taxonomy (ICD-10 codes against WHO ICD-10, mentions against ``articles``)."""
    taxonomy = _validate(CauseTaxonomy, body, context={"icd10_exists": icd10.exists})
    return taxonomy, prepare(taxonomy, articles)


def content_hash(document: BaseModel) -> str:
    """Hash of a document's canonical JSON: formatting and key order of the file do not count."""
    return hashlib.sha256(document.model_dump_json().encode()).hexdigest()


def _describe(error: object) -> str:
    details = error if isinstance(error, dict) else {}
    location = ".".join(str(part) for part in details.get("loc", ())) or "document"
    return f"{location}: {details.get('msg', 'invalid')}"


class Publisher:
    """Syncs document keys from the content bucket into the serving index."""

    def __init__(
        self,
        source: ContentSource,
        articles: ArticleIndex,
        causes: CauseStore,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._source = source
        self._articles = articles
        self._causes = causes
        self._now = now

    def sync(self, key: str) -> PublishResult:
        if key != CAUSES_KEY and ARTICLE_KEY_PATTERN.match(key) is None:
            result = PublishResult(key, PublishOutcome.REJECTED, reasons=[f"key {key!r} is not {_KEY_LAYOUT}"])
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
        if current is None:
            removed = self._remove(key)
            logger.info("document deleted from the bucket", extra={"key": key, "was_published": removed})
            return PublishResult(key, PublishOutcome.REMOVED)
        try:
            digest, changed, warnings = self._publish(key, current)
        except DocumentRejected as rejection:
            logger.warning(
                "document rejected; the previous version stays published",
                extra={"key": key, "version_id": current.version_id, "reasons": rejection.reasons},
            )
            return PublishResult(key, PublishOutcome.REJECTED, current.version_id, reasons=rejection.reasons)
        outcome = PublishOutcome.PUBLISHED if changed else PublishOutcome.UNCHANGED
        logger.info("document synced", extra={"key": key, "outcome": outcome.value, "content_hash": digest})
        if warnings:
            logger.warning("published with warnings", extra={"key": key, "warnings": warnings})
        return PublishResult(key, outcome, current.version_id, digest, warnings=warnings)

    def _publish(self, key: str, current: SourceObject) -> tuple[str, bool, list[str]]:
        """Validate and store one document: its content hash, whether anything changed, and warnings."""
        if key == CAUSES_KEY:
            taxonomy, analysis = parse_causes_document(current.body, self._published_article)
            digest = content_hash(taxonomy)
            published = PublishedCauses(taxonomy, analysis, digest, current.last_modified, current.version_id)
            return digest, self._causes.put_if_changed(published), []
        article = parse_article_document(key, current.body)
        digest = content_hash(article)
        changed = self._articles.put_if_changed(
            PublishedArticle(article, digest, current.last_modified, current.version_id)
        )
        return digest, changed, self._broken_mentions(article)

    def _broken_mentions(self, article: Article) -> list[str]:
        """Cause mentions into this article that its new version no longer has (the article still publishes:
        editors change articles first and the taxonomy after)."""
        causes = self._causes.get()
        if causes is None:
            return []
        problems = []
        for cause in causes.taxonomy.causes:
            for mention in cause.mentions:
                if (mention.article, mention.locale) != (article.slug, article.locale):
                    continue
                _, problem = resolve_mention(article, mention, cause)
                if problem:
                    problems.append(f"cause {cause.id!r}: {problem}; update {CAUSES_KEY}")
        return problems

    def _remove(self, key: str) -> bool:
        if key == CAUSES_KEY:
            return self._causes.delete()
        match = ARTICLE_KEY_PATTERN.match(key)
        assert match is not None  # sync() accepts no other keys
        return self._articles.delete(match["locale"], match["slug"])

    def _published_article(self, locale: str, slug: str) -> Article | None:
        published = self._articles.get(locale, slug)
        return None if published is None else published.article
