"""Reading published articles, with a small per-container cache in front of the serving index."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import LRUCache

from health_content.articles.store import ArticleStore, ListingFilter, Page, PublishedArticle
from health_content.errors import ArticleNotFound, ArticleRetracted, ContentUnavailable
from health_content.freshness import Freshness
from health_content.vocabulary import Locale


class ArticleCatalog:
    """What the API can ask about articles.

    A warm Lambda container keeps the articles it read (at most ``cache_size``): for ``cache_ttl``
    seconds it serves them without asking the store, so a newly published version is served within
    that time. When the store then fails, it keeps serving its copy for up to ``stale_after``
    seconds since it was read, and records that in ``freshness``. Listings are not cached: they are
    cheap and must show new articles at once.
    """

    def __init__(
        self,
        store: ArticleStore,
        *,
        cache_ttl: float = 60.0,
        cache_size: int = 256,
        stale_after: float = 86_400.0,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = cache_ttl
        self._stale_after = stale_after
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._copies: LRUCache[tuple[Locale, str], tuple[PublishedArticle, float]] = LRUCache(maxsize=cache_size)

    def get_article(self, slug: str, locale: Locale) -> PublishedArticle:
        key = (locale, slug)
        now = self._timer()
        copy = self._copies.get(key)
        if copy is not None and now - copy[1] < self._ttl:
            self._freshness.read_copy(copy[1] + self._ttl)
            return copy[0]
        try:
            published = self._store.get(locale, slug)
        except ContentUnavailable:
            if copy is None or now - copy[1] > self._stale_after:
                raise
            self._freshness.served_stale(now - copy[1])
            return copy[0]
        if published is None:
            self._copies.pop(key, None)
            retraction = self._store.retraction(locale, slug)
            if retraction is not None:
                raise ArticleRetracted(slug, locale, retraction.reason, retraction.at)
            raise ArticleNotFound(slug, locale)
        self._copies[key] = (published, now)
        self._freshness.read_copy(now + self._ttl)
        return published

    def list_articles(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        return self._store.list(locale, limit, cursor, only)
