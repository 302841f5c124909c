"""Business calendars: a property's weekly office hours in its own time zone, public holidays (the
`holidays` package) and custom closures. Pure: every function takes the instant it reasons about."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEARCH_DAYS = 400  # a calendar with no opening within this many days is treated as never open


@dataclass(frozen=True)
class Calendar:
    timezone: str
    hours: dict = field(default_factory=dict)  # {"mon": [["08:00", "17:00"], ...], ...}
    holiday_country: str | None = "US"
    holiday_subdiv: str | None = None
    closures: tuple[str, ...] = ()

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def _holidays(self):
        if not self.holiday_country:
            return {}
        import holidays as holiday_calendars  # noqa: PLC0415 - ~60 ms of import, needed only to ask about a day

        return holiday_calendars.country_holidays(self.holiday_country, subdiv=self.holiday_subdiv)

    def closed_reason(self, day: date) -> str | None:
        if day.isoformat() in self.closures:
            return "closure"
        # HolidayBase fills in years lazily, so it is falsy until asked about a date.
        name = self._holidays.get(day) if self.holiday_country else None
        return f"holiday: {name}" if name else None

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Opening intervals on a local date, as aware UTC datetimes."""
        if self.closed_reason(day):
            return []
        spans = []
        for start, end in self.hours.get(DAYS[day.weekday()], []):
            a = datetime.combine(day, time.fromisoformat(start), self.zone)
            b = datetime.combine(day, time.fromisoformat(end), self.zone) if end != "24:00" else \
                datetime.combine(day + timedelta(days=1), time(0), self.zone)
            spans.append((a.astimezone(timezone.utc), b.astimezone(timezone.utc)))
        return sorted(spans)

    def _spans_from(self, now: datetime):
        day = now.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(SEARCH_DAYS):
            for a, b in self.intervals(day + timedelta(days=offset)):
                if b > now:
                    yield max(a, now), b


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return now.astimezone(timezone.utc)


def is_open(cal: Calendar, now: datetime) -> bool:
    now = _utc(now)
    return any(a <= now < b for a, b in cal._spans_from(now) if a <= now)


def next_open(cal: Calendar, now: datetime) -> datetime | None:
    """`now` itself when open, else the next opening; None when the calendar never opens."""
    now = _utc(now)
    return next((a for a, _ in cal._spans_from(now)), None)


def add_business_time(cal: Calendar, start: datetime, duration: timedelta) -> datetime | None:
    remaining = duration
    for a, b in cal._spans_from(_utc(start)):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    return None


def business_time_between(cal: Calendar, a: datetime, b: datetime) -> timedelta:
    a, b = _utc(a), _utc(b)
    total = timedelta()
    if b <= a:
        return total
    for start, end in cal._spans_from(a):
        if start >= b:
            break
        total += min(end, b) - start
    return total


def local_label(cal: Calendar, when: datetime, language: str = "en") -> str:
    """'Mon 08:00' style label in the property's time zone, for replies to residents."""
    local = when.astimezone(cal.zone)
    names = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
             "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")}[language if language == "es" else "en"]
    return f"{names[local.weekday()]} {local:%H:%M}"
