"""The ports of the change log and of the event bus its entries are announced on.

The stores append to the log in the same atomic write as the content change
(``health_content.storage.articles`` and ``causes``); the feed and the relay read it through this port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from health_content.changes.model import Change


@dataclass(frozen=True, slots=True)
class EntriesRead:
    changes: list[Change]
    """Kept entries, oldest first (expired ones, which the store may still hold for days, are left out)."""
    read_to: int
    """The sequence of the last entry looked at, kept or expired (the ``after`` asked for when none was)."""
    exhausted: bool
    """Whether the log holds nothing after ``read_to``."""


class ChangeLog(Protocol):
    def entries_after(self, sequence: int, limit: int, *, consistent: bool = False) -> EntriesRead:
        """Up to ``limit`` kept entries with a higher sequence; a read may stop early, having looked at a bounded
        number of expired ones. ``consistent`` reads what every write acknowledged so far left."""
        ...

    def latest_sequence(self, *, consistent: bool = False) -> int:
        """The sequence of the newest change ever logged; 0 before the first."""
        ...

    def pending_events(self, limit: int) -> list[Change]:
        """Entries whose event has not been accepted by the bus yet, oldest first."""
        ...

    def claim_events(self, limit: int, claimant: str, lease: dt.timedelta) -> list[Change]:
        """Up to ``limit`` pending events no other relay holds, oldest first, now held by ``claimant`` for
        ``lease``: overlapping relays never send the same event. A claim that outlives its lease (a relay that
        died, or sent but could not clear) can be taken again, so an event is sent at least once."""
        ...

    def release_events(self, sequences: Sequence[int], claimant: str) -> None:
        """Give back ``claimant``'s claims on events it could not send, for the next relay."""
        ...

    def events_sent(self, sequences: Sequence[int]) -> None: ...


class EventBus(Protocol):
    def publish(self, changes: Sequence[Change]) -> list[Change]:
        """Announce each change; return those the bus did not accept."""
        ...
