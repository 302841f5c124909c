"""`manage.py simulate tour` against the twin started as `make run` starts it: it books the first free slot
of the day through the public routes and prints the booking."""
import json

import pytest

from tests.test_twin_server import cli, http, twin  # noqa: F401 - the module's own twin

pytestmark = pytest.mark.server

SATURDAY = ["simulate", "tour", "--property", "maple-court", "--date", "2026-11-21", "--at", "2026-11-18T10:30"]


def test_simulate_tour_books_the_first_free_slot_and_the_confirmation_is_in_the_outbox(twin):  # noqa: F811
    lead = json.loads(cli(twin, "simulate", "chat", "Is the two-bedroom still available? Can I see it Saturday?",
                          "--at", "2026-11-18T10:30"))
    assert lead["role"] == "prospect" and "/tours/maple-court/book" in lead["replies"][0]
    first = json.loads(cli(twin, *SATURDAY))
    assert first["status"] == "booked" and first["start"] == "2026-11-21T10:00:00-05:00"
    assert first["agent"] == "Rosa Díaz" and "/tour-bookings/" in first["manage_link"]
    # 10:00 had one agent; Rosa needs her buffer and Sam starts at 11:00: the next first free slot is 11:00
    second = json.loads(cli(twin, *SATURDAY, "--name", "Luz", "--email", "luz@example.com", "--lang", "es"))
    assert second["start"] == "2026-11-21T11:00:00-05:00"
    third = json.loads(cli(twin, *SATURDAY))
    assert third["start"] == second["start"] and {second["agent"], third["agent"]} == {"Rosa Díaz", "Sam Patel"}
    outbox = json.loads(cli(twin, "outbox"))
    (confirmation,) = [m for m in outbox if m["to"] == "luz@example.com"]
    assert confirmation["subject"] == "Su visita a Maple Court Apartments el sábado 21 de noviembre a las 11:00"
    assert confirmation["attachments"] == [{"filename": "tour.ics", "content_type": "text/calendar"}]
    token = cli(twin, "token", "--role", "csr").strip()
    listed = http(twin, "/tours/maple-court/bookings?date=2026-11-21", token)["bookings"]
    assert {b["booking_id"] for b in listed} == {first["booking_id"], second["booking_id"], third["booking_id"]}
    report = json.loads(cli(twin, "report", "leasing", "--from", "2026-11-01", "--to", "2026-11-30", "--property",
                            "maple-court", "--json"))
    assert report["tours_booked"] == 3 and report["tours_by_source"] == {"website": 3}
    assert report["leads"] == 1 and report["leads_by_source"] == {"website widget": 1}
