"""The phone channel: what the connect_contact Lambda answers when a Connect flow asks.

The flow (connect_flows/inbound.json) does the talking; this decides. `lookup` finds the property by
the number dialled and the resident by the caller's number; `route` turns the call into a ticket and
says where it goes: a queue (office open), a page (emergency), a referral (911, the utility) or a
message held for the office. Everything returned is a flat map of strings, as Connect requires, and
every prompt is in the caller's language. A retried invocation for the same contact answers the same."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.channels.voice import contact_events
from chalicelib.core import aws
from chalicelib.core.errors import Invalid, NotFound
from chalicelib.escalation import patch
from chalicelib.lifecycle import digest, intake, notify, prospects
from chalicelib.models import Lookup, Person, Property, Ticket, keys
from chalicelib.rules import addresses, leads, replies, service_levels
from chalicelib.rules.calendar import is_open, local_label, next_open
from chalicelib.rules.triage import Triage, triage
from chalicelib.tickets import claims
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets

CONNECT_CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
INTENTS = ("emergency", "maintenance", "leasing", "billing", "person", "other")
QUEUED_INTENTS = ("maintenance", "leasing", "billing")  # anything else waits in the general queue
TEAMS = {"en": {"maintenance": "maintenance", "leasing": "leasing", "billing": "billing", "general": "office"},
         "es": {"maintenance": "mantenimiento", "leasing": "arrendamiento", "billing": "pagos",
                "general": "oficina"}}
CLAIM_LEASE = 8  # seconds: Connect gives up on a Lambda after 8
CLAIM_KEPT = timedelta(days=30)
MISSED = {"en": "(missed call: the caller hung up before the call was routed; call them back)",
          "es": "(llamada perdida: la persona colgó antes de que se atendiera la llamada; devolver la llamada)"}
NO_WORDS = {"en": "(phone call: no words recognised; the call recording is the description)",
            "es": "(llamada: no se reconocieron palabras; la grabación de la llamada es la descripción)"}


@dataclass(frozen=True)
class Call:
    contact_id: str
    channel: str
    caller: str | None  # E.164, or None when the number is withheld
    dialled: str | None
    attributes: dict
    parameters: dict
    language: str
    instance_arn: str | None


def parse(event) -> Call:
    """Connect's contact-flow event. The channel is read raw: it may be VOICE, CHAT, TASK or EMAIL."""
    from aws_lambda_powertools.utilities.data_classes import ConnectContactFlowEvent

    if not isinstance(event, dict) or event.get("Name") != "ContactFlowEvent" or \
            not isinstance(event.get("Details"), dict):
        raise Invalid("not an Amazon Connect contact flow event")
    flow_event = ConnectContactFlowEvent(event)
    data = event["Details"].get("ContactData") or {}
    if not data.get("ContactId"):
        raise Invalid("the contact flow event has no ContactId")
    channel = str(data.get("Channel") or "").upper()
    if channel not in CONNECT_CHANNELS:
        raise Invalid(f"unknown channel {data.get('Channel')!r}")
    attributes = {str(k): str(v) for k, v in (data.get("Attributes") or {}).items()}
    parameters = {str(k): "" if v is None else str(v) for k, v in (flow_event.parameters or {}).items()}
    language = parameters.get("language") or attributes.get("language") or data.get("LanguageCode") or "en"
    return Call(contact_id=data["ContactId"], channel=channel,
                caller=_phone((data.get("CustomerEndpoint") or {}).get("Address")) if channel == "VOICE" else None,
                dialled=(data.get("SystemEndpoint") or {}).get("Address"), attributes=attributes,
                parameters=parameters, language="es" if language.lower().startswith("es") else "en",
                instance_arn=data.get("InstanceARN"))


def _phone(raw: str | None) -> str | None:
    try:
        return addresses.normalize_phone(raw)
    except Invalid:
        return None  # withheld or unknown numbers are normal on the phone


def yes(flag: bool) -> str:
    return "true" if flag else "false"


# --- lookup: who is calling which property ---

def property_for_number(number: str | None) -> Property:
    try:
        property_id = Lookup.get(keys.lookup_pk("PHONE"), number or "-").property_id
    except DoesNotExist:
        raise NotFound(f"no property answers {number}") from None
    return properties.get_property(property_id)


