"""On-call rules as a manager meets them: which rotations and policies are refused (and what the refusal
says), who is on call at a hand-off, and the pages an escalation sends."""
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chalicelib.core.errors import Invalid
from chalicelib.rules import oncall

NY = ZoneInfo("America/New_York")
PEOPLE = {"ana": oncall.Responder("ana", "Ana", "+12125550001", "ana@example.com"),
          "ben": oncall.Responder("ben", "Ben", "+12125550002", None),
          "chen": oncall.Responder("chen", "Chen", None, "chen@example.com"),
          "dana": oncall.Responder("dana", "Dana", "+12125550004", "dana@example.com")}
NAMES = set(PEOPLE)


def rotation(members=("ana", "ben", "chen"), every="weekly", anchor="2026-01-05", handoff_at="08:00", overrides=()):
    return SimpleNamespace(members=list(members) if members is not None else None, every=every,
                           handoff_at=handoff_at, anchor=anchor, overrides=list(overrides), name="r")


def tier(targets, window=10, guaranteed=False, channels=("sms",), name="t"):
    return {"name": name, "targets": targets, "channels": list(channels), "window_minutes": window,
            "guaranteed": guaranteed}


def refusal(check) -> str:
    with pytest.raises(Invalid) as refused:
        check()
    return str(refused.value)


# --- rotations ---

def test_a_sound_rotation_is_accepted():
    swap = {"start": "2026-01-06T00:00:00Z", "end": "2026-01-07T00:00:00Z", "person": "dana"}
    oncall.validate_rotation(rotation(overrides=[swap]), NAMES)
    oncall.validate_rotation(rotation(every="daily"), NAMES)


def test_each_problem_of_a_rotation_is_named_in_one_refusal():
    message = refusal(lambda: oncall.validate_rotation(
        rotation(members=["ana", "zed"], every="monthly", anchor="soon", handoff_at="25:00"), NAMES))
    assert message == ("rotation refused: every must be daily or weekly; unknown person 'zed'; handoff_at is not valid; "
                       "anchor is not valid")


def test_a_rotation_without_members_is_refused():
    assert refusal(lambda: oncall.validate_rotation(rotation(members=[]), NAMES)) == \
        "rotation refused: a rotation needs at least one member"
    assert refusal(lambda: oncall.validate_rotation(rotation(members=None, handoff_at=None), NAMES)) == \
        "rotation refused: a rotation needs at least one member; handoff_at is not valid"


@pytest.mark.parametrize("override, problem", [
    ({"start": "2026-01-07T00:00:00Z", "end": "2026-01-06T00:00:00Z", "person": "dana"},
     "an override must end after it starts"),
    ({"start": "2026-01-06T00:00:00Z", "end": "2026-01-06T00:00:00Z", "person": "dana"},
     "an override must end after it starts"),
    ({"start": "2026-01-06T00:00:00", "end": "2026-01-07T00:00:00Z", "person": "dana"},
     "an override needs start and end times with a UTC offset"),
    ({"start": "2026-01-06T00:00:00Z", "person": "dana"},
     "an override needs start and end times with a UTC offset"),
    ({"start": "yesterday", "end": "2026-01-07T00:00:00Z", "person": "dana"},
     "an override needs start and end times with a UTC offset"),
    ({"start": "2026-01-06T00:00:00Z", "end": "2026-01-07T00:00:00Z", "person": "zed"},
     "override for unknown person 'zed'"),
])
def test_bad_overrides_are_refused(override, problem):
    assert refusal(lambda: oncall.validate_rotation(rotation(overrides=[override]), NAMES)) == \
        f"rotation refused: {problem}"


def test_override_times_in_z_and_offset_notation_cover_the_same_instant():
    r = rotation(overrides=[{"start": "2026-01-06T05:00:00Z", "end": "2026-01-06T06:00:00+00:00", "person": "dana"}])
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 0, 0, tzinfo=NY)) == "dana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 1, 0, tzinfo=NY)) == "ana"  # ended


def test_an_override_with_nobody_leaves_the_rotation_unstaffed():
    r = rotation(overrides=[{"start": "2026-01-06T00:00:00Z", "end": "2026-01-07T00:00:00Z"}])
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 12, tzinfo=NY)) is None


