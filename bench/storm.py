"""A storm on the in-process twin: N contacts (default 2,000) spread over ten minutes of contact time at
night, through the real entry points, counting AWS requests per kind of contact on the way.

- the mix: 50% chats, 30% emails (SES inbound), 20% calls (the Connect flows); 10% of contacts are
  emergencies, most of them one flood at Maple Court (a burst main), the rest gas and fire elsewhere;
- the figures: errors (5xx, exceptions), emergencies paged (their own escalation or grouped into an
  incident whose lead has one), escalations started, contacts per second, and the DynamoDB and other
  requests each kind of contact took, against the budgets below.

`make bench` runs it with STORM=300; `make bench STORM=2000` is the issue's storm (about 23 minutes and 1 GB
on this machine). The rate it prints is in-process moto's, not AWS's."""
from __future__ import annotations

import collections
import contextlib
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import capacity  # noqa: E402 - after the path

START = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)  # 02:00 in New York, 23:00 in Los Angeles
ROUTINE = ["The kitchen faucet drips", "My dishwasher will not drain", "The hallway light is out",
           "Can I get a second parking permit?", "La puerta del armario no cierra", "When is rent due this month?"]
FLOOD = ["Water is pouring through my ceiling", "A pipe burst, water everywhere in the hallway",
         "hay agua cayendo del techo", "Water is coming down the walls"]
OTHER = ["I smell gas in the kitchen", "The fire alarm is going off and there is smoke"]
# DynamoDB requests a contact's own handling may take (median), held at what it takes today so a change
# that adds requests fails the bench. Measured on 2026-11-30 (STORM=50): a new chat 6 (its session 2, its first
# message 4; it was 14), email 12 (16), call 19 (23). "chat message" is the first message alone.
# The target for a new chat ticket is 6: met by the storm's chats, which send no client_message_id; the
# widget sends one, and its once-only claim (claims.once) adds 2 UpdateItems: 8 (see README, Storms).
BUDGETS = {"chat": 6, "chat message": 4, "email": 12, "call": 19}
NEW_CHAT_TARGET = 6  # issue #15: a new chat ticket (its session and first message), its transaction included


class Counter:
    """The AWS requests a contact's own handling makes, by service and operation (botocore's one entry point),
    on the thread that plays the contacts: what the stream and the state machines do later, on their own
    threads, is not the contact's."""

    def __init__(self):
        import threading

        import botocore.client
        self.calls: collections.Counter = collections.Counter()
        self.counting = True
        original, mine = botocore.client.BaseClient._make_api_call, threading.get_ident()
        counter = self

        def counting(client, operation, params):
            if threading.get_ident() != mine or not counter.counting:
                return original(client, operation, params)
            service = client.meta.service_model.service_name
            counter.calls[(service, operation)] += 1
            if operation == "TransactWriteItems":  # billed per item written, twice over
                counter.calls[(service, "TransactWriteItems.items")] += len(params.get("TransactItems", []))
            response = original(client, operation, params)
            if service == "dynamodb":  # capacity units from the items' sizes (bench/capacity.py)
                read, write = capacity.units(operation, params, response)
                counter.calls[(service, "units.read")] += read
                counter.calls[(service, "units.write")] += write
            return response
        botocore.client.BaseClient._make_api_call = counting

    @contextlib.contextmanager
    def paused(self):
        """The bench's own requests (reading which ticket an email made) are not the contact's."""
        self.counting = False
        try:
            yield
        finally:
            self.counting = True

    def take(self) -> collections.Counter:
        taken, self.calls = self.calls, collections.Counter()
        return taken


