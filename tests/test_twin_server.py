"""The twin as `make run` starts it (manage.py run in its own process), driven over HTTP and the CLI."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the twin exited early")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the twin did not start in time")


def start_twin(env: dict, output) -> subprocess.Popen:
    """`manage.py run` in its own process group, so that stopping it can never leave anything behind."""
    return subprocess.Popen([sys.executable, "manage.py", "run"], cwd=ROOT, env=env, text=True, stdout=output,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop_twin(process: subprocess.Popen) -> int | None:
    """Ctrl-C as a developer would; if the twin has not stopped after 30 s, kill its whole process group.
    Returns the exit code of the Ctrl-C, or None when it had to be killed."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return None


@pytest.fixture(scope="module")
def twin():
    ports = {"MOTO_PORT": str(free_port()), "API_PORT": str(free_port())}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TENANTLINE_"))}
    env.update(ports, TENANTLINE_TIME_SCALE="0.01")  # a 10-minute window lasts 6 s
    log = tempfile.TemporaryFile(mode="w+")  # a pipe nobody reads would fill up and block the twin
    process = start_twin(env, log)
    try:
        wait_for(f"http://127.0.0.1:{ports['API_PORT']}/tickets", process)
        yield dict(env, process=process, log=log)
    finally:
        stop_twin(process)


def cli(twin, *args) -> str:
    env = {k: v for k, v in twin.items() if k not in ("process", "log")}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def http(twin, path, token=None):
    request = urllib.request.Request(f"http://127.0.0.1:{twin['API_PORT']}{path}",
                                     headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_simulated_chat_emergency_is_first_in_the_queue(twin):
    routine = json.loads(cli(twin, "simulate", "chat", "The blinds in my bedroom are broken"))
    ticket = json.loads(cli(twin, "simulate", "chat", "Water is pouring through my ceiling"))
    assert {k: ticket[k] for k in ("category", "urgency", "status", "channel", "language")} == \
        {"category": "maintenance", "urgency": "emergency", "status": "new", "channel": "chat", "language": "en"}
    assert ticket["id"] and ticket["ref"].startswith("TL-") and ticket["refer"] == "none"
    token = cli(twin, "token", "--role", "csr").strip()
    queue = http(twin, "/tickets", token)["tickets"]
    assert queue[0]["id"] == ticket["id"] and routine["id"] in [t["id"] for t in queue]
    def flagged():
        audit = http(twin, f"/tickets/{ticket['id']}", token)["audit"]
        return any(a["action"] == "emergency_flagged" and a["detail"]["message_id"] for a in audit)
    assert poll(flagged)  # started from the ticket's record, just after the answer


def test_spanish_gets_a_spanish_reply(twin):
    ticket = json.loads(cli(twin, "simulate", "chat", "Hay agua cayendo del techo de mi baño", "--lang", "es"))
    assert ticket["language"] == "es" and ticket["urgency"] == "emergency"
    assert "emergencia" in ticket["replies"][0]


def test_at_sets_the_contact_time_in_the_property_zone(twin):
    ticket = json.loads(cli(twin, "simulate", "chat", "The closet door is off its track", "--at", "2026-11-21T02:00",
                            "--property", "sunset-villas"))
    assert ticket["created_at"].startswith("2026-11-21T10:00")  # 02:00 in Los Angeles
    assert "closed" in ticket["replies"][0] and "Mon 09:00" in ticket["replies"][0]


def twin_client(twin, service: str):
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return session.client(service, endpoint_url=f"http://127.0.0.1:{twin['MOTO_PORT']}")


def executions(sfn, machine: str) -> list[dict]:
    arn = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
               if m["name"].endswith(f"-{machine}"))
    return sfn.list_executions(stateMachineArn=arn)["executions"]


