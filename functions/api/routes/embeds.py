"""Partner embeds: HTML fragments, frame pages for iframes, oEmbed, the stylesheet and the script.

These routes are open to any origin (partners' pages fetch them); the JSON routes keep the
configured CORS allow-list.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api import paths
from api.container import Container
from api.http_caching import rendered_representation, representation
from api.links import LinkBuilder
from api.media_types import CSS, HTML, JAVASCRIPT, JSON, XML, with_charset
from api.models.embeds import EmbedOut, OEmbedOut
from api.openapi import model_response, responses, text_response
from api.presenters.assets import asset
from api.presenters.html import fragment_html
from api.presenters.oembed import OEMBED_MEDIA_TYPES, oembed_out
from api.presenters.oembed import oembed_xml as xml_of
from api.problem_types import UnsupportedFormat
from api.routes.pages import HTML_PAGE, OPEN, Pages
from api.routes.params import READ_METHODS, LocaleQuery, SectionIdPath, SlugPath, request_links
from health_content.errors import InvalidQuery, NotFound
from health_content.vocabulary import DEFAULT_LOCALE, Locale, as_locale

# `format` on the fragment's own URL (the embed script sends `format=json`): the document gives the JSON its own
# URL (`.json`), so that a generated client gets one model per operation, and the parameter keeps working here.
UndocumentedFormatQuery = Annotated[
    Literal["html", "json"],
    Query(
        description="`html`: a fragment to insert; `json`: the same content for the embed script.",
        include_in_schema=False,
    ),
]
_FRAGMENT = text_response(HTML, "An HTML fragment to insert, with attribution and disclaimer")
_FRAGMENT_JSON = model_response(EmbedOut, "What the fragment shows, as JSON, for the embed script")
OEmbedUrlQuery = Annotated[
    str,
    Query(
        max_length=2048,
        description="The URL to embed: an article's or a section's on this API.",
        # The local stack's own host (`make serve`), so that the example is answered there.
        examples=["https://localhost/v1/articles/kram-otot-betis"],
    ),
]
MaxWidthQuery = Annotated[int | None, Query(ge=1, le=10_000, description="Widest the embed may be, in pixels.")]
MaxHeightQuery = Annotated[int | None, Query(ge=1, le=10_000, description="Tallest it may be, in pixels.")]
_PAGE = text_response(HTML, "A full HTML page with the content, its disclaimer and attribution")


def routes(container: Container) -> Router:
    """The embed routes, answering from ``container``."""
    router = Router()
    pages = Pages(container)

    def _links(locale: Locale) -> LinkBuilder:
        return request_links(router, locale, container.settings.public_base_url)

    def _fragment(slug: str, section_id: str | None, locale: Locale, format: str) -> Response[str | EmbedOut]:
        located = pages.locate(_links(locale), slug, section_id, locale)
        if format == "json":
            rendered = container.renderings.get(
                located.version("embed-json"), lambda: pages.embedding_of(located).embed
            )
            content_type = JSON
        else:
            rendered = container.renderings.get(
                located.version("embed-html"), lambda: fragment_html(pages.embedding_of(located).embed)
            )
            content_type = HTML_PAGE
        return rendered_representation(
            rendered, last_modified=located.view.last_modified, language=locale, content_type=content_type, headers=OPEN
        )

    def _frame(slug: str, section_id: str | None, locale: Locale) -> Response[str]:
        return pages.page_response(pages.locate(_links(locale), slug, section_id, locale), "frame")

    # The `.json` URLs are registered first: the fragments' own would otherwise take `slug.json` for a slug.
    @router.route(
        str(paths.EMBED_ARTICLE_JSON),
        method=READ_METHODS,
        summary="Embed a whole article, as JSON",
        description="What the article's fragment shows, as JSON: the embed script renders it.",
        tags=["Embeds"],
        cors=False,
        responses=responses(_FRAGMENT_JSON, 400, 404, 410, 503),
    )
    def embed_article_json(slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[str | EmbedOut]:
        return _fragment(slug, None, locale, "json")

    @router.route(
        str(paths.EMBED_SECTION_JSON),
        method=READ_METHODS,
        summary="Embed one section, as JSON",
        description="What the section's fragment shows, as JSON: the embed script renders it.",
        tags=["Embeds"],
        cors=False,
        responses=responses(_FRAGMENT_JSON, 400, 404, 410, 503),
    )
    def embed_section_json(
        slug: SlugPath, section_id: SectionIdPath, locale: LocaleQuery = DEFAULT_LOCALE
    ) -> Response[str | EmbedOut]:
        return _fragment(slug, section_id, locale, "json")

    @router.route(
        str(paths.EMBED_ARTICLE),
        method=READ_METHODS,
        summary="Embed a whole article",
        description="The article as an HTML fragment with attribution and disclaimer (as JSON at `.json`).",
        tags=["Embeds"],
        cors=False,
        responses=responses(_FRAGMENT, 400, 404, 410, 503, html_problems=True),
    )
    def embed_article(
        slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE, format: UndocumentedFormatQuery = "html"
    ) -> Response[str | EmbedOut]:
        return _fragment(slug, None, locale, format)

    @router.route(
        str(paths.EMBED_SECTION),
        method=READ_METHODS,
        summary="Embed one section",
        description=(
            "A section as a self-contained HTML fragment: heading, blocks, disclaimer and attribution, with `kse-` "
            "classes to style and no script (as JSON at `.json`, for the embed script)."
        ),
        tags=["Embeds"],
        cors=False,
        responses=responses(_FRAGMENT, 400, 404, 410, 503, html_problems=True),
    )
    def embed_section(
        slug: SlugPath,
        section_id: SectionIdPath,
        locale: LocaleQuery = DEFAULT_LOCALE,
        format: UndocumentedFormatQuery = "html",
    ) -> Response[str | EmbedOut]:
        return _fragment(slug, section_id, locale, format)

    @router.route(
        str(paths.FRAME_ARTICLE),
        method=READ_METHODS,
        summary="Article as a page for an iframe",
        description="A full HTML page (the iframe that oEmbed hands out), with oEmbed discovery in its head.",
        tags=["Embeds"],
        cors=False,
        responses=responses(_PAGE, 400, 404, 410, 503, html_problems=True),
    )
    def frame_article(slug: SlugPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[str]:
        return _frame(slug, None, locale)

    @router.route(
        str(paths.FRAME_SECTION),
        method=READ_METHODS,
        summary="Section as a page for an iframe",
        description="A full HTML page of one section, for an iframe.",
        tags=["Embeds"],
        cors=False,
        responses=responses(_PAGE, 400, 404, 410, 503, html_problems=True),
    )
    def frame_section(slug: SlugPath, section_id: SectionIdPath, locale: LocaleQuery = DEFAULT_LOCALE) -> Response[str]:
        return _frame(slug, section_id, locale)

    def _oembed(url: str, format: str, maxwidth: int | None, maxheight: int | None) -> Response[OEmbedOut | str]:
        if format not in OEMBED_MEDIA_TYPES:
            raise UnsupportedFormat(f"oEmbed format {format!r} is not supported; use json or xml.")
        try:
            target = urlsplit(url)
            path = _links(DEFAULT_LOCALE).relative_to_api(f"{target.scheme}://{target.netloc}{target.path}")
        except ValueError:  # an unclosed or invalid IPv6 host, for example
            raise InvalidQuery([("url", "not a URL that can be read (RFC 3986)")]) from None
        locale = as_locale(parse_qs(target.query).get("locale", [DEFAULT_LOCALE])[0])
        page = paths.match_embeddable(path) if path else None
        if page is None or locale is None:
            raise NotFound(f"{url!r} is not an article or section of this API.")
        slug, section_id = page
        embedding = pages.embedding_of(pages.locate(_links(locale), slug, section_id, locale))
        body = oembed_out(
            embedding.embed, embedding.links, maxwidth, maxheight, container.settings.http_max_age_seconds
        )
        if format == "xml":
            xml = xml_of(body)
            return representation(
                xml, last_modified=embedding.last_modified, content_type=with_charset(XML), headers=OPEN
            )
        return representation(body, last_modified=embedding.last_modified, headers=OPEN)

    @router.route(
        str(paths.OEMBED),
        method=READ_METHODS,
        summary="oEmbed provider",
        description=(
            "oEmbed 1.0 for article and section URLs of this API (`/v1/articles/{slug}`, "
            "`/v1/articles/{slug}/sections/{id}`, and the frame and embed URLs). "
            "The `html` is an iframe of a frame page. oEmbed's `format` is taken too: `json`, `xml` (also at "
            "`/v1/oembed.xml`), and any other is 501 Not Implemented, as oEmbed 1.0 says."
        ),
        tags=["Embeds"],
        cors=False,
        responses=responses(model_response(OEmbedOut, "An oEmbed 1.0 rich response"), 400, 404, 410, 501, 503),
    )
    def oembed(
        url: OEmbedUrlQuery,
        # oEmbed's own parameter, for consumers that follow oEmbed discovery; the XML has its own operation.
        format: Annotated[str, Query(max_length=20, include_in_schema=False)] = "json",
        maxwidth: MaxWidthQuery = None,
        maxheight: MaxHeightQuery = None,
    ) -> Response[OEmbedOut | str]:
        return _oembed(url, format, maxwidth, maxheight)

    @router.route(
        str(paths.OEMBED_XML),
        method=READ_METHODS,
        summary="oEmbed provider, XML",
        description="The same oEmbed 1.0 answer as `/v1/oembed`, as XML (`/v1/oembed?format=xml` answers it too).",
        tags=["Embeds"],
        cors=False,
        responses=responses(text_response(XML, "An oEmbed 1.0 rich response, as XML"), 400, 404, 410, 503),
    )
    def oembed_xml(
        url: OEmbedUrlQuery, maxwidth: MaxWidthQuery = None, maxheight: MaxHeightQuery = None
    ) -> Response[OEmbedOut | str]:
        return _oembed(url, "xml", maxwidth, maxheight)

    def _static(route: paths.RoutePath, content_type: str) -> Response[str]:
        file = asset(route)
        return representation(file.text, last_modified=file.modified, content_type=content_type, headers=OPEN)

    @router.route(
        str(paths.EMBED_STYLESHEET),
        method=READ_METHODS,
        summary="Default stylesheet for embeds",
        tags=["Embeds"],
        cors=False,
        responses=responses(text_response(CSS, "The stylesheet")),
    )
    def stylesheet() -> Response[str]:
        return _static(paths.EMBED_STYLESHEET, with_charset(CSS))

    @router.route(
        str(paths.EMBED_SCRIPT),
        method=READ_METHODS,
        summary="The embed script",
        tags=["Embeds"],
        cors=False,
        responses=responses(text_response(JAVASCRIPT, "The script")),
    )
    def script() -> Response[str]:
        return _static(paths.EMBED_SCRIPT, with_charset(JAVASCRIPT))

    return router
