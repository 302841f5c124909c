"""The satisfaction survey: asked once after a ticket is resolved, in the resident's language, through the
ticket's channel (chat: on the widget's thread; email: one signed link per score; phone: a text with a
signed link, only to a number whose resident consented), and answered once per ticket (CSAT 1-5 and/or
NPS 0-10, optional comment). A low score tells the managers and starts the 72-hour review clock.

Survey links are signed for one ticket with a key derived from the link secret for surveys only (an
acknowledgement link is not a survey link, nor the reverse), expire after rules/surveys.LINK_VALID, and
carry the ticket they were made for: changing it breaks the signature."""
from __future__ import annotations

from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PutError

from chalicelib.core import secrets, settings, signing, times
from chalicelib.core.errors import Conflict, Invalid, TenantlineError, Unauthorized
from chalicelib.lifecycle import delivery, notify, timers
from chalicelib.models import Guard, Ticket, keys
from chalicelib.rules import redaction, replies, service_levels, surveys
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets
from chalicelib.tickets import texts

KIND = "S"  # the first value of every survey token


def _secret() -> str:
    return secrets.link_secret() + "#survey"


def link(ticket_id: str, via: str, now: datetime, score: int | None = None) -> str:
    token = signing.short_sign([KIND, ticket_id, via, "" if score is None else str(score)], _secret(),
                               int(surveys.LINK_VALID.total_seconds()), now.timestamp())
    return f"{settings.public_api_url()}/survey/{token}"


def read_token(token: str, now: datetime) -> tuple[str, str, int | None]:
    """(ticket id, channel it was sent by, the score the link stands for or None). 401 when forged or expired."""
    values = signing.short_verify(token, _secret(), now.timestamp())
    if len(values) != 4 or values[0] != KIND or not values[1]:
        raise Unauthorized("this link is not valid")
    _, ticket_id, via, score = values
    return ticket_id, via, int(score) if score.isdigit() else None


def answered(ticket: Ticket) -> bool:
    return ticket.csat is not None or ticket.nps is not None


# --- asking ---

def ask(ticket: Ticket, now: datetime) -> Ticket:
    """Once per ticket, the first time it is resolved (intake.status_changed): later resolutions (after a
    reopen) do not ask again, nor does a ticket already rated (a call-back survey taken by staff)."""
    if answered(ticket):
        return ticket
    try:
        Guard(keys.survey_asked(ticket.ticket_id), target=ticket.ticket_id,
              data={"at": times.iso(now)}).save(condition=Guard.pk.does_not_exist())
    except PutError:
        return ticket  # asked already (or another delivery of this resolution is asking)
    via, reason = _send(ticket, now)
    detail = {"via": via, **({"reason": reason} if reason else {})}
    # A text held for texting hours is not sent yet: its clock sets sent_at when it goes.
    sent = {"survey_sent_at": None if via == "sms_later" else times.iso(now), "survey_sent_via": via}
    return tickets.update(tickets.get_ticket(ticket.ticket_id), sent, "system", "survey_sent", now, detail,
                          recompute=lambda t: None if t.survey_sent_via else sent)


def _send(ticket: Ticket, now: datetime) -> tuple[str, str | None]:
    """The channel the survey went by (chat, email, sms) or none, with why not."""
    prop = properties.get_property(ticket.property_id)
    lang = ticket.language if ticket.language in ("en", "es") else "en"
    try:
        if ticket.channel == "chat":
            delivery.reply(ticket, "tenantline", replies.say("survey_chat", lang, ref=ticket.ref, property=prop.name),
                           now, automated=True)
            return "chat", None
        if ticket.channel == "email":
            if not ticket.contact_email:
                return "none", "no email address"
            names = replies.say("survey_score_names", lang).split("|")
            links = "\n".join(f"{name}: {link(ticket.ticket_id, 'email', now, score)}"
                              for score, name in enumerate(names, 1))
            days = surveys.LINK_VALID.days
            delivery.reply(ticket, "tenantline", replies.say("survey_email", lang, ref=ticket.ref, links=links,
                                                             days=days), now, automated=True)
            return "email", None
        if ticket.channel == "voice":
            try:  # a proactive text: consent on record, and never after STOP (tickets/texts.py)
                texts.check(ticket.property_id, ticket.contact_phone, proactive=True)
            except texts.NotTexted as exc:
                return "none", str(exc)
            send_at = surveys.text_at(now, prop.timezone)
            if send_at > now:  # not at night: the timer texts at 08:00 (due_actions "survey_text")
                timers.start(f"survey-text-{ticket.ticket_id}", "sla_clock",
                             {"clock": "survey_text", "ticket_id": ticket.ticket_id}, send_at, now)
                return "sms_later", f"texting hours: texted at {times.iso(send_at)}"
            text_survey(ticket, now)
            return "sms", None
    except (ClientError, BotoCoreError, TenantlineError) as exc:
        return "none", f"sending failed: {str(exc)[:200]}"
    return "none", f"no survey on the {ticket.channel} channel"


