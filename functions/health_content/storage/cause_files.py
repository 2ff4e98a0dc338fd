"""The cause index file in the content bucket: one SQLite database, gzipped, written by the indexer
(``cause-index/causes.sqlite.gz``, its metadata naming the taxonomy it was built from and its format) and read by
API containers (``bucket_files``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from health_content.causes.database import FORMAT
from health_content.storage import bucket_files

CAUSE_INDEX_PREFIX = "cause-index/"
CAUSE_INDEX_KEY = f"{CAUSE_INDEX_PREFIX}causes.sqlite.gz"
_UNREADABLE = "The cause index could not be read."


class S3CauseIndexFiles:
    """CauseIndexFiles on the content bucket (a boto3 S3 client, created once per container)."""

    def __init__(
        self, client: Any, bucket: str, bounding: Callable[[], AbstractContextManager[None]] = nullcontext
    ) -> None:
        self._s3 = client
        self._bucket = bucket
        self._bounding = bounding  # the API's deadline for reading the body (storage/deadline.py)

    def fetch(self, path: Path) -> bool:
        return bucket_files.fetch(self._s3, self._bucket, CAUSE_INDEX_KEY, path, _UNREADABLE, self._bounding)

    def store(self, path: Path, content_hash: str) -> None:
        metadata = {"content-hash": content_hash, "format": FORMAT}
        bucket_files.store(self._s3, self._bucket, CAUSE_INDEX_KEY, path, metadata)

    def stored(self) -> str | None:
        metadata = bucket_files.metadata(self._s3, self._bucket, CAUSE_INDEX_KEY, _UNREADABLE)
        if metadata is None or metadata.get("format") != FORMAT:
            return None
        return metadata.get("content-hash")
