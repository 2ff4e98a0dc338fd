"""The one codec of offset cursors that ranked lists (the cause lookup, the search) hand out."""

from __future__ import annotations

import pytest

from health_content import cursor
from health_content.errors import InvalidCursor


def test_a_cursor_leads_to_the_next_page_of_the_same_scope_and_none_follows_the_last() -> None:
    issued = cursor.next_offset_cursor(20, 20, 45, "kejang", "v1")
    assert issued is not None and cursor.offset_of(issued, "kejang", "v1") == 40
    assert cursor.next_offset_cursor(40, 20, 45, "kejang", "v1") is None
    assert cursor.offset_of(None, "kejang", "v1") == 0


@pytest.mark.parametrize("scope", [("kejang", "v2"), ("kram", "v1"), ("kejang",)])
def test_a_cursor_is_refused_for_another_query_or_index_version(scope: tuple[str, ...]) -> None:
    issued = cursor.next_offset_cursor(0, 20, 45, "kejang", "v1")
    assert issued is not None
    with pytest.raises(InvalidCursor):
        cursor.offset_of(issued, *scope)


@pytest.mark.parametrize("fields", [{"offset": -1}, {"offset": True}, {"offset": "3"}, {}])
def test_a_forged_offset_is_refused(fields: dict[str, object]) -> None:
    issued = cursor.next_offset_cursor(0, 20, 45, "kejang", "v1")
    assert issued is not None
    scope = cursor.decode(issued)["scope"]  # a real scope, so that only the offset is wrong
    forged = cursor.encode({**fields, "scope": scope})
    with pytest.raises(InvalidCursor):
        cursor.offset_of(forged, "kejang", "v1")
