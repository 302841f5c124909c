"""Tours through the real routes on the in-process twin: free slots, booking and its races, the once-only
client_request_id, the manage link (cancel, reschedule), the confirmation with its .ics, the reminders the
timer state machine sends, and the leasing team's day list kept to their properties.

Maple Court (seed): 30-minute tours, 15-minute buffer, 2 hours' notice, 30 days ahead, 2 parties at once;
Rosa gives tours on Saturday 10:00-14:00 and Sam 11:00-14:00: 10:00 has one agent, 11:00 on two. NOW is
Wednesday 18 November, 10:30 in New York."""
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core import auth
from tests.conftest import NOW, sent_mail, sent_sms, wait_for

pytestmark = pytest.mark.integration

SATURDAY = "2026-11-21"
TEN = "2026-11-21T10:00:00-05:00"  # Rosa alone
ELEVEN = "2026-11-21T11:00:00-05:00"  # Rosa and Sam
AGENTS = {"Rosa Díaz", "Sam Patel"}
CLOCK = {"Content-Type": "application/json", "X-Tenantline-Time": NOW.isoformat()}


def slots(client, day=SATURDAY, property_id="maple-court"):
    answer = client.http.get(f"/tours/{property_id}/slots?date={day}", headers=CLOCK)
    assert answer.status_code == 200, answer.json_body
    return answer.json_body["slots"]


def book(client, start=TEN, name="Alex Kim", **extra):
    return client.http.post("/tours/maple-court/bookings", body=json.dumps({"start": start, "name": name, **extra}),
                            headers=CLOCK)


def day_list(client, headers, day=SATURDAY, property_id="maple-court"):
    return client.http.get(f"/tours/{property_id}/bookings?date={day}", headers=headers)


def path_of(link: str) -> str:
    return "/tour-bookings/" + link.split("/tour-bookings/", 1)[1]


def test_saturday_slots_carry_the_property_offset(client):
    free = slots(client)
    assert free[0] == {"start": TEN, "end": "2026-11-21T10:30:00-05:00"}
    assert [s["start"][11:16] for s in free] == ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30"]
    assert slots(client, "2026-11-26") == []  # Thanksgiving
    assert slots(client, "2026-11-22") == []  # Sunday: nobody gives tours
    assert slots(client, "2027-01-09") == []  # beyond the 30-day horizon


def test_book_201_then_409_with_the_next_free_slots_and_two_agents_take_two(client, csr_headers):
    first = book(client, email="alex@example.com", phone="212-555-0177", source="website")
    assert first.status_code == 201, first.json_body
    body = first.json_body
    assert set(body) >= {"booking_id", "status", "start", "end", "agent", "manage_link"}
    assert body["status"] == "booked" and body["start"] == TEN and body["end"] == "2026-11-21T10:30:00-05:00"
    assert body["agent"] == "Rosa Díaz"
    second = book(client, name="Bea Ortiz")  # 10:00 has one agent
    assert second.status_code == 409
    # Rosa is busy 10:00-10:30 and needs her 15 minutes, Sam starts at 11:00: 10:30 is not free, 11:00 is.
    assert [s["start"] for s in second.json_body["slots"]] == [ELEVEN, "2026-11-21T11:30:00-05:00",
                                                              "2026-11-21T12:00:00-05:00"]
    assert second.json_body["next_slots"] == second.json_body["slots"] and second.json_body["Code"] == "Conflict"
    assert [s["start"][11:16] for s in slots(client)][:2] == ["11:00", "11:30"]
    at_eleven = [book(client, start=ELEVEN, name=n) for n in ("Cy Young", "Di Lane", "Ed Park")]
    assert [a.status_code for a in at_eleven] == [201, 201, 409]
    assert {a.json_body["agent"] for a in at_eleven[:2]} == AGENTS
    listed = day_list(client, csr_headers).json_body["bookings"]
    assert [(b["name"], b["start"]) for b in listed][0] == ("Alex Kim", TEN)
    assert sorted((b["name"], b["status"], b["start"]) for b in listed[1:]) == [
        ("Cy Young", "booked", ELEVEN), ("Di Lane", "booked", ELEVEN)]
    assert set(listed[0]) >= {"booking_id", "start", "end", "agent", "status", "name"}


