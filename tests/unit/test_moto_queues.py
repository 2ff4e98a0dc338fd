"""The local stack's moto looks at the messages a call needs: sending, receiving or deleting a message no longer
walks every message queued, and the counts are computed when asked (issue 19: a catalogue uploaded faster than
ingest took it made each notification cost several walks of thousands)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.sqs.models import Message

from infra.local import moto_queues
from tests.conftest import moto_mock

QUEUED = 50


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, list[int]]]:
    """A queue holding QUEUED messages, and how many times moto has looked at a message's visibility since."""
    moto_queues.install()
    with moto_mock():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="ingest", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        for n in range(QUEUED):
            sqs.send_message(QueueUrl=url, MessageBody=str(n))
        looks = [0]
        visible = Message.visible.fget

        def counted(message: Message) -> bool:
            looks[0] += 1
            return bool(visible(message))  # type: ignore[misc]

        monkeypatch.setattr(Message, "visible", property(counted))
        yield sqs, url, looks


def test_sending_a_message_looks_at_none_of_those_queued(queue: tuple[Any, str, list[int]]) -> None:
    sqs, url, looks = queue
    sqs.send_message(QueueUrl=url, MessageBody="one more")
    assert looks == [0]


def test_receiving_a_batch_looks_at_the_messages_it_takes(queue: tuple[Any, str, list[int]]) -> None:
    sqs, url, looks = queue
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in received] == [str(n) for n in range(10)]
    assert looks[0] <= 2 * 10  # twice for each message it takes (moto's receive), none for those queued behind
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 10  # the next ten


def test_deleting_a_batch_removes_those_messages_alone(queue: tuple[Any, str, list[int]], monkeypatch) -> None:
    sqs, url, _ = queue
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    compared = [0]
    had = Message.had_receipt_handle

    def counted(message: Message, handle: str) -> bool:
        compared[0] += 1
        return had(message, handle)

    monkeypatch.setattr(Message, "had_receipt_handle", counted)
    entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)]
    assert len(sqs.delete_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 10
    assert compared == [10]  # each found at the front of the queue, not looked for among every message
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])  # again: accepted, as by SQS
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == [str(n) for n in range(10, 20)]


def test_the_counts_are_answered_when_asked(queue: tuple[Any, str, list[int]]) -> None:
    sqs, url, _ = queue
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    asked = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert asked["Attributes"] == {"ApproximateNumberOfMessagesNotVisible": "10"}
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (every["ApproximateNumberOfMessages"], every["ApproximateNumberOfMessagesDelayed"]) == ("40", "0")
    assert list(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]) == ["QueueArn"]
