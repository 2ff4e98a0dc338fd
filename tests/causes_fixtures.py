"""The real cause taxonomy and an index built from it, as ingest and the indexer build them."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

from health_content.articles.model import Article
from health_content.causes import icd10
from health_content.causes.database import CauseDatabase
from health_content.causes.index import CauseIndex
from health_content.causes.model import CauseTaxonomy
from health_content.causes.prepare import CauseAnalysis, prepare
from health_content.causes.store import PublishedCauses
from health_content.publishing.kinds import content_hash
from health_content.vocabulary import Locale
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


PUBLISHED_AT = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def index_of(
    taxonomy: CauseTaxonomy, analysis: CauseAnalysis, withdrawn: frozenset[tuple[str, Locale]] = frozenset()
) -> CauseIndex:
    """The index of a taxonomy published at PUBLISHED_AT, in a database in memory."""
    published = PublishedCauses(taxonomy, analysis, content_hash(taxonomy), PUBLISHED_AT)
    return CauseIndex(CauseDatabase.create(published), withdrawn)


@cache
def real_index() -> tuple[CauseTaxonomy, CauseAnalysis, CauseIndex]:
    taxonomy = validate(taxonomy_document())
    analysis = prepare(taxonomy, published_articles)
    return taxonomy, analysis, index_of(taxonomy, analysis)
