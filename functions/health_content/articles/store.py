"""The port to the serving index for articles, and the records that cross it.

``health_content.storage.articles.DynamoArticleStore`` implements it on DynamoDB; every
implementation passes the same specification (``tests/contract/test_storage_contract.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from health_content.articles.model import Article
from health_content.changes.model import Change, Retraction
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class PublishedArticle:
    """An article as the serving index holds it."""

    article: Article
    content_hash: str
    published_at: dt.datetime
    source_version: str | None = None
    search_analysis: bytes | None = None
    """Its publish-time search analysis, opaque to the store (``health_content.search.analysis``)."""
    first_published_at: dt.datetime | None = None
    """When it was first published (and not retracted since); the store keeps it (``as_stored``)."""
    content_changed_at: dt.datetime | None = None
    """When its content last changed; the store keeps it (``as_stored``). Unlike ``published_at``, a rewrite of
    the same content (a new release's search analysis) leaves it as it was."""

    @property
    def date_published(self) -> dt.datetime:
        return self.first_published_at or self.published_at

    @property
    def date_modified(self) -> dt.datetime:
        return self.content_changed_at or self.published_at


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """What a store knows of the version an article replaces, to carry its dates over."""

    content_hash: str
    date_published: dt.datetime
    date_modified: dt.datetime


def as_stored(published: PublishedArticle, previous: StoredVersion | None) -> PublishedArticle:
    """``published`` with the dates a store keeps: the first publication's, and the last change of its content.

    Stored before these dates were (``previous`` without them), an article counts as first published and last
    changed when its stored version was published."""
    if previous is None:
        return replace(published, first_published_at=published.published_at, content_changed_at=published.published_at)
    changed = previous.content_hash != published.content_hash
    return replace(
        published,
        first_published_at=previous.date_published,
        content_changed_at=published.published_at if changed else previous.date_modified,
    )


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """An article's search analysis as stored (opaque here), and when that version was published."""

    analysis: bytes
    published_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ArticleListing:
    """The fields of an article that a listing shows, without its sections."""

    slug: str
    locale: Locale
    title: str
    summary: str
    tags: tuple[str, ...]
    updated_at: dt.date
    published_at: dt.datetime
    content_hash: str
    next_review: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ListingFilter:
    """Which articles a listing shows: those published after ``updated_since``, with ``tag``."""

    updated_since: dt.datetime | None = None
    tag: str | None = None

    def admits(self, listing: ArticleListing) -> bool:
        if self.updated_since is not None and listing.published_at <= self.updated_since:
            return False
        return self.tag is None or self.tag in listing.tags


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[ArticleListing]
    next_cursor: str | None


ArticleLookup = Callable[[Locale, str], Article | None]
"""Finds an article by locale and slug: the published ones, or those about to be published."""


class ArticleStore(Protocol):
    """Where published articles are kept: the API reads it, the ingest function writes it."""

    def get(self, locale: Locale, slug: str) -> PublishedArticle | None: ...

    def list(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        """One page of the articles ``only`` admits, in slug order; with ``only.updated_since``, in order of
        publication (oldest first, then by slug). Every page but the last is full: it reads about what it returns,
        never the articles' documents. InvalidCursor for a cursor it did not issue for a listing of that order."""
        ...

    def check_fits(self, published: PublishedArticle) -> None:
        """Raise DocumentRejected when the article is too large to store, saying by how much."""
        ...

    def put_if_changed(self, published: PublishedArticle) -> Change | None:
        """Replace the article and log the change in one atomic write; None (and no write) when the content
        is unchanged. A retraction of the article is forgotten.

        Raises DocumentRejected, writing nothing, when the article does not fit."""
        ...

    def delete(self, locale: Locale, slug: str, reason: str | None = None) -> Change | None:
        """Retract the article: remove it, remember why and when, and log it, atomically; None when there was none."""
        ...

    def search_analyses(self, locale: Locale) -> Sequence[StoredAnalysis]:
        """The stored search analysis of every published article in ``locale``."""
        ...

    def search_analysis(self, locale: Locale, slug: str) -> StoredAnalysis | None:
        """The stored search analysis of one published article; None when it is not published."""
        ...

    def retraction(self, locale: Locale, slug: str) -> Retraction | None:
        """Why and when an article that is not published was retracted; None if it never was (or is back)."""
        ...

    def withdrawn(self) -> frozenset[tuple[str, Locale]]:
        """Every retracted article, as (slug, locale)."""
        ...
