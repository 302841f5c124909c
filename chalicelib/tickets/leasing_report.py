"""The leasing report: leads (prospect tickets) by source with the median time to their first response
(automatic answers count: a prospect answered at once was answered), and the tours of the period: booked,
cancelled, by source, the show rate (completed of completed + no_show) and the share of completed tours whose
prospect applied. Leads are the tickets opened in the period (UTC days, the by_property index); tours are
those whose date falls in it (one Query per property and day)."""
from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from chalicelib.core import times
from chalicelib.models import Ticket
from chalicelib.rules import leads as lead_rules
from chalicelib.tickets import portfolio
from chalicelib.tickets import store as tickets
from chalicelib.tickets import tours as store


def _first_response_seconds(ticket: Ticket) -> float | None:
    created = times.parse(ticket.created_at)
    outbound = [times.parse(m.created_at) for m in tickets.thread(ticket.ticket_id) if m.direction == "outbound"]
    return (min(outbound) - created).total_seconds() if outbound else None


def _count(counts: dict[str, int], key: str | None) -> None:
    if key:
        counts[key] = counts.get(key, 0) + 1


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def report(start: date, end: date, property_id: str | None) -> dict:
    props = [portfolio.get_property(property_id)] if property_id else portfolio.list_properties()
    leads, by_source, by_discovery, waits, unanswered = 0, {}, {}, [], 0
    tours: dict[str, int] = {"booked": 0, "cancelled": 0, "completed": 0, "no_show": 0}
    tours_by_source: dict[str, int] = {}
    tours_by_discovery: dict[str, int] = {}
    applied = 0
    for prop in props:
        condition = Ticket.created_at.between(start.isoformat(), f"{end.isoformat()}~")
        for t in Ticket.by_property.query(prop.property_id, condition):
            if t.role != "prospect":
                continue
            leads += 1
            _count(by_source, t.source or lead_rules.source(t.channel))
            _count(by_discovery, t.discovery)
            wait = _first_response_seconds(t)
            if wait is None:
                unanswered += 1
            else:
                waits.append(wait)
        if not prop.tours:
            continue
        day = start
        while day <= end:
            for b in store.on_day(prop.property_id, day.isoformat()):
                tours[b.status] = tours.get(b.status, 0) + 1
                if b.status != "cancelled":
                    _count(tours_by_source, b.source or "unknown")
                    _count(tours_by_discovery, b.discovery)
                applied += bool(b.status == "completed" and b.applied)
            day += timedelta(days=1)
    held = tours["booked"] + tours["completed"] + tours["no_show"]  # not cancelled
    return {
        "from": start.isoformat(), "to": end.isoformat(), "property": property_id,
        "leads": leads, "leads_by_source": by_source, "leads_by_discovery": by_discovery,
        "median_first_response_seconds": median(waits) if waits else None, "leads_unanswered": unanswered,
        "tours_booked": held, "tours_cancelled": tours["cancelled"], "tours_by_source": tours_by_source,
        "tours_by_discovery": tours_by_discovery,
        "tours_completed": tours["completed"], "tours_no_show": tours["no_show"],
        "show_rate": _rate(tours["completed"], tours["completed"] + tours["no_show"]),
        "applied": applied, "applied_share": _rate(applied, tours["completed"]),
    }
