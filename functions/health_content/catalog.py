"""Reading published articles, with a small per-container cache in front of the serving index."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache

from health_content.causes.catalog import CauseCatalog
from health_content.causes.model import Cause
from health_content.content import Section
from health_content.errors import ArticleNotFound, SectionNotFound
from health_content.storage import ArticleIndex, Page, PublishedArticle


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the API shows it: with the causes each section discusses."""

    published: PublishedArticle
    causes_by_section: dict[str, list[str]]
    causes: list[Cause]
    last_modified: dt.datetime


class ArticleCatalog:
    """What the API can ask about articles.

    A warm Lambda container keeps recently read articles for ``cache_ttl`` seconds (at
    most ``cache_size`` of them), so a newly published version is served within that
    time. Listings are not cached: they are cheap and must show new articles at once.
    """

    def __init__(
        self,
        index: ArticleIndex,
        *,
        causes: CauseCatalog | None = None,
        cache_ttl: float = 60.0,
        cache_size: int = 256,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._index = index
        self._causes = causes
        self._cache: TTLCache[tuple[str, str], PublishedArticle] | None = (
            TTLCache(maxsize=cache_size, ttl=cache_ttl, timer=timer) if cache_ttl > 0 else None
        )

    def get_article(self, slug: str, locale: str) -> PublishedArticle:
        key = (locale, slug)
        if self._cache is not None:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        published = self._index.get(locale, slug)
        if published is None:
            raise ArticleNotFound(slug, locale)
        if self._cache is not None:
            self._cache[key] = published
        return published

    def view(self, slug: str, locale: str) -> ArticleView:
        published = self.get_article(slug, locale)
        if self._causes is None:
            return ArticleView(published, {}, [], published.published_at)
        causes = self._causes.for_article(slug, locale)
        # The body shows both documents, so it changed when either was last published.
        last_modified = max(filter(None, (published.published_at, causes.published_at)))
        in_reading_order = dict.fromkeys(
            cause_id for section in published.article.sections for cause_id in causes.by_section.get(section.id, [])
        )
        ordered = [causes.causes[cause_id] for cause_id in in_reading_order]
        return ArticleView(published, causes.by_section, ordered, last_modified)

    def section_view(self, slug: str, section_id: str, locale: str) -> tuple[ArticleView, Section]:
        view = self.view(slug, locale)
        section = view.published.article.section(section_id)
        if section is None:
            raise SectionNotFound(slug, section_id)
        return view, section

    def list_articles(self, locale: str, limit: int, cursor: str | None) -> Page:
        return self._index.list(locale, limit, cursor)
