"""After the tour: the agent marks it completed or no_show (and whether the prospect applied), a completed tour
gets a follow-up, and the leasing report counts leads, first response, tours, show rate and applications.
Through the real routes on the in-process twin."""
import json

import pytest

from chalicelib.core import auth
from tests.conftest import NOW, chat, sent_mail, wait_for

pytestmark = pytest.mark.integration

ELEVEN = "2026-11-21T11:00:00-05:00"  # Rosa and Sam
BEFORE = {"Content-Type": "application/json", "X-Tenantline-Time": NOW.isoformat()}
AFTER = "2026-11-21T17:00:00+00:00"  # Saturday 12:00 in New York: the 11:00 tours are over


def book(client, name, **extra):
    answer = client.http.post("/tours/maple-court/bookings", headers=BEFORE,
                              body=json.dumps({"start": ELEVEN, "name": name, **extra}))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def outcome(client, headers, booking_id, at=AFTER, **body):
    return client.http.post(f"/tours/maple-court/bookings/{booking_id}/outcome", body=json.dumps(body),
                            headers={**headers, "X-Tenantline-Time": at})


def test_outcomes_follow_up_and_the_leasing_report(client, csr_headers, aws):
    chat(client, "Is the two-bedroom still available? Can I see it Saturday?")
    chat(client, "My kitchen sink is leaking")  # a resident's problem: not a lead
    came = book(client, "Nia Cole", email="nia@example.com", source="website")
    stayed_away = book(client, "Omar Said", source="listing site", email="omar@example.com", language="es")
    cancelled = client.http.post("/tours/maple-court/bookings", headers=BEFORE,
                                 body=json.dumps({"start": "2026-11-21T12:00:00-05:00", "name": "Pat"})).json_body
    link = "/tour-bookings/" + cancelled["manage_link"].split("/tour-bookings/", 1)[1]
    assert client.http.post(f"{link}/cancel", headers={**BEFORE, "Accept": "application/json"}).status_code == 200

    assert outcome(client, csr_headers, came["booking_id"], at=NOW.isoformat(), status="completed").status_code == 400
    done = outcome(client, csr_headers, came["booking_id"], status="completed", applied=True)
    assert done.status_code == 200 and done.json_body == {"booking_id": came["booking_id"], "status": "completed",
                                                          "applied": True}
    assert outcome(client, csr_headers, came["booking_id"], status="no_show").status_code == 409
    assert outcome(client, csr_headers, stayed_away["booking_id"], status="no_show").status_code == 200
    assert outcome(client, csr_headers, "01NOSUCHBOOKING", status="no_show").status_code == 404
    assert outcome(client, csr_headers, came["booking_id"], status="maybe").status_code == 400
    elsewhere = {"Authorization": f"Bearer {auth.dev_token('csr', properties='sunset-villas')}",
                 "Content-Type": "application/json"}
    assert outcome(client, elsewhere, stayed_away["booking_id"], status="completed").status_code == 403
    def follow_ups(to, start):
        return [m for m in sent_mail(aws) if m["To"] == to and m["Subject"].startswith(start)]
    wait_for(lambda: follow_ups("nia@example.com", "Thanks") and follow_ups("omar@example.com", "No pudimos"))
    assert len(follow_ups("nia@example.com", "Thanks")) == 1
    (missed,) = follow_ups("omar@example.com", "No pudimos")  # a no-show is invited to book again, in Spanish
    assert "/tours/maple-court/book?lang=es" in missed.get_body(("plain",)).get_content()

    listed = {b["booking_id"]: b["status"] for b in client.http.get(
        "/tours/maple-court/bookings?date=2026-11-21", headers=csr_headers).json_body["bookings"]}
    assert listed == {came["booking_id"]: "completed", stayed_away["booking_id"]: "no_show",
                      cancelled["booking_id"]: "cancelled"}
    report = client.http.get("/reports/leasing?from=2026-11-01&to=2026-11-30&property=maple-court",
                             headers={**csr_headers, "X-Tenantline-Time": AFTER}).json_body
    assert report["leads"] == 1 and report["leads_by_source"] == {"website widget": 1}
    assert report["median_first_response_seconds"] == 0  # answered at once, automatically
    assert report["tours_booked"] == 2 and report["tours_cancelled"] == 1
    assert report["tours_by_source"] == {"website": 1, "listing site": 1}
    assert report["show_rate"] == 0.5 and report["applied"] == 1 and report["applied_share"] == 1.0
    assert client.http.get("/reports/leasing?property=maple-court", headers=elsewhere).status_code == 403


def test_a_tour_booked_this_month_for_next_month_counts_in_this_months_report(client, csr_headers):
    answer = client.http.post("/tours/maple-court/bookings", headers=BEFORE,
                              body=json.dumps({"start": "2026-12-05T10:00:00-05:00", "name": "Dee", "source": "ad"}))
    assert answer.status_code == 201
    november = client.http.get("/reports/leasing?from=2026-11-01&to=2026-11-30&property=maple-court",
                               headers=csr_headers).json_body
    assert november["tours_booked"] == 1 and november["tours_by_source"] == {"ad": 1}
    december = client.http.get("/reports/leasing?from=2026-12-01&to=2026-12-31&property=maple-court",
                               headers=csr_headers).json_body
    assert december["tours_booked"] == 0  # booked in November; its outcome will count in December's show rate
