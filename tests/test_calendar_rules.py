"""Business calendar rules residents and staff see: when the office opens, what a reply says about it,
holidays and closures, and business-time arithmetic at the edges of office hours."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.rules.calendar import (
    Calendar,
    add_business_time,
    business_time_between,
    is_open,
    local_label,
    next_open,
)

NY = ZoneInfo("America/New_York")
WEEK = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
CAL = Calendar("America/New_York", WEEK, "US", "NY", closures=("2026-12-24",))


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize("day, english, spanish", [
    (16, "Mon", "lun"), (17, "Tue", "mar"), (18, "Wed", "mié"), (19, "Thu", "jue"), (20, "Fri", "vie"),
    (21, "Sat", "sáb"), (22, "Sun", "dom"),
])
def test_opening_label_names_the_local_day_and_time(day, english, spanish):
    when = ny(2026, 11, day, 8, 5)
    assert local_label(CAL, when) == f"{english} 08:05"
    assert local_label(CAL, when, "en") == f"{english} 08:05"
    assert local_label(CAL, when, "es") == f"{spanish} 08:05"


def test_opening_label_is_in_the_property_zone_and_unknown_languages_get_english():
    utc = datetime(2026, 11, 17, 3, 30, tzinfo=timezone.utc)  # Monday 22:30 in New York
    assert local_label(CAL, utc) == "Mon 22:30"
    assert local_label(CAL, utc, "fr") == "Mon 22:30"
    assert local_label(Calendar("Europe/Madrid", WEEK), utc, "es") == "mar 04:30"


def test_closures_and_holidays_say_why_the_office_is_closed():
    assert CAL.closed_reason(date(2026, 12, 24)) == "closure"
    assert CAL.closed_reason(date(2026, 11, 26)) == "holiday: Thanksgiving Day"
    assert CAL.closed_reason(date(2026, 11, 25)) is None
    no_holidays = Calendar("America/New_York", WEEK, None)
    assert no_holidays.closed_reason(date(2026, 11, 26)) is None
    assert is_open(no_holidays, ny(2026, 11, 26, 10))  # a property that works through public holidays


def test_opening_and_closing_minutes():
    assert is_open(CAL, ny(2026, 11, 18, 8, 0))
    assert not is_open(CAL, ny(2026, 11, 18, 7, 59))
    assert is_open(CAL, ny(2026, 11, 18, 16, 59))
    assert next_open(CAL, ny(2026, 11, 18, 7, 0)) == ny(2026, 11, 18, 8, 0)
    assert next_open(CAL, ny(2026, 11, 18, 17, 0)) == ny(2026, 11, 19, 8, 0)


def test_split_shifts_and_hours_to_midnight():
    split = Calendar("America/New_York", {"mon": [["13:00", "17:00"], ["08:00", "12:00"]],
                                          "tue": [["20:00", "24:00"]]}, None)
    assert not is_open(split, ny(2026, 11, 16, 12, 30))  # lunch
    assert next_open(split, ny(2026, 11, 16, 12, 30)) == ny(2026, 11, 16, 13)
    assert next_open(split, ny(2026, 11, 16, 6)) == ny(2026, 11, 16, 8)  # the earlier shift first
    assert is_open(split, ny(2026, 11, 17, 23, 59))
    assert not is_open(split, ny(2026, 11, 18, 0, 0))
    assert add_business_time(split, ny(2026, 11, 16, 11), timedelta(hours=2)) == ny(2026, 11, 16, 14)
    assert add_business_time(split, ny(2026, 11, 17, 23), timedelta(hours=2)) == ny(2026, 11, 23, 9)


def test_business_time_fills_a_day_exactly_and_carries_over():
    start = ny(2026, 11, 18, 8)
    assert add_business_time(CAL, start, timedelta(hours=9)) == ny(2026, 11, 18, 17)
    assert add_business_time(CAL, start, timedelta(hours=9, minutes=1)) == ny(2026, 11, 19, 8, 1)
    assert add_business_time(CAL, start, timedelta(0)) == start
    assert add_business_time(Calendar("UTC", {}), start, timedelta(hours=1)) is None


def test_business_time_between_counts_only_open_hours():
    assert business_time_between(CAL, ny(2026, 11, 18, 16), ny(2026, 11, 19, 9)) == timedelta(hours=2)
    assert business_time_between(CAL, ny(2026, 11, 19, 9), ny(2026, 11, 18, 16)) == timedelta(0)
    assert business_time_between(CAL, ny(2026, 11, 18, 18), ny(2026, 11, 19, 7)) == timedelta(0)
    assert business_time_between(CAL, ny(2026, 11, 18, 10), ny(2026, 11, 18, 10, 30)) == timedelta(minutes=30)
    assert business_time_between(CAL, ny(2026, 11, 20, 16), ny(2026, 11, 23, 8, 15)) == timedelta(hours=1, minutes=15)


def test_times_without_a_zone_are_refused():
    with pytest.raises(ValueError, match="^times must be timezone-aware$"):
        is_open(CAL, datetime(2026, 11, 18, 10))
    with pytest.raises(ValueError, match="^times must be timezone-aware$"):
        next_open(CAL, datetime(2026, 11, 18, 10))
