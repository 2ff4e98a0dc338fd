"""The local stack's moto counts a queue's messages only when asked: sending or receiving one message no longer
looks at every message queued (issue 19: a catalogue uploaded faster than ingest took it made each notification
cost several walks of thousands)."""

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


def test_receiving_messages_looks_at_each_queued_one_once(queue: tuple[Any, str, list[int]]) -> None:
    sqs, url, looks = queue
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(received) == 10
    assert looks[0] <= QUEUED + 10  # moto's walk for visible messages, not three more per message received


def test_the_counts_are_answered_when_asked(queue: tuple[Any, str, list[int]]) -> None:
    sqs, url, _ = queue
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    asked = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert asked["Attributes"] == {"ApproximateNumberOfMessagesNotVisible": "10"}
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (every["ApproximateNumberOfMessages"], every["ApproximateNumberOfMessagesDelayed"]) == ("40", "0")
    assert list(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]) == ["QueueArn"]
