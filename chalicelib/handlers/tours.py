"""Tour routes: free slots and booking (public), the signed manage link (public: view, cancel, reschedule; a
page or JSON), a day's bookings and tour outcomes (staff, their properties only), and the booking page a
prospect's chat answer links to. The reminder Lambda is in handlers/timers.py with the other timer Lambdas."""
import html
import re
import urllib.parse
import uuid
from datetime import date, datetime

from chalice import Blueprint, Response

from chalicelib.core.errors import Invalid, TenantlineError
from chalicelib.handlers.http import CHAT_CORS, api, form_body, now, parse, query_params, staff, wants_json
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)

PROPERTY_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"


def _start(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("start must be an ISO 8601 time, like 2026-11-21T10:00:00-05:00") from None
    if when.tzinfo is None:
        raise Invalid("start needs a UTC offset, like 2026-11-21T10:00:00-05:00")
    return when


def _property_id(value: str) -> str:
    if not re.match(PROPERTY_ID, value or ""):
        raise Invalid("not a property id")
    return value


def _booking_id(value: str) -> str:
    if not re.match(r"^[0-9A-Za-z]{1,40}$", value or ""):
        raise Invalid("not a booking id")
    return value


def _date(request) -> date:
    value = query_params(request).get("date")
    if not value:
        raise Invalid("date is required (?date=YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value[:40]!r} is not a date (YYYY-MM-DD)") from None


def _self_guided(request) -> bool:
    kind = query_params(request).get("kind") or "guided"
    if kind not in ("guided", "self_guided"):
        raise Invalid("kind is guided or self_guided")
    return kind == "self_guided"


def _answer(result: dict) -> Response:
    return Response(body=result["body"], status_code=result["status"], headers={"Content-Type": "application/json"})


@bp.route("/tours/{property_id}/slots", methods=["GET"], cors=CHAT_CORS)
@api
def free_slots(property_id):
    from chalicelib.lifecycle import tours

    request = bp.current_request
    return tours.slots(_property_id(property_id), _date(request), now(request), _self_guided(request))


@bp.route("/tours/{property_id}/bookings", methods=["POST"], cors=CHAT_CORS)
@api
def book(property_id):
    from chalicelib.handlers.bodies.tours import BookingIn
    from chalicelib.lifecycle import tours

    request = bp.current_request
    body = parse(request, BookingIn)
    who = tours.Prospect(body.name, body.phone, body.email, body.language, body.source, body.campaign,
                         body.discovery)
    return _answer(tours.book(_property_id(property_id), _start(body.start), who, body.client_request_id,
                              now(request), bool(body.self_guided)))


@bp.route("/tours/{property_id}/bookings", methods=["GET"], authorizer=authorizer, cors=True)
@api
def day_bookings(property_id):
    from chalicelib.lifecycle import tours

    request = bp.current_request
    who = staff(request)
    return tours.day_list(who.only(_property_id(property_id)), _date(request))


@bp.route("/tours/{property_id}/bookings/{booking_id}/outcome", methods=["POST"], authorizer=authorizer, cors=True)
@api
def mark_outcome(property_id, booking_id):
    """After the tour the agent marks it completed or no_show, and whether the prospect applied."""
    from chalicelib.handlers.bodies.tours import OutcomeIn
    from chalicelib.lifecycle import tours

    request = bp.current_request
    who = staff(request)
    body = parse(request, OutcomeIn)
    return tours.outcome(who.only(_property_id(property_id)), _booking_id(booking_id), body.status, body.applied,
                         who.username, now(request))


@bp.route("/tours/{property_id}/bookings/{booking_id}/access", methods=["POST"], authorizer=authorizer, cors=True)
@api
def confirm_access(property_id, booking_id):
    """The leasing office confirms a self-guided booking: its access note goes an hour before the tour."""
    from chalicelib.lifecycle import tours

    request = bp.current_request
    who = staff(request)
    return tours.confirm_access(who.only(_property_id(property_id)), _booking_id(booking_id), who.username,
                                now(request))


@bp.route("/tour-bookings/{token}", methods=["GET"], cors=CHAT_CORS)
@api
def manage(token):
    """The manage link: a page (a browser opening it from the email), or JSON with Accept: application/json.
    Opening it changes nothing (mail scanners open links too)."""
    from chalicelib.lifecycle import tours

    request = bp.current_request
    if _wants_json(request):
        return tours.view(token, now(request))
    try:
        day = _date(request) if query_params(request).get("date") else None
        return _manage_page(tours.view(token, now(request)), token, now(request), day)
    except TenantlineError as exc:
        return _html(str(exc), "", "en", exc.status)


@bp.route("/tour-bookings/{token}/cancel", methods=["POST"], cors=CHAT_CORS,
          content_types=["application/x-www-form-urlencoded", "application/json"])
@api
def cancel(token):
    from chalicelib.lifecycle import tours

    request = bp.current_request
    if _wants_json(request):
        return tours.cancel(token, now(request))
    try:
        tours.cancel(token, now(request))
        return _manage_page(tours.view(token, now(request)), token, now(request))
    except TenantlineError as exc:
        return _html(str(exc), "", "en", exc.status)


@bp.route("/tour-bookings/{token}/reschedule", methods=["POST"], cors=CHAT_CORS,
          content_types=["application/x-www-form-urlencoded", "application/json"])
@api
def reschedule(token):
    """JSON: 201 with the new booking, or 409 with the next free slots. From the manage page (a form): the new
    booking's confirmation, or the page again with a notice."""
    from chalicelib.handlers.bodies.tours import RescheduleIn
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    request = bp.current_request
    if _wants_json(request):
        body = parse(request, RescheduleIn)
        return _answer(tours.reschedule(token, _start(body.start), now(request)))
    when, language = now(request), "en"
    try:
        view = tours.view(token, when)
        language = _lang(view.get("language"))
        start = _start(str(form_body(request).get("start") or "")[:40])
        result = tours.reschedule(token, start, when)
        if result["status"] != 201:
            day = start.astimezone(tours.zone_of(view["property_id"])).date()
            return _manage_page(view, token, when, day, wording.page_text("taken", language), 409)
        return _confirmed(view["property_id"], result["body"], language, when)
    except TenantlineError as exc:
        return _html(str(exc), "", language, exc.status)


# --- pages: what a prospect opens from a chat answer or an email (no script; forms post to these routes) ---

CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
STYLE = ("body{font-family:system-ui,sans-serif;margin:1.2em;max-width:36em;line-height:1.5}"
         "label{display:block;margin:.4em 0}input[type=text],input[type=email],input[type=tel]{width:100%;"
         "font-size:1.1em;padding:.4em;box-sizing:border-box}button{font-size:1.1em;padding:.5em 1em;margin-top:.8em}"
         "fieldset{border:1px solid #999;margin:.8em 0}.days a{display:inline-block;margin:.2em .4em .2em 0}"
         "[aria-current]{font-weight:bold}.note{background:#fff3cd;padding:.6em}")


def _wants_json(request) -> bool:
    """A client that asks for JSON, or posts it (the manage link's actions)."""
    return wants_json(request) or "application/json" in (request.headers or {}).get("content-type", "")


def _html(title: str, body: str, language: str = "en", status: int = 200) -> Response:
    page = (f"<!doctype html><html lang={language}><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width,initial-scale=1'><title>{html.escape(title)}</title><style>{STYLE}</style>"
            f"</head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")
    return Response(body=page, status_code=status, headers={"Content-Type": "text/html; charset=utf-8",
                                                            "Content-Security-Policy": CSP})


def _lang(value) -> str:
    return "es" if value == "es" else "en"


def _booking_form(property_id: str, day: date | None, language: str, when: datetime, notice: str = "",
                  campaign: str | None = None) -> Response:
    """The day's free times and the form; `campaign` (the page's utm_campaign) rides along to the booking."""
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    days, name = tours.page_days(property_id, when)
    keep = f"&amp;utm_campaign={html.escape(urllib.parse.quote(campaign))}" if campaign else ""
    title = wording.page_text("title", language, property=name)
    chosen = day
    free: list[dict] = []
    if chosen is None:  # the first day with a free time
        for d in days:
            free = tours.slots(property_id, d, when)["slots"]
            if free:
                chosen = d
                break
    elif chosen:
        free = tours.slots(property_id, chosen, when)["slots"]
    other = "en" if language == "es" else "es"
    links = "".join(
        f"<a href='book?date={d.isoformat()}&amp;lang={language}{keep}'{' aria-current=date' if d == chosen else ''}>"
        f"{html.escape(wording.when_label_day(d, language))}</a>" for d in days)
    parts = [f"<p><a href='book?{'date=' + chosen.isoformat() + '&amp;' if chosen else ''}lang={other}' "
             f"lang={other}>{wording.page_text('other_language', language)}</a></p>"]
    if notice:
        parts.append(f"<p class=note role=alert>{html.escape(notice)}</p>")
    parts.append(f"<h2>{wording.page_text('pick_day', language)}</h2><nav class=days>{links}</nav>")
    if not free:
        parts.append(f"<p>{wording.page_text('no_times', language)}</p>")
        return _html(title, "".join(parts), language, 409 if notice else 200)
    radios = "".join(f"<label><input type=radio name=start value='{html.escape(s['start'])}' required> "
                     f"{s['start'][11:16]}</label>" for s in free)
    parts.append(
        f"<form method=post action=book><input type=hidden name=language value={language}>"
        f"<input type=hidden name=client_request_id value={uuid.uuid4()}>"
        + (f"<input type=hidden name=campaign value='{html.escape(campaign)}'>" if campaign else "") +
        f"<fieldset><legend>{wording.page_text('pick_time', language)} "
        f"({html.escape(wording.when_label_day(chosen, language))})</legend>{radios}</fieldset>"
        f"<label>{wording.page_text('name', language)}<input type=text name=name required maxlength=100 "
        f"autocomplete=name></label>"
        f"<label>{wording.page_text('email', language)}<input type=email name=email maxlength=254 "
        f"autocomplete=email></label>"
        f"<label>{wording.page_text('phone', language)}<input type=tel name=phone maxlength=32 autocomplete=tel>"
        f"</label><label>{wording.page_text('discovery', language)}<input type=text name=discovery maxlength=100>"
        f"</label><button type=submit>{wording.page_text('book', language)}</button></form>")
    return _html(title, "".join(parts), language, 409 if notice else 200)


@bp.route("/app/tours/{property_id}", methods=["GET"])
def pages_address(property_id):
    """The booking page at the pages' address (/app/tours/{property_id}): a relative redirect to the page,
    which lives beside its form's target (and works under API Gateway's stage prefix)."""
    query = urllib.parse.urlencode(query_params(bp.current_request))
    target = f"../../tours/{urllib.parse.quote(property_id, safe='')}/book" + (f"?{query}" if query else "")
    return Response(body="", status_code=302, headers={"Location": target})


@bp.route("/tours/{property_id}/book", methods=["GET"])
def booking_page(property_id):
    request = bp.current_request
    params = query_params(request)
    language = _lang(params.get("lang"))
    try:
        day = _date(request) if params.get("date") else None
        return _booking_form(_property_id(property_id), day, language, now(request),
                             campaign=(params.get("utm_campaign") or "")[:100] or None)
    except TenantlineError as exc:
        return _html(str(exc), "", language, exc.status)


@bp.route("/tours/{property_id}/book", methods=["POST"],
          content_types=["application/x-www-form-urlencoded", "application/json"])
def book_from_page(property_id):
    from pydantic import ValidationError

    from chalicelib.handlers.bodies.tours import BookingIn
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    request = bp.current_request
    language = "en"
    try:
        form = form_body(request)
        language = _lang(form.get("language"))
        body = BookingIn.model_validate({k: v for k, v in form.items() if v not in ("", None)})
        who = tours.Prospect(body.name, body.phone, body.email, language, body.source or "booking page",
                             body.campaign, body.discovery)
        when = now(request)
        start = _start(body.start)
        result = tours.book(_property_id(property_id), start, who, body.client_request_id, when)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _html(problems, "", language, 400)
    except TenantlineError as exc:
        return _html(str(exc), "", language, exc.status)
    if result["status"] != 201:
        return _booking_form(property_id, start.astimezone(tours.zone_of(property_id)).date(), language, when,
                             wording.page_text("taken", language), body.campaign)
    return _confirmed(property_id, result["body"], language, when)


def _confirmed(property_id: str, booked: dict, language: str, when: datetime) -> Response:
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    text = wording.page_text("booked", language, when=tours.label(property_id, booked["start"], language),
                             with_agent=wording.with_agent(booked["agent"], booked.get("self_guided"), language))
    return _html(wording.page_text("your_tour", language, property=tours.page_days(property_id, when)[1]),
                 f"<p role=status>{html.escape(text)}</p><p><a href='{html.escape(booked['manage_link'])}'>"
                 f"{wording.page_text('manage', language)}</a></p>", language, 201)


def _manage_page(view: dict, token: str, when: datetime, day: date | None = None, notice: str = "",
                 status_code: int = 200) -> Response:
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    language = _lang(view.get("language"))
    title = wording.page_text("your_tour", language, property=view["property"])
    if view["status"] == "booked":
        status = wording.page_text("status_booked", language,
                                   when=tours.label(view["property_id"], view["start"], language),
                                   with_agent=wording.with_agent(view["agent"], view.get("self_guided"), language))
        action = (f"<form method=post action='{html.escape(token)}/cancel'><button type=submit>"
                  f"{wording.page_text('cancel', language)}</button></form>"
                  + _move_form(view, token, when, day, language, notice))
    else:  # cancelled: book a new one (a booked tour is moved with POST .../reschedule, never doubled here)
        status = wording.page_text("status_cancelled", language)
        action = f"<p><a href='../tours/{html.escape(view['property_id'])}/book?lang={language}'>" \
                 f"{wording.page_text('rebook', language)}</a></p>"
    return _html(title, f"<p role=status>{html.escape(status)}</p>{action}", language, status_code)


def _move_form(view: dict, token: str, when: datetime, day: date | None, language: str, notice: str) -> str:
    """Another time for a booked tour: the free times of a day (by default the tour's own), and the next days."""
    from chalicelib.lifecycle import tours
    from chalicelib.rules import tours as wording

    days, _name = tours.page_days(view["property_id"], when)
    day = day or date.fromisoformat(view["start"][:10])
    free = [s for s in tours.slots(view["property_id"], day, when)["slots"] if s["start"] != view["start"]]
    links = "".join(f"<a href='{html.escape(token)}?date={d.isoformat()}'{' aria-current=date' if d == day else ''}>"
                    f"{html.escape(wording.when_label_day(d, language))}</a>" for d in days)
    parts = [f"<h2>{wording.page_text('change', language)}</h2>"]
    if notice:
        parts.append(f"<p class=note role=alert>{html.escape(notice)}</p>")
    parts.append(f"<nav class=days>{links}</nav>")
    if not free:
        return "".join(parts) + f"<p>{wording.page_text('no_times', language)}</p>"
    radios = "".join(f"<label><input type=radio name=start value='{html.escape(s['start'])}' required> "
                     f"{s['start'][11:16]}</label>" for s in free)
    parts.append(f"<form method=post action='{html.escape(token)}/reschedule'><fieldset><legend>"
                 f"{html.escape(wording.when_label_day(day, language))}</legend>{radios}</fieldset>"
                 f"<button type=submit>{wording.page_text('move', language)}</button></form>")
    return "".join(parts)
