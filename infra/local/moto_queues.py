"""moto's SQS, counting a queue's messages only when a caller asks for the counts.

moto 5 computes every attribute of a queue each time it reads any one of them (``Queue.attributes``), and three
of them count messages by looking at every message the queue holds. It reads attributes several times for each
message it sends (whether the queue deduplicates) and for each message it receives (the retention period). When
``content-api publish`` uploads a catalogue faster than ingest takes it, the ingest queue holds thousands of
notifications, and each one sent or received cost several walks of them all: with 2,000 articles these walks
took 40% of ``make serve``'s time, and they grow with the queue (issue 19).

``install`` keeps moto's SQS and changes one thing: inside ``send_message``, and inside ``get_queue_attributes``
when none of the counts was asked for, the three counts are not computed (``None``, which moto leaves out of
an answer). Only this process's moto is changed: in-process mocks and the ``make serve`` moto server.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.sqs.models import Queue, SQSBackend

COUNTS = {
    "ApproximateNumberOfMessages": "approximate_number_of_messages",
    "ApproximateNumberOfMessagesDelayed": "approximate_number_of_messages_delayed",
    "ApproximateNumberOfMessagesNotVisible": "approximate_number_of_messages_not_visible",
}
_uncounted = threading.local()


def install() -> None:
    """Make this process's moto count a queue's messages only for a caller that asks (idempotent)."""
    if getattr(SQSBackend.send_message, "skips_counts", False):
        return
    for attribute in COUNTS.values():
        setattr(Queue, attribute, property(_unless_uncounted(getattr(Queue, attribute).fget)))
    original_attributes = SQSBackend.get_queue_attributes

    @functools.wraps(original_attributes)
    def get_queue_attributes(self: SQSBackend, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        if "All" in attribute_names or any(name in COUNTS for name in attribute_names):
            return original_attributes(self, queue_name, attribute_names)
        with _without_counts():
            return original_attributes(self, queue_name, attribute_names)

    original_send = SQSBackend.send_message

    @functools.wraps(original_send)
    def send_message(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        with _without_counts():
            return original_send(self, *args, **kwargs)

    send_message.skips_counts = True  # type: ignore[attr-defined]
    SQSBackend.get_queue_attributes = get_queue_attributes  # type: ignore[method-assign]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]


@contextmanager
def _without_counts() -> Iterator[None]:
    before = getattr(_uncounted, "active", False)
    _uncounted.active = True
    try:
        yield
    finally:
        _uncounted.active = before


def _unless_uncounted(count: Callable[[Queue], int]) -> Callable[[Queue], int | None]:
    @functools.wraps(count)
    def counted(queue: Queue) -> int | None:
        return None if getattr(_uncounted, "active", False) else count(queue)

    return counted
