"""Index files in the content bucket, gzipped: written by the indexer, outside the prefixes that trigger ingest,
and downloaded by API containers to a local path. The bucket's versioning keeps the earlier ones."""

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

_CHUNK = 1024 * 1024


def fetch(
    client: Any,
    bucket: str,
    key: str,
    path: Path,
    unreadable: str,
    bounding: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> bool:
    """Write the file at ``key``, unpacked, to ``path``, reading its body within ``bounding`` (the API's deadline,
    ``deadline.py``); False when there is none. Raises ContentUnavailable (with ``unreadable``) when it cannot be
    read whole."""
    try:
        response = client.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if is_missing(error):
            return False
        raise ContentUnavailable(unreadable) from error
    except BotoCoreError as error:
        raise ContentUnavailable(unreadable) from error
    try:
        with bounding(), response["Body"] as body, gzip.open(body) as unpacked, path.open("wb") as out:
            shutil.copyfileobj(unpacked, out, _CHUNK)
    except (OSError, EOFError, zlib.error, BotoCoreError) as error:
        path.unlink(missing_ok=True)  # a partial file would only fill /tmp
        raise ContentUnavailable(unreadable) from error
    return True


def store(client: Any, bucket: str, key: str, path: Path, metadata: dict[str, str]) -> None:
    """Make the file in ``path``, gzipped, the one at ``key``, with ``metadata``."""
    packed = path.with_suffix(".gz")
    with path.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(source, out, _CHUNK)
    with packed.open("rb") as body:
        client.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/gzip", Metadata=metadata)
    packed.unlink()


def metadata(client: Any, bucket: str, key: str, unreadable: str) -> dict[str, str] | None:
    """The metadata of the file at ``key``; None when there is none."""
    try:
        response = client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if is_missing(error):
            return None
        raise ContentUnavailable(unreadable) from error
    except BotoCoreError as error:
        raise ContentUnavailable(unreadable) from error
    return dict(response.get("Metadata") or {})
