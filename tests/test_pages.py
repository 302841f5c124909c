"""The people's pages in a real browser (Playwright driving Debian's Chromium) against the twin as `make run`
starts it: the resident chat (full page, and the launcher on a property's own website at phone width) and the
CSR console (sign-in, queue, reply, resolve, conflict, screen pop). axe-core checks each page; a screenshot of
each goes to build/screenshots/."""
import base64
import hashlib
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.test_twin_server import free_port, start_twin, stop_twin, wait_for

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000"
                    "0500010d0a2db40000000049454e44ae426082")

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


class _HostedUI(http.server.BaseHTTPRequestHandler):
    """The OAuth side of Cognito's hosted UI, as the console uses it: /oauth2/authorize answers at once with a
    code, /oauth2/token gives an ID token for it only with the PKCE verifier that matches the challenge. The
    token is one the twin accepts (its dev secret), so the signed-in console really works."""
    seen: dict = {}

    def do_GET(self):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        self.seen["authorize"] = query
        self.send_response(302)
        self.send_header("Location", f"{query['redirect_uri']}?code=the-code&state={query['state']}")
        self.end_headers()

    def do_POST(self):
        form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        self.seen["token"] = form
        asked = self.seen.get("authorize", {})
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        ok = (form.get("grant_type") == "authorization_code" and form.get("code") == "the-code"
              and form.get("client_id") == "console-client" and form.get("redirect_uri") == asked.get("redirect_uri")
              and challenge.rstrip(b"=").decode() == asked.get("code_challenge")
              and asked.get("code_challenge_method") == "S256")
        from chalicelib.core import signing
        from twin.stage import stage_environment
        secret = stage_environment("local")["TENANTLINE_DEV_SECRET"]
        body = json.dumps({"id_token": signing.sign({"cognito:username": "cognito-casey", "cognito:groups": ["csr"]},
                                                    secret, 3600), "token_type": "Bearer"} if ok
                          else {"error": "invalid_grant"}).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hosted_ui():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostedUI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", _HostedUI.seen
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def twin(hosted_ui):
    subprocess.run(["node", "web/build.mjs"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    ports = {"MOTO_PORT": str(free_port()), "API_PORT": str(free_port())}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TENANTLINE_"))}
    env.update(ports, TENANTLINE_TIME_SCALE="0.01", CSR_COGNITO_DOMAIN=hosted_ui[0], CSR_COGNITO_CLIENT_ID="console-client")
    log = tempfile.TemporaryFile(mode="w+")
    process = start_twin(env, log)
    try:
        base = f"http://127.0.0.1:{ports['API_PORT']}"
        wait_for(f"{base}/tickets", process)
        yield dict(env, base=base, log=log)
    finally:
        stop_twin(process)


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield chromium
        chromium.close()


def new_page(browser, **options):
    """A fresh browser profile; any script error on the page fails the test."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def axe_clean(target, name: str) -> None:
    """axe-core (from npm) in the page or frame: no serious or critical violation of WCAG 2.1 A/AA."""
    target.evaluate(AXE.read_text())  # evaluated over the DevTools protocol: the page's CSP stays as served
    violations = target.evaluate("""axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
        'best-practice']}).then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))""")
    assert violations == [], f"{name}: {json.dumps(violations, indent=1)}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def api(twin, method, path, body=None, token=None, session_token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if session_token:
        headers["X-Session-Token"] = session_token
    request = urllib.request.Request(twin["base"] + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def staff_token(twin, username="dev-csr", role="csr") -> str:
    return api(twin, "POST", "/app/local-signin", {"username": username, "role": role})["token"]


def resident_chat(twin, property_id, text):
    session = api(twin, "POST", "/chat/sessions", {"property_id": property_id, "name": "Test Resident"})
    answer = api(twin, "POST", f"/chat/sessions/{session['session_id']}/messages", {"text": text},
                 session_token=session["token"])
    return session, answer


def sign_in(page, twin, username):
    page.goto(twin["base"] + "/app/console")
    expect(page.get_by_role("heading", name="Local sign-in (twin only)")).to_be_visible()
    page.get_by_label("Name").fill(username)
    page.get_by_role("button", name="Sign in locally").click()
    expect(page.get_by_text(f"{username} (csr)")).to_be_visible()


def test_make_run_prints_the_page_urls(twin):
    twin["log"].seek(0)
    printed = twin["log"].read()
    for url in (f"{twin['base']}/app/chat/maple-court", f"{twin['base']}/app/widget.js?property=maple-court",
                f"{twin['base']}/app/console"):
        assert url in printed


def test_resident_chats_in_spanish_and_sees_the_csr_reply(twin, browser):
    page = new_page(browser, locale="es-ES")
    page.goto(twin["base"] + "/app/chat/maple-court")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chat con Maple Court Apartments")
    page.get_by_label("Nombre").fill("María López")
    page.get_by_label("Apartamento").fill("4B")
    page.get_by_label("Su mensaje").fill("Hay agua cayendo del techo de mi baño")
    page.get_by_role("button", name="Enviar").click()
    safety = page.locator(".tlw-safety")
    expect(safety).to_contain_text("emergencia")
    expect(safety).to_contain_text("Importante")
    ref = re.search(r"TL-[0-9A-Z]{4}", safety.inner_text()).group(0)
    csr = staff_token(twin)
    ticket = api(twin, "GET", f"/tickets/{ref}", token=csr)
    assert (ticket["language"], ticket["unit"], ticket["contact"]["name"]) == ("es", "4B", "María López")

    page.reload()  # the conversation is kept in the tab
    expect(page.locator(".tlw-safety")).to_contain_text(ref)
    api(twin, "POST", f"/tickets/{ref}/reply", {"body": "Hola María, el técnico va en camino."}, token=csr)
    expect(page.locator(".tlw-human")).to_contain_text("el técnico va en camino", timeout=15_000)
    page.get_by_role("button", name="9 de 10").click()
    expect(page.get_by_text("Gracias por su calificación.")).to_be_visible()
    assert api(twin, "GET", f"/tickets/{ref}", token=csr)["nps"] == 9
    page.get_by_label(re.compile("Agregar una foto")).set_input_files(
        files=[{"name": "fuga.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.locator(".tlw-status")).to_have_text("Foto agregada a su reporte.")
    expect(page.locator(".tlw-mine").last).to_contain_text("fuga.png")
    photos = [a for m in api(twin, "GET", f"/tickets/{ref}", token=csr)["messages"] for a in m["attachments"]]
    assert [(a["name"], a["content_type"], a["size"]) for a in photos] == [("fuga.png", "image/png", len(PNG))]
    page.get_by_label(re.compile("Agregar una foto")).set_input_files(
        files=[{"name": "notas.txt", "mimeType": "text/plain", "buffer": b"hola"}])
    expect(page.locator(".tlw-status")).to_contain_text("no es una foto")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_label("Your message")).to_be_visible()
    page.get_by_role("button", name="Español").click()
    shot(page, "chat_page_es")
    axe_clean(page, "chat page")
    assert page.errors == []


def test_a_safety_question_comes_with_quick_replies_usable_by_keyboard(twin, browser):
    page = new_page(browser, locale="en-US")
    page.goto(twin["base"] + "/app/chat/sunset-villas")
    too_long = "é" * 3000  # 6,000 bytes: over the API's 4,096
    page.get_by_label("Your message").fill(too_long)
    page.keyboard.press("Enter")
    expect(page.locator(".tlw-status")).to_contain_text("Not sent")
    expect(page.get_by_label("Your message")).to_have_value(too_long)  # given back to edit, not lost
    expect(page.locator(".tlw-pending")).to_have_count(0)  # and not retried forever
    page.get_by_label("Your message").fill("what am I supposed to do if I smell gas, is there a number I call? I'm new here")
    page.keyboard.press("Enter")
    answers = page.get_by_role("group", name=re.compile("smell gas"))
    expect(answers.get_by_role("button")).to_have_text(["1 Yes", "2 No"])
    answers.get_by_role("button", name="2 No").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".tlw-theirs").last).to_contain_text("as a regular request")
    expect(page.locator(".tlw-quick")).to_have_count(0)
    shot(page, "chat_page_quick_replies")
    assert page.errors == []


class _HostSite(http.server.BaseHTTPRequestHandler):
    """A property's own website with the one-line widget pasted in (another origin than the API)."""
    api_base = ""

    def do_GET(self):
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1"><title>Maple Court Apartments</title></head><body>'
                f'<main><h1>Maple Court Apartments</h1><p>Quiet living near the park.</p></main>'
                f'<script src="{self.api_base}/app/widget.js?property=maple-court"></script></body></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_widget_on_a_phone_survives_a_lost_answer(twin, browser):
    handler = type("Host", (_HostSite,), {"api_base": twin["base"]})
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                        locale="en-US")
        lost = []

        def lose_first_answer(route):
            if route.request.method == "POST" and not lost:
                route.fetch()  # the server handles it, but the answer never reaches the phone
                lost.append(route.request.post_data_json)
                route.abort("connectionreset")
            else:
                route.continue_()
        page.context.route("**/chat/sessions/*/messages", lose_first_answer)
        page.goto(f"http://127.0.0.1:{site.server_port}/")
        launcher = page.get_by_role("button", name="Chat with us")
        launcher.click()
        expect(launcher).to_have_attribute("aria-expanded", "true")
        frame = page.frame_locator(".tlw-frame")
        frame.get_by_label("Your message").fill("The blinds in my bedroom are broken")
        frame.get_by_role("button", name="Send").click()
        expect(frame.locator(".tlw-theirs").last).to_contain_text("TL-", timeout=20_000)
        assert lost and lost[0]["client_message_id"]
        box = page.locator(".tlw-frame-box").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] > 400
        inner = page.frame(url=re.compile(r"/app/chat/maple-court"))
        assert inner.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        ref = re.search(r"TL-[0-9A-Z]{4}", frame.locator(".tlw-theirs").last.inner_text()).group(0)
        thread = api(twin, "GET", f"/tickets/{ref}", token=staff_token(twin))["messages"]
        assert [m["body"] for m in thread if m["direction"] == "inbound"] == ["The blinds in my bedroom are broken"]
        shot(page, "widget_phone_390")
        axe_clean(page, "property site with the launcher")
        axe_clean(inner, "widget panel")
        frame.get_by_role("button", name="Close chat").click()
        expect(page.locator(".tlw-frame")).to_have_count(0)  # closed: no frame left polling
        expect(launcher).to_be_focused()
        assert page.errors == []
    finally:
        site.shutdown()
        site.server_close()


