"""What every channel does once a new ticket exists: flag an emergency, set its SLA clocks, and hold
it for the after-hours digest when the office is closed."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import times
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.lifecycle import notify, timers
from chalicelib.models import Ticket
from chalicelib.rules import service_levels
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import retention
from chalicelib.tickets import store as tickets


def opened(ticket: Ticket, now: datetime) -> Ticket:
    """An emergency was created owing its escalation (escalation=pending): the tickets table's stream starts
    it (escalation/alert.py), so nothing here waits on paging."""
    cal = properties.calendar(properties.get_property(ticket.property_id))
    ticket = timers.start_clocks(ticket, service_levels.for_new_ticket(ticket.category, ticket.urgency, cal, now), now)
    return timers.hold_after_hours(ticket, now)


def status_changed(ticket: Ticket, now: datetime) -> Ticket:
    """A proposed resolution gets a follow-up a week later (each resolution its own clock); a closed
    ticket's messages start their retention period."""
    retention.status_changed(ticket, now)
    if ticket.status == "resolved":
        return timers.start_clocks(ticket, [service_levels.follow_up_clock(now)], now, suffix=f"-v{ticket.version}")
    return ticket


def record_csat(ticket_id: str, score: int, by: str, now: datetime) -> Ticket:
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise Invalid("score must be a whole number from 0 to 10")
    ticket = tickets.get_ticket(ticket_id)
    if ticket.csat is not None:
        raise Conflict(f"{ticket.ref} was already rated {int(ticket.csat)}/10: a ticket takes one rating")
    rating = {"csat": score, "csat_at": times.iso(now)}
    # A clock firing on the ticket at that moment must not refuse the resident's rating: re-apply it (but
    # a second rating racing the first does not overwrite it).
    ticket = tickets.update(ticket, rating, by, "csat", now, {"score": score},
                            recompute=lambda t: None if t.csat is not None else rating)
    if service_levels.needs_review(score):
        notify.managers(ticket.property_id, f"Low satisfaction on {ticket.ref}",
                        f"A resident rated {ticket.ref} {score}/10. Please review within "
                        f"{service_levels.hours(service_levels.CSAT_REVIEW_WITHIN)} hours.", sms=False)
        ticket = timers.start_clocks(ticket, [service_levels.csat_review_clock(now)], now, suffix=f"-v{ticket.version}")
    return ticket


def review_done(ticket_id: str, by: str, now: datetime, note: str | None) -> Ticket:
    ticket = tickets.get_ticket(ticket_id)
    done = {"review_done_at": times.iso(now)}
    return tickets.update(ticket, done, by, "manager_review", now, {"note": note} if note else {},
                          recompute=lambda _t: done)
