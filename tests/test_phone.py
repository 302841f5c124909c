"""Calls through the real flows (connect_flows/) on the in-process twin: the walker plays Connect, the
real connect_contact Lambda answers through moto's Lambda service, contact events go through EventBridge."""
import json
from datetime import datetime, timezone

import pytest

from chalicelib.models import Rejected
from chalicelib.tickets import store as tickets
from tests.conftest import emergency_notifications, wait_for
from twin.connect import Connect

pytestmark = pytest.mark.integration

MAPLE, SUNSET = "+12125550100", "+13105550100"
MARIA, STRANGER = "+12125550142", "+12125550177"
OPEN = datetime(2026, 11, 18, 15, 30, tzinfo=timezone.utc)  # Wednesday 10:30 in New York
NIGHT = datetime(2026, 11, 18, 7, 0, tzinfo=timezone.utc)  # Wednesday 02:00 in New York
THANKSGIVING = datetime(2026, 11, 26, 15, 30, tzinfo=timezone.utc)


def ring(aws, presses, words=None, at=OPEN, caller=STRANGER, to=MAPLE, answer="answer"):
    connect = Connect(aws, "test", presses=presses, words=words, third_party=answer)
    contact, outcomes = connect.call(caller, to, at)
    return connect, contact, outcomes


def ticket_of(contact):
    return tickets.get_ticket(contact.attributes["ticket_id"])


def heard(connect):
    return "\n".join(connect.heard)


MENU = [
    ("1", "my radiator is making a funny noise", "page", "maintenance", "maintenance", "emergency"),  # first in line
    ("2", "the dishwasher will not drain", "queue", "maintenance", "maintenance", "routine"),
    ("3", "I would like to renew my lease", "queue", "leasing", "leasing", "routine"),
    ("4", "question about a late fee on my rent", "queue", "billing", "billing", "routine"),
    ("5", "this is for Ben, please call me back", "queue", "general", "message", "routine"),
    ("0", "where do I pick up packages", "queue", "general", "general", "routine"),
]


@pytest.mark.parametrize("choice,words,route,queue,category,urgency", MENU, ids=[m[0] for m in MENU])
def test_each_menu_choice_in_office_hours(aws, choice, words, route, queue, category, urgency):
    connect, contact, outcomes = ring(aws, ["1", choice], words)
    ticket = ticket_of(contact)
    assert (contact.attributes["route"], contact.attributes["queue"]) == (route, queue)
    assert (ticket.category, ticket.urgency, ticket.channel) == (category, urgency, "voice")
    assert contact.attributes["office_open"] == "true" and contact.language_code == "en-US"
    if route == "queue":
        assert outcomes[0].how == "queued" and contact.queue.endswith(f"/queue/{queue}")
        assert "Connecting you to our" in heard(connect) and ticket.ref in heard(connect)
    if choice == "5":
        assert ticket.for_person == "Ben Okafor"


def test_after_hours_a_request_becomes_a_message_held_for_the_office(aws):
    connect, contact, outcomes = ring(aws, ["1", "2"], "the dishwasher will not drain", at=NIGHT)
    ticket = ticket_of(contact)
    assert contact.attributes["office_open"] == "false" and contact.attributes["route"] == "message"
    assert outcomes[0].how == "disconnected" and "mark-closed" in outcomes[0].path
    assert ticket.held_key == "maple-court#2026-11-18"
    assert "The office is closed now" in heard(connect) and "Wed 08:00" in heard(connect)


def test_a_public_holiday_closes_the_office_through_the_hours_of_operation(aws):
    _connect, contact, _ = ring(aws, ["1", "4"], "question about a late fee on my rent", at=THANKSGIVING)
    assert contact.attributes["route"] == "message" and ticket_of(contact).category == "billing"


