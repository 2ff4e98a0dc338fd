"""Announcing logged changes on the event bus, at least once each and, but for a failure after
sending, once.

Each change is logged together with a pending-event marker in the same write as the content
(an outbox); the relay claims what is pending (a conditional write, so relays that overlap, after
each ingest and on the schedule, never send the same event), sends it and clears what the bus
accepted. What the bus refuses is given back and goes with the next relay, so a failing bus delays
events but never loses one. An event sent whose marker could not be cleared is sent again once its
claim lapses: consumers drop the repeat by the change's ``sequence``, its stable id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from health_content.changes.log import ChangeLog, EventBus
from health_content.observability import logger

_BATCH = 50
# Longer than a relay runs (the relay function's timeout is 60 s), so that a claim lapses only when its relay
# is gone.
CLAIM_LEASE = dt.timedelta(minutes=2)


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
        claimant = uuid.uuid4().hex
        while True:
            claimed = self._log.claim_events(_BATCH, claimant, CLAIM_LEASE)
            if not claimed:
                break
            refused = {change.sequence for change in self._bus.publish(claimed)}
            accepted = [change.sequence for change in claimed if change.sequence not in refused]
            if accepted:
                self._log.events_sent(accepted)
            sent, failed = sent + len(accepted), failed + len(refused)
            if refused:
                self._log.release_events(sorted(refused), claimant)
                logger.error(
                    "the event bus did not accept some change events; they stay pending and are sent again",
                    extra={"sequences": sorted(refused)},
                )
                break  # the next relay tries again; a failing bus is not hammered now
            if len(claimed) < _BATCH:
                break
        return RelayOutcome(sent, failed)
