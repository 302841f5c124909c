"""Acknowledging an escalation: the first acknowledgement wins (a conditional write), stops the
execution and records who was reached and how fast; later ones are told who already has it."""
from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError

from chalicelib.core import settings, signing, times
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.escalation import runner
from chalicelib.models import Guard, Ticket, keys
from chalicelib.rules import service_levels
from chalicelib.tickets import store as tickets

LINK_PREVIEWERS = ("facebookexternalhit", "slackbot", "twitterbot", "whatsapp", "telegrambot", "discordbot",
                   "skypeuripreview", "linkpreview", "bingpreview", "googlebot")


def is_preview(user_agent: str | None) -> bool:
    """Messaging apps fetch links to draw previews; that must not count as a human acknowledging."""
    agent = (user_agent or "").lower()
    return any(bot in agent for bot in LINK_PREVIEWERS)


def reach_seconds(ticket: Ticket, now: datetime) -> float:
    """Seconds from the contact to this acknowledgement: until paging began, then as long as the escalation
    has run by Step Functions' own clock (its start date). Waits run faster on the twin (settings.time_scale),
    so the run time is scaled back to policy time there; in AWS the scale is 1."""
    arrived = times.parse(ticket.created_at)
    ran = runner.seconds_running(ticket)
    if ran is None:
        return (now - arrived).total_seconds()
    return (times.parse(ticket.escalation_started_at) - arrived).total_seconds() + ran / settings.time_scale()


def by_link(token: str, now: datetime) -> dict:
    ticket_id, person_id = signing.short_verify(token, runner._link_secret())
    used = Guard(keys.ack_link_used(hashlib.sha256(token.encode()).hexdigest()), target=ticket_id,
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
        reached = reach_seconds(ticket, now)
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
    return {"acknowledged": True, "ref": ticket.ref, "by": who, "reached_seconds": ticket.reached_seconds,
            "target_met": ticket.target_met, "reached": str(timedelta(seconds=round(reached)))}


def _already(ticket: Ticket) -> dict:
    return {"acknowledged": False, "ref": ticket.ref, "already_acknowledged_by": ticket.acknowledged_by,
            "at": ticket.acknowledged_at}
