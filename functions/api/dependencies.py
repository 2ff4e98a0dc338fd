"""What the routes depend on, created once per container on first use.

Nothing here runs at import time; tests and the local runner set the environment and
call ``reset()`` so that the next request builds these again.
"""

from __future__ import annotations

from functools import cache

import boto3
from health_content.catalog import ArticleCatalog
from health_content.settings import Settings
from health_content.storage.dynamodb import DynamoArticleIndex


@cache
def get_settings() -> Settings:
    return Settings.from_environ()


@cache
def get_catalog() -> ArticleCatalog:
    settings = get_settings()
    table = boto3.resource("dynamodb").Table(settings.table_name)
    return ArticleCatalog(
        DynamoArticleIndex(table),
        cache_ttl=settings.article_cache_ttl_seconds,
        cache_size=settings.article_cache_max_items,
    )


def reset() -> None:
    """Forget the cached settings and clients (tests and the local runner change the environment)."""
    get_catalog.cache_clear()
    get_settings.cache_clear()
