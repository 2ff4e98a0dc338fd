"""Embeds for partner sites: one model (``EmbedOut``) feeds the HTML pages, the oEmbed answers and the
embed script's JSON; this module builds it and names its parts."""

from __future__ import annotations

import datetime as dt

from api.links import LinkBuilder
from api.models.common import Links
from api.models.embeds import EmbedArticle, EmbedOut, EmbedProvider, EmbedSection
from api.presenters.labels import LABELS
from api.presenters.review import review_out
from health_content.articles.model import Article, Correction, ListBlock, Section
from health_content.reading import ArticleView
from health_content.vocabulary import Locale


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
        version=view.published.content_hash,
        corrections=corrections_in(article, section),
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


def corrections_in(article: Article, section: Section | None) -> list[Correction]:
    """The article's corrections that a reader of ``section`` (or of the whole article) sees the result of."""
    if section is None:
        return list(article.corrections)
    texts = [section.heading]
    for block in section.blocks:
        texts.extend(block.items if isinstance(block, ListBlock) else [block.text])
    return [c for c in article.corrections if any(c.corrected in text for text in texts)]


def embed_title(embed: EmbedOut) -> str:
    return embed.article.title if embed.whole_article else f"{embed.sections[0].heading} | {embed.article.title}"


def embed_section_id(embed: EmbedOut) -> str | None:
    return None if embed.whole_article else embed.sections[0].id


def embed_id(embed: EmbedOut) -> str:
    """The name of an embed's iframe, which its frame page puts in the height messages it sends."""
    section = embed_section_id(embed)
    return f"kse-{embed.article.slug}" + (f"--{section}" if section else "")
