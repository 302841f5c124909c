"""Texts residents send to a property's number (End User Messaging two-way SMS, published to the inbound-sms
topic). The property is the number texted (destinationNumber), the resident the number texting
(originationNumber), found as the phone channel finds callers.

One conversation, one ticket: a text joins the ticket of the text it answers (previousPublishedMessageId),
else the resident's open SMS ticket at that property active within JOIN_WINDOW, else it opens a new, triaged
ticket. Each text is claimed once by its inboundMessageId (SNS and Lambda deliver at least once), and is
threaded by when it was sent, not when it arrived: texts are not delivered in order."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.channels.voice.flow import callers_tickets, property_for_number, who_calls
from chalicelib.core import ids, times
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.lifecycle import delivery, intake, prospects, safety_question, visits
from chalicelib.models import Guard, Property, Rejected, Ticket, keys
from chalicelib.rules import addresses, asking, leads, redaction, replies, service_levels, texting
from chalicelib.rules.triage import URGENCY_RANK, Triage, triage
from chalicelib.rules.wording import normalize
from chalicelib.tickets import claims, help, texts
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets

logger = Logger(service="tenantline")
JOIN_WINDOW = timedelta(days=3)  # a text within 3 days of the last activity on an open SMS ticket continues it
CLAIM_LEASE = 60
CLAIM_KEPT = timedelta(days=7)
MAX_TEXT = 1600  # characters: ten concatenated segments is more than any phone sends as one text
FIELDS = ("originationNumber", "destinationNumber", "messageBody", "inboundMessageId")


@dataclass(frozen=True)
class Text:
    sender: str
    to: str
    body: str
    inbound_id: str
    answers: str | None  # previousPublishedMessageId: the text of ours it replies to
    sent_at: datetime


def parse(payload, sent_at: datetime) -> Text:
    """The End User Messaging payload, checked; Invalid says what is wrong."""
    if not isinstance(payload, dict):
        raise Invalid("the message is not a JSON object")
    missing = [f for f in FIELDS if not isinstance(payload.get(f), str) or (f != "messageBody" and not payload[f])]
    if missing:
        raise Invalid(f"missing or not text: {', '.join(missing)}")
    return Text(addresses.normalize_phone(payload["originationNumber"]),
                addresses.normalize_phone(payload["destinationNumber"]), payload["messageBody"][:MAX_TEXT],
                payload["inboundMessageId"][:200], payload.get("previousPublishedMessageId") or None, sent_at)


def handle(payload, sent_at: datetime) -> dict:
    """`sent_at`: when End User Messaging published the text (the SNS timestamp), the closest to when it was
    sent that the payload gives. A malformed event is kept as a rejection, never dropped."""
    try:
        text = parse(payload, sent_at)
    except Invalid as exc:
        return reject(str(exc), payload, sent_at)
    try:
        result, replayed = claims.once(keys.sms_inbound(text.inbound_id), lambda reserved: _process(text, reserved),
                                       lease_seconds=CLAIM_LEASE, keep=CLAIM_KEPT)
    except NotFound as exc:  # nobody answers that number: nothing can reply, a human can look
        return reject(str(exc), payload, sent_at)
    return dict(result, replayed=replayed)


def reject(reason: str, payload, now: datetime) -> dict:
    entry = Rejected(sk=ids.new_id(), source="inbound_sms", reason=reason[:500],
                     event=payload if isinstance(payload, dict) else {"raw": str(payload)[:5000]},
                     received_at=times.iso(now))
    entry.save()
    return {"rejected": True, "reason": reason, "rejection_id": entry.sk}


def _process(text: Text, reserved: str) -> dict:
    prop = property_for_number(text.to)
    word = texting.keyword(text.body)
    if word:
        return _keyword(prop, text, word)
    ticket = _conversation(prop, text)
    if ticket is None:
        return _open(prop, text, reserved)
    return _continue(prop, ticket, text)


def _outcome(ticket: Ticket | None, replies_sent: list[str], keyword: str | None = None, new: bool = False) -> dict:
    return {"ticket_id": ticket.ticket_id if ticket else None, "ref": ticket.ref if ticket else None,
            "keyword": keyword, "new": new, "replies": replies_sent}


# --- STOP, START, HELP ---

def _keyword(prop: Property, text: Text, word: str) -> dict:
    """The number is self-managed for opt-outs (infra/template.yaml): we answer STOP, START and HELP in both
    languages, and keep the opt-out list End User Messaging checks in step with our record."""
    lang = _language_of(text.body, prop.property_id, text.sender)
    if word == "stop":  # the one confirmation allowed, sent before the number goes on the list
        body = replies.say("sms_stopped", lang, property=prop.name)
        _send_plain(prop, text.sender, body)
        texts.opt_out(text.sender, text.sent_at)
    elif word == "start":
        texts.opt_in(text.sender, text.sent_at)
        body = replies.say("sms_started", lang, property=prop.name)
        _send_plain(prop, text.sender, body)
    else:
        if texts.opted_out(text.sender):
            return _outcome(None, [], word)
        email = f", {prop.office_email}" if prop.office_email else ""
        body = replies.say("sms_help", lang, property=prop.name, phone=(prop.phone_numbers or ["-"])[0], email=email,
                           emergency_line=prop.emergency_line or "911")
        _send_plain(prop, text.sender, body)
    return _outcome(None, [body], word)


def _send_plain(prop: Property, to: str, body: str) -> None:
    """A keyword's answer belongs to no ticket. Sending it may fail (the carrier, the opt-out list): the
    keyword is recorded all the same, and not retried (a retry would confirm twice)."""
    try:
        texts.send(to, body, origination=texts.number_of(prop.property_id), kind="keyword")
    except (ClientError, BotoCoreError, texts.NotTexted) as exc:
        logger.warning("keyword answer not sent", extra={"error": str(exc)[:300]})


def _language_of(body: str, property_id: str, phone: str) -> str:
    """A Spanish keyword is answered in Spanish; STOP, START, HELP in the language of the resident's latest
    conversation here, else the resident list's, else English."""
    if any(w in body.lower() for w in ("alto", "parar", "ayuda", "baja", "comenzar", "iniciar", "detener")):
        return "es"
    latest = next((t for t in callers_tickets(phone, limit=5) if t.property_id == property_id), None)
    if latest is not None and latest.language in ("en", "es"):
        return latest.language
    known = properties.resident(property_id, phone)
    return known.language if known and known.language in ("en", "es") else "en"


