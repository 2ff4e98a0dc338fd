"""Entry point of the review check, run once a day by an EventBridge schedule.

Counts the published articles, in every locale, whose next medical review date has passed,
and reports the count as the ArticlesOverdueForReview metric (an alarm watches it) and in
its result; ``content-api status`` names them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_content.articles.store import ArticleStore
from health_content.cursor import MAX_PAGE_SIZE
from health_content.observability import logger, metrics
from health_content.settings import Settings
from health_content.storage.articles import DynamoArticleStore
from health_content.storage.aws import INGEST_CLIENT_CONFIG, dynamodb_table
from health_content.vocabulary import LOCALES


@cache
def this_containers_articles() -> ArticleStore:
    """The composition root: this Lambda container's article store, built from the environment on first use."""
    return DynamoArticleStore(dynamodb_table(Settings.from_environ().table_name, INGEST_CLIENT_CONFIG))


def overdue(articles: ArticleStore, today: dt.date) -> list[str]:
    """`locale/slug` of every published article whose next review is before ``today``."""
    found = []
    for locale in LOCALES:
        cursor: str | None = None
        while True:
            page = articles.list(locale, MAX_PAGE_SIZE, cursor)
            late = [item for item in page.items if item.next_review and item.next_review < today]
            found += [f"{item.locale}/{item.slug}" for item in late]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    return found


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    late = overdue(this_containers_articles(), dt.datetime.now(dt.UTC).date())
    metrics.add_metric(name="ArticlesOverdueForReview", unit=MetricUnit.Count, value=len(late))
    if late:
        logger.warning("articles past their next medical review", extra={"articles": late})
    return {"overdue": late}


def reset() -> None:
    """Forget the per-container client (tests change the environment)."""
    this_containers_articles.cache_clear()
