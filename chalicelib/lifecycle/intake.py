"""What every channel does once a new ticket exists: flag an emergency, set its SLA clocks, and hold
it for the after-hours digest when the office is closed."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import times
from chalicelib.lifecycle import survey, timers
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
    """A proposed resolution gets a follow-up a week later (each resolution its own clock), and the first
    resolution asks the resident the satisfaction survey (lifecycle/survey.py); a closed ticket's messages
    start their retention period."""
    retention.status_changed(ticket, now)
    if ticket.status == "resolved":
        ticket = timers.start_clocks(ticket, [service_levels.follow_up_clock(now)], now, suffix=f"-v{ticket.version}")
        return survey.ask(ticket, now)
    return ticket


def review_done(ticket_id: str, by: str, now: datetime, note: str | None) -> Ticket:
    ticket = tickets.get_ticket(ticket_id)
    done = {"review_done_at": times.iso(now)}
    return tickets.update(ticket, done, by, "manager_review", now, {"note": note} if note else {},
                          recompute=lambda _t: done)
