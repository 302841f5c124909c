"""Tours and roles in the real pages (Playwright driving Debian's Chromium) against the twin as `make run` starts it:
a prospect books a tour inside the chat widget on a phone (EN, a time taken meanwhile, and ES), staff see a day's
tours in the console and mark their outcome, and a CSR corrects who wrote a ticket. The pages and the twin share one
pinned time (the browser's clock and X-Tenantline-Time), so the free times are always the same. Screenshots go to
build/screenshots/ and /tmp/h-ui-shots/."""
import json
import re
import urllib.request

import pytest

from tests.test_pages import (  # noqa: F401  (twin, browser and hosted_ui are fixtures)
    SHOTS,
    api,
    axe_clean,
    browser,
    hosted_ui,
    new_page,
    sign_in,
    staff_token,
    twin,
)

pytestmark = pytest.mark.server
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

WEDNESDAY = "2026-11-18T15:30:00+00:00"  # 10:30 at Maple Court (tests/conftest.py's NOW)
THURSDAY_1PM = "2026-11-19T18:00:00+00:00"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LEAD = "Is the two-bedroom still available? Can I see it Saturday?"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def at(chromium, when: str, **options):
    """A page whose clock and whose requests to the twin both say `when`."""
    page = new_page(chromium, timezone_id="America/New_York", extra_http_headers={"X-Tenantline-Time": when},
                    **options)
    page.clock.set_fixed_time(when)
    return page


def book(server, start: str, name: str, when: str = WEDNESDAY, **extra) -> dict:
    request = urllib.request.Request(f"{server['base']}/tours/maple-court/bookings", method="POST",
                                     data=json.dumps({"start": start, "name": name, **extra}).encode(),
                                     headers={"Content-Type": "application/json", "X-Tenantline-Time": when})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def day_list(server, day: str) -> list[dict]:
    return api(server, "GET", f"/tours/maple-court/bookings?date={day}", token=staff_token(server))["bookings"]


def test_a_prospect_books_a_tour_in_the_chat_on_a_phone_after_a_time_is_taken(twin, browser):  # noqa: F811
    page = at(browser, WEDNESDAY, locale="en-US", **PHONE)
    page.goto(twin["base"] + "/app/chat/maple-court")
    page.locator("#tlw-name").fill("Ana Prospect")
    page.locator("#tlw-email").fill("ana.prospect@example.com")
    page.get_by_label("Your message").fill(LEAD)
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="Book a tour")
    expect(heading).to_be_focused()  # the panel opened where the keyboard is
    days = page.get_by_role("group", name="Days with free times").get_by_role("button")
    expect(days.first).to_have_text("Wed, Nov 18")  # today: Sam still has times after the two hours' notice
    saturday = days.filter(has_text="Sat, Nov 21")
    saturday.focus()
    page.keyboard.press("Enter")
    expect(saturday).to_have_attribute("aria-pressed", "true")
    times = page.get_by_role("group", name="Times on Saturday, November 21").get_by_role("button")
    expect(times.first).to_have_text("10:00")  # the property's time, whatever the visitor's
    expect(page.locator("#tlw-tour-name")).to_have_value("Ana Prospect")  # what the chat already knew
    expect(page.locator("#tlw-tour-email")).to_have_value("ana.prospect@example.com")
    times.first.focus()
    page.keyboard.press("Enter")
    book(twin, "2026-11-21T10:00:00-05:00", "Quicker Person")  # 10:00 has one agent: now it is gone
    page.get_by_role("button", name=re.compile("^Book Saturday, November 21 at 10:00")).click()
    live = page.locator(".tlw-tour-live")
    expect(live).to_have_text("Sorry, that time was just taken. The next free times:")
    offered = page.get_by_role("group", name=re.compile("that time was just taken")).get_by_role("button")
    expect(offered.first).to_have_text("Saturday, November 21 at 11:00")
    expect(times.filter(has_text="10:00")).to_have_count(0)  # the day's list is fresh too
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")  # the chat, not the page, scrolls
    shot(page, "widget_tour_taken_390")
    offered.first.click()
    page.get_by_role("button", name=re.compile("^Book Saturday, November 21 at 11:00")).click()
    done = page.locator("#tlw-tour-done")
    expect(done).to_have_text(re.compile(r"^Your tour is booked: Saturday, November 21 at 11:00, with \w+"))
    expect(done).to_be_focused()
    expect(live).to_contain_text("Your tour is booked")
    manage = page.get_by_role("link", name="Change or cancel your tour")
    expect(manage).to_have_attribute("href", re.compile("/tour-bookings/"))
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    axe_clean(page, "chat with a booked tour")
    shot(page, "widget_tour_booked_390")
    rows = [b for b in day_list(twin, "2026-11-21") if b["name"] == "Ana Prospect"]
    assert [(b["start"], b["status"], b["source"], b["email"]) for b in rows] == [
        ("2026-11-21T11:00:00-05:00", "booked", "website widget", "ana.prospect@example.com")]
    page.get_by_role("button", name="Español").click()  # the panel follows the chat's language
    expect(page.get_by_role("heading", name="Reserve una visita")).to_be_visible()
    expect(done).to_contain_text("Su visita está reservada: sábado, 21 de noviembre a las 11:00")
    page.reload()  # kept in the tab, like the conversation
    expect(page.locator("#tlw-tour-done")).to_contain_text("a las 11:00")
    assert page.errors == []


