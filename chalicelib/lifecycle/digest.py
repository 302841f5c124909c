"""The after-hours digest: contacts held while the office was closed, released to staff once it has
opened — a message for a named person only to that person, everything else to the office list."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import aws, times
from chalicelib.models import Person, Ticket
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets

TITLES = {"mr", "mrs", "ms", "miss", "sr", "sra", "srta", "don", "doña", "dona", "la", "el", "señora", "señor",
          "senora", "senor", "señorita"}


def person_named(name: str | None, staff: list[Person]) -> Person | None:
    """The staff member a resident named ("Fay", "Ms. Morgan", "la señora Morgan")."""
    words = [w.strip(".").lower() for w in (name or "").split()]
    words = [w for w in words if w not in TITLES]
    if not words:
        return None
    for person in staff:
        parts = [p.lower() for p in person.name.split()]
        if words == parts or words[0] == parts[0] or words[-1] == parts[-1]:
            return person
    return None


def _line(ticket: Ticket, cal) -> str:
    when = times.parse(ticket.created_at).astimezone(cal.zone)
    who = ticket.contact_name or ticket.contact_phone or ticket.contact_email or "unknown"
    return f"- {ticket.ref} ({when:%a %H:%M}, {ticket.channel}, {who}): {ticket.summary}"


def send(property_id: str, held_key: str, now: datetime) -> dict:
    prop = properties.get_property(property_id)
    cal = properties.calendar(prop)
    staff = properties.staff(property_id)
    held = list(Ticket.held.query(held_key))
    groups: dict[str, list[Ticket]] = {}
    for ticket in held:
        person = person_named(ticket.for_person, staff) if ticket.category == "message" else None
        recipient = (person.email if person and person.email else None) or prop.office_email
        groups.setdefault(recipient, []).append(ticket)
    sent = {}
    for recipient, batch in groups.items():
        lines = "\n".join(_line(t, cal) for t in batch)
        aws.client("ses").send_email(
            Source=prop.inbox, Destination={"ToAddresses": [recipient]},
            Message={"Subject": {"Data": f"{prop.name}: {len(batch)} after-hours message(s)"},
                     "Body": {"Text": {"Data": f"Left while the office was closed:\n\n{lines}\n"}}})
        for ticket in batch:
            tickets.update(tickets.get_ticket(ticket.ticket_id), {"held_key": None}, "system", "released_in_digest",
                           now, {"to": recipient}, recompute=lambda _t: {"held_key": None})
        sent[recipient] = [t.ref for t in batch]
    return {"property_id": property_id, "held_key": held_key, "sent": sent}
