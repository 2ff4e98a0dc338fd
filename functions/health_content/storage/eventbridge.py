"""The event bus on Amazon EventBridge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from health_content.changes.events import EVENT_SOURCE, detail_type
from health_content.changes.model import Change
from health_content.observability import logger

_BATCH = 10  # PutEvents takes at most ten entries


class EventBridgeBus:
    def __init__(self, client: Any, bus_name: str) -> None:
        self._client = client
        self._bus_name = bus_name

    def publish(self, changes: Sequence[Change]) -> list[Change]:
        refused: list[Change] = []
        for start in range(0, len(changes), _BATCH):
            batch = list(changes[start : start + _BATCH])
            entries = [
                {
                    "EventBusName": self._bus_name,
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type(change),
                    "Detail": change.model_dump_json(),
                    "Time": change.at,
                }
                for change in batch
            ]
            try:
                response = self._client.put_events(Entries=entries)
            except (ClientError, BotoCoreError) as error:
                logger.warning("the event bus could not be reached", extra={"error": repr(error)})
                refused.extend(changes[start:])
                break
            for change, result in zip(batch, response.get("Entries", []), strict=False):
                if result.get("ErrorCode"):
                    logger.warning(
                        "the event bus refused an event",
                        extra={"sequence": change.sequence, "error": result.get("ErrorCode")},
                    )
                    refused.append(change)
        return refused
