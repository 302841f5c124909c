"""The one way a text leaves Tenantline, for residents and staff alike (answers, CSR replies, pages, patch
notices, manager alerts): End User Messaging's SendTextMessage from the property's number, with the stage's
configuration set so every text's delivery events come back (channels/sms/delivery.py). Each send is
remembered by its message id, so a delivery event or a resident's reply (previousPublishedMessageId) finds
the ticket and the thread item it belongs to.

And what a number said about texts: STOP opts it out (recorded here and on the opt-out list the number
uses, so End User Messaging refuses too), START opts it back in, and consent to proactive texts."""
from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib.core import aws, settings, times
from chalicelib.models import Guard, SmsContact, keys
from chalicelib.tickets import portfolio as properties

logger = Logger(service="tenantline")
KEPT = timedelta(days=30)  # delivery events can take up to 72 h; a reply to a text, days


class NotTexted(Exception):
    """A text that must not go (opted out, no consent): the caller records why."""


def configuration_set() -> str:
    return settings.resource_name("sms")


def opt_out_list() -> str:
    return settings.resource_name("opt-outs")


def number_of(property_id: str) -> str:
    """The property's SMS number: its first number (two-way enabled in the template, the voice number too)."""
    numbers = properties.get_property(property_id).phone_numbers or []
    if not numbers:
        raise NotTexted(f"property {property_id} has no number to text from")
    return numbers[0]


def send(to: str, body: str, *, origination: str, ticket_id: str | None = None, kind: str = "resident",
         message_id: str | None = None) -> str:
    """Send one text; returns End User Messaging's message id. `message_id`: the thread item it is recorded as."""
    response = aws.client("pinpoint-sms-voice-v2").send_text_message(
        DestinationPhoneNumber=to, OriginationIdentity=origination, MessageBody=body, MessageType="TRANSACTIONAL",
        # Context values must be 1-800 characters (SendTextMessage's API model): a text with no ticket (a keyword's
        # answer, a manager alert) leaves ticket_id out, or botocore refuses the call before it is made.
        ConfigurationSetName=configuration_set(), Context={"kind": kind, **({"ticket_id": ticket_id} if ticket_id else {})})
    sms_id = response["MessageId"]
    Guard(keys.sms_outbound(sms_id), target=ticket_id or "-",
          data={"kind": kind, "to": to, "message_id": message_id},
          expires_at=int((datetime.now().timestamp() + KEPT.total_seconds()))).save()
    return sms_id


def sent(sms_id: str | None) -> Guard | None:
    """What we remembered about a text we sent, or None (not ours, or long ago)."""
    if not sms_id:
        return None
    try:
        return Guard.get(keys.sms_outbound(sms_id), keys.GUARD, consistent_read=True)
    except DoesNotExist:
        return None


# --- consent ---

def contact(phone: str) -> SmsContact | None:
    try:
        return SmsContact.get(keys.sms_contact(phone), "SMSCONTACT", consistent_read=True)
    except DoesNotExist:
        return None


def opted_out(phone: str) -> bool:
    found = contact(phone)
    return bool(found and found.opted_out)


def check(property_id: str, phone: str | None, proactive: bool) -> None:
    """Raise NotTexted unless `phone` may get this text: never after STOP (until START); a proactive text
    (survey, reminder, visit notice) also needs consent on record, from the office's resident list or the
    resident's own text, widget or phone menu. Answering a conversation the resident started needs none."""
    if not phone:
        raise NotTexted("no phone number")
    found = contact(phone)
    if found and found.opted_out:
        raise NotTexted(f"{phone} opted out of texts (STOP) at {found.opted_out_at}")
    if not proactive or (found and found.consent):
        return
    resident = properties.resident(property_id, phone)
    if resident is None or not resident.sms_consent:
        raise NotTexted(f"no consent to proactive texts on record for {phone}")


def consent(phone: str, via: str, now: datetime) -> None:
    """Consent recorded (it does not undo a STOP: only START does)."""
    item = contact(phone) or SmsContact(keys.sms_contact(phone))
    if item.consent:
        return
    item.consent, item.consent_at, item.consent_via = True, times.iso(now), via
    item.save()


def opt_out(phone: str, now: datetime) -> None:
    item = contact(phone) or SmsContact(keys.sms_contact(phone))
    item.opted_out, item.opted_out_at = True, times.iso(now)
    item.save()
    _on_list(lambda client: client.put_opted_out_number(OptOutListName=opt_out_list(), OptedOutNumber=phone))


def opt_in(phone: str, now: datetime) -> None:
    """START: texts may go again; it is also consent to proactive ones."""
    item = contact(phone) or SmsContact(keys.sms_contact(phone))
    item.opted_out, item.opted_out_at = False, None
    item.consent, item.consent_at, item.consent_via = True, times.iso(now), "sms"
    item.save()
    _on_list(lambda client: client.delete_opted_out_number(OptOutListName=opt_out_list(), OptedOutNumber=phone))


def _on_list(change) -> None:
    """The opt-out list End User Messaging checks follows our record (which decides on its own, so a list that
    is missing, or a number not on it, is logged and not retried: a retry would text the confirmation twice)."""
    try:
        change(aws.client("pinpoint-sms-voice-v2"))
    except (ClientError, BotoCoreError) as exc:
        logger.warning("opt-out list not updated", extra={"error": str(exc)[:300]})