def text_survey(ticket: Ticket, now: datetime) -> None:
    """The survey text with its one signed link (the link's life starts now)."""
    prop = properties.get_property(ticket.property_id)
    lang = ticket.language if ticket.language in ("en", "es") else "en"
    text = replies.say("survey_sms", lang, property=prop.name, ref=ticket.ref, link=link(ticket.ticket_id, "sms", now))
    texts.send(ticket.contact_phone, text, origination=texts.number_of(ticket.property_id), ticket_id=ticket.ticket_id,
               kind="survey")


def text_held_survey(ticket: Ticket, now: datetime) -> str:
    """The texting-hours clock woke (due_actions): send it, and say so on the ticket."""
    text_survey(ticket, now)
    sent = {"survey_sent_at": times.iso(now), "survey_sent_via": "sms"}
    tickets.update(ticket, sent, "system", "survey_sent", now, {"via": "sms", "held_for": "texting hours"},
                   recompute=lambda t: sent if t.survey_sent_via == "sms_later" else None)
    return "survey texted"


# --- answering ---

def record(ticket_id: str, csat: int | None, nps: int | None, comment: str | None, by: str, via: str,
           now: datetime) -> Ticket:
    """The ticket's one answer. A second answer, by any route, is a Conflict (409)."""
    problem = surveys.check(csat, nps)
    if problem:
        raise Invalid(problem)
    comment = redaction.clean((comment or "").strip())[:surveys.COMMENT_MAX] or None
    ticket = tickets.get_ticket(ticket_id)
    if answered(ticket):
        raise Conflict(f"{ticket.ref} was already rated {surveys.label(ticket.csat, ticket.nps)}: "
                       "a ticket takes one answer")
    answer = {"csat": csat, "nps": nps, "survey_comment": comment, "survey_via": via, "csat_at": times.iso(now)}
    low = surveys.is_low(csat, nps)
    # A clock firing on the ticket at that moment must not refuse the resident's answer: re-apply it (but a
    # second answer racing the first does not overwrite it).
    ticket = tickets.update(ticket, answer, by, "csat", now,
                            {"csat": csat, "nps": nps, "via": via, "low": low, "comment": bool(comment)},
                            recompute=lambda t: None if answered(t) else answer)
    if (ticket.csat, ticket.nps, ticket.csat_at) != (csat, nps, answer["csat_at"]):
        raise Conflict(f"{ticket.ref} was already rated: a ticket takes one answer")
    if service_levels.needs_review(csat, nps):
        notify.managers(ticket.property_id, f"Low satisfaction on {ticket.ref}",
                        f"A resident rated {ticket.ref} {surveys.label(csat, nps)}"
                        f"{': ' + repr(comment) if comment else ''}. Please review within "
                        f"{service_levels.hours(service_levels.CSAT_REVIEW_WITHIN)} hours.", sms=False)
        ticket = timers.start_clocks(ticket, [service_levels.csat_review_clock(now)], now,
                                     suffix=f"-v{ticket.version}")
    return ticket


def link_view(token: str, now: datetime) -> dict:
    ticket_id, via, score = read_token(token, now)
    ticket = tickets.get_ticket(ticket_id)
    prop = properties.get_property(ticket.property_id)
    return {"ref": ticket.ref, "property": prop.name, "language": ticket.language, "via": via,
            "csat": score, "answered": answered(ticket),
            "questions": {"csat": replies.say("survey_question_csat", ticket.language, ref=ticket.ref),
                          "nps": replies.say("survey_question_nps", ticket.language, property=prop.name),
                          "comment": replies.say("survey_comment", ticket.language)}}


def answer_by_link(token: str, csat: int | None, nps: int | None, comment: str | None, now: datetime) -> dict:
    """The resident pressing Send on the link's page; the link's own score stands when the form leaves csat out."""
    ticket_id, via, score = read_token(token, now)
    ticket = record(ticket_id, score if csat is None else csat, nps, comment, "resident", via, now)
    return {"ref": ticket.ref, "csat": _int(ticket.csat), "nps": _int(ticket.nps),
            "thanks": replies.say("survey_thanks", ticket.language, ref=ticket.ref)}


def _int(value) -> int | None:
    return None if value is None else int(value)