def callers_tickets(phone: str | None, limit: int = 20) -> list[Ticket]:
    """The caller's tickets, newest first."""
    if not phone:
        return []
    return list(Ticket.by_phone.query(phone, scan_index_forward=False, limit=limit))


def lookup(call: Call, now: datetime) -> dict:
    prop = property_for_number(call.dialled)
    lang = call.language
    history = callers_tickets(call.caller)
    mine = [t for t in history if t.status in service_levels.OPEN_STATUSES and t.property_id == prop.property_id]
    name, _unit = who_calls(prop.property_id, call.caller, history)
    # Kept with the contact: if the caller hangs up before the flow routes the call, it is still a ticket.
    contact_events.remember(call.contact_id, {"property_id": prop.property_id, "caller": call.caller or "",
                                              "language": lang})
    greeting = replies.say("call_greeting", lang, property=prop.name)
    if name:
        greeting += replies.say("call_known", lang, name=name.split()[0])
    if mine:
        greeting += replies.say("call_open_ticket", lang, ref=mine[0].ref, summary=mine[0].summary[:80])
    return {"property_id": prop.property_id, "property_name": prop.name, "hours_id": prop.connect_hours_arn or "",
            "office_open": yes(is_open(properties.calendar(prop), now)), "caller_known": yes(bool(name or history)),
            "caller_name": name or "", "open_ticket_ref": mine[0].ref if mine else "",
            "prompt_greeting": greeting, "prompt_menu": replies.say("call_menu", lang),
            "prompt_describe": replies.say("call_describe", lang), "prompt_person": replies.say("call_person", lang),
            "prompt_invalid": replies.say("call_invalid", lang)}


# --- route: the ticket and where the call goes ---

def route(call: Call, now: datetime) -> dict:
    return _once(call.contact_id, "route", now, lambda new_id: _route(call, new_id, now))


def _route(call: Call, new_id: str, now: datetime) -> dict:
    prop = property_for_number(call.dialled)
    intent = call.parameters.get("intent") if call.parameters.get("intent") in INTENTS else "other"
    text = call.parameters.get("transcript", "").strip()
    result = assess(text, intent, call.language, properties.staff(prop.property_id))
    where = decide(result, call.parameters.get("office_open") == "true")
    person = put_through_to(result, prop) if where == "queue" else None  # office open: asked for by name
    where = "person" if person else where
    # An earlier attempt for this contact that died after creating its ticket (under the reserved id) is
    # resumed by _open; otherwise a known caller's open ticket about the same problem takes the call.
    # The caller's tickets are read once, for both questions (who_calls looks at the newest 5 of them).
    resumed = tickets.find_ticket(new_id)
    history = None if resumed is not None or not _may_join(result, where) else callers_tickets(call.caller)
    ticket = _same_problem_ticket(call, prop, result, where, history) if history is not None else None
    body = text or NO_WORDS[call.language]
    name, unit = who_calls(prop.property_id, call.caller, None if history is None else history[:5])
    if ticket is not None:
        tickets.add_message(ticket, direction="inbound", author=name or call.caller or "caller", body=body, now=now,
                            channel="voice", fields={"message_id": new_id, "contact_id": call.contact_id})
        ticket = tickets.get_ticket(ticket.ticket_id)
    else:
        ticket = _open(call, prop, result, body, name, unit, new_id, now, found=resumed)
    contact_events.link(call.contact_id, ticket.ticket_id, now)
    return answer(where, ticket, result, prop, call.language, now, person)


def assess(text: str, intent: str, language: str, staff: list[Person]) -> Triage:
    """Triage of what the caller said, sharpened by the menu choice. Choosing "emergency" always pages:
    the caller may not have found the words, and on-call staff can downgrade it."""
    found = triage(text) if text else Triage("general", "routine", "none", language,
                                              ["no words recognised: the call recording is the description"])
    category, urgency, reasons, person = found.category, found.urgency, list(found.reasons), found.person
    if intent == "emergency" and urgency != "emergency":
        category, urgency = "maintenance", "emergency"
        reasons.insert(0, "the caller chose emergency maintenance")
    elif urgency == "emergency" or found.refer != "none":
        pass  # what was said outranks the menu
    elif intent == "maintenance" and category not in ("maintenance", "complaint"):
        category = "maintenance"
    elif intent in ("leasing", "billing"):
        category = intent
    elif intent == "person":
        named = digest.person_named(person, staff) or named_in(text, staff)
        category, person = "message", named.name if named else person
        reasons.insert(0, f"message for {person}" if person else "message for the office")
    return Triage(category, urgency, found.refer, language, reasons, person if category == "message" else None)