def test_daily_hand_off_happens_at_its_local_minute():
    r = rotation(every="daily", handoff_at="18:30")
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 5, 18, 29, tzinfo=NY)) == "chen"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 5, 18, 30, tzinfo=NY)) == "ana"
    assert oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 18, 30, tzinfo=NY)) == "ben"
    assert oncall.on_call(r, "America/Los_Angeles", datetime(2026, 1, 6, 18, 30, tzinfo=NY)) == "ana"  # 15:30 there
    assert oncall.on_call(rotation(members=[]), "America/New_York", datetime(2026, 1, 6, tzinfo=NY)) is None


# --- policies ---

def test_a_sound_emergency_policy_is_accepted():
    oncall.validate_policy("emergency", [tier([{"rotation": "r"}], 30), tier([{"person": "dana"}], 60, True)],
                           5, ["dana"], NAMES, {"r"})
    oncall.validate_policy("emergency", [tier([{"person": "dana"}], 1, True, ("sms", "email"))], 0, [], NAMES, set())


@pytest.mark.parametrize("policy, repeat, managers, problem", [
    ([], 1, [], "a policy needs at least one tier"),
    ([tier([{"person": "ana"}], 0)], 1, [], "tier 1: window_minutes must be a whole number from 1 to 60"),
    ([tier([{"person": "ana"}], 61)], 1, [], "tier 1: window_minutes must be a whole number from 1 to 60"),
    ([tier([{"person": "ana"}], "10")], 1, [], "tier 1: window_minutes must be a whole number from 1 to 60"),
    ([tier([])], 1, [], "tier 1: name at least one person or rotation"),
    ([tier([{"person": "ana"}], channels=("fax",))], 1, [], "tier 1: channels must be chosen from sms, email"),
    ([tier([{"person": "ana"}], channels=())], 1, [], "tier 1: channels must be chosen from sms, email"),
    ([tier([{"person": "ana"}]), tier([{"rotation": "nope"}])], 1, [], "tier 2: unknown target {'rotation': 'nope'}"),
    ([tier([{"person": "ana"}])], 6, [], "repeat must be a whole number from 0 to 5"),
    ([tier([{"person": "ana"}])], -1, [], "repeat must be a whole number from 0 to 5"),
    ([tier([{"person": "ana"}])], 1.5, [], "repeat must be a whole number from 0 to 5"),
    ([tier([{"person": "ana"}])], 1, ["ana", "zed"], "unknown manager 'zed'"),
])
def test_bad_policies_are_refused_with_the_reason(policy, repeat, managers, problem):
    assert refusal(lambda: oncall.validate_policy("urgent", policy, repeat, managers, NAMES, {"r"})) == \
        f"policy refused: {problem}"


def test_emergency_policy_refusals_explain_the_30_minute_promise():
    late = [tier([{"rotation": "r"}], 20), tier([{"rotation": "r"}], 11), tier([{"person": "dana"}], 5, True)]
    assert refusal(lambda: oncall.validate_policy("emergency", late, 1, [], NAMES, {"r"})) == (
        "policy refused: the first guaranteed tier would be paged after 31 minutes; emergencies must reach it "
        "within 30 minutes")
    on_time = [tier([{"rotation": "r"}], 20), tier([{"rotation": "r"}], 10), tier([{"person": "dana"}], 5, True)]
    oncall.validate_policy("emergency", on_time, 1, [], NAMES, {"r"})
    assert refusal(lambda: oncall.validate_policy("emergency", [tier([{"rotation": "r"}])], 1, [], NAMES, {"r"})) == (
        "policy refused: an emergency policy needs a tier marked guaranteed (someone obliged to answer)")
    assert refusal(lambda: oncall.validate_policy("emergency", [tier([{"rotation": "r"}], 10, True)], 1, [], NAMES,
                                                  {"r"})) == (
        "policy refused: tier 1: a guaranteed tier must name at least one person (a rotation can be empty)")


def test_first_guaranteed_minutes():
    assert oncall.first_guaranteed_minutes([tier([], 7), tier([], 8), tier([], 9, True)]) == 15
    assert oncall.first_guaranteed_minutes([tier([], 7, True)]) == 0
    assert oncall.first_guaranteed_minutes([tier([], 7)]) is None


# --- pages ---

