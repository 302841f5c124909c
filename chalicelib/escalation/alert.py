"""Flagging emergencies to the people on call. Every channel calls this when triage says emergency;
the emergencies topic fans out to the on-call staff's SMS and email subscriptions."""
from datetime import datetime

from chalicelib.core import aws, settings
from chalicelib.escalation import runner
from chalicelib.models import Ticket
from chalicelib.tickets import store as tickets


def page_text(ticket: Ticket) -> str:
    refer = {"emergency_services": " RESIDENT TOLD TO CALL 911.", "utility": " Area outage: utility."}.get(ticket.refer, "")
    unit = f" unit {ticket.unit}" if ticket.unit else ""
    contact = ticket.contact_phone or ticket.contact_email or "no contact given"
    return (f"EMERGENCY {ticket.ref} at {ticket.property_id}{unit}: {ticket.summary[:100]} "
            f"[{ticket.channel}, {contact}].{refer}")


def flag_emergency(ticket: Ticket, now: datetime) -> Ticket:
    """Once per ticket: announce it on the emergencies feed and start the property's escalation.
    The announcement goes out before the ticket is marked, so a crash in between repeats it rather
    than losing it."""
    if ticket.escalation != "pending":
        return ticket
    topic = settings.topic_arn("emergencies")
    text = page_text(ticket)
    response = aws.client("sns").publish(
        TopicArn=topic, Message=text, Subject=f"Emergency {ticket.ref}"[:100],
        MessageAttributes={"ticket_id": {"DataType": "String", "StringValue": ticket.ticket_id},
                           "property_id": {"DataType": "String", "StringValue": ticket.property_id}})
    ticket = tickets.update(ticket, {"escalation": "flagged"}, "system", "emergency_flagged", now,
                            {"topic": topic, "message_id": response.get("MessageId")},
                            recompute=lambda t: {"escalation": "flagged"} if t.escalation == "pending" else None)
    started = runner.start(ticket, text, now)
    if started is None:
        tickets.record(ticket, "system", "no_escalation_policy", now,
                       {"property_id": ticket.property_id, "note": "only the emergencies feed was alerted"})
        return ticket
    return started
