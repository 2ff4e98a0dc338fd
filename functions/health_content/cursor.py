"""Pagination: page sizes, and the one format of cursors, opaque to clients, a small JSON object inside.

A cursor is URL-safe base64 (unpadded) of compact JSON. Whoever issues a cursor decides
its fields and checks them when it comes back; anything that does not decode to an object
is an ``InvalidCursor``, never a server error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from health_content.errors import InvalidCursor

MAX_CURSOR_LENGTH = 512
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def encode(fields: dict[str, Any]) -> str:
    raw = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None
    if not isinstance(decoded, dict):
        raise InvalidCursor()
    return decoded


def non_negative_int(fields: dict[str, Any], name: str) -> int:
    """A field that must be a whole number from 0 (``True`` is not one)."""
    value = fields.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidCursor()
    return value


def next_offset_cursor(offset: int, limit: int, total: int, *scope: str) -> str | None:
    """The cursor of the page after ``offset`` in a ranked list of ``total``, None after the last page.
    ``scope`` names what the offsets count in (the query and the index version): a cursor is good only there."""
    if offset + limit >= total:
        return None
    return encode({"offset": offset + limit, "scope": _scope(scope)})


def offset_of(cursor: str | None, *scope: str) -> int:
    """Where the page a cursor asks for starts; 0 without one. A cursor of another scope is invalid."""
    if cursor is None:
        return 0
    fields = decode(cursor)
    if fields.get("scope") != _scope(scope):
        raise InvalidCursor()
    return non_negative_int(fields, "offset")


def _scope(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("#".join(parts).encode()).hexdigest()[:16]
