"""The /app routes that serve the pages, through the real routes on the in-process twin: security headers,
the twin-only sign-in, configuration handed to the console."""
import json

import pytest

pytestmark = pytest.mark.integration


def directives(response) -> dict:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


def test_pages_carry_a_strict_content_security_policy(client):
    for path in ("/app/chat/maple-court", "/app/console"):
        response = client.http.get(path)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
        policy = directives(response)
        assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'" and policy["base-uri"] == "'none'"
        assert "unsafe" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script>" not in response.body.decode()  # no inline script anywhere
    # The chat page is what the launcher frames on property websites; the console is never framed.
    assert directives(client.http.get("/app/chat/maple-court"))["frame-ancestors"] == "*"
    assert directives(client.http.get("/app/console"))["frame-ancestors"] == "'none'"


def test_chat_page_names_the_property_and_refuses_an_unknown_one(client):
    page = client.http.get("/app/chat/sunset-villas").body.decode()
    assert "<title>Chat with Sunset Villas</title>" in page and 'widget.js?property=sunset-villas' in page
    missing = client.http.get("/app/chat/no-such-place")
    assert missing.status_code == 404 and "No such property" in missing.body.decode()


def test_console_sits_beside_a_configured_connect_instance_and_cognito(client, monkeypatch):
    monkeypatch.setenv("CONNECT_INSTANCE_URL", "https://tenantline.my.connect.aws/")
    monkeypatch.setenv("CSR_COGNITO_DOMAIN", "https://staff.auth.us-east-1.amazoncognito.com")
    monkeypatch.setenv("CSR_COGNITO_CLIENT_ID", "abc123")
    response = client.http.get("/app/console")
    policy = directives(response)
    assert policy["frame-src"] == "https://tenantline.my.connect.aws"  # the CCP
    assert policy["frame-ancestors"] == "https://tenantline.my.connect.aws"  # the agent workspace
    assert "https://staff.auth.us-east-1.amazoncognito.com" in policy["connect-src"]  # the PKCE token exchange
    page = response.body.decode()
    assert 'data-connect-url="https://tenantline.my.connect.aws"' in page and 'data-cognito-client-id="abc123"' in page


def test_local_sign_in_gives_a_working_token_only_on_the_twin(client, monkeypatch):
    def sign_in(body):
        return client.http.post("/app/local-signin", body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = sign_in({"username": "alex", "role": "csr"})
    assert response.status_code == 200
    token = response.json_body["token"]
    assert client.http.get("/tickets", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert sign_in({"username": "alex", "role": "owner"}).status_code == 400
    assert sign_in({"username": "<script>", "role": "csr"}).status_code == 400
    monkeypatch.setattr("chalicelib.core.settings.demo_mode", lambda: False)  # a deployed stage
    assert sign_in({"username": "alex", "role": "admin"}).status_code == 404
    assert 'data-local-signin="False"' in client.http.get("/app/console").body.decode()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000"
                    "0500010d0a2db40000000049454e44ae426082")


def photo_post(client, session, path, body):
    return client.http.post(f"/chat/sessions/{session.session_id}/{path}", body=json.dumps(body),
                            headers={"Content-Type": "application/json", "X-Session-Token": session.token})


def test_a_photo_goes_to_s3_by_presigned_post_and_onto_the_ticket_once(client, csr_headers):
    import boto3
    import requests

    from chalicelib.core import settings
    from tests.conftest import Widget, chat

    made = client.http.post("/chat/sessions", body=json.dumps({"property_id": "maple-court"}),
                            headers={"Content-Type": "application/json"}).json_body
    early = photo_post(client, Widget(made["session_id"], made["token"]), "photos",
                       {"name": "leak.png", "content_type": "image/png", "size": len(PNG)})
    assert early.status_code == 409  # nothing to attach it to yet
    answer, session = chat(client, "The sink is leaking under the cabinet")
    assert photo_post(client, session, "photos", {"name": "x.pdf", "content_type": "application/pdf",
                                                  "size": 10}).status_code == 400
    assert photo_post(client, session, "photos", {"name": "x.png", "content_type": "image/png",
                                                  "size": 11 * 1024 * 1024}).status_code == 400
    offer = photo_post(client, session, "photos", {"name": "my leak (1).png", "content_type": "image/png",
                                                   "size": len(PNG)}).json_body
    assert offer["key"].startswith(f"attachments/{answer['ticket_id']}/chat-") and offer["key"].endswith("my_leak_1_.png")
    upload = requests.post(offer["url"], data=offer["fields"], files={"file": ("leak.png", PNG, "image/png")},
                           timeout=10)
    assert upload.status_code in (200, 204), upload.text
    done = photo_post(client, session, "photos/done", {"key": offer["key"]}).json_body
    again = photo_post(client, session, "photos/done", {"key": offer["key"]}).json_body
    assert done["replayed"] is False and again["replayed"] is True
    ticket = client.http.get(f"/tickets/{answer['ticket_id']}", headers=csr_headers).json_body
    photos = [m for m in ticket["messages"] if m["attachments"]]
    assert len(photos) == 1 and photos[0]["attachments"][0]["content_type"] == "image/png"
    assert photos[0]["attachments"][0]["size"] == len(PNG)
    # Something that is not a photo, put under a well-formed key, is refused and removed.
    s3 = boto3.client("s3")
    bad_key = offer["key"].rsplit("/", 2)[0] + "/chat-01ARZ3NDEKTSV4RRFFQ69G5FAV/notes.png"
    s3.put_object(Bucket=settings.mail_bucket(), Key=bad_key, Body=b"hello", ContentType="text/plain")
    assert photo_post(client, session, "photos/done", {"key": bad_key}).status_code == 400
    assert s3.list_objects_v2(Bucket=settings.mail_bucket(), Prefix=bad_key)["KeyCount"] == 0
    other, _ = chat(client, "Another problem entirely")
    assert photo_post(client, session, "photos/done",
                      {"key": f"attachments/{other['ticket_id']}/chat-01ARZ3NDEKTSV4RRFFQ69G5FAV/a.png"}).status_code == 400


def test_a_ticket_for_a_call_is_made_once_and_refused_without_what_it_needs(client, csr_headers):
    def make(contact_id, body, headers=csr_headers):
        return client.http.post(f"/calls/{contact_id}/ticket", body=json.dumps(body), headers=headers)
    contact = "5c1f0e4e-0000-4000-8000-000000000001"
    assert make(contact, {"property_id": "maple-court", "text": "x"}, {"Content-Type": "application/json"}).status_code == 401
    assert make(contact, {"property_id": "maple-court", "text": "  "}).status_code == 400
    assert make(contact, {"property_id": "nowhere", "text": "The heat is off"}).status_code == 400
    assert make("bad%20id", {"property_id": "maple-court", "text": "The heat is off"}).status_code == 400
    made = make(contact, {"property_id": "maple-court", "phone": "(212) 555-0142", "text": "The heat is off"})
    assert made.status_code == 200, made.json_body
    ticket = made.json_body
    assert (ticket["created"], ticket["channel"], ticket["contact"]["phone"]) == (True, "voice", "+12125550142")
    assert ticket["contact"]["name"] == "María López"  # the resident directory knows the number
    again = make(contact, {"property_id": "maple-court", "text": "something else"}).json_body
    assert (again["id"], again["created"]) == (ticket["id"], False)
