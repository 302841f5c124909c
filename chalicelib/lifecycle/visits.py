"""Repair visits on a ticket: proposed by staff in an arrival window, confirmed (or moved) by the resident's
numbered reply, reminded the evening before and an hour before by timer executions, and closed with
completed or no_access and the resident's "was it fixed?".

Visits live on the ticket row (`visits`, a list), so every change is the ticket's versioned update with
its audit entry. A visit's `version` grows when it is moved or cancelled: a reminder timer carries the
version it was set for, so a moved or cancelled visit's pending reminders do nothing when they wake.
`awaiting` says which numbered answer the resident's next text is read as: confirm, alternative, fixed."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core import ids, secrets, settings, signing, times
from chalicelib.core.errors import Conflict, Invalid, NotFound, Unauthorized
from chalicelib.lifecycle import delivery, timers
from chalicelib.models import Ticket
from chalicelib.rules import replies
from chalicelib.rules import visits as rules
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def language_of(ticket: Ticket) -> str:
    return _lang(ticket)


def window_label(ticket: Ticket, visit: dict) -> str:
    return _window(ticket, visit)


def _cal(ticket: Ticket):
    return properties.calendar(properties.get_property(ticket.property_id))


def _lang(ticket: Ticket) -> str:
    return ticket.language if ticket.language in ("en", "es") else "en"


def _window(ticket: Ticket, visit: dict) -> str:
    return rules.label(times.parse(visit["start"]), times.parse(visit["end"]), _cal(ticket), _lang(ticket))


def find(ticket: Ticket, visit_id: str) -> dict:
    visit = next((v for v in ticket.visits or [] if v["visit_id"] == visit_id), None)
    if visit is None:
        raise NotFound(f"no visit {visit_id} on ticket {ticket.ref}")
    return visit


def _save(ticket: Ticket, visit: dict, actor: str, action: str, now: datetime, detail: dict | None = None) -> Ticket:
    """The visit replaced in the ticket's list (a versioned write: a racing change re-reads and re-applies)."""
    def changes(current: Ticket) -> dict:
        others = [v for v in current.visits or [] if v["visit_id"] != visit["visit_id"]]
        return {"visits": sorted([*others, visit], key=lambda v: v["created_at"])}
    return tickets.update(ticket, changes(ticket), actor, action, now,
                          dict({"visit_id": visit["visit_id"], "status": visit["status"]}, **(detail or {})),
                          recompute=changes)


def _tell(ticket: Ticket, key: str, now: datetime, urgent: bool = False, queue: bool = True, **values) -> None:
    """A visit message through the ticket's channel, in the resident's language. By text it is proactive
    (consent, STOP and texting hours apply) unless `urgent`, and queued for the texting function unless the
    caller is one (`queue` False: inbound_sms answering the resident); on chat it goes on the thread."""
    body = replies.say(key, _lang(ticket), ref=ticket.ref, **values)
    if ticket.channel == "email" and values.get("links"):
        body = f"{body}\n\n{values['links']}"
    if ticket.channel == "sms":
        delivery.text(ticket, "tenantline", body, now, automated=True, proactive=True, urgent=urgent, queue=queue)
    elif ticket.channel in ("chat", "email"):
        delivery.reply(ticket, "tenantline", body, now, automated=True)
    else:
        tickets.record(ticket, "tenantline", "visit_call_resident", now, {"say": body})


def propose(ticket: Ticket, start: datetime, end: datetime, technician: str, note: str | None, actor: str,
            now: datetime) -> dict:
    problem = rules.window_problem(start, end, _cal(ticket), ticket.urgency == "emergency")
    if problem:
        raise Invalid(problem)
    visit = {"visit_id": ids.new_id(), "start": times.iso(start), "end": times.iso(end), "technician": technician,
             "note": note, "status": "proposed", "awaiting": "confirm", "alternatives": [], "version": 1,
             "created_at": times.iso(now), "arrived_at": None, "fixed": None}
    ticket = _save(ticket, visit, actor, "visit_proposed", now, {"start": visit["start"], "end": visit["end"]})
    prop = properties.get_property(ticket.property_id)
    links = _links(ticket, visit, now) if ticket.channel == "email" else None
    _tell(ticket, "visit_proposed", now, property=prop.name, window=_window(ticket, visit), links=links)
    return visit


# --- signed links (email): a page with one button, as for surveys, since mail scanners open links too ---

LINK_KIND = "V"


def _secret() -> str:
    return secrets.link_secret() + "#visit"


