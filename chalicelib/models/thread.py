"""A ticket's thread of messages, its audit trail and idempotency guards share one table:
pk = ticket id (or a guard key), sk = MSG#<ulid> | AUD#<ulid> | GUARD."""
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import meta
from chalicelib.models.keys import GUARD


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
    # email: the RFC 5322 Message-ID, subject, the raw MIME in S3 and what SES said of its sender
    email_message_id = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    raw_key = UnicodeAttribute(null=True)
    auth = JSONAttribute(null=True)
    # voice: the Connect contact the words came from (its IVR recording is filed under this id)
    contact_id = UnicodeAttribute(null=True)
    # sms: End User Messaging's id of the text (inbound: inboundMessageId; outbound: SendTextMessage's MessageId),
    # and for outbound texts the latest delivery event (queued, delivered, failed, ...) and when it came
    sms_id = UnicodeAttribute(null=True)
    delivery = UnicodeAttribute(null=True)
    delivery_detail = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # DynamoDB TTL, set when the ticket closes (tickets/retention.py)


class AuditEntry(Model):
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    detail = JSONAttribute(default=dict)


class Guard(Model):
    """A claimed key (a ticket reference, a client message id, an email Message-ID) and what it points to."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=GUARD)
    target = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    state = UnicodeAttribute(null=True)  # pending | done, for work claimed by one delivery of an event
    claimed_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)


class Counter(Model):
    """A count in a time bucket (auto-replies per sender per hour); expires with its bucket."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="COUNT")
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)


class Quarantined(Model):
    """Mail kept but not ticketed (spam, virus, automated, unroutable); CSRs list and release it."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True, default="QUARANTINE")
    sk = UnicodeAttribute(range_key=True)  # a ULID: listing is oldest first
    property_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    sender = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute()
    bucket = UnicodeAttribute(null=True)
    raw_key = UnicodeAttribute(null=True)
    notification = JSONAttribute(default=dict)
    verdicts = JSONAttribute(default=dict)
    released_at = UnicodeAttribute(null=True)
    released_by = UnicodeAttribute(null=True)
    ticket_id = UnicodeAttribute(null=True)


class ContactRecord(Model):
    """What Connect's contact events told us about one call (pk=CONTACT#<contact id>). Milestones are
    the events' own timestamps, merged whatever order or how often the events arrive."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="CONTACT")
    ticket_id = UnicodeAttribute(null=True)
    milestones = JSONAttribute(default=dict)
    details = JSONAttribute(default=dict)  # queue, channel, initiation method, disconnect reason, related contacts
    version = VersionAttribute()


class Rejected(Model):
    """An event we could not accept, kept with the reason so it can be looked at and replayed."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True, default="REJECTED")
    sk = UnicodeAttribute(range_key=True)  # a ULID: oldest first
    source = UnicodeAttribute()
    reason = UnicodeAttribute()
    event = JSONAttribute(default=dict)
    received_at = UnicodeAttribute()


class SmsContact(Model):
    """What a phone number said about texts (pk=SMSCONTACT#<E.164>): opted out (STOP) or back in (START),
    and consent to proactive texts recorded from the widget, the phone menu or a first text."""
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="SMSCONTACT")
    opted_out = BooleanAttribute(default=False)
    opted_out_at = UnicodeAttribute(null=True)
    consent = BooleanAttribute(default=False)
    consent_at = UnicodeAttribute(null=True)
    consent_via = UnicodeAttribute(null=True)  # sms | widget | phone | office
