"""Triage's safety question through the chat entry point: asked when triage is unsure, the answer settles
it, and at night silence counts as yes (the clock runs in the timer state machine, scaled down)."""
from datetime import datetime, timezone

import pytest

from tests.conftest import chat, wait_for
from tests.test_escalation import BEN, pages_to

pytestmark = pytest.mark.integration

UNSURE = "what am I supposed to do if I smell gas, is there a number I call? I'm new here"
NIGHT = datetime(2026, 11, 19, 7, 10, tzinfo=timezone.utc)  # Thursday 02:10 in New York: office closed


def reply(client, session, text, at):
    answer, _ = chat(client, text, at=at, session=session)
    return answer


def ticket_of(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


@pytest.fixture
def patient(monkeypatch):
    """The question stays open for the whole test: at the test stage's time scale the five minutes would
    pass in 0.6 s, while a busy machine is still answering."""
    from datetime import timedelta
    monkeypatch.setattr("chalicelib.rules.service_levels.SAFETY_ANSWER_WAIT", timedelta(days=1))


def test_an_unsure_message_is_asked_once_and_a_yes_pages_on_call(aws, client, csr_headers, patient):
    first, session = chat(client, UNSURE, at=NIGHT)
    assert first["urgency"] == "urgent" and "smell gas" in first["ask"] and "Reply 1 for yes" in first["ask"]
    assert [q["value"] for q in first["quick_replies"]] == ["1", "2"]
    assert first["ask"] in first["messages"][-1]["body"]
    assert pages_to(aws, BEN) == []
    yes = reply(client, session, "1", NIGHT)
    assert (yes["urgency"], yes["refer"], yes["ask"]) == ("emergency", "emergency_services", None)
    assert "911" in yes["messages"][-1]["body"]
    wait_for(lambda: pages_to(aws, BEN))
    audit = [a["action"] for a in ticket_of(client, csr_headers, first["ticket_id"])["audit"]]
    assert "safety_question_asked" in audit and "urgency_raised" in audit


def test_a_no_keeps_the_ticket_as_it_was_and_is_not_asked_again(aws, client, csr_headers):
    first, session = chat(client, UNSURE)
    no = reply(client, session, "2", datetime(2026, 11, 18, 15, 31, tzinfo=timezone.utc))
    assert (no["urgency"], no["ask"]) == ("urgent", None)
    assert "regular request" in no["messages"][-1]["body"]
    again = reply(client, session, "1", datetime(2026, 11, 18, 15, 32, tzinfo=timezone.utc))
    assert again["urgency"] == "urgent"  # "1" now is just a message: the question was answered
    assert ticket_of(client, csr_headers, first["ticket_id"])["urgency"] == "urgent"


def test_the_question_is_asked_in_spanish_to_a_spanish_speaker(aws, client):
    first, _ = chat(client, "¿qué hago si huele a gas? soy nuevo aquí, ¿hay un número al que llamo?")
    assert first["language"] == "es" and "Responda 1 para sí" in first["ask"]
    assert [q["label"] for q in first["quick_replies"]] == ["1 Sí", "2 No"]


def test_at_night_no_answer_within_minutes_is_treated_as_an_emergency(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.02)  # five minutes last 6 s
    first, _ = chat(client, UNSURE, at=NIGHT)
    assert first["ask"] and pages_to(aws, BEN) == []
    raised = wait_for(lambda: ticket_of(client, csr_headers, first["ticket_id"])["urgency"] == "emergency")
    assert raised
    wait_for(lambda: pages_to(aws, BEN))


def test_in_office_hours_no_clock_waits_on_the_answer(aws, client, csr_headers):
    first, _ = chat(client, UNSURE)  # Wednesday 10:30: staff see the unanswered question in the queue
    assert first["ask"]
    assert "safety_answer" not in (ticket_of(client, csr_headers, first["ticket_id"]).get("clocks") or {})


def test_by_email_the_acknowledgement_asks_and_a_reply_of_yes_pages(aws, client, csr_headers, patient):
    from email.message import EmailMessage

    from tests.conftest import sent_mail
    from tests.test_email import receive

    first = EmailMessage()
    first["From"], first["To"], first["Subject"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example", "gas?"
    first["Message-ID"] = "<q1@example.com>"
    first.set_content(UNSURE)
    opened = receive(aws, first.as_bytes(), at=NIGHT)
    (ack,) = sent_mail(aws)
    assert "Do you smell gas" in ack.get_content() and "Reply 1 for yes" in ack.get_content()
    answer = EmailMessage()
    answer["From"], answer["To"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example"
    answer["Subject"], answer["In-Reply-To"] = f"Re: {ack['Subject']}", ack["Message-ID"]
    answer["Message-ID"] = "<q2@example.com>"
    answer.set_content("Yes, I can smell it in the kitchen right now.\n\n> Do you smell gas or see smoke?")
    receive(aws, answer.as_bytes(), at=NIGHT)
    t = ticket_of(client, csr_headers, opened["ticket_id"])
    assert (t["urgency"], t["refer"], t["safety_answer"]) == ("emergency", "emergency_services", "yes")
    wait_for(lambda: pages_to(aws, BEN))


@pytest.mark.parametrize("text, words", [
    ("there's a man with a knife in the hallway yelling", "Stay somewhere safe"),
    ("mi vecina se cayó y no se puede levantar, la puerta está cerrada", "Quédese en un lugar seguro"),
])
def test_a_person_in_danger_is_told_to_call_911_and_on_call_is_paged(aws, client, text, words):
    answer, _ = chat(client, text, at=NIGHT)
    assert (answer["urgency"], answer["refer"], answer["category"]) == ("emergency", "emergency_services", "general")
    reply = answer["messages"][-1]["body"]
    assert "911" in reply and words in reply and "gas" not in reply.lower()
    wait_for(lambda: pages_to(aws, BEN))
