"""oEmbed 1.0 answers for an embed: the rich JSON (an iframe of the frame page behind a fallback quote, with
an estimate of its height) and the same fields as XML."""

from __future__ import annotations

import math
from xml.etree import ElementTree

from markupsafe import Markup

from api import paths
from api.links import LinkBuilder
from api.media_types import OEMBED_JSON, OEMBED_XML
from api.models.embeds import EmbedOut, OEmbedOut
from api.presenters.embeds import embed_excerpt, embed_id, embed_section_id, embed_title
from health_content.articles.model import ListBlock

DEFAULT_WIDTH = 600
# Below this width the frame uses its narrow layout (smaller type and padding), and the estimate follows.
NARROW_WIDTH = 400
# For the oEmbed height estimate: pixels per line of text and per block, at the default stylesheet.
_LINE_HEIGHT, _CHAR_WIDTH, _BLOCK_GAP, _CHROME = 24, 8, 16, 150
_EXCERPT_LENGTH = 200
# Scripts may run in the frame (it reports its height); it stays on the API's origin, never the partner's.
_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"
# oEmbed 1.0's formats, each with the media type discovery names it by.
OEMBED_MEDIA_TYPES = {"json": OEMBED_JSON, "xml": OEMBED_XML}


def oembed_out(
    embed: EmbedOut, links: LinkBuilder, max_width: int | None, max_height: int | None, cache_age: int
) -> OEmbedOut:
    # oEmbed 1.0: the provider must respect maxwidth and maxheight, whatever they are.
    width = min(DEFAULT_WIDTH, max_width) if max_width is not None else DEFAULT_WIDTH
    height = _estimated_height(embed, width)
    if max_height is not None:
        height = min(height, max_height)  # the frame's text scrolls, its disclaimer stays in view
    title = embed_title(embed)
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
        excerpt=embed_excerpt(embed, _EXCERPT_LENGTH),
        read_more=embed.labels.read_more,
        article=embed.article.title,
        disclaimer_label=embed.labels.disclaimer,
        disclaimer=embed.disclaimer,
        source_label=embed.labels.source,
        source=embed.source.name,
        src=links.absolute(links.in_locale(embed.locale).frame(embed.article.slug, embed_section_id(embed))),
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


def oembed_alternates(links: LinkBuilder, slug: str, section_id: str | None) -> list[tuple[str, str]]:
    """(href, media type) of the oEmbed answers for an article or a section, in JSON then XML: where consumers
    discover them, as <link> elements of its pages and as Link fields of every answer about it."""
    frame = links.absolute(links.frame(slug, section_id))
    return [(links.absolute(links.oembed(frame, format)), media) for format, media in OEMBED_MEDIA_TYPES.items()]


def oembed_link_field(links: LinkBuilder, slug: str, section_id: str | None = None) -> str:
    """The value of a Link field (RFC 8288) naming the oEmbed answers, for consumers that read headers."""
    return ", ".join(
        f'<{href}>; rel="alternate"; type="{media}"' for href, media in oembed_alternates(links, slug, section_id)
    )


def oembed_xml(oembed: OEmbedOut) -> str:
    """The same response in oEmbed 1.0's XML format: one element per field, in an <oembed> root."""
    root = ElementTree.Element("oembed")
    for name, value in oembed.model_dump(exclude_none=True).items():
        ElementTree.SubElement(root, name).text = str(value)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n{body}\n'


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
