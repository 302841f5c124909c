"""Website chat: sessions, resident messages and our automatic answers. Every session has one ticket,
created by its first message; the session token (kept only as a hash) reads that session alone."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.core import ids, settings, times
from chalicelib.core.errors import Conflict, Forbidden, Gone, Invalid, NotFound, TooLarge, TooMany, Unauthorized
from chalicelib.lifecycle import intake, prospects, safety_question
from chalicelib.models import ChatSession, Message, Ticket, keys
from chalicelib.models.base import condition_failed, transaction
from chalicelib.rules import asking, help_text, leads, redaction, replies, surveys
from chalicelib.rules.triage import URGENCY_RANK, Triage, triage
from chalicelib.rules.wording import normalize
from chalicelib.tickets import claims, help, limits
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets
from chalicelib.tickets.views import message_view

LANGUAGES = ("en", "es")
CLAIM_LEASE = 30  # seconds: longer than API Gateway waits for an answer
CLAIM_KEPT = timedelta(days=7)
CHAT_ANSWER_CHARS = 320  # of an article's text in a chat answer; the link has the rest


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(*, property_id: str, now: datetime, language: str | None = None,
                   contact: tickets.Requester = tickets.Requester(), unit: str | None = None,
                   client: str | None = None, campaign: str | None = None,
                   discovery: str | None = None) -> tuple[ChatSession, str, str]:
    """`client`: the caller's address; a few dozen chats an hour from one address is a script, not a building.
    `campaign` and `discovery`: where a prospect came from (rules/leads.py), kept for the ticket."""
    if language is not None and language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    prop = properties.get_property(property_id)
    token = ids.new_token()
    session = ChatSession(ids.new_id(), token_hash=_hash(token), property_id=property_id, language=language,
                          contact_name=contact.name, contact_phone=contact.phone, contact_email=contact.email,
                          unit=unit, campaign=campaign, discovery=leads.discovery(discovery),
                          created_at=times.iso(now), expires_at=now + timedelta(hours=settings.CHAT_SESSION_TTL_HOURS))
    if not client:
        session.save(condition=ChatSession.session_id.does_not_exist())
    else:  # the session and the count of its address's chats: one transaction, neither without the other
        counter, actions, condition = limits.use("chat-session", client, settings.CHAT_SESSIONS_PER_CLIENT_HOUR,
                                                 3600, now)
        try:
            with transaction() as tx:
                tx.save(session, condition=ChatSession.session_id.does_not_exist())
                tx.update(counter, actions=actions, condition=condition)
        except TransactWriteError as exc:
            if condition_failed(exc, 1):
                raise TooMany("too many chats were started from your network this hour; please try again later") \
                    from None
            raise
    return session, token, replies.say("greeting", language or "en", property=prop.name)


def authorize(session_id: str, token: str | None) -> ChatSession:
    if not token:
        raise Unauthorized("this chat session needs its session token")
    try:
        session = ChatSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"no chat session {session_id}") from None
    if not hmac.compare_digest(session.token_hash, _hash(token)):
        raise Forbidden("this token belongs to another chat session")
    return session


def validate_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("text must be a non-empty string")
    if len(text.encode("utf-8")) > settings.MAX_CHAT_MESSAGE_BYTES:
        raise TooLarge(f"a message may be at most {settings.MAX_CHAT_MESSAGE_BYTES} bytes")
    return text.strip()


def open_for_messages(session: ChatSession, now: datetime) -> None:
    """An ended chat takes no more messages (its thread can still be read until DynamoDB deletes it)."""
    if now > session.expires_at:
        raise Gone("this chat has ended; please start a new one")


def post_message(session: ChatSession, text: str, now: datetime, client_message_id: str | None = None) -> dict:
    """A retried `client_message_id` gets the first answer back (`replayed`)."""
    text = validate_text(text)
    open_for_messages(session, now)
    if not limits.within("chat-message", session.session_id, settings.CHAT_MESSAGES_PER_SESSION_MINUTE, 60, now):
        raise TooMany("too many messages in a minute; please wait a moment")
    if client_message_id is None:
        return dict(_handle(session, text, now), replayed=False)
    if not isinstance(client_message_id, str) or not 0 < len(client_message_id) <= 100:
        raise Invalid("client_message_id must be a string of 1 to 100 characters")
    result, replayed = claims.once(keys.chat_message_claims(session.session_id),
                                   lambda reserved: _handle(session, text, now, reserved), lease_seconds=CLAIM_LEASE,
                                   keep=CLAIM_KEPT, item=client_message_id)
    return dict(result, replayed=replayed)


def _handle(session: ChatSession, text: str, now: datetime, reserved: str | None = None) -> dict:
    """`reserved`: the id the message's once-only claim keeps across retries; a first message opens its ticket
    under it, so a retry after an attempt that died half-way finds that ticket its own (_resume)."""
    removed = redaction.redact(text)  # card, SSN and bank numbers never go further than this line
    text = removed.text
    result = triage(text)
    language = session.language or result.language
    result = _in(result, language, text)
    author = session.contact_name or "resident"
    out: list[Message] = []
    # One conversation, one ticket: the session's claim of its ticket id (a conditional write) is written in the
    # ticket's own transaction, so the first message to create it wins; messages racing it fail that claim and
    # join the ticket instead of opening another.
    if session.ticket_id:  # None from find_ticket: an id claimed before tickets were written with their claim
        ticket_id, claim, ticket = session.ticket_id, None, tickets.find_ticket(session.ticket_id)
        if ticket is not None and ticket_id == reserved:  # this very message opened it, in an attempt that died
            return _resume(ticket, result, text, language, removed, now)
    else:
        ticket_id, ticket = reserved or ids.new_id(), None
        claim = (session, [ChatSession.ticket_id.set(ticket_id)], ChatSession.ticket_id.does_not_exist())
    inbound, answered_from, replied, offered = None, [], [], []
    if ticket is None:
        contact = tickets.Requester(session.contact_name, session.contact_phone, session.contact_email)
        if result.urgency == "routine" and result.refer == "none" and not result.ask:
            help.property_and_index(session.property_id, language)  # the reply searches the help center: one read

        def first_reply(new: Ticket) -> list:
            """The automatic reply to a first message, written with its ticket; not when it asks the safety
            question (that is a write of its own first: safety_question.ask)."""
            answered_from.clear()
            replied.clear()
            offered.clear()
            if result.ask and result.urgency != "emergency":
                return []
            noted: list = []  # the help answer's audit entry, when it answers from an article
            reply = _auto_reply(new, result, text, language, now, True, answered_from, noted, offered)
            replied.extend(_replied(new, removed, language, reply, now))  # [the message, its audit entry] or []
            return replied + noted
        try:
            ticket, inbound = tickets.create_ticket(
                ticket_id=ticket_id, property_id=session.property_id, channel="chat", text=text,
                result=result, contact=contact, author=author, now=now, unit=session.unit,
                chat_session_id=session.session_id, opening=True, claim=claim, with_items=first_reply,
                ticket_fields={"source": leads.source("chat", campaign_name=session.campaign),
                               "discovery": session.discovery})
            session.ticket_id = ticket_id
        except tickets.TicketExists:  # another message created it under the id claimed before
            ticket = tickets.get_ticket(ticket_id)
        except tickets.ClaimTaken:  # another first message of this conversation created it a moment ago
            session.refresh(consistent_read=True)
            ticket = tickets.get_ticket(session.ticket_id)
    first, answered = inbound is not None, None
    if first:
        ticket = intake.opened(ticket, now)
        if answered_from:  # shown in the reply written with the ticket
            help.record_use([a["id"] for a in answered_from], "shown", now)
    else:
        answered_from.clear()  # a reply drawn up for a ticket that another message created
        replied.clear()
        offered.clear()
        moves_on = ticket.status in ("waiting_on_resident", "resolved", "closed")  # this message changes its status
        inbound = tickets.add_message(ticket, direction="inbound", author=author, body=text, now=now)
        if moves_on:  # what follows (an urgency raise, its queue position) works from the status it has now
            ticket = tickets.get_ticket(ticket.ticket_id)
        ticket, answered = safety_question.settle(ticket, text, now)
        if answered is None:
            ticket = _raise_urgency(ticket, result, now)
    if replied:
        out.append(replied[0])  # the reply, written with the ticket
    else:
        if answered is None:
            ticket = safety_question.ask(ticket, result, now)
            reply = _auto_reply(ticket, result, text, language, now, first, answered_from, offered=offered)
        else:
            reply = _after_answer(ticket, answered, language)
        out += _posted(ticket, removed, language, reply, now)
    return _answer(ticket, language, [inbound, *out], answered_from, offered)


def _posted(ticket: Ticket, removed, language: str, reply: str | None, now: datetime) -> list[Message]:
    """Our automatic reply added to the thread ([] when there is none). The ticket in hand is the one this
    message's writes left (each returns it as written, the version advanced): no read back. Should another writer
    have changed it meanwhile, the reply's versioned write re-reads and retries (tickets.update); an automated
    reply changes nothing on the ticket but updated_at."""
    reply = _with_notice(removed, language, reply)
    if not reply:
        return []
    return [tickets.add_message(ticket, direction="outbound", author="tenantline", body=reply, now=now,
                                automated=True)]


def _resume(ticket: Ticket, result: Triage, text: str, language: str, removed, now: datetime) -> dict:
    """Finish a first message whose earlier attempt wrote its ticket and died before the end (its client retried
    the same client_message_id): start its clocks (named timers: one already started is left as it is) and
    answer it if it was not answered, without adding the message twice."""
    ticket = intake.opened(ticket, times.parse(ticket.created_at))
    thread = tickets.thread(ticket.ticket_id)
    inbound = next(m for m in thread if m.direction == "inbound")
    out = [m for m in thread if m.direction == "outbound"]
    if not out:
        ticket = safety_question.ask(ticket, result, now)
        out = _posted(ticket, removed, language, _auto_reply(ticket, result, text, language, now, True, []), now)
    return _answer(ticket, language, [inbound, *out], [], [])


def _answer(ticket: Ticket, language: str, messages: list, answered_from: list, offered: list) -> dict:
    asked = ticket.safety_question if safety_question.awaiting(ticket) else None
    return {"ticket_id": ticket.ticket_id, "ref": ticket.ref, "urgency": ticket.urgency,
            "category": ticket.category, "refer": ticket.refer, "language": language,
            "ask": asked, "quick_replies": asking.QUICK_REPLIES[language] if asked else [],
            "messages": [message_view(m) for m in messages],
            # The help article the answer came from: the widget asks whether it answered (POST …/helpful).
            "article": answered_from[0] if answered_from else None,
            # The tour the answer offered: the widget opens its booking panel (the link in the text stays for
            # any other client).
            "tour": offered[0] if offered else None}


def _in(result: Triage, language: str, text: str) -> Triage:
    """The triage in the conversation's language (a session may have chosen one)."""
    ask = asking.question(normalize(text), language) if result.ask else None
    return Triage(result.category, result.urgency, result.refer, language, result.reasons, result.person,
                  result.confidence, ask)


