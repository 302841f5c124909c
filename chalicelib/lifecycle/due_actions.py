"""What an SLA clock does when it wakes, if the ticket still needs it."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import metrics
from chalicelib.lifecycle import delivery, notify, safety_question, survey
from chalicelib.rules import replies, service_levels, surveys
from chalicelib.rules.service_levels import COMPLAINT_ACK, CSAT_REVIEW_WITHIN, SAFETY_UNRESOLVED, TIER_TWO_AFTER, hours
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def fire(clock: str, ticket_id: str, now: datetime) -> dict:
    ticket = tickets.get_ticket(ticket_id)
    if not service_levels.still_due(clock, ticket):
        return {"clock": clock, "ticket": ticket.ref, "acted": False}
    action = ACTIONS[clock](ticket, now)
    tickets.record(tickets.get_ticket(ticket_id), "sla", "sla_clock_fired", now, {"clock": clock, "action": action})
    return {"clock": clock, "ticket": ticket.ref, "acted": True, "action": action}


def _complaint(ticket, now):
    told = notify.managers(ticket.property_id, f"Complaint {ticket.ref} unanswered",
                           f"Complaint {ticket.ref} has had no reply within {hours(COMPLAINT_ACK)} business "
                           f"hour(s): {ticket.summary}")
    return f"managers told ({len(told)})"


def _tier2(ticket, now):
    tickets.set_tier(ticket.ticket_id, 2, "sla", now)
    return f"moved to tier 2 after {hours(TIER_TWO_AFTER)} hours unresolved"


def _safety(ticket, now):
    metrics.put("SafetyTicketsOver24h", 1, "Count", ticket.property_id)  # the template alarms on any
    told = notify.managers(ticket.property_id, f"Emergency {ticket.ref} unresolved after {hours(SAFETY_UNRESOLVED)} h",
                           f"Emergency ticket {ticket.ref} is still {ticket.status} {hours(SAFETY_UNRESOLVED)} hours on: "
                           f"{ticket.summary}")
    return f"managers paged ({len(told)})"


def _csat(ticket, now):
    told = notify.managers(ticket.property_id, f"Review overdue for {ticket.ref}",
                           f"Resident rated {ticket.ref} {surveys.label(ticket.csat, ticket.nps)} and no manager review is recorded "
                           f"after {hours(CSAT_REVIEW_WITHIN)} hours.")
    return f"managers reminded ({len(told)})"


def _send_follow_up(ticket, now):
    prop = properties.get_property(ticket.property_id)
    text = replies.say("follow_up", ticket.language, property=prop.name, ref=ticket.ref)
    if ticket.channel in ("chat", "email"):
        delivery.reply(ticket, "tenantline", text, now, automated=True)
        return f"follow-up sent by {ticket.channel}"
    return "follow-up due: call the resident"


ACTIONS = {"complaint_ack": _complaint, "tier2": _tier2, "safety_24h": _safety, "csat_review": _csat,
           "follow_up": _send_follow_up, "safety_answer": safety_question.unanswered,
           "survey_text": survey.text_held_survey}
