#!/usr/bin/env python3
"""Tenantline's local and admin command line.

  python manage.py run                      start the local twin (what `make run` does)
  python manage.py triage                   one message per stdin line -> one JSON object per line
  python manage.py token --role csr         a dev staff token for the twin
  python manage.py simulate chat "text"     post through the chat API like the website widget
  python manage.py simulate tour --property P --date D [--at T]
                                            book the first free tour slot of a day through the public routes
  python manage.py simulate email FILE      deliver a raw .eml through the twin exactly as SES would
  python manage.py simulate call [--press 2 1] [--say "text"] [--at T]
                                            ring a property: the real flows, the real Lambda, contact events
  python manage.py tickets                  the open-ticket queue
  python manage.py outbox                   mail the twin's SES has sent
  python manage.py escalation TL-XXXX       an escalation's pages, acknowledgement and proof
  python manage.py ack LINK                 open an acknowledgement link (as the paged person would)
  python manage.py oncall [--at T]          who is on call; `oncall set-policy FILE`, `oncall set-rotation ID FILE`
  python manage.py kb export|import DIR      the help center's articles as Markdown files with front matter
  python manage.py report escalations       time-to-human over a period (`report calls`: ASA, AHT, abandons)
  python manage.py simulate day             a day of mixed contacts on the twin
  python manage.py report kpis              every KPI beside its target (--json, --csv)
  python manage.py report leasing           leads by source, first response, tours, show rate, applied (JSON)
  python manage.py connect template         the Amazon Connect template for the portfolio (infra/connect.yaml)
  python manage.py connect walk PATH [--press 1 2] [--say T] [--at T] [--attributes JSON]
                                            walk any exported flow (file or folder); exits 3 on anything unsupported

Commands that talk to the twin use MOTO_PORT (default 5000) and API_PORT (default 8000).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() \
        and not os.environ.get("TENANTLINE_NO_REEXEC"):
    # Run inside the project's virtualenv whichever python was used to call us.
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])

sys.path.insert(0, str(ROOT))


TICKET_KEYS = ("id", "ref", "category", "urgency", "refer", "language", "status", "channel", "role")


def api_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('API_PORT', '8000')}"


def dev_token(role: str = "csr") -> str:
    from twin.stage import stage_environment

    os.environ.setdefault("TENANTLINE_DEV_SECRET", stage_environment("local")["TENANTLINE_DEV_SECRET"])
    from chalicelib.core import auth

    return auth.dev_token(role)


def call(method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(api_url() + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise SystemExit(f"{method} {path} -> HTTP {exc.code}: {detail}") from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"cannot reach the twin's API at {api_url()} ({exc.reason}); start it with `make run`") \
            from None


def use_twin() -> None:
    """Point this process's AWS clients at the running twin, with the local stage's names."""
    from twin.stage import twin_environment

    os.environ.update(twin_environment("local", endpoint=f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}"))


def staff_headers() -> dict:
    return {"Authorization": f"Bearer {dev_token('csr')}"}


def contact_time(at: str | None, property_id: str) -> str | None:
    """--at as an ISO time; without a UTC offset it is the property's local time."""
    if not at:
        return None
    from twin.seed import PROPERTIES

    when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if when.tzinfo is None:
        zone = next((p["timezone"] for p in PROPERTIES if p["sk"] == property_id), "UTC")
        when = when.replace(tzinfo=ZoneInfo(zone))
    return when.astimezone(timezone.utc).isoformat()


# --- commands ---

def cmd_run(args) -> int:
    import signal
    import threading

    from twin.server import TwinError, start

    try:
        twin = start(moto_port=args.moto_port, api_port=args.api_port)
    except TwinError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    token = dev_token("csr")
    print(f"""
Tenantline local twin is running.
  AWS (moto):   {twin.endpoint}       (export AWS_ENDPOINT_URL={twin.endpoint} for the aws CLI / boto3)
  HTTP API:     {twin.api_url}
  properties:   {', '.join(twin.resources['properties'])}
  chat page:    {twin.api_url}/app/chat/{twin.resources['properties'][0]}
  widget:       <script src="{twin.api_url}/app/widget.js?property={twin.resources['properties'][0]}"></script>
  CSR console:  {twin.api_url}/app/console   (local sign-in: pick a name and role)
  tour booking: {twin.api_url}/tours/maple-court/book
  help center:  {twin.api_url}/app/help/{twin.resources['properties'][0]}   (articles: the console's Help articles tab)

Dev CSR token (12 h):
  {token}

Try:
  python manage.py simulate chat "Water is pouring through my ceiling"
  python manage.py simulate chat "Hay agua cayendo del techo" --lang es
  python manage.py simulate call --press 2 1 --say "water is pouring from the ceiling" --at 2026-11-18T02:00
  curl -s -H "Authorization: Bearer $(python manage.py token --role csr)" {twin.api_url}/tickets
  python manage.py tickets
  python manage.py simulate tour --property maple-court --date YYYY-MM-DD   (a Saturday: two agents)
  python manage.py simulate sms "my kitchen sink is leaking under the cabinet"   (a text conversation)
  python manage.py visit TL-XXXX --start YYYY-MM-DDT09:00 --hours 2            (a repair visit, texted)
  python manage.py simulate sms "1"                                            (María confirms it)
  python manage.py outbox --sms

Ctrl-C stops everything.""", flush=True)
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop it, even when started from a background job that ignores SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    try:
        stopped.wait()
    finally:
        print("\nstopping the twin...", flush=True)
        twin.stop()
    return 0


