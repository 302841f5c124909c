"""A ticket for a connected call that has none (the caller never reached the flow's ticket step, or a
transferred or outbound contact): the CSR describes the problem, it is triaged like any other contact and
the contact is linked to it, so its events (queue wait, handle time) reach the ticket."""
from __future__ import annotations

from datetime import datetime

from chalicelib.channels.voice import contact_events
from chalicelib.channels.voice.flow import who_calls
from chalicelib.core.errors import Invalid
from chalicelib.lifecycle import intake
from chalicelib.models import Ticket
from chalicelib.rules import addresses
from chalicelib.rules.triage import triage
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def ticket_for_call(contact_id: str, property_id: str, caller: str | None, text: str, csr: str,
                    now: datetime) -> tuple[Ticket, bool]:
    """(the call's ticket, whether it was made now). A call already linked to a ticket keeps it."""
    existing = contact_events.ticket_of_contact(contact_id)
    if existing:
        return tickets.get_ticket(existing), False
    text = (text or "").strip()
    if not text:
        raise Invalid("describe the caller's problem")
    properties.get_property(property_id)
    phone = addresses.normalize_phone(caller)
    name, unit = who_calls(property_id, phone)
    ticket, _ = tickets.create_ticket(property_id=property_id, channel="voice", text=text, result=triage(text),
                                      contact=tickets.Requester(name, phone), author=csr, now=now, unit=unit,
                                      message_fields={"contact_id": contact_id}, opening=True)
    ticket = intake.opened(ticket, now)
    contact_events.link(contact_id, ticket.ticket_id, now)
    return ticket, True
