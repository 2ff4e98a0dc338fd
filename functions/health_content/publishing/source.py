"""The port to the content bucket, the source of truth for what is published.

``health_content.storage.s3.S3ContentSource`` implements it on S3; every implementation passes
the same specification (``tests/contract/test_storage_contract.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from health_content.publishing.report import PublishReport


@dataclass(frozen=True, slots=True)
class SourceObject:
    """One version of a document in the content bucket."""

    key: str
    version_id: str | None
    body: bytes
    last_modified: dt.datetime


class ContentSource(Protocol):
    """The versioned content bucket."""

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        """The current version of the key (at most ``max_bytes`` of it), or None when it has been deleted."""
        ...

    def latest_version_id(self, key: str) -> str | None: ...

    def record_outcome(self, report: PublishReport) -> None:
        """Make the publishing outcome visible to operators next to the document."""
        ...

    def read_outcome(self, key: str) -> PublishReport | None:
        """The last outcome recorded for the key, or None when there is none yet."""
        ...

    def retraction_reason(self, key: str) -> str | None:
        """Why an operator unpublished the key (``content-api unpublish``), if one did."""
        ...