def cmd_triage(args) -> int:
    from chalicelib.rules.triage import triage

    for line in sys.stdin:
        text = line.rstrip("\n")
        print(json.dumps(triage(text).as_dict(), ensure_ascii=False), flush=True)
    return 0


def cmd_token(args) -> int:
    print(dev_token(args.role))
    return 0


def cmd_simulate_chat(args) -> int:
    from twin.seed import FIRST_PROPERTY

    property_id = args.property or FIRST_PROPERTY
    headers = {}
    at = contact_time(args.at, property_id)
    if at:
        headers["X-Tenantline-Time"] = at
    session = call("POST", "/chat/sessions", {"property_id": property_id, "language": args.lang,
                                             "phone": args.sender, "name": args.name}, headers)
    posted = call("POST", f"/chat/sessions/{session['session_id']}/messages",
                  {"text": args.text, "client_message_id": str(uuid.uuid4())},
                  {**headers, "X-Session-Token": session["token"]})
    ticket = call("GET", f"/tickets/{posted['ticket_id']}", headers=staff_headers())
    replies = [m["body"] for m in posted["messages"] if m["direction"] == "outbound"]
    out = {key: ticket[key] for key in TICKET_KEYS + ("property_id", "escalation", "reasons", "first_response_due",
                                                      "created_at")}
    out.update(session_id=session["session_id"], replies=replies)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_simulate_tour(args) -> int:
    """Book the first free slot of a day through the public tour routes, as a prospect on the website would."""
    from twin.seed import FIRST_PROPERTY

    property_id = args.property or FIRST_PROPERTY
    headers = {}
    at = contact_time(args.at, property_id)
    if at:
        headers["X-Tenantline-Time"] = at
    query = urllib.parse.urlencode({"date": args.date})
    free = call("GET", f"/tours/{urllib.parse.quote(property_id)}/slots?{query}", headers=headers)["slots"]
    if not free:
        print(f"no free tour slots at {property_id} on {args.date}", file=sys.stderr)
        return 1
    body = {"start": free[0]["start"], "name": args.name, "email": args.email, "language": args.lang,
            "source": args.source, "client_request_id": str(uuid.uuid4())}
    booked = call("POST", f"/tours/{urllib.parse.quote(property_id)}/bookings",
                  {k: v for k, v in body.items() if v is not None}, headers)
    print(json.dumps(booked, indent=2, ensure_ascii=False))
    return 0


