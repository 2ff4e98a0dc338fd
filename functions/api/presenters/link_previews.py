"""What link previews read from the head of a page (Slack, Discord, Notion, Discourse, search engines):
OpenGraph, a Twitter card with the review status and the source, the description and the canonical URL."""

from __future__ import annotations

from dataclasses import dataclass

from api.models.embeds import EmbedOut
from api.presenters.embeds import embed_excerpt, embed_title
from health_content.articles.store import PublishedArticle
from health_content.vocabulary import Locale

_DESCRIPTION_LENGTH = 200
# OpenGraph names a locale language_TERRITORY.
_OG_LOCALES: dict[Locale, str] = {"id": "id_ID", "en": "en_US"}
# The labels of the two facts a Twitter card shows under the title.
_FACT_LABELS: dict[Locale, tuple[str, str]] = {"id": ("Tinjauan medis", "Sumber"), "en": ("Medical review", "Source")}


@dataclass(frozen=True, slots=True)
class LinkPreview:
    title: str
    description: str
    url: str
    """The canonical URL: the article's page to read."""
    site_name: str
    locale: str
    published: str
    modified: str
    facts: list[tuple[str, str]]
    """(label, data) pairs of the Twitter card: the medical review's status, and the source."""


def link_preview(embed: EmbedOut, published: PublishedArticle) -> LinkPreview:
    labels = embed.labels
    review = embed.review
    if review.status == "not-reviewed" or review.reviewed_by is None:
        reviewed = labels.not_reviewed
    else:
        reviewed = f"{labels.reviewed_by} {review.reviewed_by.name} ({review.reviewed_by.qualification}), "
        reviewed += f"{review.reviewed_at}." + (f" {labels.review_overdue}" if review.status == "overdue" else "")
    review_label, source_label = _FACT_LABELS[embed.locale]
    return LinkPreview(
        title=embed_title(embed),
        description=published.article.summary if embed.whole_article else embed_excerpt(embed, _DESCRIPTION_LENGTH),
        url=embed.article.url,
        site_name=embed.provider.name,
        locale=_OG_LOCALES[embed.locale],
        published=published.date_published.isoformat(),
        modified=published.date_modified.isoformat(),
        facts=[(review_label, reviewed), (source_label, embed.source.name)],
    )
