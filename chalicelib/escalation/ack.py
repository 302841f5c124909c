"""Acknowledging an escalation: the first acknowledgement wins (a conditional write), stops the
execution and records who was reached and how fast; later ones are told who already has it."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError

from chalicelib.core import metrics, secrets, settings, signing, times
from chalicelib.core.errors import Conflict, Forbidden, Invalid
from chalicelib.escalation import patch, runner
from chalicelib.models import Guard, Ticket, keys
from chalicelib.rules import service_levels
from chalicelib.tickets import store as tickets

PATCH_ACK_WINDOW = timedelta(minutes=15)  # an acknowledgement this soon after a connected patch dates from it


def reach_seconds(ticket: Ticket, now: datetime) -> float:
    """Seconds from the contact to this acknowledgement: until paging began, then as long as the escalation
    has run by Step Functions' own clock (its start date). Waits run faster on the twin (settings.time_scale),
    so the run time is scaled back to policy time there; in AWS the scale is 1."""
    arrived = times.parse(ticket.created_at)
    ran = runner.seconds_running(ticket)
    if ran is None:
        return (now - arrived).total_seconds()
    return (times.parse(ticket.escalation_started_at) - arrived).total_seconds() + ran / settings.time_scale()


def _patched_seconds(ticket: Ticket, person_id: str | None, now: datetime) -> float | None:
    """A caller patched through to this person, who acknowledges within minutes: the human was reached when
    their phone rang, not when they pressed the button."""
    rang = patch.connected_at(ticket.ticket_id, person_id) if person_id else None
    if rang is None or now - rang > PATCH_ACK_WINDOW:
        return None
    return max(0.0, (rang - times.parse(ticket.created_at)).total_seconds())


def paged_people(ticket_id: str) -> dict[str, str]:
    """person id -> name of everyone the escalation has paged so far (the state machine's audit entries)."""
    return {a.detail["person_id"]: a.detail.get("name") or a.detail["person_id"]
            for a in tickets.audit_trail(ticket_id) if a.action == "paged" and (a.detail or {}).get("person_id")}


def _holder(token: str) -> tuple[str, str]:
    """The ticket and person a link was made for; only someone already paged for that ticket may use it."""
    ticket_id, person_id = signing.short_verify(token, secrets.link_secret())
    if person_id not in paged_people(ticket_id):
        raise Forbidden("this link's holder has not been paged for this emergency")
    return ticket_id, person_id


def link_view(token: str) -> dict:
    """What the paged person sees on opening the link. Opening it acknowledges nothing: mail scanners and
    link previews open links too."""
    ticket_id, person_id = _holder(token)
    ticket = tickets.get_ticket(ticket_id)
    paged = paged_people(ticket_id)
    return {"ref": ticket.ref, "summary": ticket.summary, "unit": ticket.unit, "property_id": ticket.property_id,
            "you": paged[person_id], "also_paged": sorted(n for p, n in paged.items() if p != person_id),
            "acknowledged_by": ticket.acknowledged_by}


def by_link(token: str, now: datetime) -> dict:
    """The paged person pressed "I'm on it". Each person's link works once for its ticket, however the token
    is re-encoded: the claim is on what it names, not on its text."""
    ticket_id, person_id = _holder(token)
    used = Guard(keys.ack_link_used(f"{ticket_id}#{person_id}"), target=ticket_id,
                 expires_at=int(time.time()) + settings.ACK_LINK_HOURS * 3600 * 2)
    try:
        used.save(condition=Guard.pk.does_not_exist())
    except PutError:
        ticket = tickets.get_ticket(ticket_id)
        raise Conflict(f"this link was already used; {ticket.ref} was acknowledged by {ticket.acknowledged_by}") \
            from None
    person = runner.responders(tickets.get_ticket(ticket_id).property_id).get(person_id)
    return acknowledge(ticket_id, person.name if person else person_id, "link", now, person_id)


def acknowledge(ticket_id: str, who: str, via: str, now: datetime, person_id: str | None = None) -> dict:
    for _attempt in range(3):  # another write to the ticket may race ours: re-read and try again
        ticket = tickets.get_ticket(ticket_id)
        if ticket.acknowledged_at:
            return _already(ticket)
        if not ticket.escalation_arn and ticket.urgency != "emergency":
            raise Invalid(f"{ticket.ref} has no escalation to acknowledge")
        reached = _patched_seconds(ticket, person_id, now)
        reached = reach_seconds(ticket, now) if reached is None else reached
        met = service_levels.target_met(reached)
        changes = {"acknowledged_at": times.iso(now), "acknowledged_by": who, "escalation": "acknowledged",
                   "reached_seconds": round(reached, 1), "target_met": met}
        try:
            ticket = tickets.update(ticket, changes, who, "acknowledged", now,
                                    {"via": via, "person_id": person_id, "reached_seconds": round(reached, 1),
                                     "target_met": met})
            break
        except (Conflict, TransactWriteError):
            continue
    else:
        raise Conflict("the ticket kept changing; try the link again")
    runner.stop(ticket, f"acknowledged by {who}")
    metrics.put("TimeToHumanSeconds", float(ticket.reached_seconds), "Seconds", ticket.property_id)
    return {"acknowledged": True, "ref": ticket.ref, "by": who, "reached_seconds": ticket.reached_seconds,
            "target_met": ticket.target_met, "reached": str(timedelta(seconds=round(reached)))}


def _already(ticket: Ticket) -> dict:
    return {"acknowledged": False, "ref": ticket.ref, "already_acknowledged_by": ticket.acknowledged_by,
            "at": ticket.acknowledged_at}
