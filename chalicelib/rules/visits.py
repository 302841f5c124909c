"""Repair visits booked in arrival windows the resident confirms: what a valid window is, the alternatives
the office can offer, when reminders go, and reading the resident's numbered answers. Pure."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from chalicelib.rules.calendar import DAYS, Calendar, is_open
from chalicelib.rules.wording import fold

STATUSES = ("proposed", "confirmed", "reschedule_requested", "en_route", "completed", "no_access", "cancelled")
STAFF_STATUSES = ("en_route", "completed", "no_access", "cancelled")  # what staff record after proposing
SHORTEST, LONGEST = timedelta(hours=1), timedelta(hours=4)
STEP = timedelta(minutes=15)
ALTERNATIVES = 3
SEARCH_DAYS = 14
EVENING = time(19, 0)  # the evening-before reminder, inside texting hours (08:00-21:00)
HOUR_BEFORE = timedelta(hours=1)


def window_problem(start: datetime, end: datetime, cal: Calendar, emergency: bool) -> str | None:
    """Why a window cannot be booked, or None. 1-4 hours; outside an emergency, inside the property's
    maintenance hours (its office hours: every quarter hour of the window open, no holiday or closure)."""
    if start.tzinfo is None or end.tzinfo is None:
        return "start and end need a UTC offset"
    length = end - start
    if not SHORTEST <= length <= LONGEST:
        return "a visit window is 1 to 4 hours long"
    if emergency:
        return None
    moment = start
    while moment < end:
        if not is_open(cal, moment):
            return "outside the property's maintenance hours (an emergency visit may be at any time)"
        moment += STEP
    return None


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def alternatives(start: datetime, end: datetime, cal: Calendar, taken: list[tuple[datetime, datetime]],
                 now: datetime, count: int = ALTERNATIVES) -> list[tuple[datetime, datetime]]:
    """Up to `count` windows of the same length on the following days: at the same local time, else from
    the start of each of that day's maintenance spans; never overlapping a booked visit, never in the past."""
    length, local = end - start, start.astimezone(cal.zone)
    found: list[tuple[datetime, datetime]] = []
    for offset in range(1, SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        spans = cal.hours.get(DAYS[day.weekday()], [])
        candidates = [local.time()] + [time.fromisoformat(s[0]) for s in spans]
        for at in dict.fromkeys(candidates):
            begin = datetime.combine(day, at, tzinfo=cal.zone)
            window = (begin, begin + length)
            if begin > now and window_problem(*window, cal, False) is None and \
                    not any(overlaps(window, t) for t in taken):
                found.append(window)
                break
        if len(found) == count:
            break
    return found


def reminder_times(start: datetime, zone) -> dict[str, datetime]:
    """The evening before (19:00 local) and one hour before the window opens."""
    local = start.astimezone(zone)
    evening = datetime.combine(local.date() - timedelta(days=1), EVENING, tzinfo=zone)
    return {"evening_before": evening, "hour_before": start - HOUR_BEFORE}


def number(text: str) -> int | None:
    """The number a reply starts with ("1", "2.", "#3 please"), or None."""
    match = re.match(r"^\s*#?\s*(\d{1,2})\b", fold(text or ""))
    return int(match.group(1)) if match else None


def arrived_in_window(arrived: datetime | None, start: datetime, end: datetime) -> bool | None:
    return None if arrived is None else start <= arrived <= end


def label(start: datetime, end: datetime, cal: Calendar, language: str) -> str:
    """ "Thu 11/19 9:00-11:00" (short: it goes in a text)."""
    a, b = start.astimezone(cal.zone), end.astimezone(cal.zone)
    days_es = ("lun", "mar", "mie", "jue", "vie", "sab", "dom")
    day = days_es[a.weekday()] if language == "es" else a.strftime("%a")
    return f"{day} {a.month}/{a.day} {a.hour}:{a.minute:02d}-{b.hour}:{b.minute:02d}"
