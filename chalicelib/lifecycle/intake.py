"""What every channel does once a new ticket exists: flag an emergency, set its SLA clocks, and hold
it for the after-hours digest when the office is closed."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core.errors import Invalid
from chalicelib.escalation import alert as alerts
from chalicelib.lifecycle import notify, timers
from chalicelib.models import Ticket
from chalicelib.rules import clocks
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def opened(ticket: Ticket, now: datetime) -> Ticket:
    if ticket.urgency == "emergency":
        ticket = alerts.flag_emergency(ticket, now)
    cal = properties.calendar(properties.get_property(ticket.property_id))
    ticket = timers.start_clocks(ticket, clocks.for_new_ticket(ticket.category, ticket.urgency, cal, now), now)
    return timers.hold_after_hours(ticket, now)


def status_changed(ticket: Ticket, now: datetime) -> Ticket:
    """A proposed resolution gets a follow-up a week later (each resolution its own clock)."""
    if ticket.status == "resolved":
        return timers.start_clocks(ticket, [clocks.follow_up(now)], now, suffix=f"-v{ticket.version}")
    return ticket


def record_csat(ticket_id: str, score: int, by: str, now: datetime) -> Ticket:
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise Invalid("score must be a whole number from 0 to 10")
    ticket = tickets.get_ticket(ticket_id)
    ticket = tickets.update(ticket, {"csat": score, "csat_at": now}, by, "csat", now, {"score": score})
    if score < clocks.CSAT_THRESHOLD:
        notify.managers(ticket.property_id, f"Low satisfaction on {ticket.ref}",
                        f"A resident rated {ticket.ref} {score}/10. Please review within 72 hours.", sms=False)
        ticket = timers.start_clocks(ticket, [clocks.csat_review(now)], now, suffix=f"-v{ticket.version}")
    return ticket


def review_done(ticket_id: str, by: str, now: datetime, note: str | None) -> Ticket:
    ticket = tickets.get_ticket(ticket_id)
    return tickets.update(ticket, {"review_done_at": now}, by, "manager_review", now, {"note": note} if note else {})