def test_twenty_concurrent_requests_for_one_slot_book_each_agent_once(client, csr_headers):
    noon = "2026-11-21T12:00:00-05:00"

    def attempt(n):
        return book(client, start=noon, name=f"Prospect {n}")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(attempt, range(20)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 2 + [409] * 18, [a.json_body for a in answers if a.status_code not in (201, 409)]
    listed = [b for b in day_list(client, csr_headers).json_body["bookings"] if b["start"] == noon]
    assert len(listed) == 2 and {b["agent"] for b in listed} == AGENTS
    assert {a.json_body["booking_id"] for a in answers if a.status_code == 201} == {b["booking_id"] for b in listed}
    assert noon not in [s["start"] for s in slots(client)]


def test_a_retried_client_request_id_gets_the_first_answer(client, csr_headers, aws):
    first = book(client, name="Dee Park", email="dee@example.com", client_request_id="req-1")
    again = book(client, name="Dee Park", email="dee@example.com", client_request_id="req-1")
    assert first.status_code == again.status_code == 201
    assert again.json_body["booking_id"] == first.json_body["booking_id"]
    assert len(day_list(client, csr_headers).json_body["bookings"]) == 1
    assert len([m for m in sent_mail(aws) if m["To"] == "dee@example.com"]) == 1  # one confirmation
    # A 409 is an answer too: its retry is the same 409, even once the slot is free again.
    full = book(client, name="Fay", client_request_id="req-3")
    assert full.status_code == 409
    link = "/tour-bookings/" + first.json_body["manage_link"].split("/tour-bookings/", 1)[1]
    assert client.http.post(f"{link}/cancel", headers=CLOCK).status_code == 200
    assert TEN in [s["start"] for s in slots(client)]
    assert book(client, name="Fay", client_request_id="req-3").json_body == full.json_body


def test_confirmation_email_in_the_prospects_language_with_an_invitation(client, aws):
    made = book(client, name="Lucía Gómez", email="lucia@example.com", language="es").json_body
    (mail,) = [m for m in sent_mail(aws) if m["To"] == "lucia@example.com"]
    assert mail["Subject"] == "Su visita a Maple Court Apartments el sábado 21 de noviembre a las 10:00"
    assert mail["From"] == "Maple Court Apartments <help@maplecourt.example>"
    body = mail.get_body(("plain",)).get_content()
    assert "Hola Lucía Gómez" in body and made["manage_link"] in body and made["agent"] in body
    (invite,) = list(mail.iter_attachments())
    assert invite.get_content_type() == "text/calendar" and invite.get_filename() == "tour.ics"
    assert invite.get_param("method") == "REQUEST"
    ics = invite.get_content()
    assert "DTSTART:20261121T150000Z" in ics and "DTEND:20261121T153000Z" in ics
    assert f"UID:{made['booking_id']}@maplecourt.example" in ics and "ATTENDEE" in ics


def test_cancel_by_the_manage_link_frees_the_slot(client, csr_headers, aws):
    a = book(client, start=ELEVEN, name="Gus", email="gus@example.com").json_body
    book(client, start=ELEVEN, name="Hal")
    assert ELEVEN not in [s["start"] for s in slots(client)]
    link = path_of(a["manage_link"])
    seen = client.http.get(link, headers=CLOCK)
    assert seen.status_code == 200 and seen.json_body["status"] == "booked" and seen.json_body["name"] == "Gus"
    cancelled = client.http.post(f"{link}/cancel", headers=CLOCK)
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    assert client.http.post(f"{link}/cancel", headers=CLOCK).status_code == 409
    assert ELEVEN in [s["start"] for s in slots(client)]
    again = book(client, start=ELEVEN, name="Ida")
    assert again.status_code == 201 and again.json_body["agent"] == a["agent"]
    statuses = sorted(b["status"] for b in day_list(client, csr_headers).json_body["bookings"])
    assert statuses == ["booked", "booked", "cancelled"]
    notice = [m for m in sent_mail(aws) if m["To"] == "gus@example.com" and "cancelled" in m["Subject"]]
    assert len(notice) == 1 and "METHOD:CANCEL" in next(notice[0].iter_attachments()).get_content()
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.http.get(forged, headers=CLOCK).status_code == 401


def test_reschedule_by_the_manage_link_moves_the_tour(client, csr_headers):
    a = book(client, name="Jo").json_body
    moved = client.http.post(f"{path_of(a['manage_link'])}/reschedule", headers=CLOCK,
                             body=json.dumps({"start": "2026-11-21T13:00:00-05:00"}))
    assert moved.status_code == 201 and moved.json_body["start"] == "2026-11-21T13:00:00-05:00"
    rows = {b["booking_id"]: b["status"] for b in day_list(client, csr_headers).json_body["bookings"]}
    assert rows == {a["booking_id"]: "cancelled", moved.json_body["booking_id"]: "booked"}
    old = client.http.get(path_of(a["manage_link"]), headers=CLOCK).json_body
    assert old["rescheduled_to"] == moved.json_body["booking_id"]


def test_reminders_come_from_the_timer_and_a_cancelled_tours_do_nothing(client, aws, monkeypatch):
    from tests.test_clocks import timer_ended
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00004)  # 70 hours last 10 s
    kept = book(client, start=ELEVEN, name="Kim", email="kim@example.com").json_body
    dropped = book(client, start=ELEVEN, name="Lee", email="lee@example.com").json_body
    assert client.http.post(f"{path_of(dropped['manage_link'])}/cancel", headers=CLOCK).status_code == 200

    def reminders(to):
        return [m["Subject"] for m in sent_mail(aws) if m["To"] == to and m["Subject"].startswith("Reminder")]
    wait_for(lambda: len(reminders("kim@example.com")) == 2, seconds=60)
    assert reminders("kim@example.com") == ["Reminder: your tour of Maple Court Apartments tomorrow at 11:00",
                                            "Reminder: your tour of Maple Court Apartments at 11:00"]
    wait_for(lambda: timer_ended(aws, f"tour-hour_before-{dropped['booking_id']}"), seconds=60)
    assert reminders("lee@example.com") == []
    assert kept["booking_id"] != dropped["booking_id"]