def cmd_simulate_email(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"usage error: no such file {args.file}", file=sys.stderr)
        return 2
    use_twin()
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.models import Guard, keys
    from twin import ses_inbound
    from twin.seed import PROPERTIES

    to = args.to or PROPERTIES[0]["inbox"]
    try:
        notification = ses_inbound.receive(boto3.Session(), path.read_bytes(), to, spam=args.spam, virus=args.virus)
    except EndpointConnectionError:
        raise SystemExit(f"cannot reach the twin's AWS endpoint on port {os.environ.get('MOTO_PORT', '5000')}; "
                         "start it with `make run`") from None
    except LookupError as exc:
        print(json.dumps({"quarantined": True, "reason": f"SES would not accept it: {exc}"}))
        return 0
    guard = Guard.get(keys.ses_message_claim(notification['mail']['messageId']), "GUARD", consistent_read=True)
    result = guard.data.get("result") or {}
    if result.get("quarantined"):
        print(json.dumps({"quarantined": True, "reason": result["reason"],
                          "quarantine_id": result.get("quarantine_id")}, indent=2))
        return 0
    ticket = call("GET", f"/tickets/{result['ticket_id']}", headers=staff_headers())
    out = {key: ticket[key] for key in TICKET_KEYS}
    out.update(message_count=len(ticket["messages"]), new=result["new"], acknowledged=result["acknowledged"],
               property_id=ticket["property_id"], contact=ticket["contact"],
               replies=[m["body"] for m in ticket["messages"] if m["direction"] == "outbound"])
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_simulate_call(args) -> int:
    use_twin()
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from twin.connect import Connect, FlowError
    from twin.seed import DEMO_CALLER, PROPERTIES

    to = args.to or PROPERTIES[0]["phone_numbers"][0]
    property_id = next((p["sk"] for p in PROPERTIES if to in p["phone_numbers"]), None)
    at = contact_time(args.at, property_id or PROPERTIES[0]["sk"])
    connect = Connect(boto3.Session(), "local", presses=args.press, words=args.say, third_party=args.answer,
                      agents=args.agents)
    try:
        contact, outcomes = connect.call(args.sender or DEMO_CALLER, to,
                                         datetime.fromisoformat(at) if at else datetime.now(timezone.utc))
        ended = connect.report(contact, outcomes, args.wait, args.talk, args.abandon)
    except EndpointConnectionError:
        raise SystemExit(f"cannot reach the twin's AWS endpoint on port {os.environ.get('MOTO_PORT', '5000')}; "
                         "start it with `make run`") from None
    except FlowError as exc:
        print(f"flow error: {exc}", file=sys.stderr)
        return 3
    for part in contact.spoken:
        print(f"{part['to']} hears ({part['voice']}, {part['language']}): {part['text']}", file=sys.stderr)
    ticket_id = contact.attributes.get("ticket_id")
    ticket = call("GET", f"/tickets/{ticket_id}", headers=staff_headers()) if ticket_id else {}
    out = {key: ticket.get(key) for key in TICKET_KEYS}
    patched = next((t["person"] for t in connect.tried if t["result"] != "no_answer"), None)
    route = contact.attributes.get("route") or ("queue" if outcomes[0].how == "queued" else None)
    route = "patch" if connect.tried and route in ("page", "refer") else route
    out.update(route=route, patched_to=patched, tried=connect.tried,
               queue=contact.attributes.get("queue") or None, heard=connect.heard, agent_heard=connect.agent_heard,
               voices=contact.spoken,
               ended=ended, contact_id=contact.contact_id, property_id=ticket.get("property_id"),
               escalation=ticket.get("escalation"), for_person=ticket.get("for_person"),
               reasons=ticket.get("reasons"), calls=ticket.get("calls"), lambda_ms=connect.lambda_ms)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_connect(args) -> int:
    if args.action == "walk":
        return connect_walk(args)
    if args.action == "template":
        from infra.connect_template import render
        from twin.seed import PROPERTIES

        portfolio = PROPERTIES
        if args.live:
            from chalicelib.tickets import portfolio as properties

            portfolio = [p.attribute_values | {"sk": p.property_id} for p in properties.list_properties()]
        sys.stdout.write(render(portfolio, args.year or datetime.now(timezone.utc).year))
        return 0
    # link: remember each property's Connect hours of operation (from the Connect stack's outputs)
    import boto3

    from chalicelib.models import Property
    from chalicelib.models.keys import PORTFOLIO
    from infra.connect_template import logical

    outputs = {o["OutputKey"]: o["OutputValue"] for o in boto3.client("cloudformation").describe_stacks(
        StackName=args.stack)["Stacks"][0].get("Outputs", [])}
    for prop in Property.query(PORTFOLIO):
        arn = outputs.get(logical(prop.property_id))
        if arn:
            prop.update(actions=[Property.connect_hours_arn.set(arn)])
            print(f"{prop.property_id}: {arn}")
    return 0


def connect_walk(args) -> int:
    """Walk any exported flow (a file, or a folder of flows that refer to each other) on the twin's walker:
    our own flows with the project's Lambdas (the twin must be running), others with canned Lambda answers."""
    from twin.flow_walker import FlowError, FlowWalker, SimulatedCall, Unsupported
    from twin.seed import DEMO_CALLER

    path = Path(args.path or "")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise SystemExit(f"no flow at {path}: give a flow's JSON file or a folder of them")
    texts = {f.stem: f.read_text(encoding="utf-8") for f in files}
    start = args.start or (path.stem if path.is_file() else next((s for s in texts if "inbound" in s), next(iter(texts))))
    answers = json.loads(args.attributes) if args.attributes else {}
    ours = ROOT / "connect_flows" in (path.resolve(), path.resolve().parent)
    if ours:  # rendered with the twin's ARNs and run with the project's Lambdas
        use_twin()
        import boto3

        from twin.connect import Connect
        walker = Connect(boto3.Session(), "local", presses=args.press, words=args.say)
    else:
        flows = {stem: json.loads(text) for stem, text in texts.items()}
        walker = FlowWalker(flows, presses=args.press, words=args.say, answers=answers)
    contact = SimulatedCall(DEMO_CALLER, "+12125550100",
                            datetime.fromisoformat(args.at) if args.at else datetime.now(timezone.utc),
                            contact_id="walk")
    out = {"flow": start, "heard": [], "route": None, "attributes": {}, "ended_by": None, "unsupported": []}
    code = 0
    try:
        outcome = walker.run(start, contact, walker.heard)
        out.update(route={"how": outcome.how, **outcome.route}, ended_by=outcome.ended_by, path=outcome.path)
    except Unsupported as exc:
        out.update(unsupported=[exc.what], ended_by=str(exc).split(":")[0], error=str(exc))
        code = 3
    except FlowError as exc:
        out.update(error=str(exc))
        code = 1
    out.update(heard=[{k: part[k] for k in ("text", "voice", "language")} for part in contact.spoken],
               attributes=dict(contact.attributes), flow_attributes=dict(contact.flow_attributes))
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return code


