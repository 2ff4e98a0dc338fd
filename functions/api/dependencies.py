"""What the routes depend on, created once per container on first use.

Nothing here runs at import time; tests and the local runner set the environment and
call ``reset()`` so that the next request builds these again.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

from health_content.catalog import ArticleCatalog
from health_content.causes.catalog import CauseCatalog
from health_content.settings import Settings
from health_content.storage.dynamodb import DynamoArticleIndex, DynamoCauseStore


@cache
def get_settings() -> Settings:
    return Settings.from_environ()


@cache
def _content_table() -> Any:
    return boto3.resource("dynamodb").Table(get_settings().table_name)


@cache
def get_cause_catalog() -> CauseCatalog:
    return CauseCatalog(DynamoCauseStore(_content_table()), refresh_after=get_settings().content_cache_ttl_seconds)


@cache
def get_catalog() -> ArticleCatalog:
    settings = get_settings()
    return ArticleCatalog(
        DynamoArticleIndex(_content_table()),
        causes=get_cause_catalog(),
        cache_ttl=settings.content_cache_ttl_seconds,
        cache_size=settings.article_cache_max_items,
    )


def reset() -> None:
    """Forget the cached settings and clients (tests and the local runner change the environment)."""
    for factory in (get_catalog, get_cause_catalog, _content_table, get_settings):
        factory.cache_clear()
