"""The safety question triage asks when unsure whether a message is an emergency: putting it on the
ticket, reading the resident's answer, and what silence means at night. A yes (or silence while the
office is closed) makes the ticket an emergency, and the tickets stream starts paging as for any other."""
from __future__ import annotations

from datetime import datetime

from chalicelib.lifecycle import timers
from chalicelib.models import Ticket
from chalicelib.rules import asking, service_levels
from chalicelib.rules.triage import Triage
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def ask(ticket: Ticket, result: Triage, now: datetime) -> Ticket:
    """Record the question the resident is being asked; while the office is closed, start the clock that
    treats no answer as yes."""
    if not result.ask or ticket.urgency == "emergency" or ticket.safety_question:
        return ticket
    ticket = tickets.update(ticket, {"safety_question": result.ask}, "triage", "safety_question_asked", now,
                            {"question": result.ask, "confidence": round(result.confidence, 3)},
                            recompute=lambda t: None if t.safety_question else {"safety_question": result.ask})
    clock = service_levels.safety_answer_clock(properties.calendar(properties.get_property(ticket.property_id)), now)
    return timers.start_clocks(ticket, [clock], now) if clock else ticket


def awaiting(ticket: Ticket) -> bool:
    return bool(ticket.safety_question) and ticket.safety_answer is None and ticket.urgency != "emergency"


def settle(ticket: Ticket, text: str, now: datetime) -> tuple[Ticket, bool | None]:
    """The resident's reply, read as the answer when the ticket is waiting for one: (ticket, True/False),
    or (ticket, None) when it is not an answer and is handled as an ordinary message."""
    said = asking.answer(text) if awaiting(ticket) else None
    if said is None:
        return ticket, None
    if said:
        return emergency(ticket, "yes", now), True
    return tickets.update(ticket, {"safety_answer": "no"}, "resident", "safety_answered", now, {"answer": "no"},
                          recompute=lambda t: {"safety_answer": "no"} if awaiting(t) else None), False


def emergency(ticket: Ticket, answer: str, now: datetime) -> Ticket:
    """The answer (or silence) says it is an emergency: raise the ticket; the stream starts the paging."""
    def changes(current: Ticket) -> dict | None:
        if current.urgency == "emergency":
            return None
        refer = asking.refer_on_yes(current.safety_question or "")
        return {"urgency": "emergency", "escalation": "pending", "safety_answer": answer,
                "refer": refer if refer != "none" else current.refer,
                "category": current.category if current.category in ("maintenance", "general") else "maintenance"}
    first = changes(ticket)
    if first is None:
        return ticket
    return tickets.update(ticket, first, "resident" if answer == "yes" else "sla", "urgency_raised", now,
                          {"from": ticket.urgency, "to": "emergency", "safety_answer": answer}, recompute=changes)


def unanswered(ticket: Ticket, now: datetime) -> str:
    """The safety_answer clock woke at night with the question still open."""
    emergency(ticket, "silence", now)
    return "no answer to the safety question at night: treated as an emergency"