def texts_to(aws, phone):
    return [body for to, body in sent_sms(aws) if to == phone]


def test_a_phone_number_gets_the_confirmation_and_reminders_by_text(client, aws, monkeypatch):
    from chalicelib.rules.texting import segments
    from tests.test_clocks import timer_ended
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00004)  # 70 hours last 10 s
    made = book(client, start=ELEVEN, name="Lucía Gómez", phone="(212) 555-0188", language="es").json_body
    wait_for(lambda: len(texts_to(aws, "+12125550188")) == 3, seconds=60)
    confirmation, day_before, hour_before = texts_to(aws, "+12125550188")
    assert confirmation.startswith("Maple Court Apartments: su visita es el sabado 21 de noviembre a las 11:00 con ")
    assert "Diaz" in confirmation or "Patel" in confirmation  # GSM-7: no í
    assert "recordamos su visita mañana a las 11:00" in day_before
    assert "le esperamos a las 11:00" in hour_before
    for body in (confirmation, day_before, hour_before):  # two GSM-7 segments at most, the link whole
        assert made["manage_link"] in body
        encoding, parts = segments(body)
        assert encoding == "GSM-7" and parts <= 2, body
    assert [m for m in sent_mail(aws) if "Lucía" in str(m.get_body(("plain",)).get_content())] == []  # no email given
    # every timer has ended, and nothing went twice
    wait_for(lambda: timer_ended(aws, f"tour-hour_before-{made['booking_id']}"), seconds=60)
    assert len(texts_to(aws, "+12125550188")) == 3