def twin_data() -> dict:
    url = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}/moto-api/data.json"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())
    except OSError as exc:
        raise SystemExit(f"cannot reach the twin at {url} ({exc}); start it with `make run`") from None


def sms_outbox() -> list[dict]:
    """Every text sent on the twin, pages included: all go through End User Messaging, whose stand-in records
    them (twin/sms.py); `status` is the latest delivery event."""
    use_twin()
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from twin import sms

    try:
        return [{k: t[k] for k in ("to", "from", "body", "at", "status")} for t in sms.outbox(boto3.Session())]
    except EndpointConnectionError:
        raise SystemExit(f"cannot reach the twin's AWS endpoint on port {os.environ.get('MOTO_PORT', '5000')}; "
                         "start it with `make run`") from None


def cmd_simulate_sms(args) -> int:
    """A resident's text, published to the inbound topic as End User Messaging does (the real inbound_sms runs)."""
    use_twin()
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.models import Guard, keys
    from twin import sms
    from twin.seed import DEMO_CALLER, PROPERTIES

    to, sender = args.to or PROPERTIES[0]["phone_numbers"][0], args.sender or DEMO_CALLER
    property_id = next((p["sk"] for p in PROPERTIES if to in p["phone_numbers"]), PROPERTIES[0]["sk"])
    at = contact_time(args.at, property_id)
    session = boto3.Session()
    try:
        before = len(sms.outbox(session))
        payload = sms.receive(session, args.text, sender, to, at=datetime.fromisoformat(at) if at else None)
    except EndpointConnectionError:
        raise SystemExit(f"cannot reach the twin's AWS endpoint on port {os.environ.get('MOTO_PORT', '5000')}; "
                         "start it with `make run`") from None
    replies = [t["body"] for t in sms.outbox(session)[before:] if t["to"] == sender]
    try:
        result = Guard.get(keys.sms_inbound(payload["inboundMessageId"]), "GUARD", consistent_read=True).data["result"]
    except Exception:  # not handled: rejected (an unknown number) or still running
        result = {}
    out = dict.fromkeys(("id", "ref", "category", "urgency", "refer", "language", "status", "channel"))
    if result.get("ticket_id"):
        ticket = call("GET", f"/tickets/{result['ticket_id']}", headers=staff_headers())
        out.update({key: ticket[key] for key in out})
    out.update(keyword=result.get("keyword"), replies=replies, new=result.get("new"),
               inbound_message_id=payload["inboundMessageId"])
    if result.get("rejected") or not result:
        out["rejected"] = True
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_visit(args) -> int:
    """Propose a repair visit on a ticket as staff would (POST /tickets/{id}/visits), or record what happened."""
    ticket = call("GET", f"/tickets/{args.ticket}", headers=staff_headers())
    headers = dict(staff_headers())
    at = contact_time(args.at, ticket["property_id"])
    if at:
        headers["X-Tenantline-Time"] = at
    if args.status:
        visit_id = args.visit or ticket["visits"][-1]["visit_id"]
        done = call("POST", f"/tickets/{ticket['id']}/visits/{visit_id}/status", {"status": args.status}, headers)
        print(json.dumps(done, indent=2, ensure_ascii=False))
        return 0
    if not args.start:
        print("usage error: --start is needed to propose a visit", file=sys.stderr)
        return 2
    start = datetime.fromisoformat(contact_time(args.start, ticket["property_id"]))
    end = start + timedelta(hours=args.hours)
    made = call("POST", f"/tickets/{ticket['id']}/visits", {"start": start.isoformat(), "end": end.isoformat(),
                                                             "technician": args.technician, "note": args.note}, headers)
    print(json.dumps(made, indent=2, ensure_ascii=False))
    return 0


def cmd_outbox(args) -> int:
    """Mail the twin's SES has sent (from moto's model data), newest last; --sms: the texts instead."""
    from email import message_from_string
    from email import policy as email_policy

    if args.sms:
        print(json.dumps(sms_outbox(), indent=2, ensure_ascii=False))
        return 0
    data = twin_data()
    sent = []
    for raw in data.get("ses", {}).get("RawMessage", []):
        msg = message_from_string(raw["raw_data"], policy=email_policy.default)
        body = msg.get_body(preferencelist=("plain",))
        sent.append({"from": str(msg["From"]), "to": str(msg["To"]), "subject": str(msg["Subject"]),
                     "message_id": str(msg["Message-ID"]).strip(), "in_reply_to": str(msg["In-Reply-To"] or "").strip(),
                     "auto_submitted": msg["Auto-Submitted"], "language": msg["Content-Language"],
                     "body": body.get_content() if body else "",
                     "attachments": [{"filename": part.get_filename(), "content_type": part.get_content_type()}
                                     for part in msg.iter_attachments()]})
    print(json.dumps(sent, indent=2, ensure_ascii=False))
    return 0


