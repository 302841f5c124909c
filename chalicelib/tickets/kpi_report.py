"""The KPI report (definitions in rules/kpis.py): gathers each ticket's facts with indexed queries only
(GSI by_property for the period's tickets, the queue GSI for the open backlog, the ticket's own partition
for its audit trail) and computes every KPI per property and for the portfolio, for the period and the one
of the same length just before it."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from chalicelib.core import times
from chalicelib.core.errors import Invalid
from chalicelib.models import Ticket
from chalicelib.rules import kpis
from chalicelib.rules.calendar import Calendar, next_open
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets

DONE = ("resolved", "closed")
MAX_DAYS = 366
OLDEST_SHOWN = 10


def _when(value: str | None) -> datetime | None:
    return times.parse(value) if value else None


def facts(t: Ticket, cal: Calendar, with_trail: bool = True) -> kpis.TicketFacts:
    """One ticket's facts; its audit trail (one Query on its partition) says when it was resolved, reopened,
    moved to tier 2 and released in a digest."""
    trail = tickets.audit_trail(t.ticket_id) if with_trail else []
    done_at = [a.at for a in trail if a.action == "status" and (a.detail or {}).get("to") in DONE]
    reopened = any(_reopens(a) for a in trail)
    tier2 = [a.at for a in trail if a.action == "tier" and (a.detail or {}).get("to") == 2]
    held = any(a.action == "held_after_hours" for a in trail)
    released = [a.at for a in trail if a.action == "released_in_digest"]
    created = times.parse(t.created_at)
    return kpis.TicketFacts(
        ticket_id=t.ticket_id, ref=t.ref, property_id=t.property_id, category=t.category, urgency=t.urgency,
        status=t.status, created=created, phone=t.contact_phone, email=t.contact_email,
        first_resolved=_when(min(done_at)) if done_at else None,
        done=_when(max(done_at)) if done_at and t.status in DONE else None, reopened=reopened,
        first_response_at=_when(t.first_response_at),
        first_response_due=_when(t.first_response_due) if t.category == "complaint" else None,
        tier2_at=_when(min(tier2)) if tier2 else None,
        csat=None if t.csat is None else int(t.csat), nps=None if t.nps is None else int(t.nps),
        answered_at=_when(t.csat_at), review_done_at=_when(t.review_done_at),
        escalated=bool(t.escalation_started_at),
        reached_seconds=None if t.reached_seconds is None else float(t.reached_seconds),
        calls=tuple(kpis.Call(c.get("outcome") or "", c.get("queue_wait_seconds"), c.get("handle_seconds"))
                    for c in (t.calls or {}).values()),
        opening=next_open(cal, created) if held else None, released=_when(min(released)) if released else None,
        linked_to=t.linked_ticket_id,
        visits=tuple(kpis.VisitFact(v.get("status") or "", v.get("in_window"), v.get("fixed"))
                     for v in t.visits or []),
        kb_answered=any(a.action == "kb_answer" for a in trail),
        self_served=any(a.action == "kb_helpful" and (a.detail or {}).get("self_served") for a in trail))


def _reopens(entry) -> bool:
    """A CSR reopened it, or the resident wrote back on a resolved or closed ticket (which reopens it)."""
    status = (entry.detail or {}).get("status")
    return entry.action == "reopened" or (entry.action == "message_in" and isinstance(status, list)
                                           and bool(status) and status[0] in DONE)


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    end = end or today
    start = start or end.replace(day=1)
    if end < start or (end - start).days >= MAX_DAYS:
        raise Invalid("the period must run forwards and span at most a year")
    return start, end


def _in(f: kpis.TicketFacts, start: date, end: date) -> bool:
    return start <= f.created.date() <= end


def report(start: date, end: date, property_id: str | None, as_of: datetime) -> dict:
    """Every KPI for tickets opened from `start` to `end` (UTC days, inclusive), judged at `as_of`."""
    props = [properties.get_property(property_id)] if property_id else properties.list_properties()
    days = (end - start).days + 1
    prev_start, prev_end = start - timedelta(days=days), start - timedelta(days=1)
    repeat_until = end + kpis.FCR_WINDOW
    everything: list[kpis.TicketFacts] = []
    open_now: list[kpis.TicketFacts] | None = [] if end >= as_of.date() else None
    for prop in props:
        cal = properties.calendar(prop)
        condition = Ticket.created_at.between(prev_start.isoformat(), f"{repeat_until.isoformat()}~")
        for t in Ticket.by_property.query(prop.property_id, condition):
            # Tickets after the period only matter as repeat contacts: no trail needed for them.
            everything.append(facts(t, cal, with_trail=t.created_at[:10] <= end.isoformat()))
        if open_now is not None:
            open_now += [facts(t, cal, with_trail=False) for t in Ticket.queue.query(f"{prop.property_id}#OPEN")]
    cohort = [f for f in everything if _in(f, start, end)]
    before = [f for f in everything if _in(f, prev_start, prev_end)]
    now_results = kpis.compute(cohort, everything, open_now, as_of)
    prev_results = kpis.compute(before, everything, None, min(as_of, _day_end(prev_end)))
    out = {
        "from": start.isoformat(), "to": end.isoformat(), "property": property_id, "as_of": times.iso(as_of),
        "previous_period": {"from": prev_start.isoformat(), "to": prev_end.isoformat()},
        "tickets": len(cohort),
        "kpis": [kpis.entry(r, p) for r, p in zip(now_results, prev_results, strict=True)],
        "daily": _daily(cohort, everything, start, end, as_of),
        "oldest_open": _oldest(open_now or [], as_of),
        "breaches": [dict(b, kpi=r.key) for r in now_results for b in r.breaches],
    }
    if property_id is None:
        out["properties"] = [
            {"property_id": p.property_id, "name": p.name,
             "kpis": [kpis.entry(r) for r in kpis.compute(
                 [f for f in cohort if f.property_id == p.property_id], everything,
                 None if open_now is None else [f for f in open_now if f.property_id == p.property_id], as_of)]}
            for p in props]
    return out


def _day_end(day: date) -> datetime:
    return times.parse(f"{day.isoformat()}T23:59:59.999Z")


def _daily(cohort, everything, start: date, end: date, as_of: datetime) -> list[dict]:
    """Each day's tickets and their KPI values: the dashboard's trend lines."""
    rows, day = [], start
    while day <= end:
        that_day = [f for f in cohort if f.created.date() == day]
        rows.append({"date": day.isoformat(), "tickets": len(that_day),
                     "values": {r.key: r.value for r in kpis.compute(that_day, everything, None, as_of)
                                if r.key != "backlog_aging"}})
        day += timedelta(days=1)
    return rows


def _oldest(open_now: list[kpis.TicketFacts], as_of: datetime) -> list[dict]:
    return [{"ref": f.ref, "ticket_id": f.ticket_id, "property_id": f.property_id, "urgency": f.urgency,
             "category": f.category, "status": f.status, "created_at": times.iso(f.created),
             "age_hours": round((as_of - f.created).total_seconds() / 3600, 1)}
            for f in sorted(open_now, key=lambda f: f.created)[:OLDEST_SHOWN]]


CSV_COLUMNS = ("scope", "key", "label", "unit", "value", "target", "better", "met", "count", "previous_value",
               "previous_met", "change")


def as_csv(result: dict) -> str:
    """One row per KPI and scope (the portfolio or the property asked for, then each property)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("from", "to", *CSV_COLUMNS))
    scopes = [(result["property"] or "portfolio", result["kpis"])]
    scopes += [(p["property_id"], p["kpis"]) for p in result.get("properties", [])]
    for scope, entries in scopes:
        for e in entries:
            prev = e.get("previous") or {}
            writer.writerow((result["from"], result["to"], scope, e["key"], e["label"], e["unit"], _cell(e["value"]),
                             _cell(e["target"]), e["better"], _cell(e["met"]), e["count"], _cell(prev.get("value")),
                             _cell(prev.get("met")), _cell(e.get("change"))))
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "met" if value else "missed"
    return str(value)
