"""Shared fixtures. The in-process twin: moto's mock_aws with Step Functions execution on, resources
provisioned from infra/ exactly as `make run` does, the demo portfolio seeded, and the real app."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twin.stage import twin_environment  # noqa: E402

# Settings and table names are read at import: the test stage's environment comes first.
os.environ.update(twin_environment("test"))
os.environ.pop("AWS_ENDPOINT_URL", None)

import logging  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from typing import NamedTuple  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from twin.server import moto_config  # noqa: E402

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=timezone.utc)
# moto's Step Functions engine logs a page of internals for every execution a test stops: expected here.
logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)  # a Wednesday, 10:30 in New York: office open


def _forbid_scan(**kwargs):
    raise AssertionError("Scan is not allowed on a request path: use a key or an index")


SERVICES = ("dynamodb", "sns", "ses", "s3", "stepfunctions", "lambda", "iam", "events", "sqs", "ssm")


def _one_call_at_a_time():
    """moto's backends are not thread-safe (a transaction deep-copies a table another thread is writing);
    AWS is. Calls from concurrent threads (chat messages at once, the stream poller, state machines) are
    served one at a time, so what interleaves is our code between calls, as in AWS."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock, original = threading.RLock(), BotocoreStubber.process_request

    def serialized(self, request):
        with lock:
            return original(self, request)
    BotocoreStubber.process_request = serialized


@pytest.fixture(scope="session")
def _mocked():
    """One mock_aws and one boto3 session for the whole run: starting moto and loading botocore's
    service models cost seconds; each test resets the services the app uses and provisions again."""
    _one_call_at_a_time()
    with mock_aws(config=moto_config()):
        session = boto3.Session(region_name="us-east-1")
        session.events.register("before-call.dynamodb.Scan", _forbid_scan)
        _guard_scans()
        yield session


@pytest.fixture
def aws(_mocked):
    """A fresh in-process twin for one test."""
    from moto.backends import get_backend

    from app import app
    from twin import lambdas, provision, seed
    from twin.server import stop_executions

    session = _mocked
    lambdas.streams.reset()  # records of the previous test's tables are not this one's
    for service in SERVICES:
        get_backend(service).reset()
    provision.provision(session, "test")
    lambdas.install(app, "test")
    lambdas.register(session, app, "test")
    seed.seed(session)
    yield session
    lambdas.streams.reset()
    stop_executions(session)


def _guard_scans():
    from chalicelib.core import aws as aws_clients
    from chalicelib.models import ALL_MODELS

    aws_clients.client("dynamodb").meta.events.register("before-call.dynamodb.Scan", _forbid_scan)
    for model in ALL_MODELS:
        model._get_connection().connection.client.meta.events.register("before-call.dynamodb.Scan", _forbid_scan)


@pytest.fixture
def client(aws):
    from chalice.test import Client

    from app import app
    from twin.server import robust_local_authorizer
    robust_local_authorizer()
    with Client(app, stage_name="test") as c:
        yield c


@pytest.fixture
def csr_headers():
    from chalicelib.core import auth
    return {"Authorization": f"Bearer {auth.dev_token('csr')}", "Content-Type": "application/json"}


@pytest.fixture
def admin_headers():
    from chalicelib.core import auth
    return {"Authorization": f"Bearer {auth.dev_token('admin')}", "Content-Type": "application/json"}


@pytest.fixture
def lambda_context():
    from twin.lambdas import LambdaContext
    return LambdaContext("tenantline-test-test")


def sent_sms(session) -> list[tuple[str, str]]:
    """(to, body) of every text sent: all go through End User Messaging, played by the twin's stand-in."""
    from twin import sms
    return [(t["to"], t["body"]) for t in sms.outbox(session)]


def emergency_notifications(session) -> list[str]:
    """Messages published to the emergencies topic (moto does not fan topics out to SMS)."""
    from moto.sns.models import sns_backends

    from chalicelib.core import settings
    topic = sns_backends["123456789012"]["us-east-1"].topics[settings.topic_arn("emergencies")]
    return [n[1] for n in topic.sent_notifications]


def sent_mail(session) -> list:
    """Raw messages the twin's SES sent, parsed."""
    from email import message_from_string, policy

    from moto.ses.models import ses_backends
    return [message_from_string(m.raw_data, policy=policy.default)
            for m in ses_backends["123456789012"]["us-east-1"].sent_messages if hasattr(m, "raw_data")]


class Widget(NamedTuple):
    """A chat session as the website widget holds it."""
    session_id: str
    token: str


def chat(client, text: str, property_id: str = "maple-court", at=NOW, session: Widget | None = None):
    """What the website widget does: open a session at `property_id` (unless continuing `session`) and post
    `text`, at the contact time `at` (a datetime or ISO string, sent as the twin's X-Tenantline-Time).
    Returns (the answer to the message, the session)."""
    import json

    headers = {"Content-Type": "application/json", "X-Tenantline-Time": at if isinstance(at, str) else at.isoformat()}
    if session is None:
        made = client.http.post("/chat/sessions", body=json.dumps({"property_id": property_id}), headers=headers)
        session = Widget(made.json_body["session_id"], made.json_body["token"])
    posted = client.http.post(f"/chat/sessions/{session.session_id}/messages", body=json.dumps({"text": text}),
                              headers={**headers, "X-Session-Token": session.token})
    assert posted.status_code == 200, posted.json_body
    return posted.json_body, session


def wait_for(check, seconds: float = 30.0):
    """Poll until `check()` is truthy (state machines run in moto threads); fail after `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {getattr(check, '__name__', 'a condition')}")
