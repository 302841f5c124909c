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
