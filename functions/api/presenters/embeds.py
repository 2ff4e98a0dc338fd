"""Embeds for partner sites: one model feeds the HTML templates and the embed script's JSON.

HTML is rendered by Jinja2 with autoescaping, so content is only ever text in the markup.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from markupsafe import Markup
from pydantic import JsonValue

from api import paths
from api.links import LinkBuilder
from api.models import (
    EmbedArticle,
    EmbedLabels,
    EmbedOut,
    EmbedProvider,
    EmbedSection,
    Links,
    OEmbedOut,
)
from api.presenters.review import review_out
from health_content.articles.model import ListBlock, Section
from health_content.reading import ArticleView
from health_content.vocabulary import Locale

if TYPE_CHECKING:
    from jinja2 import Environment

LABELS: dict[Locale, EmbedLabels] = {
    "id": EmbedLabels(
        disclaimer="Penting:",
        source="Sumber:",
        read_more="Baca selengkapnya",
        provided_by="Disediakan oleh",
        unavailable="Konten ini tidak dapat dimuat saat ini.",
        not_found="Konten ini tidak ditemukan.",
        not_reviewed="Belum ditinjau oleh tenaga medis.",
        reviewed_by="Ditinjau oleh",
        review_overdue="Tinjauan medisnya sudah lewat waktu.",
    ),
    "en": EmbedLabels(
        disclaimer="Important:",
        source="Source:",
        read_more="Read more",
        provided_by="Provided by",
        unavailable="This content cannot be loaded right now.",
        not_found="This content was not found.",
        not_reviewed="Not yet reviewed by a medical professional.",
        reviewed_by="Reviewed by",
        review_overdue="Its medical review is overdue.",
    ),
}
# The title of an error page for a request the client got wrong (the detail below it says how).
_REFUSED: dict[Locale, str] = {
    "id": "Permintaan ini tidak dapat dipenuhi.",
    "en": "This request cannot be answered.",
}
# The title of the page of a retracted article (the detail says when and why).
_RETRACTED: dict[Locale, str] = {
    "id": "Artikel ini telah ditarik oleh redaksi.",
    "en": "This article was withdrawn by its editors.",
}
DEFAULT_WIDTH = 600
# Below this width the frame uses its narrow layout (smaller type and padding), and the estimate follows.
NARROW_WIDTH = 400
# For the oEmbed height estimate: pixels per line of text and per block, at the default stylesheet.
_LINE_HEIGHT, _CHAR_WIDTH, _BLOCK_GAP, _CHROME = 24, 8, 16, 150
_EXCERPT_LENGTH = 200
# Scripts may run in the frame (it reports its height); it stays on the API's origin, never the partner's.
_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"


def embed_out(
    view: ArticleView, section: Section | None, links: LinkBuilder, provider_name: str, locale: Locale, today: dt.date
) -> EmbedOut:
    article = view.published.article
    sections = [section] if section is not None else list(article.sections)
    return EmbedOut(
        locale=article.locale,
        whole_article=section is None,
        article=EmbedArticle(slug=article.slug, title=article.title, url=links.absolute(links.article(article.slug))),
        sections=[EmbedSection(id=s.id, heading=s.heading, aspect=s.aspect, blocks=list(s.blocks)) for s in sections],
        source=article.source,
        disclaimer=article.disclaimer,
        review=review_out(article.review, today),
        provider=EmbedProvider(name=provider_name, url=links.base_url + "/"),
        labels=LABELS[locale],
        links=Links(
            self=links.embed(article.slug, section.id if section else None),
            article=links.article(article.slug),
        ),
    )


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


def _title(embed: EmbedOut) -> str:
    return embed.article.title if embed.whole_article else f"{embed.sections[0].heading} | {embed.article.title}"


def _section_id(embed: EmbedOut) -> str | None:
    return None if embed.whole_article else embed.sections[0].id


def embed_id(embed: EmbedOut) -> str:
    """The name of an embed's iframe, which its frame page puts in the height messages it sends."""
    section = _section_id(embed)
    return f"kse-{embed.article.slug}" + (f"--{section}" if section else "")


def page_html(embed: EmbedOut, links: LinkBuilder, structured_data: JsonValue, *, layout: str) -> str:
    """A whole HTML page of the embed: ``frame`` for iframes (the footer stays in view), ``page`` to read."""
    frame = links.absolute(links.frame(embed.article.slug, _section_id(embed)))
    return (
        _templates()
        .get_template("page.html.j2")
        .render(
            embed=embed,
            layout=layout,
            title=_title(embed),
            stylesheet=links.absolute(links.asset(paths.EMBED_STYLESHEET)),
            script=links.absolute(links.asset(paths.EMBED_SCRIPT)),
            oembed_json=links.absolute(links.oembed(frame)),
            oembed_xml=links.absolute(links.oembed(frame, "xml")),
            structured_data=_script_safe(json.dumps(structured_data, ensure_ascii=False)),
            fragment=Markup(fragment_html(embed)),
        )
    )