def test_spanish_callers_are_served_in_spanish_end_to_end(aws):
    connect, contact, outcomes = ring(aws, ["2", "2"], "Hay una fuga debajo del fregadero de la cocina")
    ticket = ticket_of(contact)
    assert contact.language_code == "es-US" and contact.voice == "Lupe"
    assert "Gracias por llamar a Maple Court Apartments" in heard(connect)
    assert "oprima 1" in heard(connect) and "Le comunicamos ahora con nuestro equipo de mantenimiento" in heard(connect)
    assert ticket.language == "es" and contact.attributes["queue"] == "maintenance"
    assert "no cuelgue" in heard(connect)  # the queue flow speaks Spanish too
    spanish = [p for p in contact.spoken if p["to"] == "caller" and "oprima" in p["text"]]
    assert spanish and all(p["language"] == "es-US" for p in spanish)  # Spanish words are spoken as Spanish
    assert spanish[0]["voice"] == "Joanna" and {p["voice"] for p in spanish[1:]} == {"Lupe"}  # then a Spanish voice
    connect.report(contact, outcomes, wait=20, talk=60, abandon=False)
    assert connect.agent_heard and connect.agent_heard[0].startswith("Spanish-speaking caller.")
    assert ticket.ref in connect.agent_heard[0]


def test_a_known_caller_is_greeted_and_a_second_call_adds_to_the_open_ticket(aws):
    _c, first, _ = ring(aws, ["1", "2"], "the kitchen sink is leaking under the cabinet", caller=MARIA)
    ref = ticket_of(first).ref
    assert ticket_of(first).contact_name == "María López" and ticket_of(first).unit == "4B"
    connect, second, _ = ring(aws, ["1", "2"], "the sink is still leaking, it is worse now", caller=MARIA)
    assert "Hello María." in heard(connect) and f"We see your open ticket {ref}" in heard(connect)
    assert second.attributes["ticket_ref"] == ref
    inbound = [m for m in tickets.thread(ticket_of(second).ticket_id) if m.direction == "inbound"]
    assert [m.contact_id for m in inbound] == [first.contact_id, second.contact_id]


def test_when_nobody_on_call_answers_the_caller_is_promised_a_call_back_and_paging_runs(aws):
    connect, contact, outcomes = ring(aws, ["1", "2"], "water is pouring through the ceiling", at=NIGHT, answer="none")
    ticket = ticket_of(contact)
    assert contact.attributes["route"] == "page" and outcomes[0].how == "disconnected"
    assert [t["result"] for t in connect.tried] == ["no_answer"] * len(connect.tried) and len(connect.tried) >= 2
    assert ticket.urgency == "emergency"
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")  # started from its record
    assert any(ticket.ref in text for text in emergency_notifications(aws))
    assert "within 30 minutes" in heard(connect)
    assert not ticket.held_key  # an emergency never waits for the office


def test_the_demo_call_spanish_emergency_at_2am(aws):
    at = datetime.fromisoformat("2026-11-18T02:00:00-05:00")
    connect, contact, _ = ring(aws, ["2", "1"], "water is pouring from the ceiling", at=at, caller=MARIA)
    assert contact.attributes["route"] == "page" and connect.tried[0]["result"] == "connected"
    assert ticket_of(contact).urgency == "emergency" and "le estamos comunicando ahora con" in heard(connect)


def test_a_gas_leak_is_referred_to_911_and_still_logged(aws):
    connect, contact, _ = ring(aws, ["1", "1"], "I smell gas in the kitchen")
    ticket = ticket_of(contact)
    assert contact.attributes["route"] == "refer"
    assert "call 911" in heard(connect) and ticket.ref in heard(connect)
    assert (ticket.refer, ticket.urgency) == ("emergency_services", "emergency")
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")  # on-call staff are paged too


def test_an_area_outage_is_referred_to_the_utility(aws):
    connect, contact, _ = ring(aws, ["1", "2"], "the power is out in the whole neighborhood, the street lights "
                                                "are off too", at=NIGHT)
    assert contact.attributes["route"] == "refer" and ticket_of(contact).refer == "utility"
    assert "Con Edison, +18005550123" in heard(connect)