def test_a_prospect_books_in_spanish_with_the_keyboard_and_is_told_what_is_missing(twin, browser):  # noqa: F811
    page = at(browser, WEDNESDAY, locale="es-US", **PHONE)
    page.goto(twin["base"] + "/app/chat/maple-court?utm_campaign=volante-dic")  # came through a flyer's link
    page.get_by_label("Su mensaje").fill("¿Está disponible el departamento de dos recámaras? "
                                         "¿Puedo verlo el sábado?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Reserve una visita")).to_be_focused()
    thursday = page.get_by_role("group", name="Días con horarios libres").get_by_role("button").nth(1)
    expect(thursday).to_have_text(re.compile("^jue"))
    thursday.focus()
    page.keyboard.press("Enter")
    book_button = page.get_by_role("button", name="Reservar la visita")
    book_button.focus()
    page.keyboard.press("Enter")  # no time yet: said, not sent
    expect(page.locator(".tlw-tour-live")).to_have_text("Elija una hora primero.")
    page.get_by_role("group", name=re.compile("^Horarios del jueves")).get_by_role("button", name="09:00").focus()
    page.keyboard.press("Enter")
    page.locator("#tlw-tour-name").fill("Lucía Prospecto")
    page.get_by_role("button", name=re.compile("^Reservar: jueves")).click()
    expect(page.locator(".tlw-tour-live")).to_have_text(re.compile("correo electrónico o un teléfono"))
    expect(page.locator("#tlw-tour-email")).to_be_focused()
    page.keyboard.type("lucia@example.com")
    page.keyboard.press("Enter")  # the form submits from its field
    expect(page.locator("#tlw-tour-done")).to_have_text(
        re.compile(r"^Su visita está reservada: jueves, 19 de noviembre a las 09:00, con \w+"))
    axe_clean(page, "chat with a booked tour, in Spanish")
    shot(page, "widget_tour_booked_es_390")
    rows = [b for b in day_list(twin, "2026-11-19") if b["name"] == "Lucía Prospecto"]
    assert [(b["start"][11:16], b["language"], b["source"]) for b in rows] == [("09:00", "es", "campaign: volante-dic")]
    assert page.errors == []


