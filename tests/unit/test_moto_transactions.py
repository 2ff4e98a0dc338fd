"""The local stack's moto rolls a cancelled transaction back item by item, without copying the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import dynamodb_backends

from infra import template
from infra.local import moto_transactions
from tests.conftest import moto_mock

TABLE = "transactions"


@pytest.fixture
def client() -> Iterator[Any]:
    moto_transactions.install()
    with moto_mock():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(**template.table_definition(TABLE))
        yield dynamodb


def _item(pk: str, sk: str, **values: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{name: {"S": value} for name, value in values.items()}}


def _all(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName=TABLE)["Items"], key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def test_a_cancelled_transaction_leaves_every_item_as_it_was(client: Any) -> None:
    client.put_item(TableName=TABLE, Item=_item("HEAD", "log", latest="1"))
    client.put_item(TableName=TABLE, Item=_item("ARTICLES#id", "a", title="lama"))
    before = _all(client)

    with pytest.raises(ClientError, match="TransactionCanceledException"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": _item("ARTICLES#id", "a", title="baru")}},
                {"Put": {"TableName": TABLE, "Item": _item("ARTICLES#id", "b", title="baru")}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "HEAD"}, "sk": {"S": "log"}},
                        "UpdateExpression": "SET latest = :next",
                        "ExpressionAttributeValues": {":next": {"S": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "ARTICLES#id"}, "sk": {"S": "c"}},
                        "ConditionExpression": "attribute_exists(pk)",  # fails, after the writes above
                    }
                },
            ]
        )

    assert _all(client) == before  # the replaced item, the new one and the updated head: all as they were


def test_a_transaction_works_on_the_table_itself_not_on_a_copy(client: Any) -> None:
    # moto's own rollback copies the whole table before each transaction (O(table) time and memory per
    # publish) and, when one is cancelled, puts the copy in the table's place.
    table = dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE]
    client.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": _item("A", "1")}}])
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": _item("A", "2")}},
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": _item("A", "1"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE] is table
    assert _all(client) == [_item("A", "1")]
