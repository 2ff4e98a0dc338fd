"""Articles and sections as schema.org JSON-LD, for search engines and frontends that embed structured data."""

from __future__ import annotations

from pydantic import JsonValue

from api.links import LinkBuilder
from health_content.articles.model import Article, ListBlock, Section
from health_content.reading import ArticleView

SCHEMA = "https://schema.org/"


def _page(article: Article, links: LinkBuilder) -> str:
    """The article's readable page."""
    return links.absolute(links.page(article.slug))


def _dates(view: ArticleView) -> dict[str, JsonValue]:
    """When the article was first published, and when its content last changed: not when it was last written
    (the same content again, with a new release's search analysis), nor when its causes or review status did."""
    published = view.published
    return {"datePublished": published.date_published.isoformat(), "dateModified": published.date_modified.isoformat()}


def _section_part(article: Article, section: Section, links: LinkBuilder) -> dict[str, JsonValue]:
    return {
        "@type": "HealthTopicContent",
        "@id": f"{_page(article, links)}#kse-{section.id}",
        "name": section.heading,
        "hasHealthAspect": {"@id": SCHEMA + section.aspect.value},
        "text": "\n".join(
            "\n".join(block.items) if isinstance(block, ListBlock) else block.text for block in section.blocks
        ),
        "url": links.absolute(links.section(article.slug, section.id)),
    }


def _disclaimer(article: Article) -> JsonValue:
    return {
        "@type": "WebPageElement",
        "name": "Disclaimer",
        "cssSelector": ".kse-disclaimer",
        "text": article.disclaimer,
    }


def _provenance(article: Article, links: LinkBuilder, publisher_name: str) -> dict[str, JsonValue]:
    """Who published it, what it is based on, and who reviewed it medically, only if someone really did."""
    source: dict[str, JsonValue] = {"@type": "CreativeWork", "name": article.source.name}
    if article.source.url:
        source["url"] = str(article.source.url)
    provenance: dict[str, JsonValue] = {
        "publisher": {"@type": "Organization", "name": publisher_name, "url": links.base_url + "/"},
        "isBasedOn": source,
        "creditText": f"{article.source.name}; {publisher_name}",
    }
    review = article.review
    if review.reviewed_at is not None and review.reviewed_by is not None:
        provenance["lastReviewed"] = review.reviewed_at.isoformat()
        provenance["reviewedBy"] = {
            "@type": "Person",
            "name": review.reviewed_by.name,
            "jobTitle": review.reviewed_by.qualification,
        }
    return provenance


def article_jsonld(view: ArticleView, links: LinkBuilder, publisher_name: str) -> dict[str, JsonValue]:
    article = view.published.article
    page = _page(article, links)
    sections: list[JsonValue] = [_section_part(article, section, links) for section in article.sections]
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": page,
        "url": page,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": article.locale,
        "keywords": ", ".join(article.tags),
        **_dates(view),
        **_provenance(article, links, publisher_name),
        "about": {
            "@type": "MedicalCondition",
            "name": article.sections[0].heading,
            "cause": [
                {
                    "@type": "MedicalCause",
                    "@id": links.absolute(links.cause(cause.id)),
                    "name": cause.name.in_(article.locale),
                    "description": cause.explanation.in_(article.locale),
                    "code": [
                        {"@type": "MedicalCode", "codeValue": code, "codingSystem": "ICD-10"} for code in cause.icd10
                    ],
                }
                for cause in view.causes
            ],
        },
        "hasPart": [*sections, _disclaimer(article)],
        "mainContentOfPage": {"@type": "WebPageElement", "cssSelector": ".kse-embed"},
    }


def section_jsonld(
    view: ArticleView, section: Section, links: LinkBuilder, publisher_name: str
) -> dict[str, JsonValue]:
    """One section as HealthTopicContent, part of its article's page, with the disclaimer and provenance."""
    article = view.published.article
    page = _page(article, links)
    return {
        "@context": "https://schema.org",
        **_section_part(article, section, links),
        "inLanguage": article.locale,
        **_dates(view),
        **_provenance(article, links, publisher_name),
        "isPartOf": {"@type": "MedicalWebPage", "@id": page, "url": page, "name": article.title},
        "hasPart": [_disclaimer(article)],
    }
