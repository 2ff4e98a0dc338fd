"""HTML pages of the content, shared by the embed routes (frames) and the article route (the readable page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response

from api.container import Container
from api.http_caching import rendered_representation
from api.links import LinkBuilder
from api.media_types import HTML, with_charset
from api.models.embeds import EmbedOut
from api.presenters.embeds import embed_out
from api.presenters.html import page_html, page_security_policy
from api.presenters.jsonld import article_jsonld, section_jsonld
from health_content.articles.model import Section
from health_content.reading import ArticleView
from health_content.vocabulary import Locale

HTML_PAGE = with_charset(HTML)
# Embeds are for any site: any origin may read them (the JSON routes keep the CORS allow-list).
OPEN = {"Access-Control-Allow-Origin": "*"}


@dataclass(frozen=True, slots=True)
class Embedding:
    """An article or one of its sections, as an embed shows it."""

    embed: EmbedOut
    view: ArticleView
    section: Section | None
    links: LinkBuilder

    @property
    def last_modified(self) -> dt.datetime:
        return self.view.last_modified


@dataclass(frozen=True, slots=True)
class Located:
    """What an embed or a page shows, found but not rendered yet."""

    view: ArticleView
    section: Section | None
    links: LinkBuilder
    locale: Locale
    degraded: bool
    """Whether something was left out of the view because it could not be read."""

    def version(self, representation: str) -> Hashable:
        section_id = self.section.id if self.section else None
        return rendering_key(representation, self.view, self.links, self.degraded, section_id)


def rendering_key(
    representation: str, view: ArticleView, links: LinkBuilder, degraded: bool, *parts: Hashable
) -> Hashable:
    """Everything a rendering of an article depends on, each part by its version: the content, when
    anything shown last changed (the causes, the review falling overdue), whether the causes were
    left out, where links point, and the ``parts`` a route adds (a section, the fields asked for)."""
    published = view.published
    return (
        representation,
        published.article.slug,
        published.article.locale,
        published.content_hash,
        view.causes_version,
        view.last_modified,
        degraded,
        links.base_url,
        *parts,
    )


class Pages:
    """Finds what an embed or a page shows, and renders each version once, from one app's container."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def locate(self, links: LinkBuilder, slug: str, section_id: str | None, locale: Locale) -> Located:
        reader = self._container.reader
        if section_id is None:
            view, section = reader.view(slug, locale), None
        else:
            view, section = reader.section_view(slug, section_id, locale)
        return Located(view, section, links, locale, self._container.freshness.degraded)

    def embedding_of(self, located: Located) -> Embedding:
        today = dt.datetime.now(dt.UTC).date()
        publisher = self._container.settings.publisher_name
        embed = embed_out(located.view, located.section, located.links, publisher, located.locale, today)
        return Embedding(embed, located.view, located.section, located.links)

    def page_response(self, located: Located, layout: str) -> Response[str]:
        """The content as a whole HTML page (``frame`` for iframes, ``page`` to read), rendered once per version."""

        def render() -> str:
            embedding = self.embedding_of(located)
            publisher = self._container.settings.publisher_name
            if embedding.section is None:
                structured = article_jsonld(embedding.view, embedding.links, publisher)
            else:
                structured = section_jsonld(embedding.view, embedding.section, embedding.links, publisher)
            return page_html(embedding.embed, embedding.view.published, embedding.links, structured, layout=layout)

        return rendered_representation(
            self._container.renderings.get(located.version(layout), render),
            last_modified=located.view.last_modified,
            language=located.locale,
            content_type=HTML_PAGE,
            headers={**OPEN, "Content-Security-Policy": page_security_policy(located.links.origin)},
        )
