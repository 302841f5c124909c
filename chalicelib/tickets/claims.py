"""Once-only work for at-least-once deliveries: a chat client retrying a message, SNS delivering an SES
notification again, Connect invoking the flow Lambda again for the same contact.

The first delivery claims the key (a conditional write) and reserves an id with it; the work runs with that
id and its result is stored on the claim. A later delivery gets the stored result back. While a claim is
being worked on (its lease), another delivery is told to retry later (Conflict). If the work fails, or its
Lambda dies mid-way, the lease is released or runs out and the next delivery takes the claim over *with the
same reserved id*, so work that got half-way (a ticket created under that id) is resumed, not repeated.

Why not powertools' idempotency utility: it deletes the record when the work raises, so a retry after a
crash half-way would start from scratch and create a second ticket; it also needs its own table layout and
adds ~0.3 s to a cold start on the phone path. This is one conditional UpdateItem on the ticket-events table."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.core import ids
from chalicelib.core.errors import Conflict
from chalicelib.models import Guard, keys


def once(key: str, work: Callable[[str], dict], *, lease_seconds: int, keep: timedelta,
         item: str = keys.GUARD) -> tuple[dict, bool]:
    """(the result, whether it was replayed from an earlier delivery). `item`: the sort key, when one
    partition holds a conversation's or a call's claims."""
    claim = _claim(key, item, lease_seconds, keep)
    if claim.state == "done":
        return claim.data["result"], True
    try:
        result = work(claim.target)
    except Exception:
        _release(claim)
        raise
    claim.update(actions=[Guard.state.set("done"), Guard.data.set({"result": result})])
    return result, False


def _claim(key: str, item: str, lease_seconds: int, keep: timedelta) -> Guard:
    now = int(time.time())
    claim = Guard(key, item)
    try:
        claim.update(actions=[Guard.state.set("pending"), Guard.claimed_at.set(now),
                              Guard.target.set(Guard.target | ids.new_id()), Guard.data.set(Guard.data | {}),
                              Guard.expires_at.set(now + int(keep.total_seconds()))],
                     condition=Guard.pk.does_not_exist() |
                     ((Guard.state == "pending") & (Guard.claimed_at < now - lease_seconds)))
        return claim
    except UpdateError:
        existing = Guard.get(key, item, consistent_read=True)
        if existing.state == "done":
            return existing
        raise Conflict("this is already being processed; retry in a moment") from None


def _release(claim: Guard) -> None:
    """Let the next delivery take over at once (it keeps the reserved id), unless another already has."""
    try:
        claim.update(actions=[Guard.claimed_at.set(0)],
                     condition=(Guard.state == "pending") & (Guard.claimed_at == claim.claimed_at))
    except UpdateError:
        pass
