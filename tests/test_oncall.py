"""On-call rotations and escalation policies: pure logic, including the 30-minute guarantee."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import Invalid
from chalicelib.rules import oncall

NY = ZoneInfo("America/New_York")
PEOPLE = {p: oncall.Responder(p, p.title(), f"+1212555{n:04d}", f"{p}@example.com")
          for n, p in enumerate(["ana", "ben", "chen", "dana"])}


def rotation(members=("ana", "ben", "chen"), every="weekly", anchor="2026-01-05", overrides=()):
    return SimpleNamespace(members=list(members), every=every, handoff_at="08:00",
                           anchor=anchor, overrides=list(overrides), name="r")


def test_weekly_hand_off_happens_at_the_local_time():
    r = rotation()
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 5, 8, 0, tzinfo=NY)) == "ana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 12, 7, 59, tzinfo=NY)) == "ana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 12, 8, 0, tzinfo=NY)) == "ben"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 26, 9, tzinfo=NY)) == "ana"  # wrapped


def test_daily_rotation_across_the_dst_change():
    r = rotation(every="daily", anchor="2026-11-01")  # DST ends at 02:00 that Sunday
    assert oncall.on_call(r, "America/New_York", datetime(2026, 11, 1, 7, 59, tzinfo=NY)) == "chen"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 11, 1, 8, 0, tzinfo=NY)) == "ana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 11, 2, 8, 0, tzinfo=NY)) == "ben"


def test_overrides_cover_vacations_and_swaps():
    swap = {"start": "2026-01-06T00:00:00-05:00", "end": "2026-01-07T00:00:00-05:00", "person": "dana",
            "reason": "Ana at a wedding"}
    r = rotation(overrides=[swap])
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 12, tzinfo=NY)) == "dana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 7, 12, tzinfo=NY)) == "ana"


def tier(targets, window, guaranteed=False, channels=("sms",)):
    return {"name": "t", "targets": targets, "channels": list(channels), "window_minutes": window,
            "guaranteed": guaranteed}


def test_emergency_policy_that_cannot_reach_a_human_in_30_minutes_is_refused():
    slow = [tier([{"rotation": "r"}], 20), tier([{"rotation": "r"}], 15), tier([{"person": "dana"}], 10, True)]
    with pytest.raises(Invalid, match="after 35 minutes"):
        oncall.validate_policy("emergency", slow, 1, [], set(PEOPLE), {"r"})
    oncall.validate_policy("urgent", slow, 1, [], set(PEOPLE), {"r"})  # urgent work has no such promise
    with pytest.raises(Invalid, match="guaranteed"):
        oncall.validate_policy("emergency", [tier([{"rotation": "r"}], 10)], 1, [], set(PEOPLE), {"r"})
    with pytest.raises(Invalid, match="must name at least one person"):
        oncall.validate_policy("emergency", [tier([{"rotation": "r"}], 10, True)], 1, [], set(PEOPLE), {"r"})
    with pytest.raises(Invalid, match="unknown target"):
        oncall.validate_policy("emergency", [tier([{"person": "zed"}], 10, True)], 1, [], set(PEOPLE), {"r"})


def test_plan_resolves_rotations_at_the_contact_time_and_skips_empty_tiers():
    rotations = {"r": rotation(), "empty": rotation(members=[])}
    tiers = [tier([{"rotation": "empty"}], 10), tier([{"rotation": "r"}], 10, channels=("sms", "email")),
             tier([{"person": "dana"}], 5, True)]
    at = datetime(2026, 1, 13, 2, 13, tzinfo=NY)  # Ben's week
    planned = oncall.plan(tiers, 1, ["dana"], PEOPLE, rotations, "America/New_York", at, "EMERGENCY TL-X",
                          lambda p: f"https://x/ack/{p}", scale=1 / 60)
    assert [t["tier"] for t in planned["tiers"]] == [2, 3]
    assert [(p["name"], p["channel"]) for p in planned["tiers"][0]["pages"]] == [("Ben", "sms"), ("Ben", "email")]
    assert planned["tiers"][0]["window_seconds"] == 10 and "https://x/ack/ben" in planned["tiers"][0]["pages"][0]["message"]
    assert oncall.reach_offsets(planned) == [(2, 0), (3, 10)]


windows = st.integers(min_value=1, max_value=60)
tiers_strategy = st.lists(st.tuples(windows, st.booleans(), st.sampled_from(["rotation", "person"])),
                          min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(tiers=tiers_strategy, arrival=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                                                  timezones=st.just(timezone.utc)),
       vacation=st.booleans())
def test_every_accepted_emergency_policy_reaches_a_guaranteed_human_within_30_minutes(tiers, arrival, vacation):
    policy = [tier([{"rotation": "r"}] if kind == "rotation" and not guaranteed else [{"person": "dana"}],
                   window, guaranteed) for window, guaranteed, kind in tiers]
    reach = oncall.first_guaranteed_minutes(policy)
    try:
        oncall.validate_policy("emergency", policy, 1, [], set(PEOPLE), {"r"})
    except Invalid:
        assert reach is None or reach > 30  # refused only for missing the target
        assume(False)  # refused on save: never runs (hypothesis fails the test if nothing is ever accepted)
    assert reach is not None and reach <= 30  # accepted only when a guaranteed tier is paged by minute 30
    # Whoever is on leave, the plan the state machine runs pages a guaranteed tier by minute 30.
    gone = [{"start": (arrival - timedelta(days=1)).isoformat(), "end": (arrival + timedelta(days=1)).isoformat(),
             "person": None}] if vacation else []
    planned = oncall.plan(policy, 1, [], PEOPLE, {"r": rotation(overrides=gone)}, "America/New_York", arrival,
                          "EMERGENCY", lambda p: "link")
    guaranteed = [offset for n, offset in oncall.reach_offsets(planned) if planned["tiers"][
        [t["tier"] for t in planned["tiers"]].index(n)]["guaranteed"]]
    assert guaranteed and guaranteed[0] <= 30 * 60