def _links(ticket: Ticket, visit: dict, now: datetime) -> str:
    lifetime = int((times.parse(visit["end"]) + timedelta(days=1) - now).total_seconds())
    made = {said: signing.short_sign([LINK_KIND, ticket.ticket_id, visit["visit_id"], str(visit["version"]), said],
                                     _secret(), max(lifetime, 3600), now.timestamp()) for said in ("1", "2")}
    base = f"{settings.public_api_url()}/visit-links"
    return replies.say("visit_links", _lang(ticket), confirm=f"{base}/{made['1']}", other=f"{base}/{made['2']}")


def from_link(token: str, now: datetime) -> tuple[Ticket, dict, str]:
    """(ticket, visit, "1" or "2"). 401 forged or expired; 409 when the visit changed since the email."""
    values = signing.short_verify(token, _secret(), now.timestamp())
    if len(values) != 5 or values[0] != LINK_KIND:
        raise Unauthorized("this link is not valid")
    _, ticket_id, visit_id, version, said = values
    ticket = tickets.get_ticket(ticket_id)
    visit = find(ticket, visit_id)
    if str(visit["version"]) != version or visit.get("awaiting") != "confirm":
        raise Conflict(f"this visit is now {visit['status']}: the office has the latest")
    return ticket, visit, said


def answer_by_link(token: str, now: datetime) -> dict:
    ticket, visit, said = from_link(token, now)
    if ticket.channel == "sms":  # SMS tickets are answered by text (and the HTTP function may not text)
        raise Conflict("answer this visit by text")
    answer(ticket, said, now)
    return view(find(tickets.get_ticket(ticket.ticket_id), visit["visit_id"]))


def quiet_answer(ticket: Ticket, text: str) -> bool:
    """ "1" to "was it fixed?" is an answer to our question, not the resident writing back: it does not
    reopen a resolved ticket (a "2" does, and lowers first-time fix)."""
    visit = awaiting(ticket)
    return bool(visit and visit["awaiting"] == "fixed" and rules.number(text) == 1)


def awaiting(ticket: Ticket) -> dict | None:
    """The visit whose numbered answer the resident's next text would be (the latest asked)."""
    return next((v for v in reversed(ticket.visits or []) if v.get("awaiting")), None)


def answer(ticket: Ticket, text: str, now: datetime) -> bool:
    """The resident's text read as the answer a visit is waiting for; False when it is not one. Called by
    inbound_sms, which texts the answer itself."""
    visit, said = awaiting(ticket), rules.number(text)
    if visit is None or said is None:
        return False
    visit = dict(visit)
    if visit["awaiting"] == "confirm" and said in (1, 2):
        return _confirm(ticket, visit, now, queue=False) if said == 1 else _offer(ticket, visit, now)
    if visit["awaiting"] == "alternative" and 0 <= said <= len(visit["alternatives"]):
        return _move(ticket, visit, visit["alternatives"][said - 1], now) if said else _no_fit(ticket, visit, now)
    if visit["awaiting"] == "fixed" and said in (1, 2):
        return _fixed(ticket, visit, said == 1, now)
    return False


def _confirm(ticket: Ticket, visit: dict, now: datetime, queue: bool = False) -> bool:
    visit.update(status="confirmed", awaiting=None, confirmed_at=times.iso(now))
    ticket = _save(ticket, visit, "resident", "visit_confirmed", now)
    _remind_later(ticket, visit, now)
    _tell(ticket, "visit_confirmed", now, urgent=True, queue=queue, window=_window(ticket, visit))
    return True


def _offer(ticket: Ticket, visit: dict, now: datetime) -> bool:
    """A "2": up to three windows the office has open (no other visit then), picked by their number."""
    taken = [(times.parse(v["start"]), times.parse(v["end"])) for t in _property_tickets_with_visits(ticket)
             for v in t.visits or [] if v["status"] in ("proposed", "confirmed", "en_route")]
    options = rules.alternatives(times.parse(visit["start"]), times.parse(visit["end"]), _cal(ticket), taken, now)
    if not options:
        return _no_fit(ticket, visit, now)
    visit.update(status="reschedule_requested", awaiting="alternative",
                 alternatives=[{"start": times.iso(a), "end": times.iso(b)} for a, b in options])
    ticket = _save(ticket, visit, "resident", "visit_reschedule_requested", now)
    choices = ", ".join(f"{n} {rules.label(a, b, _cal(ticket), _lang(ticket))}" for n, (a, b) in enumerate(options, 1))
    _tell(ticket, "visit_alternatives", now, urgent=True, queue=False, choices=choices)
    return True