def test_a_message_for_a_named_person_after_hours(aws):
    connect, contact, _ = ring(aws, ["1", "5"], "Message for Dana: please call me about my parking permit",
                               at=NIGHT)
    ticket = ticket_of(contact)
    assert contact.attributes["route"] == "message"
    assert (ticket.category, ticket.for_person) == ("message", "Dana Whitfield") and ticket.held_key
    assert "taken your message for Dana Whitfield" in heard(connect)


def test_no_words_recognised_still_makes_a_ticket_with_the_recording(aws):
    _c, contact, _ = ring(aws, ["1", "2"], None)
    ticket = ticket_of(contact)
    assert ticket.category == "maintenance" and "recording" in tickets.thread(ticket.ticket_id)[0].body
    assert tickets.thread(ticket.ticket_id)[0].contact_id == contact.contact_id


def test_a_silent_caller_at_the_menu_is_asked_again_then_routed(aws):
    connect, contact, _ = ring(aws, ["1"], "hello I have a question")
    assert connect.heard.count("Sorry, I didn't catch that.") == 1
    assert contact.attributes["intent"] == "other" and contact.attributes["route"] == "queue"


def test_the_queue_offers_a_callback_and_a_message(aws):
    connect, contact, outcomes = ring(aws, ["1", "2", "1"], "the dishwasher will not drain")
    assert outcomes[-1].how == "disconnected" and contact.callback_created
    assert "call you back at this number" in heard(connect)
    assert connect.report(contact, outcomes, wait=20, talk=60, abandon=False) == "callback requested"
    ticket = ticket_of(contact)
    assert "callback_requested" in [a.action for a in tickets.audit_trail(ticket.ticket_id)]
    assert ticket.calls[contact.contact_id]["outcome"] == "callback_or_message"

    connect, contact, outcomes = ring(aws, ["1", "3", "2"], "I would like to renew my lease")
    assert "we have taken your message" in heard(connect) and "call you back today" in heard(connect)
    assert "call_message" in [a.action for a in tickets.audit_trail(ticket_of(contact).ticket_id)]


def test_an_answered_call_records_queue_wait_and_handle_time(aws):
    connect, contact, outcomes = ring(aws, ["1", "2"], "the dishwasher will not drain")
    assert connect.report(contact, outcomes, wait=45, talk=300, abandon=False) == "talked with an agent"
    call = ticket_of(contact).calls[contact.contact_id]
    assert (call["outcome"], call["queue_wait_seconds"], call["handle_seconds"]) == ("completed", 45, 300)
    actions = [a.action for a in tickets.audit_trail(ticket_of(contact).ticket_id)]
    assert actions[-3:] == ["call_queued", "call_answered", "call_ended"]


def test_a_number_nobody_answers_for_goes_to_the_office_queue(aws):
    connect, contact, outcomes = ring(aws, ["1"], to="+12125559999")
    assert "something went wrong on our side" in heard(connect)
    assert outcomes[0].how == "queued" and contact.queue.endswith("/queue/general")


def lambda_event(contact_id, action, **extra):
    return {"Name": "ContactFlowEvent", "Details": {
        "ContactData": {"Attributes": {"tenantline_time": OPEN.isoformat()}, "Channel": "VOICE",
                        "ContactId": contact_id, "CustomerEndpoint": {"Address": STRANGER, "Type": "TELEPHONE_NUMBER"},
                        "SystemEndpoint": {"Address": MAPLE, "Type": "TELEPHONE_NUMBER"}, "LanguageCode": "en-US"},
        "Parameters": {"action": action, **extra}}}


def invoke(aws, event):
    response = aws.client("lambda").invoke(FunctionName="tenantline-test-connect_contact",
                                           Payload=json.dumps(event).encode())
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def test_route_is_idempotent_per_contact(aws):
    event = lambda_event("11111111-2222-4333-8444-555555555555", "route", intent="maintenance",
                         transcript="the dishwasher will not drain", office_open="true", language="en")
    first_error, first = invoke(aws, event)
    again_error, again = invoke(aws, event)
    assert first_error is None and again == first and first["route"] == "queue"
    assert all(isinstance(v, str) for v in first.values())
    assert len(list(tickets.Ticket.by_phone.query(STRANGER))) == 1