def _raise_urgency(ticket: Ticket, result: Triage, now: datetime) -> Ticket:
    """A later message can make a ticket more urgent (never less: only staff lower urgency)."""
    if URGENCY_RANK[result.urgency] >= URGENCY_RANK[ticket.urgency]:
        return ticket
    changes = {"urgency": result.urgency, "category": result.category if result.urgency == "emergency"
               else ticket.category, "refer": result.refer if result.refer != "none" else ticket.refer}
    if result.urgency == "emergency":
        changes["escalation"] = "pending"
    return tickets.update(ticket, changes, "triage", "urgency_raised", now,
                          {"from": ticket.urgency, "to": result.urgency, "reasons": list(result.reasons)})


def _after_answer(ticket: Ticket, yes: bool, language: str) -> str:
    prop = properties.get_property(ticket.property_id)
    if yes:
        return replies.triage_reply(ticket.refer, "emergency", language, ticket.ref, category=ticket.category)
    return replies.say("safety_no", language, ref=ticket.ref, emergency_line=prop.emergency_line or "911")


def _with_notice(removed, language: str, reply: str | None) -> str | None:
    """A message whose card, SSN or bank numbers were removed is told so, with where to pay instead."""
    if not removed.kinds:
        return reply
    notice = replies.redaction_notice(removed.kinds, language)
    return f"{notice} {reply}" if reply else notice


