"""The Amazon Connect flows, as Connect's flow language, with ${Placeholders} for everything that only
exists once deployed (the Lambda, queues, the other flows, the Lex bot). The Connect template renders
them into AWS::Connect::ContactFlow resources; the twin renders them with its own ARNs and walks them."""
from __future__ import annotations

import json
import re
from pathlib import Path

from connect_flows.language import reference  # the table; language.py imports nothing from here

HERE = Path(__file__).resolve().parent
# file stem -> (Connect flow type, the placeholder other flows use for its ARN)
FLOWS = {
    "inbound": ("CONTACT_FLOW", None),
    "customer_queue": ("CUSTOMER_QUEUE", "CustomerQueueFlowArn"),
    "agent_whisper": ("AGENT_WHISPER", "AgentWhisperFlowArn"),
}
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")
# Actions that end a flow: their Transitions are empty (the flow-language table says which).
TERMINAL = {kind for kind, spec in reference()["actions"].items() if spec["terminal"]}


def text(name: str) -> str:
    return (HERE / f"{name}.json").read_text()


def load(name: str) -> dict:
    return json.loads(text(name))


def placeholders(name: str) -> set[str]:
    return set(PLACEHOLDER.findall(text(name)))


def render(name: str, values: dict[str, str]) -> dict:
    """The flow with every placeholder substituted; a missing value is an error, not a blank."""
    missing = placeholders(name) - set(values)
    if missing:
        raise KeyError(f"flow {name} needs values for {', '.join(sorted(missing))}")
    return json.loads(PLACEHOLDER.sub(lambda m: values[m.group(1)], text(name)))


def targets(action: dict) -> list[str]:
    """Every action this one can lead to."""
    transitions = action.get("Transitions") or {}
    found = [transitions["NextAction"]] if transitions.get("NextAction") else []
    found += [c["NextAction"] for c in transitions.get("Conditions", [])]
    found += [e["NextAction"] for e in transitions.get("Errors", [])]
    return found