def cmd_ack(args) -> int:
    path = args.link[args.link.index("/ack/"):] if "/ack/" in args.link else f"/ack/{args.link}"
    # Pressing "I'm on it" on the link's page (opening the link alone acknowledges nothing).
    request = urllib.request.Request(api_url() + path, method="POST", data=b"",
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(json.dumps(json.loads(response.read()), indent=2))
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"))
        return 1
    return 0


def cmd_escalation(args) -> int:
    ticket = call("GET", f"/tickets/{args.ticket}", headers=staff_headers())
    pages = [dict(a["detail"], at=a["at"], action=a["action"]) for a in ticket["audit"]
             if a["action"] in ("paged", "page_failed")]
    events = [{"at": a["at"], "action": a["action"], "actor": a["actor"]} for a in ticket["audit"]
              if a["action"] in ("emergency_flagged", "escalation_started", "acknowledged", "escalation_exhausted",
                                 "no_escalation_policy", "patch_attempt", "patch_result")]
    print(json.dumps({"ref": ticket["ref"], "escalation": ticket["escalation"], "proof": ticket["escalation_proof"],
                      "pages": pages, "events": events}, indent=2))
    return 0


def _property_arg(args) -> str:
    from twin.seed import FIRST_PROPERTY

    return args.property or FIRST_PROPERTY


def cmd_oncall(args) -> int:
    prop = _property_arg(args)
    admin = {"Authorization": f"Bearer {dev_token('admin')}"}
    if args.action == "show":
        query = f"?at={urllib.parse.quote(args.at)}" if args.at else ""
        result = call("GET", f"/admin/properties/{prop}/oncall{query}", headers=admin)
    else:
        if not args.file or not Path(args.file).is_file():
            print("usage error: give a JSON file", file=sys.stderr)
            return 2
        body = json.loads(Path(args.file).read_text())
        if args.action == "set-policy":
            result = call("PUT", f"/admin/properties/{prop}/policies/{args.urgency}", body, admin)
        else:
            result = call("PUT", f"/admin/properties/{prop}/rotations/{args.id}", body, admin)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_privacy(args) -> int:
    if not (args.phone or args.email):
        print("usage error: give --phone or --email", file=sys.stderr)
        return 2
    admin = {"Authorization": f"Bearer {dev_token('admin')}"}
    person = {k: v for k, v in (("phone", args.phone), ("email", args.email)) if v}
    if args.action == "export":
        result = call("GET", f"/admin/privacy/export?{urllib.parse.urlencode(person)}", headers=admin)
    else:
        result = call("POST", "/admin/privacy/erase", person, admin)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_kb(args) -> int:
    """The help center's articles as Markdown files with front matter (tickets/help_files.py), on the twin's
    tables, or with --stage on a deployed stage's (with that account's AWS credentials in the environment)."""
    if args.stage:
        os.environ["TENANTLINE_STAGE"] = args.stage
    else:
        use_twin()
    from chalicelib.tickets import help_files

    directory = Path(args.dir)
    if args.action == "export":
        written = help_files.export(directory)
        print(json.dumps({"exported": len(written), "dir": str(directory)}))
        return 0
    if not directory.is_dir():
        print(f"usage error: {directory} is not a folder", file=sys.stderr)
        return 2
    try:
        files = help_files.read(directory)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(help_files.import_articles(files, args.by, datetime.now(timezone.utc))))
    return 0


def cmd_report(args) -> int:
    query = "&".join(f"{k}={v}" for k, v in (("from", args.start), ("to", args.end), ("property", args.property))
                     if v)
    headers = staff_headers()
    if args.at:  # judge the report at a demo time (the twin's X-Tenantline-Time)
        headers["X-Tenantline-Time"] = contact_time(args.at, args.property or "maple-court")
    if args.kind == "kpis" and args.csv:
        print(fetch_text("/reports/kpis?" + "&".join(filter(None, [query, "format=csv"])), headers), end="")
        return 0
    result = call("GET", f"/reports/{args.kind}" + (f"?{query}" if query else ""), headers=headers)
    if args.kind == "kpis" and not args.json:
        print(kpi_table(result))
        return 0
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def fetch_text(path: str, headers: dict) -> str:
    request = urllib.request.Request(api_url() + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode()
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"GET {path} -> HTTP {exc.code}: {exc.read().decode(errors='replace')}") from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"cannot reach the twin's API at {api_url()} ({exc.reason}); start it with `make run`") \
            from None


def _kpi_number(value, unit: str) -> str:
    if value is None:
        return "-"
    shown = f"{value:g}" if isinstance(value, (int, float)) else str(value)
    return {"%": f"{shown} %", "seconds": f"{shown} s", "minutes": f"{shown} min"}.get(unit, shown)


