"""An article as schema.org JSON-LD, for search engines and frontends that embed structured data."""

from __future__ import annotations

from pydantic import JsonValue

from api.links import LinkBuilder
from health_content.articles.model import ListBlock
from health_content.reading import ArticleView

SCHEMA = "https://schema.org/"


def article_jsonld(view: ArticleView, links: LinkBuilder, publisher_name: str) -> dict[str, JsonValue]:
    article = view.published.article
    page = links.absolute(links.frame(article.slug))
    sections: list[JsonValue] = [
        {
            "@type": "HealthTopicContent",
            "@id": f"{page}#kse-{section.id}",
            "name": section.heading,
            "hasHealthAspect": {"@id": SCHEMA + section.aspect.value},
            "text": "\n".join(
                "\n".join(block.items) if isinstance(block, ListBlock) else block.text for block in section.blocks
            ),
            "url": links.absolute(links.section(article.slug, section.id)),
        }
        for section in article.sections
    ]
    disclaimer: JsonValue = {
        "@type": "WebPageElement",
        "name": "Disclaimer",
        "cssSelector": ".kse-disclaimer",
        "text": article.disclaimer,
    }
    source: dict[str, JsonValue] = {"@type": "CreativeWork", "name": article.source.name}
    if article.source.url:
        source["url"] = str(article.source.url)
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
        "dateModified": view.last_modified.isoformat(),
        "lastReviewed": article.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": publisher_name, "url": links.base_url + "/"},
        "isBasedOn": source,
        "creditText": f"{article.source.name}; {publisher_name}",
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
        "hasPart": [*sections, disclaimer],
        "mainContentOfPage": {"@type": "WebPageElement", "cssSelector": ".kse-embed"},
    }
