"""`manage.py simulate tour` against the twin started as `make run` starts it: it books the first free slot
of the day through the public routes and prints the booking."""
import json

import pytest

from tests.test_twin_server import cli, http, twin  # noqa: F401 - the module's own twin

pytestmark = pytest.mark.server

SATURDAY = ["simulate", "tour", "--property", "maple-court", "--date", "2026-11-21", "--at", "2026-11-18T10:30"]


def test_simulate_tour_books_the_first_free_slot_and_the_confirmation_is_in_the_outbox(twin):  # noqa: F811
    first = json.loads(cli(twin, *SATURDAY))
    assert first["status"] == "booked" and first["start"] == "2026-11-21T10:00:00-05:00"
    assert first["agent"] in {"Rosa Díaz", "Sam Patel"} and "/tour-bookings/" in first["manage_link"]
    second = json.loads(cli(twin, *SATURDAY, "--name", "Luz", "--email", "luz@example.com", "--lang", "es"))
    assert second["start"] == first["start"] and second["agent"] != first["agent"]
    third = json.loads(cli(twin, *SATURDAY))  # both agents busy until 10:30 plus the 15-minute buffer
    assert third["start"] == "2026-11-21T11:00:00-05:00"
    outbox = cli(twin, "outbox")
    assert "Su visita a Maple Court Apartments el sábado 21 de noviembre a las 10:00" in outbox
    token = cli(twin, "token", "--role", "csr").strip()
    listed = http(twin, "/tours/maple-court/bookings?date=2026-11-21", token)["bookings"]
    assert [b["booking_id"] for b in listed if b["start"] == first["start"]] in (
        [first["booking_id"], second["booking_id"]], [second["booking_id"], first["booking_id"]])
    report = json.loads(cli(twin, "report", "leasing", "--from", "2026-11-01", "--to", "2026-11-30", "--property",
                            "maple-court", "--json"))
    assert report["tours_booked"] == 3 and report["tours_by_source"] == {"website": 3}
