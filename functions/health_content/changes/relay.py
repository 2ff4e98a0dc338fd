"""Announcing logged changes on the event bus, at least once each.

Each change is logged together with a pending-event marker in the same write as the content
(an outbox); the relay sends what is pending and clears what the bus accepted. What the bus
refuses stays pending and goes with the next relay, so a failing bus delays events but never
loses one.
"""

from __future__ import annotations

from dataclasses import dataclass

from health_content.changes.log import ChangeLog, EventBus
from health_content.observability import logger

_BATCH = 50


@dataclass(frozen=True, slots=True)
class RelayOutcome:
    sent: int
    failed: int


class EventRelay:
    def __init__(self, log: ChangeLog, bus: EventBus) -> None:
        self._log = log
        self._bus = bus

    def flush(self) -> RelayOutcome:
        sent = failed = 0
        while True:
            pending = self._log.pending_events(_BATCH)
            if not pending:
                break
            refused = {change.sequence for change in self._bus.publish(pending)}
            accepted = [change.sequence for change in pending if change.sequence not in refused]
            if accepted:
                self._log.events_sent(accepted)
            sent, failed = sent + len(accepted), failed + len(refused)
            if refused:
                logger.error(
                    "the event bus did not accept some change events; they stay pending and are sent again",
                    extra={"sequences": sorted(refused)},
                )
                break  # the next relay tries again; a failing bus is not hammered now
            if len(pending) < _BATCH:
                break
        return RelayOutcome(sent, failed)
