"""HTML pages of the content, shared by the embed routes (frames) and the article route (the readable page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from api.dependencies import container
from api.http_caching import representation
from api.links import LinkBuilder
from api.models import EmbedOut
from api.presenters.embeds import embed_out, page_html, page_security_policy
from api.presenters.jsonld import article_jsonld, section_jsonld
from api.routes.params import request_links
from health_content.articles.model import Section
from health_content.reading import ArticleView
from health_content.vocabulary import Locale

HTML = "text/html; charset=utf-8"
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


def load_embedding(router: Router, slug: str, section_id: str | None, locale: Locale) -> Embedding:
    links = request_links(router, locale)
    if section_id is None:
        view, section = container().reader.view(slug, locale), None
    else:
        view, section = container().reader.section_view(slug, section_id, locale)
    today = dt.datetime.now(dt.UTC).date()
    embed = embed_out(view, section, links, container().settings.publisher_name, locale, today)
    return Embedding(embed, view, section, links)


def page_response(embedding: Embedding, layout: str) -> Response[str]:
    """The embedding as a whole HTML page: ``frame`` for iframes, ``page`` to read."""
    publisher = container().settings.publisher_name
    if embedding.section is None:
        structured = article_jsonld(embedding.view, embedding.links, publisher)
    else:
        structured = section_jsonld(embedding.view, embedding.section, embedding.links, publisher)
    return representation(
        page_html(embedding.embed, embedding.links, structured, layout=layout),
        last_modified=embedding.last_modified,
        language=embedding.embed.locale,
        content_type=HTML,
        headers={**OPEN, "Content-Security-Policy": page_security_policy(embedding.links.origin)},
    )