def _property_tickets_with_visits(ticket: Ticket) -> list[Ticket]:
    """The property's open tickets (the queue index), whose booked visits an alternative must not overlap."""
    return [t for t in Ticket.queue.query(f"{ticket.property_id}#OPEN") if t.visits] + [ticket]


def _no_fit(ticket: Ticket, visit: dict, now: datetime) -> bool:
    """None of the times fits: a task for a CSR on the ticket."""
    visit.update(status="reschedule_requested", awaiting=None, alternatives=[])
    ticket = _save(ticket, visit, "resident", "visit_task", now,
                   {"task": "call the resident to find a visit time"})
    _tell(ticket, "visit_no_fit", now, urgent=True, queue=False)
    return True


def _move(ticket: Ticket, visit: dict, window: dict, now: datetime) -> bool:
    visit.update(start=window["start"], end=window["end"], alternatives=[], version=int(visit["version"]) + 1)
    return _confirm(ticket, visit, now)


def _remind_later(ticket: Ticket, visit: dict, now: datetime) -> None:
    """Step Functions waits, from the stored visit and its version (a moved visit's old timers do nothing)."""
    zone = _cal(ticket).zone
    for kind, due in rules.reminder_times(times.parse(visit["start"]), zone).items():
        if due > now:
            timers.start(f"visit-{kind}-{visit['visit_id']}-v{visit['version']}", "sla_clock",
                         {"clock": "visit_reminder", "ticket_id": ticket.ticket_id, "visit_id": visit["visit_id"],
                          "kind": kind, "version": visit["version"]}, due, now)


def remind(ticket_id: str, visit_id: str, kind: str, version: int, now: datetime) -> dict:
    ticket = tickets.get_ticket(ticket_id)
    visit = find(ticket, visit_id)
    if visit["status"] != "confirmed" or int(visit["version"]) != int(version):
        return {"reminded": False, "reason": f"the visit is {visit['status']} (version {visit['version']})"}
    # The hour-before reminder may fall before 08:00 for an early visit: it is useless later, so it never waits.
    _tell(ticket, f"visit_reminder_{kind}", now, urgent=kind == "hour_before", queue=False,  # sla_clock texts
          window=_window(ticket, visit))
    tickets.record(ticket, "tenantline", "visit_reminded", now, {"visit_id": visit_id, "kind": kind})
    return {"reminded": True, "kind": kind}


def set_status(ticket: Ticket, visit_id: str, status: str, actor: str, now: datetime,
               arrived_at: datetime | None = None) -> dict:
    """What the technician (or a CSR) records: en_route, completed, no_access, cancelled."""
    if status not in rules.STAFF_STATUSES:
        raise Invalid(f"status must be one of {', '.join(rules.STAFF_STATUSES)}")
    visit = dict(find(ticket, visit_id))
    if visit["status"] in ("completed", "no_access", "cancelled"):
        raise Conflict(f"the visit is already {visit['status']}")
    visit.update(status=status, awaiting=None)
    if status == "cancelled":
        visit["version"] = int(visit["version"]) + 1  # its pending reminders find a newer version and stop
    if status in ("completed", "no_access"):
        visit["arrived_at"] = times.iso(arrived_at or now)
        visit["in_window"] = rules.arrived_in_window(arrived_at or now, times.parse(visit["start"]),
                                                     times.parse(visit["end"]))
    if status == "completed":
        visit["awaiting"] = "fixed"
    ticket = _save(ticket, visit, actor, f"visit_{status}", now)
    if status == "en_route":
        _tell(ticket, "visit_en_route", now, urgent=True, technician=visit["technician"])
    elif status == "completed":
        _tell(ticket, "visit_fixed_question", now)
    elif status == "no_access":
        _tell(ticket, "visit_no_access", now, urgent=True)
    else:
        _tell(ticket, "visit_cancelled", now, urgent=True, window=_window(ticket, visit))
    return visit


def _fixed(ticket: Ticket, visit: dict, fixed: bool, now: datetime) -> bool:
    """A "no" reopens the ticket and counts against first-time fix."""
    visit.update(fixed=fixed, awaiting=None)
    ticket = _save(ticket, visit, "resident", "visit_fixed" if fixed else "visit_not_fixed", now)
    if not fixed and ticket.status in ("resolved", "closed"):
        ticket = tickets.change_status(ticket.ticket_id, "in_progress", "resident", now, note="visit: not fixed")
    _tell(ticket, "visit_fixed_yes" if fixed else "visit_fixed_no", now, urgent=True, queue=False)
    return True


def view(visit: dict) -> dict:
    return {k: visit.get(k) for k in ("visit_id", "start", "end", "technician", "status", "note", "arrived_at",
                                      "in_window", "fixed")}
