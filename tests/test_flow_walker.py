"""The twin's flow walker runs what Connect runs: each behaviour the flow-language reference documents
that the walker once got wrong, on small flows written here, and real exported flows from public
repositories (tests/data/connect_flows/, sources in its SOURCES.md) walked by `manage.py connect walk`."""
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from twin.flow_walker import FlowError, FlowWalker, SimulatedCall, Unsupported

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "connect_flows"


def flow(*actions, start=None):
    return {"Version": "2019-10-30", "StartAction": start or actions[0]["Identifier"], "Actions": list(actions)}


def act(ident, kind, params=None, next_action=None, conditions=(), errors=()):
    transitions = {}
    if next_action:
        transitions["NextAction"] = next_action
    if conditions:
        transitions["Conditions"] = [{"NextAction": to, "Condition": {"Operator": op, "Operands": list(operands)}}
                                     for op, operands, to in conditions]
    if errors:
        transitions["Errors"] = [{"NextAction": to, "ErrorType": kind_} for kind_, to in errors]
    return {"Identifier": ident, "Type": kind, "Parameters": params or {}, "Transitions": transitions}


END = act("end", "DisconnectParticipant")


def say(ident, text, next_action="end"):
    return act(ident, "MessageParticipant", {"Text": text}, next_action, errors=[("NoMatchingError", "end")])


def walk(flows, start="main", **kwargs):
    walker = FlowWalker({"main": flows} if "Actions" in flows else flows, **kwargs)
    contact = SimulatedCall("+12125550123", "+12125550100", datetime(2026, 11, 18, 15, tzinfo=timezone.utc))
    outcome = walker.run(start, contact, walker.heard)
    return outcome, contact, walker.heard


def test_stored_input_goes_on_and_is_readable_as_stored_customer_input():
    main = flow(act("pin", "GetParticipantInput", {"Text": "Account number?", "StoreInput": "True"}, "check",
                    errors=[("NoMatchingError", "end")]),
                act("check", "Compare", {"ComparisonValue": "$.StoredCustomerInput"}, "end",
                    conditions=[("NumberGreaterThan", ["5000"], "big")], errors=[("NoMatchingCondition", "end")]),
                say("big", "Account $.StoredCustomerInput is a big one"), END)
    _, _, heard = walk(main, presses=["7321"])
    assert heard[-1] == "Account 7321 is a big one"


def test_prompts_in_ssml_with_references_inside_the_text():
    main = flow(act("hi", "MessageParticipant", {"SSML": "<speak>Hola $.Attributes.name</speak>"}, "end",
                    errors=[("NoMatchingError", "end")]), END)
    walker = FlowWalker({"main": main})
    contact = SimulatedCall("+1", "+2", datetime(2026, 11, 18, tzinfo=timezone.utc), attributes={"name": "Ana"})
    walker.run("main", contact, walker.heard)
    assert walker.heard == ["Hola Ana"]


def test_a_queue_loop_interrupts_and_reaches_the_callback_offer():
    main = flow(act("loop", "MessageParticipantIteratively",
                    {"Messages": [{"Text": "Please hold"}], "InterruptFrequencySeconds": "60"}, "end",
                    conditions=[("Equals", ["MessagesInterrupted"], "offer")], errors=[("NoMatchingError", "end")]),
                say("offer", "Press 1 for a callback"), END)
    _, contact, heard = walk(main)
    assert heard == ["Please hold", "Press 1 for a callback"] and contact.elapsed >= 60


def test_hours_without_an_id_use_the_working_queue_and_the_answers_can_close_them():
    main = flow(act("hours", "CheckHoursOfOperation", {}, "end",
                    conditions=[("Equals", ["True"], "open"), ("Equals", ["False"], "closed")],
                    errors=[("NoMatchingError", "end")]),
                say("open", "We are open"), say("closed", "We are closed"), END)
    assert walk(main)[2] == ["We are open"]
    assert walk(main, answers={"hours_open": "false"})[2] == ["We are closed"]


def test_a_lex_bot_takes_the_intent_named_in_the_callers_words_not_always_the_first():
    main = flow(act("bot", "ConnectParticipantWithLexBot", {"Text": "How can I help?", "LexV2Bot": {"AliasArn": "x"}},
                    "end", conditions=[("Equals", ["CheckBalance"], "balance"), ("Equals", ["MakePayment"], "pay")],
                    errors=[("NoMatchingCondition", "sorry"), ("NoMatchingError", "end")]),
                say("balance", "Your balance"), say("pay", "Payments"), say("sorry", "Sorry"), END)
    assert walk(main, words="I want to make payment please")[2][-1] == "Payments"
    assert walk(main, words="hello there")[2][-1] == "Sorry"


def test_a_json_lambda_answer_is_kept_nested():
    main = flow(act("lam", "InvokeLambdaFunction", {"LambdaFunctionARN": "arn:x",
                                                    "ResponseValidation": {"ResponseType": "JSON"}}, "hi",
                    errors=[("NoMatchingError", "end")]),
                say("hi", "Hello $.External.customer.name"), END)
    assert walk(main, answers={"customer": {"name": "Ana"}})[2] == ["Hello Ana"]