# --- one conversation, one ticket ---

def _conversation(prop: Property, text: Text) -> Ticket | None:
    """The ticket this text continues, or None for a new conversation."""
    answered = texts.sent(text.answers)
    if answered and answered.target != "-":
        ticket = tickets.find_ticket(answered.target)
        if ticket is not None and ticket.property_id == prop.property_id:
            return ticket
    for ticket in callers_tickets(text.sender):  # open, or resolved but waiting for "was it fixed?"
        if ticket.property_id == prop.property_id and ticket.channel == "sms" and \
                (ticket.status in service_levels.OPEN_STATUSES or visits.awaiting(ticket)) and \
                text.sent_at - times.parse(ticket.updated_at) <= JOIN_WINDOW:
            return ticket
    return _started_meanwhile(prop, text)


def _started_meanwhile(prop: Property, text: Text) -> Ticket | None:
    """Two first texts at once: the conversation guard names the ticket the other one is opening. Until it
    exists this text waits (Conflict: Lambda retries the SNS delivery)."""
    guard = _conversation_guard(prop, text)
    if guard is None or guard.target is None:
        return None
    ticket = tickets.find_ticket(guard.target)
    if ticket is None and _abandoned(guard):
        return None  # that first text never became a ticket (its deliveries gave up): start afresh
    if ticket is None:
        raise Conflict("the conversation's first text is still being ticketed; retry in a moment")
    return ticket if ticket.status in service_levels.OPEN_STATUSES else None


def _conversation_key(prop: Property, text: Text) -> str:
    return f"SMSCONV#{prop.property_id}#{text.sender}"


def _conversation_guard(prop: Property, text: Text) -> Guard | None:
    try:
        guard = Guard.get(_conversation_key(prop, text), keys.GUARD, consistent_read=True)
    except Guard.DoesNotExist:
        return None
    fresh = times.parse(guard.data.get("at", "1970-01-01T00:00:00Z")) > text.sent_at - JOIN_WINDOW
    return guard if fresh else None


def _abandoned(guard: Guard) -> bool:
    """A conversation guard whose ticket was not made within the claim lease: its text's work died."""
    return time.time() - float(guard.data.get("claimed", 0)) > CLAIM_LEASE


def _claim_conversation(prop: Property, text: Text, ticket_id: str) -> None:
    """Name this ticket as the conversation's, unless another first text named its own a moment ago."""
    existing = _conversation_guard(prop, text)
    if existing is not None and existing.target != ticket_id and tickets.find_ticket(existing.target) is None \
            and not _abandoned(existing):
        raise Conflict("another first text of this conversation is being ticketed; retry in a moment")
    Guard(_conversation_key(prop, text), target=ticket_id,
          data={"at": times.iso(text.sent_at), "claimed": time.time()}).save()


def _open(prop: Property, text: Text, reserved: str) -> dict:
    removed = redaction.redact(text.body)
    body = removed.text
    result = triage(body)
    lang = result.language
    result = Triage(result.category, result.urgency, result.refer, lang, result.reasons, result.person,
                    result.confidence, asking.question(normalize(body), lang) if result.ask else None)
    name, unit = who_calls(prop.property_id, text.sender)
    ticket = tickets.find_ticket(reserved)  # a retry of a delivery that died after creating it
    if ticket is None:
        _claim_conversation(prop, text, reserved)
        ticket, _ = tickets.create_ticket(
            ticket_id=reserved, property_id=prop.property_id, channel="sms", text=body, result=result,
            contact=tickets.Requester(name, text.sender), author=name or text.sender, now=text.sent_at, unit=unit,
            message_fields={"message_id": ids.at(text.sent_at), "sms_id": text.inbound_id}, opening=True,
            ticket_fields={"source": leads.source("sms", prop.lead_sources, [text.to])})
    texts.consent(text.sender, "sms", text.sent_at)  # a first text: consent to texts about this conversation
    ticket = intake.opened(ticket, text.sent_at)
    ticket = safety_question.ask(ticket, result, text.sent_at)
    answer = _first_answer(prop, ticket, result, body, lang, text.sent_at)
    if removed.kinds:
        answer = f"{replies.redaction_notice(removed.kinds, lang)} {answer}"
    sent = delivery.text(tickets.get_ticket(ticket.ticket_id), "tenantline", answer, text.sent_at, automated=True)
    return _outcome(ticket, [sent.body] if sent.delivery == "sent" else [], new=True)