def test_a_retry_after_a_crash_half_way_resumes_the_same_ticket(aws, monkeypatch):
    """The first invocation dies after the ticket was written (setting its clocks failed); Connect's retry
    finishes that same ticket rather than opening a second one."""
    from chalicelib.lifecycle import timers
    event = lambda_event("22222222-2222-4333-8444-555555555555", "route", intent="maintenance",
                         transcript="the bathroom fan is broken", office_open="true", language="en")
    real = timers.start_clocks

    def dies(*args, **kwargs):
        raise RuntimeError("the Lambda ran out of time")
    monkeypatch.setattr(timers, "start_clocks", dies)
    error, _ = invoke(aws, event)
    assert error
    monkeypatch.setattr(timers, "start_clocks", real)
    error, answer = invoke(aws, event)
    assert error is None and answer["route"] == "queue"
    (ticket,) = tickets.Ticket.by_phone.query(STRANGER)
    assert ticket.ticket_id == answer["ticket_id"]
    assert tickets.get_ticket(ticket.ticket_id).clocks  # the same ticket, now complete
    assert [m.direction for m in tickets.thread(ticket.ticket_id)] == ["inbound"]


def test_bad_events_are_refused_and_kept(aws):
    error, payload = invoke(aws, {"Details": "nonsense"})
    assert error and "not an Amazon Connect contact flow event" in payload["errorMessage"]
    error, payload = invoke(aws, lambda_event("c-1", "dance"))
    assert error and "unknown action 'dance'" in payload["errorMessage"]
    kept = list(Rejected.query("REJECTED"))
    assert [r.source for r in kept] == ["connect_contact", "connect_contact"]
    assert kept[1].event["Details"]["Parameters"]["action"] == "dance"


@pytest.mark.parametrize("channel,address", [("TASK", None), ("EMAIL", "maria@example.com"), ("CHAT", None)])
def test_the_raw_channel_is_read_for_every_channel(channel, address):
    from chalicelib.channels.voice import flow as voice

    event = lambda_event("c-2", "lookup")
    event["Details"]["ContactData"].update(Channel=channel, CustomerEndpoint={"Address": address, "Type": "EMAIL"}
                                           if address else None)
    call = voice.parse(event)
    assert call.channel == channel and call.caller is None and call.parameters["action"] == "lookup"


def test_the_caller_hears_their_place_in_line_when_connect_tells_it():
    from botocore.stub import Stubber

    from chalicelib.channels.voice import flow as voice
    from chalicelib.core import aws

    call = voice.parse(lambda_event("c-3", "queue_position", language="es"))
    connect = aws.client("connect", quick=True)
    with Stubber(connect) as stub:
        stub.add_response("get_contact_metrics", {"MetricResults": [
            {"Name": "POSITION_IN_QUEUE", "Value": {"Number": 3.0}}]})
        assert voice.queue_position(call) == {"position": "3", "say": "Usted es el número 3 en la fila."}
        stub.add_client_error("get_contact_metrics", "ResourceNotFoundException")
        assert voice.queue_position(call)["say"] == "Gracias por esperar. Alguien le atenderá en breve."