def put_through_to(result: Triage, prop: Property) -> Person | None:
    """The staff member a caller asked for by name, when they take transferred calls and have a number."""
    if result.category != "message" or not result.person:
        return None
    named = digest.person_named(result.person, properties.staff(prop.property_id))
    return named if named and named.takes_transfers and named.phone else None


def named_in(text: str, staff: list[Person]) -> Person | None:
    words = set(re.findall(r"\w+", text.lower()))
    return next((p for p in staff if {p.name.split()[0].lower(), p.name.split()[-1].lower()} & words), None)


def decide(result: Triage, office_open: bool) -> str:
    if result.refer != "none":
        return "refer"
    if result.urgency == "emergency":
        return "page"
    return "queue" if office_open else "message"


def _may_join(result: Triage, where: str) -> bool:
    """Whether a call may be added to the caller's open ticket (not a page, a referral or a message)."""
    return where not in ("page", "refer") and result.category != "message"


def _same_problem_ticket(call: Call, prop: Property, result: Triage, where: str,
                         history: list[Ticket] | None = None) -> Ticket | None:
    """A known caller ringing again about the same kind of problem adds to their open ticket (`history`: the
    caller's tickets, newest first, when already read)."""
    if not _may_join(result, where):
        return None
    history = callers_tickets(call.caller) if history is None else history
    return next((t for t in history if t.property_id == prop.property_id
                 and t.status in service_levels.OPEN_STATUSES and t.category == result.category), None)


def who_calls(property_id: str, phone: str | None, history: list[Ticket] | None = None) -> tuple[str | None, str | None]:
    """The caller's name and unit: from the resident directory, else the name on their latest ticket."""
    known = properties.resident(property_id, phone)
    if known:
        return known.name, known.unit
    history = callers_tickets(phone, limit=5) if history is None else history
    return next((t.contact_name for t in history if t.contact_name), None), None


_UNREAD = object()


def _open(call: Call, prop: Property, result: Triage, body: str, name: str | None, unit: str | None,
          ticket_id: str, now: datetime, found=_UNREAD) -> Ticket:
    """`found`: the ticket under `ticket_id` when the caller has just read it (None: there is none)."""
    # An earlier attempt for this contact may have got this far.
    ticket = tickets.find_ticket(ticket_id) if found is _UNREAD else found
    if ticket is None:
        ticket, _ = tickets.create_ticket(
            ticket_id=ticket_id, property_id=prop.property_id, channel="voice", text=body, result=result,
            contact=tickets.Requester(name, call.caller), author=name or call.caller or "caller", now=now,
            unit=unit, message_fields={"contact_id": call.contact_id}, opening=True,
            ticket_fields={"source": leads.source("voice", prop.lead_sources, [call.dialled])})
    return intake.opened(ticket, now)


def answer(where: str, ticket: Ticket, result: Triage, prop: Property, lang: str, now: datetime,
           person: Person | None = None) -> dict:
    # An emergency in office hours is queued first in line for a CSR (maintenance) while on call is paged.
    queue = next((i for i in QUEUED_INTENTS if i == ticket.category), "general") if where == "queue" else \
        "maintenance" if where == "page" else ""
    ref = ticket.ref
    if where == "refer" and result.refer == "utility":
        say = replies.say("call_utility", lang, ref=ref, utility=prop.utility_name or "your electric utility",
                          utility_phone=f", {prop.utility_phone}" if prop.utility_phone else "")
    elif where == "refer":
        say = replies.say("call_911", lang, ref=ref)
    elif where == "page":
        say = replies.say("call_page", lang, ref=ref)
    elif where == "queue" and queue == "leasing" and prospects.is_lead(ticket, prop) and \
            prospects.text_caller(prop, ticket, now):
        say = prospects.answer("call_prospect", prop, ticket, "", lang, now)
    elif where == "queue":
        say = replies.say("call_queue", lang, ref=ref, team=TEAMS[lang][queue])
    elif where == "person":
        say = replies.say("call_put_through", lang, name=person.name.split()[0])
    else:
        say = message_taken(ticket, prop, lang, now)
    return {"route": where, "ticket_id": ticket.ticket_id, "ticket_ref": ref, "queue": queue, "say": say,
            "patch": "yes" if ticket.urgency == "emergency" else "no",
            "person_number": person.phone if person else "", "person_id": keys.id_of(person.sk) if person else "",
            "category": ticket.category, "urgency": ticket.urgency, "whisper": whisper(ticket, lang),
            "prompt_queue": replies.say("call_in_queue", lang, ref=ref),
            "prompt_callback": replies.say("call_offer_callback", lang),
            "prompt_callback_done": replies.say("call_callback_done", lang),
            "prompt_hold": replies.say("call_hold", lang),
            "prompt_emergency_queue": replies.say("call_emergency_queue", lang, ref=ref)}