def test_csr_signs_in_finds_the_ticket_first_replies_and_resolves(twin, browser):
    session, answer = resident_chat(twin, "sunset-villas", "Water is pouring through my ceiling")
    ref = answer["ref"]
    page = new_page(browser)
    page.goto(twin["base"] + "/app/console")
    axe_clean(page, "console sign-in")
    shot(page, "console_signin")
    sign_in(page, twin, "alex")
    page.get_by_label("Property").select_option("sunset-villas")
    first = page.locator(".row-button").first
    expect(first).to_contain_text(ref)
    expect(first).to_contain_text("emergency")
    page.locator("body").press("j")  # the keyboard: j opens the next ticket, here the first
    expect(page.locator("#ticket-h")).to_contain_text(ref)
    page.get_by_label("Reply to the resident (goes out by chat)").fill("A technician is on the way, Test.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".thread")).to_contain_text("A technician is on the way, Test.")
    seen = api(twin, "GET", f"/chat/sessions/{session['session_id']}/messages", session_token=session["token"])
    assert any(m["body"] == "A technician is on the way, Test." and m["author"] == "alex" for m in seen["messages"])
    token = staff_token(twin)
    deadline = time.monotonic() + 30
    while not any(a["action"] == "paged" for a in api(twin, "GET", f"/tickets/{ref}", token=token)["audit"]):
        assert time.monotonic() < deadline, "the emergency was never paged"
        time.sleep(0.3)
    page.locator("body").press("g")  # refresh
    expect(page.locator(".pages li").first).to_contain_text("tier 1")  # the on-call pages of the emergency
    expect(page.locator(".facts")).to_contain_text("Clock: tier2")
    shot(page, "console_ticket")
    axe_clean(page, "console with a ticket")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".facts")).to_contain_text("resolved")
    expect(page.locator(f".row-button:has-text('{ref}')")).to_have_count(0)  # resolved tickets leave the queue
    assert api(twin, "GET", f"/tickets/{ref}", token=staff_token(twin))["status"] == "resolved"
    assert page.errors == []


