"""Transactions on the twin's DynamoDB that cost what the transaction writes, not what the table holds.

moto keeps a transaction all-or-nothing by deep-copying every table it names before the first write and putting
the copy back if any part fails. Every transaction therefore copies the whole table: a storm of thousands of
contacts grows quadratically in time and took the 2,000-contact bench past 20 GB. The twin instead keeps a copy
of each item the transaction names (at most 100) and puts those back when it is cancelled, which is all a
cancelled transaction can have changed. moto's own check and write logic is used unchanged."""
from __future__ import annotations

import copy
import threading

_installed = False
# DynamoDB isolates transactions from each other; moto does not. One at a time on the twin, so a cancelled one
# never puts back an item over what another transaction wrote meanwhile.
_one_at_a_time = threading.Lock()


class _TablesByReference:
    """The `copy` module as moto's DynamoDB backend sees it: a table is not copied (its items are, above)."""

    def __init__(self, table_class):
        self._table = table_class

    def deepcopy(self, value, memo=None):
        return value if isinstance(value, self._table) else copy.deepcopy(value, memo)

    def __getattr__(self, name):
        return getattr(copy, name)


def _keys(table, op: dict):
    from moto.dynamodb.models.dynamo_type import DynamoType

    attrs = op.get("Item") or op.get("Key") or {}
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _saved(backend, transact_items: list) -> list:
    saved = []
    for entry in transact_items[:100]:
        op = next(iter(entry.values()), {}) if isinstance(entry, dict) else {}
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        try:
            hash_value, range_value = _keys(table, op)
        except (KeyError, TypeError, ValueError):
            continue  # moto refuses the request itself before writing anything
        saved.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
    return saved


def _put_back(saved: list) -> None:
    for table, hash_value, range_value, item in reversed(saved):
        if range_value is None:
            if item is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = item
        elif item is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item


def install() -> None:
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    models.copy = _TablesByReference(Table)

    def transact_write_items(self, transact_items):
        with _one_at_a_time:
            saved = _saved(self, transact_items)
            try:
                return original(self, transact_items)
            except Exception:
                _put_back(saved)
                raise
    models.DynamoDBBackend.transact_write_items = transact_write_items
    _installed = True
