"""Emergency reports grouped into incidents (rules/incidents.py): the first report of a hazard at a property
leads and pages as any emergency does; reports of the same hazard there within the window join it instead of
paging again. The lead's claim is one conditional write, so a storm of reports elects exactly one lead; each
member is an item in the incident's partition, so listing them needs no index and adding one contends
with nothing."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.models import Guard, Ticket, keys
from chalicelib.rules import incidents
from chalicelib.tickets import store as tickets

OVER = ("resolved", "closed")


def join(ticket: Ticket, now: datetime) -> Ticket | None:
    """The ticket as a member of an open incident, or None when it leads one (or names no hazard)."""
    kind = incidents.hazard(list(ticket.reasons or []))
    if kind is None:
        return None
    key, stamp = keys.incident(ticket.property_id, kind), int(now.timestamp())
    lead_id = _lead(key, ticket.ticket_id, stamp)
    if lead_id == ticket.ticket_id:
        return None
    lead = tickets.find_ticket(lead_id)
    if lead is None or lead.status in OVER:  # that incident is over: this report starts the next one
        return None if _lead(key, ticket.ticket_id, stamp, replacing=lead_id) == ticket.ticket_id else join(ticket, now)
    Guard(keys.incident_members(lead.ticket_id), ticket.ticket_id, target=ticket.ticket_id).save()
    tickets.record(lead, "system", "incident_report", now, {"ticket_id": ticket.ticket_id, "ref": ticket.ref,
                                                            "unit": ticket.unit, "channel": ticket.channel})
    grouped = {"escalation": "grouped", "incident_id": lead.ticket_id}
    return tickets.update(ticket, grouped, "system", "joined_incident", now,
                          {"lead": lead.ref, "lead_id": lead.ticket_id, "hazard": kind},
                          recompute=lambda t: grouped if t.escalation == "pending" else None)


def _lead(key: str, ticket_id: str, stamp: int, replacing: str | None = None) -> str:
    """Claim the incident for this ticket unless a report within the window holds it; the holder's id."""
    window = int(incidents.WINDOW.total_seconds())
    # Free once the window has passed; and, for a report timed well before the incident began (mail that
    # arrived late, a demo clock), free too: a report joins only an incident within the window of it.
    free = Guard.pk.does_not_exist() | (Guard.expires_at <= stamp) | (Guard.claimed_at >= stamp + window) | \
        (Guard.target == ticket_id)
    if replacing:
        free = free | (Guard.target == replacing)
    try:
        Guard(key).update(actions=[Guard.target.set(ticket_id), Guard.claimed_at.set(stamp),
                                   Guard.expires_at.set(stamp + window)], condition=free)
        return ticket_id
    except UpdateError:
        try:
            return Guard.get(key, keys.GUARD, consistent_read=True).target
        except DoesNotExist:  # expired and deleted between the two calls: try once more
            return _lead(key, ticket_id, stamp)


def members(lead_id: str) -> list[str]:
    return [g.target for g in Guard.query(keys.incident_members(lead_id))]


def view(ticket: Ticket) -> dict | None:
    """For the console: a member names its lead and whether someone has it; a lead lists its members."""
    if ticket.incident_id:
        lead = tickets.find_ticket(ticket.incident_id)
        return {"lead_id": ticket.incident_id, "lead_ref": lead.ref if lead else None,
                "acknowledged_by": lead.acknowledged_by if lead else None,
                "acknowledged_at": lead.acknowledged_at if lead else None}
    found = members(ticket.ticket_id) if ticket.urgency == "emergency" else []
    return {"lead_id": ticket.ticket_id, "members": found} if found else None