def _script_safe(document: str) -> Markup:
    """JSON inside a <script type="application/ld+json"> data block: no sequence may end or start an element."""
    return Markup(document.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def page_security_policy(origin: str) -> str:
    """Only our own stylesheet and script; no frame-ancestors: any site may frame these pages."""
    return (
        f"default-src 'none'; style-src {origin}; img-src {origin}; script-src {origin}; "
        "base-uri 'none'; form-action 'none'"
    )


def _error_message(status: int, locale: Locale) -> str:
    if status == 404:
        return LABELS[locale].not_found
    if status == 410:
        return _RETRACTED[locale]
    return LABELS[locale].unavailable if status >= 500 else _REFUSED[locale]


def error_html(status: int, detail: str, locale: Locale, links: LinkBuilder) -> str:
    """A small page in the embeds' look, where a frame or fragment was asked for and there is none."""
    return (
        _templates()
        .get_template("error.html.j2")
        .render(
            locale=locale,
            status=status,
            message=_error_message(status, locale),
            detail=detail,
            home=links.absolute(links.to(paths.HOME)),
            stylesheet=links.absolute(links.asset(paths.EMBED_STYLESHEET)),
        )
    )


def oembed_out(
    embed: EmbedOut, links: LinkBuilder, max_width: int | None, max_height: int | None, cache_age: int
) -> OEmbedOut:
    # oEmbed 1.0: the provider must respect maxwidth and maxheight, whatever they are.
    width = min(DEFAULT_WIDTH, max_width) if max_width is not None else DEFAULT_WIDTH
    height = _estimated_height(embed, width)
    if max_height is not None:
        height = min(height, max_height)  # the frame's text scrolls, its disclaimer stays in view
    title = _title(embed)
    html = Markup(
        '<blockquote class="kse-oembed-fallback" data-kse-fallback="{id}" lang="{locale}" cite="{page}">'
        "<p><strong>{title}</strong></p><p>{excerpt}</p>"
        '<p><a href="{page}">{read_more}: {article}</a></p>'
        "<p><small>{disclaimer_label} {disclaimer} {source_label} {source}.</small></p></blockquote>"
        '<iframe name="{id}" src="{src}" width="{width}" height="{height}" title="{title}" loading="lazy" '
        'sandbox="{sandbox}" referrerpolicy="strict-origin-when-cross-origin" '
        'style="border:0;width:{width}px;max-width:100%;height:{height}px"></iframe>'
        '<script async src="{script}"></script>'
    ).format(
        id=embed_id(embed),
        locale=embed.locale,
        page=embed.article.url,
        title=title,
        excerpt=_excerpt(embed),
        read_more=embed.labels.read_more,
        article=embed.article.title,
        disclaimer_label=embed.labels.disclaimer,
        disclaimer=embed.disclaimer,
        source_label=embed.labels.source,
        source=embed.source.name,
        src=links.absolute(links.in_locale(embed.locale).frame(embed.article.slug, _section_id(embed))),
        width=width,
        height=height,
        sandbox=_SANDBOX,
        script=links.absolute(links.asset(paths.EMBED_SCRIPT)),
    )
    return OEmbedOut(
        html=str(html),
        width=width,
        height=height,
        title=title,
        provider_name=embed.provider.name,
        provider_url=embed.provider.url,
        author_name=embed.source.name,
        cache_age=cache_age,
    )


def oembed_xml(oembed: OEmbedOut) -> str:
    """The same response in oEmbed 1.0's XML format: one element per field, in an <oembed> root."""
    root = ElementTree.Element("oembed")
    for name, value in oembed.model_dump(exclude_none=True).items():
        ElementTree.SubElement(root, name).text = str(value)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n{body}\n'


def _excerpt(embed: EmbedOut) -> str:
    blocks = [block for section in embed.sections for block in section.blocks]
    text = " ".join(" ".join(b.items) if isinstance(b, ListBlock) else b.text for b in blocks[:2])
    return text if len(text) <= _EXCERPT_LENGTH else text[:_EXCERPT_LENGTH].rsplit(" ", 1)[0] + " …"


def _estimated_height(embed: EmbedOut, width: int) -> int:
    narrow = width < NARROW_WIDTH
    char_width, line_height = (7, 22) if narrow else (_CHAR_WIDTH, _LINE_HEIGHT)
    chars_per_line = max(10, (width - (24 if narrow else 48)) // char_width)
    lines = 0
    blocks = 0
    for section in embed.sections:
        lines += 2  # heading
        for block in section.blocks:
            blocks += 1
            texts = block.items if isinstance(block, ListBlock) else [block.text]
            lines += sum(math.ceil(len(text) / chars_per_line) for text in texts)
    lines += math.ceil((len(embed.disclaimer) + 160) / chars_per_line)  # footer
    return _CHROME + lines * line_height + blocks * _BLOCK_GAP


@dataclass(frozen=True, slots=True)
class StaticFile:
    text: str
    modified: dt.datetime


@cache
def asset(route: paths.RoutePath) -> StaticFile:
    """A static file served to partners at ``route`` (the default stylesheet, the embed script)."""
    path = Path(__file__).parent.parent / "static" / route.template.rsplit("/", 1)[-1]
    modified = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
    return StaticFile(path.read_text(encoding="utf-8"), modified)
