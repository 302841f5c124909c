"""A prospect's way in: a leasing chat from someone who is not a resident becomes a prospect's ticket answered at
once with a link to the booking page; the page (no script, plain forms) books a tour; the manage link's page
cancels it. Through the real routes on the in-process twin."""
import json
import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.conftest import NOW, chat, sent_mail

pytestmark = pytest.mark.integration

TEN = "2026-11-21T10:00:00-05:00"
AT = {"X-Tenantline-Time": NOW.isoformat()}
FORM = {**AT, "Content-Type": "application/x-www-form-urlencoded"}


def ticket(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def test_a_leasing_question_from_a_stranger_is_a_prospect_answered_with_a_booking_link(client, csr_headers):
    answer, _ = chat(client, "Is the two-bedroom still available? Can I see it Saturday?")
    (reply,) = [m["body"] for m in answer["messages"] if m["direction"] == "outbound"]
    assert "/tours/maple-court/book" in reply and answer["ref"] in reply
    # the same offer, structured, for the widget's booking panel
    assert answer["tour"]["property_id"] == "maple-court" and answer["tour"]["url"] in reply
    assert ticket(client, csr_headers, answer["ticket_id"])["role"] == "prospect"
    page = client.http.get("/tours/maple-court/book", headers=AT)  # the link: the first day with free times,
    # today (Wednesday 10:30): Sam's first time after the two hours' notice
    assert page.status_code == 200 and "value='2026-11-18T12:30:00-05:00'" in page.body.decode()
    spanish, _ = chat(client, "¿Está disponible el departamento de dos recámaras? ¿Puedo verlo el sábado?")
    assert "reservar una visita" in spanish["messages"][-1]["body"]


def test_residents_and_other_questions_are_not_prospects(client, csr_headers):
    known = client.http.post("/chat/sessions", headers={"Content-Type": "application/json"},
                             body=json.dumps({"property_id": "maple-court", "phone": "+12125550142"})).json_body
    posted = client.http.post(f"/chat/sessions/{known['session_id']}/messages",
                              body=json.dumps({"text": "Is the two-bedroom on the third floor still available?"}),
                              headers={"Content-Type": "application/json", "X-Session-Token": known["token"], **AT})
    assert ticket(client, csr_headers, posted.json_body["ticket_id"])["role"] == "resident"
    renew, _ = chat(client, "I want to renew my lease")
    assert ticket(client, csr_headers, renew["ticket_id"])["role"] == "unknown"
    assert "/tours/" not in renew["messages"][-1]["body"] and renew["tour"] is None
    sink, _ = chat(client, "My kitchen sink is leaking")
    assert ticket(client, csr_headers, sink["ticket_id"])["role"] == "unknown"


def test_the_booking_page_books_and_the_manage_page_cancels(client, aws):
    page = client.http.get("/tours/maple-court/book?date=2026-11-21&lang=es", headers=AT)
    assert page.status_code == 200 and "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.body.decode()
    assert "<html lang=es>" in html and "Reserve una visita a Maple Court Apartments" in html
    request_id = re.search(r"name=client_request_id value=([\w-]+)", html).group(1)
    form = urlencode({"start": TEN, "name": "Ana Prospecto", "email": "ana.p@example.com", "phone": "",
                      "language": "es", "client_request_id": request_id})
    booked = client.http.post("/tours/maple-court/book", body=form, headers=FORM)
    assert booked.status_code == 201, booked.body
    text = unescape(booked.body.decode())
    assert "Su visita está reservada: sábado 21 de noviembre a las 10:00" in text
    again = client.http.post("/tours/maple-court/book", body=form, headers=FORM)  # pressed twice
    assert again.status_code == 201 and len([m for m in sent_mail(aws) if m["To"] == "ana.p@example.com"]) == 1
    link = re.search(r"href='[^']*(/tour-bookings/[^']+)'", booked.body.decode()).group(1)
    manage = client.http.get(link, headers=AT)
    assert manage.status_code == 200 and "Cancelar la visita" in manage.body.decode()
    token = link.rsplit("/", 1)[1]
    assert f"action='{token}/cancel'" in manage.body.decode()
    assert "/book" not in manage.body.decode()  # a booked tour offers cancel, not a second booking
    cancelled = client.http.post(f"{link}/cancel", body="", headers=FORM)
    assert cancelled.status_code == 200 and "Esta visita está cancelada." in unescape(cancelled.body.decode())
    assert "href='../tours/maple-court/book?lang=es'" in cancelled.body.decode()
    assert client.http.get("/tours/maple-court/slots?date=2026-11-21", headers=AT).json_body["slots"][0]["start"] == TEN


def test_a_taken_time_on_the_page_shows_the_day_again_with_a_notice(client):
    form = urlencode({"start": TEN, "name": "One", "language": "en"})  # 10:00 has one agent, Rosa
    assert client.http.post("/tours/maple-court/book", body=form, headers=FORM).status_code == 201
    late = client.http.post("/tours/maple-court/book", body=urlencode({"start": TEN, "name": "Two"}), headers=FORM)
    html = late.body.decode()
    assert late.status_code == 409 and "That time was just taken" in html
    assert f"value='{TEN}'" not in html and "value='2026-11-21T11:00:00-05:00'" in html
    bad = client.http.post("/tours/maple-court/book", body=urlencode({"start": TEN}), headers=FORM)
    assert bad.status_code == 400 and "name" in bad.body.decode()


def test_an_email_from_a_prospect_is_a_prospect_and_the_acknowledgement_links_to_booking(aws, client, csr_headers):
    from email.message import EmailMessage

    from chalicelib.models import Guard
    from twin import ses_inbound
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Zoe Park <zoe@example.com>", "help@maplecourt.example", "Apartment"
    mail["Message-ID"] = "<prospect-1@example.com>"
    mail.set_content("Hello, is the two-bedroom still available? Can I see it Saturday?\n\nZoe")
    notification = ses_inbound.receive(aws, mail.as_bytes(), "help@maplecourt.example", at=NOW)
    result = Guard.get(f"SESMSG#{notification['mail']['messageId']}", "GUARD", consistent_read=True).data["result"]
    assert ticket(client, csr_headers, result["ticket_id"])["role"] == "prospect"
    (ack,) = [m for m in sent_mail(aws) if m["To"] == "zoe@example.com"]
    assert "Book a tour yourself here: http" in ack.get_body().get_content()
    assert "/tours/maple-court/book" in ack.get_body().get_content()


def test_the_manage_page_moves_a_tour_to_another_free_time(client, csr_headers):
    made = client.http.post("/tours/maple-court/bookings", headers={**AT, "Content-Type": "application/json"},
                            body=json.dumps({"start": TEN, "name": "Rae"})).json_body
    link = "/tour-bookings/" + made["manage_link"].split("/tour-bookings/", 1)[1]
    token = link.rsplit("/", 1)[1]
    page = client.http.get(link, headers=AT).body.decode()
    assert f"action='{token}/reschedule'" in page and f"value='{TEN}'" not in page  # its own time is not offered
    assert "value='2026-11-21T12:00:00-05:00'" in page
    other_day = client.http.get(f"{link}?date=2026-11-28", headers=AT).body.decode()
    assert "value='2026-11-28T10:00:00-05:00'" in other_day
    moved = client.http.post(f"{link}/reschedule", body=urlencode({"start": "2026-11-21T12:00:00-05:00"}),
                             headers=FORM)
    assert moved.status_code == 201 and "Saturday, November 21 at 12:00" in unescape(moved.body.decode())
    rows = {b["start"][11:16]: b["status"] for b in client.http.get(
        "/tours/maple-court/bookings?date=2026-11-21", headers=csr_headers).json_body["bookings"]}
    assert rows == {"10:00": "cancelled", "12:00": "booked"}
    gone = client.http.get(link, headers=AT).body.decode()
    assert "This tour is cancelled." in gone and "/reschedule" not in gone


def test_the_pages_address_leads_to_the_booking_page(client):
    moved = client.http.get("/app/tours/maple-court?lang=es")
    assert moved.status_code == 302 and moved.headers["Location"] == "../../tours/maple-court/book?lang=es"
    page = client.http.get("/tours/maple-court/book?lang=es")
    assert page.status_code == 200 and "<form" in page.body.decode()
