"""Mail we send: acknowledgements and CSR replies, from the property's inbox through SES, threaded
with In-Reply-To/References and carrying the ticket reference in the subject."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from chalicelib.core import aws
from chalicelib.models import Guard, Message, Property, Ticket, keys
from chalicelib.rules import redaction


def subject_for(ticket: Ticket, subject: str | None) -> str:
    subject = redaction.clean(subject or ticket.subject or ticket.summary or "").strip()
    if not subject.lower().startswith(("re:", "re :", "rv:")):
        subject = f"Re: {subject}" if subject else f"Ticket {ticket.ref}"
    return subject if f"[{ticket.ref}]" in subject else f"[{ticket.ref}] {subject}"


def thread_ids(messages: list[Message]) -> tuple[str | None, list[str]]:
    """In-Reply-To (the last message we got) and References (every Message-ID in the thread, oldest first)."""
    ids = [m.email_message_id for m in messages if m.email_message_id]
    inbound = [m.email_message_id for m in messages if m.email_message_id and m.direction == "inbound"]
    return (inbound[-1] if inbound else (ids[-1] if ids else None)), ids[-20:]


def send(prop: Property, ticket: Ticket, to: str, body: str, *, subject: str, in_reply_to: str | None,
         references: list[str], automated: bool) -> str:
    """Send one message; returns its Message-ID (remembered so replies to it thread into the ticket)."""
    domain = prop.inbox.split("@")[-1]
    message = EmailMessage()
    message["From"] = formataddr((prop.name, prop.inbox))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(idstring=ticket.ref.replace("-", ""), domain=domain)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = " ".join(references)
    if automated:
        message["Auto-Submitted"] = "auto-replied"  # RFC 3834: other robots must not answer this
        message["X-Auto-Response-Suppress"] = "All"
    message["X-Tenantline-Ticket"] = ticket.ref
    message.set_content(body)
    message["Content-Language"] = ticket.language  # after set_content, which drops Content-* headers
    aws.client("ses").send_raw_email(Source=prop.inbox, Destinations=[to], RawMessage={"Data": message.as_bytes()})
    Guard(keys.mail_message_id(message['Message-ID']), target=ticket.ticket_id).save()
    return message["Message-ID"]
