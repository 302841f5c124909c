"""The email channel on the in-process twin: SES inbound as SES does it (raw MIME in the bucket, the S3
action's notification on the topic), the real inbound_email handler, and SES for what we send."""
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, emergency_notifications, sent_mail, wait_for
from twin import ses_inbound

pytestmark = pytest.mark.integration
EMAILS = Path(__file__).parent / "emails"
INBOX = "help@maplecourt.example"


def eml(name: str, **replace) -> bytes:
    raw = (EMAILS / f"{name}.eml").read_bytes()
    for key, value in replace.items():
        raw = raw.replace(f"REPLACE-{key.upper().replace('_', '-')}".encode(), value.encode())
    return raw


def receive(aws, raw: bytes, at: datetime = NOW, **verdicts) -> dict:
    """Deliver as SES would, received at `at` (by default Wednesday 10:30 in New York: the office is open)."""
    notification = ses_inbound.receive(aws, raw, INBOX, at=at, **verdicts)
    from chalicelib.models import Guard
    guard = Guard.get(f"SESMSG#{notification['mail']['messageId']}", "GUARD", consistent_read=True)
    return guard.data["result"]


def ticket(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


@pytest.mark.parametrize("name, urgency, language, words", [
    ("outlook", "urgent", "en", "small leak under my kitchen sink"),
    ("apple_mail_es", "urgent", "es", "no hay agua caliente en el baño"),
    ("html_only", "routine", "en", "What time does the gym close"),
    ("encoded_subject", "emergency", "es", "Cae mucha agua del techo"),
    ("android_photo", "emergency", "en", "Water is coming through the bathroom ceiling"),
    ("mislabelled_charset", "urgent", "es", "La calefacción no funciona"),
])
def test_real_client_mail_becomes_a_triaged_acknowledged_ticket(aws, client, csr_headers, name, urgency, language,
                                                              words):
    result = receive(aws, eml(name))
    assert result["new"] and result["acknowledged"]
    t = ticket(client, csr_headers, result["ticket_id"])
    assert (t["channel"], t["urgency"], t["language"]) == ("email", urgency, language)
    first = t["messages"][0]
    assert words in first["body"] and ">" not in first["body"] and "Enviado desde" not in first["body"]
    acks = sent_mail(aws)
    assert len(acks) == 1 and acks[0]["Auto-Submitted"] == "auto-replied"
    assert f"[{t['ref']}]" in acks[0]["Subject"] and acks[0]["From"].addresses[0].addr_spec == INBOX
    body = acks[0].get_body().get_content()
    assert ("Gracias" in body) == (language == "es") and t["ref"] in body and acks[0]["Content-Language"] == language
    if urgency != "routine":
        assert ("911" in body) and ("+12125550199" in body)


def test_attachments_are_kept_under_the_ticket(aws, client, csr_headers):
    result = receive(aws, eml("android_photo"))
    from chalicelib.tickets import store as tickets
    message = tickets.thread(result["ticket_id"])[0]
    (photo,) = message.attachments
    assert photo.name == "IMG_20261118_161955.jpg" and photo.content_type == "image/jpeg" and photo.size > 3000
    assert photo.key.startswith(f"attachments/{result['ticket_id']}/")
    stored = aws.client("s3").get_object(Bucket="tenantline-test-raw-mail-123456789012", Key=photo.key)
    assert stored["Body"].read().startswith(b"\xff\xd8") and message.raw_key.startswith("inbound/")


def test_attachment_limits_are_stated_on_the_ticket(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.MAX_ATTACHMENT_BYTES", 2000)
    result = receive(aws, eml("android_photo"))
    body = ticket(client, csr_headers, result["ticket_id"])["messages"][0]["body"]
    assert "attachment not kept: IMG_20261118_161955.jpg" in body


def test_forwarded_message_keeps_its_content_and_attachment(aws, client, csr_headers):
    result = receive(aws, eml("forwarded"))
    body = ticket(client, csr_headers, result["ticket_id"])["messages"][0]["body"]
    assert "Is this notice real?" in body and "closed Monday for resurfacing" in body
    from chalicelib.tickets import store as tickets
    assert [a.name for a in tickets.thread(result["ticket_id"])[0].attachments] == ["notice.pdf"]


def test_malformed_headers_and_empty_bodies_still_make_tickets(aws, client, csr_headers):
    broken = ticket(client, csr_headers, receive(aws, eml("malformed_headers"))["ticket_id"])
    assert broken["contact"]["email"] == "real.address@example.net"  # Reply-To honoured
    assert "garbage disposal is jammed" in broken["messages"][0]["body"]
    empty = ticket(client, csr_headers, receive(aws, eml("empty_body"))["ticket_id"])
    assert empty["messages"][0]["body"].startswith("(no text)") and empty["category"] == "maintenance"


def first_ticket(aws):
    first = receive(aws, eml("outlook"))
    ack = sent_mail(aws)[0]
    return first, ack["Message-ID"].strip().strip("<>")


def test_reply_threads_into_its_ticket_without_a_second_ack(aws, client, csr_headers):
    first, ack_id = first_ticket(aws)
    ref = ticket(client, csr_headers, first["ticket_id"])["ref"]
    second = receive(aws, eml("gmail_reply", ack_id=ack_id, ref=ref))
    assert second == {"ticket_id": first["ticket_id"], "ref": ref, "new": False, "acknowledged": False}
    t = ticket(client, csr_headers, first["ticket_id"])
    inbound = [m["body"] for m in t["messages"] if m["direction"] == "inbound"]
    assert inbound[-1] == "Thursday afternoon works, the bucket is almost full now."
    assert len(sent_mail(aws)) == 1


def test_subject_reference_alone_threads_only_for_participants(aws, client, csr_headers):
    first, _ack = first_ticket(aws)
    ref = ticket(client, csr_headers, first["ticket_id"])["ref"]
    stranger = receive(aws, eml("stranger_same_subject", ref=ref))
    assert stranger["new"] and stranger["ticket_id"] != first["ticket_id"]
    same_person = eml("gmail_reply", ack_id="unknown@nowhere", ref=ref)
    assert receive(aws, same_person)["ticket_id"] == first["ticket_id"]


@pytest.mark.parametrize("name", ["bounce", "out_of_office"])
def test_bounces_and_out_of_office_get_no_auto_reply(aws, client, csr_headers, name):
    first, ack_id = first_ticket(aws)
    ref = ticket(client, csr_headers, first["ticket_id"])["ref"]
    result = receive(aws, eml(name, ack_id=ack_id, ref=ref))
    assert len(sent_mail(aws)) == 1  # only the first acknowledgement, ever
    if name == "out_of_office":  # threads by our Message-ID: kept on the ticket as automated
        assert result["ticket_id"] == first["ticket_id"]
        t = ticket(client, csr_headers, first["ticket_id"])
        assert t["messages"][-1]["automated"] and t["status"] == "new"
    else:
        assert result["quarantined"] and "automated" in result["reason"]


def test_triple_delivery_makes_one_ticket_and_one_ack(aws, client, csr_headers):
    notification = ses_inbound.receive(aws, eml("outlook"), INBOX, message_id="fixed-ses-id", at=NOW)
    for _ in range(2):  # SNS delivers the very same notification twice more
        aws.client("sns").publish(TopicArn=notification["receipt"]["action"]["topicArn"],
                                  Message=json.dumps(notification))
    queue = client.http.get("/tickets", headers=csr_headers).json_body["tickets"]
    assert len(queue) == 1 and len(sent_mail(aws)) == 1
    assert len(ticket(client, csr_headers, queue[0]["id"])["messages"]) == 2  # the mail and its one ack
    from chalicelib.channels.mail import inbound
    assert inbound.handle(notification, NOW) == {"ticket_id": queue[0]["id"], "ref": queue[0]["ref"], "new": True,
                                                 "acknowledged": True, "replayed": True}


def test_auto_replies_are_rate_limited_per_sender(aws, client, csr_headers):
    # The cap counts per clock hour of arrival: five messages within one hour, then one in the next hour.
    outcomes = [receive(aws, eml("html_only"), at=NOW + timedelta(minutes=5 * n)) for n in range(5)]
    assert [o["acknowledged"] for o in outcomes] == [True, True, True, False, False]
    assert len(sent_mail(aws)) == 3
    skipped = ticket(client, csr_headers, outcomes[-1]["ticket_id"])["audit"]
    assert any(a["action"] == "auto_ack_skipped" for a in skipped)
    assert receive(aws, eml("html_only"), at=NOW + timedelta(hours=1))["acknowledged"]  # a new hour


@pytest.mark.parametrize("local_time, open_now, opens", [
    ("2026-11-18T02:00:00-05:00", False, "Wed 08:00"),  # 2 a.m. Wednesday: opens at 8 the same morning
    ("2026-11-18T11:00:00-05:00", True, None),
    ("2026-11-18T17:30:00-05:00", False, "Thu 08:00"),  # just after closing
    ("2026-11-26T11:00:00-05:00", False, "Fri 08:00"),  # Thanksgiving: a holiday at 11 a.m.
])
def test_the_acknowledgement_says_whether_the_office_is_open_when_the_mail_arrives(aws, local_time, open_now, opens):
    receive(aws, eml("html_only"), at=datetime.fromisoformat(local_time))
    (ack,) = sent_mail(aws)
    body = ack.get_body().get_content()
    assert ("The office is open now" in body) == open_now
    assert ("The office is closed right now" in body) == (not open_now)
    if opens:
        assert f"after it opens ({opens})" in body

def test_spam_and_virus_are_quarantined_listed_and_releasable(aws, client, csr_headers):
    spam = receive(aws, eml("outlook"), spam="FAIL")
    virus = receive(aws, eml("android_photo"), virus="FAIL")
    assert spam["quarantined"] and virus["quarantined"] and not sent_mail(aws)
    assert client.http.get("/tickets", headers=csr_headers).json_body["tickets"] == []
    listed = client.http.get("/quarantine", headers=csr_headers).json_body["quarantine"]
    assert {q["reason"] for q in listed} == {"spam", "virus"}
    released = client.http.post(f"/quarantine/{virus['quarantine_id']}/release", headers=csr_headers).json_body
    t = ticket(client, csr_headers, released["ticket_id"])
    assert "not kept" in t["messages"][0]["body"] and t["urgency"] == "emergency"
    from chalicelib.tickets import store as tickets
    assert tickets.thread(released["ticket_id"])[0].attachments == []  # never opened, never served
    again = client.http.post(f"/quarantine/{virus['quarantine_id']}/release", headers=csr_headers)
    assert again.status_code == 409 and "already released" in again.json_body["Message"]


def test_spf_and_dkim_results_are_recorded(aws):
    result = receive(aws, eml("html_only"), spf="FAIL", dkim="GRAY")
    from chalicelib.tickets import store as tickets
    assert tickets.thread(result["ticket_id"])[0].auth == {"spf": "FAIL", "dkim": "GRAY", "dmarc": "FAIL"}
    assert not result["acknowledged"]  # a sender who failed authentication gets no automatic reply


def test_emergency_mail_is_flagged_to_on_call(aws):
    result = receive(aws, eml("encoded_subject"))
    assert wait_for(lambda: any(result["ref"] in n for n in emergency_notifications(aws)))


def test_csr_reply_goes_out_threaded_from_the_property_inbox(aws, client, csr_headers):
    first, ack_id = first_ticket(aws)
    response = client.http.post(f"/tickets/{first['ticket_id']}/reply",
                                body=json.dumps({"body": "A technician will come Thursday at 2pm."}),
                                headers=csr_headers)
    assert response.status_code == 200
    reply = sent_mail(aws)[-1]
    assert reply["To"] == "keisha.brown@outlook.com" and f"[{first['ref']}]" in reply["Subject"]
    assert reply["In-Reply-To"].strip() == "<BN8PR04MB6211A1B2C3D4E5F6@BN8PR04MB6211.namprd04.prod.outlook.com>"
    assert f"<{ack_id}>" in reply["References"] and "Auto-Submitted" not in reply
    # the resident's answer to the CSR threads back in
    answer = eml("gmail_reply", ack_id=reply["Message-ID"].strip().strip("<>"), ref="TL-NONE")
    assert receive(aws, answer)["ticket_id"] == first["ticket_id"]


def close_at(client, csr_headers, ticket_id, when: datetime) -> None:
    for status in ("resolved", "closed"):
        assert client.http.post(f"/tickets/{ticket_id}/status", body=json.dumps({"status": status}),
                                headers={**csr_headers, "X-Tenantline-Time": when.isoformat()}).status_code == 200


def test_closed_ticket_reopens_within_the_window_else_a_linked_ticket(aws, client, csr_headers):
    first, ack_id = first_ticket(aws)
    ref = ticket(client, csr_headers, first["ticket_id"])["ref"]
    resolved = NOW + timedelta(hours=2)
    close_at(client, csr_headers, first["ticket_id"], resolved)
    within = resolved + timedelta(days=14) - timedelta(minutes=1)  # the last minute of the 14-day window
    assert receive(aws, eml("gmail_reply", ack_id=ack_id, ref=ref), at=within)["ticket_id"] == first["ticket_id"]
    assert ticket(client, csr_headers, first["ticket_id"])["status"] == "in_progress"
    resolved = within + timedelta(hours=1)
    close_at(client, csr_headers, first["ticket_id"], resolved)
    too_late = resolved + timedelta(days=14, minutes=1)
    later = receive(aws, eml("gmail_reply", ack_id=ack_id, ref=ref).replace(b"CAJx9Lh", b"later"), at=too_late)
    assert later["new"] and later["ticket_id"] != first["ticket_id"]
    linked = ticket(client, csr_headers, later["ticket_id"])
    assert linked["status"] == "new"
    from chalicelib.tickets import store as tickets
    assert tickets.get_ticket(later["ticket_id"]).linked_ticket_id == first["ticket_id"]


def test_mail_for_an_unknown_domain_is_kept_in_quarantine(aws):
    from chalicelib.channels.mail import inbound
    from tests.conftest import NOW
    result = inbound.handle({"notificationType": "Received",
                             "mail": {"messageId": "x1", "commonHeaders": {"from": ["a@b.example"], "subject": "hi"}},
                             "receipt": {"recipients": ["help@elsewhere.example"], "action": {}}}, NOW)
    assert result["quarantined"] and "no property" in result["reason"]
    assert inbound.handle({"garbage": True}, NOW)["quarantined"]


def test_csrs_see_attachments_and_get_a_download_link(aws, client, csr_headers):
    result = receive(aws, eml("android_photo"))
    first = ticket(client, csr_headers, result["ticket_id"])["messages"][0]
    assert first["attachments"] == [{"index": 0, "name": "IMG_20261118_161955.jpg", "content_type": "image/jpeg",
                                     "size": first["attachments"][0]["size"]}]
    link = client.http.get(f"/tickets/{result['ticket_id']}/messages/{first['message_id']}/attachments/0",
                           headers=csr_headers).json_body
    assert "Signature=" in link["url"] and "IMG_20261118_161955.jpg" in link["url"] and link["expires_in"] == 300
    missing = client.http.get(f"/tickets/{result['ticket_id']}/messages/{first['message_id']}/attachments/5",
                              headers=csr_headers)
    assert missing.status_code == 404


def plain_mail(subject="Leaking sink", sender="Eve <eve@example.com>", reply_to=None, body="The sink leaks.",
               message_id="<m1@example.com>") -> bytes:
    from email.message import EmailMessage
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = sender, INBOX, subject, message_id
    if reply_to:
        mail["Reply-To"] = reply_to
    mail.set_content(body)
    return mail.as_bytes()


@pytest.mark.parametrize("verdicts, reply_to, reason", [
    ({"spf": "FAIL", "dkim": "FAIL"}, None, "failed authentication"),
    ({"spf": "GRAY", "dkim": "GRAY"}, "victim@elsewhere.example", "Reply-To points to another domain"),
])
def test_no_auto_reply_is_relayed_for_a_sender_who_is_not_who_they_claim(aws, client, csr_headers, verdicts, reply_to,
                                                                         reason):
    opened = receive(aws, plain_mail(subject="Buy cheap pills at spam.example", reply_to=reply_to), **verdicts)
    assert opened["new"] and not opened["acknowledged"] and sent_mail(aws) == []
    audit = ticket(client, csr_headers, opened["ticket_id"])["audit"]
    assert any(a["action"] == "auto_ack_skipped" and reason in a["detail"]["reason"] for a in audit)


def test_an_unauthenticated_sender_gets_an_ack_that_echoes_nothing_of_theirs(aws):
    opened = receive(aws, plain_mail(subject="Visit spam.example now", sender="Click spam.example <eve@example.com>"),
                     spf="GRAY", dkim="GRAY")
    (ack,) = sent_mail(aws)
    assert opened["acknowledged"] and "spam.example" not in str(ack["Subject"]) + ack.get_content()


def test_plus_addressing_does_not_beat_the_auto_reply_limit(aws):
    outcomes = [receive(aws, plain_mail(sender=f"Eve <eve+{n}@example.com>", message_id=f"<p{n}@example.com>"),
                        at=NOW + timedelta(minutes=n)) for n in range(5)]
    assert [o["acknowledged"] for o in outcomes] == [True, True, True, False, False]
