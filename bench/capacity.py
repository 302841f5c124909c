"""DynamoDB capacity units of one request, from the sizes of the items it wrote or read, as on-demand bills them:
a write unit per 1 KB of each item written (twice in a transaction), a read unit per 4 KB read strongly (half
eventually consistent, twice in a transaction; a Query or Scan rounds its items' total, other reads each item).

Item sizes follow DynamoDB's rules: the attribute names' UTF-8 bytes plus each value's: a string's UTF-8 bytes, a
binary's bytes, a number about a byte per two digits plus one, 1 for a boolean or null, and 3 plus the
elements for a list or map (plus a byte per element). An UpdateItem is sized by the item it returns (PynamoDB
asks for ALL_NEW), an update inside a transaction by its key and values: a floor, not the item's full size."""
from __future__ import annotations

import math

WRITE_UNIT, READ_UNIT = 1024, 4096


def value_size(value: dict) -> int:
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "B":
        return len(data) if isinstance(data, (bytes, bytearray)) else math.ceil(len(data) * 3 / 4)
    if kind == "N":
        return len(str(data).lstrip("-").replace(".", "")) // 2 + 2
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in data.items())
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in data)
    return 0


def item_size(item: dict | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def _write(size: int, times: int = 1) -> float:
    return times * max(1, math.ceil(size / WRITE_UNIT))


def _read(size: int, consistent: bool, times: int = 1) -> float:
    return times * max(1, math.ceil(size / READ_UNIT)) * (1 if consistent else 0.5)


def _transact_item_size(entry: dict) -> int:
    (kind, op), = entry.items()
    if kind == "Put":
        return item_size(op.get("Item"))
    return item_size(op.get("Key")) + item_size(op.get("ExpressionAttributeValues"))


def units(operation: str, params: dict, response: dict) -> tuple[float, float]:
    """(read units, write units) one DynamoDB request consumed."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "PutItem":
        return 0.0, _write(item_size(params.get("Item")))
    if operation == "UpdateItem":
        return 0.0, _write(item_size(response.get("Attributes") or params.get("Key")))
    if operation == "DeleteItem":
        return 0.0, _write(item_size(response.get("Attributes") or params.get("Key")))
    if operation == "TransactWriteItems":
        return 0.0, sum(_write(_transact_item_size(e), 2) for e in params.get("TransactItems", []))
    if operation == "GetItem":
        return _read(item_size(response.get("Item")), consistent), 0.0
    if operation in ("Query", "Scan"):
        return _read(sum(item_size(i) for i in response.get("Items", [])), consistent), 0.0
    if operation == "BatchGetItem":
        asked = params.get("RequestItems", {})
        return sum(_read(item_size(i), bool(asked.get(table, {}).get("ConsistentRead")))
                   for table, items in response.get("Responses", {}).items() for i in items), 0.0
    if operation == "TransactGetItems":
        return sum(_read(item_size(r.get("Item")), True, 2) for r in response.get("Responses", [])), 0.0
    return 0.0, 0.0
