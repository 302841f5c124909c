"""Service levels, each written once: how fast a ticket must be answered and resolved, the clocks that wake
when a promise is due, the 30-minute time-to-human target, and when after-hours contacts reach staff.
Pure: calendars, tickets and times come in, decisions go out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.rules import surveys
from chalicelib.rules.calendar import Calendar, add_business_time, is_open, next_open

# Ticket statuses; the first four are open (in the queue, with clocks that can still act).
STATUSES = ("new", "acknowledged", "in_progress", "waiting_on_resident", "resolved", "closed")
OPEN_STATUSES = STATUSES[:4]

# The promise to residents: an emergency reaches a human within 30 minutes, whatever the hour.
TIME_TO_HUMAN = timedelta(minutes=30)

# (first response, resolution): wall clock for emergencies and urgent work, office hours otherwise.
WALL_CLOCK = {
    "emergency": (TIME_TO_HUMAN, timedelta(hours=24)),
    "urgent": (timedelta(hours=2), timedelta(hours=48)),
}
COMPLAINT_ACK = timedelta(hours=1)  # office hours
BUSINESS = {
    "routine": (timedelta(hours=8), timedelta(hours=40)),
    "complaint": (COMPLAINT_ACK, timedelta(hours=40)),
}
# A calendar that never opens still gets due times, this much wall clock apart.
NEVER_OPEN = (timedelta(days=7), timedelta(days=14))

TIER_TWO_AFTER = timedelta(hours=24)  # unresolved this long: specialists take it
SAFETY_UNRESOLVED = timedelta(hours=24)  # an emergency still open this long: managers are told
CSAT_REVIEW_WITHIN = timedelta(hours=72)  # a low survey score (rules/surveys.py) is reviewed within this long
FOLLOW_UP_AFTER = timedelta(days=7)  # after a resolution, ask whether all is well
MAX_DIGEST_DELAY = 30  # minutes after opening by which the after-hours digest must be out
# Triage asked whether it is an emergency and nobody answered: while the office is closed, silence this
# long is taken as yes (the 30-minute promise still holds: paging starts well inside it).
SAFETY_ANSWER_WAIT = timedelta(minutes=5)


@dataclass(frozen=True)
class Clock:
    name: str
    due: datetime


def hours(span: timedelta) -> int:
    """A service level in whole hours, for what staff read ("within 72 hours")."""
    return int(span.total_seconds() // 3600)


def minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def due_times(cal: Calendar, urgency: str, category: str, created: datetime) -> tuple[datetime, datetime]:
    if urgency in WALL_CLOCK:
        respond, resolve = WALL_CLOCK[urgency]
        return created + respond, created + resolve
    respond, resolve = BUSINESS["complaint" if category == "complaint" else "routine"]
    first = add_business_time(cal, created, respond) or created + NEVER_OPEN[0]
    final = add_business_time(cal, created, resolve) or created + NEVER_OPEN[1]
    return first, final


def target_met(reached_seconds: float) -> bool:
    return reached_seconds <= TIME_TO_HUMAN.total_seconds()


def for_new_ticket(category: str, urgency: str, cal: Calendar, created: datetime) -> list[Clock]:
    clocks = [Clock("tier2", created + TIER_TWO_AFTER)]
    if category == "complaint":
        due = add_business_time(cal, created, COMPLAINT_ACK)
        if due:
            clocks.append(Clock("complaint_ack", due))
    if urgency == "emergency":
        clocks.append(Clock("safety_24h", created + SAFETY_UNRESOLVED))
    return clocks


def follow_up_clock(resolved_at: datetime) -> Clock:
    return Clock("follow_up", resolved_at + FOLLOW_UP_AFTER)


def csat_review_clock(recorded_at: datetime) -> Clock:
    return Clock("csat_review", recorded_at + CSAT_REVIEW_WITHIN)


def safety_answer_clock(cal: Calendar, asked_at: datetime) -> Clock | None:
    """Only while the office is closed: when it is open, staff see the unanswered question in the queue."""
    return None if is_open(cal, asked_at) else Clock("safety_answer", asked_at + SAFETY_ANSWER_WAIT)


def needs_review(csat: int | None, nps: int | None = None) -> bool:
    return surveys.is_low(csat, nps)


def still_due(clock: str, ticket) -> bool:
    """Whether a clock that wakes still has something to do: a ticket that moved on makes it a no-op."""
    if clock == "complaint_ack":
        return ticket.status in OPEN_STATUSES and ticket.first_response_at is None
    if clock == "tier2":
        return ticket.status in OPEN_STATUSES and int(ticket.tier) == 1
    if clock == "safety_24h":
        return ticket.status in OPEN_STATUSES
    if clock == "csat_review":
        return needs_review(ticket.csat, getattr(ticket, "nps", None)) and ticket.review_done_at is None
    if clock == "follow_up":
        return ticket.status == "resolved"
    if clock == "survey_text":  # a survey text held for texting hours
        return ticket.survey_sent_via == "sms_later" and ticket.csat is None and getattr(ticket, "nps", None) is None
    if clock == "safety_answer":
        return ticket.status in OPEN_STATUSES and ticket.urgency != "emergency" and bool(ticket.safety_question) \
            and ticket.safety_answer is None
    raise ValueError(f"unknown clock {clock!r}")


def hold_until(cal: Calendar, arrived: datetime, urgency: str, delay_minutes: int) -> datetime | None:
    """When a contact that arrives with the office closed is released to staff: `delay_minutes` after the
    next opening (at most MAX_DIGEST_DELAY). None when it is not held (the office is open, or it cannot wait)."""
    if urgency != "routine" or is_open(cal, arrived):
        return None
    opening = next_open(cal, arrived)
    if opening is None:
        return None
    return opening + timedelta(minutes=min(max(delay_minutes, 0), MAX_DIGEST_DELAY))


def release_day(cal: Calendar, release: datetime) -> date:
    """The business day a release belongs to, in the property's zone (names the day's one digest)."""
    return release.astimezone(cal.zone).date()


def held_key(property_id: str, cal: Calendar, release: datetime) -> str:
    """The key a held ticket waits under for its day's digest (the tickets table's `held` index)."""
    return f"{property_id}#{release_day(cal, release).isoformat()}"