def test_a_number_that_said_stop_gets_no_tour_texts_but_the_email_still_goes(client, aws):
    from chalicelib.tickets import texts
    from tests.test_clocks import timer_ended
    texts.opt_out("+12125550189", NOW)
    made = book(client, start=ELEVEN, name="Max", phone="212-555-0189", email="max@example.com").json_body
    wait_for(lambda: timer_ended(aws, f"tour-confirmation-{made['booking_id']}"), seconds=60)
    assert texts_to(aws, "+12125550189") == []
    assert [m["Subject"] for m in sent_mail(aws) if m["To"] == "max@example.com"] == \
        ["Your tour of Maple Court Apartments on Saturday, November 21 at 11:00"]


SUNDAY_NOON = "2026-11-22T12:00:00-05:00"  # Maple Court's self-guided hours: Sunday 12:00-16:00


def test_self_guided_slots_are_one_party_at_a_time_on_their_own_hours(client):
    free = client.http.get("/tours/maple-court/slots?date=2026-11-22&kind=self_guided", headers=CLOCK).json_body
    assert [s["start"][11:16] for s in free["slots"]] == ["12:00", "12:30", "13:00", "13:30", "14:00", "14:30",
                                                         "15:00", "15:30"]
    assert slots(client, "2026-11-22") == []  # no agent on Sundays
    made = book(client, start=SUNDAY_NOON, name="Nia", self_guided=True)
    assert made.status_code == 201 and made.json_body["self_guided"] is True
    assert made.json_body["agent"] == "Self-guided"
    assert book(client, start=SUNDAY_NOON, name="Oz", self_guided=True).status_code == 409
    assert book(client, start=SUNDAY_NOON, name="Pia").status_code == 400  # no agent then
    after = client.http.get("/tours/maple-court/slots?date=2026-11-22&kind=self_guided", headers=CLOCK).json_body
    assert [s["start"][11:16] for s in after["slots"]][:2] == ["13:00", "13:30"]  # 12:30 is inside the buffer
    assert client.http.get("/tours/sunset-villas/slots?date=2026-11-22&kind=self_guided",
                           headers=CLOCK).status_code == 404
    assert client.http.get("/tours/maple-court/slots?date=2026-11-22&kind=alone", headers=CLOCK).status_code == 400


def test_the_access_note_goes_only_once_the_office_confirms_the_booking(client, aws, csr_headers, monkeypatch):
    from tests.test_clocks import timer_ended
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00004)  # 4 days last 14 s
    confirmed = book(client, start=SUNDAY_NOON, name="Quinn", email="quinn@example.com", phone="212-555-0190",
                     self_guided=True).json_body
    unconfirmed = book(client, start="2026-11-22T14:00:00-05:00", name="Ray", email="ray@example.com",
                       self_guided=True).json_body
    (mail,) = [m for m in sent_mail(aws) if m["To"] == "quinn@example.com"]
    body = mail.get_body(("plain",)).get_content()
    assert "self-guided tour" in body and "Once the leasing office has confirmed your booking" in body and "4417" not in body
    wait_for(lambda: len(texts_to(aws, "+12125550190")) == 1, seconds=30)
    assert "4417" not in texts_to(aws, "+12125550190")[0]
    assert "4417" not in json.dumps(client.http.get(path_of(confirmed["manage_link"]), headers=CLOCK).json_body)

    url = f"/tours/maple-court/bookings/{confirmed['booking_id']}/access"
    answer = client.http.post(url, headers={**csr_headers, **CLOCK})
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["access_due"] == "2026-11-22T11:00:00-05:00"  # an hour before
    guided = book(client, start=ELEVEN, name="Sol").json_body
    assert client.http.post(f"/tours/maple-court/bookings/{guided['booking_id']}/access",
                            headers={**csr_headers, **CLOCK}).status_code == 400

    wait_for(lambda: any("4417" in body for body in texts_to(aws, "+12125550190")), seconds=60)
    wait_for(lambda: len([m for m in sent_mail(aws) if m["To"] == "quinn@example.com"
                          and m["Subject"].startswith("How to get in")]) == 1, seconds=30)
    wait_for(lambda: timer_ended(aws, f"tour-hour_before-{unconfirmed['booking_id']}"), seconds=60)
    assert not any("4417" in m.get_body(("plain",)).get_content() for m in sent_mail(aws) if m["To"] == "ray@example.com")
    days = client.http.get("/tours/maple-court/bookings?date=2026-11-22", headers=csr_headers).json_body["bookings"]
    assert [(b["name"], b["self_guided"], bool(b["access_confirmed_at"])) for b in days] == \
        [("Quinn", True, True), ("Ray", True, False)]


