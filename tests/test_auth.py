"""Signed tokens and the staff roles they carry."""
import pytest

from chalicelib.core import auth, signing
from chalicelib.core.errors import Forbidden, Unauthorized


def test_round_trip_and_tampering():
    token = signing.sign({"sub": "ana"}, "s3cret", 60)
    assert signing.verify(token, "s3cret")["sub"] == "ana"
    head, payload, sig = token.split(".")
    other = signing.sign({"sub": "eve"}, "s3cret", 60).split(".")[1]
    for bad in (f"{head}.{other}.{sig}", token + "x", "a.b", "", "...", token.replace(".", "", 1)):
        with pytest.raises(Unauthorized):
            signing.verify(bad, "s3cret")
    with pytest.raises(Unauthorized, match="signature"):
        signing.verify(token, "another")


def test_expiry():
    token = signing.sign({"sub": "ana"}, "s3cret", 60, now=1000)
    assert signing.verify(token, "s3cret", now=1059)
    with pytest.raises(Unauthorized, match="expired"):
        signing.verify(token, "s3cret", now=1061)


def test_roles_rank():
    manager = auth.Staff("dana", ("manager",))
    assert manager.require("csr") is manager
    with pytest.raises(Forbidden):
        manager.require("admin")
    with pytest.raises(Forbidden):
        auth.Staff("x", ()).require("csr")


def test_aws_claims_are_used_when_no_dev_secret(monkeypatch):
    monkeypatch.delenv("TENANTLINE_DEV_SECRET")
    context = {"authorizer": {"claims": {"cognito:username": "ana", "cognito:groups": "[csr manager]"}}}
    staff = auth.staff_from_request({"authorization": "Bearer abc"}, context)
    assert staff.username == "ana" and staff.roles == ("csr", "manager")
    with pytest.raises(Unauthorized):
        auth.staff_from_request({"authorization": "Bearer abc"}, {})
    with pytest.raises(RuntimeError):
        auth.dev_token()  # no dev tokens outside the twin


def test_the_properties_claim_limits_what_a_person_sees():
    scoped = auth.Staff("ana", ("csr",), frozenset({"maple-court"}))
    assert scoped.sees("maple-court") and not scoped.sees("sunset-villas") and not scoped.sees(None)
    assert scoped.only(None) == "maple-court"
    with pytest.raises(Forbidden):
        scoped.only("sunset-villas")
    with pytest.raises(Forbidden, match="name one"):
        auth.Staff("bo", ("csr",), frozenset({"maple-court", "sunset-villas"})).only(None)
    admin = auth.staff_from_request({"authorization": f"Bearer {auth.dev_token('admin', properties='')}"}, {})
    assert admin.sees("anything") and admin.only(None) is None
    nobody = auth.staff_from_request({"authorization": f"Bearer {auth.dev_token('csr', properties='')}"}, {})
    assert not nobody.sees("maple-court")


@pytest.mark.integration
def test_a_csr_works_only_on_their_properties(aws, client):
    import json

    from tests.conftest import NOW, chat
    from twin import ses_inbound

    def headers(properties):
        return {"Authorization": f"Bearer {auth.dev_token('csr', properties=properties)}",
                "Content-Type": "application/json"}
    maple, _ = chat(client, "The kitchen light flickers", "maple-court")
    sunset, _ = chat(client, "The gate code does not work", "sunset-villas")
    ses_inbound.receive(aws, b"From: x@example.com\r\nTo: help@sunsetvillas.example\r\nSubject: hi\r\n\r\nhi\r\n",
                        "help@sunsetvillas.example", at=NOW, spam="FAIL")
    from chalicelib.channels.mail import inbound
    inbound.quarantine("malformed SES notification", NOW)  # mail for no property at all
    mine = headers("maple-court")
    assert [t["id"] for t in client.http.get("/tickets", headers=mine).json_body["tickets"]] == [maple["ticket_id"]]
    assert client.http.get("/tickets?property=sunset-villas", headers=mine).status_code == 403
    for method, path, body in (("get", f"/tickets/{sunset['ticket_id']}", None),
                               ("post", f"/tickets/{sunset['ticket_id']}/reply", {"body": "hello"}),
                               ("post", f"/tickets/{sunset['ticket_id']}/status", {"status": "resolved"}),
                               ("post", f"/tickets/{sunset['ticket_id']}/assign", {"assignee": "ana"})):
        kwargs = {"body": json.dumps(body)} if body is not None else {}
        answer = getattr(client.http, method)(path, headers=mine, **kwargs)
        assert answer.status_code == 404, (path, answer.json_body)
    assert client.http.get(f"/tickets/{maple['ticket_id']}", headers=mine).status_code == 200
    assert client.http.get("/quarantine", headers=mine).json_body["quarantine"] == []
    (spam,) = client.http.get("/quarantine", headers=headers("sunset-villas")).json_body["quarantine"]
    assert spam["property_id"] == "sunset-villas"
    assert client.http.post(f"/quarantine/{spam['id']}/release", headers=mine).status_code == 404
    assert len(client.http.get("/quarantine", headers=headers("*")).json_body["quarantine"]) == 2
    assert client.http.get("/tickets", headers=headers("")).json_body["tickets"] == []
    assert client.http.get("/reports/escalations", headers=mine).status_code == 200
    assert client.http.get("/reports/escalations?property=sunset-villas", headers=mine).status_code == 403
