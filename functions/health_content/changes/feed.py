"""Reading the change log page by page, from the start or after a cursor a client kept."""

from __future__ import annotations

from dataclasses import dataclass

from health_content import cursor as cursors
from health_content.changes.log import ChangeLog
from health_content.changes.model import Change
from health_content.errors import ChangesExpired, InvalidCursor, InvalidQuery


@dataclass(frozen=True, slots=True)
class ChangePage:
    changes: list[Change]
    cursor: str
    """Where the next request starts: after the last change on this page (or the same place, when empty)."""
    more: bool


def cursor_after(sequence: int) -> str:
    return cursors.encode({"change": sequence})


class ChangeFeed:
    def __init__(self, log: ChangeLog) -> None:
        self._log = log

    def page(self, since: str | None, limit: int) -> ChangePage:
        after = self._position(since)
        read = self._log.entries_after(after, limit + 1)
        changes, more = read[:limit], len(read) > limit
        if since is not None and (not changes or changes[0].sequence != after + 1):
            latest = self._log.latest_sequence()
            if after > latest:
                raise InvalidQuery([("since", "this cursor points past the newest change; it was not issued here")])
            if after < latest:
                # Entries between the cursor and what is kept have expired: the client missed changes.
                raise ChangesExpired()
        last = changes[-1].sequence if changes else after
        return ChangePage(changes, cursor_after(last), more)

    @staticmethod
    def _position(since: str | None) -> int:
        if since is None:
            return 0
        try:
            return cursors.non_negative_int(cursors.decode(since), "change")
        except InvalidCursor:
            raise InvalidQuery([("since", "not a cursor this feed issued; start again without it")]) from None
