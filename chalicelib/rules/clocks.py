"""Service-level clocks and after-hours holding: what should wake when, and whether it still has
anything to do when it wakes. Pure: tickets and calendars come in, decisions go out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.rules.calendar import Calendar, add_business_time, is_open, next_open

COMPLAINT_ACK = timedelta(hours=1)  # business time
TIER_TWO_AFTER = timedelta(hours=24)
SAFETY_UNRESOLVED = timedelta(hours=24)
CSAT_REVIEW_WITHIN = timedelta(hours=72)
CSAT_THRESHOLD = 6
FOLLOW_UP_AFTER = timedelta(days=7)
OPEN = ("new", "acknowledged", "in_progress", "waiting_on_resident")
MAX_DIGEST_DELAY = 30


@dataclass(frozen=True)
class Clock:
    name: str
    due: datetime


def for_new_ticket(category: str, urgency: str, cal: Calendar, created: datetime) -> list[Clock]:
    clocks = [Clock("tier2", created + TIER_TWO_AFTER)]
    if category == "complaint":
        due = add_business_time(cal, created, COMPLAINT_ACK)
        if due:
            clocks.append(Clock("complaint_ack", due))
    if urgency == "emergency":
        clocks.append(Clock("safety_24h", created + SAFETY_UNRESOLVED))
    return clocks


def follow_up(resolved_at: datetime) -> Clock:
    return Clock("follow_up", resolved_at + FOLLOW_UP_AFTER)


def csat_review(recorded_at: datetime) -> Clock:
    return Clock("csat_review", recorded_at + CSAT_REVIEW_WITHIN)


def still_due(clock: str, ticket) -> bool:
    """Whether a clock that wakes still has something to do: a ticket that moved on makes it a no-op."""
    if clock == "complaint_ack":
        return ticket.status in OPEN and ticket.first_response_at is None
    if clock == "tier2":
        return ticket.status in OPEN and int(ticket.tier) == 1
    if clock == "safety_24h":
        return ticket.status in OPEN
    if clock == "csat_review":
        return ticket.csat is not None and ticket.csat < CSAT_THRESHOLD and ticket.review_done_at is None
    if clock == "follow_up":
        return ticket.status == "resolved"
    raise ValueError(f"unknown clock {clock!r}")


def hold_until(cal: Calendar, arrived: datetime, urgency: str, delay_minutes: int) -> datetime | None:
    """When a contact that arrives with the office closed is released to staff: `delay_minutes` after the
    next opening (at most 30). None when it is not held (the office is open, or it cannot wait)."""
    if urgency != "routine" or is_open(cal, arrived):
        return None
    opening = next_open(cal, arrived)
    if opening is None:
        return None
    return opening + timedelta(minutes=min(max(delay_minutes, 0), MAX_DIGEST_DELAY))


def release_day(cal: Calendar, release: datetime) -> date:
    """The business day a release belongs to, in the property's zone (names the day's one digest)."""
    return release.astimezone(cal.zone).date()
