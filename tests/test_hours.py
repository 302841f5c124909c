"""Business calendars: opening, holidays, closures, DST, and business-time arithmetic."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules.calendar import Calendar, add_business_time, business_time_between, is_open, next_open

NY = ZoneInfo("America/New_York")
WEEK = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
CAL = Calendar("America/New_York", WEEK, "US", "NY", closures=("2026-12-24",))


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_open_and_closed():
    assert is_open(CAL, ny(2026, 11, 18, 10))
    assert not is_open(CAL, ny(2026, 11, 18, 17))  # the closing minute is closed
    assert not is_open(CAL, ny(2026, 11, 21, 10))  # Saturday
    assert not is_open(CAL, ny(2026, 11, 26, 10))  # Thanksgiving
    assert not is_open(CAL, ny(2026, 12, 24, 10))  # custom closure


def test_next_open_skips_weekends_holidays_and_closures():
    assert next_open(CAL, ny(2026, 11, 18, 10)) == ny(2026, 11, 18, 10)
    assert next_open(CAL, ny(2026, 11, 25, 23, 40)) == ny(2026, 11, 27, 8)  # over Thanksgiving
    assert next_open(CAL, ny(2026, 12, 23, 18)) == ny(2026, 12, 28, 8)  # closure, Christmas, weekend
    assert next_open(Calendar("UTC", {}), ny(2026, 1, 1)) is None


def test_business_time_across_dst_change():
    # DST ends on Sunday 2026-11-01: Friday 16:00 + 2 business hours is Monday 09:00 local, a 66 h wall gap.
    start = ny(2026, 10, 30, 16)
    end = add_business_time(CAL, start, timedelta(hours=2))
    assert end == ny(2026, 11, 2, 9)
    assert end - start == timedelta(hours=66)
    assert business_time_between(CAL, start, end) == timedelta(hours=2)


def test_hours_that_cross_midnight_as_two_spans():
    night = Calendar("America/Los_Angeles", {"fri": [["20:00", "24:00"]], "sat": [["00:00", "02:00"]]}, None)
    la = ZoneInfo("America/Los_Angeles")
    assert is_open(night, datetime(2026, 11, 20, 23, 59, tzinfo=la))
    assert is_open(night, datetime(2026, 11, 21, 1, tzinfo=la))
    assert business_time_between(night, datetime(2026, 11, 20, 19, tzinfo=la),
                                 datetime(2026, 11, 21, 3, tzinfo=la)) == timedelta(hours=6)


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(timezone.utc))


@settings(max_examples=150, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=60 * 24 * 10))
def test_adding_then_measuring_business_time_round_trips(start, minutes):
    duration = timedelta(minutes=minutes)
    end = add_business_time(CAL, start, duration)
    assert end >= start
    assert business_time_between(CAL, start, end) == duration
    if minutes:
        assert is_open(CAL, end - timedelta(seconds=1))


@settings(max_examples=150, deadline=None)
@given(moment=instants)
def test_next_open_is_open_and_nothing_opens_before_it(moment):
    opening = next_open(CAL, moment)
    assert is_open(CAL, opening)
    assert business_time_between(CAL, moment, opening) == timedelta()