def _first_answer(prop: Property, ticket: Ticket, result: Triage, body: str, lang: str, now: datetime) -> str:
    """Safety first: 911 advice, the emergency answer or the utility; then the safety question (before the
    acknowledgement, so cutting to two segments never cuts the question); a prospect's answer (what is
    available, a booking link); a confident knowledge-base answer; else the acknowledgement (office open now,
    or when it opens)."""
    urgent = replies.sms_reply(result.refer, result.urgency, lang, ticket.ref, prop.utility_name, prop.utility_phone,
                               result.category)
    if urgent:
        return urgent
    ack = replies.sms_acknowledgement(properties.calendar(prop), now, lang, ticket.ref, prop.emergency_line)
    if safety_question.awaiting(ticket):
        return f"{ticket.safety_question} {ack}"
    if prospects.is_lead(ticket, prop):  # what is available, and a way to book a tour
        return prospects.answer("prospect_tour_sms", prop, ticket, body, lang, now)
    if result.urgency == "routine":
        answer = _help_link(prop, ticket, body, lang, now)
        if answer:
            return answer
    return ack


def _help_link(prop: Property, ticket: Ticket, body: str, lang: str, now: datetime) -> str | None:
    """The published help article that clearly answers the text (the help center's own search, as the chat
    uses): its title and link, so the answer stays within two segments. Recorded as shown; the trail says
    `kb_link`, not the chat's `kb_answer`, because a text cannot say whether it helped (deflection is chats')."""
    found = help.answering(prop.property_id, body, lang, now)
    if found is None:
        return None
    article, hit, link = found
    tickets.record(ticket, "tenantline", "kb_link", now, {"article": article.article_id, "score": hit.score})
    link = f"{link}?lang={lang}"
    answer = f"{article.published['title']}: {link} ({ticket.ref})"
    return answer if texting.segments(answer)[1] <= texting.AUTOMATIC_MAX_SEGMENTS else f"{link} ({ticket.ref})"


def _continue(prop: Property, ticket: Ticket, text: Text) -> dict:
    """A later text: on the thread at the time it was sent; read as the answer to the safety question when
    one is pending; an emergency in it raises the ticket (never lowers it)."""
    body = redaction.redact(text.body).text
    tickets.add_message(ticket, direction="inbound", author=ticket.contact_name or text.sender, body=body,
                        now=text.sent_at, channel="sms", automated=visits.quiet_answer(ticket, body),
                        fields={"message_id": ids.at(text.sent_at), "sms_id": text.inbound_id})
    ticket = tickets.get_ticket(ticket.ticket_id)
    if visits.answer(ticket, body, text.sent_at):  # "1" confirms a visit, "2" asks for other times, ...
        return _outcome(ticket, [])
    ticket, answered = safety_question.settle(ticket, body, text.sent_at)
    lang = ticket.language if ticket.language in ("en", "es") else "en"
    if answered is True:
        reply = replies.sms_reply(ticket.refer, "emergency", lang, ticket.ref, prop.utility_name, prop.utility_phone,
                                  ticket.category)
    elif answered is False:
        reply = replies.say("safety_no", lang, ref=ticket.ref, emergency_line=prop.emergency_line or "911")
    else:
        reply = _raised(prop, ticket, body, lang, text.sent_at)
    if not reply:
        return _outcome(ticket, [])
    sent = delivery.text(tickets.get_ticket(ticket.ticket_id), "tenantline", reply, text.sent_at, automated=True)
    return _outcome(ticket, [sent.body] if sent.delivery == "sent" else [])


def _raised(prop: Property, ticket: Ticket, body: str, lang: str, now: datetime) -> str | None:
    """An emergency in a later text: the ticket becomes one (paging starts from its record) and the safety
    answer goes back at once. Anything else waits for a human: no automatic reply to every text."""
    result = triage(body)
    if result.urgency != "emergency" or URGENCY_RANK[result.urgency] >= URGENCY_RANK[ticket.urgency]:
        return None
    changes = {"urgency": "emergency", "escalation": "pending", "category": result.category,
               "refer": result.refer if result.refer != "none" else ticket.refer}
    tickets.update(ticket, changes, "triage", "urgency_raised", now,
                   {"from": ticket.urgency, "to": "emergency", "reasons": list(result.reasons)},
                   recompute=lambda t: changes if t.urgency != "emergency" else None)
    return replies.sms_reply(result.refer, "emergency", lang, ticket.ref, prop.utility_name, prop.utility_phone,
                             result.category)
