"""The managers' dashboard in the CSR console, in Chromium against a fresh twin (started as `make run` starts it,
with the fixtures of tests/test_pages.py): a few chats, two resolved and rated, one left open; the dashboard shows
the same KPIs, targets and verdicts as GET /reports/kpis for the same period, draws its trend charts, lists the
oldest open ticket (a click opens it) and the breaches, and its CSV link downloads what the API exports."""
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from tests.test_pages import (  # noqa: F401  (twin, browser and hosted_ui are fixtures)
    SHOTS,
    api,
    axe_clean,
    browser,
    expect,
    hosted_ui,
    new_page,
    resident_chat,
    shot,
    staff_token,
    twin,
)

pytestmark = pytest.mark.server


def csv_export(server, query, token):
    request = urllib.request.Request(f"{server['base']}/reports/kpis?{query}&format=csv",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def resolve(server, ref, token):
    """A staff status change without a version is refused (409) when a system write (the ticket's clocks, the
    auto-acknowledgement) lands at the same moment: do what the console does, try again."""
    for attempt in range(5):
        try:
            return api(server, "POST", f"/tickets/{ref}/status", {"status": "resolved"}, token=token)
        except urllib.error.HTTPError as error:
            if error.code != 409 or attempt == 4:
                raise
            time.sleep(0.2)


def backdated_chat(server, property_id, text, at):
    """A resident's chat at a past time (the twin's demo clock: X-Tenantline-Time)."""
    def post(path, body, token=None):
        headers = {"Content-Type": "application/json", "X-Tenantline-Time": at}
        if token:
            headers["X-Session-Token"] = token
        request = urllib.request.Request(server["base"] + path, method="POST", headers=headers, data=json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    session = post("/chat/sessions", {"property_id": property_id, "name": "Test Resident"})
    return post(f"/chat/sessions/{session['session_id']}/messages", {"text": text}, session["token"])


def test_manager_dashboard_matches_the_kpi_report(twin, browser):  # noqa: F811
    manager = staff_token(twin, "mona", "manager")
    today = datetime.now(timezone.utc).date()
    start = today - timedelta(days=13)
    # A complaint on a weekday at least four days ago (10:00 in New York), never answered: a complaint_ack breach.
    day = next(d for d in (today - timedelta(days=n) for n in range(4, 9)) if d.weekday() < 5)
    complaint = backdated_chat(twin, "maple-court", "I want to make a complaint about how rude the office staff were",
                               f"{day.isoformat()}T15:00:00Z")
    rated = []
    for text, scores in (("The kitchen faucet drips all night long", {"csat": 5, "nps": 10}),
                         ("A cabinet door in the kitchen is loose", {"csat": 2, "nps": 3})):
        session, answer = resident_chat(twin, "maple-court", text)
        resolve(twin, answer["ref"], manager)
        api(twin, "POST", f"/chat/sessions/{session['session_id']}/csat", scores, session_token=session["token"])
        rated.append(answer["ref"])
    _, still_open = resident_chat(twin, "maple-court", "The closet door in the bedroom is off its track")
    resident_chat(twin, "sunset-villas", "The blinds in the living room are broken")

    period = f"from={start.isoformat()}&to={today.isoformat()}"
    page = new_page(browser)
    csp_refusals, bundles = [], []
    page.on("console", lambda m: csp_refusals.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: bundles.append(r.url.rsplit("/", 1)[-1]) if r.url.endswith(".js") else None)
    page.goto(twin["base"] + "/app/console")
    page.get_by_label("Name").fill("mona")
    page.get_by_label("Role").select_option("manager")
    page.get_by_role("button", name="Sign in locally").click()
    expect(page.get_by_text("mona (manager)")).to_be_visible()
    assert "dashboard.js" not in bundles  # the charting library loads with the tab, not with the queue
    page.get_by_role("button", name="Dashboard").click()
    rows = page.locator(".kpi-table tbody tr")
    expect(rows.first).to_be_visible()
    page.get_by_label("From (UTC day)").fill(start.isoformat())  # the period picker: the last 14 days
    page.get_by_label("To (inclusive)").fill(today.isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".dash-summary")).to_contain_text("5 tickets opened")
    report = api(twin, "GET", f"/reports/kpis?{period}", token=manager)
    assert report["tickets"] == 5 and report["from"] == start.isoformat()

    # Every KPI row: the report's value, target and verdict, the verdict in words.
    expect(rows).to_have_count(len(report["kpis"]))
    for kpi in report["kpis"]:
        row = page.locator(f".kpi-table tr[data-kpi='{kpi['key']}']")
        shown = row.evaluate("r => [r.dataset.value, r.dataset.target, r.dataset.met, r.cells[3].innerText]")
        assert (float(shown[0]) if shown[0] else None) == kpi["value"], kpi["key"]
        assert (float(shown[1]) if shown[1] else None) == kpi["target"], kpi["key"]
        assert shown[2] == {True: "true", False: "false", None: "null"}[kpi["met"]], kpi["key"]
        words = ("No data" if kpi["value"] is None else "Informational" if kpi["target"] is None
                 else "Met" if kpi["met"] else "Missed")
        assert shown[3].strip().endswith(words), (kpi["key"], shown[3])
    by_key = {k["key"]: k for k in report["kpis"]}
    assert (by_key["csat"]["value"], by_key["csat"]["met"]) == (50.0, False)  # a 5 and a 2
    assert (by_key["nps"]["value"], by_key["fcr"]["value"], by_key["fcr"]["met"]) == (0.0, 100.0, True)
    csat = page.locator(".kpi-table tr[data-kpi='csat']")
    expect(csat).to_contain_text("50 %")
    expect(csat).to_contain_text("≥ 85 %")
    expect(csat).to_contain_text("Missed")
    expect(page.locator(".kpi-table tr[data-kpi='fcr']")).to_contain_text("Met")

    # Trends: uPlot drew a canvas for the tickets and for CSAT, each with its table alternative.
    for chart in ("tickets", "csat"):
        canvas = page.locator(f"#chart-{chart} canvas")
        expect(canvas).to_have_count(1)
        assert canvas.evaluate("c => c.width > 200 && c.height > 100")
    assert page.locator("#chart-csat [role=img]").get_attribute("aria-label").startswith("Chart of CSAT by day")
    page.locator("#chart-csat summary").click()
    expect(page.locator("#chart-csat .chart-table tbody tr").last).to_contain_text("50 %")

    # Breaches and the oldest open tickets.
    assert any((b["kpi"], b["ref"]) == ("complaint_ack", complaint["ref"]) for b in report["breaches"])
    assert by_key["complaint_ack"]["met"] is False
    breaches = page.locator(".breaches li")
    expect(breaches).to_have_count(len(report["breaches"]))
    expect(breaches.filter(has_text=f"{complaint['ref']} · Complaints acknowledged in 1 business hour")).to_have_count(1)
    oldest = page.locator(".oldest tbody tr")
    expect(oldest).to_have_count(len(report["oldest_open"]))
    assert [o["ref"] for o in report["oldest_open"]][:2] == [complaint["ref"], still_open["ref"]]
    expect(oldest.first).to_contain_text(complaint["ref"])
    expect(oldest.nth(1)).to_contain_text(still_open["ref"])
    for ref in rated:
        expect(page.locator(".oldest")).not_to_contain_text(ref)
    shot(page, "console_dashboard")
    axe_clean(page, "console dashboard")

    # The CSV link downloads the API's export for the same period.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"kpis-portfolio-{start.isoformat()}-{today.isoformat()}.csv"
    saved = SHOTS.parent / "console_dashboard.csv"
    download.value.save_as(saved)
    assert saved.read_text() == csv_export(twin, period, manager)

    # The property filter: one property's figures.
    page.get_by_label("Property", exact=True).select_option("sunset-villas")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".dash-summary")).to_contain_text("1 ticket opened")
    expect(page.locator(".oldest tbody tr")).to_have_count(1)
    expect(page.locator("#byprop-h")).to_have_count(0)

    # A click on an open ticket opens it in the queue view; so does Enter on a breach's ticket (keyboard).
    page.get_by_label("Property", exact=True).select_option("")
    page.get_by_role("button", name="Show", exact=True).click()
    page.locator(".oldest").get_by_role("button", name=f"Open ticket {still_open['ref']}").click()
    expect(page.locator("#ticket-h")).to_contain_text(still_open["ref"])
    page.get_by_role("button", name="Dashboard").click()
    expect(page.locator(".kpi-table")).to_be_visible()  # kept: the period is still the last 14 days
    expect(page.locator(".dash-summary")).to_contain_text("5 tickets opened")
    page.locator(".breaches").get_by_role("button", name=f"Open ticket {complaint['ref']}").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-h")).to_contain_text(complaint["ref"])
    expect(page.locator(".facts")).to_contain_text("complaint")
    assert page.errors == [] and csp_refusals == []
    assert bundles.count("dashboard.js") == 1
