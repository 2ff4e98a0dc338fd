"""What both kinds of item in the serving index share: DynamoDB's item size limit, reading an item that
may not parse, and the condition that a write replaces what was read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError

from health_content.errors import DocumentRejected, DocumentUnreadable
from health_content.observability import logger

# DynamoDB's limit on one item: attribute names and values together (400 KB).
MAX_ITEM_BYTES = 400 * 1024
UNREADABLE = "The content index could not be read."
# Writes that lose a race with another writer read again and retry, this many times in all.
MAX_WRITE_ATTEMPTS = 8


def item_size(item: Mapping[str, Any]) -> int:
    """The size DynamoDB counts against its item limit, by its documented rules."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float):
        return len(str(value)) // 2 + 2  # a number takes about one byte per two significant digits, plus one
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode()) + _value_size(v) + 1 for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(_value_size(v) + 1 for v in value)
    raise TypeError(f"no DynamoDB size rule for {type(value).__name__}")


@contextmanager
def readable(what: str) -> Iterator[None]:
    """A stored item that does not parse is unreadable content (a 503 the operators hear of), never a crash."""
    try:
        yield
    except (ValidationError, ValueError, KeyError, TypeError, OSError) as error:
        logger.error("a stored document could not be read", extra={"document": what, "error": repr(error)})
        raise DocumentUnreadable(what) from error


def check_size(item: Mapping[str, Any], what: str) -> None:
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise DocumentRejected(
            [f"{what} would take {size:,} bytes in the serving index; a DynamoDB item holds at most {MAX_ITEM_BYTES:,}"]
        )


def replacing(previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The condition that the stored item is still the one read (or that there is still none)."""
    if previous is None:
        return {"ConditionExpression": "attribute_not_exists(pk)"}
    return {
        "ConditionExpression": "content_hash = :previous_hash",
        "ExpressionAttributeValues": {":previous_hash": previous["content_hash"]},
    }
