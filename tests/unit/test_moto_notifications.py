"""The local stack's moto notifies the ingest queue of a delete marker when the key is deleted, as S3 does, so
that nothing has to list the bucket's versions to find them (issue 19: that listing copied every version)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest

from infra.local.stack import LocalStack
from tests.conftest import moto_mock

BUCKET = "notifications"


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with moto_mock():
        yield LocalStack.create(BUCKET, BUCKET, subscriber=False)


def _queued(stack: LocalStack) -> list[tuple[str, str]]:
    """(event name, key) of each notification in the ingest queue, which this empties."""
    sqs = boto3.client("sqs", region_name=stack.region)
    found = []
    while messages := sqs.receive_message(QueueUrl=stack.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            found += [
                (record["eventName"], unquote_plus(record["s3"]["object"]["key"]))
                for record in json.loads(message["Body"]).get("Records", [])
            ]
            sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_a_deleted_document_is_announced_once_when_it_is_deleted(stack: LocalStack) -> None:
    s3: Any = boto3.client("s3", region_name=stack.region)
    key = "articles/id/kram-otot-betis.json"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}")
    s3.put_object(Bucket=BUCKET, Key="reports/" + key, Body=b"{}")  # outside the template's prefixes
    assert _queued(stack) == [("ObjectCreated:Put", key)]

    s3.delete_object(Bucket=BUCKET, Key=key)
    s3.delete_object(Bucket=BUCKET, Key="reports/" + key)
    s3.delete_object(Bucket=BUCKET, Key="articles/id/never-uploaded.json")  # moto leaves no marker

    assert _queued(stack) == [("ObjectRemoved:DeleteMarkerCreated", key)]
    assert _queued(stack) == []


def test_removing_a_version_is_not_a_delete_marker(stack: LocalStack) -> None:
    s3: Any = boto3.client("s3", region_name=stack.region)
    key = "causes/causes.json"
    first = s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}")["VersionId"]
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"{ }")
    _queued(stack)

    s3.delete_object(Bucket=BUCKET, Key=key, VersionId=first)  # the current version stays: nothing is removed

    assert _queued(stack) == []