def _replied(ticket: Ticket, removed, language: str, reply: str | None, now: datetime) -> list:
    """The items of a first automatic reply written with its ticket: the message first, then its audit entry."""
    reply = _with_notice(removed, language, reply)
    return tickets.automated_reply(ticket, reply, now) if reply else []


def _auto_reply(ticket: Ticket, result: Triage, text: str, language: str, now: datetime, first: bool,
                answered_from: list, written: list | None = None, offered: list | None = None) -> str | None:
    """`written`: a list to put the help answer's audit entry in, for a reply written with a new ticket (whose
    caller then records the article as shown); otherwise both are written here. `offered`: gets the tour a
    prospect's answer offers (the widget opens its booking panel)."""
    prop = properties.get_property(ticket.property_id)
    if result.urgency == "emergency" or result.refer != "none":  # paging starts from the ticket's record
        return replies.triage_reply(result.refer, result.urgency, language, ticket.ref, prop.utility_name,
                                    prop.utility_phone, result.category)
    if safety_question.awaiting(ticket) and ticket.safety_question == result.ask:  # asked just now, in this message
        return f"{replies.acknowledgement(properties.calendar(prop), now, language, ticket.ref, prop.emergency_line)}" \
               f" {result.ask}"
    if first and prospects.is_lead(ticket, prop):  # answered at once: what is available, and a way to book
        if offered is not None:
            offered.append({"property_id": prop.property_id, "url": prospects.booking_link(prop, language)})
        return prospects.answer("prospect_tour", prop, ticket, text, language, now)
    if result.urgency == "routine":
        answer = _help_answer(ticket, text, language, now, answered_from, written)
        if answer:
            return answer
    if first:
        return replies.acknowledgement(properties.calendar(prop), now, language, ticket.ref, prop.emergency_line)
    return None


