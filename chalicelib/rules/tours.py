"""Tours: a property's tour settings, its leasing agents' weeks, and which slots are free on a day.

Pure: every function takes the instant it reasons about. A slot is free when at least one agent is
working then (their weekly schedule, not a day off, the office not closed for a holiday or closure), has
no booking within the buffer of it, the property has room for one more party, the start is at least the
minimum notice away and the day is within the booking horizon.

Bookings are held in GRANULE-sized steps (tickets/tours.py writes one item per agent and granule, so no
agent can ever hold two overlapping bookings): every time (schedule, length, buffer) is a whole number of
granules."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from chalicelib.rules.calendar import DAYS, Calendar
from chalicelib.rules.texting import gsm7

GRANULE = timedelta(minutes=5)
LENGTH_MINUTES = (15, 60)
MAX_BUFFER_MINUTES = 60
MAX_HORIZON_DAYS = 90
MAX_NOTICE_MINUTES = 7 * 24 * 60
MAX_PARTIES = 20
ACTIVE = "booked"  # the only status that holds a slot; cancelled ones free it
SELF_GUIDED = "self-guided"  # the agent id of self-guided tours: one party in at a time, then the buffer
MAX_ACCESS_NOTE = 300  # characters: the note goes by text too
ACCESS_LEAD = timedelta(hours=1)  # a confirmed self-guided tour's access note goes this long before it


@dataclass(frozen=True)
class SelfGuided:
    """A property's self-guided tours: when they may start (a weekly schedule, as an agent's) and the access
    note (how to get in, EN/ES) a prospect gets only once the leasing office has confirmed their booking."""
    schedule: dict
    access_note: dict

    @classmethod
    def from_dict(cls, data: dict) -> SelfGuided:
        if not isinstance(data, dict) or set(data) != {"schedule", "access_note"}:
            raise ValueError("self_guided has a schedule and an access_note")
        check_schedule(data["schedule"])
        note = data["access_note"]
        if not isinstance(note, dict) or not isinstance(note.get("en"), str) or not note["en"].strip() or \
                any(not isinstance(v, str) or len(v) > MAX_ACCESS_NOTE for v in note.values()):
            raise ValueError(f"the access note is text (en, optionally es), at most {MAX_ACCESS_NOTE} characters")
        return cls(data["schedule"], note)

    def agent(self) -> Agent:
        return Agent(SELF_GUIDED, "Self-guided", self.schedule)

    def note(self, language: str) -> str:
        return self.access_note.get(language_of(language)) or self.access_note["en"]


@dataclass(frozen=True)
class TourSettings:
    length_minutes: int = 30
    buffer_minutes: int = 15
    min_notice_minutes: int = 120
    horizon_days: int = 30
    parties_at_once: int = 2
    self_guided: SelfGuided | None = None  # offered when set

    @classmethod
    def from_dict(cls, data: dict | None) -> TourSettings:
        """Settings as stored on the property; raises ValueError on anything out of bounds."""
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown tour settings: {', '.join(sorted(unknown))}")
        guided = data.pop("self_guided", None)
        made = cls(**{k: int(v) for k, v in data.items()},
                   self_guided=SelfGuided.from_dict(guided) if guided is not None else None)
        made.check()
        return made

    def check(self) -> None:
        low, high = LENGTH_MINUTES
        if not low <= self.length_minutes <= high:
            raise ValueError(f"a tour lasts {low} to {high} minutes")
        if not 0 <= self.buffer_minutes <= MAX_BUFFER_MINUTES:
            raise ValueError(f"the buffer is 0 to {MAX_BUFFER_MINUTES} minutes")
        step = GRANULE.total_seconds() // 60
        if self.length_minutes % step or self.buffer_minutes % step:
            raise ValueError(f"length and buffer are multiples of {int(step)} minutes")
        if not 0 <= self.min_notice_minutes <= MAX_NOTICE_MINUTES:
            raise ValueError("minimum notice is at most a week")
        if not 0 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise ValueError(f"bookings go at most {MAX_HORIZON_DAYS} days ahead")
        if not 1 <= self.parties_at_once <= MAX_PARTIES:
            raise ValueError(f"1 to {MAX_PARTIES} parties at once")

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.length_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    schedule: dict = field(default_factory=dict)  # {"mon": [["10:00", "17:00"]], ...}; a missing day is off
    days_off: tuple[str, ...] = ()  # ISO dates


@dataclass(frozen=True)
class Booked:
    agent_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    agents: tuple[str, ...]  # the agents free for it, in the order to offer them


def check_schedule(schedule: dict) -> None:
    """A weekly schedule: known day names, HH:MM spans on whole granules, each running forwards."""
    step = int(GRANULE.total_seconds() // 60)
    for day, spans in schedule.items():
        if day not in DAYS:
            raise ValueError(f"unknown day {day!r}")
        for start, end in spans:
            a, b = time.fromisoformat(start), time.fromisoformat(end)
            if a >= b or a.minute % step or b.minute % step:
                raise ValueError(f"{day} {start}-{end}: spans run forwards on {step}-minute steps")


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(timezone.utc)


def bookable_day(cal: Calendar, tours: TourSettings, day: date, now: datetime) -> bool:
    today = _utc(now).astimezone(cal.zone).date()
    return today <= day <= today + timedelta(days=tours.horizon_days) and not cal.closed_reason(day)


def _working(cal: Calendar, agent: Agent, day: date) -> list[tuple[datetime, datetime]]:
    if day.isoformat() in agent.days_off:
        return []
    spans = []
    for start, end in agent.schedule.get(DAYS[day.weekday()], []):
        a = datetime.combine(day, time.fromisoformat(start), cal.zone).astimezone(timezone.utc)
        b = datetime.combine(day, time.fromisoformat(end), cal.zone).astimezone(timezone.utc)
        spans.append((a, b))
    return sorted(spans)


def clashes(tours: TourSettings, start: datetime, end: datetime, other: Booked) -> bool:
    """Whether a tour [start, end) and a booking of the same agent are closer than the buffer."""
    return start < other.end + tours.buffer and other.start < end + tours.buffer


def granules(start: datetime, end: datetime) -> list[datetime]:
    """The granule starts covering [start, end)."""
    start = _utc(start)
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    first = start - (start - epoch) % GRANULE
    out = []
    while first < end:
        out.append(first)
        first += GRANULE
    return out


def agent_holds(tours: TourSettings, start: datetime, end: datetime) -> list[datetime]:
    """What one booking holds of its agent's time: the tour and the buffer after it. Two bookings of one
    agent share a granule exactly when they clash."""
    return granules(start, end + tours.buffer)


def free_slots(cal: Calendar, tours: TourSettings, agents: list[Agent], bookings: list[Booked], day: date,
               now: datetime) -> list[Slot]:
    """The free slots on a local date, earliest first. Each agent's working spans are stepped by the tour
    length from their start; a slot appears once with every agent free for it."""
    now = _utc(now)
    if not bookable_day(cal, tours, day, now):
        return []
    earliest = now + timedelta(minutes=tours.min_notice_minutes)
    by_agent: dict[str, list[Booked]] = {}
    for b in bookings:
        by_agent.setdefault(b.agent_id, []).append(b)
    load: dict[datetime, int] = {}  # parties at the property in each granule
    for b in bookings:
        for g in granules(b.start, b.end):
            load[g] = load.get(g, 0) + 1
    booked_today = {a.agent_id: len(by_agent.get(a.agent_id, [])) for a in agents}
    slots: dict[tuple[datetime, datetime], list[str]] = {}
    for agent in agents:
        for a, b in _working(cal, agent, day):
            start = a
            while start + tours.length <= b:
                end = start + tours.length
                if start >= earliest and \
                        not any(clashes(tours, start, end, o) for o in by_agent.get(agent.agent_id, [])) and \
                        all(load.get(g, 0) < tours.parties_at_once for g in granules(start, end)):
                    slots.setdefault((start, end), []).append(agent.agent_id)
                start = end
    # The least busy agent first (ties by id), so tours spread over the team.
    return [Slot(s, e, tuple(sorted(ids, key=lambda i: (booked_today.get(i, 0), i))))
            for (s, e), ids in sorted(slots.items())]


def slot_at(slots: list[Slot], start: datetime) -> Slot | None:
    start = _utc(start)
    return next((s for s in slots if s.start == start), None)


def after(slots: list[Slot], start: datetime, count: int = 3) -> list[Slot]:
    """The next free slots from `start` on (what a 409 offers instead)."""
    start = _utc(start)
    return [s for s in slots if s.start >= start][:count]


def local_iso(cal: Calendar, when: datetime) -> str:
    """ISO 8601 with the property's UTC offset ("2026-11-21T10:00:00-05:00")."""
    return when.astimezone(cal.zone).isoformat(timespec="seconds")