def kpi_table(result: dict) -> str:
    """The KPI report as a table: each KPI beside its target, met or missed, and the previous period."""
    prev = result["previous_period"]
    lines = [f"KPIs for {result['property'] or 'the portfolio'}, tickets opened {result['from']} to {result['to']} "
             f"({result['tickets']} tickets; as of {result['as_of']}; previous period {prev['from']} to {prev['to']})",
             "", f"{'KPI':44} {'value':>11} {'target':>13} {'':7} {'count':>5} {'previous':>11}"]
    for k in result["kpis"]:
        target = "-" if k["target"] is None else \
            ("≥ " if k["better"] == "higher" else "≤ ") + _kpi_number(k["target"], k["unit"])
        status = {True: "met", False: "MISSED", None: "no data" if k["value"] is None else ""}[k["met"]]
        previous = _kpi_number((k.get("previous") or {}).get("value"), k["unit"])
        lines.append(f"{k['label'][:44]:44} {_kpi_number(k['value'], k['unit']):>11} {target:>13} {status:7} "
                     f"{k['count']:>5} {previous:>11}")
    if result.get("breaches"):
        lines += ["", f"Breaches ({len(result['breaches'])}):"]
        lines += [f"  {b['kpi']:24} {b['ref']:9} {b['why']}" for b in result["breaches"][:20]]
    return "\n".join(lines)


def cmd_simulate_day(args) -> int:
    asked_scale = os.environ.get("TENANTLINE_TIME_SCALE")  # a twin started with its own scale
    use_twin()
    if asked_scale:
        os.environ["TENANTLINE_TIME_SCALE"] = asked_scale
    import boto3

    from twin.day import Day, summary_line

    day = datetime.fromisoformat(args.date).date() if args.date else datetime.now(timezone.utc).date()
    from chalicelib.core import settings

    result = Day(call, staff_headers(), boto3.Session(), day, args.contacts, args.seed,
                 moto_url=f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}",
                 time_scale=settings.time_scale()).play()
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else summary_line(result))
    return 1 if result["errors"] else 0


def _http(method: str, url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict | str]:
    """(status, JSON or text) without raising on a 4xx/5xx: the smoke test reports, it does not stop."""
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except urllib.error.URLError as exc:
        return 0, str(exc.reason)
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        return status, raw.decode(errors="replace")[:200]


def cmd_smoke(args) -> int:
    """A deployed stage (or the local twin) end to end with a test property: the chat page, a resident's
    message answered and ticketed, the ticket seen and closed by staff. Prints each check; exit 1 on any miss."""
    from twin.seed import FIRST_PROPERTY
    if args.stage == "local":
        base, token, prop = api_url(), dev_token("csr"), args.property or FIRST_PROPERTY
    else:
        config = json.loads((ROOT / ".chalice" / "config.json").read_text())
        base = args.api or config["stages"][args.stage]["environment_variables"].get("PUBLIC_API_URL", "")
        token, prop = args.token or os.environ.get("SMOKE_TOKEN", ""), args.property
        if not base.startswith("https://") or not token or not prop:
            print("usage error: a deployed stage needs --api (or PUBLIC_API_URL in its config), --token (or "
                  "SMOKE_TOKEN: a staff ID token) and --property (a test property)", file=sys.stderr)
            return 2
    base, staff, checks = base.rstrip("/"), {"Authorization": f"Bearer {token}"}, []

    def check(name: str, ok: bool, detail) -> bool:
        checks.append({"check": name, "ok": bool(ok), "detail": detail})
        return bool(ok)
    status, _page = _http("GET", f"{base}/app/chat/{prop}")
    check("chat page", status == 200, status)
    status, made = _http("POST", f"{base}/chat/sessions", {"property_id": prop})
    if check("chat session", status == 200 and isinstance(made, dict) and made.get("token"), status):
        status, answer = _http("POST", f"{base}/chat/sessions/{made['session_id']}/messages",
                               {"text": "Smoke test from manage.py: the hallway light is flickering (please ignore)"},
                               {"X-Session-Token": made["token"]})
        replied = isinstance(answer, dict) and answer.get("ticket_id") and any(
            m.get("direction") == "outbound" for m in answer.get("messages", []))
        if check("message answered and ticketed", status == 200 and replied,
                 answer.get("ref") if isinstance(answer, dict) else status):
            status, ticket = _http("GET", f"{base}/tickets/{answer['ticket_id']}", headers=staff)
            check("staff sees the ticket", status == 200, status)
            status, _ = _http("POST", f"{base}/tickets/{answer['ticket_id']}/status",
                              {"status": "closed", "note": "smoke test"}, staff)
            check("staff closes it", status == 200, status)
    ok = all(c["ok"] for c in checks)
    print(json.dumps({"stage": args.stage, "api": base, "property": prop, "ok": ok, "checks": checks}, indent=2))
    return 0 if ok else 1