def test_the_day_list_is_staff_only_and_kept_to_their_properties(client, csr_headers):
    from app import app
    assert app.routes["/tours/{property_id}/bookings"]["GET"].authorizer is not None  # Cognito in AWS
    assert app.routes["/tours/{property_id}/bookings"]["POST"].authorizer is None  # public
    book(client, name="Max")
    assert day_list(client, {}).status_code == 401
    elsewhere = {"Authorization": f"Bearer {auth.dev_token('csr', properties='sunset-villas')}"}
    assert day_list(client, elsewhere).status_code == 403
    mine = {"Authorization": f"Bearer {auth.dev_token('csr', properties='maple-court')}"}
    assert [b["name"] for b in day_list(client, mine).json_body["bookings"]] == ["Max"]
    assert day_list(client, mine, day="2026-11-22").json_body == {"bookings": []}


def test_bad_requests_get_clear_4xx_answers(client):
    assert client.http.get("/tours/maple-court/slots", headers=CLOCK).status_code == 400
    assert client.http.get("/tours/maple-court/slots?date=21-11-2026", headers=CLOCK).status_code == 400
    assert client.http.get("/tours/nowhere/slots?date=2026-11-21", headers=CLOCK).status_code == 404
    assert client.http.get("/tours/sunset-villas/slots?date=2026-11-21", headers=CLOCK).status_code == 404
    for body in ({"name": "No Start"}, {"start": TEN}, {"start": TEN, "name": ""}, {"start": "soon", "name": "A"},
                 {"start": "2026-11-21T10:00:00", "name": "No Offset"}, {"start": TEN, "name": "A", "email": "x"},
                 {"start": TEN, "name": "A", "language": "fr"}, {"start": TEN, "name": "A" * 101},
                 {"start": "2026-11-21T10:07:00-05:00", "name": "Odd minute"}, [1, 2]):
        answer = client.http.post("/tours/maple-court/bookings", body=json.dumps(body), headers=CLOCK)
        assert answer.status_code == 400, body
        assert answer.json_body["Code"] == "BadRequest" and answer.json_body["Message"]
    past = client.http.post("/tours/maple-court/bookings", headers=CLOCK,
                            body=json.dumps({"start": "2026-11-18T11:00:00-05:00", "name": "Too soon"}))
    assert past.status_code == 400  # inside the 2-hour notice


@pytest.mark.parametrize("path", ["/tours/" + "x" * 300 + "/slots?date=2026-11-21", "/tours/Maple%20Court/slots?date=2026-11-21",
                                  "/tours/maple-court/slots?date=" + "9" * 500, "/tours/maple-court/slots?date=2026-02-30",
                                  "/tour-bookings/garbage", "/tour-bookings/" + "a" * 2000 + ".b",
                                  "/tour-bookings/eyJ.eyJ"])
def test_forged_paths_get_a_4xx(client, path):
    answer = client.http.get(path, headers=CLOCK)
    assert 400 <= answer.status_code < 500 and answer.json_body["Message"], (path, answer.status_code)


