"""A prospect's first answer, on the channel they used and in their language: what the property has available
(rules/listing.py, from its `listing`) and a link to book a tour themselves. The chat says it in the thread,
the email acknowledgement carries it, a text answers with it, and a caller who chose the leasing option is
texted it (queued: the call's Lambda must answer Connect quickly)."""
from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from chalicelib.lifecycle import delivery, tours
from chalicelib.models import Property, Ticket
from chalicelib.rules import listing, replies, texting
from chalicelib.tickets import portfolio

logger = Logger(service="tenantline")


def is_lead(ticket: Ticket, prop: Property) -> bool:
    """A prospect at a property that takes tour bookings: answered at once, with a way to book."""
    return ticket.role == "prospect" and bool(prop.tours)


def available(prop: Property, text: str, language: str, now: datetime) -> str:
    """What is available, the plan asked about first ("" when the property lists nothing)."""
    try:
        plans = listing.plans_from(prop.listing)
    except (TypeError, ValueError) as exc:  # configured by hand: the answer goes without it, and it is logged
        logger.warning("listing not valid", extra={"property_id": prop.property_id, "error": str(exc)[:200]})
        return ""
    today = now.astimezone(portfolio.calendar(prop).zone).date()
    return listing.summary(plans, listing.bedrooms_asked(text), language, today) or ""


def booking_link(prop: Property, language: str) -> str:
    return tours.booking_page(prop.property_id) + ("?lang=es" if language == "es" else "")


def answer(kind: str, prop: Property, ticket: Ticket, text: str, language: str, now: datetime) -> str:
    """The prospect's answer as `kind` words it: prospect_tour (chat), prospect_tour_email (the email
    acknowledgement's paragraph), prospect_tour_sms (a text), call_prospect (what a caller hears)."""
    found = available(prop, text, language, now)
    said = replies.say(kind, language, property=prop.name, ref=ticket.ref, link=booking_link(prop, language),
                       listing=f"{found} " if found and kind != "prospect_tour_sms" else found).strip()
    return texting.gsm7(said) if kind == "prospect_tour_sms" else said  # the link first: cutting keeps it


def text_caller(prop: Property, ticket: Ticket, now: datetime) -> bool:
    """A caller who chose the leasing option is texted the answer, queued (sent within seconds by the timer's
    Lambda). They called us about renting, so this answers their own request; a STOP still holds it back."""
    if not ticket.contact_phone:
        return False
    body = answer("prospect_tour_sms", prop, ticket, ticket.summary or "", ticket.language, now)
    return delivery.text(ticket, "tenantline", body, now, automated=True, queue=True).delivery == "queued"