def _help_answer(ticket: Ticket, text: str, language: str, now: datetime, answered_from: list,
                 written: list | None = None) -> str | None:
    """The published help article that answers the message, when one clearly does (the help center's own
    search, so the chat and the help center never disagree): its words, a link to all of it, and the
    question whether it answered, which the widget shows as Yes / No (answer_helpful)."""
    found = help.answering(ticket.property_id, text, language, now, shown=written is None)
    if found is None:
        return None
    article, hit, link = found
    entry = tickets.entry(ticket, "tenantline", "kb_answer", now,
                          {"article": article.article_id, "version": article.published_version, "score": hit.score,
                           "coverage": hit.coverage})
    if written is None:
        entry.save()
    else:
        written.append(entry)
    words = help_text.snippet(article.published["body"], CHAT_ANSWER_CHARS)
    answered_from.append({"id": article.article_id, "title": article.published["title"], "url": link})
    return replies.say("kb_answer", language, title=article.published["title"], text=words, link=link, ref=ticket.ref)


def answer_helpful(session: ChatSession, helpful: bool, now: datetime) -> dict:
    """The resident's Yes / No to the automatic answer (the article the chat last answered with). Yes, while no one
    from the office has replied, resolves the ticket by itself (self-service: the deflection KPI counts it); No
    leaves it for staff. Once per ticket."""
    ticket = tickets.find_ticket(session.ticket_id) if session.ticket_id else None
    trail = tickets.audit_trail(ticket.ticket_id) if ticket else []
    answers = [a.detail["article"] for a in trail if a.action == "kb_answer"]
    if not answers:
        raise Invalid("this chat was not answered from the help center")
    if any(a.action == "kb_helpful" for a in trail):
        raise Conflict("this answer was already rated")
    article_id = answers[-1]
    language = session.language or ticket.language
    help.record_use([article_id], "helpful" if helpful else "unhelpful", now)
    self_served = helpful and ticket.first_response_at is None and ticket.status == "new"
    tickets.record(ticket, "resident", "kb_helpful", now,
                   {"article": article_id, "helpful": helpful, "self_served": self_served})
    if self_served:
        tickets.change_status(ticket.ticket_id, "resolved", "tenantline", now, note="answered by the help center")
    reply = replies.say("kb_helped" if helpful else "kb_not_helped", language, ref=ticket.ref)
    message = tickets.add_message(tickets.get_ticket(ticket.ticket_id), direction="outbound", author="tenantline",
                                  body=reply, now=now, automated=True)
    return {"ref": ticket.ref, "helpful": helpful, "resolved": self_served, "messages": [message_view(message)]}


def messages_since(session: ChatSession, after: str | None) -> list[dict]:
    if after is not None and (not isinstance(after, str) or not ids.is_id(after)):
        raise Invalid("after must be the id of a message in this conversation")
    if not session.ticket_id:
        return []
    return [message_view(m) for m in tickets.thread(session.ticket_id, after)]


def survey_state(session: ChatSession) -> dict | None:
    """What the widget needs to show the satisfaction survey: asked (the question is on the thread), answered
    already or not, the scales, and where the answer goes. None until the ticket's resolution asks it."""
    ticket = tickets.find_ticket(session.ticket_id) if session.ticket_id else None
    if ticket is None or not ticket.survey_sent_at:
        return None
    return {"asked_at": ticket.survey_sent_at, "answered": ticket.csat is not None or ticket.nps is not None,
            "csat_scale": list(surveys.CSAT_SCALE), "nps_scale": list(surveys.NPS_SCALE),
            "answer_to": f"/chat/sessions/{session.session_id}/csat"}
