"""SES receipt notifications to tickets.

SES saves the raw MIME in the mail bucket (S3 action) and notifies the inbound-email topic; this reads
the object the notification names, then: quarantine (spam, virus, automated or unroutable mail), or
thread into an existing ticket, or open a new one with one acknowledgement. A notification delivered
again returns the first outcome: the SES message id is claimed before anything is written."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import parseaddr

from pynamodb.exceptions import DoesNotExist

from chalicelib.channels.mail import attachments, safety
from chalicelib.channels.mail.parse import (
    MAX_ADDRESS,
    MAX_SUBJECT,
    Attachment,
    ParsedMail,
    clean_header,
    decode_bytes,
    parse,
)
from chalicelib.core import aws, ids, settings, times
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.lifecycle import email_out as outbound
from chalicelib.lifecycle import intake, prospects, safety_question, visits
from chalicelib.models import Guard, Quarantined, Ticket, keys
from chalicelib.rules import help_search, help_text, leads, redaction, replies
from chalicelib.rules.triage import Triage, triage
from chalicelib.tickets import claims, help, limits
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets

REF_IN_SUBJECT = re.compile(r"\[?\b(TL-[0-9A-HJKMNP-TV-Z]{4,8})\b\]?", re.IGNORECASE)
CLAIM_LEASE = 120  # seconds after which a delivery that never finished may be taken over by a retry
CLAIM_KEPT = timedelta(days=30)


def arrival_time(notification: dict, received: datetime) -> datetime:
    """When SES received the mail (its receipt timestamp): SLA clocks and the open/closed wording count
    from arrival, not from when a retried delivery finally ran. `received` when the field is unusable."""
    receipt = notification.get("receipt") if isinstance(notification, dict) else None
    stamp = receipt.get("timestamp") if isinstance(receipt, dict) else None
    try:
        return times.parse(str(stamp))
    except ValueError:
        return received


def handle(notification: dict, now: datetime) -> dict:
    mail_meta = notification.get("mail") or {}
    ses_id = mail_meta.get("messageId")
    if not ses_id or notification.get("notificationType", "Received") != "Received":
        return quarantine("malformed SES notification", now, notification=notification)
    # A delivery that finds another one at work fails (Conflict), so SNS/Lambda retries it later.
    result, replayed = claims.once(keys.ses_message_claim(ses_id), lambda reserved: _process(notification, now, reserved),
                                   lease_seconds=CLAIM_LEASE, keep=CLAIM_KEPT)
    return dict(result, replayed=replayed)


def _verdicts(receipt: dict) -> dict:
    return {k: (receipt.get(f"{k}Verdict") or {}).get("status") for k in ("spam", "virus", "spf", "dkim", "dmarc")}


def _process(notification: dict, now: datetime, reserved: str | None = None) -> dict:
    mail_meta, receipt = notification.get("mail") or {}, notification.get("receipt") or {}
    action = receipt.get("action") or {}
    bucket, key = action.get("bucketName"), action.get("objectKey")
    verdicts = _verdicts(receipt)
    recipients = receipt.get("recipients") or mail_meta.get("destination") or []
    property_id = next(filter(None, (properties.property_for_address(r) for r in recipients)), None)
    common = mail_meta.get("commonHeaders") or {}
    sender = parseaddr((common.get("from") or [mail_meta.get("source") or ""])[0])[1] or None
    kept = dict(now=now, property_id=property_id, bucket=bucket, raw_key=key, notification=notification,
                verdicts=verdicts, sender=sender, subject=common.get("subject"))
    if verdicts["virus"] == "FAIL":
        return quarantine("virus", **kept)  # its attachments are never opened
    if verdicts["spam"] == "FAIL":
        return quarantine("spam", **kept)
    if property_id is None:
        return quarantine(f"no property receives mail for {', '.join(recipients) or 'these recipients'}", **kept)
    raw = _read(bucket, key)
    if raw is None:
        return quarantine("the raw message is not in the mail bucket", **kept)
    if isinstance(raw, int):
        return quarantine(f"too large to read here ({raw / 1048576:.1f} MB, the limit is "
                          f"{settings.MAX_RAW_MAIL_BYTES / 1048576:.0f} MB): open the raw message", **kept)
    return deliver(property_id, raw, bucket, key, verdicts, now, reserved=reserved)


def _read(bucket: str | None, key: str | None) -> bytes | int | None:
    """The raw message; its size instead when it is over the limit (parsing takes about nine times a
    message's size in memory); None when it is not there."""
    if not bucket or not key:
        return None
    s3 = aws.client("s3")
    try:
        obj = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    if obj["ContentLength"] > settings.MAX_RAW_MAIL_BYTES:
        obj["Body"].close()
        return obj["ContentLength"]
    return obj["Body"].read()


def _parse(raw: bytes) -> ParsedMail:
    try:
        return parse(raw)
    except Exception as exc:  # keep a ticket for it anyway: the raw stays linked for a human
        text = decode_bytes(raw[:20000], None)
        return ParsedMail(None, None, None, [], "(unreadable message)", None, [], [], text, text,
                          problems=[f"not parseable: {type(exc).__name__}: {exc}"])


def deliver(property_id: str, raw: bytes, bucket: str | None, key: str | None, verdicts: dict, now: datetime,
            *, keep_attachments: bool = True, force: bool = False, reserved: str | None = None) -> dict:
    """`reserved`: the ticket id this delivery opens a ticket under. A retry of a delivery that died after
    opening it (SES down for the acknowledgement, say) finishes that ticket instead of opening or threading
    another."""
    mail = _parse(raw)
    _long_text(mail)
    earlier = tickets.find_ticket(reserved) if reserved else None
    if earlier is not None:
        return _finish_open(properties.get_property(property_id), earlier, mail, now, linked=None, verdicts=verdicts)
    if not keep_attachments and mail.attachments:
        mail.problems.append(f"{len(mail.attachments)} attachment(s) not kept: the message failed the virus scan")
        mail.attachments = []
    automated = None if force else safety.automated_reason(mail, properties.our_addresses())
    ticket, how = find_thread(mail)
    if ticket is not None and (is_participant(ticket, mail) or (automated and how == "headers")):
        if not _too_old_to_reopen(ticket, now) or automated:
            return _append(ticket, mail, key, verdicts, now, automated)
        return _open(property_id, mail, key, verdicts, now, linked=ticket, reserved=reserved)
    if automated:
        return quarantine(f"automated mail ({automated})", now, property_id=property_id, bucket=bucket, raw_key=key,
                          verdicts=verdicts, sender=mail.sender, subject=mail.subject)
    return _open(property_id, mail, key, verdicts, now, reserved=reserved)


def find_thread(mail: ParsedMail) -> tuple[Ticket | None, str | None]:
    """The ticket this message answers: by Message-ID headers first, then a reference in the subject."""
    for message_id in reversed(mail.references + mail.in_reply_to):
        try:
            return tickets.get_ticket(Guard.get(keys.mail_message_id(message_id), keys.GUARD).target), "headers"
        except (DoesNotExist, NotFound):
            continue
    match = REF_IN_SUBJECT.search(mail.subject or "")
    if match:
        try:
            return tickets.get_ticket(tickets.resolve_ticket_id(match.group(1).upper())), "subject"
        except NotFound:
            pass
    return None, None


def is_participant(ticket: Ticket, mail: ParsedMail) -> bool:
    known = set(ticket.participants or []) | {ticket.contact_email}
    return bool({mail.sender, mail.reply_to} & (known - {None}))


def _too_old_to_reopen(ticket: Ticket, now: datetime) -> bool:
    if ticket.status not in ("resolved", "closed"):
        return False
    ended = times.parse(ticket.resolved_at or ticket.updated_at)
    return now - ended > timedelta(days=settings.REOPEN_WINDOW_DAYS)


def _body(mail: ParsedMail, dropped: list[str]) -> str:
    notes = [f"[attachment not kept: {d}]" for d in dropped] + [f"[{p}]" for p in mail.problems[:3]]
    return "\n\n".join(filter(None, [mail.text.strip() or "(no text)", "\n".join(notes)]))


def _long_text(mail: ParsedMail) -> None:
    """A body longer than a thread item holds: the ticket shows its start, the whole text goes with the
    attachments (a file the CSR can open), the raw message stays in the bucket."""
    if len(mail.text) <= settings.MAX_MAIL_TEXT_CHARS:
        return
    mail.attachments.insert(0, Attachment("message.txt", "text/plain; charset=utf-8",
                                          redaction.clean(mail.text).encode()))
    mail.problems.insert(0, f"the message is {len(mail.text):,} characters long: the first "
                            f"{settings.MAX_MAIL_TEXT_CHARS:,} are shown, all of it is in message.txt")
    mail.text = mail.text[:settings.MAX_MAIL_TEXT_CHARS]


def _fields(mail: ParsedMail, key: str | None, verdicts: dict, message_id: str, refs: list) -> dict:
    return {"message_id": message_id, "email_message_id": mail.message_id, "subject": mail.subject[:300],
            "raw_key": key, "auth": {k: v for k, v in verdicts.items() if k in ("spf", "dkim", "dmarc") and v},
            "attachments": refs}


def _remember(mail: ParsedMail, ticket_id: str) -> None:
    if mail.message_id:
        Guard(keys.mail_message_id(mail.message_id), target=ticket_id).save()


def _append(ticket: Ticket, mail: ParsedMail, key: str | None, verdicts: dict, now: datetime,
            automated: str | None) -> dict:
    message_id = ids.new_id()
    refs, dropped = attachments.store(ticket.ticket_id, message_id, mail.attachments)
    participants = sorted(set(ticket.participants or []) | ({mail.contact} if mail.contact and not automated else set()))
    tickets.add_message(ticket, direction="inbound", author=mail.sender_name or mail.sender or "unknown sender",
                        body=_body(mail, dropped), now=now, automated=bool(automated), channel="email",
                        fields=_fields(mail, key, verdicts, message_id, refs),
                        ticket_changes={"participants": participants} if participants != (ticket.participants or [])
                        else None)
    _remember(mail, ticket.ticket_id)
    # "1"/"2" to a visit notice (lifecycle/visits.py), else "1" or "yes" to the acknowledgement's safety question
    if not automated and not visits.answer(tickets.get_ticket(ticket.ticket_id), mail.text or "", now):
        safety_question.settle(tickets.get_ticket(ticket.ticket_id), mail.text or "", now)
    return {"ticket_id": ticket.ticket_id, "ref": ticket.ref, "new": False, "acknowledged": False}


def _open(property_id: str, mail: ParsedMail, key: str | None, verdicts: dict, now: datetime,
          linked: Ticket | None = None, reserved: str | None = None) -> dict:
    prop = properties.get_property(property_id)
    text = f"{mail.subject}\n{mail.text}".strip()
    result = triage(text)
    ticket_id, message_id = reserved or ids.new_id(), ids.new_id()
    refs, dropped = attachments.store(ticket_id, message_id, mail.attachments)
    contact = tickets.Requester(name=mail.sender_name, email=mail.contact)
    ticket, _ = tickets.create_ticket(
        ticket_id=ticket_id, property_id=property_id, channel="email", text=_body(mail, dropped), result=result,
        contact=contact, author=mail.sender_name or mail.contact or "unknown sender", now=now,
        ticket_fields={"subject": (mail.subject or "")[:300] or None,
                       "participants": sorted(filter(None, {mail.sender, mail.reply_to})),
                       "linked_ticket_id": linked.ticket_id if linked else None,
                       "source": leads.source("email", prop.lead_sources, mail.to)},
        message_fields=_fields(mail, key, verdicts, message_id, refs), opening=True)
    return _finish_open(prop, ticket, mail, now, linked, result, verdicts)


def _finish_open(prop, ticket: Ticket, mail: ParsedMail, now: datetime, linked: Ticket | None,
                 result: Triage | None = None, verdicts: dict | None = None) -> dict:
    _remember(mail, ticket.ticket_id)
    if linked is not None:
        tickets.record(linked, "email", "follow_up_opened", now, {"ticket_id": ticket.ticket_id, "ref": ticket.ref})
    ticket = intake.opened(ticket, now)
    if result is not None:
        ticket = safety_question.ask(ticket, result, now)
    acknowledged = _acknowledge(prop, ticket, mail, now, verdicts or {})
    return {"ticket_id": ticket.ticket_id, "ref": ticket.ref, "new": True, "acknowledged": acknowledged}


def _acknowledge(prop, ticket: Ticket, mail: ParsedMail, now: datetime, verdicts: dict) -> bool:
    """One automatic reply per new ticket, at most N per sender per hour, and never a relay: no reply when the
    sender failed authentication, or sent it elsewhere (Reply-To) without passing it; and nothing of theirs
    (subject, display name) is echoed to a sender who is not authenticated."""
    if not mail.contact:
        return False
    refused = safety.auto_reply_refused(mail, verdicts)
    if refused or not limits.within("auto-reply", safety.rate_key(mail.contact),
                                    settings.AUTO_REPLIES_PER_SENDER_HOUR, 3600, now):
        tickets.record(ticket, "email", "auto_ack_skipped", now,
                       {"reason": refused or f"more than {settings.AUTO_REPLIES_PER_SENDER_HOUR} auto-replies to "
                                             f"{mail.contact} this hour"})
        return False
    trusted = safety.authenticated(verdicts)
    body = replies.email_acknowledgement(properties.calendar(prop), now, ticket.language, ticket.ref, prop.name,
                                         prop.emergency_line, ticket.urgency, mail.sender_name if trusted else None)
    if safety_question.awaiting(ticket):  # the emergency line is in the acknowledgement already: urgency is not routine
        body = f"{body}\n\n{ticket.safety_question}"
    if prospects.is_lead(ticket, prop):  # what is available, and a way to book a tour at once
        body = f"{body}\n\n{prospects.answer('prospect_tour_email', prop, ticket, mail.text, ticket.language, now)}"
    elif ticket.urgency == "routine":
        body += _suggested_articles(prop.property_id, ticket, f"{mail.subject if trusted else ''} {mail.text}", now)
    subject = outbound.subject_for(ticket, mail.subject if trusted else f"Your message to {prop.name}")
    references = (mail.references + [mail.message_id])[-20:] if mail.message_id else mail.references
    sent_id = outbound.send(prop, ticket, mail.contact, body, subject=subject, in_reply_to=mail.message_id,
                            references=references, automated=True)
    # The ticket as this delivery's own writes left it (no read back): an automated reply changes nothing on it but
    # updated_at, and a writer that got there first makes the versioned write re-read and retry (tickets.update).
    tickets.add_message(ticket, direction="outbound", author="tenantline", body=body, now=now, automated=True,
                        channel="email", fields={"email_message_id": sent_id, "subject": subject})
    return True


def _suggested_articles(property_id: str, ticket: Ticket, text: str, now: datetime) -> str:
    """Published help articles that may answer a routine email, as links (nothing when none fits)."""
    language = ticket.language if ticket.language in help_text.LANGUAGES else "en"
    hits = help_search.suggested(help.search(property_id, text[:2000], language))
    if not hits:
        return ""
    help.record_use([h.doc["id"] for h in hits], "shown", now)
    base = help.public_base(property_id)
    lines = [f"- {h.doc['title']}: {base}/articles/{h.doc['id']}" for h in hits]
    return "\n\n" + replies.say("kb_suggested", language) + "\n" + "\n".join(lines)


# --- quarantine ---

def quarantine(reason: str, now: datetime, *, property_id: str | None = None, bucket: str | None = None,
               raw_key: str | None = None, notification: dict | None = None, verdicts: dict | None = None,
               sender: str | None = None, subject: str | None = None) -> dict:
    entry = Quarantined(sk=ids.new_id(), property_id=property_id, reason=reason,
                        sender=clean_header(sender or "", MAX_ADDRESS) or None,
                        subject=redaction.clean(clean_header(subject or "", MAX_SUBJECT)) or None, received_at=times.iso(now), bucket=bucket,
                        raw_key=raw_key, notification=_slim(notification), verdicts=verdicts or {})
    entry.save()
    return {"quarantined": True, "reason": reason, "quarantine_id": entry.sk}


def _slim(notification: dict | None) -> dict:
    """The notification minus inline content (an SNS action can carry the whole message)."""
    return {k: v for k, v in (notification or {}).items() if k != "content"}


def list_quarantine(limit: int = 100) -> list[Quarantined]:
    return list(Quarantined.query("QUARANTINE", scan_index_forward=False, limit=limit))


def release(quarantine_id: str, actor: str, now: datetime, sees=lambda property_id: True) -> dict:
    """Let a quarantined message through: it becomes (or joins) a ticket. A virus-flagged message
    comes through as text only; its attachments stay unopened."""
    try:
        entry = Quarantined.get("QUARANTINE", quarantine_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"no quarantined message {quarantine_id}") from None
    if not sees(entry.property_id):
        raise NotFound(f"no quarantined message {quarantine_id}")
    if entry.released_at:
        raise Conflict(f"already released by {entry.released_by} at {entry.released_at}")
    if not entry.property_id:
        raise Conflict("this message was not addressed to any property; it cannot be released")
    raw = _read(entry.bucket, entry.raw_key)
    if raw is None:
        raise Conflict("the raw message is no longer in the mail bucket")
    entry.update(actions=[Quarantined.released_at.set(times.iso(now)), Quarantined.released_by.set(actor)],
                 condition=Quarantined.released_at.does_not_exist())
    outcome = deliver(entry.property_id, raw, entry.bucket, entry.raw_key, entry.verdicts or {}, now,
                      keep_attachments=entry.reason != "virus", force=True)
    if outcome.get("ticket_id"):
        entry.update(actions=[Quarantined.ticket_id.set(outcome["ticket_id"])])
        tickets.record(tickets.get_ticket(outcome["ticket_id"]), actor, "released_from_quarantine", now,
                       {"quarantine_id": quarantine_id, "reason": entry.reason})
    return outcome

