"""Embeds for partner sites: one model feeds the HTML templates and the embed script's JSON.

HTML is rendered by Jinja2 with autoescaping, so content is only ever text in the markup.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

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
from health_content.articles.model import ListBlock, Section
from health_content.reading import ArticleView
from health_content.vocabulary import Locale

LABELS: dict[Locale, EmbedLabels] = {
    "id": EmbedLabels(
        disclaimer="Penting:",
        source="Sumber:",
        read_more="Baca selengkapnya",
        provided_by="Disediakan oleh",
        unavailable="Konten ini tidak dapat dimuat saat ini.",
    ),
    "en": EmbedLabels(
        disclaimer="Important:",
        source="Source:",
        read_more="Read more",
        provided_by="Provided by",
        unavailable="This content cannot be loaded right now.",
    ),
}
DEFAULT_WIDTH = 600
MIN_WIDTH = 200
# For the oEmbed height estimate: pixels per line of text and per block, at the default stylesheet.
_LINE_HEIGHT, _CHAR_WIDTH, _BLOCK_GAP, _CHROME = 24, 8, 16, 150


def embed_out(
    view: ArticleView, section: Section | None, links: LinkBuilder, provider_name: str, locale: Locale
) -> EmbedOut:
    article = view.published.article
    sections = [section] if section is not None else list(article.sections)
    return EmbedOut(
        locale=article.locale,
        whole_article=section is None,
        article=EmbedArticle(slug=article.slug, title=article.title, url=links.absolute(links.frame(article.slug))),
        sections=[EmbedSection(id=s.id, heading=s.heading, aspect=s.aspect, blocks=list(s.blocks)) for s in sections],
        source=article.source,
        disclaimer=article.disclaimer,
        provider=EmbedProvider(name=provider_name, url=links.base_url + "/"),
        labels=LABELS[locale],
        links=Links(
            self=links.embed(article.slug, section.id if section else None),
            article=links.article(article.slug),
        ),
    )


@cache
def _templates() -> Environment:
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


def frame_html(embed: EmbedOut, links: LinkBuilder) -> str:
    page = links.absolute(links.frame(embed.article.slug, _section_id(embed)))
    return (
        _templates()
        .get_template("frame.html.j2")
        .render(
            embed=embed,
            title=_title(embed),
            stylesheet=links.absolute(links.asset(paths.EMBED_STYLESHEET)),
            oembed=links.absolute(links.oembed(page)),
            fragment=Markup(fragment_html(embed)),
        )
    )


def _section_id(embed: EmbedOut) -> str | None:
    return None if embed.whole_article else embed.sections[0].id


def oembed_out(
    embed: EmbedOut, links: LinkBuilder, max_width: int | None, max_height: int | None, cache_age: int
) -> OEmbedOut:
    width = max(MIN_WIDTH, min(DEFAULT_WIDTH, max_width or DEFAULT_WIDTH))
    height = _estimated_height(embed, width)
    if max_height is not None:
        height = min(height, max_height)  # the frame scrolls when the partner caps its height
    title = _title(embed)
    src = links.absolute(links.in_locale(embed.locale).frame(embed.article.slug, _section_id(embed)))
    html = Markup(
        '<iframe src="{src}" width="{width}" height="{height}" title="{title}" loading="lazy" '
        'sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="strict-origin-when-cross-origin" '
        'style="border:0;max-width:100%"></iframe>'
    ).format(src=src, width=width, height=height, title=title)
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


def _estimated_height(embed: EmbedOut, width: int) -> int:
    chars_per_line = max(20, (width - 32) // _CHAR_WIDTH)
    lines = 0
    blocks = 0
    for section in embed.sections:
        lines += 2  # heading
        for block in section.blocks:
            blocks += 1
            texts = block.items if isinstance(block, ListBlock) else [block.text]
            lines += sum(math.ceil(len(text) / chars_per_line) for text in texts)
    lines += math.ceil((len(embed.disclaimer) + 160) / chars_per_line)  # footer
    return _CHROME + lines * _LINE_HEIGHT + blocks * _BLOCK_GAP


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