def access_due(start: datetime, now: datetime) -> datetime:
    """When a confirmed self-guided tour's access note goes: an hour before it, or at once when that is past."""
    return max(_utc(start) - ACCESS_LEAD, _utc(now))


def with_agent(agent: str, self_guided: bool, language: str) -> str:
    """Who the tour is with, as the texts put it after the time: " with Rosa Díaz", or "(self-guided)"."""
    lang = language_of(language)
    if self_guided:
        return " (autoguiada)" if lang == "es" else " (self-guided)"
    return f" con {agent}" if lang == "es" else f" with {agent}"


def reminders(start: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """(kind, when) of the reminders still ahead: the day before and one hour before."""
    wanted = [("day_before", start - timedelta(days=1)), ("hour_before", start - timedelta(hours=1))]
    return [(kind, when) for kind, when in wanted if when > _utc(now)]


TEXTS = {
    "confirm_subject": {"en": "Your tour of {property} on {when}",
                        "es": "Su visita a {property} el {when}"},
    "confirm_body": {
        "en": "Hi {name},\n\nYour tour of {property} is booked for {when} ({minutes} minutes){with_agent}.\n"
              "The invitation is attached.\n\nTo cancel or pick another time: {link}\n\nSee you soon,\n{property}",
        "es": "Hola {name}:\n\nSu visita a {property} está reservada para el {when} ({minutes} minutos){with_agent}.\n"
              "Adjuntamos la invitación.\n\nPara cancelar o elegir otra hora: {link}\n\nLe esperamos,\n{property}",
    },
    "confirm_body_self": {
        "en": "Hi {name},\n\nYour self-guided tour of {property} is booked for {when} ({minutes} minutes).\n"
              "The invitation is attached.\n\nOnce the leasing office has confirmed your booking, we will send you "
              "how to get in, an hour before the tour.\n\nTo cancel or pick another time: {link}\n\n{property}",
        "es": "Hola {name}:\n\nSu visita autoguiada a {property} está reservada para el {when} ({minutes} minutos).\n"
              "Adjuntamos la invitación.\n\nCuando la oficina de alquiler confirme su reserva, le enviaremos cómo "
              "entrar, una hora antes de la visita.\n\nPara cancelar o elegir otra hora: {link}\n\n{property}",
    },
    "access_subject": {"en": "How to get in for your tour of {property} at {time}",
                       "es": "Cómo entrar para su visita a {property} a las {time}"},
    "access_body": {
        "en": "Hi {name},\n\nYour self-guided tour of {property} is on {when}.\n\n{note}\n\n"
              "To cancel or pick another time: {link}\n\n{property}",
        "es": "Hola {name}:\n\nSu visita autoguiada a {property} es el {when}.\n\n{note}\n\n"
              "Para cancelar o elegir otra hora: {link}\n\n{property}",
    },
    "remind_subject": {
        "day_before": {"en": "Reminder: your tour of {property} tomorrow at {time}",
                       "es": "Recordatorio: su visita a {property} mañana a las {time}"},
        "hour_before": {"en": "Reminder: your tour of {property} at {time}",
                        "es": "Recordatorio: su visita a {property} a las {time}"},
    },
    "remind_body": {
        "en": "Hi {name},\n\nA reminder of your tour of {property} on {when}{with_agent}.\n\n"
              "Can't make it? Cancel or pick another time: {link}\n\n{property}",
        "es": "Hola {name}:\n\nLe recordamos su visita a {property} el {when}{with_agent}.\n\n"
              "¿No puede venir? Cancele o elija otra hora: {link}\n\n{property}",
    },
    "follow_up_subject": {"en": "Thanks for visiting {property}", "es": "Gracias por visitar {property}"},
    "follow_up_body": {
        "en": "Hi {name},\n\nThank you for touring {property}{with_agent}. If you have questions, or would like "
              "to apply, just reply to this email.\n\n{property}",
        "es": "Hola {name}:\n\nGracias por visitar {property}{with_agent}. Si tiene preguntas o quiere presentar "
              "una solicitud, responda a este correo.\n\n{property}",
    },
    "missed_subject": {"en": "We missed you at {property}", "es": "No pudimos verle en {property}"},
    "missed_body": {
        "en": "Hi {name},\n\nWe're sorry we missed you for your tour on {when}. If you would still like to see "
              "{property}, book another time here: {book}\n\n{property}",
        "es": "Hola {name}:\n\nSentimos no haberle visto en su visita del {when}. Si aún quiere conocer "
              "{property}, reserve otra hora aquí: {book}\n\n{property}",
    },
    "cancel_subject": {"en": "Your tour of {property} is cancelled", "es": "Su visita a {property} fue cancelada"},
    "cancel_body": {
        "en": "Hi {name},\n\nYour tour of {property} on {when} is cancelled. Book another time whenever you like.\n\n"
              "{property}",
        "es": "Hola {name}:\n\nSu visita a {property} el {when} fue cancelada. Reserve otra hora cuando quiera.\n\n"
              "{property}",
    },
}
# Texts (rules/texting.gsm7 drops the accents GSM-7 lacks: two segments hold one with its manage link).
SMS = {
    "confirmation": {"en": "{property}: your tour is booked for {when}{with_agent}. To change or cancel it: {link}",
                     "es": "{property}: su visita es el {when}{with_agent}. Para cambiarla o cancelarla: {link}"},
    "confirmation_self": {"en": "{property}: your self-guided tour is booked for {when}. We will text you how to get "
                                "in once the office confirms it. To change or cancel it: {link}",
                          "es": "{property}: su visita autoguiada es el {when}. Le enviaremos como entrar cuando la "
                                "oficina la confirme. Para cambiarla o cancelarla: {link}"},
    "follow_up": {"en": "{property}: thank you for visiting today. Questions, or ready to apply? Just reply to this "
                        "text.",
                  "es": "{property}: gracias por su visita de hoy. ¿Preguntas, o quiere presentar una solicitud? "
                        "Responda a este mensaje."},
    "missed": {"en": "{property}: sorry we missed you today. Book another time whenever you like: {book}",
               "es": "{property}: sentimos no haberle visto hoy. Reserve otra hora cuando quiera: {book}"},
    "access": {"en": "{property}, your self-guided tour at {time}: {note}",
               "es": "{property}, su visita autoguiada a las {time}: {note}"},
    "day_before": {"en": "{property}: a reminder of your tour tomorrow at {time}{with_agent}. To change or cancel "
                         "it: {link}",
                   "es": "{property}: le recordamos su visita mañana a las {time}{with_agent}. Para cambiarla o "
                         "cancelarla: {link}"},
    "hour_before": {"en": "{property}: see you at {time} for your tour{with_agent}. Can't make it? {link}",
                    "es": "{property}: le esperamos a las {time} para su visita{with_agent}. ¿No puede venir? {link}"},
}
# The booking and manage pages (handlers/tours.py).
PAGE = {
    "title": {"en": "Book a tour of {property}", "es": "Reserve una visita a {property}"},
    "pick_day": {"en": "Pick a day", "es": "Elija un día"},
    "pick_time": {"en": "Pick a time", "es": "Elija una hora"},
    "no_times": {"en": "No free times that day: try another day.", "es": "No hay horas libres ese día: pruebe otro día."},
    "name": {"en": "Your name", "es": "Su nombre"},
    "email": {"en": "Email (for the confirmation)", "es": "Correo electrónico (para la confirmación)"},
    "phone": {"en": "Phone (optional)", "es": "Teléfono (opcional)"},
    "discovery": {"en": "How did you hear about us? (optional)", "es": "¿Cómo supo de nosotros? (opcional)"},
    "book": {"en": "Book the tour", "es": "Reservar la visita"},
    "booked": {"en": "Your tour is booked: {when}{with_agent}.", "es": "Su visita está reservada: {when}{with_agent}."},
    "manage": {"en": "Cancel or change it", "es": "Cancelarla o cambiarla"},
    "taken": {"en": "That time was just taken. Please pick another.",
              "es": "Esa hora acaba de ser reservada. Por favor elija otra."},
    "your_tour": {"en": "Your tour of {property}", "es": "Su visita a {property}"},
    "status_booked": {"en": "Booked: {when}{with_agent}.", "es": "Reservada: {when}{with_agent}."},
    "status_cancelled": {"en": "This tour is cancelled.", "es": "Esta visita está cancelada."},
    "cancel": {"en": "Cancel the tour", "es": "Cancelar la visita"},
    "rebook": {"en": "Book another time", "es": "Reservar otra hora"},
    "change": {"en": "Change the time", "es": "Cambiar la hora"},
    "move": {"en": "Move my tour", "es": "Cambiar mi visita"},
    "other_language": {"en": "En español", "es": "In English"},
}


def page_text(key: str, language: str, **values) -> str:
    return PAGE[key][language_of(language)].format(**values)


MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"),
          "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                 "noviembre", "diciembre")}
WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
            "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")}


