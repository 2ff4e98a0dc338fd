"""What the routes depend on: one Lambda container's clients and catalogs, each built on first use.

``api.handler`` (the composition root) builds one per Lambda container from the settings and hands it
to ``create_app``; nothing here runs at import time and nothing here knows the resolver.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from api.http_caching import Renderings
from api.usage import UsageMeter
from health_content.articles.catalog import ArticleCatalog
from health_content.articles.previews import PreviewTokens
from health_content.causes.catalog import CauseCatalog
from health_content.changes.feed import ChangeFeed
from health_content.freshness import Freshness
from health_content.kept import KeepPolicy
from health_content.observability import metrics
from health_content.partners.catalog import PartnerCatalog
from health_content.reading import ArticleReader
from health_content.search.catalog import SearchCatalog
from health_content.search.updating import AnalysisSource
from health_content.settings import Settings
from health_content.storage.articles import DynamoArticleStore
from health_content.storage.aws import API_CLIENT_CONFIG, dynamodb_table, s3_client, secrets_client
from health_content.storage.cause_files import S3CauseIndexFiles
from health_content.storage.causes import DynamoCauseStore
from health_content.storage.changelog import DynamoChangeLog
from health_content.storage.deadline import StoreDeadline
from health_content.storage.drafts import DynamoDraftStore
from health_content.storage.partners import DynamoPartnerDirectory
from health_content.storage.search_files import S3SearchIndexFiles
from health_content.storage.secrets import ManagedSecret


class Container:
    """One Lambda container's settings, clients and catalogs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def freshness(self) -> Freshness:
        """What the current request was served from; reset by the entry point for each request."""
        return Freshness()

    @cached_property
    def deadline(self) -> StoreDeadline:
        """The store-time budget of the current request; started by the entry point for each request."""
        settings = self.settings
        return StoreDeadline(
            settings.store_call_seconds, settings.store_request_seconds, settings.response_reserve_seconds
        )

    @cached_property
    def content_table(self) -> Any:
        table = dynamodb_table(self.settings.table_name, API_CLIENT_CONFIG)
        self.deadline.attach(table.meta.client)
        return table

    @cached_property
    def change_log(self) -> DynamoChangeLog:
        return DynamoChangeLog(self.content_table)

    @cached_property
    def changes(self) -> ChangeFeed:
        return ChangeFeed(self.change_log)

    @cached_property
    def article_store(self) -> DynamoArticleStore:
        return DynamoArticleStore(self.content_table, self.change_log)

    @cached_property
    def keeping(self) -> KeepPolicy:
        """How every catalog keeps what it read: trusted for the content TTL, served stale on failure for
        as long as HTTP caches may (stale-if-error)."""
        settings = self.settings
        return KeepPolicy(
            refresh_after=settings.content_cache_ttl_seconds,
            stale_after=settings.http_stale_seconds,
            retry_after_failure=settings.content_retry_after_failure_seconds,
        )

    @cached_property
    def content_bucket(self) -> Any:
        """The S3 client that downloads the indexer's files from the content bucket."""
        return self.deadline.attach(s3_client(API_CLIENT_CONFIG))

    @cached_property
    def causes(self) -> CauseCatalog:
        bucket = self.settings.content_bucket_name
        return CauseCatalog(
            DynamoCauseStore(self.content_table, self.change_log),
            S3CauseIndexFiles(self.content_bucket, bucket, self.deadline.bounding) if bucket else None,
            self.keeping,
            withdrawn=self.article_store.withdrawn,
            freshness=self.freshness,
            cache_size=self.settings.article_cache_max_items,
        )

    @cached_property
    def articles(self) -> ArticleCatalog:
        return ArticleCatalog(
            self.article_store,
            self.keeping,
            cache_size=self.settings.article_cache_max_items,
            freshness=self.freshness,
        )

    @cached_property
    def search(self) -> SearchCatalog:
        store = self.article_store
        bucket = self.settings.content_bucket_name
        return SearchCatalog(
            AnalysisSource(store.search_analyses, store.search_analysis, self.change_log),
            S3SearchIndexFiles(self.content_bucket, bucket, self.deadline.bounding) if bucket else None,
            self.causes,
            self.keeping,
            freshness=self.freshness,
        )

    @cached_property
    def partners(self) -> PartnerCatalog:
        settings = self.settings
        return PartnerCatalog(
            DynamoPartnerDirectory(self.content_table),
            remember_for=settings.partner_cache_seconds,
            retry_after_failure=settings.partner_retry_after_failure_seconds,
            size=settings.partner_cache_max_items,
        )

    @cached_property
    def renderings(self) -> Renderings:
        return Renderings(self.settings.rendering_cache_max_bytes)

    @cached_property
    def usage(self) -> UsageMeter:
        return UsageMeter(metrics.namespace)

    @cached_property
    def reader(self) -> ArticleReader:
        return ArticleReader(self.articles, self.causes, self.freshness, drafts=DynamoDraftStore(self.content_table))

    @cached_property
    def previews(self) -> PreviewTokens:
        """Checks preview tokens; the secret is read on the first token this container sees, then kept."""
        secret_id = self.settings.preview_secret_id
        if secret_id is None:
            return PreviewTokens(None)
        client = self.deadline.attach(secrets_client(API_CLIENT_CONFIG))
        return PreviewTokens(ManagedSecret(secret_id, client))
