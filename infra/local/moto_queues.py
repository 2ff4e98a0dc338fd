"""moto's SQS, looking at the messages a call needs rather than at every message of the queue.

moto 5 walks every message a queue holds several times for each message it sends, receives or deletes: it
computes every attribute of the queue each time it reads one of them (``Queue.attributes``; the retention period
for each message received, whether the queue deduplicates for each one sent), and three of them count messages;
a receive builds the list of every visible message before it takes the first ten; a delete rebuilds the list of
messages. When ``content-api publish`` uploads a catalogue faster than ingest takes it, the ingest queue holds
thousands of notifications: with 2,000 articles these walks took 40% of ``make serve``'s time, and at 10,000,
with 18,000 queued, they made each notification cost tens of milliseconds (issue 19).

``install`` keeps moto's SQS and changes what it walks: the three counts are computed only for a caller that asks
for them (elsewhere they are ``None``, which moto leaves out of an answer); a receive looks at the queued
messages one by one and stops when it has its batch; a delete finds its message from the front of the queue
(where the oldest, received first, are) and removes it alone. Only this process's moto is changed: in-process
mocks and the ``make serve`` moto server.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.sqs.models import Message, Queue, SQSBackend

COUNTS = {
    "ApproximateNumberOfMessages": "approximate_number_of_messages",
    "ApproximateNumberOfMessagesDelayed": "approximate_number_of_messages_delayed",
    "ApproximateNumberOfMessagesNotVisible": "approximate_number_of_messages_not_visible",
}
_uncounted = threading.local()
_receiving = threading.local()


def install() -> None:
    """Make this process's moto look at the messages each call needs, not at the whole queue (idempotent)."""
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

    original_receive = SQSBackend.receive_message

    @functools.wraps(original_receive)
    def receive_message(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        _receiving.active = True
        try:
            return original_receive(self, *args, **kwargs)
        finally:
            _receiving.active = False

    every_visible = Queue.messages.fget  # type: ignore[attr-defined]

    def messages(queue: Queue) -> Any:
        return _Visible(queue) if getattr(_receiving, "active", False) else every_visible(queue)

    original_delete = Queue.delete_message

    @functools.wraps(original_delete)
    def delete_message(queue: Queue, receipt_handle: str) -> None:
        index = next((n for n, m in enumerate(queue._messages) if m.had_receipt_handle(receipt_handle)), None)
        if index is None or receipt_handle in queue.deleted_messages:
            original_delete(queue, receipt_handle)  # moto's answer: deleted already, or not a handle it gave
            return
        message = queue._messages.pop(index)
        queue.pending_messages.discard(message)
        queue.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]

    send_message.skips_counts = True  # type: ignore[attr-defined]
    SQSBackend.get_queue_attributes = get_queue_attributes  # type: ignore[method-assign]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]
    Queue.messages = property(messages)  # type: ignore[assignment,method-assign]
    Queue.delete_message = delete_message  # type: ignore[assignment,method-assign]


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


class _Visible:
    """A queue's visible messages as a receive reads them: in order, each looked at when the receive reaches it
    (moto's receive stops at its batch), and true when there is at least one (moto's wait for messages)."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue

    def __iter__(self) -> Iterator[Message]:
        # A copy of the list (of references only): the receive moves messages to the dead-letter queue meanwhile.
        return (message for message in list(self._queue._messages) if message.visible and not message.delayed)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None
