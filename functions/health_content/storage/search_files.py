"""The search index files in the content bucket: one SQLite database per locale, gzipped, written by the
indexer (``search-index/<locale>.sqlite.gz``, outside the prefixes that trigger ingest) and read by cold API
containers. The bucket's versioning keeps the earlier ones."""

from __future__ import annotations

import gzip
import shutil
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.errors import ContentUnavailable
from health_content.storage.s3 import is_missing
from health_content.vocabulary import Locale

SEARCH_INDEX_PREFIX = "search-index/"
_CHUNK = 1024 * 1024


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
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=search_index_key(locale))
        except ClientError as error:
            if is_missing(error):
                return False
            raise ContentUnavailable("The search index could not be read.") from error
        except BotoCoreError as error:
            raise ContentUnavailable("The search index could not be read.") from error
        try:
            with self._bounding(), response["Body"] as body, gzip.open(body) as unpacked, path.open("wb") as out:
                shutil.copyfileobj(unpacked, out, _CHUNK)
        except (OSError, EOFError, zlib.error, BotoCoreError) as error:
            path.unlink(missing_ok=True)  # a partial file would only fill /tmp
            raise ContentUnavailable("The search index could not be read.") from error
        return True

    def store(self, locale: Locale, path: Path, sequence: int) -> None:
        packed = path.with_suffix(".gz")
        with path.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as out:
            shutil.copyfileobj(source, out, _CHUNK)
        with packed.open("rb") as body:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=search_index_key(locale),
                Body=body,
                ContentType="application/gzip",
                Metadata={"sequence": str(sequence)},
            )
        packed.unlink()
