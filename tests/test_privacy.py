"""A resident's data, exported and erased through the admin routes on the in-process twin: María López calls,
chats and writes; afterwards nothing about her is findable, and her tickets' skeletons keep the KPIs true."""
import json
from email.message import EmailMessage

import pytest

from chalicelib.core import auth
from tests.conftest import NOW
from tests.test_email import INBOX, receive
from tests.test_phone import MARIA, ring

pytestmark = pytest.mark.integration
EMAIL = "maria.lopez@example.com"
# Not the bare unit "4B": any random id (ULID) may contain it; the unit is checked on the tickets instead.
HER = ("María", "López", "Lopez", MARIA, "2125550142", EMAIL, "apartamento 4B", "bañera", "luz del pasillo")


def admin():
    return {"Authorization": f"Bearer {auth.dev_token('admin')}", "Content-Type": "application/json"}


def her_contacts(aws, client):
    connect, contact, outcomes = ring(aws, ["1", "2"], "la bañera pierde agua", caller=MARIA)
    connect.report(contact, outcomes, wait=30, talk=120, abandon=False)  # Connect's contact events
    made = client.http.post("/chat/sessions", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"property_id": "maple-court", "name": "María López", "unit": "4B", "phone": MARIA, "email": EMAIL}))
    session = made.json_body
    client.http.post(f"/chat/sessions/{session['session_id']}/messages", body=json.dumps(
        {"text": "La luz del pasillo no funciona", "client_message_id": "m-1"}),
        headers={"Content-Type": "application/json", "X-Session-Token": session["token"]})
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"María López <{EMAIL}>", INBOX, "Foto de la bañera"
    mail["Message-ID"] = "<maria-1@example.com>"
    mail.set_content("Adjunto una foto de la bañera, apartamento 4B.")
    mail.add_attachment(b"\xff\xd8\xff\xe0 photo", maintype="image", subtype="jpeg", filename="banera.jpg")
    receive(aws, mail.as_bytes())


def everything_stored(aws) -> str:
    """Every item of every table and every object version of the mail bucket, as text (test-side only:
    the app itself never scans)."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends
    tables = dynamodb_backends["123456789012"]["us-east-1"].tables.values()
    items = [item.to_json() for table in tables for item in table.all_items()]
    objects = [version.value.decode("utf-8", "replace") + key for bucket in s3_backends["123456789012"]["global"]
               .buckets.values() for key, versions in bucket.keys.iterlists() for version in versions]
    # binary attributes (the help center's compressed search index) are dumped as their repr
    return json.dumps(items, ensure_ascii=False, default=repr) + "".join(objects)


def test_export_returns_everything_then_erase_leaves_nothing_findable(aws, client, csr_headers):
    her_contacts(aws, client)
    exported = client.http.get(f"/admin/privacy/export?phone=%2B12125550142&email={EMAIL}", headers=admin())
    assert exported.status_code == 200, exported.json_body
    doc = exported.json_body
    assert sorted(t["channel"] for t in doc["tickets"]) == ["chat", "email", "voice"]
    assert doc["resident_directory"] == [{"property_id": "maple-court", "name": "María López", "unit": "4B",
                                          "language": "es"}]
    email = next(t for t in doc["tickets"] if t["channel"] == "email")
    assert {f["key"].split("/")[0] for f in email["files"]} == {"inbound", "attachments"}
    assert any("Adjunto una foto" in (f.get("text") or "") for f in email["files"])
    chat = next(t for t in doc["tickets"] if t["channel"] == "chat")
    assert chat["chat_session"]["email"] == EMAIL and chat["messages"][0]["body"] == "La luz del pasillo no funciona"
    assert next(t for t in doc["tickets"] if t["channel"] == "voice")["call_records"]

    erased = client.http.post("/admin/privacy/erase", headers=admin(), body=json.dumps({"phone": MARIA,
                                                                                        "email": EMAIL}))
    assert erased.status_code == 200 and erased.json_body["erased"]["tickets"] == 3
    stored = everything_stored(aws)
    assert [w for w in HER if w in stored] == []
    again = client.http.get(f"/admin/privacy/export?phone=%2B12125550142&email={EMAIL}", headers=admin()).json_body
    assert again["tickets"] == [] and again["resident_directory"] == []
    queue = client.http.get("/tickets", headers=csr_headers).json_body["tickets"]
    assert len(queue) == 3 and {t["summary"] for t in queue} == {"[erased]"}  # the skeletons stay for the KPIs
    assert {t["unit"] for t in queue} == {None} and {t["contact"]["name"] for t in queue} == {None}
    trail = client.http.get(f"/tickets/{queue[0]['id']}", headers=csr_headers).json_body["audit"]
    assert [a["action"] for a in trail] == ["privacy_erased"] and trail[0]["actor"] == "dev-admin"


def test_privacy_routes_need_an_admin_and_a_person(client, csr_headers):
    assert client.http.get(f"/admin/privacy/export?email={EMAIL}", headers=csr_headers).status_code == 403
    assert client.http.post("/admin/privacy/erase", headers=csr_headers,
                            body=json.dumps({"email": EMAIL})).status_code == 403
    nobody = client.http.post("/admin/privacy/erase", headers=admin(), body=json.dumps({}))
    assert nobody.status_code == 400 and "phone number or an email" in nobody.json_body["Message"]
    bad = client.http.get("/admin/privacy/export?phone=12", headers=admin())
    assert bad.status_code == 400 and "E.164" in bad.json_body["Message"]


def test_a_closed_tickets_messages_expire_and_reopening_keeps_them(aws, client, csr_headers):
    from chalicelib.models import Message
    from tests.conftest import chat
    answer, session = chat(client, "The hallway light is out")
    ticket_id = answer["ticket_id"]

    def expiries():
        return {m.expires_at for m in Message.query(ticket_id, Message.sk.startswith("MSG#"))}
    closed = client.http.post(f"/tickets/{ticket_id}/status", headers=csr_headers,
                              body=json.dumps({"status": "closed"}))
    assert closed.status_code == 200
    (expiry,) = expiries()
    assert 729 * 86400 < expiry - NOW.timestamp() < 732 * 86400 or expiry > NOW.timestamp() + 729 * 86400
    chat(client, "It is still out", session=session)  # the resident writes back: reopened, kept again
    assert expiries() == {None}
