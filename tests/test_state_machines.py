"""The state machines as declared: every transition names a state that exists (moto accepts dangling
ones), every path can end, and every placeholder is one the template substitutes."""
import json
import re
from pathlib import Path

import pytest

from twin import provision

ASL_FILES = sorted(Path(__file__).resolve().parent.parent.glob("chalicelib/**/*.asl.json"))


def _check(states: dict, start: str, where: str) -> None:
    assert start in states, f"{where}: StartAt {start!r} is not a state"
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])] + [c["Next"] for c in state.get("Catch", [])]
        for target in filter(None, targets):
            assert target in states, f"{where}.{name}: {target!r} is not a state"
        terminal = state.get("End") or state["Type"] in ("Succeed", "Fail")
        assert terminal or state.get("Next") or state["Type"] == "Choice", f"{where}.{name} goes nowhere"
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            _check(processor["States"], processor["StartAt"], f"{where}.{name}")
    reachable, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        state = states[name]
        todo += [t for t in [state.get("Next"), state.get("Default")] if t]
        todo += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    assert reachable == set(states), f"{where}: unreachable {set(states) - reachable}"


@pytest.mark.parametrize("path", ASL_FILES, ids=[p.name for p in ASL_FILES])
def test_state_graph_is_whole(path):
    definition = json.loads(path.read_text())
    _check(definition["States"], definition["StartAt"], path.name)


def test_every_placeholder_is_substituted_by_the_template():
    machines = [p for _l, kind, p in provision.resources("prod", "us-east-1") if kind.endswith("StateMachine")]
    assert len(machines) == len(ASL_FILES)
    for props in machines:
        text = json.dumps(props["Definition"])
        placeholders = set(re.findall(r"\$\{(\w+)\}", text))
        assert placeholders == set(props.get("DefinitionSubstitutions") or {}), props["Name"]


DEPLOYED = [(props.get("StateMachineName") or props.get("Name"), props)
            for _logical, kind, props in provision.resources("prod", "us-east-1") if kind.endswith("::StateMachine")]


@pytest.mark.parametrize("name, props", DEPLOYED, ids=[name for name, _ in DEPLOYED])
def test_every_deployed_state_machine_passes_the_states_language_validator(name, props):
    from twin import asl_check
    asl_check.validate(asl_check.substituted(props), name)


def test_a_state_name_reused_in_a_nested_iterator_is_refused_by_lint_and_by_the_twin(aws):
    """What Step Functions refuses and moto accepts: names must be unique across the whole machine."""
    from twin import asl_check
    name, props = next((n, p) for n, p in DEPLOYED if n.endswith("-escalation"))
    definition = asl_check.substituted(props)
    managers = definition["States"]["AlertManagers"]["ItemProcessor"]
    managers["States"]["Channel"] = managers["States"].pop("ManagerChannel")
    managers["StartAt"] = "Channel"
    with pytest.raises(asl_check.InvalidStateMachine, match="DUPLICATE_STATE_NAMES.*Channel"):
        asl_check.validate(definition, name)
    with pytest.raises(asl_check.InvalidStateMachine, match="DUPLICATE_STATE_NAMES"):
        provision._state_machine(aws, {"StateMachineName": name, "Definition": definition})
