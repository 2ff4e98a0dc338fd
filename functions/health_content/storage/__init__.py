"""The storage interface the domain needs, and the records that cross it.

``dynamodb.DynamoArticleIndex`` and ``s3.S3ContentSource`` implement it on AWS;
tests may use their own fakes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import CauseAnalysis
from health_content.content import Article


@dataclass(frozen=True, slots=True)
class PublishedArticle:
    """An article as the serving index holds it."""

    article: Article
    content_hash: str
    published_at: dt.datetime
    source_version: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleListing:
    """The fields of an article that a listing shows, without its sections."""

    slug: str
    locale: str
    title: str
    summary: str
    tags: tuple[str, ...]
    updated_at: dt.date
    published_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[ArticleListing]
    next_cursor: str | None


class ArticleIndex(Protocol):
    """The serving index the API reads and the ingest function writes."""

    def get(self, locale: str, slug: str) -> PublishedArticle | None: ...

    def list(self, locale: str, limit: int, cursor: str | None) -> Page:
        """One page of articles in slug order; raises InvalidCursor for a cursor it did not issue."""
        ...

    def put_if_changed(self, published: PublishedArticle) -> bool:
        """Replace the article in one atomic write; False (and no write) when the content is unchanged."""
        ...

    def delete(self, locale: str, slug: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class PublishedCauses:
    """The cause taxonomy as the serving index holds it, with its publish-time analysis."""

    taxonomy: CauseTaxonomy
    analysis: CauseAnalysis
    content_hash: str
    published_at: dt.datetime
    source_version: str | None = None


class CauseStore(Protocol):
    """Where the published cause taxonomy lives in the serving index."""

    def get(self) -> PublishedCauses | None: ...

    def current_hash(self) -> str | None:
        """The content hash of what is published, read cheaply to tell whether a cache is current."""
        ...

    def put_if_changed(self, published: PublishedCauses) -> bool:
        """Replace the taxonomy in one atomic write; raises DocumentRejected when it cannot be stored."""
        ...

    def delete(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SourceObject:
    """One version of a document in the content bucket."""

    key: str
    version_id: str | None
    body: bytes
    last_modified: dt.datetime


class ContentSource(Protocol):
    """The versioned content bucket: the source of truth for what is published."""

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        """The current version of the key, or None when the key has been deleted."""
        ...

    def latest_version_id(self, key: str) -> str | None: ...

    def record_outcome(self, key: str, version_id: str | None, report: dict[str, object]) -> None:
        """Make the publishing outcome visible to operators next to the document."""
        ...
