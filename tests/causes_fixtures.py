"""The real cause taxonomy and an index built from it, as ingest and the API build them."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from health_content.articles.model import Article
from health_content.causes import icd10
from health_content.causes.index import CauseIndex
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import CauseAnalysis, prepare
from infra.template import REPO_ROOT
from tests.conftest import SEED_ARTICLE_PATH

CAUSES_PATH = REPO_ROOT / "content" / "causes" / "causes.json"


def taxonomy_document() -> dict[str, Any]:
    return json.loads(CAUSES_PATH.read_text(encoding="utf-8"))


@cache
def seed_article() -> Article:
    return Article.model_validate_json(SEED_ARTICLE_PATH.read_bytes())


def published_articles(locale: str, slug: str) -> Article | None:
    article = seed_article()
    return article if (locale, slug) == (article.locale, article.slug) else None


def validate(document: dict[str, Any]) -> CauseTaxonomy:
    return CauseTaxonomy.model_validate(document, context={"icd10_exists": icd10.exists})


@cache
def real_index() -> tuple[CauseTaxonomy, CauseAnalysis, CauseIndex]:
    taxonomy = validate(taxonomy_document())
    analysis = prepare(taxonomy, published_articles)
    return taxonomy, analysis, CauseIndex(taxonomy, analysis)