def cmd_tickets(args) -> int:
    query = "&".join(f"{k}={v}" for k, v in (("property", args.property), ("status", args.status),
                                              ("urgency", args.urgency), ("limit", args.limit)) if v)
    result = call("GET", "/tickets" + (f"?{query}" if query else ""), headers=staff_headers())
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for t in result["tickets"]:
        print(f"{t['ref']:9} {t['urgency']:9} {t['category']:11} {t['status']:19} {t['property_id']:14} "
              f"{t['created_at']}  {t['summary'][:60]}")
    if not result["tickets"]:
        print("(no tickets)")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="manage.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the local twin")
    run.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")))
    run.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", "8000")))
    run.set_defaults(func=cmd_run)

    sub.add_parser("triage", help="triage stdin lines to JSON lines").set_defaults(func=cmd_triage)

    token = sub.add_parser("token", help="print a dev staff token for the twin")
    token.add_argument("--role", default="csr", choices=("csr", "manager", "admin"))
    token.set_defaults(func=cmd_token)

    simulate = sub.add_parser("simulate", help="feed a contact through the twin like a real channel")
    channels = simulate.add_subparsers(dest="channel", required=True)
    chat = channels.add_parser("chat", help="a website chat message")
    chat.add_argument("text")
    chat.add_argument("--property", help="property id (default: the first demo property)")
    chat.add_argument("--from", dest="sender", help="the resident's phone number")
    chat.add_argument("--name", help="the resident's name")
    chat.add_argument("--lang", choices=("en", "es"), help="the widget's language")
    chat.add_argument("--at", help="contact time, ISO 8601; without an offset, the property's local time")
    chat.set_defaults(func=cmd_simulate_chat)

    tour = channels.add_parser("tour", help="book the first free tour slot of a day through the public routes")
    tour.add_argument("--property", help="property id (default: the first demo property)")
    tour.add_argument("--date", required=True, help="the day, YYYY-MM-DD in the property's time zone")
    tour.add_argument("--name", default="Demo Prospect", help="the prospect's name")
    tour.add_argument("--email", default="prospect@example.com", help="where the confirmation goes")
    tour.add_argument("--lang", choices=("en", "es"), help="the prospect's language")
    tour.add_argument("--source", default="website", help="where the prospect came from")
    tour.add_argument("--at", help="booking time, ISO 8601; without an offset, the property's local time")
    tour.set_defaults(func=cmd_simulate_tour)

    email = channels.add_parser("email", help="a raw .eml delivered as SES would")
    email.add_argument("file")
    email.add_argument("--to", help="recipient (default: the first demo property's inbox)")
    email.add_argument("--spam", default="PASS", choices=("PASS", "FAIL", "GRAY", "PROCESSING_FAILED"))
    email.add_argument("--virus", default="PASS", choices=("PASS", "FAIL", "GRAY", "PROCESSING_FAILED"))
    email.set_defaults(func=cmd_simulate_email)

    text = channels.add_parser("sms", help="a resident's text, as End User Messaging publishes it")
    text.add_argument("text")
    text.add_argument("--from", dest="sender", help="the resident's number (default: the demo resident)")
    text.add_argument("--to", help="the property's number (default: the first demo property's)")
    text.add_argument("--at", help="when it was sent, ISO 8601; without an offset, the property's local time")
    text.set_defaults(func=cmd_simulate_sms)

    phone = channels.add_parser("call", help="a phone call through the real Connect flows")
    phone.add_argument("--to", help="the number dialled (default: the first demo property's number)")
    phone.add_argument("--from", dest="sender", help="the caller's number (default: a demo resident)")
    phone.add_argument("--press", nargs="*", default=[], help="keys pressed at each menu, in order")
    phone.add_argument("--say", help="what the caller says when asked to describe the problem")
    phone.add_argument("--at", help="call time, ISO 8601; without an offset, the property's local time")
    phone.add_argument("--wait", type=int, default=30, help="seconds in the queue before an agent answers")
    phone.add_argument("--talk", type=int, default=240, help="seconds the agent talks with the caller")
    phone.add_argument("--abandon", action="store_true", help="the caller hangs up while waiting in the queue")
    phone.add_argument("--agents", type=int, default=1, help="CSRs free to take a call in office hours")
    phone.add_argument("--answer", default="answer", metavar="PERSON|none|voicemail",
                       help="who picks up a patched emergency call: a person's id or name, nobody, or voicemail "
                            "(default: the first person called)")
    phone.set_defaults(func=cmd_simulate_call)

    day = channels.add_parser("day", help="a day of mixed calls, chats and emails, with what staff and residents "
                                          "do next (replies, acknowledgements, resolutions, survey answers)")
    day.add_argument("--date", help="the day to play, YYYY-MM-DD (default: today, UTC)")
    day.add_argument("--contacts", type=int, default=30, help="how many contacts (default 30)")
    day.add_argument("--seed", type=int, help="random seed (default: from the date: a date plays the same day)")
    day.add_argument("--json", action="store_true", help="print every contact played")
    day.set_defaults(func=cmd_simulate_day)

    visit = sub.add_parser("visit", help="propose a repair visit on a ticket (staff), or record what happened")
    visit.add_argument("ticket", help="the ticket's id or reference (TL-XXXX)")
    visit.add_argument("--start", help="the window's start, ISO 8601; without an offset, the property's local time")
    visit.add_argument("--hours", type=float, default=2, help="the window's length (1-4 hours; default 2)")
    visit.add_argument("--technician", default="Ana Ruiz")
    visit.add_argument("--note")
    visit.add_argument("--status", choices=("en_route", "completed", "no_access", "cancelled"),
                       help="record what happened to the ticket's latest visit (or --visit ID) instead")
    visit.add_argument("--visit", help="the visit's id (default: the ticket's latest)")
    visit.add_argument("--at", help="when staff act (the twin's demo clock), ISO 8601")
    visit.set_defaults(func=cmd_visit)

    outbox = sub.add_parser("outbox", help="mail the twin's SES has sent (--sms: every text sent)")
    outbox.add_argument("--sms", action="store_true", help="the texts sent instead: [{to, from, body, at, status}]")
    outbox.set_defaults(func=cmd_outbox)

    connect = sub.add_parser("connect", help="Amazon Connect: render the template, link hours after deploying")
    connect.add_argument("action", choices=("template", "link", "walk"))
    connect.add_argument("path", nargs="?", help="walk: an exported flow's JSON file, or a folder of flows")
    connect.add_argument("--press", nargs="*", default=[], help="walk: the caller's key presses, in order")
    connect.add_argument("--say", help="walk: what the caller says to a Lex bot")
    connect.add_argument("--at", help="walk: when the call happens (ISO time)")
    connect.add_argument("--attributes", help="walk: JSON map a foreign flow's Lambdas answer with")
    connect.add_argument("--start", help="walk: the flow to start in, when PATH is a folder")
    connect.add_argument("--year", type=int, help="first year of holiday closures (default: this year)")
    connect.add_argument("--live", action="store_true", help="template: read the portfolio from the properties table")
    connect.add_argument("--stack", default="tenantline-prod-connect", help="link: the Connect stack's name")
    connect.set_defaults(func=cmd_connect)

    ack = sub.add_parser("ack", help="open an acknowledgement link")
    ack.add_argument("link")
    ack.set_defaults(func=cmd_ack)

    escalation = sub.add_parser("escalation", help="an escalation's pages, acknowledgement and proof")
    escalation.add_argument("ticket", help="ticket id or TL- reference")
    escalation.set_defaults(func=cmd_escalation)

    oncall = sub.add_parser("oncall", help="who is on call; edit rotations and policies")
    oncall.add_argument("action", nargs="?", default="show", choices=("show", "set-policy", "set-rotation"))
    oncall.add_argument("file", nargs="?", help="JSON body for set-policy / set-rotation")
    oncall.add_argument("--property")
    oncall.add_argument("--at", help="ISO 8601 time (default: now)")
    oncall.add_argument("--urgency", default="emergency", choices=("emergency",))
    oncall.add_argument("--id", default="primary", help="rotation id for set-rotation")
    oncall.set_defaults(func=cmd_oncall)

    privacy = sub.add_parser("privacy", help="a resident's data: export it as one JSON document, or erase it")
    privacy.add_argument("action", choices=("export", "erase"))
    privacy.add_argument("--phone", help="E.164, e.g. +12125550142")
    privacy.add_argument("--email")
    privacy.set_defaults(func=cmd_privacy)

    kb = sub.add_parser("kb", help="the help center's articles as Markdown files (import or export a folder)")
    kb.add_argument("action", choices=("import", "export"))
    kb.add_argument("dir")
    kb.add_argument("--by", default="kb-import", help="who the imported versions are by")
    kb.add_argument("--stage", help="a deployed stage's tables instead of the twin's (AWS credentials from the environment)")
    kb.set_defaults(func=cmd_kb)

    report = sub.add_parser("report", help="reports")
    report.add_argument("kind", choices=("escalations", "calls", "kpis", "leasing"))
    report.add_argument("--from", dest="start")
    report.add_argument("--to", dest="end")
    report.add_argument("--property")
    report.add_argument("--json", action="store_true", help="kpis: the raw JSON instead of the table")
    report.add_argument("--csv", action="store_true", help="kpis: CSV for spreadsheets")
    report.add_argument("--at", help="judge the report as of this time (ISO; the twin's demo clock; default now)")
    report.set_defaults(func=cmd_report)

    smoke = sub.add_parser("smoke", help="a stage end to end with a test property (the local twin by default)")
    smoke.add_argument("--stage", default="local")
    smoke.add_argument("--api", help="the stage's API URL (default: PUBLIC_API_URL in its config)")
    smoke.add_argument("--token", help="a staff ID token (default: SMOKE_TOKEN)")
    smoke.add_argument("--property", help="a test property (default on the twin: the first demo property)")
    smoke.set_defaults(func=cmd_smoke)

    tickets = sub.add_parser("tickets", help="list the open-ticket queue")
    tickets.add_argument("--property")
    tickets.add_argument("--status")
    tickets.add_argument("--urgency")
    tickets.add_argument("--limit", type=int)
    tickets.add_argument("--json", action="store_true", help="print the raw JSON")
    tickets.set_defaults(func=cmd_tickets)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
