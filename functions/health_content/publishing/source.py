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
    published_by: str | None = None
    """The operator who uploaded this version, as `content-api publish` records it (None: uploaded otherwise)."""


@dataclass(frozen=True, slots=True)
class UnpublishRequest:
    """An operator's reason for taking a key out of what is served (``content-api unpublish``), recorded before
    the key is deleted; ``record`` identifies this one record, so that the removal it was for uses it up and
    nothing else does."""

    key: str
    reason: str | None
    record: str | None
    requested_by: str | None = None


class ContentSource(Protocol):
    """The versioned content bucket."""

    def fetch_latest(self, key: str, max_bytes: int) -> SourceObject | None:
        """The current version of the key (at most ``max_bytes`` of it), or None when it has been deleted."""
        ...

    def latest_version_id(self, key: str) -> str | None: ...

    def record_outcome(self, report: PublishReport) -> None:
        """Make the publishing outcome visible to operators next to the document."""
        ...

    def read_outcome(self, key: str, version_id: str | None = None) -> PublishReport | None:
        """The last outcome recorded for the key, or for one version of it; None when there is none yet."""
        ...

    def unpublish_request(self, key: str) -> UnpublishRequest | None:
        """Why an operator unpublished the key, if one did and no removal has used the reason yet."""
        ...

    def forget_unpublish_request(self, request: UnpublishRequest) -> None:
        """The removal ``request`` was for is recorded: a later removal must not report its reason. A request
        recorded since (a second unpublish) is kept."""
        ...
