"""The ports of the change log and of the event bus its entries are announced on.

The stores append to the log in the same atomic write as the content change
(``health_content.storage.dynamodb``); the feed and the relay read it through this port.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from health_content.changes.model import Change


class ChangeLog(Protocol):
    def entries_after(self, sequence: int, limit: int) -> list[Change]:
        """Up to ``limit`` kept entries with a higher sequence, oldest first (expired ones are left out)."""
        ...

    def latest_sequence(self) -> int:
        """The sequence of the newest change ever logged; 0 before the first."""
        ...

    def pending_events(self, limit: int) -> list[Change]:
        """Entries whose event has not been accepted by the bus yet, oldest first."""
        ...

    def events_sent(self, sequences: Sequence[int]) -> None: ...


class EventBus(Protocol):
    def publish(self, changes: Sequence[Change]) -> list[Change]:
        """Announce each change; return those the bus did not accept."""
        ...