def test_a_caller_who_hangs_up_in_the_menus_still_becomes_a_ticket(aws):
    from chalicelib.channels.voice import flow as voice

    contact_id = "99999999-2222-4333-8444-555555555555"
    error, _ = invoke(aws, lambda_event(contact_id, "lookup", language="es"))
    assert error is None
    hung_up = {"source": "aws.connect", "detail-type": "Amazon Connect Contact Event", "time": "2026-11-18T15:31:00Z",
               "detail": {"eventType": "DISCONNECTED", "contactId": contact_id, "channel": "VOICE",
                          "initiationMethod": "INBOUND", "initiationTimestamp": "2026-11-18T15:30:00Z",
                          "disconnectTimestamp": "2026-11-18T15:31:00Z", "disconnectReason": "CUSTOMER_DISCONNECT"}}
    first = voice.contact_event(hung_up, OPEN)
    again = voice.contact_event(hung_up, OPEN)
    ticket = tickets.get_ticket(first["ticket_id"])
    assert again["ticket_id"] == ticket.ticket_id and len(list(tickets.Ticket.by_phone.query(STRANGER))) == 1
    assert (ticket.channel, ticket.contact_phone, ticket.language) == ("voice", STRANGER, "es")
    assert "llamada perdida" in ticket.summary and ticket.calls[contact_id]["outcome"] == "ended_in_flow"


