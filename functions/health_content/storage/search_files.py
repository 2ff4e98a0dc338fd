"""The search index files in the content bucket: one SQLite database per locale, gzipped, written by the
indexer (``search-index/<locale>.sqlite.gz``) and read by cold API containers (``bucket_files``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from health_content.storage import bucket_files
from health_content.vocabulary import Locale

SEARCH_INDEX_PREFIX = "search-index/"
_UNREADABLE = "The search index could not be read."


def search_index_key(locale: Locale) -> str:
    return f"{SEARCH_INDEX_PREFIX}{locale}.sqlite.gz"


class S3SearchIndexFiles:
    """IndexFiles on the content bucket (a boto3 S3 client, created once per container)."""

    def __init__(
        self, client: Any, bucket: str, bounding: Callable[[], AbstractContextManager[None]] = nullcontext
    ) -> None:
        self._s3 = client
        self._bucket = bucket
        self._bounding = bounding  # the API's deadline for reading the body (storage/deadline.py)

    def fetch(self, locale: Locale, path: Path) -> bool:
        key = search_index_key(locale)
        return bucket_files.fetch(self._s3, self._bucket, key, path, _UNREADABLE, self._bounding)

    def store(self, locale: Locale, path: Path, sequence: int) -> None:
        bucket_files.store(self._s3, self._bucket, search_index_key(locale), path, {"sequence": str(sequence)})