def test_text_that_cannot_be_stored_and_odd_types_are_refused(client, csr_headers):
    for raw in ('{"start": "2026-11-21T10:00:00-05:00", "name": "\\ud800"}',
                '{"start": 1, "name": "A"}', '{"start": "2026-11-21T10:00:00-05:00", "name": ["A"]}',
                '{"start": "2026-11-21T10:00:00-05:00", "name": "A", "client_request_id": ""}', "not json"):
        answer = client.http.post("/tours/maple-court/bookings", body=raw, headers=CLOCK)
        assert answer.status_code == 400, raw
    assert day_list(client, csr_headers).json_body == {"bookings": []}  # nothing half-written


def test_a_prospects_bookings_are_exported_and_erased_by_a_privacy_request(client, csr_headers, admin_headers):
    kept = book(client, name="Quinn Ray", email="quinn@example.com", phone="+12125550188").json_body
    moved = book(client, start=ELEVEN, name="Quinn Ray", email="quinn@example.com")
    assert moved.status_code == 201
    book(client, name="Other Person", start=ELEVEN, email="other@example.com")
    exported = client.http.get("/admin/privacy/export?email=quinn@example.com", headers=admin_headers).json_body
    assert {b["booking_id"] for b in exported["tour_bookings"]} == {kept["booking_id"], moved.json_body["booking_id"]}
    assert client.http.get("/admin/privacy/export?phone=%2B12125550188",
                           headers=admin_headers).json_body["tour_bookings"][0]["name"] == "Quinn Ray"
    erased = client.http.post("/admin/privacy/erase", headers=admin_headers,
                              body=json.dumps({"email": "quinn@example.com"})).json_body
    assert erased["erased"]["tour_bookings"] == 2
    rows = day_list(client, csr_headers).json_body["bookings"]
    assert sorted(b["name"] for b in rows) == ["Other Person", "[erased]", "[erased]"]
    assert all(b["email"] is None and b["phone"] is None for b in rows if b["name"] == "[erased]")
    assert all(b["status"] == "booked" for b in rows)  # the tours themselves stay
    after = client.http.get("/admin/privacy/export?phone=%2B12125550188", headers=admin_headers).json_body
    assert after["tour_bookings"] == []


def test_hand_configured_settings_that_are_wrong_get_a_clear_answer_not_a_500(client):
    from chalicelib.models import Person, Property, keys
    prop = Property.get(keys.PORTFOLIO, "maple-court")
    prop.update(actions=[Property.tours.set({"length_minutes": 90})])
    answer = client.http.get(f"/tours/maple-court/slots?date={SATURDAY}", headers=CLOCK)
    assert answer.status_code == 400 and "15 to 60 minutes" in answer.json_body["Message"]
    prop.update(actions=[Property.tours.set({"length_minutes": 30})])
    rosa = Person.get(keys.property_pk("maple-court"), keys.person_sk("lease-rosa"))
    rosa.update(actions=[Person.schedule.set({"sat": [["14:00", "10:00"]]})])
    answer = client.http.get(f"/tours/maple-court/slots?date={SATURDAY}", headers=CLOCK)
    assert answer.status_code == 400 and "Rosa Díaz's tour schedule" in answer.json_body["Message"]


def test_parties_at_once_holds_under_a_race_even_with_agents_free(client, csr_headers):
    from chalicelib.models import Property, keys
    Property.get(keys.PORTFOLIO, "maple-court").update(actions=[Property.tours.set(
        {"length_minutes": 30, "buffer_minutes": 15, "min_notice_minutes": 120, "horizon_days": 30,
         "parties_at_once": 1})])
    one = "2026-11-21T13:00:00-05:00"
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda n: book(client, start=one, name=f"P{n}"), range(10)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    assert [b["start"] for b in day_list(client, csr_headers).json_body["bookings"]] == [one]
    # The tour 13:00-13:30 holds the property's one place: 12:30 (other agent) still ends in time, 13:30 starts after.
    assert {"2026-11-21T12:30:00-05:00", "2026-11-21T13:30:00-05:00"} <= {s["start"] for s in slots(client)}
