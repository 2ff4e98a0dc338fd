"""Reading published articles, with a small per-container cache in front of the serving index."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache

from health_content.articles.store import ArticleStore, Page, PublishedArticle
from health_content.errors import ArticleNotFound
from health_content.vocabulary import Locale


class ArticleCatalog:
    """What the API can ask about articles.

    A warm Lambda container keeps recently read articles for ``cache_ttl`` seconds (at
    most ``cache_size`` of them), so a newly published version is served within that
    time. Listings are not cached: they are cheap and must show new articles at once.
    """

    def __init__(
        self,
        store: ArticleStore,
        *,
        cache_ttl: float = 60.0,
        cache_size: int = 256,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._cache: TTLCache[tuple[Locale, str], PublishedArticle] | None = (
            TTLCache(maxsize=cache_size, ttl=cache_ttl, timer=timer) if cache_ttl > 0 else None
        )

    def get_article(self, slug: str, locale: Locale) -> PublishedArticle:
        key = (locale, slug)
        if self._cache is not None:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        published = self._store.get(locale, slug)
        if published is None:
            raise ArticleNotFound(slug, locale)
        if self._cache is not None:
            self._cache[key] = published
        return published

    def list_articles(self, locale: Locale, limit: int, cursor: str | None) -> Page:
        return self._store.list(locale, limit, cursor)
