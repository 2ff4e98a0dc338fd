"""What the publishing functions (ingest and the scheduled relay) depend on, each built on first use.

The entry points build one per Lambda container from the settings; nothing here runs at import time.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from health_content.causes.updating import CauseIndexer
from health_content.changes.relay import EventRelay
from health_content.observability import metrics
from health_content.publishing.kinds import ServingIndex
from health_content.publishing.publisher import Publisher
from health_content.search.indexer import SearchIndexer
from health_content.search.updating import AnalysisSource
from health_content.settings import Settings
from health_content.storage.articles import DynamoArticleStore
from health_content.storage.aws import INGEST_CLIENT_CONFIG, dynamodb_table, events_client, s3_client
from health_content.storage.cause_files import S3CauseIndexFiles
from health_content.storage.causes import DynamoCauseStore
from health_content.storage.changelog import DynamoChangeLog
from health_content.storage.drafts import DynamoDraftStore
from health_content.storage.eventbridge import EventBridgeBus
from health_content.storage.s3 import S3ContentSource
from health_content.storage.search_files import S3SearchIndexFiles
from health_content.vocabulary import LOCALES


class PublishingContainer:
    """One Lambda container's clients, serving index, relay and indexers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def s3_client(self) -> Any:
        return s3_client(INGEST_CLIENT_CONFIG)

    @cached_property
    def change_log(self) -> DynamoChangeLog:
        table = dynamodb_table(self.settings.table_name, INGEST_CLIENT_CONFIG)
        return DynamoChangeLog(table, announce=self.settings.event_bus_name is not None)

    @cached_property
    def serving_index(self) -> ServingIndex:
        log = self.change_log
        return ServingIndex(
            articles=DynamoArticleStore(log.table, log),
            causes=DynamoCauseStore(log.table, log),
            drafts=DynamoDraftStore(log.table),
        )

    @cached_property
    def relay(self) -> EventRelay | None:
        bus_name = self.settings.event_bus_name
        if bus_name is None:
            return None
        return EventRelay(self.change_log, EventBridgeBus(events_client(INGEST_CLIENT_CONFIG), bus_name))

    @cached_property
    def index_files_bucket(self) -> str:
        bucket = self.settings.content_bucket_name
        if bucket is None:
            raise RuntimeError("CONTENT_BUCKET_NAME is not set: the indexer has nowhere to keep the index files")
        return bucket

    @cached_property
    def search_indexer(self) -> SearchIndexer:
        articles = self.serving_index.articles
        return SearchIndexer(
            AnalysisSource(articles.search_analyses, articles.search_analysis, self.change_log),
            S3SearchIndexFiles(self.s3_client, self.index_files_bucket),
            LOCALES,
        )

    @cached_property
    def cause_indexer(self) -> CauseIndexer:
        return CauseIndexer(self.serving_index.causes, S3CauseIndexFiles(self.s3_client, self.index_files_bucket))

    def publisher_for(self, bucket: str) -> Publisher:
        return Publisher(
            S3ContentSource(self.s3_client, bucket), self.serving_index, attribution=self.change_log.acting_for
        )

    def relay_pending_events(self) -> None:
        """Announce the changes whose events are pending. A bus that fails costs a delay, never a change:
        the events stay pending for the next publication or the scheduled relay, and the failure is counted."""
        if self.relay is None:
            return
        outcome = self.relay.flush()
        if outcome.sent:
            metrics.add_metric(name="ChangeEventsSent", unit=MetricUnit.Count, value=outcome.sent)
        if outcome.failed:
            metrics.add_metric(name="ChangeEventsFailed", unit=MetricUnit.Count, value=outcome.failed)
