"""`manage.py simulate day`: a day of mixed contacts played on the running twin through the real entry points
(the chat API, SES inbound, the Connect flows and contact events), then what staff and residents do next
through the HTTP API (CSR replies, acknowledgements, resolutions, reopenings, survey answers), so that
`manage.py report kpis` has honest numbers. Seeded: the same date and seed play the same day."""
from __future__ import annotations

import json
import random
import re
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from twin.seed import PROPERTIES, RESIDENTS

# (language, category of problem, what the resident says); emergencies are a small share, as in life.
ROUTINE = [
    ("en", "The closet door is off its track"), ("en", "The bathroom fan doesn't work"),
    ("en", "The blinds in my bedroom are broken"), ("en", "My dishwasher will not drain"),
    ("en", "I would like to renew my lease"), ("en", "Question about a late fee on my rent"),
    ("en", "Where do I pick up packages?"), ("en", "The kitchen light flickers"),
    ("es", "La puerta del closet se salió del riel"), ("es", "El ventilador del baño no funciona"),
    ("es", "Quiero renovar mi contrato de arrendamiento"), ("es", "La luz de la cocina parpadea"),
]
URGENT = [("en", "There is no hot water in my apartment"), ("en", "I'm locked out of my apartment"),
          ("es", "No hay agua caliente en el baño")]
COMPLAINT = [("en", "I want to file a complaint about the noise from my neighbors"),
             ("en", "The manager was rude to me and I want to complain"),
             ("es", "Quiero poner una queja por el ruido de los vecinos")]
EMERGENCY = [("en", "Water is pouring through my ceiling"), ("es", "Hay agua cayendo del techo")]
CALL_WORDS = {"en": ["the dishwasher will not drain", "the kitchen light flickers", "I would like to renew my lease"],
              "es": ["el lavaplatos no desagua", "la luz de la cocina parpadea"]}


def _pick(rng: random.Random) -> tuple[str, str, str]:
    roll = rng.random()
    kind, pool = (("emergency", EMERGENCY) if roll < 0.08 else ("complaint", COMPLAINT) if roll < 0.16
                  else ("urgent", URGENT) if roll < 0.30 else ("routine", ROUTINE))
    language, text = rng.choice(pool)
    return kind, language, text


