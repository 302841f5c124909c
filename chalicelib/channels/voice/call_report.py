"""Phone performance over a period: average speed of answer (ASA), average handle time (AHT) and
abandoned calls, from the calls recorded on tickets by Connect's contact events."""
from __future__ import annotations

import statistics
from datetime import date

from chalicelib.models import Ticket
from chalicelib.tickets import portfolio as properties


def _mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def calls(start: date, end: date, property_id: str | None = None) -> dict:
    """Calls whose tickets were opened on the days from `start` to `end` (inclusive)."""
    pids = [property_id] if property_id else [p.property_id for p in properties.list_properties()]
    rows = []
    for pid in pids:
        condition = Ticket.created_at.between(start.isoformat(), f"{end.isoformat()}~")
        for ticket in Ticket.by_property.query(pid, condition, filter_condition=Ticket.channel == "voice"):
            rows += [dict(call, contact_id=cid, ticket_ref=ticket.ref, property_id=pid)
                     for cid, call in sorted((ticket.calls or {}).items())]
    waits = [r["queue_wait_seconds"] for r in rows if r.get("queue_wait_seconds") is not None]
    handles = [r["handle_seconds"] for r in rows if r.get("handle_seconds") is not None]
    answered = sum(r["outcome"] in ("completed", "connected") for r in rows)
    abandoned = sum(r["outcome"] == "abandoned" for r in rows)
    return {"from": start.isoformat(), "to": end.isoformat(), "calls": rows, "count": len(rows),
            "answered": answered, "abandoned": abandoned,
            "abandon_rate": round(abandoned / (answered + abandoned), 3) if answered + abandoned else None,
            "asa_seconds": _mean(waits), "aht_seconds": _mean(handles)}