def test_a_target_queue_by_agent_then_a_transfer_to_the_agent():
    main = flow(act("q", "UpdateContactTargetQueue", {"AgentId": "arn:agent/ana"}, "t",
                    errors=[("NoMatchingError", "end")]),
                act("t", "TransferContactToAgent"), END)
    outcome, contact, _ = walk(main)
    assert outcome.how == "agent" and outcome.route == {"agent": "arn:agent/ana"}


def test_transfers_to_flows_and_modules_in_the_same_folder():
    main = flow(act("attrs", "UpdateFlowAttributes", {"FlowAttributes": {"greeting": {"Value": "Hi"}}}, "mod"),
                act("mod", "InvokeFlowModule", {"FlowModuleId": "arn:flow-module/helper"}, "go",
                    errors=[("NoMatchingError", "end")]),
                act("go", "TransferToFlow", {"ContactFlowId": "arn:instance/i/contact-flow/other"}), END)
    helper = flow(say("m", "$.FlowAttributes.greeting from the module", "done"), act("done", "EndFlowModuleExecution"),
                  act("end", "DisconnectParticipant"))
    other = flow(act("tag", "TagContact", {"Tags": {"team": "gold"}}, "loop"),
                 act("loop", "Loop", {"LoopCount": "2"}, "end",
                     conditions=[("Equals", ["ContinueLooping"], "again"), ("Equals", ["DoneLooping"], "out")]),
                 say("again", "again", "loop"), act("out", "TransferParticipantToThirdParty",
                                                     {"ThirdPartyPhoneNumber": "+15551234567"}, "end",
                                                     errors=[("ConnectionTimeLimitExceeded", "end")]), END)
    outcome, contact, heard = walk({"main": main, "helper": helper, "other": other})
    assert heard == ["Hi from the module", "again", "again", "[connected to +15551234567]"]
    assert contact.tags == {"team": "gold"}
    assert (outcome.how, outcome.route) == ("third_party", {"third_party": "+15551234567"})


def test_anything_unknown_stops_the_walk_and_is_named():
    with pytest.raises(Unsupported) as refused:
        walk(flow(act("x", "StartMediaStreaming", {}, "end"), END))
    assert refused.value.what == "action type StartMediaStreaming"
    with pytest.raises(Unsupported, match="operator Matches"):
        walk(flow(act("c", "Compare", {"ComparisonValue": "1"}, "end", conditions=[("Matches", ["1"], "end")]), END))
    with pytest.raises(Unsupported, match=r"reference \$.Wisdom.Session"):
        walk(flow(say("s", "$.Wisdom.Session"), END))


def cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "connect", "walk", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_connect_walk_prints_the_contract_and_exits_3_on_the_unsupported(tmp_path):
    (tmp_path / "main.json").write_text(json.dumps(flow(say("hi", "Hello"), END)))
    run = cli(str(tmp_path / "main.json"))
    out = json.loads(run.stdout)
    assert run.returncode == 0 and {"heard", "route", "attributes", "ended_by", "unsupported"} <= set(out)
    assert out["heard"] == [{"text": "Hello", "voice": "Joanna", "language": "en-US"}]
    assert out["route"]["how"] == "disconnected" and out["unsupported"] == [] and out["ended_by"] == "main.end " \
        "(DisconnectParticipant)"
    (tmp_path / "odd.json").write_text(json.dumps(flow(act("x", "StartMediaStreaming", {}, "end"), END)))
    run = cli(str(tmp_path / "odd.json"))
    assert run.returncode == 3 and json.loads(run.stdout)["unsupported"] == ["action type StartMediaStreaming"]


REAL_FLOWS = sorted(REAL.glob("*.json"))
# With canned Lambda answers that never change, these go round a loop their Lambda would end: the walk
# reports it (a FlowError naming the loop) rather than guessing an answer.
LAMBDA_DRIVEN_LOOPS = {"rules-engine__RulesEngineIntegration", "rules-engine__RulesEngineNLUMenu",
                       "sbs-guides__Financial_contactFlow", "sbs-guides__SBSGuides_Example_CreateAndReviewTasks_Create"}


def test_at_least_twenty_real_flows_from_public_repositories_with_their_sources():
    sources = (REAL / "SOURCES.md").read_text()
    assert len(REAL_FLOWS) >= 20 and all(f.name in sources for f in REAL_FLOWS)


@pytest.mark.parametrize("path", REAL_FLOWS, ids=[p.stem for p in REAL_FLOWS])
def test_every_real_flow_walks_with_nothing_unsupported(path):
    flows = {f.stem: json.loads(f.read_text()) for f in REAL_FLOWS}
    walker = FlowWalker(flows, presses=["1"], words="hello")
    contact = SimulatedCall("+12125550123", "+12125550100", datetime(2026, 11, 18, 15, tzinfo=timezone.utc))
    if path.stem in LAMBDA_DRIVEN_LOOPS:
        with pytest.raises(FlowError, match="more than .* steps"):
            walker.run(path.stem, contact, walker.heard)
        return
    outcome = walker.run(path.stem, contact, walker.heard)
    assert outcome.how in {"disconnected", "ended", "flow", "queued", "holding", "agent", "third_party",
                           "caller_hung_up"} and outcome.ended_by
