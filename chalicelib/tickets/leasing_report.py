"""The leasing report: leads (prospect tickets) by source with the median time to their first response
(automatic answers count: a prospect answered at once was answered), the tours booked in the period (booked,
cancelled, by source; whenever they take place), and of the tours that took place in it the show rate
(completed of completed + no_show) and the share whose prospect applied. Leads are the tickets opened in the
period (UTC days, the by_property index); tours are read by their day (one Query per property and day, from
the period's start to its end plus the booking horizon)."""
from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from chalicelib.core import times
from chalicelib.core.errors import Invalid
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
    leads = {"count": 0, "by_source": {}, "by_discovery": {}, "waits": [], "unanswered": 0}
    tours = {"booked": 0, "cancelled": 0, "by_source": {}, "by_discovery": {}, "completed": 0, "no_show": 0,
             "applied": 0}
    for prop in props:
        _leads(prop.property_id, start, end, leads)
        if prop.tours:
            _tours(prop, start, end, tours)
    waits = leads["waits"]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "property": property_id,
        "leads": leads["count"], "leads_by_source": leads["by_source"], "leads_by_discovery": leads["by_discovery"],
        "median_first_response_seconds": median(waits) if waits else None, "leads_unanswered": leads["unanswered"],
        "tours_booked": tours["booked"], "tours_cancelled": tours["cancelled"], "tours_by_source": tours["by_source"],
        "tours_by_discovery": tours["by_discovery"],
        "tours_completed": tours["completed"], "tours_no_show": tours["no_show"],
        "show_rate": _rate(tours["completed"], tours["completed"] + tours["no_show"]),
        "applied": tours["applied"], "applied_share": _rate(tours["applied"], tours["completed"]),
    }


def _leads(property_id: str, start: date, end: date, counts: dict) -> None:
    condition = Ticket.created_at.between(start.isoformat(), f"{end.isoformat()}~")
    for t in Ticket.by_property.query(property_id, condition):
        if t.role != "prospect":
            continue
        counts["count"] += 1
        _count(counts["by_source"], t.source or lead_rules.source(t.channel))
        _count(counts["by_discovery"], t.discovery)
        wait = _first_response_seconds(t)
        if wait is None:
            counts["unanswered"] += 1
        else:
            counts["waits"].append(wait)


def _tours(prop, start: date, end: date, counts: dict) -> None:
    """Tours booked in the period (whenever they take place: up to the booking horizon after it), and the outcome
    of those that took place in it."""
    try:
        horizon = store.settings_of(prop).horizon_days
    except Invalid:  # settings configured wrong: the days of the period alone
        horizon = 0
    day = start
    while day <= end + timedelta(days=horizon):
        for b in store.on_day(prop.property_id, day.isoformat()):
            if start.isoformat() <= b.created_at[:10] <= end.isoformat():
                counts["cancelled" if b.status == "cancelled" else "booked"] += 1
                if b.status != "cancelled":
                    _count(counts["by_source"], b.source or "unknown")
                    _count(counts["by_discovery"], b.discovery)
            if day <= end and b.status in ("completed", "no_show"):
                counts[b.status] += 1
                counts["applied"] += bool(b.status == "completed" and b.applied)
        day += timedelta(days=1)