def test_an_hours_check_without_an_id_uses_the_hours_of_the_property_called(aws):
    connect = Connect(aws, "test")
    check = {"Identifier": "h", "Type": "CheckHoursOfOperation", "Parameters": {}, "Transitions": {
        "NextAction": "x", "Conditions": [{"NextAction": "open", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
                                          {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}],
        "Errors": [{"NextAction": "x", "ErrorType": "NoMatchingError"}]}}
    from twin.connect import SimulatedCall
    at_night = SimulatedCall(STRANGER, MAPLE, datetime(2026, 11, 19, 7, tzinfo=timezone.utc))
    in_hours = SimulatedCall(STRANGER, MAPLE, OPEN)
    assert connect._do_CheckHoursOfOperation(check, in_hours, []) == "open"
    assert connect._do_CheckHoursOfOperation(check, at_night, []) == "closed"


def patch_sms(aws, number):
    from tests.conftest import sent_sms
    return [text for to, text in sent_sms(aws) if to == number and text.startswith("Incoming patch:")]


def test_an_emergency_caller_is_patched_to_the_first_tier_who_is_told_why_first(aws, client):
    connect, contact, outcomes = ring(aws, ["1", "2"], "water is pouring through the ceiling in 4B", at=NIGHT)
    ticket = ticket_of(contact)
    first = connect.tried[0]["person"]
    assert connect.tried == [{"person": first, "result": "connected"}] and outcomes[0].how == "disconnected"
    phone = {"tech-ana": "+12125550111", "tech-ben": "+12125550112", "tech-chen": "+12125550113"}[first]
    (told,) = patch_sms(aws, phone)
    assert ticket.ref in told and "Maple Court" in told
    assert heard(connect).index("we are connecting you now") < heard(connect).index(f"[connected to {first}]")
    from chalicelib.escalation import patch
    assert [(a["person_id"], a["result"]) for a in patch.attempts(ticket.ticket_id)] == [(first, "connected")]
    # A patch is not an acknowledgement: paging goes on until someone presses the button.
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")
    assert tickets.get_ticket(ticket.ticket_id).acknowledged_at is None


def test_no_answer_moves_down_the_tiers_and_voicemail_does_not_stop_paging(aws):
    # That night the tiers are Ana (primary), Ben (backup), then Dana (supervisor): Ben answers the second call.
    connect, contact, _ = ring(aws, ["1", "2"], "water is pouring through the ceiling", at=NIGHT, answer="tech-ben")
    assert connect.tried == [{"person": "tech-ana", "result": "no_answer"}, {"person": "tech-ben", "result": "connected"}]
    assert len(patch_sms(aws, "+12125550111")) == 1 and len(patch_sms(aws, "+12125550112")) == 1
    # (Another hazard: a second flood report that night would join the first one's incident, not page.)
    machine, contact2, _ = ring(aws, ["1", "2"], "my front door lock is broken and I cannot lock my apartment",
                                at=NIGHT, answer="voicemail", caller="+12125550177")
    assert [t["result"] for t in machine.tried] == ["voicemail"]
    ticket = ticket_of(contact2)
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")
    assert tickets.get_ticket(ticket.ticket_id).acknowledged_at is None


def test_acknowledging_soon_after_a_connected_patch_counts_time_to_human_to_the_patch(aws):
    from datetime import timedelta

    from chalicelib.escalation import ack
    connect, contact, _ = ring(aws, ["1", "2"], "water is pouring through the ceiling", at=NIGHT)
    ticket = ticket_of(contact)
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")
    person = connect.tried[0]["person"]
    from chalicelib.escalation import patch
    rang = patch.connected_at(ticket.ticket_id, person)
    done = ack.acknowledge(ticket.ticket_id, "On call", "console", rang + timedelta(minutes=9), person)
    created = datetime.fromisoformat(ticket.created_at)
    assert done["reached_seconds"] == round((rang - created).total_seconds(), 1) and done["target_met"]
    from datetime import date

    from chalicelib.escalation import report
    phone = report.escalations(date(2026, 11, 18), date(2026, 11, 18))["phone"]
    assert phone == {"count": 1, "p50_reached_seconds": done["reached_seconds"],
                     "p90_reached_seconds": done["reached_seconds"], "patched": 1, "patch_connected": 1,
                     "patch_connected_share": 1.0}


def test_in_office_hours_a_caller_asking_for_dana_is_put_through_to_her(aws):
    connect, contact, outcomes = ring(aws, ["1", "5"], "this is for Dana, please call me back about my parking spot")
    assert contact.attributes["route"] == "person" and connect.tried == [{"person": "mgr-dana", "result": "connected"}]
    assert "putting you through to Dana" in heard(connect) and outcomes[0].how == "disconnected"
    ticket = ticket_of(contact)
    assert ticket.for_person == "Dana Whitfield"
    from tests.test_ticket_store import trail
    assert ("connect", "put_through", {"person": "Dana Whitfield", "result": "connected"}) in trail(ticket.ticket_id)


def test_when_dana_does_not_answer_her_message_is_emailed_to_her_alone(aws):
    from tests.test_clocks import ses_sent
    connect, contact, _ = ring(aws, ["1", "5"], "this is for Dana, please call me back about my parking spot",
                               answer="none")
    ticket = ticket_of(contact)
    assert connect.tried == [{"person": "mgr-dana", "result": "no_answer"}]
    assert "passed your message on to Dana" in heard(connect) and ticket.ref in heard(connect)
    mails = [m for m in ses_sent(aws) if ticket.ref in m.subject]
    assert [m.destinations["ToAddresses"] for m in mails] == [["dana.whitfield@maplecourt.example"]]
    assert "parking spot" in mails[0].body


def test_after_hours_a_message_for_dana_is_taken_as_before(aws):
    connect, contact, _ = ring(aws, ["1", "5"], "this is for Dana, please call me back", at=NIGHT)
    assert contact.attributes["route"] == "message" and connect.tried == []


def test_in_office_hours_an_emergency_goes_first_in_line_for_a_csr_while_on_call_is_paged(aws):
    routine, _, _ = ring(aws, ["1", "2"], "the dishwasher will not drain")
    connect, contact, outcomes = ring(aws, ["1", "1"], "water is pouring through the ceiling", caller="+12125550177")
    ticket = ticket_of(contact)
    assert outcomes[0].how == "queued" and outcomes[0].route["priority"] == 1 and connect.tried == []
    assert contact.queue.endswith("/queue/maintenance") and "first in line" in heard(connect)
    assert "[queued at priority 1" in heard(connect) and "[queued at priority" not in heard(routine)
    wait_for(lambda: tickets.get_ticket(ticket.ticket_id).escalation == "paging")  # maintenance paged meanwhile


def test_in_office_hours_with_no_csr_free_an_emergency_is_patched_to_on_call(aws):
    connect = Connect(aws, "test", presses=["1", "1"], words="water is pouring through the ceiling", agents=0)
    contact, outcomes = connect.call(STRANGER, MAPLE, OPEN)
    assert connect.tried and connect.tried[0]["result"] == "connected" and outcomes[0].how == "disconnected"