def test_staff_see_a_days_tours_and_mark_their_outcome(twin, browser):  # noqa: F811
    early = book(twin, "2026-11-19T10:00:00-05:00", "Pat Early")
    late = book(twin, "2026-11-19T11:00:00-05:00", "Quinn Late")
    book(twin, "2026-11-19T16:00:00-05:00", "Fran Future")
    book(twin, "2026-11-22T12:00:00-05:00", "Sam Self", self_guided=True, email="sam.self@example.com")
    page = at(browser, THURSDAY_1PM)
    sign_in(page, twin, "lina")
    page.get_by_role("button", name="Tours").click()
    page.get_by_label("Property").fill("maple-court")
    expect(page.get_by_label("Date")).to_have_value("2026-11-19")  # today, by default
    page.get_by_role("button", name="Show tours").click()
    table = page.locator("table.tours")
    expect(table.locator("caption")).to_have_text(re.compile(r"^Tours at maple-court on 2026-11-19"))
    future = table.locator("tr", has_text="Fran Future")
    expect(future).to_contain_text("after the tour starts")  # not before it has started
    expect(future.get_by_role("button")).to_have_count(0)
    row = table.locator(f"tr[data-booking='{early['booking_id']}']")
    row.get_by_label("Applied").check()
    with page.expect_request(lambda r: r.url.endswith("/outcome")) as sent:
        row.get_by_role("button", name="Completed: Pat Early at 10:00").click()
    assert sent.value.post_data_json == {"status": "completed", "applied": True}
    expect(row).to_contain_text("completed")
    expect(page.locator(".notice")).to_have_text("Pat Early at 10:00: completed (applied)")
    table.locator(f"tr[data-booking='{late['booking_id']}']").get_by_role("button", name=re.compile("^No-show")).click()
    expect(table.locator(f"tr[data-booking='{late['booking_id']}']")).to_contain_text("no show")
    axe_clean(page, "console tours")
    shot(page, "console_tours")
    statuses = {b["name"]: b["status"] for b in day_list(twin, "2026-11-19")}
    assert statuses["Pat Early"] == "completed" and statuses["Quinn Late"] == "no_show"
    assert statuses["Fran Future"] == "booked"
    page.get_by_label("Date").fill("2026-11-22")  # Sunday: self-guided tours, whose access note waits for us
    page.get_by_role("button", name="Show tours").click()
    sunday = table.locator("tr", has_text="Sam Self")
    expect(sunday).to_contain_text("self-guided")
    sunday.get_by_role("button", name="Confirm access: Sam Self at 12:00").click()
    expect(page.locator(".notice")).to_have_text("Sam Self at 12:00: access confirmed, the note goes at 11:00")
    expect(sunday).to_contain_text("access confirmed")
    assert [b["access_confirmed_at"] is not None for b in day_list(twin, "2026-11-22")] == [True]
    page.get_by_label("Property").fill("sunset-villas")  # no tours there: the API's word, as an alert
    page.get_by_role("button", name="Show tours").click()
    expect(page.get_by_role("alert")).to_have_text("sunset-villas does not take tour bookings")
    assert page.errors == []


def test_a_csr_corrects_who_wrote_from_the_ticket_and_filters_the_queue_by_role(twin, browser):  # noqa: F811
    session = api(twin, "POST", "/chat/sessions", {"property_id": "maple-court"})
    lead = api(twin, "POST", f"/chat/sessions/{session['session_id']}/messages", {"text": LEAD},
               session_token=session["token"])
    page = new_page(browser)
    sign_in(page, twin, "rafa")
    expect(page.locator(f".row-button:has-text('{lead['ref']}')")).to_have_count(0)  # not in the working queue
    page.locator("#f-role").select_option("prospect")
    expect(page.locator("#f-status")).to_be_disabled()  # a role's queue is its open tickets
    row = page.locator(f".row-button:has-text('{lead['ref']}')")
    row.click()
    expect(page.locator("#ticket-h")).to_contain_text(lead["ref"])
    role = page.locator("#act-role")
    expect(role).to_have_value("prospect")
    expect(page.locator(".facts dt:text-is('Source') + dd")).to_have_text("website widget")  # where the lead came from
    seen = int(page.locator(".facts dt:text-is('Version') + dd").inner_text())
    role.select_option("resident")
    with page.expect_request(lambda r: r.url.endswith("/role")) as sent:
        page.get_by_role("button", name="Change role").click()
    assert sent.value.post_data_json == {"role": "resident", "version": seen}  # a versioned change, like the others
    expect(page.locator(".notice")).to_have_text("Role set to resident")
    ticket = api(twin, "GET", f"/tickets/{lead['ref']}", token=staff_token(twin))
    expect(page.locator(".facts dt:text-is('Role') + dd")).to_have_text("resident")
    expect(row).to_have_count(0)  # it left the prospects' queue
    assert ticket["role"] == "resident"
    axe_clean(page, "console role change")
    shot(page, "console_role")
    assert page.errors == []