def message_taken(ticket: Ticket, prop: Property, lang: str, now: datetime) -> str:
    for_whom = replies.say("call_for_whom", lang, name=ticket.for_person) if ticket.for_person else ""
    cal = properties.calendar(prop)
    if is_open(cal, now):
        return replies.say("call_message_open", lang, ref=ticket.ref, for_whom=for_whom)
    opens = next_open(cal, now)
    return replies.say("call_message", lang, ref=ticket.ref, for_whom=for_whom,
                       opens=local_label(cal, opens, lang) if opens else "")


def whisper(ticket: Ticket, lang: str) -> str:
    """For the CSR's ear, in English, before the caller is put through."""
    who = f"{ticket.contact_name}, " if ticket.contact_name else ""
    spanish = "Spanish-speaking caller. " if lang == "es" else ""
    return f"{spanish}{who}{ticket.category}, {ticket.urgency}. Ticket {ticket.ref}. {ticket.summary[:120]}"


def contact_event(event, now: datetime) -> dict:
    """A Connect contact event: the call's timeline on its ticket; a caller who hung up in the menus, before
    any ticket existed, becomes a missed-call ticket."""
    result = contact_events.handle(event, now)
    unrouted = result.pop("unrouted", None)
    if unrouted:
        result["ticket_id"] = missed_call(result["contact_id"], unrouted, now)["ticket_id"]
    return result


def missed_call(contact_id: str, details: dict, now: datetime) -> dict:
    """The caller hung up in the menus: a ticket to call them back (held for the office after hours).
    It takes the contact's route claim, so a route still running for this contact cannot make a second."""
    def run(new_id: str) -> dict:
        prop = properties.get_property(details["property_id"])
        lang = details.get("language") or "en"
        call = Call(contact_id, "VOICE", details.get("caller") or None, None, {}, {}, lang, None)
        result = Triage("general", "routine", "none", lang, ["the caller hung up before the call was routed"])
        ticket = _open(call, prop, result, MISSED[lang], *who_calls(prop.property_id, call.caller), new_id, now)
        contact_events.link(contact_id, ticket.ticket_id, now)
        return {"route": "missed", "ticket_id": ticket.ticket_id, "ticket_ref": ticket.ref}
    return _once(contact_id, "route", now, run)


# --- while the caller waits in the queue ---

def take_message(call: Call, now: datetime, reason: str) -> dict:
    """Nobody could take the call (queue full) or the caller chose to leave a message."""
    def run(_new_id: str) -> dict:
        ticket = call_ticket(call.contact_id)
        tickets.record(ticket, "connect", "call_message", now, {"contact_id": call.contact_id, "reason": reason})
        prop = properties.get_property(ticket.property_id)
        return {"ticket_ref": ticket.ref, "say": message_taken(ticket, prop, call.language, now)}
    return _once(call.contact_id, reason, now, run)


def callback_requested(call: Call, now: datetime) -> dict:
    def run(_new_id: str) -> dict:
        ticket = call_ticket(call.contact_id)
        tickets.record(ticket, "connect", "callback_requested", now,
                       {"contact_id": call.contact_id, "number": call.caller})
        return {"ticket_ref": ticket.ref}
    return _once(call.contact_id, "callback", now, run)


# --- the live patch: an emergency caller put through to whoever is on call ---

def patch_next(call: Call, now: datetime) -> dict:
    """The next on-call person to put the caller through to (told by SMS first), tier by tier; when all have
    been tried, the callback promise. `tried` travels with the contact as a list of person ids."""
    ticket = call_ticket(call.contact_id)
    tried = [p for p in call.parameters.get("tried", "").split(",") if p]
    return _once(call.contact_id, f"patch-{len(tried)}", now, lambda _id: _attempt(ticket, tried, now))


