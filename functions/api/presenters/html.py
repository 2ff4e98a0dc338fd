"""Embeds as HTML: fragments to insert, whole pages (frames and the page to read), their error pages and
their Content-Security-Policy. Jinja2 renders with autoescaping, so content is only ever text in the markup.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup
from pydantic import JsonValue

from api import paths
from api.links import LinkBuilder
from api.models.embeds import EmbedOut
from api.presenters.embeds import embed_section_id, embed_title
from api.presenters.labels import LABELS, REFUSED
from api.presenters.previews import PagePreview
from health_content.errors import ArticleRetracted
from health_content.vocabulary import Locale

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _templates() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # 20 ms at import: only embeds need it

    return Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def fragment_html(embed: EmbedOut) -> str:
    return _templates().get_template("fragment.html.j2").render(embed=embed)


def page_html(
    embed: EmbedOut, links: LinkBuilder, structured_data: JsonValue, *, layout: str, preview: PagePreview | None = None
) -> str:
    """A whole HTML page of the embed: ``frame`` for iframes (the footer stays in view), ``page`` to read; with
    ``preview``, an editor's preview of a draft, which search engines are told not to index."""
    frame = links.absolute(links.frame(embed.article.slug, embed_section_id(embed)))
    return (
        _templates()
        .get_template("page.html.j2")
        .render(
            embed=embed,
            layout=layout,
            title=embed_title(embed),
            stylesheet=links.absolute(links.asset(paths.EMBED_STYLESHEET)),
            script=links.absolute(links.asset(paths.EMBED_SCRIPT)),
            oembed_json=links.absolute(links.oembed(frame)),
            oembed_xml=links.absolute(links.oembed(frame, "xml")),
            structured_data=_script_safe(json.dumps(structured_data, ensure_ascii=False)),
            fragment=Markup(fragment_html(embed)),
            preview=preview,
        )
    )


def _script_safe(document: str) -> Markup:
    """JSON inside a <script type="application/ld+json"> data block: no sequence may end or start an element."""
    return Markup(document.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def page_security_policy(origin: str) -> str:
    """Only our own stylesheet and script, which may ask our API for the article's status; no frame-ancestors:
    any site may frame these pages."""
    return (
        f"default-src 'none'; style-src {origin}; img-src {origin}; script-src {origin}; connect-src {origin}; "
        "base-uri 'none'; form-action 'none'"
    )


def _error_message(status: int, locale: Locale) -> str:
    if status == 404:
        return LABELS[locale].not_found
    if status == 410:
        return LABELS[locale].retracted
    return LABELS[locale].unavailable if status >= 500 else REFUSED[locale]


def error_html(
    status: int,
    detail: str,
    locale: Locale,
    links: LinkBuilder,
    retraction: ArticleRetracted | None = None,
    *,
    framed: bool = False,
) -> str:
    """A small page in the embeds' look, where a frame or fragment was asked for and there is none. A retracted
    article's says, in the page's language, when and why it was withdrawn. ``framed``: a frame page, which loads
    the embed script so that a partner's iframe is sized to the notice as it would be to the content (fragments
    and the page to read carry no script)."""
    return (
        _templates()
        .get_template("error.html.j2")
        .render(
            locale=locale,
            status=status,
            message=_error_message(status, locale),
            detail=detail,
            retraction=retraction,
            labels=LABELS[locale],
            home=links.absolute(links.to(paths.HOME)),
            stylesheet=links.absolute(links.asset(paths.EMBED_STYLESHEET)),
            script=links.absolute(links.asset(paths.EMBED_SCRIPT)) if framed else None,
        )
    )