def test_two_csrs_on_one_ticket_the_second_sees_the_conflict(twin, browser):
    _, answer = resident_chat(twin, "maple-court", "The closet door in the hallway is off its track")
    ref = answer["ref"]
    first, second = new_page(browser), new_page(browser)
    for page, name in ((first, "sam"), (second, "kim")):
        sign_in(page, twin, name)
        page.locator(f".row-button:has-text('{ref}')").click()
        expect(page.locator("#ticket-h")).to_contain_text(ref)
    first.locator("#act-status").select_option("in_progress")
    first.get_by_role("button", name="Set status").click()
    expect(first.locator(".notice")).to_contain_text("Status set to in progress")
    second.get_by_label("Reply to the resident (goes out by chat)").fill("Draft that must not be lost")
    second.get_by_role("button", name="Assign to me").click()
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text("Someone changed this ticket")
    expect(second.get_by_label("Reply to the resident (goes out by chat)")).to_have_value("Draft that must not be lost")
    shot(second, "console_conflict")
    axe_clean(second, "console conflict")
    assert api(twin, "GET", f"/tickets/{ref}", token=staff_token(twin))["assignee"] is None  # nothing applied
    second.get_by_role("button", name="Reload ticket").click()
    expect(conflict).to_have_count(0)
    expect(second.locator(".facts")).to_contain_text("in progress")
    second.get_by_role("button", name="Assign to me").click()
    expect(second.locator(".facts")).to_contain_text("kim")
    assert first.errors == [] and second.errors == []