class Day:
    def __init__(self, http, staff_headers: dict, session, day: date, contacts: int, seed: int | None = None,
                 moto_url: str = "http://127.0.0.1:5000", time_scale: float = 1 / 60):
        self.http, self.staff, self.session, self.day = http, staff_headers, session, day
        self.contacts, self.moto_url, self.time_scale = contacts, moto_url, time_scale
        self.rng = random.Random(seed if seed is not None else day.toordinal())
        self.played: list[dict] = []
        self.counts: dict[str, int] = {}

    # --- the contacts ---

    def _when(self, zone: ZoneInfo) -> tuple[datetime, bool]:
        """A contact time that day: mostly office hours, the rest evening or night."""
        if self.rng.random() < 0.7:
            minutes, office = self.rng.randint(8 * 60 + 30, 16 * 60 + 45), True
        else:
            minutes, office = self.rng.choice([self.rng.randint(0, 6 * 60), self.rng.randint(18 * 60, 23 * 60 + 50)]), False
        local = datetime.combine(self.day, clock(minutes // 60, minutes % 60), zone)
        return local.astimezone(timezone.utc), office

    def play(self) -> dict:
        for n in range(self.contacts):
            prop = PROPERTIES[0] if self.rng.random() < 0.65 else PROPERTIES[1]
            when, office = self._when(ZoneInfo(prop["timezone"]))
            channel = self.rng.choices(["chat", "voice", "email"], weights=[45, 35, 20])[0]
            kind, language, text = _pick(self.rng)
            try:
                played = getattr(self, f"_{channel}")(n, prop, when, kind, language, text)
            except SystemExit as exc:  # an HTTP error from the twin: note it, play on
                played = {"channel": channel, "error": str(exc)}
            played.update(channel=channel, at=when.isoformat(), office_hours=office, kind=kind, language=language)
            self.played.append(played)
            self._count(channel)
            if played.get("ticket_id"):
                self._acknowledge_if_paging(played)
        for contact in sorted((p for p in self.played if p.get("ticket_id")), key=lambda p: p["at"]):
            self._afterwards(contact)
        return {"date": self.day.isoformat(), "contacts": len(self.played), "by": self.counts,
                "tickets": len({p["ticket_id"] for p in self.played if p.get("ticket_id")}),
                "errors": [p["error"] for p in self.played if p.get("error")], "played": self.played}

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _chat(self, n, prop, when, kind, language, text) -> dict:
        headers = {"X-Tenantline-Time": when.isoformat()}
        phone = self.rng.choice([None, f"+1212555{1000 + n:04d}"])
        made = self.http("POST", "/chat/sessions", {"property_id": prop["sk"], "language": language, "phone": phone},
                         headers)
        posted = self.http("POST", f"/chat/sessions/{made['session_id']}/messages",
                           {"text": text, "client_message_id": str(uuid.uuid4())},
                           {**headers, "X-Session-Token": made["token"]})
        return {"ticket_id": posted["ticket_id"], "session": (made["session_id"], made["token"])}

    def _email(self, n, prop, when, kind, language, text) -> dict:
        from twin import ses_inbound

        message = EmailMessage()
        message["From"] = f"Resident {n} <resident{n}@example.net>"
        message["To"] = prop["inbox"]
        message["Subject"] = text[:60]
        message["Date"] = format_datetime(when)
        message["Message-ID"] = f"<day-{self.day.isoformat()}-{n}-{uuid.uuid4().hex[:8]}@example.net>"
        message.set_content(f"{text}.\n\n{'Gracias' if language == 'es' else 'Thanks'}, resident {n}")
        notification = ses_inbound.receive(self.session, message.as_bytes(), prop["inbox"], at=when)
        return {"ticket_id": self._mail_ticket(notification["mail"]["messageId"])}

    @staticmethod
    def _mail_ticket(ses_id: str) -> str | None:
        from chalicelib.models import Guard, keys

        for _ in range(50):  # the inbound Lambda runs from the topic's delivery: wait for its result
            try:
                result = (Guard.get(keys.ses_message_claim(ses_id), "GUARD", consistent_read=True).data or {})
                result = result.get("result") or {}
                if result.get("ticket_id") or result.get("quarantined"):
                    return result.get("ticket_id")
            except Exception:  # noqa: BLE001 - not written yet
                pass
            time.sleep(0.1)
        return None

    def _voice(self, n, prop, when, kind, language, text) -> dict:
        from twin.connect import Connect

        known = [r for r in RESIDENTS[prop["sk"]]]
        caller = self.rng.choice(known)[0] if self.rng.random() < 0.3 else f"+1646555{2000 + n:04d}"
        words = text if kind == "emergency" else self.rng.choice(CALL_WORDS[language])
        menu = "1" if kind == "emergency" else self.rng.choice(["2", "3", "0"])
        connect = Connect(self.session, "local", presses=["2" if language == "es" else "1", menu], words=words)
        contact, outcomes = connect.call(caller, prop["phone_numbers"][0], when)
        abandon = self.rng.random() < 0.1
        wait = self.rng.choice([5, 10, 15, 18, 25, 40, 70])
        connect.report(contact, outcomes, wait, self.rng.randint(90, 480), abandon)
        return {"ticket_id": contact.attributes.get("ticket_id"), "abandoned": abandon, "queue_wait": wait}

    # --- what staff and the resident do next ---

    def _ticket(self, ticket_id: str, when: datetime | None = None) -> dict:
        return self.http("GET", f"/tickets/{ticket_id}", None, self.staff)

    def _as_staff(self, method: str, path: str, body: dict, when: datetime) -> dict:
        return self.http(method, path, body, {**self.staff, "X-Tenantline-Time": when.isoformat()})

    def _afterwards(self, contact: dict) -> None:
        ticket = self._ticket(contact["ticket_id"])
        arrived = datetime.fromisoformat(contact["at"])
        zone = ZoneInfo(next(p["timezone"] for p in PROPERTIES if p["sk"] == ticket["property_id"]))
        # After hours, staff pick it up the next morning.
        start = arrived if contact["office_hours"] else \
            datetime.combine(arrived.astimezone(zone).date() + timedelta(days=1), clock(9, 0), zone).astimezone(timezone.utc)
        if ticket["urgency"] == "emergency":
            start = arrived
        if ticket["channel"] in ("chat", "email") and self.rng.random() < 0.85:
            delay = timedelta(minutes=self.rng.choice([10, 25, 45, 50, 90, 150]))
            reply = "Thanks, we're on it." if ticket["language"] == "en" else "Gracias, ya lo estamos atendiendo."
            self._as_staff("POST", f"/tickets/{ticket['id']}/reply", {"body": reply}, start + delay)
            self._count("replied")
        if self.rng.random() < 0.3 and ticket["urgency"] != "emergency":
            return  # still open
        resolved = start + timedelta(hours=self.rng.choice([1, 2, 3, 5, 8]))
        self._as_staff("POST", f"/tickets/{ticket['id']}/status", {"status": "resolved"}, resolved)
        self._count("resolved")
        if contact.get("session") and self.rng.random() < 0.08:  # "it broke again": the resident writes back
            session_id, token = contact["session"]
            self.http("POST", f"/chat/sessions/{session_id}/messages",
                      {"text": "It stopped working again", "client_message_id": str(uuid.uuid4())},
                      {"X-Session-Token": token, "X-Tenantline-Time": (resolved + timedelta(hours=2)).isoformat()})
            self._count("reopened")
            return
        if self.rng.random() < 0.6:
            self._answer(contact, ticket, resolved + timedelta(minutes=self.rng.randint(5, 600)))

    def _acknowledge_if_paging(self, contact: dict) -> None:
        """On call answers a page while the escalation runs. The twin runs a policy minute in a wall second and
        measures time-to-human by the execution's own clock, so the technician's delay is really waited here
        (2 to 20 policy minutes; one page in ten is answered late, after 35)."""
        for _ in range(100):
            ticket = self._ticket(contact["ticket_id"])
            if ticket["urgency"] != "emergency" or ticket.get("escalation") in (None, "no_policy"):
                return
            if ticket.get("escalation_proof"):
                break
            time.sleep(0.1)
        else:
            return
        minutes = 35 if self.rng.random() < 0.1 else self.rng.randint(2, 20)
        time.sleep(minutes * 60 * self.time_scale)
        arrived = datetime.fromisoformat(contact["at"])
        self._as_staff("POST", f"/tickets/{contact['ticket_id']}/ack", {}, arrived + timedelta(minutes=minutes))
        self._count("acknowledged")

    def _scores(self) -> dict:
        csat = self.rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
        nps = max(0, min(10, csat * 2 + self.rng.choice([-2, -1, 0, 0, 1])))
        answer = {"csat": csat, "nps": nps}
        if csat <= 2:
            answer["comment"] = "It took too long."
        return answer

    def _answer(self, contact: dict, ticket: dict, when: datetime) -> None:
        answer = self._scores()
        headers = {"X-Tenantline-Time": when.isoformat()}
        if contact.get("session"):
            session_id, token = contact["session"]
            self.http("POST", f"/chat/sessions/{session_id}/csat", answer, {**headers, "X-Session-Token": token})
        else:
            token = self._survey_token(ticket)
            if token is None:
                return  # not asked (no consent to texts), or no address
            self.http("POST", f"/survey/{token}", answer, {**headers, "Accept": "application/json"})
        self._count("surveys_answered")

    def _survey_token(self, ticket: dict) -> str | None:
        """The link the resident got: in the email on the thread, or in the text the twin's outbox recorded."""
        fresh = self._ticket(ticket["id"])
        for message in fresh["messages"]:
            found = re.search(r"/survey/([A-Za-z0-9_.-]+)", message["body"])
            if message["direction"] == "outbound" and found:
                return found.group(1)
        if (fresh.get("survey") or {}).get("sent_via") != "sms":
            return None
        from twin import sms  # texts go through End User Messaging, played by the twin's stand-in

        found = [m.group(1) for t in sms.outbox(self.session) if fresh["ref"] in t["body"]
                 for m in [re.search(r"/survey/([A-Za-z0-9_.-]+)", t["body"])] if m]
        return found[-1] if found else None


def summary_line(result: dict) -> str:
    return json.dumps({k: result[k] for k in ("date", "contacts", "tickets", "by", "errors")}, ensure_ascii=False)