def language_of(language: str | None) -> str:
    return "es" if language == "es" else "en"


def when_label(cal: Calendar, when: datetime, language: str) -> str:
    """'Saturday, November 21 at 10:00' / 'sábado 21 de noviembre a las 10:00', in the property's zone."""
    lang, local = language_of(language), when.astimezone(cal.zone)
    weekday, month = WEEKDAYS[lang][local.weekday()], MONTHS[lang][local.month - 1]
    if lang == "es":
        return f"{weekday} {local.day} de {month} a las {local:%H:%M}"
    return f"{weekday}, {month} {local.day} at {local:%H:%M}"


def when_label_day(day: date, language: str) -> str:
    """'Sat, Nov 21' / 'sáb 21 nov' for the booking page's day links."""
    lang = language_of(language)
    weekday, month = WEEKDAYS[lang][day.weekday()][:3], MONTHS[lang][day.month - 1][:3]
    return f"{weekday} {day.day} {month}" if lang == "es" else f"{weekday}, {month} {day.day}"


def say(key: str, language: str, kind: str | None = None, **values) -> str:
    texts = TEXTS[key][kind] if kind else TEXTS[key]
    return texts[language_of(language)].format(**values)


def text(kind: str, language: str, **values) -> str:
    """A tour's text message (the confirmation or a reminder) in the prospect's language."""
    return gsm7(SMS[kind][language_of(language)].format(**values))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics(*, uid: str, start: datetime, end: datetime, summary: str, location: str, organizer: str,
        attendee: str | None, description: str, now: datetime, sequence: int = 0, cancelled: bool = False) -> str:
    """An RFC 5545 invitation (METHOD:REQUEST, or CANCEL for a cancelled tour), times in UTC."""
    def stamp(when: datetime) -> str:
        return _utc(when).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tenantline//Tours//EN",
             f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}", "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp(now)}",
             f"DTSTART:{stamp(start)}", f"DTEND:{stamp(end)}", f"SEQUENCE:{sequence}",
             f"SUMMARY:{_ics_text(summary)}", f"LOCATION:{_ics_text(location)}",
             f"DESCRIPTION:{_ics_text(description)}", f"ORGANIZER:mailto:{organizer}",
             f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}"]
    if attendee:
        lines.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{attendee}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1)."""
    data, out = line.encode(), []
    while len(data) > 75:
        cut = 75 if not out else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(data[:cut].decode())
        data = data[cut:]
    out.append(data.decode())
    return "\r\n ".join(out)
