"""What the article routes answer to a preview token: the draft (or, without one, the published version), marked
as such, never kept by any cache and never indexed. The token is checked before anything is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from api.container import Container
from api.fields import SparseOut, select
from api.http_caching import representation
from api.links import LinkBuilder
from api.media_types import JSON, JSON_LD
from api.models.articles import JsonLdOut, PreviewMark
from api.presenters.articles import article_out, section_list_out, section_out
from api.presenters.html import page_html, page_security_policy
from api.presenters.jsonld import article_jsonld
from api.presenters.previews import (
    article_preview_out,
    page_preview,
    section_list_preview_out,
    section_preview_out,
)
from api.routes.pages import HTML_PAGE, Located, Pages
from health_content.reading import ArticlePreview
from health_content.vocabulary import Locale

# A preview is for the editor who holds the token: no shared or private cache may keep it (a CDN included), and
# no search engine may index it.
PREVIEW_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _selected(body: PreviewMark, fields: str | None, preview: ArticlePreview) -> PreviewMark | SparseOut:
    """The fields asked for, and always the mark that says whether this is the draft (as the envelope comes)."""
    selected = select(body, fields, SparseOut)
    if isinstance(selected, PreviewMark):
        return selected
    return SparseOut.model_validate({**selected.model_dump(by_alias=True), "draft": preview.is_draft})


class PreviewResponses:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._pages = Pages(container)

    def _preview(self, token: str, slug: str, locale: Locale) -> ArticlePreview:
        self._container.previews.check(token, slug)
        return self._container.reader.preview(slug, locale)

    def article(self, links: LinkBuilder, token: str, slug: str, locale: Locale, fields: str | None) -> Response[Any]:
        preview = self._preview(token, slug, locale)
        body = article_preview_out(article_out(preview.view, links, _today()), preview)
        return self._answer(_selected(body, fields, preview), locale)

    def sections(self, links: LinkBuilder, token: str, slug: str, locale: Locale, fields: str | None) -> Response[Any]:
        preview = self._preview(token, slug, locale)
        body = section_list_preview_out(section_list_out(preview.view, links), preview)
        return self._answer(_selected(body, fields, preview), locale)

    def section(
        self, links: LinkBuilder, token: str, slug: str, section_id: str, locale: Locale, fields: str | None
    ) -> Response[Any]:
        self._container.previews.check(token, slug)
        preview, section = self._container.reader.preview_section(slug, section_id, locale)
        body = section_preview_out(section_out(preview.view, section, links, _today()), preview)
        return self._answer(_selected(body, fields, preview), locale)

    def jsonld(self, links: LinkBuilder, token: str, slug: str, locale: Locale) -> Response[Any]:
        preview = self._preview(token, slug, locale)
        document = article_jsonld(preview.view, links, self._container.settings.publisher_name)
        if preview.is_draft:
            document = {**document, "creativeWorkStatus": "Draft"}  # schema.org's word for it
        return self._answer(JsonLdOut(document), locale, content_type=JSON_LD)

    def page(self, links: LinkBuilder, token: str, slug: str, locale: Locale) -> Response[Any]:
        """The article page with the draft, a banner that says so, and what the draft changes."""
        preview = self._preview(token, slug, locale)
        located = Located(preview.view, None, links, locale, self._container.freshness.degraded)
        embedding = self._pages.embedding_of(located)
        structured = article_jsonld(embedding.view, embedding.links, self._container.settings.publisher_name)
        html = page_html(embedding.embed, links, structured, layout="page", preview=page_preview(preview, locale))
        response = self._answer(html, locale, content_type=HTML_PAGE)
        response.headers["Content-Security-Policy"] = page_security_policy(links.origin)
        return response

    @staticmethod
    def _answer(body: BaseModel | str, locale: Locale, content_type: str = JSON) -> Response[Any]:
        # Serialised here: the caching middleware, which serialises what may be cached, leaves no-store answers be.
        text = body if isinstance(body, str) else body.model_dump_json(by_alias=True)
        return representation(text, language=locale, content_type=content_type, headers=PREVIEW_HEADERS)
