"""The local stack's moto answers a query from the partition it names: the same answers, without walking the
table (issue 19: every query sorted every item of the table, so publishing slowed as the catalogue grew)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType

from infra import template
from infra.local import moto_queries
from tests.conftest import moto_mock

TABLE = "queries"
INDEX = "PublishedOrder"


@pytest.fixture
def table() -> Iterator[Any]:
    moto_queries.install()
    with moto_mock():
        boto3.client("dynamodb", region_name="us-east-1").create_table(**template.table_definition(TABLE))
        table = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE)
        with table.batch_writer() as batch:
            for partition in ("CHANGES", "LISTING#id", "OUTBOX"):
                for n in range(30):
                    batch.put_item(Item={"pk": partition, "sk": f"{n:03d}", "published_order": f"{29 - n:03d}#x"})
        yield table


def _sks(response: dict[str, Any]) -> list[str]:
    return [item["sk"] for item in response["Items"]]


class _Untouchable:
    """An item of another partition that fails the query reading it."""

    @property
    def range_key(self) -> Any:
        raise AssertionError("the query read an item of another partition")

    hash_key = range_key
    attrs = range_key


def test_a_query_never_reads_another_partition(table: Any) -> None:
    stored = dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE].items
    stored[DynamoType({"S": "ELSEWHERE"})][DynamoType({"S": "x"})] = _Untouchable()

    assert _sks(table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": "OUTBOX"}))[:2] == [
        "000",
        "001",
    ]
    by_publication = table.query(
        IndexName=INDEX,
        KeyConditionExpression="pk = :pk AND published_order > :after",
        ExpressionAttributeValues={":pk": "LISTING#id", ":after": "027"},
    )
    assert _sks(by_publication) == ["002", "001", "000"]


def test_conditions_order_and_pages_are_moto_s(table: Any) -> None:
    after = table.query(
        KeyConditionExpression="pk = :pk AND sk > :after",
        ExpressionAttributeValues={":pk": "CHANGES", ":after": "010"},
        Limit=5,
    )
    assert _sks(after) == ["011", "012", "013", "014", "015"]
    assert after["LastEvaluatedKey"] == {"pk": "CHANGES", "sk": "015"}
    following = table.query(
        KeyConditionExpression="pk = :pk AND sk > :after",
        ExpressionAttributeValues={":pk": "CHANGES", ":after": "010"},
        Limit=5,
        ExclusiveStartKey=after["LastEvaluatedKey"],
    )
    assert _sks(following) == ["016", "017", "018", "019", "020"]

    newest = table.query(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :tens)",
        ExpressionAttributeValues={":pk": "CHANGES", ":tens": "01"},
        ScanIndexForward=False,
        Limit=3,
    )
    assert _sks(newest) == ["019", "018", "017"]

    first_page = table.query(
        IndexName=INDEX, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": "LISTING#id"}, Limit=2
    )
    assert _sks(first_page) == ["029", "028"]  # in the index's order, not the table's
    assert table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": "NONE"})["Items"] == []
