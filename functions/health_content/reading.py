"""Reading across kinds: an article together with the causes its sections discuss.

Sits above ``articles`` and ``causes``, which know nothing of each other's catalogs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from health_content.articles.catalog import ArticleCatalog
from health_content.articles.diff import DraftChanges, draft_changes
from health_content.articles.drafts import DraftStore
from health_content.articles.model import Article, Section
from health_content.articles.store import PublishedArticle
from health_content.causes.catalog import CauseCatalog
from health_content.causes.model import Cause
from health_content.errors import ArticleNotFound, ArticleRetracted, ContentUnavailable, SectionNotFound
from health_content.freshness import Freshness
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the API shows it: with the causes each section discusses."""

    published: PublishedArticle
    causes_by_section: dict[str, list[str]]
    causes: list[Cause]
    last_modified: dt.datetime
    causes_version: str | None = None
    """The version of the cause index the causes come from (None: none, or left out)."""


@dataclass(frozen=True, slots=True)
class ArticlePreview:
    """What an editor's preview shows: the article's draft or, when it has none, its published version."""

    view: ArticleView
    is_draft: bool
    published: Article | None
    """The published version, to compare the draft with; None when nothing is published under the slug."""

    def changes(self) -> DraftChanges:
        """What the draft changes against the published version (nothing, when this is that version)."""
        return draft_changes(self.published, self.view.published.article)


class ArticleReader:
    """Builds article views from the article catalog and, when there is one, the cause catalog; previews read
    drafts from ``drafts``."""

    def __init__(
        self,
        articles: ArticleCatalog,
        causes: CauseCatalog | None = None,
        freshness: Freshness | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        *,
        drafts: DraftStore | None = None,
    ) -> None:
        self._articles = articles
        self._causes = causes
        self._freshness = freshness or Freshness()
        self._clock = clock
        self._drafts = drafts

    def view(self, slug: str, locale: Locale) -> ArticleView:
        return self._with_causes(self._articles.get_article(slug, locale))

    def preview(self, slug: str, locale: Locale) -> ArticlePreview:
        """The draft of an article, with its causes as the published taxonomy has them; without a draft, the
        published article (ArticleNotFound when there is neither)."""
        draft = self._drafts.get(locale, slug) if self._drafts is not None else None
        if draft is None:
            view = self.view(slug, locale)
            return ArticlePreview(view, is_draft=False, published=view.published.article)
        try:
            published: Article | None = self._articles.get_article(slug, locale).article
        except (ArticleNotFound, ArticleRetracted):
            published = None
        return ArticlePreview(self._with_causes(draft), is_draft=True, published=published)

    def preview_section(self, slug: str, section_id: str, locale: Locale) -> tuple[ArticlePreview, Section]:
        preview = self.preview(slug, locale)
        section = preview.view.published.article.section(section_id)
        if section is None:
            raise SectionNotFound(slug, section_id)
        return preview, section

    def _with_causes(self, published: PublishedArticle) -> ArticleView:
        slug, locale = published.article.slug, published.article.locale
        if self._causes is None:
            return ArticleView(published, {}, [], self._last_modified(published))
        try:
            causes = self._causes.for_article(slug, locale)
        except ContentUnavailable:
            # The causes enrich an article; without them it is still the text, its source and disclaimer.
            self._freshness.left_out()
            return ArticleView(published, {}, [], self._last_modified(published))
        last_modified = self._last_modified(published, causes.published_at)
        in_reading_order: dict[str, None] = {}
        for section in published.article.sections:
            for cause_id in causes.by_section.get(section.id, ()):
                in_reading_order[cause_id] = None
        ordered = [causes.causes[cause_id] for cause_id in in_reading_order]
        return ArticleView(published, causes.by_section, ordered, last_modified, causes.version)

    def _last_modified(
        self, published: PublishedArticle, causes_published_at: dt.datetime | None = None
    ) -> dt.datetime:
        """The body shows both documents and the review's status, so it changed when either was last
        published or the review fell overdue, whichever came last."""
        changes = [published.published_at]
        if causes_published_at is not None:
            changes.append(causes_published_at)
        overdue_from = published.article.review.overdue_from()
        if overdue_from is not None and overdue_from <= self._clock():
            changes.append(overdue_from)
        return max(changes)

    def section_view(self, slug: str, section_id: str, locale: Locale) -> tuple[ArticleView, Section]:
        view = self.view(slug, locale)
        section = view.published.article.section(section_id)
        if section is None:
            raise SectionNotFound(slug, section_id)
        return view, section
