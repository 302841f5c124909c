"""Repair visits on a ticket (staff): propose a window, record what happened. The resident answers by text."""
import html
from datetime import datetime

from chalice import Blueprint, Response

from chalicelib.core.errors import TenantlineError
from chalicelib.handlers.http import api, link_failed, link_page, now, parse, staff, wants_json
from chalicelib.handlers.tickets import authorizer, ticket_for

bp = Blueprint(__name__)


@bp.route("/tickets/{ticket_id}/visits", methods=["POST"], authorizer=authorizer, cors=True)
@api
def propose(ticket_id):
    from chalicelib.handlers.bodies.visits import VisitIn
    from chalicelib.lifecycle import visits

    request = bp.current_request
    who = staff(request)
    body = parse(request, VisitIn)
    ticket = ticket_for(who, ticket_id)
    visit = visits.propose(ticket, body.start, body.end, body.technician, body.note, who.username, now(request))
    return Response(body=visits.view(visit), status_code=201, headers={"Content-Type": "application/json"})


@bp.route("/tickets/{ticket_id}/visits/{visit_id}/status", methods=["POST"], authorizer=authorizer, cors=True)
@api
def record(ticket_id, visit_id):
    from chalicelib.handlers.bodies.visits import VisitStatusIn
    from chalicelib.lifecycle import visits

    request = bp.current_request
    who = staff(request)
    body = parse(request, VisitStatusIn)
    ticket = ticket_for(who, ticket_id)
    arrived: datetime | None = body.arrived_at
    return visits.view(visits.set_status(ticket, visit_id, body.status, who.username, now(request), arrived))


# --- the signed links in a visit email (public): GET shows one button and changes nothing; POST answers ---

@bp.route("/visit-links/{token}", methods=["GET"], cors=True)
def show_link(token):
    from chalicelib.lifecycle import visits
    from chalicelib.rules import replies

    request = bp.current_request
    try:
        ticket, visit, said = visits.from_link(token, now(request))
    except TenantlineError as exc:
        return link_failed(request, exc, "Repair visit")
    lang = visits.language_of(ticket)
    title = replies.say("visit_link_page", lang, window=visits.window_label(ticket, visit), ref=ticket.ref)
    if wants_json(request):
        return {"ref": ticket.ref, "visit": visits.view(visit), "answer": said}
    button = replies.say("visit_link_confirm" if said == "1" else "visit_link_other", lang)
    return link_page(title, f"<form method=post><button type=submit style='font-size:1.2em'>{html.escape(button)}"
                            "</button></form>", language=lang)


@bp.route("/visit-links/{token}", methods=["POST"], cors=True,
          content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"])
def answer_link(token):
    from chalicelib.lifecycle import visits

    request = bp.current_request
    try:
        visit = visits.answer_by_link(token, now(request))
    except TenantlineError as exc:
        return link_failed(request, exc, "Repair visit")
    if wants_json(request):
        return visit
    return link_page("Repair visit", f"<p>{html.escape(visit['status'])}: {html.escape(visit['start'])}</p>")
