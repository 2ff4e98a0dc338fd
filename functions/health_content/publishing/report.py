"""The publishing outcome of one document key, as ingest writes it and operators read it.

Ingest writes it to ``reports/<key>`` in the content bucket and tags the version with its
status; the CLI reads it back. Its JSON Schema is ``content/schemas/publish-report.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PublishStatus(StrEnum):
    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    REMOVED = "removed"

    @property
    def served(self) -> bool:
        """Whether the document this outcome is about is now what the API serves."""
        return self in {PublishStatus.PUBLISHED, PublishStatus.UNCHANGED}


class PublishReport(BaseModel):
    """What happened when ingest synced a document key from the bucket into the serving index."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(
        description="The document's key in the content bucket.", examples=["articles/id/kram-otot-betis.json"]
    )
    status: PublishStatus
    version_id: str | None = Field(default=None, description="The bucket version the outcome is about.")
    content_hash: str | None = Field(default=None, description="sha256 of the document's canonical JSON.")
    reasons: list[str] = Field(default_factory=list, description="Why the document was rejected.")
    warnings: list[str] = Field(default_factory=list, description="Published, but something needs attention.")
    reason: str | None = Field(default=None, description="Why the document was unpublished, as the operator said.")
    checked_at: dt.datetime
