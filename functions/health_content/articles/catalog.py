"""Reading published articles, with a small per-container cache in front of the serving index."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import LRUCache

from health_content.articles.store import ArticleStore, ListingFilter, Page, PublishedArticle
from health_content.errors import ArticleNotFound, ArticleRetracted
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy, KeptCopy
from health_content.vocabulary import Locale


class ArticleCatalog:
    """What the API can ask about articles.

    A warm Lambda container keeps the articles it read (at most ``cache_size``), each as a ``KeptCopy``
    under ``policy``: a newly published version is served within ``policy.refresh_after`` seconds, and a
    failing store is answered from the copy while it is young enough. Listings are not cached: they are
    cheap and must show new articles at once.
    """

    def __init__(
        self,
        store: ArticleStore,
        policy: KeepPolicy,
        *,
        cache_size: int,
        freshness: Freshness | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._policy = policy
        self._freshness = freshness or Freshness()
        self._timer = timer
        self._copies: LRUCache[tuple[Locale, str], KeptCopy[PublishedArticle]] = LRUCache(maxsize=cache_size)

    def get_article(self, slug: str, locale: Locale) -> PublishedArticle:
        key = (locale, slug)
        kept = self._copies.get(key)
        if kept is None:
            kept = self._copies[key] = KeptCopy(self._policy, self._freshness, self._timer)
        try:
            return kept.get(lambda _: self._read(slug, locale))
        except (ArticleNotFound, ArticleRetracted):
            self._copies.pop(key, None)
            raise

    def _read(self, slug: str, locale: Locale) -> PublishedArticle:
        published = self._store.get(locale, slug)
        if published is None:
            retraction = self._store.retraction(locale, slug)
            if retraction is not None:
                raise ArticleRetracted(slug, locale, retraction.reason, retraction.at)
            raise ArticleNotFound(slug, locale)
        return published

    def list_articles(self, locale: Locale, limit: int, cursor: str | None, only: ListingFilter | None = None) -> Page:
        return self._store.list(locale, limit, cursor, only)
