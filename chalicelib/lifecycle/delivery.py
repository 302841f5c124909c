"""Staff replies, delivered back through the ticket's own channel."""
from __future__ import annotations

from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.core import ids
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.escalation import incident
from chalicelib.lifecycle import email_out as outbound
from chalicelib.lifecycle import timers
from chalicelib.models import Message, Ticket, keys
from chalicelib.rules import texting
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets
from chalicelib.tickets import texts

MAX_REPLY_BYTES = 16_384


def reply(ticket: Ticket, author: str, body: str, now: datetime, automated: bool = False) -> Message:
    body = (body or "").strip()
    if not body:
        raise Invalid("body must not be empty")
    if len(body.encode()) > MAX_REPLY_BYTES:
        raise Invalid(f"a reply may be at most {MAX_REPLY_BYTES // 1024} KB")
    if ticket.channel == "chat":  # the widget reads the thread
        return tickets.add_message(ticket, direction="outbound", author=author, body=body, now=now,
                                   automated=automated)
    if ticket.channel == "email":
        return _email(ticket, author, body, now, automated)
    if ticket.channel == "sms":  # a person's reply is sent by the texting function: the HTTP one may not text
        return text(ticket, author, body, now, automated, queue=not automated)
    raise Conflict(f"replies on {ticket.channel} tickets are not available yet")


def _email(ticket: Ticket, author: str, body: str, now: datetime, automated: bool) -> Message:
    if not ticket.contact_email:
        raise Conflict(f"ticket {ticket.ref} has no email address to reply to")
    prop = properties.get_property(ticket.property_id)
    in_reply_to, references = outbound.thread_ids(tickets.thread(ticket.ticket_id))
    subject = outbound.subject_for(ticket, None)
    sent_id = outbound.send(prop, ticket, ticket.contact_email, body, subject=subject, in_reply_to=in_reply_to,
                            references=references, automated=automated)
    return tickets.add_message(ticket, direction="outbound", author=author, body=body, now=now, channel="email",
                               automated=automated, fields={"email_message_id": sent_id, "subject": subject})


def text(ticket: Ticket, author: str, body: str, now: datetime, automated: bool = False,
         proactive: bool = False, queue: bool = False, urgent: bool = False) -> Message:
    """A text to the ticket's resident from the property's number, kept on the thread with how it went: sent
    (then the delivery events), not_sent (opted out, no consent: the reason is on the message) or failed.
    An automatic text is cut to two segments. Its thread id sorts just after `now`, the time of the text it
    answers, so the thread reads in the order the texts were sent.

    `queue`: recorded as queued and sent at once by a timer execution running sla_clock (send_queued), for
    callers that may not text themselves (the HTTP function: see the README's security model).
    A proactive text (reminder, survey, visit notice) that is not `urgent` waits for texting hours
    (08:00-21:00 at the property): queued, its timer due when they start."""
    body = texting.fit(body) if automated else body
    message_id = ids.at(now + timedelta(milliseconds=1))
    fields: dict = {"message_id": message_id}
    due = texting.send_at(now, properties.get_property(ticket.property_id).timezone, urgent or not proactive)
    queue = queue or due > now
    try:
        texts.check(ticket.property_id, ticket.contact_phone, proactive)
        if queue:
            fields["delivery"] = "queued"
        else:
            fields.update(_send(ticket, body, message_id))
    except texts.NotTexted as exc:
        fields.update(delivery="not_sent", delivery_detail=str(exc)[:300])
    message = tickets.add_message(ticket, direction="outbound", author=author, body=body, now=now, channel="sms",
                                  automated=automated, fields=fields)
    if fields["delivery"] == "queued":
        timers.start(f"text-{message_id}", "sla_clock", {"clock": "send_text", "ticket_id": ticket.ticket_id,
                                                          "message_id": message_id, "proactive": proactive}, due, now)
    return message


def _send(ticket: Ticket, body: str, message_id: str) -> dict:
    """The thread item's fields for a text sent now: its End User Messaging id, or why it failed."""
    try:
        return {"sms_id": texts.send(ticket.contact_phone, body, origination=texts.number_of(ticket.property_id),
                                     ticket_id=ticket.ticket_id, message_id=message_id), "delivery": "sent"}
    except (ClientError, BotoCoreError) as exc:  # visible on the ticket; the CSR can call instead
        return {"delivery": "failed", "delivery_detail": f"sending failed: {str(exc)[:250]}"}


def send_queued(ticket_id: str, message_id: str, proactive: bool = False) -> dict:
    """A queued text, sent once however often its timer's Lambda is retried (queued -> sending is one
    conditional write); a STOP that came meanwhile still holds it back."""
    ticket = tickets.get_ticket(ticket_id)
    try:
        message = Message.get(ticket_id, keys.message_sk(message_id), consistent_read=True)
        message.update(actions=[Message.delivery.set("sending")], condition=Message.delivery == "queued")
    except (DoesNotExist, UpdateError):
        return {"sent": False, "reason": "not a queued text"}
    try:
        texts.check(ticket.property_id, ticket.contact_phone, proactive)
        fields = _send(ticket, message.body, message_id)
    except texts.NotTexted as exc:
        fields = {"delivery": "not_sent", "delivery_detail": str(exc)[:300]}
    message.update(actions=[getattr(Message, k).set(v) for k, v in fields.items()])
    return {"sent": fields["delivery"] == "sent", "delivery": fields["delivery"]}


def to_incident(lead: Ticket, author: str, body: str, now: datetime) -> dict:
    """One update for everyone who reported an incident, each through their own ticket's channel."""
    sent, skipped = [], []
    for ticket in [lead, *filter(None, (tickets.find_ticket(i) for i in incident.members(lead.ticket_id)))]:
        try:
            reply(ticket, author, body, now)
            sent.append(ticket.ref)
        except (Conflict, Invalid) as exc:  # a phone ticket, or no address: the CSR calls them
            skipped.append({"ref": ticket.ref, "reason": str(exc)})
    tickets.record(lead, author, "incident_update", now, {"sent": len(sent), "skipped": len(skipped)})
    return {"lead": lead.ref, "sent": sent, "skipped": skipped}
