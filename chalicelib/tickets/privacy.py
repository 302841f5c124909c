"""A resident's rights over what Tenantline keeps about them (GDPR articles 15 and 17, CCPA): everything
found by their phone number or email address, as one document, or erased.

Found through indexes, never a scan: their tickets (by_phone, by_email), each ticket's thread and audit
trail, chat sessions and call records, the raw mail and attachments in the mail bucket (every version),
the resident directory entry, quarantined mail from their address, the chat retry records, and their tour
bookings (erasing keeps each tour, without the name, phone and email).
Erasing keeps each ticket's skeleton (channel, urgency, times, the escalation proof) so the KPIs and the
time-to-human record stay true, with every personal field emptied and its thread and trail deleted; one
audit entry says it was erased, by whom and how much, and nothing about the person."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import aws, settings
from chalicelib.core.errors import Invalid
from chalicelib.models import ChatSession, ContactRecord, Guard, Message, Quarantined, Resident, Ticket, keys
from chalicelib.tickets import portfolio, store, texts
from chalicelib.tickets import tours as tour_bookings
from chalicelib.tickets.views import audit_view, message_view, ticket_view

CALLER_DETAILS = ("caller",)  # what the flow remembers of a contact (channels/voice/flow.py)
PERSONAL = {"contact_name": None, "contact_phone": None, "contact_email": None, "unit": None, "summary": "[erased]",
            "subject": None, "participants": [], "reasons": [], "chat_session_id": None, "for_person": None,
            "safety_question": None, "survey_comment": None}


def _who(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    phone, email = (phone or "").strip() or None, (email or "").strip().lower() or None
    if not phone and not email:
        raise Invalid("give a phone number or an email address")
    if phone and not (phone.startswith("+") and phone[1:].isdigit() and len(phone) <= 16):
        raise Invalid("phone must be an E.164 number such as +12125550142")
    if email and ("@" not in email or len(email) > 254):
        raise Invalid("email must be an address")
    return phone, email


def tickets_of(phone: str | None, email: str | None) -> list[Ticket]:
    ids = []
    if phone:
        ids += [t.ticket_id for t in Ticket.by_phone.query(phone)]
    if email:
        ids += [t.ticket_id for t in Ticket.by_email.query(email)]
    return [t for t in (store.find_ticket(i) for i in dict.fromkeys(ids)) if t is not None]


def _residents(phone: str | None) -> list[Resident]:
    found = []
    for prop in portfolio.list_properties() if phone else []:
        try:
            found.append(Resident.get(keys.property_pk(prop.property_id), keys.resident_sk(phone)))
        except DoesNotExist:
            continue
    return found


def _session(ticket: Ticket) -> ChatSession | None:
    try:
        return ChatSession.get(ticket.chat_session_id) if ticket.chat_session_id else None
    except DoesNotExist:
        return None


def _records(ticket: Ticket, thread: list[Message]) -> list[ContactRecord]:
    found = []
    for contact_id in dict.fromkeys([*(ticket.calls or {}), *(m.contact_id for m in thread if m.contact_id)]):
        try:
            found.append(ContactRecord.get(keys.contact_record(contact_id), "CONTACT"))
        except DoesNotExist:
            continue
    return found


def _quarantined(email: str | None) -> list[Quarantined]:
    return [q for q in Quarantined.query("QUARANTINE") if email and (q.sender or "").lower() == email]


def _files(ticket_id: str, thread: list[Message]) -> list[str]:
    """Mail-bucket keys: each message's raw mail and the ticket's attachments."""
    bucket, keys_ = settings.mail_bucket(), [m.raw_key for m in thread if m.raw_key]
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                        Prefix=f"attachments/{ticket_id}/")
    keys_ += [o["Key"] for page in pages for o in page.get("Contents", [])]
    return list(dict.fromkeys(keys_))


def _file(key: str) -> dict:
    s3 = aws.client("s3")
    try:
        obj = s3.get_object(Bucket=settings.mail_bucket(), Key=key)
    except s3.exceptions.NoSuchKey:
        return {"key": key, "missing": True}
    data = obj["Body"].read()
    try:
        return {"key": key, "content_type": obj.get("ContentType"), "text": data.decode("utf-8")}
    except UnicodeDecodeError:
        import base64  # noqa: PLC0415 - only binary attachments need it

        return {"key": key, "content_type": obj.get("ContentType"), "base64": base64.b64encode(data).decode()}


def export(phone: str | None = None, email: str | None = None) -> dict:
    phone, email = _who(phone, email)
    found = []
    for ticket in tickets_of(phone, email):
        thread = store.thread(ticket.ticket_id)
        session = _session(ticket)
        found.append(dict(ticket_view(ticket), subject=ticket.subject,
                          messages=[message_view(m, staff=True) for m in thread],
                          audit=[audit_view(a) for a in store.audit_trail(ticket.ticket_id)],
                          chat_session=None if session is None else {
                              "session_id": session.session_id, "name": session.contact_name,
                              "phone": session.contact_phone, "email": session.contact_email,
                              "unit": session.unit, "language": session.language, "created_at": session.created_at},
                          call_records=[{"contact_id": keys.id_of(r.pk), "milestones": r.milestones,
                                         "details": r.details} for r in _records(ticket, thread)],
                          files=[_file(k) for k in _files(ticket.ticket_id, thread)]))
    return {"subject": {"phone": phone, "email": email}, "tickets": found,
            "resident_directory": [{"property_id": keys.id_of(r.pk), "name": r.name, "unit": r.unit,
                                    "language": r.language} for r in _residents(phone)],
            "tour_bookings": [{"booking_id": b.booking_id, "property_id": b.property_id, "start": b.start,
                               "end": b.end, "status": b.status, "name": b.name, "phone": b.phone, "email": b.email,
                               "language": b.language, "source": b.source, "created_at": b.created_at}
                              for b in tour_bookings.of_person(phone, email)],
            "texting": _texting(phone),
            "quarantined_mail": [{"id": q.sk, "received_at": q.received_at, "subject": q.subject, "reason": q.reason,
                                  "file": _file(q.raw_key) if q.raw_key else None} for q in _quarantined(email)]}


def _texting(phone: str | None) -> dict | None:
    """What the number said about texts: STOP / START and consent (tickets/texts.py)."""
    found = texts.contact(phone) if phone else None
    return None if found is None else {"opted_out": found.opted_out, "opted_out_at": found.opted_out_at,
                                       "consent": found.consent, "consent_at": found.consent_at,
                                       "consent_via": found.consent_via}


def _delete_file(key: str) -> int:
    """Every version of the object: on a versioned bucket a plain delete only hides it."""
    s3, bucket, deleted = aws.client("s3"), settings.mail_bucket(), 0
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    for version in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
        if version["Key"] == key:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
            deleted += 1
    return deleted


def erase(actor: str, now: datetime, phone: str | None = None, email: str | None = None) -> dict:
    phone, email = _who(phone, email)
    counts = {"tickets": 0, "messages": 0, "audit_entries": 0, "files": 0, "chat_sessions": 0,
              "residents": 0, "quarantined": 0, "tour_bookings": 0}
    for ticket in tickets_of(phone, email):
        _erase_ticket(ticket, actor, now, counts)
    for resident in _residents(phone):
        resident.delete()
        counts["residents"] += 1
    for entry in _quarantined(email):
        counts["files"] += _delete_file(entry.raw_key) if entry.raw_key else 0
        entry.delete()
        counts["quarantined"] += 1
    for booking in tour_bookings.of_person(phone, email):
        tour_bookings.erase_person(booking)
        counts["tour_bookings"] += 1
    found = texts.contact(phone) if phone else None
    if found is not None:  # a STOP outlives erasure (the number must not be texted again); consent does not
        if found.opted_out:
            found.consent, found.consent_at, found.consent_via = False, None, None
            found.save()
        else:
            found.delete()
    return {"erased": counts}


def _erase_ticket(ticket: Ticket, actor: str, now: datetime, counts: dict) -> None:
    thread = store.thread(ticket.ticket_id)
    for key in _files(ticket.ticket_id, thread):
        counts["files"] += _delete_file(key)
    session = _session(ticket)
    for message in thread:
        if message.email_message_id:  # threading guards: a Message-ID can name its sender
            Guard(keys.mail_message_id(message.email_message_id)).delete()
        message.delete()
        counts["messages"] += 1
    # The answers kept for retries of chat messages and call steps repeat the resident's words and name.
    claims = [keys.chat_message_claims(session.session_id)] if session is not None else []
    for record in _records(ticket, thread):
        claims.append(keys.call_step_claims(keys.id_of(record.pk)))
        record.update(actions=[ContactRecord.details.set({k: v for k, v in (record.details or {}).items()
                                                          if k not in CALLER_DETAILS})])
    for partition in claims:
        for claim in Guard.query(partition):
            claim.delete()
    for entry in store.audit_trail(ticket.ticket_id):
        entry.delete()
        counts["audit_entries"] += 1
    if session is not None:
        session.delete()
        counts["chat_sessions"] += 1
    store.update(store.get_ticket(ticket.ticket_id), PERSONAL, actor, "privacy_erased", now,
                 {"messages": len(thread)}, recompute=lambda _fresh: PERSONAL)  # the one trace: who erased how much, nothing about whom
    counts["tickets"] += 1
