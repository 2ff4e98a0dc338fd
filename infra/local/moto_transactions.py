"""moto's TransactWriteItems, rolled back item by item rather than from a copy of each table it names.

moto 5 (``DynamoDBBackend.transact_write_items``) deep-copies every table a transaction names before it
applies it, so that it can put the copy back if the transaction is cancelled. The copy costs time and memory
in proportion to the whole table, and every publish is one transaction: publishing N documents through the
local stack cost O(N^2) (0.1 s per document after 100 articles, about 1 s after 1,000; issue 19). moto has no
setting for it (its configuration covers credentials, passthrough, Docker and a few services, not this).

``install`` keeps moto's own implementation, its validation, its conditions and its errors, and changes one
thing: while a transaction runs, its snapshot of a table is the table itself (so moto's "rollback" puts the
same table back), and the items the transaction names are snapshotted here, one by one, and restored if moto
cancels the transaction. The transaction's outcome is the same; unlike moto's whole-table restore, a
cancelled transaction no longer undoes what other requests wrote to other items meanwhile (neither does
DynamoDB). Only this process's moto is changed: in-process mocks and the ``make serve`` moto server.
"""

from __future__ import annotations

import copy
import functools
import threading
from types import ModuleType
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_in_transaction = threading.local()
_OPERATIONS = ("Put", "Update", "Delete", "ConditionCheck")


class _CopyKeepingTables(ModuleType):
    """The ``copy`` module as moto's DynamoDB backend sees it: a table "copied" inside a transaction of this
    thread is the table itself; every other copy is a real one."""

    def __init__(self) -> None:
        super().__init__("copy")

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table) and getattr(_in_transaction, "active", False):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def install() -> None:
    """Make this process's moto roll transactions back item by item (idempotent)."""
    if getattr(DynamoDBBackend.transact_write_items, "rolls_back_items", False):
        return
    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        snapshots = _snapshots(self, transact_items)
        _in_transaction.active = True
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in snapshots:
                _restore(table, hash_key, range_key, item)
            raise
        finally:
            _in_transaction.active = False

    transact_write_items.rolls_back_items = True  # type: ignore[attr-defined]
    dynamodb_models.copy = _CopyKeepingTables()  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


Snapshot = tuple[Table, DynamoType, DynamoType | None, Any]


def _snapshots(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Snapshot]:
    """A copy of each item the transaction names, as it is now (None where there is none)."""
    snapshots: list[Snapshot] = []
    for entry in transact_items:
        for operation in _OPERATIONS:
            if operation not in entry:
                continue
            request = entry[operation]
            table = backend.tables.get(request.get("TableName"))
            if table is None:
                continue  # moto refuses the transaction itself
            key = request.get("Item") if operation == "Put" else request.get("Key")
            if not key or table.hash_key_attr not in key:
                continue
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in key:
                    continue
                range_key = DynamoType(key[table.range_key_attr])
            current = table.get_item(hash_key, range_key)
            snapshots.append((table, hash_key, range_key, copy.deepcopy(current)))
    return snapshots


def _restore(table: Table, hash_key: DynamoType, range_key: DynamoType | None, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items[hash_key].pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item
