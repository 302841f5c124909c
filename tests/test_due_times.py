"""Service levels a CSR sees on each new ticket: the first-response and resolution due times, for each
urgency and category, on the property's business calendar (Maple Court: Mon–Fri 8–17 and Sat 10–14 in New
York, NY holidays, closed 24 December; Sunset Villas: Mon–Fri 9–18 in Los Angeles). Through the chat API."""
from datetime import datetime

import pytest

from tests.conftest import chat

pytestmark = pytest.mark.integration

EMERGENCY = "Water is pouring through my ceiling"
URGENT = "No hot water since this morning"
ROUTINE = "The blinds in my bedroom are broken"
COMPLAINT = "I want to file a complaint about the rude leasing agent"
LEASING = "Is there a two bedroom apartment available to rent in January?"


def new_ticket(client, csr_headers, text, at, property_id="maple-court"):
    posted, _ = chat(client, text, property_id, at)
    return client.http.get(f"/tickets/{posted['ticket_id']}", headers=csr_headers).json_body


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.parametrize("text, at, first, resolve, why", [
    # Wall clock, whatever the office hours: emergencies 30 minutes / 24 hours, urgent work 2 / 48 hours.
    (EMERGENCY, "2026-11-18T15:30:00-05:00", "2026-11-18T16:00:00-05:00", "2026-11-19T15:30:00-05:00", "open"),
    (EMERGENCY, "2026-11-26T02:00:00-05:00", "2026-11-26T02:30:00-05:00", "2026-11-27T02:00:00-05:00",
     "2 a.m. on Thanksgiving"),
    (URGENT, "2026-11-21T22:00:00-05:00", "2026-11-22T00:00:00-05:00", "2026-11-23T22:00:00-05:00",
     "Saturday night"),
    # Business time: routine 8 / 40 office hours; a complaint is answered within one office hour.
    (ROUTINE, "2026-11-18T15:30:00-05:00", "2026-11-19T14:30:00-05:00", "2026-11-24T15:30:00-05:00",
     "1.5 h Wednesday, then Thursday; resolution counts Saturday's 4 hours"),
    (LEASING, "2026-11-18T15:30:00-05:00", "2026-11-19T14:30:00-05:00", "2026-11-24T15:30:00-05:00",
     "any routine category"),
    (COMPLAINT, "2026-11-18T15:30:00-05:00", "2026-11-18T16:30:00-05:00", "2026-11-24T15:30:00-05:00",
     "within the day"),
    (ROUTINE, "2026-11-20T16:30:00-05:00", "2026-11-23T11:30:00-05:00", "2026-11-27T16:30:00-05:00",
     "across Friday's closing and the weekend; Thanksgiving does not count"),
    (COMPLAINT, "2026-11-20T16:30:00-05:00", "2026-11-21T10:30:00-05:00", "2026-11-27T16:30:00-05:00",
     "Friday 16:30: half an hour Friday, half an hour Saturday"),
    (ROUTINE, "2026-11-25T16:00:00-05:00", "2026-11-27T15:00:00-05:00", "2026-12-02T16:00:00-05:00",
     "the day before Thanksgiving"),
    (COMPLAINT, "2026-12-23T16:30:00-05:00", "2026-12-26T10:30:00-05:00", "2026-12-31T16:30:00-05:00",
     "closed 24 December, Christmas Day a holiday"),
])
def test_due_times_follow_the_business_calendar(client, csr_headers, text, at, first, resolve, why):
    ticket = new_ticket(client, csr_headers, text, at)
    assert utc(ticket["first_response_due"]) == datetime.fromisoformat(first), why
    assert utc(ticket["resolve_due"]) == datetime.fromisoformat(resolve), why


def test_a_complaint_at_sunset_villas_waits_for_monday_morning(client, csr_headers):
    """No Saturday hours there: Friday 17:30 leaves half an hour, the rest is Monday 09:00-09:30."""
    ticket = new_ticket(client, csr_headers, COMPLAINT, "2026-11-20T17:30:00-08:00", "sunset-villas")
    assert ticket["category"] == "complaint"
    assert utc(ticket["first_response_due"]) == datetime.fromisoformat("2026-11-23T09:30:00-08:00")
    assert ticket["clocks"]["complaint_ack"] == "2026-11-23T17:30:00.000Z"
