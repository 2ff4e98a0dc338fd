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


def cursor_after(sequence: int, *, skipping: bool = False) -> str:
    """``skipping``: the position was reached by walking past expired entries from the start, so the entries
    after it may be expired too without the client having missed anything."""
    return cursors.encode({"change": sequence, "skipping": True} if skipping else {"change": sequence})


class ChangeFeed:
    def __init__(self, log: ChangeLog) -> None:
        self._log = log

    def page(self, since: str | None, limit: int) -> ChangePage:
        after, skipping = self._position(since)
        read = self._log.entries_after(after, limit + 1)
        if since is not None and not skipping and (not read.changes or read.changes[0].sequence != after + 1):
            # A gap, or nothing new: make sure with reads that see every acknowledged write (a lagging
            # replica must not send a healthy client off to resynchronise).
            read = self._log.entries_after(after, limit + 1, consistent=True)
            latest = self._log.latest_sequence(consistent=True)
            if after > latest:
                raise InvalidQuery([("since", "this cursor points past the newest change; it was not issued here")])
            if after < latest and (not read.changes or read.changes[0].sequence != after + 1):
                # Entries between the cursor and what is kept have expired: the client missed changes.
                raise ChangesExpired()
        changes = read.changes[:limit]
        more = len(read.changes) > limit or not read.exhausted
        if changes:
            return ChangePage(changes, cursor_after(changes[-1].sequence), more)
        # Nothing kept on this page: carry on after what was looked at. A walk from the start past expired
        # entries (which the store may hold for days) keeps saying so, until it reaches a kept one.
        still_skipping = (since is None or skipping) and more
        return ChangePage([], cursor_after(max(after, read.read_to), skipping=still_skipping), more)

    @staticmethod
    def _position(since: str | None) -> tuple[int, bool]:
        if since is None:
            return 0, False
        try:
            fields = cursors.decode(since)
            return cursors.non_negative_int(fields, "change"), fields.get("skipping") is True
        except InvalidCursor:
            raise InvalidQuery([("since", "not a cursor this feed issued; start again without it")]) from None
