"""Time-to-human over a period: every escalated ticket, when it arrived, who acknowledged, how fast."""
from __future__ import annotations

import statistics
from datetime import date

from chalicelib.models import Ticket
from chalicelib.rules.service_levels import TIME_TO_HUMAN


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def escalations(start: date, end: date, property_id: str | None = None) -> dict:
    """Escalations started on the days from `start` to `end` (inclusive)."""
    rows = []
    for period in _months(start, end):
        condition = Ticket.escalation_started_at.between(start.isoformat(), f"{end.isoformat()}~")
        for t in Ticket.by_escalation.query(period, condition):
            if property_id and t.property_id != property_id:
                continue
            rows.append({"ref": t.ref, "ticket_id": t.ticket_id, "property_id": t.property_id,
                         "arrived_at": t.created_at, "escalation_started_at": t.escalation_started_at,
                         "acknowledged_at": t.acknowledged_at,
                         "acknowledged_by": t.acknowledged_by, "reached_seconds": t.reached_seconds,
                         "target_met": bool(t.target_met), "status": t.escalation})
    reached = [r["reached_seconds"] for r in rows if r["reached_seconds"] is not None]
    return {"from": start.isoformat(), "to": end.isoformat(), "target_seconds": int(TIME_TO_HUMAN.total_seconds()),
            "escalations": rows, "count": len(rows), "met": sum(r["target_met"] for r in rows),
            "breached": sum(not r["target_met"] for r in rows),
            "unacknowledged": sum(r["acknowledged_at"] is None for r in rows),
            "median_reached_seconds": statistics.median(reached) if reached else None}
