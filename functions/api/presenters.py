"""Turn domain records into response models, with links that work behind any stage or domain."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from health_content.content import Section
from health_content.storage import ArticleListing, Page, PublishedArticle

from api.models import (
    ArticleListOut,
    ArticleOut,
    ArticleRef,
    ArticleSummaryOut,
    Links,
    RelatedArticle,
    RelatedArticles,
    SectionBody,
    SectionListOut,
    SectionOut,
    SectionSummaryOut,
)


class LinkBuilder:
    """Builds hrefs under the path prefix the request came in on (``/Prod`` on a default stage URL)."""

    def __init__(self, base_path: str, locale: str) -> None:
        self._base = base_path.rstrip("/")
        # The default locale is left out so that links stay short and cache keys stable.
        self._query = "" if locale == "id" else f"?locale={locale}"

    @classmethod
    def for_request(cls, event: APIGatewayProxyEvent, locale: str) -> LinkBuilder:
        # requestContext.path is the path as the client sent it (with the stage or a custom
        # domain's base path); event.path is what the routes see. The difference is the prefix.
        full_path = event.request_context.path or ""
        prefix = full_path[: -len(event.path)] if event.path and full_path.endswith(event.path) else ""
        return cls(prefix, locale)

    def articles(self, cursor: str | None = None) -> str:
        if cursor is None:
            return f"{self._base}/v1/articles{self._query}"
        separator = "&" if self._query else "?"
        return f"{self._base}/v1/articles{self._query}{separator}cursor={cursor}"

    def article(self, slug: str) -> str:
        return f"{self._base}/v1/articles/{slug}{self._query}"

    def sections(self, slug: str) -> str:
        return f"{self._base}/v1/articles/{slug}/sections{self._query}"

    def section(self, slug: str, section_id: str) -> str:
        return f"{self._base}/v1/articles/{slug}/sections/{section_id}{self._query}"


def _section_body(slug: str, section: Section, links: LinkBuilder) -> SectionBody:
    return SectionBody(
        id=section.id,
        heading=section.heading,
        aspect=section.aspect,
        blocks=list(section.blocks),
        links=Links(self=links.section(slug, section.id)),
    )


def _article_ref(published: PublishedArticle, links: LinkBuilder) -> ArticleRef:
    article = published.article
    return ArticleRef(
        slug=article.slug,
        locale=article.locale,
        title=article.title,
        links=Links(self=links.article(article.slug)),
    )


def article_out(published: PublishedArticle, links: LinkBuilder) -> ArticleOut:
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
        updated_at=article.updated_at,
        published_at=published.published_at,
        related=RelatedArticles(**related),
        corrections=list(article.corrections),
        sections=[_section_body(article.slug, section, links) for section in article.sections],
        links=Links(self=links.article(article.slug), sections=links.sections(article.slug)),
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
        links=Links(self=links.article(listing.slug), sections=links.sections(listing.slug)),
    )


def article_list_out(page: Page, links: LinkBuilder, cursor: str | None) -> ArticleListOut:
    return ArticleListOut(
        items=[_summary_out(listing, links) for listing in page.items],
        next_cursor=page.next_cursor,
        links=Links(
            self=links.articles(cursor),
            next=links.articles(page.next_cursor) if page.next_cursor else None,
        ),
    )


def section_list_out(published: PublishedArticle, links: LinkBuilder) -> SectionListOut:
    article = published.article
    return SectionListOut(
        article=_article_ref(published, links),
        sections=[
            SectionSummaryOut(
                id=section.id,
                heading=section.heading,
                aspect=section.aspect,
                links=Links(self=links.section(article.slug, section.id)),
            )
            for section in article.sections
        ],
        disclaimer=article.disclaimer,
        links=Links(self=links.sections(article.slug), article=links.article(article.slug)),
    )


def section_out(published: PublishedArticle, section: Section, links: LinkBuilder) -> SectionOut:
    article = published.article
    ids = [s.id for s in article.sections]
    position = ids.index(section.id)
    previous_id = ids[position - 1] if position > 0 else None
    next_id = ids[position + 1] if position + 1 < len(ids) else None
    return SectionOut(
        article=_article_ref(published, links),
        section=_section_body(article.slug, section, links),
        source=article.source,
        disclaimer=article.disclaimer,
        links=Links(
            self=links.section(article.slug, section.id),
            article=links.article(article.slug),
            sections=links.sections(article.slug),
            previous=links.section(article.slug, previous_id) if previous_id else None,
            next=links.section(article.slug, next_id) if next_id else None,
        ),
    )
