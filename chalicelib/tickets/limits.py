"""Per-client use limits in fixed windows: one conditional counter update each, expiring by DynamoDB TTL."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.models import Counter, keys


def within(kind: str, who: str, limit: int, window_seconds: int, now: datetime) -> bool:
    """Count one more use by `who`; False (and not counted) once `limit` uses fall in this window."""
    stamp = int(now.timestamp())
    counter = Counter(keys.rate(kind, who, stamp // window_seconds))
    try:
        counter.update(actions=[Counter.count.add(1), Counter.expires_at.set(stamp + 2 * window_seconds)],
                       condition=Counter.count.does_not_exist() | (Counter.count < limit))
        return True
    except UpdateError:
        return False
