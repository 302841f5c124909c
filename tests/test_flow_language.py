"""Every flow we deploy, checked against Connect's flow-language reference (connect_flows/flow_language.json,
a link per action) as CreateContactFlow checks it; and the check fails on the mistakes it exists for."""
import copy

import pytest

import connect_flows
from connect_flows.language import problems


@pytest.mark.parametrize("stem", list(connect_flows.FLOWS))
def test_every_flow_we_deploy_is_valid_flow_language(stem):
    assert problems(connect_flows.load(stem), connect_flows.FLOWS[stem][0], stem) == []


def broken(change) -> list[str]:
    flow = copy.deepcopy(connect_flows.load("inbound"))
    change({a["Identifier"]: a for a in flow["Actions"]})
    return problems(flow, "CONTACT_FLOW", "inbound")


def test_a_missing_next_action_is_refused():
    found = broken(lambda a: a["office-hours"]["Transitions"].pop("NextAction"))
    assert len(found) == 1 and found[0].startswith("inbound.office-hours: CheckHoursOfOperation is not terminal and "
                                                   "needs Transitions.NextAction (https://docs.aws.amazon.com/")


@pytest.mark.parametrize("change, words", [
    (lambda a: a["recording"]["Transitions"].update(Errors=[{"NextAction": "voice-en", "ErrorType": "NoMatchingError"}]),
     "raises no NoMatchingError"),
    (lambda a: a["language-es"]["Parameters"].pop("TargetContact"), "requires 'TargetContact'"),
    (lambda a: a["greeting"]["Parameters"].update(Voice="Lupe"), "unknown parameter 'Voice'"),
    (lambda a: a["goodbye"]["Transitions"].update(NextAction="greeting"), "Transitions must be empty"),
    (lambda a: a["menu"]["Transitions"]["Conditions"][0]["Condition"].update(Operator="Matches"), "unknown operator"),
    (lambda a: a["greeting"].update(Type="PlayPrompt"), "unknown action type 'PlayPrompt'"),
    (lambda a: a["greeting"]["Transitions"].update(NextAction="nowhere"), "'nowhere', which is not an action"),
])
def test_each_kind_of_mistake_is_named(change, words):
    found = broken(change)
    assert len(found) == 1 and words in found[0], found


def test_an_action_outside_its_flow_types_is_refused():
    whisper = copy.deepcopy(connect_flows.load("agent_whisper"))
    whisper["Actions"][0]["Type"] = "TransferContactToQueue"
    whisper["Actions"][0]["Parameters"] = {}
    assert any("not allowed in a AGENT_WHISPER flow" in p for p in problems(whisper, "AGENT_WHISPER"))


def test_the_table_agrees_with_flows_exported_from_real_instances():
    """78 flows from public repositories (tests/data/connect_flows/): on the actions the table covers, the
    only disagreement is older exports without UpdateContactData's TargetContact, which the reference now
    marks required. (Flow types are not checked here: the corpus mixes them.)"""
    import json
    from pathlib import Path
    corpus = Path(__file__).parent / "data" / "connect_flows"
    found = [p for f in sorted(corpus.glob("*.json")) for p in problems(json.loads(f.read_text()), "CONTACT_FLOW", f.stem)
             if "not allowed in a" not in p and "unknown action type" not in p]
    assert found and all("UpdateContactData requires 'TargetContact'" in p for p in found), found
