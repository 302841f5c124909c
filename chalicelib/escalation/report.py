"""Time-to-human over a period: every escalated ticket, when it arrived, who acknowledged, how fast."""
from __future__ import annotations

import math
import statistics
from datetime import date

from chalicelib.escalation import patch
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
                         "target_met": bool(t.target_met), "status": t.escalation, "channel": t.channel})
    reached = [r["reached_seconds"] for r in rows if r["reached_seconds"] is not None]
    return {"from": start.isoformat(), "to": end.isoformat(), "target_seconds": int(TIME_TO_HUMAN.total_seconds()),
            "escalations": rows, "count": len(rows), "met": sum(r["target_met"] for r in rows),
            "breached": sum(not r["target_met"] for r in rows),
            "unacknowledged": sum(r["acknowledged_at"] is None for r in rows),
            "median_reached_seconds": statistics.median(reached) if reached else None,
            "phone": _phone(rows)}


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the value at or below which `share` of the values lie."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _phone(rows: list[dict]) -> dict:
    """Phone emergencies: time-to-human (p50, p90) and how often a live patch reached someone."""
    calls = [r for r in rows if r["channel"] == "voice"]
    reached = [r["reached_seconds"] for r in calls if r["reached_seconds"] is not None]
    tried = {r["ticket_id"]: patch.attempts(r["ticket_id"]) for r in calls}
    with_patch = [ticket for ticket, found in tried.items() if found]
    connected = [ticket for ticket in with_patch if any(a["result"] == "connected" for a in tried[ticket])]
    return {"count": len(calls), "p50_reached_seconds": _percentile(reached, 0.5),
            "p90_reached_seconds": _percentile(reached, 0.9), "patched": len(with_patch),
            "patch_connected": len(connected),
            "patch_connected_share": round(len(connected) / len(with_patch), 3) if with_patch else None}
