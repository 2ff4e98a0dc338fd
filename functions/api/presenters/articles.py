"""Articles and sections as response models."""

from __future__ import annotations

import datetime as dt

from api.links import LinkBuilder
from api.models.articles import (
    ArticleListOut,
    ArticleOut,
    ArticleSummaryOut,
    RelatedArticle,
    RelatedArticles,
    SectionListOut,
    SectionOut,
    SectionSummaryOut,
)
from api.models.common import ArticleRef, Links, SectionBody
from api.presenters.review import review_out
from health_content.articles.model import Section
from health_content.articles.store import ArticleListing, ListingFilter, Page, PublishedArticle
from health_content.reading import ArticleView

CausesBySection = dict[str, list[str]]


def _section_body(slug: str, section: Section, links: LinkBuilder, causes: CausesBySection) -> SectionBody:
    return SectionBody(
        id=section.id,
        heading=section.heading,
        aspect=section.aspect,
        blocks=list(section.blocks),
        causes=causes.get(section.id, []),
        links=Links(self=links.section(slug, section.id), embed=links.embed(slug, section.id)),
    )


def _article_ref(published: PublishedArticle, links: LinkBuilder) -> ArticleRef:
    article = published.article
    return ArticleRef(
        slug=article.slug,
        locale=article.locale,
        title=article.title,
        links=Links(self=links.article(article.slug)),
    )


def article_out(view: ArticleView, links: LinkBuilder, today: dt.date) -> ArticleOut:
    published, causes = view.published, view.causes_by_section
    article = published.article
    related = {
        name: RelatedArticle(slug=link.slug, title=link.title, href=links.article(link.slug))
        for name, link in (("previous", article.related.previous), ("next", article.related.next))
        if link is not None
    }
    return ArticleOut(
        slug=article.slug,
        locale=article.locale,
        title=article.title,
        summary=article.summary,
        tags=list(article.tags),
        source=article.source,
        disclaimer=article.disclaimer,
        review=review_out(article.review, today),
        updated_at=article.updated_at,
        published_at=published.published_at,
        related=RelatedArticles(**related),
        corrections=list(article.corrections),
        sections=[_section_body(article.slug, section, links, causes) for section in article.sections],
        links=Links(
            self=links.article(article.slug),
            sections=links.sections(article.slug),
            embed=links.embed(article.slug),
            oembed=links.absolute(links.oembed(links.absolute(links.frame(article.slug)))),
        ),
    )


def _summary_out(listing: ArticleListing, links: LinkBuilder) -> ArticleSummaryOut:
    return ArticleSummaryOut(
        slug=listing.slug,
        locale=listing.locale,
        title=listing.title,
        summary=listing.summary,
        tags=list(listing.tags),
        updated_at=listing.updated_at,
        published_at=listing.published_at,
        version=listing.content_hash,
        links=Links(self=links.article(listing.slug), sections=links.sections(listing.slug)),
    )


def article_list_out(
    page: Page, links: LinkBuilder, cursor: str | None, limit: int, only: ListingFilter
) -> ArticleListOut:
    since = only.updated_since.isoformat() if only.updated_since else None
    return ArticleListOut(
        items=[_summary_out(listing, links) for listing in page.items],
        next_cursor=page.next_cursor,
        links=Links(
            self=links.articles(cursor, limit, updated_since=since, tag=only.tag),
            next=links.articles(page.next_cursor, limit, updated_since=since, tag=only.tag)
            if page.next_cursor
            else None,
        ),
    )


def section_list_out(view: ArticleView, links: LinkBuilder) -> SectionListOut:
    published, causes = view.published, view.causes_by_section
    article = published.article
    return SectionListOut(
        article=_article_ref(published, links),
        sections=[
            SectionSummaryOut(
                id=section.id,
                heading=section.heading,
                aspect=section.aspect,
                causes=causes.get(section.id, []),
                links=Links(self=links.section(article.slug, section.id)),
            )
            for section in article.sections
        ],
        source=article.source,
        disclaimer=article.disclaimer,
        links=Links(self=links.sections(article.slug), article=links.article(article.slug)),
    )


def section_out(view: ArticleView, section: Section, links: LinkBuilder, today: dt.date) -> SectionOut:
    published, causes = view.published, view.causes_by_section
    article = published.article
    ids = [s.id for s in article.sections]
    position = ids.index(section.id)
    previous_id = ids[position - 1] if position > 0 else None
    next_id = ids[position + 1] if position + 1 < len(ids) else None
    return SectionOut(
        article=_article_ref(published, links),
        section=_section_body(article.slug, section, links, causes),
        source=article.source,
        disclaimer=article.disclaimer,
        review=review_out(article.review, today),
        links=Links(
            self=links.section(article.slug, section.id),
            article=links.article(article.slug),
            sections=links.sections(article.slug),
            previous=links.section(article.slug, previous_id) if previous_id else None,
            next=links.section(article.slug, next_id) if next_id else None,
        ),
    )
