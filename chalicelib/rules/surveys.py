"""The satisfaction survey a resident gets once a ticket is resolved: its scales, what counts as a low score
(a manager reviews it), and how long its links live. Pure."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

CSAT_SCALE = (1, 5)  # "How satisfied are you?" 1 very dissatisfied .. 5 very satisfied
NPS_SCALE = (0, 10)  # "How likely are you to recommend us?"
CSAT_LOW_AT_MOST = 2  # dissatisfied: a manager reviews the ticket
NPS_LOW_BELOW = 6  # 0-5: a manager reviews the ticket (6 and up is satisfied enough)
COMMENT_MAX = 1000
LINK_VALID = timedelta(days=14)  # a survey link in an email or text works this long after the resolution
TEXTING_HOURS = (time(8, 0), time(21, 0))  # a survey text (not urgent) goes out between these, resident's local time


def check(csat: int | None, nps: int | None) -> str | None:
    """What is wrong with an answer, or None. At least one score; each on its scale."""
    if csat is None and nps is None:
        return "an answer needs csat (1-5) or nps (0-10)"
    for name, value, (low, high) in (("csat", csat, CSAT_SCALE), ("nps", nps, NPS_SCALE)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            return f"{name} must be a whole number from {low} to {high}"
    return None


def text_at(now: datetime, zone: str) -> datetime:
    """When a survey text may go: now inside texting hours (local), else the next 08:00."""
    local = now.astimezone(ZoneInfo(zone))
    start, end = TEXTING_HOURS
    if start <= local.time() < end:
        return now
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, ZoneInfo(zone))


def is_low(csat: int | float | None, nps: int | float | None) -> bool:
    return (csat is not None and csat <= CSAT_LOW_AT_MOST) or (nps is not None and nps < NPS_LOW_BELOW)


def label(csat, nps) -> str:
    """An answer as staff read it ("CSAT 2/5, NPS 4/10")."""
    parts = [f"CSAT {int(csat)}/5" if csat is not None else None, f"NPS {int(nps)}/10" if nps is not None else None]
    return ", ".join(p for p in parts if p)