def test_quarantined_mail_is_listed_and_released(twin, browser):
    env = {k: v for k, v in twin.items() if k not in ("base", "log")}
    done = subprocess.run([os.sys.executable, "manage.py", "simulate", "email", "tests/emails/outlook.eml", "--spam",
                           "FAIL"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0 and json.loads(done.stdout)["quarantined"], done.stdout + done.stderr
    page = new_page(browser)
    sign_in(page, twin, "lee")
    page.get_by_role("button", name="Quarantine").click()
    row = page.locator("tbody tr").filter(has=page.get_by_role("button", name=re.compile("^Release")))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("spam")
    shot(page, "console_quarantine")
    axe_clean(page, "console quarantine")
    row.get_by_role("button").click()
    expect(page.locator(".notice")).to_contain_text("Released")
    page.get_by_role("button", name="open ticket").click()
    expect(page.locator(".facts")).to_contain_text("email")
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("button", name="Calls").click()
    expect(page.locator(".report h3")).to_have_text("calls report")
    shot(page, "console_reports")
    axe_clean(page, "console reports")
    assert page.errors == []


STREAMS_STAND_IN = """
// Amazon Connect Streams as far as the console uses it; the test raises onConnected.
window.connect = {
  core: { initCCP() {} },
  contact(callback) { window.__contactSubscriber = callback; },
};
window.__connectCall = (attributes, contactId = 'test-contact', phone = '+12125550142') => {
  const handlers = [];
  const contact = { onConnected: (h) => handlers.push(h), getAttributes: () => attributes,
                    getContactId: () => contactId,
                    getInitialConnection: () => ({ getEndpoint: () => ({ phoneNumber: phone }) }) };
  window.__contactSubscriber(contact);
  handlers.forEach((h) => h(contact));
};
"""


def test_screen_pop_opens_the_callers_ticket(twin, browser):
    env = {k: v for k, v in twin.items() if k not in ("base", "log")}
    done = subprocess.run([os.sys.executable, "manage.py", "simulate", "call", "--press", "1", "2", "--say",
                           "the dishwasher will not drain"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=90)
    assert done.returncode == 0, done.stderr
    call = json.loads(done.stdout)
    page = new_page(browser)
    page.add_init_script(STREAMS_STAND_IN)
    sign_in(page, twin, "rio")
    page.wait_for_function("() => typeof window.__contactSubscriber === 'function'")
    # The attributes the inbound flow set on this contact (connect_flows/inbound.json: ticket_id, ticket_ref).
    page.evaluate("attrs => window.__connectCall(attrs)",
                  {"ticket_id": {"name": "ticket_id", "value": call["id"]},
                   "ticket_ref": {"name": "ticket_ref", "value": call["ref"]}})
    expect(page.locator("#ticket-h")).to_contain_text(call["ref"])
    expect(page.locator(".pop")).to_contain_text(f"opened {call['ref']}")
    expect(page.locator(".facts")).to_contain_text("voice")
    expect(page.locator("#ticket-h")).to_be_focused()
    expect(page.locator(".reply-none")).to_contain_text("call the resident back on +12125550142")
    shot(page, "console_screen_pop")
    axe_clean(page, "console after a screen pop")
    assert page.errors == []


def test_staff_sign_in_with_the_hosted_ui_uses_pkce_and_keeps_the_code_out_of_the_address(twin, browser, hosted_ui):
    _, seen = hosted_ui
    page = new_page(browser)
    page.goto(twin["base"] + "/app/console")
    page.get_by_role("button", name="Sign in with your staff account").click()
    expect(page.get_by_text("cognito-casey (csr)")).to_be_visible()
    assert page.url == twin["base"] + "/app/console"  # the code is gone from the address bar
    assert seen["token"]["code_verifier"] and seen["authorize"]["scope"] == "openid email profile"
    expect(page.get_by_role("heading", name=re.compile(r"^Queue \("))).to_be_visible()  # the ID token works
    expect(page.locator(".queue .alert")).to_have_count(0)
    stored = page.evaluate("() => Object.keys(localStorage).length")
    assert stored == 0  # tokens live in sessionStorage (this tab) only
    assert page.errors == []


def test_with_a_connect_instance_the_console_embeds_the_ccp_through_streams(twin, browser):
    """The served console configured for an instance (the route tests check that the server writes this
    configuration and its CSP): the real amazon-connect-streams loads and frames that instance's CCP."""
    instance = "https://tenantline-test.my.connect.aws"
    page = new_page(browser)

    def configured(route):
        response = route.fetch()
        html = response.text().replace('data-connect-url=""', f'data-connect-url="{instance}"')
        policy = response.headers["content-security-policy"].replace("frame-src 'none'", f"frame-src {instance}")
        route.fulfill(response=response, body=html, headers={**response.headers, "content-security-policy": policy})
    page.route("**/app/console", configured)
    page.route(f"{instance}/**", lambda route: route.fulfill(status=200, body="<title>CCP</title>",
                                                              content_type="text/html"))
    sign_in(page, twin, "jo")
    frame = page.locator("#ccp iframe")
    expect(frame).to_have_count(1)
    assert frame.get_attribute("src").startswith(f"{instance}/ccp-v2")
    assert page.evaluate("() => typeof window.connect.contact === 'function' && !!window.connect.core.initCCP")
    shot(page, "console_with_ccp")
    assert page.errors == []


def test_a_connected_call_without_a_ticket_gets_one_from_the_console(twin, browser):
    page = new_page(browser)
    page.add_init_script(STREAMS_STAND_IN)
    sign_in(page, twin, "ari")
    page.wait_for_function("() => typeof window.__contactSubscriber === 'function'")
    # A contact the flow never gave a ticket to (say, a transfer): only the property it rang.
    page.evaluate("attrs => window.__connectCall(attrs, 'c0ffee00-1111-2222-3333-444455556666', '+12125550177')",
                  {"property_id": {"name": "property_id", "value": "sunset-villas"}})
    form = page.get_by_role("form", name="New ticket for this call")
    expect(form.get_by_label("Caller's number")).to_have_value("+12125550177")
    expect(form.get_by_label("Property")).to_have_value("sunset-villas")
    expect(form.get_by_label("What is the call about?")).to_be_focused()
    page.keyboard.type("The gate code for the garage stopped working")
    form.get_by_role("button", name="Create ticket").click()
    expect(page.locator(".pop")).to_contain_text("created TL-")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("voice")
    expect(facts).to_contain_text("+12125550177")
    expect(facts).to_contain_text("sunset-villas")
    ref = re.search(r"TL-[0-9A-Z]{4}", page.locator(".pop").inner_text()).group(0)
    shot(page, "console_call_without_ticket")
    axe_clean(page, "console after making a ticket for a call")
    # The contact is now linked: making it again gives the same ticket.
    again = api(twin, "POST", "/calls/c0ffee00-1111-2222-3333-444455556666/ticket",
                {"property_id": "sunset-villas", "text": "again"}, token=staff_token(twin))
    assert (again["ref"], again["created"]) == (ref, False)
    assert page.errors == []


def test_in_the_agent_workspace_sign_in_is_a_popup_and_the_workspace_sdk_loads(twin, browser):
    """Opened as a third-party app (…/app/console?workspace=1, inside the workspace's frame, where the hosted UI
    refuses to load): sign-in runs in a pop-up that hands the code back; the console then loads its
    agent-workspace bundle (@amazon-connect/app, @amazon-connect/contact). Outside a workspace nothing answers
    that SDK, and the console still works."""
    page = new_page(browser)
    loaded = []
    page.on("response", lambda r: loaded.append(r.status) if r.url.endswith("/app/workspace.js") else None)
    page.goto(twin["base"] + "/app/console?workspace=1")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Sign in with your staff account").click()
    opened.value.wait_for_event("close")
    expect(page.get_by_text("cognito-casey (csr)")).to_be_visible()
    assert page.url == twin["base"] + "/app/console?workspace=1"
    expect(page.get_by_role("heading", name=re.compile(r"^Queue \("))).to_be_visible()
    page.wait_for_timeout(300)
    assert loaded == [200]
    assert page.errors == []


def test_a_prospect_books_a_tour_on_a_phone_in_spanish(twin, browser):
    """The booking page (no script, plain forms) from the pages' address: the first day with free times is
    chosen, a time is picked with the keyboard, and the confirmation names the agent and the manage link."""
    page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="es-US")
    page.goto(f"{twin['base']}/app/tours/maple-court?lang=es")
    assert page.url.startswith(f"{twin['base']}/tours/maple-court/book")
    expect(page.locator("fieldset legend")).to_contain_text("(")  # a day with free times is open
    axe_clean(page, "tour booking page")
    shot(page, "tours_booking_es")
    first = page.locator("input[name=start]").first
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    day = first.get_attribute("value")[:10]
    page.get_by_label(re.compile("Nombre", re.I)).fill("Lucía Prospecto")
    page.get_by_label(re.compile("Correo", re.I)).fill("lucia@example.com")
    page.locator("button[type=submit]").click()
    confirmed = page.locator("[role=status]")
    expect(confirmed).to_be_visible()
    expect(page.locator("a", has_text=re.compile("(cambiar|cancelar|gestionar)", re.I)).first).to_be_visible()
    axe_clean(page, "tour booked page")
    shot(page, "tours_booked_es")
    assert page.errors == []
    booked = api(twin, "GET", f"/tours/maple-court/bookings?date={day}", token=staff_token(twin))
    assert any(b["name"] == "Lucía Prospecto" and b["status"] == "booked" for b in booked["bookings"])
