"""Alerting the people on call about an emergency, durably.

Accepting an emergency and owing it an escalation are one write: the ticket is created (or raised) with
escalation=pending. The tickets table's stream hands that record to the start_escalations Lambda
(infra/reliability.yaml), which calls `start_owed`: announce the emergency on the emergencies feed, then
start the property's escalation. If SNS or Step Functions is down the record fails and Lambda retries it
until they are back, so nothing is lost, and the resident's answer never waits on either."""
from datetime import datetime, timedelta

from chalicelib.core import aws, settings, times
from chalicelib.escalation import incident, runner
from chalicelib.models import Ticket, keys
from chalicelib.tickets import claims
from chalicelib.tickets import store as tickets

ANNOUNCE_LEASE = 30  # seconds
ANNOUNCE_KEPT = timedelta(days=30)


def page_text(ticket: Ticket) -> str:
    refer = {"emergency_services": " RESIDENT TOLD TO CALL 911.", "utility": " Area outage: utility."}.get(ticket.refer, "")
    unit = f" unit {ticket.unit}" if ticket.unit else ""
    contact = ticket.contact_phone or ticket.contact_email or "no contact given"
    return (f"EMERGENCY {ticket.ref} at {ticket.property_id}{unit}: {ticket.summary[:100]} "
            f"[{ticket.channel}, {contact}].{refer}")


def start_owed(ticket_id: str, recorded_at: datetime, received: datetime) -> dict:
    """The stream's record of a ticket that owes an escalation. Raises while a service it needs is down."""
    ticket = tickets.find_ticket(ticket_id)
    if ticket is None:
        return {"ticket_id": ticket_id, "skipped": "no such ticket"}
    if ticket.escalation not in ("pending", "flagged"):
        return {"ticket_id": ticket_id, "escalation": ticket.escalation}  # done by an earlier delivery
    # The contact's time plus however long its record waited (an outage): the on-call chain is resolved
    # then, and the proof of time-to-human counts the wait.
    now = times.parse(ticket.created_at) + max(received - recorded_at, timedelta())
    return {"ticket_id": ticket_id, "escalation": flag_emergency(ticket, now).escalation}


def flag_emergency(ticket: Ticket, now: datetime) -> Ticket:
    """Announce the emergency (once), then start the escalation (once: the execution is named after the
    ticket). Each step resumes where a failed attempt stopped. A report of a hazard already being handled
    at the property joins that incident instead (escalation/incident.py): one incident pages once."""
    if ticket.escalation == "pending":
        joined = incident.join(ticket, now)
        if joined is not None:
            return joined
        ticket = _announce(ticket, now)
    if ticket.escalation != "flagged":
        return ticket
    started = runner.start(ticket, page_text(ticket), now)
    if started is not None:
        return started
    return tickets.update(ticket, {"escalation": "no_policy"}, "system", "no_escalation_policy", now,
                          {"property_id": ticket.property_id, "note": "only the emergencies feed was alerted"},
                          recompute=lambda t: {"escalation": "no_policy"} if t.escalation == "flagged" else None)


def _announce(ticket: Ticket, now: datetime) -> Ticket:
    """On the emergencies topic (the managers' subscriptions), once per ticket."""
    topic = settings.topic_arn("emergencies")

    def publish(_reserved: str) -> dict:
        response = aws.client("sns").publish(
            TopicArn=topic, Message=page_text(ticket), Subject=f"Emergency {ticket.ref}"[:100],
            MessageAttributes={"ticket_id": {"DataType": "String", "StringValue": ticket.ticket_id},
                               "property_id": {"DataType": "String", "StringValue": ticket.property_id}})
        return {"message_id": response.get("MessageId")}
    sent, _ = claims.once(keys.announcement(ticket.ticket_id), publish, lease_seconds=ANNOUNCE_LEASE,
                          keep=ANNOUNCE_KEPT)
    return tickets.update(ticket, {"escalation": "flagged"}, "system", "emergency_flagged", now,
                          {"topic": topic, "message_id": sent["message_id"]},
                          recompute=lambda t: {"escalation": "flagged"} if t.escalation == "pending" else None)