def _attempt(ticket: Ticket, tried: list[str], now: datetime) -> dict:
    person = patch.next_attempt(ticket, tried, now)
    if person is None:
        return {"patch": "done", "say": replies.say("call_page", ticket.language, ref=ticket.ref),
                "patch_tried": ",".join(tried), "patch_person": "", "patch_number": ""}
    return {"patch": "call", "patch_number": person.phone, "patch_person": person.person_id,
            "patch_tried": ",".join([*tried, person.person_id]),
            "say": replies.say("call_patch", ticket.language, name=person.name.split()[0])}


def patch_result(call: Call, now: datetime) -> dict:
    """How the transfer to `person` went: connected (the call was answered; maybe by voicemail), or not."""
    ticket = call_ticket(call.contact_id)
    person, result = call.parameters.get("person", ""), call.parameters.get("result", "failed")
    return _once(call.contact_id, f"patch-result-{person}", now,
                 lambda _id: (patch.record_result(ticket, person, result, now) or {"recorded": result}))


def put_through_result(call: Call, now: datetime) -> dict:
    """How putting the caller through to the person they asked for went. Not answered: their message is
    already on the ticket, and it goes to that person alone by email now."""
    ticket = call_ticket(call.contact_id)
    result = "connected" if call.parameters.get("result") == "connected" else "no_answer"

    def run(_new_id: str) -> dict:
        person = digest.person_named(ticket.for_person, properties.staff(ticket.property_id))
        tickets.record(ticket, "connect", "put_through", now,
                       {"person": ticket.for_person, "result": result})
        if result == "connected" or person is None:
            return {"say": ""}
        notify.person(ticket.property_id, person, f"Message for you: {ticket.ref}",
                      f"{ticket.contact_name or ticket.contact_phone or 'A caller'} asked for you and left this "
                      f"message: {ticket.summary}\nCall back: {ticket.contact_phone or 'no number'}. Ticket {ticket.ref}.")
        return {"say": replies.say("call_person_missed", ticket.language, name=person.name.split()[0], ref=ticket.ref)}
    return _once(call.contact_id, "put-through", now, run)


def queue_position(call: Call) -> dict:
    """Connect tells a contact's place in line only through its API (flows cannot read it); without an
    answer in time the caller just hears the hold message."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        found = aws.client("connect", quick=True).get_contact_metrics(
            InstanceId=call.instance_arn or "-", ContactId=call.contact_id, Metrics=[{"Name": "POSITION_IN_QUEUE"}])
        value = next(r["Value"]["Number"] for r in found.get("MetricResults", []) if r["Name"] == "POSITION_IN_QUEUE")
        position = str(int(value))
    except (BotoCoreError, ClientError, StopIteration, KeyError, TypeError, ValueError):
        return {"position": "", "say": replies.say("call_hold", call.language)}
    return {"position": position, "say": replies.say("call_position", call.language, position=position)}


# --- which ticket a contact belongs to; once-only work per contact ---

def call_ticket(contact_id: str) -> Ticket:
    ticket_id = contact_events.ticket_of_contact(contact_id)
    if ticket_id is None:
        raise NotFound(f"contact {contact_id} has no ticket yet")
    return tickets.get_ticket(ticket_id)


def _once(contact_id: str, step: str, now: datetime, run) -> dict:
    """Connect retries a failed or slow invocation: the work for (contact, step) happens once and a
    retry gets the first answer. A retry after a crash resumes with the same reserved id."""
    return claims.once(keys.call_step_claims(contact_id), run, lease_seconds=CLAIM_LEASE, keep=CLAIM_KEPT,
                       item=step)[0]


# The flow names the action in its Lambda block's parameters (LambdaInvocationAttributes).
ACTIONS = {
    "lookup": lookup,
    "route": route,
    "queue_full": lambda call, when: take_message(call, when, "queue_full"),
    "leave_message": lambda call, when: take_message(call, when, "leave_message"),
    "callback_requested": callback_requested,
    "queue_position": lambda call, when: queue_position(call),
    "patch_next": patch_next,
    "patch_result": patch_result,
    "put_through_result": put_through_result,
}
