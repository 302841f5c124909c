"""Connect's flow language, checked as CreateContactFlow would check it: the table in flow_language.json
(written from AWS's action reference, a link per action) says, for each action type, its parameters, the
errors it can raise, whether it takes conditions, whether it ends the flow, and the flow types it may
appear in. `python -m connect_flows.language` checks every flow we deploy (run by `make lint`)."""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def reference() -> dict:
    return json.loads((HERE / "flow_language.json").read_text())


def problems(flow: dict, flow_type: str, name: str = "flow") -> list[str]:
    """Everything in `flow` the flow language refuses, one line each (empty: the flow is valid)."""
    ref, found = reference(), []
    limits, actions = ref["limits"], flow.get("Actions") or []
    if flow.get("Version") != limits["flow_version"]["value"]:
        found.append(f"{name}: Version must be {limits['flow_version']['value']}")
    if len(actions) > limits["max_actions_per_flow"]["value"]:
        found.append(f"{name}: {len(actions)} actions, more than {limits['max_actions_per_flow']['value']}")
    if len(json.dumps(flow)) > limits["max_content_length_chars"]["value"]:
        found.append(f"{name}: content longer than {limits['max_content_length_chars']['value']} characters")
    ids = [a.get("Identifier", "") for a in actions]
    if flow.get("StartAction") not in ids:
        found.append(f"{name}: StartAction {flow.get('StartAction')!r} is not an action")
    found += [f"{name}: identifier {i!r} is used more than once" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for action in actions:
        found += _action_problems(action, flow_type, set(ids), f"{name}.{action.get('Identifier')}")
    return found


def _action_problems(action: dict, flow_type: str, ids: set, where: str) -> list[str]:
    ref = reference()
    spec = ref["actions"].get(action.get("Type"))
    if spec is None:
        return [f"{where}: unknown action type {action.get('Type')!r}"]
    found, ident = [], action.get("Identifier", "")
    rule = ref["limits"]["identifier"]
    if len(ident) > rule["max_length"] or any(c in ident for c in rule["forbidden_characters"]) \
            or ident in rule["forbidden_values"]:
        found.append(f"{where}: identifier not allowed ({spec['link']})")
    params = set(action.get("Parameters") or {})
    found += [f"{where}: unknown parameter {p!r} for {action['Type']} ({spec['link']})"
              for p in sorted(params - set(spec["required"]) - set(spec["optional"]))]
    found += [f"{where}: {action['Type']} requires {p!r} ({spec['link']})" for p in spec["required"] if p not in params]
    if spec["flow_types"] and flow_type not in spec["flow_types"]:
        found.append(f"{where}: {action['Type']} is not allowed in a {flow_type} flow ({spec['link']})")
    return found + _transition_problems(action, spec, ids, where)


def _transition_problems(action: dict, spec: dict, ids: set, where: str) -> list[str]:
    transitions, found = action.get("Transitions") or {}, []
    if spec["terminal"]:
        return [] if not transitions else [f"{where}: {action['Type']} ends the flow: its Transitions must be empty"]
    if not transitions.get("NextAction") and not spec.get("next_action_optional"):
        found.append(f"{where}: {action['Type']} is not terminal and needs Transitions.NextAction ({spec['link']})")
    for error in transitions.get("Errors", []):
        if error.get("ErrorType") not in spec["errors"]:
            found.append(f"{where}: {action['Type']} raises no {error.get('ErrorType')} ({spec['link']})")
    conditions = transitions.get("Conditions", [])
    if conditions and not spec["conditions"]:
        found.append(f"{where}: {action['Type']} takes no Conditions ({spec['link']})")
    operators = reference()["limits"]["conditions"]["operators"]
    for condition in conditions:
        rule = condition.get("Condition") or {}
        if rule.get("Operator") not in operators:
            found.append(f"{where}: unknown operator {rule.get('Operator')!r}")
    targets = [transitions.get("NextAction")] + [t.get("NextAction") for t in conditions + transitions.get("Errors", [])]
    found += [f"{where}: goes to {t!r}, which is not an action" for t in targets if t and t not in ids]
    return found


def main() -> int:
    import connect_flows
    found = [p for stem, (flow_type, _ref) in connect_flows.FLOWS.items()
             for p in problems(connect_flows.load(stem), flow_type, stem)]
    for line in found:
        print(line, file=sys.stderr)
    print(f"flow language: {len(connect_flows.FLOWS)} flows, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
