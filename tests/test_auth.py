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
