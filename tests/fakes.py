"""In-memory implementations of the storage interface, for tests of the domain alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from health_content.errors import InvalidCursor
from health_content.storage import ArticleListing, Page, PublishedArticle, PublishedCauses, SourceObject


@dataclass
class InMemoryArticleIndex:
    items: dict[tuple[str, str], PublishedArticle] = field(default_factory=dict)
    puts: int = 0
    gets: int = 0

    def get(self, locale: str, slug: str) -> PublishedArticle | None:
        self.gets += 1
        return self.items.get((locale, slug))

    def list(self, locale: str, limit: int, cursor: str | None) -> Page:
        slugs = sorted(slug for (loc, slug) in self.items if loc == locale)
        if cursor is not None:
            if cursor not in slugs:
                raise InvalidCursor()
            slugs = slugs[slugs.index(cursor) + 1 :]
        page = slugs[:limit]
        listings = [_listing(self.items[(locale, slug)]) for slug in page]
        return Page(listings, page[-1] if len(slugs) > limit else None)

    def put_if_changed(self, published: PublishedArticle) -> bool:
        key = (published.article.locale, published.article.slug)
        current = self.items.get(key)
        if current is not None and current.content_hash == published.content_hash:
            return False
        self.puts += 1
        self.items[key] = published
        return True

    def delete(self, locale: str, slug: str) -> bool:
        return self.items.pop((locale, slug), None) is not None


@dataclass
class InMemoryCauseStore:
    published: PublishedCauses | None = None
    reads: int = 0
    hash_reads: int = 0

    def get(self) -> PublishedCauses | None:
        self.reads += 1
        return self.published

    def current_hash(self) -> str | None:
        self.hash_reads += 1
        return None if self.published is None else self.published.content_hash

    def put_if_changed(self, published: PublishedCauses) -> bool:
        if self.published is not None and self.published.content_hash == published.content_hash:
            return False
        self.published = published
        return True

    def delete(self) -> bool:
        existed, self.published = self.published is not None, None
        return existed


def _listing(published: PublishedArticle) -> ArticleListing:
    article = published.article
    return ArticleListing(
        article.slug,
        article.locale,
        article.title,
        article.summary,
        tuple(article.tags),
        article.updated_at,
        published.published_at,
    )


@dataclass
class InMemoryContentSource:
    """A versioned bucket: each put adds a version; outcomes are recorded per key."""

    versions: dict[str, list[SourceObject | None]] = field(default_factory=dict)
    outcomes: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    uploads_during_fetch: dict[str, bytes] = field(default_factory=dict)

    def put(self, key: str, body: bytes) -> str:
        history = self.versions.setdefault(key, [])
        version_id = f"v{len(history) + 1}"
        history.append(SourceObject(key, version_id, body, dt.datetime(2026, 11, 24, 12, len(history), tzinfo=dt.UTC)))
        return version_id

    def delete(self, key: str) -> None:
        self.versions.setdefault(key, []).append(None)

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        history = self.versions.get(key) or [None]
        current = history[-1]
        # Simulates an upload that lands while this version is being published.
        racing = self.uploads_during_fetch.pop(key, None)
        if racing is not None:
            self.put(key, racing)
        if current is None:
            return None
        return SourceObject(current.key, current.version_id, current.body[:max_bytes], current.last_modified)

    def latest_version_id(self, key: str) -> str | None:
        current = (self.versions.get(key) or [None])[-1]
        return current.version_id if current else None

    def record_outcome(self, key: str, version_id: str | None, report: dict[str, object]) -> None:
        self.outcomes.setdefault(key, []).append(report)
