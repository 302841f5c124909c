"""The satisfaction survey after a resolution, per channel, through the real routes: asked once, in the
resident's language; one answer per ticket; a low score starts the review clock and shows on the ticket;
survey links expire and cannot be forged, re-pointed at another ticket or used as acknowledgement links."""
import base64
import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.rules import surveys
from tests.conftest import NOW, chat, sent_mail, sent_sms, wait_for
from tests.test_email import receive
from twin.connect import Connect

pytestmark = pytest.mark.integration

LATER = NOW + timedelta(hours=2)
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def at(when) -> dict:
    return {"X-Tenantline-Time": when.isoformat()}


def resolve(client, csr_headers, ticket_id, when=LATER):
    answer = client.http.post(f"/tickets/{ticket_id}/status", body=json.dumps({"status": "resolved"}),
                              headers={**csr_headers, **at(when)})
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


def ticket(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def widget_messages(client, session):
    return client.http.get(f"/chat/sessions/{session.session_id}/messages",
                           headers={"X-Session-Token": session.token}).json_body["messages"]


def rate_in_widget(client, session, when=LATER, **answer):
    return client.http.post(f"/chat/sessions/{session.session_id}/csat", body=json.dumps(answer),
                            headers={"Content-Type": "application/json", "X-Session-Token": session.token, **at(when)})


def test_chat_asks_once_in_the_thread_and_a_low_answer_starts_the_review(aws, client, csr_headers):
    answer, session = chat(client, "The blinds in my bedroom are broken")
    tid = answer["ticket_id"]
    resolve(client, csr_headers, tid)
    asked = [m for m in widget_messages(client, session) if "How satisfied" in m["body"]]
    assert len(asked) == 1 and asked[0]["automated"] and answer["ref"] in asked[0]["body"]

    # Reopened and resolved again: not asked a second time.
    client.http.post(f"/tickets/{tid}/status", body=json.dumps({"status": "in_progress"}),
                     headers={**csr_headers, **at(LATER)})
    resolve(client, csr_headers, tid, LATER + timedelta(minutes=5))
    assert len([m for m in widget_messages(client, session) if "How satisfied" in m["body"]]) == 1

    state = client.http.get(f"/chat/sessions/{session.session_id}/messages",
                            headers={"X-Session-Token": session.token}).json_body["survey"]
    assert state["answered"] is False and state["csat_scale"] == [1, 5] and state["nps_scale"] == [0, 10]
    assert state["answer_to"] == f"/chat/sessions/{session.session_id}/csat"
    rated = rate_in_widget(client, session, csat=2, nps=4, comment="Took three visits")
    assert rated.status_code == 200 and rated.json_body == {"ref": answer["ref"], "csat": 2, "nps": 4}
    assert client.http.get(f"/chat/sessions/{session.session_id}/messages",
                           headers={"X-Session-Token": session.token}).json_body["survey"]["answered"] is True
    again = rate_in_widget(client, session, csat=5)
    assert again.status_code == 409 and "already rated CSAT 2/5, NPS 4/10" in again.json_body["Message"]

    shown = ticket(client, csr_headers, tid)
    assert shown["survey"]["low"] and shown["survey"]["via"] == "chat" and shown["survey"]["sent_via"] == "chat"
    assert shown["survey"]["comment"] == "Took three visits"
    assert shown["survey"]["review_due"] == shown["clocks"]["csat_review"]
    assert shown["survey"]["review_due"].startswith((LATER + timedelta(hours=72)).date().isoformat())


@pytest.mark.parametrize("answer, problem", [
    ({"csat": 0}, "csat must be a whole number from 1 to 5"),
    ({"csat": 6}, "csat must be a whole number from 1 to 5"),
    ({"nps": 11}, "nps must be a whole number from 0 to 10"),
    ({"comment": "only words"}, "an answer needs csat"),
])
def test_answers_off_the_scales_are_refused(aws, client, answer, problem):
    _, session = chat(client, "The blinds in my bedroom are broken")
    refused = rate_in_widget(client, session, **answer)
    assert refused.status_code == 400 and problem in refused.json_body["Message"]


def test_a_satisfied_answer_starts_no_review():
    assert not surveys.is_low(3, 6) and not surveys.is_low(None, 6) and not surveys.is_low(3, None)
    assert surveys.is_low(2, None) and surveys.is_low(None, 5) and surveys.is_low(5, 0)


SPANISH = b"""From: Lucia Gomez <lucia@example.net>
To: maple@leasing.example.com
Subject: La puerta del closet
Message-ID: <closet-1@example.net>
Date: Wed, 18 Nov 2026 10:20:00 -0500
Content-Type: text/plain; charset=utf-8

Hola, la puerta del closet se sali\xc3\xb3 del riel. Gracias.
"""


def survey_links(aws, ref):
    mails = [m for m in sent_mail(aws) if ref in m["Subject"] and "/survey/" in m.get_body().get_content()]
    assert len(mails) == 1, [m["Subject"] for m in sent_mail(aws)]
    return mails[0], re.findall(r"/survey/(\S+)", mails[0].get_body().get_content())


def test_email_gets_one_signed_link_per_score_in_spanish(aws, client, csr_headers):
    result = receive(aws, SPANISH)
    tid = result["ticket_id"]
    ref = ticket(client, csr_headers, tid)["ref"]
    resolve(client, csr_headers, tid)
    mail, tokens = survey_links(aws, ref)
    assert len(tokens) == 5 and "¿Qué tan satisfecho" in mail.get_body().get_content()
    assert mail["To"] == "Lucia Gomez <lucia@example.net>" or "lucia@example.net" in mail["To"]

    page = client.http.get(f"/survey/{tokens[3]}", headers=at(LATER))  # "4 satisfecho"
    assert page.status_code == 200 and "value=4 checked" in page.body.decode() and "Enviar" in page.body.decode()
    shown = client.http.get(f"/survey/{tokens[3]}", headers={**JSON, **at(LATER)}).json_body
    assert (shown["csat"], shown["answered"], shown["ref"]) == (4, False, ref)
    assert ticket(client, csr_headers, tid)["csat"] is None  # opening the link records nothing

    sent = client.http.post(f"/survey/{tokens[3]}", body=urlencode({"nps": "9", "comment": "Rápido"}),
                            headers={"Content-Type": "application/x-www-form-urlencoded", **at(LATER)})
    assert sent.status_code == 200 and "Gracias" in sent.body.decode()
    second = client.http.post(f"/survey/{tokens[0]}", body=json.dumps({}), headers={**JSON, **at(LATER)})
    assert second.status_code == 409
    survey = ticket(client, csr_headers, tid)["survey"]
    assert (survey["csat"], survey["nps"], survey["via"], survey["low"]) == (4, 9, "email", False)


def forge(token: str, **changes) -> str:
    """The token's signed text with one value swapped, keeping its signature."""
    body, sig = token.split(".")
    values = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().split("|")
    for index, value in changes.items():
        values[int(index[1:])] = value
    return base64.urlsafe_b64encode("|".join(values).encode()).rstrip(b"=").decode() + "." + sig


def test_survey_links_expire_and_cannot_be_pointed_at_another_ticket(aws, client, csr_headers):
    first, second = receive(aws, SPANISH), receive(aws, SPANISH.replace(b"closet-1", b"closet-2")
                                                   .replace(b"lucia@", b"marta@"))
    assert first["ticket_id"] != second["ticket_id"]
    ref = ticket(client, csr_headers, first["ticket_id"])["ref"]
    resolve(client, csr_headers, first["ticket_id"])
    _, tokens = survey_links(aws, ref)

    moved = forge(tokens[4], v1=second["ticket_id"])
    refused = client.http.post(f"/survey/{moved}", body=json.dumps({"csat": 5}), headers={**JSON, **at(LATER)})
    assert refused.status_code == 401
    stale = client.http.post(f"/survey/{tokens[4]}", body=json.dumps({}),
                             headers={**JSON, **at(LATER + surveys.LINK_VALID + timedelta(minutes=1))})
    assert stale.status_code == 401 and "expired" in stale.json_body["Message"]
    # An acknowledgement-style token (signed with the link secret itself) is not a survey link.
    from chalicelib.core import secrets, signing
    ack_like = signing.short_sign([first["ticket_id"], "tech-ana"], secrets.link_secret(), 3600, LATER.timestamp())
    assert client.http.get(f"/survey/{ack_like}", headers={**JSON, **at(LATER)}).status_code == 401
    assert client.http.get("/survey/not-a-token", headers=at(LATER)).status_code == 401
    for t in (first["ticket_id"], second["ticket_id"]):
        assert ticket(client, csr_headers, t)["csat"] is None

    ok = client.http.post(f"/survey/{tokens[4]}", body=json.dumps({}), headers={**JSON, **at(LATER)})
    assert ok.status_code == 200 and ok.json_body["csat"] == 5


MARIA, JAMES = "+12125550142", "+12125550143"  # María consented to texts (twin/seed.py); James did not


def call_in(aws, caller, spanish=False):
    connect = Connect(aws, "test", presses=["2" if spanish else "1", "2"],
                      words="el lavaplatos no desagua" if spanish else "the dishwasher will not drain")
    contact, outcomes = connect.call(caller, "+12125550100", NOW)
    connect.report(contact, outcomes, wait=15, talk=120, abandon=False)
    return contact.attributes["ticket_id"]


def test_a_caller_who_consented_gets_a_text_with_a_link_and_one_who_did_not_gets_nothing(aws, client, csr_headers):
    maria, james = call_in(aws, MARIA, spanish=True), call_in(aws, JAMES)
    resolve(client, csr_headers, maria)
    resolve(client, csr_headers, james)
    texts = [text for number, text in sent_sms(aws) if "/survey/" in text]
    assert len(texts) == 1 and [n for n, t in sent_sms(aws) if "/survey/" in t] == [MARIA]
    assert "¿Cómo lo hicimos?" in texts[0]  # María called in Spanish
    assert ticket(client, csr_headers, maria)["survey"]["sent_via"] == "sms"
    skipped = ticket(client, csr_headers, james)
    assert skipped["survey"]["sent_via"] == "none"
    assert any(a["action"] == "survey_sent" and "consent" in a["detail"].get("reason", "") for a in skipped["audit"])

    token = re.search(r"/survey/(\S+)", texts[0]).group(1)
    assert client.http.get(f"/survey/{token}", headers={**JSON, **at(LATER)}).json_body["csat"] is None
    answered = client.http.post(f"/survey/{token}", body=json.dumps({"csat": 1, "nps": 2}),
                                headers={**JSON, **at(LATER)})
    assert answered.status_code == 200
    shown = ticket(client, csr_headers, maria)
    assert shown["survey"]["via"] == "sms" and shown["survey"]["low"] and "csat_review" in shown["clocks"]


def test_a_survey_text_waits_for_texting_hours(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.0001)  # the night lasts about 3 s
    maria = call_in(aws, MARIA, spanish=True)
    night = NOW.replace(hour=4, minute=0) + timedelta(days=1)  # 23:00 in New York
    resolve(client, csr_headers, maria, night)
    assert not [t for n, t in sent_sms(aws) if "/survey/" in t]
    assert ticket(client, csr_headers, maria)["survey"]["sent_via"] == "sms_later"
    wait_for(lambda: [t for n, t in sent_sms(aws) if "/survey/" in t], 60)
    survey = ticket(client, csr_headers, maria)["survey"]
    assert survey["sent_via"] == "sms" and survey["sent_at"].startswith("2026-11-19T13:00")  # 08:00 in New York


def test_texting_hours_are_local():
    from datetime import datetime, timezone
    ny = "America/New_York"
    noon = datetime(2026, 11, 18, 17, 0, tzinfo=timezone.utc)
    assert surveys.text_at(noon, ny) == noon
    late = surveys.text_at(datetime(2026, 11, 19, 2, 0, tzinfo=timezone.utc), ny)  # 21:00
    assert late.astimezone(timezone.utc) == datetime(2026, 11, 19, 13, 0, tzinfo=timezone.utc)
    early = surveys.text_at(datetime(2026, 11, 18, 12, 59, tzinfo=timezone.utc), ny)  # 07:59
    assert early.astimezone(timezone.utc) == datetime(2026, 11, 18, 13, 0, tzinfo=timezone.utc)


def test_staff_record_a_call_back_survey_once(aws, client, csr_headers):
    answer, _ = chat(client, "The closet door is off its track")
    first = client.http.post(f"/tickets/{answer['ticket_id']}/csat", body=json.dumps({"csat": 5, "nps": 10}),
                             headers=csr_headers)
    assert first.status_code == 200 and first.json_body["survey"]["via"] == "staff"
    assert client.http.post(f"/tickets/{answer['ticket_id']}/csat", body=json.dumps({"nps": 3}),
                            headers=csr_headers).status_code == 409
    resolved = resolve(client, csr_headers, answer["ticket_id"])
    assert resolved["survey"]["sent_at"] is None  # already rated: the resident is not asked again
