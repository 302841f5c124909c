"""Service levels: when a new ticket's first response and resolution are due, which clocks it starts,
whether a clock still has work when it wakes, and when after-hours contacts are released to staff."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chalicelib.rules import service_levels
from chalicelib.rules.calendar import Calendar

NY = ZoneInfo("America/New_York")
WEEK = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
CAL = Calendar("America/New_York", WEEK, "US", "NY")
NEVER_OPEN = Calendar("America/New_York", {}, None)
WED_10 = datetime(2026, 11, 18, 10, tzinfo=NY)  # office open
FRI_16 = datetime(2026, 11, 20, 16, tzinfo=NY)


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


def ticket(status="new", first_response_at=None, tier=1, csat=None, review_done_at=None):
    return SimpleNamespace(status=status, first_response_at=first_response_at, tier=tier, csat=csat,
                           review_done_at=review_done_at)


def test_emergencies_and_urgent_work_run_on_the_wall_clock():
    assert service_levels.due_times(CAL, "emergency", "maintenance", FRI_16) == (ny(2026, 11, 20, 16, 30), ny(2026, 11, 21, 16))
    assert service_levels.due_times(CAL, "urgent", "maintenance", FRI_16) == (ny(2026, 11, 20, 18), ny(2026, 11, 22, 16))
    assert service_levels.due_times(NEVER_OPEN, "emergency", "complaint", FRI_16) == (ny(2026, 11, 20, 16, 30),
                                                                          ny(2026, 11, 21, 16))


def test_routine_work_and_complaints_run_on_business_hours():
    # Routine: 8 business hours to respond, 40 to resolve: 1 h on Friday, then Monday on, skipping
    # Thanksgiving (Thursday 26th).
    assert service_levels.due_times(CAL, "routine", "maintenance", FRI_16) == (ny(2026, 11, 23, 15), ny(2026, 11, 30, 11))
    # Complaints are answered within one business hour.
    assert service_levels.due_times(CAL, "routine", "complaint", FRI_16) == (ny(2026, 11, 20, 17), ny(2026, 11, 30, 11))
    assert service_levels.due_times(CAL, "routine", "billing", WED_10) == (ny(2026, 11, 19, 9), ny(2026, 11, 24, 14))


def test_a_calendar_that_never_opens_still_gets_due_times_a_week_apart():
    assert service_levels.due_times(NEVER_OPEN, "routine", "maintenance", WED_10) == (WED_10 + timedelta(days=7),
                                                                          WED_10 + timedelta(days=14))
    assert service_levels.due_times(NEVER_OPEN, "routine", "complaint", WED_10) == (WED_10 + timedelta(days=7),
                                                                        WED_10 + timedelta(days=14))


def test_new_tickets_start_the_clocks_their_kind_needs():
    def started(category, urgency, cal=CAL, created=FRI_16):
        return {c.name: c.due for c in service_levels.for_new_ticket(category, urgency, cal, created)}

    assert started("maintenance", "routine") == {"tier2": ny(2026, 11, 21, 16)}
    assert started("maintenance", "emergency") == {"tier2": ny(2026, 11, 21, 16), "safety_24h": ny(2026, 11, 21, 16)}
    assert started("complaint", "routine") == {"tier2": ny(2026, 11, 21, 16), "complaint_ack": ny(2026, 11, 20, 17)}
    assert started("complaint", "routine", NEVER_OPEN) == {"tier2": ny(2026, 11, 21, 16)}  # no business hour ever


def test_follow_up_and_review_clocks():
    assert service_levels.follow_up_clock(WED_10) == service_levels.Clock("follow_up", ny(2026, 11, 25, 10))
    assert service_levels.csat_review_clock(WED_10) == service_levels.Clock("csat_review", ny(2026, 11, 21, 10))


def test_complaint_acknowledgement_clock_stops_at_the_first_response():
    assert service_levels.still_due("complaint_ack", ticket())
    assert not service_levels.still_due("complaint_ack", ticket(first_response_at=WED_10))
    assert not service_levels.still_due("complaint_ack", ticket(status="closed"))
    assert service_levels.still_due("complaint_ack", ticket(status="waiting_on_resident"))


def test_tier_two_clock_only_moves_open_tier_one_tickets():
    assert service_levels.still_due("tier2", ticket(status="acknowledged"))
    assert not service_levels.still_due("tier2", ticket(tier=2))
    assert not service_levels.still_due("tier2", ticket(status="closed"))


def test_safety_clock_only_for_unresolved_tickets():
    assert service_levels.still_due("safety_24h", ticket(status="waiting_on_resident"))
    assert not service_levels.still_due("safety_24h", ticket(status="resolved"))


@pytest.mark.parametrize("csat, nps, reviewed, due", [
    (None, None, None, False),  # no score given
    (2, None, None, True),  # CSAT 1-2 of 5 is dissatisfied
    (3, None, None, False),
    (None, 5, None, True),  # NPS 0-5 of 10 asks for a review...
    (None, 6, None, False),  # ...6 and up is satisfied enough
    (4, 0, None, True),
    (1, None, WED_10, False),  # a manager already reviewed it
])
def test_low_satisfaction_review_clock(csat, nps, reviewed, due):
    t = ticket(status="resolved", csat=csat, review_done_at=reviewed)
    t.nps = nps
    assert service_levels.still_due("csat_review", t) is due


def test_follow_up_clock_only_when_still_resolved():
    assert service_levels.still_due("follow_up", ticket(status="resolved"))
    assert not service_levels.still_due("follow_up", ticket(status="closed"))
    assert not service_levels.still_due("follow_up", ticket(status="in_progress"))


def test_an_unknown_clock_is_refused_by_name():
    with pytest.raises(ValueError, match="^unknown clock 'tier3'$"):
        service_levels.still_due("tier3", ticket())


def test_after_hours_routine_contacts_are_held_until_after_the_opening():
    evening = ny(2026, 11, 18, 19)
    assert service_levels.hold_until(CAL, evening, "routine", 15) == ny(2026, 11, 19, 8, 15)
    assert service_levels.hold_until(CAL, evening, "routine", 0) == ny(2026, 11, 19, 8)
    assert service_levels.hold_until(CAL, evening, "routine", -5) == ny(2026, 11, 19, 8)  # never before the opening
    assert service_levels.hold_until(CAL, evening, "routine", 30) == ny(2026, 11, 19, 8, 30)
    assert service_levels.hold_until(CAL, evening, "routine", 31) == ny(2026, 11, 19, 8, 30)
    assert service_levels.hold_until(CAL, evening, "emergency", 15) is None
    assert service_levels.hold_until(CAL, ny(2026, 11, 18, 8), "routine", 15) is None  # open from 08:00
    assert service_levels.hold_until(NEVER_OPEN, evening, "routine", 15) is None  # nothing to wait for


def test_release_day_is_the_local_business_day():
    assert service_levels.release_day(CAL, datetime(2026, 11, 19, 3, tzinfo=timezone.utc)) == date(2026, 11, 18)


def test_the_30_minute_target_is_met_up_to_and_including_minute_30():
    assert service_levels.target_met(30 * 60) and service_levels.target_met(0)
    assert not service_levels.target_met(30 * 60 + 0.1)
    assert service_levels.minutes(service_levels.TIME_TO_HUMAN) == 30
    assert service_levels.hours(service_levels.CSAT_REVIEW_WITHIN) == 72
    assert service_levels.hours(timedelta(minutes=90)) == 1  # whole hours, as staff texts print them
