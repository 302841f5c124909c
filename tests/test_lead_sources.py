"""Where leads come from (rules/leads.py): a campaign first, then the property's label for the address or number
a prospect wrote to, else the channel; and their own "how did you hear about us?". Through the real routes."""
import json
from email.message import EmailMessage

import pytest

from chalicelib.rules import leads
from tests.conftest import NOW

CLOCK = {"Content-Type": "application/json", "X-Tenantline-Time": NOW.isoformat()}
LABELS = {"Zillow@MapleCourt.example": "Zillow", "+12125550150": "Bus shelter ad"}


def test_a_campaign_comes_first_then_the_address_label_then_the_channel():
    assert leads.source("chat", LABELS, campaign_name="  spring   open house ") == "campaign: spring open house"
    assert leads.source("email", LABELS, ["help@maplecourt.example", "zillow@maplecourt.example"]) == "Zillow"
    assert leads.source("voice", LABELS, ["+12125550150"]) == "Bus shelter ad"
    assert leads.source("voice", LABELS, [None]) == "phone"
    assert leads.source("chat") == "website widget"
    assert leads.discovery("  A friend\n told me ") == "a friend told me" and leads.discovery("   ") is None


def test_a_blank_campaign_leaves_a_bookings_own_source():
    from chalicelib.lifecycle.tours import Prospect
    assert leads.campaign("   ") is None
    assert Prospect("Ana", source="listing site", campaign="  ").source == "listing site"
    assert Prospect("Ana", source="listing site", campaign="fall-ad").source == "campaign: fall-ad"


@pytest.mark.integration
def test_the_leasing_report_counts_leads_and_tours_by_source_and_discovery(aws, client, csr_headers):
    from chalicelib.models import Property
    from tests.test_email import receive
    prop = Property.get("PORTFOLIO", "maple-court")
    prop.update(actions=[Property.lead_sources.set(LABELS)])

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Sam <sam@example.com>", "zillow@maplecourt.example", "2BR"
    message["Message-ID"] = "<zillow-lead@example.com>"
    message.set_content("Hi, is the two-bedroom still available? Can I see it Saturday?")
    by_mail = receive(aws, message.as_bytes())["ticket_id"]

    session = client.http.post("/chat/sessions", headers=CLOCK, body=json.dumps(
        {"property_id": "maple-court", "campaign": "holiday-flyer", "discovery": "Instagram"})).json_body
    posted = client.http.post(f"/chat/sessions/{session['session_id']}/messages",
                              headers={**CLOCK, "X-Session-Token": session["token"]},
                              body=json.dumps({"text": "Do you have any 1 bedroom apartments for rent in January?"}))
    by_chat = posted.json_body["ticket_id"]
    booked = client.http.post("/tours/maple-court/bookings", headers=CLOCK, body=json.dumps(
        {"start": "2026-11-21T11:00:00-05:00", "name": "Una", "campaign": "holiday-flyer",
         "discovery": "instagram "}))
    assert booked.status_code == 201

    seen = {t: client.http.get(f"/tickets/{t}", headers=csr_headers).json_body for t in (by_mail, by_chat)}
    assert (seen[by_mail]["role"], seen[by_mail]["source"]) == ("prospect", "Zillow")
    assert (seen[by_chat]["role"], seen[by_chat]["source"], seen[by_chat]["discovery"]) == \
        ("prospect", "campaign: holiday-flyer", "instagram")
    report = client.http.get("/reports/leasing?from=2026-11-01&to=2026-11-30&property=maple-court",
                             headers=csr_headers).json_body
    assert report["leads_by_source"] == {"Zillow": 1, "campaign: holiday-flyer": 1}
    assert report["leads_by_discovery"] == {"instagram": 1}
    assert report["tours_by_source"] == {"campaign: holiday-flyer": 1}
    assert report["tours_by_discovery"] == {"instagram": 1}


@pytest.mark.integration
def test_the_booking_page_carries_the_campaign_and_asks_how_they_heard(client, csr_headers):
    page = client.http.get("/tours/maple-court/book?date=2026-11-21&utm_campaign=open%20house", headers=CLOCK)
    body = page.body.decode()
    assert "How did you hear about us?" in body and "name=campaign value='open house'" in body
    assert "utm_campaign=open%20house" in body  # the other days keep it
    form = {"start": "2026-11-21T13:00:00-05:00", "name": "Vic", "language": "en", "campaign": "open house",
            "discovery": "Drove by", "client_request_id": "page-1"}
    from urllib.parse import urlencode
    made = client.http.post("/tours/maple-court/book", body=urlencode(form),
                            headers={**CLOCK, "Content-Type": "application/x-www-form-urlencoded"})
    assert made.status_code == 201
    (row,) = [b for b in client.http.get("/tours/maple-court/bookings?date=2026-11-21",
                                         headers=csr_headers).json_body["bookings"] if b["name"] == "Vic"]
    assert row["source"] == "campaign: open house"
