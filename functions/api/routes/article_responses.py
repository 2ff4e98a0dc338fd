"""What the article routes answer: each method reads through the container, presents what it read once per
version (``Renderings``), and returns the response with its validators. The routes only parse parameters."""

from __future__ import annotations

import datetime as dt

from aws_lambda_powertools.event_handler import Response

from api.container import Container
from api.fields import PartialOut, SparseOut, check_selection, normalized_fields, select
from api.http_caching import released_at, rendered_representation, representation
from api.links import LinkBuilder
from api.media_types import JSON_LD
from api.models.articles import ArticleListOut, ArticleOut, JsonLdOut, SectionListOut, SectionOut
from api.presenters.articles import article_list_out, article_out, section_list_out, section_out
from api.presenters.jsonld import article_jsonld
from api.presenters.oembed import oembed_link_field
from api.routes.pages import Pages, rendering_key
from health_content.articles.store import ListingFilter
from health_content.vocabulary import Locale


def _oembed(links: LinkBuilder, slug: str, section_id: str | None = None) -> dict[str, str]:
    """Every answer about an article or a section names its oEmbed answers, as its pages do with <link>."""
    return {"Link": oembed_link_field(links, slug, section_id)}


def _today() -> dt.date:
    """Whether a review is overdue depends on the date (in UTC)."""
    return dt.datetime.now(dt.UTC).date()


class ArticleResponses:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._pages = Pages(container)

    def listing(
        self,
        links: LinkBuilder,
        locale: Locale,
        limit: int,
        cursor: str | None,
        only: ListingFilter,
        fields: str | None,
    ) -> Response[ArticleListOut | PartialOut]:
        check_selection(fields, ArticleListOut)
        page = self._container.articles.list_articles(locale, limit, cursor, only)
        # A page changed when the newest article on it was published (or, empty, when the code was).
        last_modified = max((item.published_at for item in page.items), default=released_at())
        body = article_list_out(page, links, cursor, limit, only)
        return representation(select(body, fields, PartialOut), last_modified=last_modified, language=locale)

    def page(self, links: LinkBuilder, slug: str, locale: Locale) -> Response[str]:
        """The article as a page to read."""
        page = self._pages.page_response(self._pages.locate(links, slug, None, locale), "page")
        page.headers.update(_oembed(links, slug))
        return page

    def jsonld(self, links: LinkBuilder, slug: str, locale: Locale) -> Response[JsonLdOut]:
        view = self._container.reader.view(slug, locale)
        document = JsonLdOut(article_jsonld(view, links, self._container.settings.publisher_name))
        return representation(
            document,
            last_modified=view.last_modified,
            language=locale,
            content_type=JSON_LD,
            headers=_oembed(links, slug),
        )

    def article(
        self, links: LinkBuilder, slug: str, locale: Locale, fields: str | None
    ) -> Response[ArticleOut | SparseOut | str]:  # str: rendered before
        check_selection(fields, ArticleOut)
        view = self._container.reader.view(slug, locale)
        rendered = self._container.renderings.get(
            rendering_key("article", view, links, self._degraded, normalized_fields(fields)),
            lambda: select(article_out(view, links, _today()), fields, SparseOut),
        )
        return rendered_representation(
            rendered, last_modified=view.last_modified, language=locale, headers=_oembed(links, slug)
        )

    def sections(
        self, links: LinkBuilder, slug: str, locale: Locale, fields: str | None
    ) -> Response[SectionListOut | SparseOut | str]:  # str: rendered before
        check_selection(fields, SectionListOut)
        view = self._container.reader.view(slug, locale)
        rendered = self._container.renderings.get(
            rendering_key("sections", view, links, self._degraded, normalized_fields(fields)),
            lambda: select(section_list_out(view, links), fields, SparseOut),
        )
        return rendered_representation(
            rendered, last_modified=view.last_modified, language=locale, headers=_oembed(links, slug)
        )

    def section(
        self, links: LinkBuilder, slug: str, section_id: str, locale: Locale, fields: str | None
    ) -> Response[SectionOut | SparseOut | str]:  # str: rendered before
        check_selection(fields, SectionOut)
        view, section = self._container.reader.section_view(slug, section_id, locale)
        rendered = self._container.renderings.get(
            rendering_key(f"section:{section_id}", view, links, self._degraded, normalized_fields(fields)),
            lambda: select(section_out(view, section, links, _today()), fields, SparseOut),
        )
        return rendered_representation(
            rendered, last_modified=view.last_modified, language=locale, headers=_oembed(links, slug, section_id)
        )

    @property
    def _degraded(self) -> bool:
        return self._container.freshness.degraded