def plan(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    contacts = []
    for i in range(n):
        at = START + timedelta(seconds=600 * i / n)
        channel = rng.choices(["chat", "email", "call"], [50, 30, 20])[0]
        emergency = rng.random() < 0.10
        if emergency:
            flood = rng.random() < 0.8
            text, prop = (rng.choice(FLOOD), "maple-court") if flood else (rng.choice(OTHER), "sunset-villas")
        else:
            text, prop = rng.choice(ROUTINE), rng.choice(["maple-court", "sunset-villas"])
        contacts.append({"n": i, "at": at, "channel": channel, "text": text, "property": prop,
                         "emergency": emergency})
    return contacts


def run(n: int) -> dict:
    os.environ.update(__import__("twin.stage", fromlist=["x"]).twin_environment("test"))
    os.environ["TENANTLINE_TIME_SCALE"] = "1"  # real-length waits: the first pages go out, no clock fires mid-storm
    # Residents in a storm chat from their own addresses; the test client has one, which the per-address limit
    # (60 chats an hour, tickets/limits.py) would otherwise count as one flooding client.
    os.environ["CHAT_SESSIONS_PER_CLIENT_HOUR"] = str(10 * n)
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from tests.conftest import _one_call_at_a_time
    from twin import lambdas, provision, seed
    from twin.server import moto_config, stop_executions
    _one_call_at_a_time()  # moto is not thread-safe; AWS is
    import logging
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)  # each stopped execution logs a page
    with mock_aws(config=moto_config()):
        session = boto3.Session(region_name="us-east-1")
        provision.provision(session, "test")
        from app import app
        lambdas.install(app, "test")
        lambdas.register(session, app, "test")
        seed.seed(session)
        counter = Counter()
        # The test stage's config scales waits down (TENANTLINE_TIME_SCALE, which Client sets for each request):
        # a storm keeps real lengths, or its 24-hour safety clocks would fire a few minutes in.
        from chalicelib.core import settings
        settings.time_scale = lambda: 1.0
        with Client(app, stage_name="test") as client:
            result = _storm(session, client, plan(n), counter)
        result.update(_paged(result.pop("emergency_ids")))
        stop_executions(session)
        lambdas.streams.reset()
    return result


def _storm(session, client, contacts: list[dict], counter: Counter) -> dict:
    from twin import ses_inbound
    from twin.connect import Connect
    inboxes = {"maple-court": ("help@maplecourt.example", "+12125550100"),
               "sunset-villas": ("help@sunsetvillas.example", "+13105550100")}
    errors, emergency_ids, requests = [], [], collections.defaultdict(list)
    totals: dict = collections.defaultdict(collections.Counter)  # kind of contact -> every request it made
    started = time.perf_counter()
    counter.take()
    for c in contacts:
        inbox, number = inboxes[c["property"]]
        try:
            if c["channel"] == "chat":
                ticket_id, session_part = _chat(client, c, counter)
            elif c["channel"] == "email":
                raw = (f"From: Resident {c['n']} <r{c['n']}@example.com>\r\nTo: {inbox}\r\nSubject: {c['text']}\r\n"
                       f"Message-ID: <storm-{c['n']}@example.com>\r\n\r\n{c['text']}\r\n").encode()
                note = ses_inbound.receive(session, raw, inbox, at=c["at"])
                with counter.paused():
                    ticket_id = _email_ticket(note)
            else:
                connect = Connect(session, "test", presses=["1", "1" if c["emergency"] else "2"], words=c["text"])
                contact, _ = connect.call(f"+1212555{c['n']:04d}", number, c["at"])
                ticket_id = contact.attributes.get("ticket_id")
        except Exception as exc:  # noqa: BLE001 - counted, not fatal: the storm goes on
            errors.append(f"{c['channel']} {c['n']}: {type(exc).__name__}: {exc}"[:300])
            continue
        taken = counter.take()
        if c["channel"] == "chat":  # every chat of the storm is a new one: its session, then its first message
            requests["chat message"].append(_dynamodb(taken))
            taken.update(session_part)
        requests[c["channel"]].append(_dynamodb(taken))
        totals[c["channel"]].update(taken)
        if c["emergency"] and ticket_id:
            emergency_ids.append(ticket_id)
        if (c["n"] + 1) % 250 == 0:  # a long storm says how far it is
            print(f"storm: {c['n'] + 1} contacts, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return {"contacts": len(contacts), "seconds": time.perf_counter() - started, "errors": errors,
            "emergency_ids": emergency_ids, "dynamodb_per_contact": {k: _spread(v) for k, v in requests.items()},
            "requests_per_contact": {k: {f"{svc}:{op}": n / len(requests[k]) for (svc, op), n in totals[k].items()}
                                     for k in totals}}