def test_a_tier_pages_each_person_once_on_the_channels_they_have():
    rotations = {"r": rotation(members=["ana"]), "s": rotation(members=["ben"])}
    at = datetime(2026, 1, 6, 12, tzinfo=NY)
    t = tier([{"rotation": "r"}, {"person": "ana"}, {"rotation": "s"}, {"person": "chen"}, {"person": "zed"}],
             channels=("sms", "email"))
    assert [c.person_id for c in oncall.resolve(t, PEOPLE, rotations, "America/New_York", at)] == ["ana", "ben", "chen"]
    pages = oncall.pages(oncall.resolve(t, PEOPLE, rotations, "America/New_York", at), t["channels"],
                         "EMERGENCY at Maple Court", lambda p: f"https://x/ack/{p}")
    assert [(p["name"], p["channel"], p["address"]) for p in pages] == [
        ("Ana", "sms", "+12125550001"), ("Ana", "email", "ana@example.com"), ("Ben", "sms", "+12125550002"),
        ("Chen", "email", "chen@example.com")]
    assert pages[0] == {"person_id": "ana", "name": "Ana", "channel": "sms", "address": "+12125550001",
                        "subject": "EMERGENCY at Maple Court",
                        "message": "EMERGENCY at Maple Court Acknowledge: https://x/ack/ana"}


def test_page_subjects_are_cut_to_90_characters():
    text = "x" * 100
    page = oncall.pages([PEOPLE["ana"]], ["email"], text, lambda p: "L")[0]
    assert page["subject"] == "x" * 90 and page["message"] == f"{text} Acknowledge: L"


def test_the_plan_names_tiers_scales_waits_and_pages_managers():
    tiers = [tier([{"person": "ana"}], 10, name=""), tier([{"person": "ben"}], 1, True, name="supervisor")]
    planned = oncall.plan(tiers, 2, ["dana", "zed"], PEOPLE, {}, "America/New_York",
                          datetime(2026, 1, 6, 12, tzinfo=NY), "EMERGENCY", lambda p: f"L/{p}", scale=0.01)
    assert [(t["tier"], t["name"], t["window_seconds"], t["guaranteed"]) for t in planned["tiers"]] == [
        (1, "tier 1", 6, False), (2, "supervisor", 1, True)]  # a scaled wait never drops below a second
    assert planned["repeat"] == 2 and planned["round"] == 0
    assert [(p["name"], p["channel"], p["message"]) for p in planned["managers"]] == [
        ("Dana", "sms", "STILL UNACKNOWLEDGED: EMERGENCY Acknowledge: L/dana"),
        ("Dana", "email", "STILL UNACKNOWLEDGED: EMERGENCY Acknowledge: L/dana")]
    real_time = oncall.plan(tiers, 0, [], PEOPLE, {}, "America/New_York", datetime(2026, 1, 6, 12, tzinfo=NY),
                            "EMERGENCY", lambda p: "L")
    assert [t["window_seconds"] for t in real_time["tiers"]] == [600, 60]
    assert oncall.reach_offsets(real_time) == [(1, 0), (2, 600)]


def test_a_policy_with_several_problems_lists_them_all():
    assert refusal(lambda: oncall.validate_policy("urgent", [tier([], 0)], 9, ["zed"], NAMES, set())) == (
        "policy refused: tier 1: window_minutes must be a whole number from 1 to 60; "
        "tier 1: name at least one person or rotation; repeat must be a whole number from 0 to 5; "
        "unknown manager 'zed'")


def test_an_override_saved_without_an_offset_is_refused_when_asked_who_is_on_call():
    r = rotation(overrides=[{"start": "2026-01-06T00:00:00", "end": "2026-01-07T00:00:00Z", "person": "dana"}])
    with pytest.raises(Invalid, match="^'2026-01-06T00:00:00' needs a UTC offset$"):
        oncall.on_call(r, "America/New_York", datetime(2026, 1, 6, 12, tzinfo=NY))


def test_each_tier_is_paged_after_the_waits_of_all_tiers_before_it():
    tiers = [tier([{"person": "ana"}], 5), tier([{"person": "ben"}], 10), tier([{"person": "dana"}], 15, True),
             tier([{"person": "chen"}], 1, channels=("email",))]
    planned = oncall.plan(tiers, 0, [], PEOPLE, {}, "America/New_York", datetime(2026, 1, 6, 12, tzinfo=NY),
                          "EMERGENCY", lambda p: "L")
    assert oncall.reach_offsets(planned) == [(1, 0), (2, 300), (3, 900), (4, 1800)]
