"""How long a finished conversation is kept: DynamoDB deletes a closed ticket's messages (TTL) a set number
of days after it closes, and reopening the ticket keeps them again. The ticket itself stays (it holds no
message text beyond its summary) for the KPIs. Raw mail and attachments expire by the mail bucket's
lifecycle rules, noncurrent versions included (infra/template.yaml)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import settings
from chalicelib.models import Message, Ticket, keys


def status_changed(ticket: Ticket, now: datetime) -> None:
    closed = ticket.status == "closed"
    expires = int(now.timestamp()) + settings.MESSAGE_RETENTION_DAYS * 86400
    for message in Message.query(ticket.ticket_id, Message.sk.startswith(keys.MESSAGE)):
        if closed:
            message.update(actions=[Message.expires_at.set(expires)])
        elif message.expires_at is not None:
            message.update(actions=[Message.expires_at.remove()])
