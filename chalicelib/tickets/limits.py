"""Per-client use limits in fixed windows: one conditional counter update each, expiring by DynamoDB TTL."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.models import Counter, keys


def use(kind: str, who: str, limit: int, window_seconds: int, now: datetime) -> tuple[Counter, list, Condition]:
    """The counter update that counts one more use by `who`: (item, actions, condition). Its condition fails once
    `limit` uses fall in this window; a caller may write it in its own transaction (TransactWrite.update)."""
    stamp = int(now.timestamp())
    return (Counter(keys.rate(kind, who, stamp // window_seconds)),
            [Counter.count.add(1), Counter.expires_at.set(stamp + 2 * window_seconds)],
            Counter.count.does_not_exist() | (Counter.count < limit))


def within(kind: str, who: str, limit: int, window_seconds: int, now: datetime) -> bool:
    """Count one more use by `who`; False (and not counted) once `limit` uses fall in this window."""
    counter, actions, condition = use(kind, who, limit, window_seconds, now)
    try:
        counter.update(actions=actions, condition=condition)
        return True
    except UpdateError:
        return False
