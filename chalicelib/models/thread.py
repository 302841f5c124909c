"""A ticket's thread of messages, its audit trail and idempotency guards share one table:
pk = ticket id (or a guard key), sk = MSG#<ulid> | AUD#<ulid> | GUARD."""
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import meta


class AttachmentRef(MapAttribute):
    name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    key = UnicodeAttribute()


class Message(Model):
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    message_id = UnicodeAttribute()
    direction = UnicodeAttribute()  # inbound | outbound
    channel = UnicodeAttribute()
    author = UnicodeAttribute()
    body = UnicodeAttribute()
    automated = BooleanAttribute(default=False)
    language = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=AttachmentRef, default=list)
    created_at = UnicodeAttribute()


class AuditEntry(Model):
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    detail = JSONAttribute(default=dict)


class Guard(Model):
    """A claimed key (a ticket reference, a client message id) and what it points to."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="GUARD")
    target = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    expires_at = NumberAttribute(null=True)
