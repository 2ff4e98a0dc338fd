"""What the routes depend on, built once per container on first use.

Nothing here runs at import time. Tests and the local runner change the environment and
call ``reset()``, the one call that makes the next request build everything again, as a
new Lambda container would.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3

from health_content.articles.catalog import ArticleCatalog
from health_content.causes.catalog import CauseCatalog
from health_content.reading import ArticleReader
from health_content.settings import Settings
from health_content.storage.dynamodb import DynamoArticleStore, DynamoCauseStore

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver


class Container:
    """One Lambda container's settings, clients and catalogs."""

    @cached_property
    def settings(self) -> Settings:
        return Settings.from_environ()

    @cached_property
    def _content_table(self) -> Any:
        return boto3.resource("dynamodb").Table(self.settings.table_name)

    @cached_property
    def causes(self) -> CauseCatalog:
        return CauseCatalog(
            DynamoCauseStore(self._content_table), refresh_after=self.settings.content_cache_ttl_seconds
        )

    @cached_property
    def articles(self) -> ArticleCatalog:
        return ArticleCatalog(
            DynamoArticleStore(self._content_table),
            cache_ttl=self.settings.content_cache_ttl_seconds,
            cache_size=self.settings.article_cache_max_items,
        )

    @cached_property
    def reader(self) -> ArticleReader:
        return ArticleReader(self.articles, self.causes)

    @cached_property
    def app(self) -> APIGatewayRestResolver:
        from api.app import create_app  # the app's routes import this module

        return create_app(self.settings)


_current: Container | None = None


def container() -> Container:
    global _current
    if _current is None:
        _current = Container()
    return _current


def reset() -> None:
    """Forget settings, clients, caches and the resolver: the next request starts as a cold container."""
    global _current
    _current = None
