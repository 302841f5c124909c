"""Patching an emergency caller live to whoever is on call, as answering services do: the people of the
property's emergency policy, tier by tier, one at a time. Each is told by SMS just before their phone
rings, because Connect cannot whisper to an outside number. A patch is not an acknowledgement (voicemail
answers transfers too): the escalation keeps paging until someone presses "I'm on it"."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import times
from chalicelib.escalation import runner
from chalicelib.models import Ticket
from chalicelib.rules import oncall
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets
from chalicelib.tickets import texts

RESULTS = ("connected", "no_answer", "failed")


def people_to_try(ticket: Ticket, now: datetime) -> list[oncall.Responder]:
    """Everyone the emergency policy's tiers name at `now`, in tier order, who has a phone."""
    chosen = runner.policy(ticket.property_id)
    if chosen is None:
        return []
    prop = properties.get_property(ticket.property_id)
    people, rotations, found = runner.responders(prop.property_id), runner.rotations(prop.property_id), {}
    for tier in chosen.tiers:
        for person in oncall.resolve(tier, people, rotations, prop.timezone, now):
            if person.phone:
                found.setdefault(person.person_id, person)
    return list(found.values())


def next_attempt(ticket: Ticket, tried: list[str], now: datetime) -> oncall.Responder | None:
    """The next person to call (told by SMS first), or None when everyone has been tried."""
    person = next((p for p in people_to_try(ticket, now) if p.person_id not in tried), None)
    if person is None:
        return None
    prop = properties.get_property(ticket.property_id)
    where = f"{prop.name} {ticket.unit}" if ticket.unit else prop.name
    texts.send(person.phone, f"Incoming patch: {ticket.summary[:120]}, {where}. Ticket {ticket.ref}. "
                             f"Caller {ticket.contact_phone or 'unknown'}.",
               origination=texts.number_of(ticket.property_id), ticket_id=ticket.ticket_id, kind="page")
    tickets.record(ticket, "connect", "patch_attempt", now,
                   {"person_id": person.person_id, "name": person.name, "result": "calling"})
    return person


def record_result(ticket: Ticket, person_id: str, result: str, now: datetime) -> None:
    person = runner.responders(ticket.property_id).get(person_id)
    tickets.record(ticket, "connect", "patch_result", now,
                   {"person_id": person_id, "name": person.name if person else person_id,
                    "result": result if result in RESULTS else "failed"})


def attempts(ticket_id: str, trail: list | None = None) -> list[dict]:
    """Every patch attempt with its result: who, when the phone rang, and what happened (from `trail`, the
    ticket's audit trail when the caller has it already)."""
    found: list[dict] = []
    for entry in tickets.audit_trail(ticket_id) if trail is None else trail:
        detail = entry.detail or {}
        if entry.action == "patch_attempt":
            found.append({"person_id": detail.get("person_id"), "name": detail.get("name"), "at": entry.at,
                          "result": "calling"})
        elif entry.action == "patch_result":
            match = next((a for a in reversed(found) if a["person_id"] == detail.get("person_id")
                          and a["result"] == "calling"), None)
            if match:
                match["result"] = detail.get("result")
    return found


def connected_at(ticket_id: str, person_id: str | None) -> datetime | None:
    """When this person's phone rang on a patch that connected: time-to-human counts to then."""
    found = [a for a in attempts(ticket_id) if a["person_id"] == person_id and a["result"] == "connected"]
    return times.parse(found[-1]["at"]) if found else None
