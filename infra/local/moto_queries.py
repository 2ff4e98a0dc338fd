"""moto's DynamoDB Query, reading the partition it names rather than every item of the table.

moto 5 (``Table.query``) starts every query from ``Table.all_items``: a list of every item of the table, sorted
with moto's own comparisons (several Python calls per comparison), of which it then keeps the partition's
items. A query therefore costs time in proportion to the whole table, however small its partition: the relay's
query for pending events, once per ingest batch, took 0.4 s with 2,000 articles published and grew with every
one (issue 19); a query of the PublishedOrder index walks the whole table the same way.

``install`` keeps moto's query (its conditions, paging, limits, filters, projections and errors) and changes
what it starts from: while a query runs in this thread, ``all_items`` of the queried table is the queried
partition's items, in key order. That is every item the query can return: for a table query, the items of its
hash key; for a query of an index whose hash key is the table's own (PublishedOrder), the same partition, as
the index holds each item under its ``pk``. Queries of other indexes, scans and every other caller of
``all_items`` get moto's own. Only this process's moto is changed: in-process mocks and the ``make serve`` moto
server.
"""

from __future__ import annotations

import functools
import inspect
import threading
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_querying = threading.local()


def install() -> None:
    """Make this process's moto answer a query from its partition (idempotent)."""
    if getattr(Table.query, "reads_its_partition", False):
        return
    original_query = Table.query
    original_all_items = Table.all_items
    signature = inspect.signature(original_query)

    @functools.wraps(original_query)
    def query(self: Table, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        partition = _partition(self, arguments)
        if partition is None:
            return original_query(self, *args, **kwargs)
        _querying.scope = (self, partition)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _querying.scope = None

    @functools.wraps(original_all_items)
    def all_items(self: Table) -> Any:
        scope = getattr(_querying, "scope", None)
        if scope is None or scope[0] is not self:
            return original_all_items(self)
        return _items_of(self, scope[1])

    query.reads_its_partition = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]


def _partition(table: Table, arguments: dict[str, Any]) -> DynamoType | None:
    """The hash key value whose items hold every answer of this query, or None when there is no such partition."""
    index_name = arguments.get("index_name")
    if not index_name:
        hash_key: DynamoType | None = arguments.get("hash_key")
        return hash_key
    index = next((each for each in table.all_indexes() if each.name == index_name), None)
    if index is None:
        return None  # moto answers with its own error
    hash_attributes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
    if hash_attributes != [table.hash_key_attr]:
        return None
    conditions = dict(arguments.get("hash_key_conditions") or [])
    value: DynamoType | None = conditions.get(table.hash_key_attr)
    return value


def _items_of(table: Table, hash_key: DynamoType) -> list[Any]:
    """The partition's items in key order (moto's order: by ``cast_value``), sorted with a native key so that
    moto's own sort that follows finds them in order."""
    if hash_key not in table.items:
        return []
    stored = table.items[hash_key]
    if table.range_key_attr is None:
        return [stored]
    return sorted(stored.values(), key=lambda item: item.range_key.cast_value)
