"""Tour slots as pure functions: agents' weeks, days off, holidays and closures, bookings and buffers,
minimum notice, the booking horizon and how many parties the property takes at once."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.rules import tours
from chalicelib.rules.calendar import Calendar
from chalicelib.rules.tours import Agent, Booked, TourSettings

NY = ZoneInfo("America/New_York")
CAL = Calendar("America/New_York", {"mon": [["08:00", "17:00"]]}, "US", "NY", ("2026-12-24",))
SETTINGS = TourSettings(length_minutes=30, buffer_minutes=15, min_notice_minutes=120, horizon_days=30,
                        parties_at_once=2)
ROSA = Agent("rosa", "Rosa", {"sat": [["10:00", "12:00"]], "thu": [["10:00", "11:00"]]})
SAM = Agent("sam", "Sam", {"sat": [["10:00", "11:30"]]}, days_off=("2026-11-28",))
NOW = datetime(2026, 11, 18, 15, 30, tzinfo=timezone.utc)  # Wednesday 10:30 in New York
SATURDAY = date(2026, 11, 21)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=NY)


def starts(slots) -> list[str]:
    return [f"{s.start.astimezone(NY):%H:%M}" for s in slots]


def test_each_agents_hours_stepped_by_the_tour_length_with_who_is_free():
    slots = tours.free_slots(CAL, SETTINGS, [ROSA, SAM], [], SATURDAY, NOW)
    assert starts(slots) == ["10:00", "10:30", "11:00", "11:30"]
    assert [s.agents for s in slots] == [("rosa", "sam"), ("rosa", "sam"), ("rosa", "sam"), ("rosa",)]
    assert slots[0].end - slots[0].start == timedelta(minutes=30)
    assert tours.local_iso(CAL, slots[0].start) == "2026-11-21T10:00:00-05:00"


def test_a_booking_blocks_its_agent_for_the_tour_and_the_buffer_after_and_before():
    booked = [Booked("rosa", at(SATURDAY, 10, 30), at(SATURDAY, 11))]
    slots = tours.free_slots(CAL, SETTINGS, [ROSA], booked, SATURDAY, NOW)
    # 10:00-10:30 ends right as the booking starts and 11:00 starts right as it ends: neither leaves the
    # 15-minute buffer; 11:30 does.
    assert starts(slots) == ["11:30"]
    relaxed = TourSettings(length_minutes=30, buffer_minutes=0, parties_at_once=2)
    assert starts(tours.free_slots(CAL, relaxed, [ROSA], booked, SATURDAY, NOW)) == ["10:00", "11:00", "11:30"]


def test_another_agents_booking_leaves_this_agent_free_but_counts_toward_parties_at_once():
    booked = [Booked("sam", at(SATURDAY, 10), at(SATURDAY, 10, 30))]
    slots = tours.free_slots(CAL, SETTINGS, [ROSA, SAM], booked, SATURDAY, NOW)
    assert slots[0].agents == ("rosa",)
    one_party = TourSettings(length_minutes=30, buffer_minutes=15, parties_at_once=1)
    assert starts(tours.free_slots(CAL, one_party, [ROSA, SAM], booked, SATURDAY, NOW))[0] == "10:30"


def test_least_busy_agent_is_offered_first():
    booked = [Booked("rosa", at(SATURDAY, 11, 30), at(SATURDAY, 12))]
    assert tours.free_slots(CAL, SETTINGS, [ROSA, SAM], booked, SATURDAY, NOW)[0].agents == ("sam", "rosa")


def test_days_off_holidays_and_closures_have_no_slots():
    next_saturday = date(2026, 11, 28)
    assert [s.agents for s in tours.free_slots(CAL, SETTINGS, [ROSA, SAM], [], next_saturday, NOW)][0] == ("rosa",)
    thanksgiving = date(2026, 11, 26)  # a Thursday: Rosa works Thursdays, but not on a public holiday
    assert tours.free_slots(CAL, SETTINGS, [ROSA], [], thanksgiving, NOW) == []
    assert starts(tours.free_slots(CAL, SETTINGS, [ROSA], [], date(2026, 12, 3), NOW)) == ["10:00", "10:30"]
    assert tours.free_slots(CAL, SETTINGS, [ROSA], [], date(2026, 12, 24), NOW) == []  # closure (a Thursday)


def test_minimum_notice_and_horizon():
    thursday = date(2026, 11, 19)
    just_before = at(thursday, 8, 15)  # 10:00 is 1 h 45 min away: under the 2 h notice
    assert starts(tours.free_slots(CAL, SETTINGS, [ROSA], [], thursday, just_before)) == ["10:30"]
    assert starts(tours.free_slots(CAL, SETTINGS, [ROSA], [], thursday, at(thursday, 8))) == ["10:00", "10:30"]
    assert tours.free_slots(CAL, SETTINGS, [ROSA], [], date(2026, 11, 17), NOW) == []  # the past
    assert tours.free_slots(CAL, SETTINGS, [ROSA], [], date(2026, 12, 17), NOW) != []  # day 29
    assert tours.free_slots(CAL, SETTINGS, [ROSA], [], date(2026, 12, 19), NOW) == []  # day 31: beyond


def test_times_follow_the_property_zone_across_daylight_saving():
    summer = date(2026, 7, 4)  # a Saturday, UTC-4
    slots = tours.free_slots(Calendar("America/New_York", {}, None), SETTINGS, [ROSA], [], summer,
                             datetime(2026, 7, 1, tzinfo=timezone.utc))
    assert tours.local_iso(CAL, slots[0].start) == "2026-07-04T10:00:00-04:00"
    assert slots[0].start == datetime(2026, 7, 4, 14, tzinfo=timezone.utc)


def test_clashing_bookings_share_a_hold_granule_and_others_do_not():
    a = (at(SATURDAY, 10), at(SATURDAY, 10, 30))
    for start, clash in [((10, 30), True), ((10, 45), False), ((9, 30), True), ((9, 15), False), ((10, 15), True)]:
        b_start = at(SATURDAY, *start)
        b = (b_start, b_start + timedelta(minutes=30))
        shared = set(tours.agent_holds(SETTINGS, *a)) & set(tours.agent_holds(SETTINGS, *b))
        assert bool(shared) == clash == tours.clashes(SETTINGS, *b, Booked("x", *a)), start


def test_settings_are_bounded():
    assert TourSettings.from_dict({"length_minutes": 45}).length_minutes == 45
    for bad in ({"length_minutes": 10}, {"length_minutes": 90}, {"length_minutes": 32}, {"buffer_minutes": -5},
                {"parties_at_once": 0}, {"horizon_days": 400}, {"colour": 1}):
        with pytest.raises(ValueError):
            TourSettings.from_dict(bad)
    with pytest.raises(ValueError):
        tours.check_schedule({"sat": [["10:00", "09:00"]]})
    with pytest.raises(ValueError):
        tours.check_schedule({"sab": [["10:00", "11:00"]]})
    tours.check_schedule({"sat": [["10:00", "14:00"]]})


def test_reminders_still_ahead():
    start = at(SATURDAY, 10)
    assert [k for k, _ in tours.reminders(start, NOW)] == ["day_before", "hour_before"]
    assert [k for k, _ in tours.reminders(start, at(SATURDAY, 8))] == ["hour_before"]
    assert dict(tours.reminders(start, NOW))["hour_before"] == at(SATURDAY, 9)


def test_invitation_is_rfc5545():
    text = tours.ics(uid="b1@maplecourt.example", start=at(SATURDAY, 10), end=at(SATURDAY, 10, 30),
                     summary="Tour, of Maple Court; " + "x" * 100, location="Maple Court", organizer="o@x.example",
                     attendee="p@x.example", description="https://x/tour-bookings/abc", now=NOW)
    assert "DTSTART:20261121T150000Z\r\n" in text and "METHOD:REQUEST" in text and text.endswith("\r\n")
    assert "Tour\\, of Maple Court\\;" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n x" in text  # folded


def test_labels_in_the_prospects_language():
    assert tours.when_label(CAL, at(SATURDAY, 10), "en") == "Saturday, November 21 at 10:00"
    assert tours.when_label(CAL, at(SATURDAY, 10), "es") == "sábado 21 de noviembre a las 10:00"