def _dynamodb(taken: collections.Counter) -> int:
    return sum(v for (svc, op), v in taken.items() if svc == "dynamodb" and "." not in op)


def _chat(client, c, counter: Counter) -> tuple[str, collections.Counter]:
    """(the ticket, the requests of the session's creation)."""
    headers = {"Content-Type": "application/json", "X-Tenantline-Time": c["at"].isoformat()}
    made = client.http.post("/chat/sessions", body=json.dumps({"property_id": c["property"]}), headers=headers)
    if made.status_code != 200:
        raise RuntimeError(f"session {made.status_code}: {made.body[:200]}")
    session_part = counter.take()
    posted = client.http.post(f"/chat/sessions/{made.json_body['session_id']}/messages",
                              body=json.dumps({"text": c["text"]}),
                              headers={**headers, "X-Session-Token": made.json_body["token"]})
    if posted.status_code != 200:
        raise RuntimeError(f"message {posted.status_code}: {posted.body[:200]}")
    return posted.json_body["ticket_id"], session_part


def _email_ticket(notification: dict) -> str | None:
    from chalicelib.models import Guard
    guard = Guard.get(f"SESMSG#{notification['mail']['messageId']}", "GUARD", consistent_read=True)
    return guard.data["result"].get("ticket_id")


def _spread(values: list[int]) -> dict:
    ordered = sorted(values)
    return {"median": ordered[len(ordered) // 2], "max": ordered[-1]} if ordered else {}


def _paged(ticket_ids: list[str], wait: float = 120.0) -> dict:
    """Every emergency is paged: its own escalation started, or it joined an incident whose lead's did."""
    from chalicelib.tickets import store
    deadline = time.monotonic() + wait
    while True:
        tickets = [store.get_ticket(i) for i in ticket_ids]
        waiting = [t for t in tickets if t.escalation in ("pending", "flagged")]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    leads = {t.ticket_id for t in tickets if t.escalation_started_at}
    grouped = [t for t in tickets if t.escalation == "grouped" and t.incident_id]
    unpaged = [t.ref for t in tickets if t.ticket_id not in leads
               and not (t.escalation == "grouped" and store.get_ticket(t.incident_id).escalation_started_at)]
    return {"emergencies": len(tickets), "escalations": len(leads), "grouped": len(grouped), "unpaged": unpaged}


def report(result: dict) -> bool:
    per = result["dynamodb_per_contact"]
    over = {k: v for k, v in per.items() if v and v["median"] > BUDGETS[k]}
    print(f"storm: {result['contacts']} contacts in {result['seconds']:.0f} s "
          f"({result['contacts'] / result['seconds']:.1f}/s on in-process moto), {len(result['errors'])} errors; "
          f"{result['emergencies']} emergencies: {result['escalations']} escalations started, "
          f"{result['grouped']} grouped into incidents, {len(result['unpaged'])} not paged")
    for kind, spread in sorted(per.items()):
        print(f"  {kind}: {spread['median']} DynamoDB requests per contact (median; max {spread['max']}), "
              f"budget {BUDGETS[kind]}")
        ops = result["requests_per_contact"].get(kind)
        if ops:  # by service and operation, per contact (mean); TransactWriteItems.items: the items they wrote
            print("    " + ", ".join(f"{op} {n:.1f}" for op, n in sorted(ops.items()) if ":units." not in op))
            print(f"    DynamoDB capacity per contact (mean, from item sizes): {ops.get('dynamodb:units.read', 0):.1f} "
                  f"read units, {ops.get('dynamodb:units.write', 0):.1f} write units")
    if per.get("chat"):
        chat, message = per["chat"]["median"], per["chat message"]["median"]
        print(f"  new chat (session + first message): {chat} DynamoDB requests (median; the first message alone "
              f"{message}); the issue's target is {NEW_CHAT_TARGET}: "
              + ("met" if chat <= NEW_CHAT_TARGET else f"not met ({chat - NEW_CHAT_TARGET} over)"))
    for line in result["errors"][:5]:
        print(f"  error: {line}")
    return not result["errors"] and not result["unpaged"] and not over


if __name__ == "__main__":
    ok = report(run(int(os.environ.get("STORM", "2000"))))
    sys.exit(0 if ok else 1)
