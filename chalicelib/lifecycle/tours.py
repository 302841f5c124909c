"""Tours, as prospects and staff meet them: the free slots of a day, booking one (once per client request id,
never two overlapping bookings per agent), the signed manage link (view, cancel, reschedule), the
confirmation email with its .ics invitation, and the reminders the timer state machine sends the day before
and one hour before (a cancelled or moved tour's reminders do nothing)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from pynamodb.exceptions import PutError

from chalicelib.core import aws, ids, secrets, settings, signing, times
from chalicelib.core.errors import Conflict, Invalid, NotFound, Unauthorized
from chalicelib.lifecycle import timers
from chalicelib.models import Guard, Property, TourBooking, keys
from chalicelib.rules import addresses, leads
from chalicelib.rules import tours as rules
from chalicelib.rules.calendar import Calendar
from chalicelib.tickets import claims, portfolio, texts
from chalicelib.tickets import tours as store

KIND = "T"  # the first value of every manage-link token
NEXT_SLOTS = 3  # how many free slots a 409 offers
NEXT_DAYS = 7  # how many days ahead a 409 looks for them
LINK_VALID_AFTER = timedelta(days=1)  # a manage link works until a day after the tour


class Prospect:
    """What a booking request carries about the person (already checked by the handler's model)."""

    def __init__(self, name: str, phone: str | None = None, email: str | None = None, language: str | None = None,
                 source: str | None = None, campaign: str | None = None, discovery: str | None = None):
        self.name = name.strip()
        if not self.name:
            raise Invalid("name must not be empty")
        self.phone = addresses.normalize_phone(phone)
        self.email = addresses.normalize_email(email)
        self.language = rules.language_of(language)
        self.source = leads.campaign(campaign) or source  # a campaign counts first
        self.discovery = leads.discovery(discovery)


def _property(property_id: str) -> tuple[Property, rules.TourSettings, Calendar]:
    try:
        prop = portfolio.get_property(property_id)
    except Invalid:
        raise NotFound(f"unknown property {property_id!r}") from None
    return prop, store.settings_of(prop), portfolio.calendar(prop)


def _slot_json(cal: Calendar, slot: rules.Slot) -> dict:
    return {"start": rules.local_iso(cal, slot.start), "end": rules.local_iso(cal, slot.end)}


def _free(property_id: str, cal: Calendar, tours: rules.TourSettings, agents: list[rules.Agent], day: date,
          now: datetime) -> list[rules.Slot]:
    if not rules.bookable_day(cal, tours, day, now):
        return []
    return rules.free_slots(cal, tours, agents, store.held(store.on_day(property_id, day.isoformat())), day, now)


def _agents(prop: Property, tours: rules.TourSettings, self_guided: bool) -> list[rules.Agent]:
    """Who can take a tour: the leasing agents, or for a self-guided tour the property itself."""
    if not self_guided:
        return store.agents(prop.property_id)
    if tours.self_guided is None:
        raise Invalid(f"{prop.name} does not offer self-guided tours")
    return [tours.self_guided.agent()]


def slots(property_id: str, day: date, now: datetime, self_guided: bool = False) -> dict:
    prop, tours, cal = _property(property_id)
    free = _free(property_id, cal, tours, _agents(prop, tours, self_guided), day, now)
    return {"slots": [_slot_json(cal, s) for s in free], "timezone": prop.timezone}


def next_slots(property_id: str, cal: Calendar, tours: rules.TourSettings, agents: list[rules.Agent],
               start: datetime, now: datetime) -> list[dict]:
    """The first free slots from `start` on, that day and the following ones (a 409's offer)."""
    found: list[rules.Slot] = []
    day = start.astimezone(cal.zone).date()
    for offset in range(NEXT_DAYS):
        found += rules.after(_free(property_id, cal, tours, agents, day + timedelta(days=offset), now), start,
                             NEXT_SLOTS - len(found))
        if len(found) >= NEXT_SLOTS:
            break
    return [_slot_json(cal, s) for s in found]


# --- booking ---

def book(property_id: str, start: datetime, who: Prospect, client_request_id: str | None, now: datetime,
         self_guided: bool = False) -> dict:
    """{"status": 201, "body": the booking} or {"status": 409, "body": the next free slots}. A retried
    client_request_id gets the first answer back, whatever it was."""
    if start.tzinfo is None:
        raise Invalid("start needs a UTC offset")
    prop, tours, cal = _property(property_id)
    if not client_request_id:
        return _book(prop, tours, cal, start, who, ids.new_id(), now, self_guided)
    result, _ = claims.once(keys.tour_request(property_id, client_request_id),
                            lambda booking_id: _book(prop, tours, cal, start, who, booking_id, now, self_guided),
                            lease_seconds=30, keep=timedelta(days=7))
    return result


def _book(prop: Property, tours: rules.TourSettings, cal: Calendar, start: datetime, who: Prospect,
          booking_id: str, now: datetime, self_guided: bool = False, replacing: TourBooking | None = None) -> dict:
    day = start.astimezone(cal.zone).date()
    try:  # this request got as far as the write before (its Lambda died after it): finish it
        done = store.get(prop.property_id, day.isoformat(), booking_id)
        return _booked(prop, cal, tours, done, now)
    except NotFound:
        pass
    agents = _agents(prop, tours, self_guided)
    if not rules.slot_at(rules.free_slots(cal, tours, agents, [], day, now), start):
        raise Invalid("no tour starts then: ask GET /tours/{property_id}/slots for the free times")
    names = {a.agent_id: a.name for a in agents}
    slot = rules.slot_at(_free(prop.property_id, cal, tours, agents, day, now), start)
    for agent_id in slot.agents if slot else ():
        booking = TourBooking(keys.tour_day(prop.property_id, day.isoformat()), keys.booking_sk(booking_id),
                              booking_id=booking_id, property_id=prop.property_id, day=day.isoformat(),
                              start=times.iso(slot.start), end=times.iso(slot.end), agent_id=agent_id,
                              agent_name=names[agent_id], name=who.name, phone=who.phone, email=who.email,
                              language=who.language, source=who.source, discovery=who.discovery,
                              created_at=times.iso(now),
                              self_guided=self_guided or None)
        if store.book(booking, tours):  # else another request took this agent first: try the next one
            if replacing is not None:
                try:
                    store.cancel(replacing, tours, "prospect", now, replaced_by=booking_id)
                except Exception:  # noqa: BLE001 - the new tour stands; the old one was cancelled meanwhile
                    pass
            return _booked(prop, cal, tours, booking, now)
    offer = next_slots(prop.property_id, cal, tours, agents, start, now)
    return {"status": 409, "body": {"Code": "Conflict", "Message": "that time is no longer free",
                                    "slots": offer, "next_slots": offer}}


def _booked(prop: Property, cal: Calendar, tours: rules.TourSettings, booking: TourBooking, now: datetime) -> dict:
    if booking.confirmed_at is None and booking.status == rules.ACTIVE:
        _confirm(prop, cal, booking, now)
        for kind, when in rules.reminders(times.parse(booking.start), now):
            _start_message(booking, kind, when, now)
        if booking.phone:  # this function may not text: the timer's Lambda does, at once
            _start_message(booking, "confirmation", now, now)
        store.mark(booking, confirmed_at=times.iso(now))
    return {"status": 201, "body": public_view(cal, booking, now)}


def _start_message(booking: TourBooking, kind: str, when: datetime, now: datetime) -> None:
    timers.start(f"tour-{kind}-{booking.booking_id}", "tour_reminder",
                 {"property_id": booking.property_id, "day": booking.day, "booking_id": booking.booking_id,
                  "kind": kind}, when, now)


def public_view(cal: Calendar, booking: TourBooking, now: datetime) -> dict:
    return {"booking_id": booking.booking_id, "status": booking.status,
            "start": rules.local_iso(cal, times.parse(booking.start)),
            "end": rules.local_iso(cal, times.parse(booking.end)), "agent": booking.agent_name,
            "self_guided": bool(booking.self_guided), "manage_link": manage_link(booking, now)}


def page_days(property_id: str, now: datetime, count: int = 14) -> tuple[list[date], str]:
    """The next days tours may be booked on (open, within the horizon) for the booking page, and the
    property's name."""
    prop, tours, cal = _property(property_id)
    today = now.astimezone(cal.zone).date()
    days = [today + timedelta(days=i) for i in range(tours.horizon_days + 1)]
    return [d for d in days if rules.bookable_day(cal, tours, d, now)][:count], prop.name


def zone_of(property_id: str):
    return _property(property_id)[2].zone


def label(property_id: str, when: str, language: str) -> str:
    """A time as the prospect reads it ("Saturday, November 21 at 10:00"), in the property's zone."""
    return rules.when_label(_property(property_id)[2], times.parse(when), language)


def booking_page(property_id: str) -> str:
    """Where a prospect books a tour themselves (handlers/tours.py serves it)."""
    return f"{settings.public_api_url()}/tours/{property_id}/book"


# --- the manage link ---

def _secret() -> str:
    return secrets.link_secret() + "#tour"


def manage_link(booking: TourBooking, now: datetime) -> str:
    valid = times.parse(booking.end) + LINK_VALID_AFTER - now
    token = signing.short_sign([KIND, booking.property_id, booking.day, booking.booking_id], _secret(),
                               max(60, int(valid.total_seconds())), now.timestamp())
    return f"{settings.public_api_url()}/tour-bookings/{token}"


def _by_token(token: str, now: datetime) -> TourBooking:
    values = signing.short_verify(token, _secret(), now.timestamp())
    if len(values) != 4 or values[0] != KIND:
        raise Unauthorized("this link is not valid")
    _, property_id, day, booking_id = values
    return store.get(property_id, day, booking_id)


def view(token: str, now: datetime) -> dict:
    booking = _by_token(token, now)
    prop, _tours, cal = _property(booking.property_id)
    body = public_view(cal, booking, now)
    body.update(property=prop.name, property_id=prop.property_id, name=booking.name, language=booking.language,
                rescheduled_to=booking.rescheduled_to)
    return body


def cancel(token: str, now: datetime) -> dict:
    booking = _by_token(token, now)
    prop, tours, cal = _property(booking.property_id)
    booking = store.cancel(booking, tours, "prospect", now)
    _cancelled_mail(prop, cal, booking, now)
    return public_view(cal, booking, now)


def reschedule(token: str, start: datetime, now: datetime) -> dict:
    """Book the new time first (for the same person), then cancel the old one: a full new time leaves the
    old booking as it was."""
    if start.tzinfo is None:
        raise Invalid("start needs a UTC offset")
    booking = _by_token(token, now)
    if booking.status != rules.ACTIVE:
        raise NotFound("this tour is cancelled: book a new one")
    prop, tours, cal = _property(booking.property_id)
    who = Prospect(booking.name, booking.phone, booking.email, booking.language, booking.source,
                   discovery=booking.discovery)
    return _book(prop, tours, cal, start, who, ids.new_id(), now, bool(booking.self_guided), replacing=booking)


def day_list(property_id: str, day: date) -> dict:
    """What the leasing team sees of a day: every booking, cancelled ones included, by start."""
    prop, _tours, cal = _property(property_id)
    rows = sorted(store.on_day(property_id, day.isoformat()), key=lambda b: (b.start, b.agent_id))
    return {"bookings": [{"booking_id": b.booking_id, "start": rules.local_iso(cal, times.parse(b.start)),
                          "end": rules.local_iso(cal, times.parse(b.end)), "agent": b.agent_name,
                          "agent_id": b.agent_id, "status": b.status, "name": b.name, "phone": b.phone,
                          "email": b.email, "language": b.language, "source": b.source, "discovery": b.discovery,
                          "self_guided": bool(b.self_guided), "access_confirmed_at": b.access_confirmed_at}
                         for b in rows]}


# --- mail ---

def _send(prop: Property, to: str, subject: str, body: str, language: str, invitation: str | None = None,
          method: str = "REQUEST") -> None:
    message = EmailMessage()
    message["From"] = formataddr((prop.name, prop.inbox))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=prop.inbox.split("@")[-1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if invitation:
        message.add_attachment(invitation, subtype="calendar", filename="tour.ics", params={"method": method})
    message["Content-Language"] = language
    aws.client("ses").send_raw_email(Source=prop.inbox, Destinations=[to], RawMessage={"Data": message.as_bytes()})


def _invitation(prop: Property, cal: Calendar, booking: TourBooking, now: datetime, cancelled: bool = False) -> str:
    lang = booking.language
    return rules.ics(uid=f"{booking.booking_id}@{prop.inbox.split('@')[-1]}", start=times.parse(booking.start),
                     end=times.parse(booking.end),
                     summary=rules.say("confirm_subject", lang, property=prop.name,
                                       when=rules.when_label(cal, times.parse(booking.start), lang)),
                     location=prop.name, organizer=prop.inbox, attendee=booking.email,
                     description=manage_link(booking, now), now=now, sequence=1 if cancelled else 0,
                     cancelled=cancelled)


def _values(prop: Property, cal: Calendar, booking: TourBooking, now: datetime) -> dict:
    start = times.parse(booking.start)
    return dict(name=booking.name, property=prop.name, agent=booking.agent_name,
                with_agent=rules.with_agent(booking.agent_name, bool(booking.self_guided), booking.language),
                when=rules.when_label(cal, start, booking.language), time=f"{start.astimezone(cal.zone):%H:%M}",
                minutes=int((times.parse(booking.end) - start).total_seconds() // 60),
                link=manage_link(booking, now),
                book=f"{booking_page(prop.property_id)}{'?lang=es' if booking.language == 'es' else ''}")


def _confirm(prop: Property, cal: Calendar, booking: TourBooking, now: datetime) -> None:
    if not booking.email:
        return
    values, lang = _values(prop, cal, booking, now), booking.language
    body = rules.say("confirm_body_self" if booking.self_guided else "confirm_body", lang, **values)
    _send(prop, booking.email, rules.say("confirm_subject", lang, **values), body, lang,
          _invitation(prop, cal, booking, now))


def _cancelled_mail(prop: Property, cal: Calendar, booking: TourBooking, now: datetime) -> None:
    if not booking.email:
        return
    values, lang = _values(prop, cal, booking, now), booking.language
    _send(prop, booking.email, rules.say("cancel_subject", lang, **values), rules.say("cancel_body", lang, **values),
          lang, _invitation(prop, cal, booking, now, cancelled=True), method="CANCEL")


OUTCOMES = ("completed", "no_show")


def outcome(property_id: str, booking_id: str, status: str, applied: bool | None, by: str, now: datetime) -> dict:
    """The agent marks a tour completed or no_show (once the tour has started). Either way a follow-up goes in
    the prospect's language, by email and text (the timer's Lambda: this function may not text): thanks and
    how to apply, or sorry we missed you and a link to book again."""
    if status not in OUTCOMES:
        raise Invalid("status must be completed or no_show")
    _property(property_id)
    booking = store.find(property_id, booking_id)
    if times.parse(booking.start) > now:
        raise Invalid("the tour has not started yet")
    booking = store.set_outcome(booking, status, applied, by, now)
    _start_message(booking, FOLLOW_UP[status], now, now)
    return {"booking_id": booking.booking_id, "status": booking.status, "applied": booking.applied}


# Each message a timer sends, and the status the tour must still have for it to go.
MESSAGES = {"confirmation": rules.ACTIVE, "day_before": rules.ACTIVE, "hour_before": rules.ACTIVE,
            "access": rules.ACTIVE, "follow_up": "completed", "missed": "no_show"}
FOLLOW_UP = {"completed": "follow_up", "no_show": "missed"}


def message(property_id: str, day: str, booking_id: str, kind: str, now: datetime) -> dict:
    """A tour's message whose timer went off, by email and by text: the text confirmation (the email one went
    with the booking), a reminder, a confirmed self-guided tour's access note, or the follow-up after it.
    Nothing for a tour cancelled (or moved) since; each channel sends once however often the timer's Lambda
    is retried."""
    if kind not in MESSAGES:
        raise Invalid(f"unknown tour message {kind!r}")
    booking = store.get(property_id, day, booking_id)
    if booking.status != MESSAGES[kind]:
        return {"sent": False, "reason": booking.status}
    prop, tours, cal = _property(property_id)
    values, lang = _values(prop, cal, booking, now), booking.language
    if kind == "access":
        if not (booking.self_guided and booking.access_confirmed_at and tours.self_guided):
            return {"sent": False, "reason": "not a confirmed self-guided tour"}
        values["note"] = tours.self_guided.note(lang)
    email, sms = _wording(kind, bool(booking.self_guided))
    sent = {}
    if booking.email and email:
        subject, body = (rules.say(key, lang, kind if key == "remind_subject" else None, **values) for key in email)
        sent["email"] = _once(booking, kind, "email", now, lambda: _send(prop, booking.email, subject, body, lang))
    if booking.phone:
        sent["sms"] = _once(booking, kind, "sms", now, lambda: _text(prop, booking, rules.text(sms, lang, **values)))
    if not sent:
        return {"sent": False, "reason": "no address to send to"}
    if any(v is True for v in sent.values()) and kind in ("day_before", "hour_before"):
        store.mark(booking, reminders_sent=(booking.reminders_sent or 0) + 1)
    return {"sent": any(v is True for v in sent.values()), "kind": kind, "channels": sent}


def _wording(kind: str, self_guided: bool) -> tuple[tuple[str, str] | None, str]:
    """(the email's subject and body keys, or None when no email goes; the text's key) of a tour message."""
    if kind == "confirmation":  # the email confirmation went with the booking, .ics and all
        return None, "confirmation_self" if self_guided else "confirmation"
    if kind in ("access", "follow_up", "missed"):
        return (f"{kind}_subject", f"{kind}_body"), kind
    return ("remind_subject", "remind_body"), kind


def confirm_access(property_id: str, booking_id: str, by: str, now: datetime) -> dict:
    """The leasing office confirms a self-guided booking (having checked who booked it): only then does its
    access note go, an hour before the tour (rules.access_due), by email and text."""
    booking = store.find(property_id, booking_id)
    if not booking.self_guided:
        raise Invalid("only a self-guided tour needs its access confirmed")
    if booking.status != rules.ACTIVE:
        raise Conflict(f"this tour is {booking.status}")
    if times.parse(booking.start) <= now:
        raise Invalid("the tour has already started")
    _prop, _tours, cal = _property(property_id)
    due = rules.access_due(times.parse(booking.start), now)
    if booking.access_confirmed_at is None:
        store.mark(booking, access_confirmed_at=times.iso(now), access_confirmed_by=by)
        _start_message(booking, "access", due, now)
    return {"booking_id": booking.booking_id, "access_confirmed_at": booking.access_confirmed_at,
            "access_confirmed_by": booking.access_confirmed_by, "access_due": rules.local_iso(cal, due)}


def _once(booking: TourBooking, kind: str, channel: str, now: datetime, send) -> bool | str:
    """True when sent now, "already sent" when an earlier run did, or why a text may not go."""
    kept_until = times.parse(booking.end) + store.KEEP_AFTER
    guard = Guard(keys.tour_reminded(booking.booking_id, f"{kind}#{channel}"), target=booking.booking_id,
                  data={"at": times.iso(now)}, expires_at=int(kept_until.timestamp()))
    try:
        guard.save(condition=Guard.pk.does_not_exist())
    except PutError:
        return "already sent"
    try:
        send()
    except texts.NotTexted as exc:  # opted out: recorded as the answer, never retried
        return str(exc)
    except Exception:
        guard.delete()  # the timer's retry sends it
        raise
    return True


def _text(prop: Property, booking: TourBooking, body: str) -> None:
    """A tour's text, from the property's number. The prospect gave this number with the booking, so texts about
    that tour answer their own request (no proactive consent needed); a STOP still holds them back."""
    texts.check(prop.property_id, booking.phone, proactive=False)
    texts.send(booking.phone, body, origination=texts.number_of(prop.property_id), kind="tour")
