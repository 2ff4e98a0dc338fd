"""The port to the serving index for the cause taxonomy, and the record that crosses it.

``health_content.storage.causes.DynamoCauseStore`` implements it on DynamoDB; every
implementation passes the same specification (``tests/contract/test_storage_contract.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from health_content.causes.model import Cause, CauseTaxonomy, Mention
from health_content.causes.prepare import CauseAnalysis
from health_content.changes.model import Change
from health_content.vocabulary import Locale


@dataclass(frozen=True, slots=True)
class PublishedCauses:
    """The cause taxonomy as the serving index holds it, with its publish-time analysis."""

    taxonomy: CauseTaxonomy
    analysis: CauseAnalysis
    content_hash: str
    published_at: dt.datetime
    source_version: str | None = None


@dataclass(frozen=True, slots=True)
class CauseMention:
    """A mention of an article in the published taxonomy, with the cause it belongs to."""

    cause_id: str
    mention: Mention


@dataclass(frozen=True, slots=True)
class ArticleMentions:
    """One article's mentions in the published taxonomy and the causes they belong to, read from one version."""

    content_hash: str
    published_at: dt.datetime
    mentions: list[CauseMention]
    """In taxonomy order."""
    causes: dict[str, Cause]
    """Every cause ``mentions`` names, by id."""


class CauseStore(Protocol):
    """Where the published cause taxonomy lives in the serving index."""

    def get(self) -> PublishedCauses | None:
        """The published taxonomy; raises ContentUnavailable when what is stored cannot be used
        (an analysis made by another ``ANALYSIS_VERSION`` must be published again, never used)."""
        ...

    def current_hash(self) -> str | None:
        """The content hash of what is published, read cheaply to tell whether a cache is current."""
        ...

    def mentions_of(self, locale: Locale, slug: str) -> list[CauseMention]:
        """The published taxonomy's mentions of one article, in taxonomy order; read without the rest of the
        taxonomy, so that checking an article costs the same whatever the taxonomy's size. Raises
        ContentUnavailable as ``get`` does."""
        ...

    def article_mentions(self, locale: Locale, slug: str) -> ArticleMentions | None:
        """The published taxonomy's mentions of one article with the causes they belong to, read from one version
        without the rest of the taxonomy, so that an article request costs the same whatever the taxonomy's size;
        None when none is published. Raises ContentUnavailable as ``get`` does."""
        ...

    def check_fits(self, published: PublishedCauses) -> None:
        """Raise DocumentRejected when a part of the taxonomy is too large to store (a taxonomy as a whole
        has no size limit; one cause with its analysis must fit where the store keeps one)."""
        ...

    def put_if_changed(self, published: PublishedCauses) -> Change | None:
        """Replace the taxonomy and log the change atomically (a reader sees the old taxonomy or the new one,
        whole); None when neither it nor its analysis version changed.

        Raises DocumentRejected, writing nothing, when it does not fit."""
        ...

    def delete(self, reason: str | None = None) -> Change | None:
        """Retract the taxonomy and log it; None when none was published."""
        ...