def test_the_twin_is_provisioned_from_the_template(twin):
    tables = twin_client(twin, "dynamodb").list_tables()["TableNames"]
    assert sorted(tables) == ["tenantline-local-chat-sessions", "tenantline-local-properties",
                              "tenantline-local-ticket-events", "tenantline-local-tickets"]
    sns = twin_client(twin, "sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("-emergencies"))
    protocols = {s["Protocol"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]}
    assert protocols == {"email"}


def test_a_second_twin_on_the_same_ports_refuses_clearly(twin):
    env = {k: v for k, v in twin.items() if k not in ("process", "log")}
    result = subprocess.run([sys.executable, "manage.py", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "already running" in result.stderr
    assert twin["process"].poll() is None  # the first one is untouched


def test_ctrl_c_stops_everything_and_it_starts_again():
    ports = {"MOTO_PORT": str(free_port()), "API_PORT": str(free_port())}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TENANTLINE_"))}
    env.update(ports)
    for _ in range(2):
        process = start_twin(env, subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{ports['API_PORT']}/tickets", process)
        finally:
            assert stop_twin(process) == 0  # stopped by Ctrl-C, cleanly
        for port in ports.values():
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", int(port)))  # free again


def test_simulated_email_makes_a_ticket_and_one_acknowledgement_in_its_language(twin):
    before = len(json.loads(cli(twin, "outbox")))
    ticket = json.loads(cli(twin, "simulate", "email", "tests/emails/apple_mail_es.eml"))
    assert {k: ticket[k] for k in ("channel", "language", "urgency", "status")} == \
        {"channel": "email", "language": "es", "urgency": "urgent", "status": "new"}
    assert ticket["message_count"] == 2 and ticket["ref"].startswith("TL-")
    sent = json.loads(cli(twin, "outbox"))[before:]
    assert len(sent) == 1 and sent[0]["to"] == "jose.martinez@icloud.com"
    assert sent[0]["language"] == "es" and ticket["ref"] in sent[0]["subject"] and "Gracias" in sent[0]["body"]
    spam = json.loads(cli(twin, "simulate", "email", "tests/emails/outlook.eml", "--spam", "FAIL"))
    assert spam["quarantined"] and spam["reason"] == "spam"
    assert len(json.loads(cli(twin, "outbox"))) == before + 1


def test_simulate_email_usage_errors_exit_non_zero(twin):
    env = {k: v for k, v in twin.items() if k not in ("process", "log")}
    result = subprocess.run([sys.executable, "manage.py", "simulate", "email", "no-such.eml"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no such file" in result.stderr


def poll(check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {check.__name__}"
        time.sleep(0.2)
    return value


def escalation(twin, ref: str) -> dict:
    return json.loads(cli(twin, "escalation", ref))


def recorded_pages(twin, ref: str, name: str) -> list[dict]:
    """The SMS pages to `name` the escalation has recorded (a link works once its page is recorded)."""
    return [p for p in escalation(twin, ref)["pages"] if p["name"] == name and p["channel"] == "sms"]


def twin_log(twin) -> str:
    twin["log"].seek(0)
    return twin["log"].read()


def test_gas_at_night_pages_the_chain_until_the_link_is_opened(twin):
    ticket = json.loads(cli(twin, "simulate", "chat", "I smell gas", "--at", "2026-11-26T02:00"))
    assert ticket["urgency"] == "emergency" and ticket["refer"] == "emergency_services"
    assert ticket["escalation"] in ("pending", "flagged", "paging") and "911" in ticket["replies"][0]
    poll(lambda: recorded_pages(twin, ticket["ref"], "Chen Li"))  # tier 2 after tier 1's window
    log = twin_log(twin)
    assert log.index(f"SMS to +12125550112: EMERGENCY {ticket['ref']}") < \
        log.index(f"SMS to +12125550113: EMERGENCY {ticket['ref']}")  # Ben first
    link = re.search(r"SMS to \+12125550113: EMERGENCY " + ticket["ref"] + r".*?(http://\S+/ack/\S+)", log).group(1)
    acked = json.loads(cli(twin, "ack", link))
    assert acked["acknowledged"] and acked["by"] == "Chen Li" and acked["target_met"]
    size = len(twin_log(twin))
    sfn = twin_client(twin, "stepfunctions")
    arn = next(e["executionArn"] for e in executions(sfn, "escalation") if e["name"].endswith(ticket["id"]))
    assert sfn.describe_execution(executionArn=arn)["status"] != "RUNNING"  # the acknowledgement stopped it
    later = [line for line in twin_log(twin)[size:].splitlines() if "SMS to" in line and ticket["ref"] in line]
    assert later == []  # other tests' escalations may still be paging; this one has stopped
    timeline = json.loads(cli(twin, "escalation", ticket["ref"]))
    assert timeline["proof"]["acknowledged_by"] == "Chen Li"
    assert [p["name"] for p in timeline["pages"] if p["channel"] == "sms"][:2] == ["Ben Okafor", "Chen Li"]


def test_simulated_call_at_2am_pages_for_an_emergency(twin):
    """The issue's demo: Spanish, emergency maintenance, described in words, at 2 a.m. at the property."""
    out = json.loads(cli(twin, "simulate", "call", "--to", "+12125550100", "--press", "2", "1",
                         "--say", "water is pouring from the ceiling", "--at", "2026-11-18T02:00"))
    assert out["route"] == "patch" and out["channel"] == "voice"
    assert out["patched_to"] == out["tried"][0]["person"] and out["tried"][0]["result"] == "connected"
    assert (out["category"], out["urgency"], out["language"]) == ("maintenance", "emergency", "es")
    assert "le estamos comunicando ahora con" in out["heard"][-2] and out["heard"][-1].startswith("[connected to")
    assert out["voices"][-1]["text"] == out["heard"][-2] and out["voices"][-1]["voice"] == "Lupe"
    assert out["voices"][-1]["language"] == "es-US"
    nobody = json.loads(cli(twin, "simulate", "call", "--to", "+12125550100", "--press", "2", "1", "--answer", "none",
                            "--say", "el agua sale del techo", "--at", "2026-11-18T02:10"))
    assert nobody["route"] == "patch" and nobody["patched_to"] is None and len(nobody["tried"]) >= 2
    assert all(t["result"] == "no_answer" for t in nobody["tried"]) and "30 minutos" in nobody["heard"][-1]
    assert poll(lambda: escalation(twin, out["ref"])["escalation"] == "paging")
    assert out["calls"][0]["contact_id"] == out["contact_id"] and out["calls"][0]["outcome"] == "ended_in_flow"
    queued = json.loads(cli(twin, "simulate", "call", "--press", "1", "3", "--say", "I want to renew my lease",
                            "--at", "2026-11-18T10:00", "--wait", "40", "--talk", "120"))
    assert (queued["route"], queued["queue"]) == ("queue", "leasing")
    assert queued["calls"][0]["queue_wait_seconds"] == 40 and queued["calls"][0]["handle_seconds"] == 120
    assert queued["agent_heard"] and queued["ref"] in queued["agent_heard"][0]


def test_an_acknowledgement_after_30_minutes_shows_as_a_breach(twin):
    """Maple Court's demo policy pages Ben, Chen, then Dana, 10 minutes each; at minute 30 the chain starts
    again from Ben. Ben answering that second page is late: the proof and the report must say so."""
    ticket = json.loads(cli(twin, "simulate", "chat", "Water is gushing out of the wall", "--at", "2026-11-26T03:00"))
    ben = f"SMS to +12125550112: EMERGENCY {ticket['ref']}"
    poll(lambda: len(recorded_pages(twin, ticket["ref"], "Ben Okafor")) >= 2)  # the second round
    link = re.findall(re.escape(ben) + r".*?(http://\S+/ack/\S+)", twin_log(twin))[1]
    acked = json.loads(cli(twin, "ack", link))
    assert acked["acknowledged"] and acked["by"] == "Ben Okafor" and acked["target_met"] is False
    proof = json.loads(cli(twin, "escalation", ticket["ref"]))["proof"]
    assert proof["target_met"] is False and proof["reached_seconds"] > 1800
    report = json.loads(cli(twin, "report", "escalations", "--from", "2026-11-26", "--to", "2026-11-26"))
    row = next(r for r in report["escalations"] if r["ref"] == ticket["ref"])
    assert row["target_met"] is False and report["breached"] >= 1


def test_connect_walk_runs_our_own_flows_with_the_projects_lambdas(twin):
    out = json.loads(cli(twin, "connect", "walk", "connect_flows", "--press", "1", "4", "--say",
                         "question about a late fee on my rent", "--at", "2026-11-18T15:00:00+00:00"))
    assert out["flow"] == "inbound" and out["unsupported"] == []
    assert out["route"]["how"] == "queued" and out["route"]["queue"].endswith("/queue/billing")
    assert out["attributes"]["queue"] == "billing" and out["attributes"]["ticket_id"]
    assert out["heard"][0]["voice"] == "Joanna" and out["ended_by"].endswith("(TransferContactToQueue)")



def test_the_smoke_test_passes_on_the_twin_and_a_deployed_stage_needs_its_settings(twin):
    out = json.loads(cli(twin, "smoke"))
    assert out["ok"] and [c["check"] for c in out["checks"]] == [
        "chat page", "chat session", "message answered and ticketed", "staff sees the ticket", "staff closes it"]
    env = {k: v for k, v in twin.items() if k not in ("process", "log")}
    refused = subprocess.run([sys.executable, "manage.py", "smoke", "--stage", "prod"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "SMOKE_TOKEN" in refused.stderr

def test_privacy_erase_by_phone_leaves_nothing_findable_for_maria(twin):
    """Last in this file: it erases the demo caller's tickets that the tests above made."""
    cli(twin, "simulate", "call", "--press", "1", "2", "--say", "the kitchen sink is leaking",
        "--at", "2026-11-18T10:00")  # María López, the demo caller
    exported = json.loads(cli(twin, "privacy", "export", "--phone", "+12125550142"))
    assert exported["tickets"] and exported["resident_directory"][0]["name"] == "María López"
    assert any(t["contact"]["name"] == "María López" for t in exported["tickets"])
    erased = json.loads(cli(twin, "privacy", "erase", "--phone", "+12125550142"))["erased"]
    assert erased["tickets"] == len(exported["tickets"]) and erased["residents"] == 1
    again = json.loads(cli(twin, "privacy", "export", "--phone", "+12125550142"))
    assert again["tickets"] == [] and again["resident_directory"] == []
    token = cli(twin, "token", "--role", "csr").strip()
    seen = json.dumps([http(twin, f"/tickets/{t['id']}", token) for t in exported["tickets"]], ensure_ascii=False)
    assert "María" not in seen and "+12125550142" not in seen and "sink" not in seen
