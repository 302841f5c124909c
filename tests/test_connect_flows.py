"""The Connect flows as written: well-formed flow language, no dead ends, every placeholder filled by the
template and the twin, and the Connect template rendered from the portfolio without drift."""
import json
import re
from pathlib import Path

import pytest
import yaml

import connect_flows
from infra.connect_template import logical, render
from twin.connect import Connect, FlowError, placeholder_values
from twin.seed import PROPERTIES

ROOT = Path(__file__).resolve().parent.parent
STEMS = sorted(connect_flows.FLOWS)
FORBIDDEN_IN_ID = set("%:(\\/)=$,;[]{}")


def actions(stem):
    return {a["Identifier"]: a for a in connect_flows.load(stem)["Actions"]}


@pytest.mark.parametrize("stem", STEMS)
def test_every_transition_names_an_existing_action(stem):
    flow = connect_flows.load(stem)
    found = actions(stem)
    assert flow["Version"] == "2019-10-30" and flow["StartAction"] in found
    assert len(found) == len(flow["Actions"]), "identifiers must be unique"
    for ident, action in found.items():
        assert len(ident) <= 50 and not FORBIDDEN_IN_ID & set(ident), ident
        for target in connect_flows.targets(action):
            assert target in found, f"{stem}: {ident} -> {target} does not exist"


@pytest.mark.parametrize("stem", STEMS)
def test_every_path_ends_in_a_terminal_action(stem):
    found = actions(stem)
    start = connect_flows.load(stem)["StartAction"]
    reachable, todo = set(), [start]
    while todo:
        ident = todo.pop()
        if ident not in reachable:
            reachable.add(ident)
            todo += connect_flows.targets(found[ident])
    assert reachable == set(found), f"unreachable actions: {set(found) - reachable}"
    for ident in reachable:
        action = found[ident]
        if action["Type"] in connect_flows.TERMINAL:
            assert not connect_flows.targets(action), f"{ident} is terminal and must not transition"
        else:
            assert connect_flows.targets(action), f"{ident} ({action['Type']}) is a dead end"
    # From every action some terminal action can be reached: no loop without a way out.
    ends = {i for i, a in found.items() if a["Type"] in connect_flows.TERMINAL}
    can_end, changed = set(ends), True
    while changed:
        changed = False
        for ident, action in found.items():
            if ident not in can_end and set(connect_flows.targets(action)) & can_end:
                can_end.add(ident)
                changed = True
    assert can_end == set(found), f"no way to end from {set(found) - can_end}"


def test_branching_blocks_cover_their_outcomes():
    for stem in STEMS:
        for ident, action in actions(stem).items():
            t = action.get("Transitions", {})
            errors = {e["ErrorType"] for e in t.get("Errors", [])}
            if action["Type"] == "CheckHoursOfOperation":
                operands = {o for c in t["Conditions"] for o in c["Condition"]["Operands"]}
                assert operands == {"True", "False"} and "NoMatchingError" in errors, ident
            if action["Type"] in ("GetParticipantInput", "Compare", "ConnectParticipantWithLexBot"):
                assert "NoMatchingCondition" in errors or t.get("NextAction"), ident
            if action["Type"] == "InvokeLambdaFunction":
                params = action["Parameters"]
                assert params["ResponseValidation"] == {"ResponseType": "STRING_MAP"}, ident
                assert float(params["InvocationTimeLimitSeconds"]) <= 8 and "NoMatchingError" in errors, ident
                assert params["LambdaInvocationAttributes"]["action"], ident


@pytest.mark.parametrize("stem", STEMS)
def test_no_placeholder_survives_rendering(stem):
    values = placeholder_values("test")
    rendered = json.dumps(connect_flows.render(stem, values))
    assert "${" not in rendered
    assert all(values[name] in rendered for name in connect_flows.placeholders(stem))


def test_rendering_refuses_to_leave_a_placeholder_blank():
    with pytest.raises(KeyError, match="needs values for"):
        connect_flows.render("inbound", {"ConnectContactFunctionArn": "arn:x"})


def test_the_template_fills_every_placeholder_of_every_flow():
    template = yaml.safe_load(render(PROPERTIES, 2026))
    flows = {r["Properties"]["Type"]: r["Properties"]["Content"] for r in template["Resources"].values()
             if r["Type"] == "AWS::Connect::ContactFlow"}
    assert set(flows) == {t for t, _ in connect_flows.FLOWS.values()}
    for content in flows.values():
        text, values = (content["Fn::Sub"] if isinstance(content, dict) else (content, {}))
        assert set(re.findall(r"\$\{([A-Za-z0-9]+)\}", text)) == set(values)


def test_the_committed_connect_template_is_the_rendered_one():
    assert (ROOT / "infra" / "connect.yaml").read_text() == render(PROPERTIES, 2026), \
        "regenerate with: python manage.py connect template --year 2026 > infra/connect.yaml"


def test_hours_of_operation_follow_each_property_with_its_closures():
    resources = yaml.safe_load(render(PROPERTIES, 2026))["Resources"]
    maple = resources[logical("maple-court")]["Properties"]
    assert maple["TimeZone"] == "America/New_York"
    days = {(c["Day"], c["StartTime"]["Hours"], c["EndTime"]["Hours"]) for c in maple["Config"]}
    assert ("MONDAY", 8, 17) in days and ("SATURDAY", 10, 14) in days and not any(d[0] == "SUNDAY" for d in days)
    closed = {o["EffectiveFrom"]: o for o in maple["HoursOfOperationOverrides"]}
    assert "2026-12-24" in closed and "2026-11-26" in closed  # the office's own closure and Thanksgiving
    assert "2026-12-27" not in closed  # a Sunday: closed anyway, no override needed
    assert all(o["OverrideType"] == "CLOSED" for o in closed.values())
    sunset = resources[logical("sunset-villas")]["Properties"]
    assert sunset["TimeZone"] == "America/Los_Angeles" and not any(c["Day"] == "SATURDAY" for c in sunset["Config"])


def test_the_walker_refuses_an_action_type_it_does_not_know(monkeypatch):
    walker = Connect.__new__(Connect)
    walker.flows = {"odd": {"StartAction": "a", "Actions": [
        {"Identifier": "a", "Type": "StartMediaStreaming", "Parameters": {}, "Transitions": {"NextAction": "b"}},
        {"Identifier": "b", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}}
    with pytest.raises(FlowError, match="odd.a: the walker does not support action type StartMediaStreaming"):
        walker.run("odd", None, [])


def test_the_walker_knows_every_action_type_the_flows_use():
    used = {a["Type"] for stem in STEMS for a in actions(stem).values()}
    assert all(hasattr(Connect, f"_do_{t}") for t in used), used
