"""Bad input from a careless client or an attacker gets a 4xx with a JSON message, never a 500, and
nothing is half-written (on the in-process twin, through the HTTP routes)."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration
JSON = {"Content-Type": "application/json"}


def post(client, path, body, headers=None, raw=None):
    return client.http.post(path, body=raw if raw is not None else json.dumps(body), headers={**JSON, **(headers or {})})


def session(client, **fields):
    made = post(client, "/chat/sessions", {"property_id": "maple-court", **fields})
    assert made.status_code == 200, made.json_body
    return made.json_body["session_id"], {"X-Session-Token": made.json_body["token"]}


@pytest.mark.parametrize("body, words", [
    ({"property_id": ""}, "property_id"),
    ({"property_id": "maple-court", "unit": "x" * 450_000}, "unit"),
    ({"property_id": "maple-court", "name": "n" * 5_000}, "name"),
    ({"property_id": "maple-court", "email": "a" * 3_000 + "@example.com"}, "email"),
    ({"property_id": "maple-court", "phone": "1" * 400}, "phone"),
    ({"property_id": "x" * 3_000}, "property_id"),
])
def test_a_chat_session_with_bad_fields_is_refused_with_a_reason(aws, client, body, words):
    refused = post(client, "/chat/sessions", body)
    assert refused.status_code == 400 and words in refused.json_body["Message"], refused.json_body


@pytest.mark.parametrize("raw, words", [
    ('{"text": "hi \\ud800 there"}', "Unicode"),
    ("[" * 100_000 + "]" * 100_000, "JSON"),
    ('{"text": ' + "[" * 5_000 + "]" * 5_000 + "}", "depth"),
    ('{"text": ' + "[" * 40 + "]" * 40 + "}", "nested too deeply"),
])
def test_text_that_cannot_be_stored_is_refused(aws, client, raw, words):
    session_id, token = session(client)
    refused = post(client, f"/chat/sessions/{session_id}/messages", None, token, raw=raw)
    assert refused.status_code == 400 and words in refused.json_body["Message"], refused.json_body


@pytest.mark.parametrize("query", ["?after=5", "?after=" + "9" * 500])
def test_a_forged_message_cursor_is_refused(aws, client, query):
    session_id, token = session(client)
    post(client, f"/chat/sessions/{session_id}/messages", {"text": "The hallway light is out"}, token)
    refused = client.http.get(f"/chat/sessions/{session_id}/messages{query}", headers=token)
    assert refused.status_code == 400, refused.json_body


@pytest.mark.parametrize("query", ["?cursor=5", "?cursor=eyJhZnRlciI6NX0", "?limit=-3", "?limit=abc"])
def test_a_forged_queue_cursor_or_limit_is_refused(aws, client, csr_headers, query):
    refused = client.http.get(f"/tickets{query}", headers=csr_headers)
    assert refused.status_code == 400, refused.json_body


@pytest.mark.parametrize("at", ["0001-01-01", "9999-12-31T23:59:59", "yesterday"])
def test_an_oncall_time_out_of_range_is_refused(aws, client, csr_headers, at):
    from chalicelib.core import auth
    admin = {"Authorization": f"Bearer {auth.dev_token('admin')}"}
    refused = client.http.get(f"/admin/properties/maple-court/oncall?at={at}", headers=admin)
    assert refused.status_code == 400, refused.json_body


def test_a_rotation_id_too_long_for_a_key_is_refused(aws, client):
    from chalicelib.core import auth
    admin = {"Authorization": f"Bearer {auth.dev_token('admin')}", **JSON}
    rotation = {"name": "x", "people": ["tech-ana"], "handoff": "2026-01-05", "days": 7}
    refused = client.http.put(f"/admin/properties/maple-court/rotations/{'r' * 2_000}", body=json.dumps(rotation),
                              headers=admin)
    assert refused.status_code == 400, refused.json_body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), unit=st.one_of(st.none(), st.text(max_size=40)),
       name=st.one_of(st.none(), st.text(max_size=60)))
def test_whatever_a_widget_sends_is_a_2xx_or_a_4xx(aws, client, text, unit, name):
    made = post(client, "/chat/sessions", {"property_id": "maple-court", "unit": unit, "name": name})
    assert made.status_code < 500, made.json_body
    if made.status_code != 200:
        return
    sent = post(client, f"/chat/sessions/{made.json_body['session_id']}/messages", {"text": text},
                {"X-Session-Token": made.json_body["token"]})
    assert sent.status_code < 500, sent.json_body


def test_a_ticket_takes_one_satisfaction_rating(aws, client):
    from tests.conftest import NOW, chat
    answer, widget = chat(client, "The blinds in my bedroom are broken")
    same_day = {"X-Session-Token": widget.token, "X-Tenantline-Time": NOW.isoformat()}
    first = post(client, f"/chat/sessions/{widget.session_id}/csat", {"csat": 5, "nps": 9}, same_day)
    again = post(client, f"/chat/sessions/{widget.session_id}/csat", {"csat": 1}, same_day)
    assert first.status_code == 200 and again.status_code == 409
    assert "already rated CSAT 5/5, NPS 9/10" in again.json_body["Message"]


def test_a_script_starting_chats_or_flooding_one_is_slowed_down(aws, client, monkeypatch):
    from tests.conftest import NOW
    monkeypatch.setattr("chalicelib.core.settings.CHAT_SESSIONS_PER_CLIENT_HOUR", 3)
    monkeypatch.setattr("chalicelib.core.settings.CHAT_MESSAGES_PER_SESSION_MINUTE", 2)
    at = {"X-Tenantline-Time": NOW.isoformat()}
    made = [post(client, "/chat/sessions", {"property_id": "maple-court"}, at).status_code for _ in range(4)]
    assert made == [200, 200, 200, 429]
    later = {"X-Tenantline-Time": NOW.replace(hour=NOW.hour + 1).isoformat()}
    started = post(client, "/chat/sessions", {"property_id": "maple-court"}, later)
    assert started.status_code == 200  # the next hour
    token = {"X-Session-Token": started.json_body["token"], **later}
    sent = [post(client, f"/chat/sessions/{started.json_body['session_id']}/messages", {"text": f"light {n} is out"},
                 token) for n in range(3)]
    assert [s.status_code for s in sent] == [200, 200, 429] and "wait a moment" in sent[2].json_body["Message"]


def test_an_ended_chat_takes_no_more_messages_but_can_be_read(aws, client):
    from datetime import timedelta

    from tests.conftest import NOW, chat
    answer, widget = chat(client, "The blinds in my bedroom are broken")
    four_days_on = {"X-Session-Token": widget.token, "X-Tenantline-Time": (NOW + timedelta(days=4)).isoformat()}
    late = post(client, f"/chat/sessions/{widget.session_id}/messages", {"text": "hello?"}, four_days_on)
    assert late.status_code == 410 and "start a new one" in late.json_body["Message"]
    thread = client.http.get(f"/chat/sessions/{widget.session_id}/messages", headers=four_days_on)
    assert thread.status_code == 200 and len(thread.json_body["messages"]) == 2


def test_oversized_staff_fields_are_refused(aws, client, csr_headers, admin_headers):
    from tests.conftest import chat
    answer, _ = chat(client, "The blinds in my bedroom are broken")
    ticket = answer["ticket_id"]
    assert post(client, f"/tickets/{ticket}/assign", {"assignee": "a" * 5000}, csr_headers).status_code == 400
    assert post(client, f"/tickets/{ticket}/reply", {"body": "x" * 30_000}, csr_headers).status_code == 400
    assert post(client, f"/tickets/{ticket}/reply", {"body": ""}, csr_headers).status_code == 400
    tiers = [{"name": f"t{n}", "targets": [{"person": "tech-ana"}], "channels": ["sms"], "window_minutes": 5}
             for n in range(500)]
    refused = client.http.put("/admin/properties/maple-court/policies/emergency", headers=admin_headers,
                              body=json.dumps({"tiers": tiers}))
    assert refused.status_code == 400 and "tiers" in refused.json_body["Message"]
