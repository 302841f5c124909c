"""The CSR ticket API. Every route needs a staff bearer token (Cognito in AWS, a dev token on the twin).

Like every handler, a route imports what it works with when it is first called, so that a cold start loads
only what the invoked path needs (bench/run.py measures it)."""
import os

from chalice import Blueprint, CognitoUserPoolAuthorizer

from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import api, now, parse, query_params, staff

bp = Blueprint(__name__)

authorizer = CognitoUserPoolAuthorizer(
    "StaffPool", provider_arns=[os.environ.get("CSR_USER_POOL_ARN",
                                               "arn:aws:cognito-idp:us-east-1:123456789012:userpool/local")])
MAX_PAGE = 100


def ticket_for(who, ticket_id: str):
    """The ticket a staff member asked for, if it is at one of their properties."""
    from chalicelib.tickets import store as tickets

    ticket = tickets.get_ticket(tickets.resolve_ticket_id(ticket_id))
    who.check(ticket.property_id, f"ticket {ticket_id}")
    return ticket


def _limit(params: dict) -> int:
    try:
        limit = int(params.get("limit", 25))
    except ValueError:
        raise Invalid("limit must be a number") from None
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    return limit


@bp.route("/tickets", methods=["GET"], authorizer=authorizer, cors=True)
@api
def list_tickets():
    from chalicelib.rules import roles, service_levels
    from chalicelib.rules.triage import URGENCY_RANK
    from chalicelib.tickets import portfolio as properties
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    params = query_params(request)
    prop, status, urgency, role = params.get("property"), params.get("status"), params.get("urgency"), params.get("role")
    if role and role not in roles.ROLES:
        raise Invalid(f"role must be one of {', '.join(roles.ROLES)}")
    if role and status:
        raise Invalid("role picks an open queue: it cannot be combined with status")
    if status and status not in service_levels.STATUSES:
        raise Invalid(f"status must be one of {', '.join(service_levels.STATUSES)}")
    if urgency and urgency not in URGENCY_RANK:
        raise Invalid(f"urgency must be one of {', '.join(URGENCY_RANK)}")
    limit, cursor = _limit(params), params.get("cursor")
    if prop:
        who.only(prop)
        properties.get_property(prop)
    if not status:  # the working queue: open tickets, most urgent and oldest first
        ids = [prop] if prop else [p.property_id for p in properties.list_properties() if who.sees(p.property_id)]
        page, next_cursor = tickets.open_queue(ids, urgency, limit, cursor, role)
    elif prop:
        page, next_cursor = tickets.by_index(tickets.Ticket.by_property, prop, status=status, urgency=urgency,
                                             limit=limit, cursor=cursor, newest_first=True)
    else:  # aging: one status across the portfolio, oldest first (a page may hold fewer for a scoped person)
        page, next_cursor = tickets.by_index(tickets.Ticket.by_status, status, status=None, urgency=urgency,
                                             limit=limit, cursor=cursor, newest_first=False)
    return {"tickets": [ticket_view(t) for t in page if who.sees(t.property_id)], "next_cursor": next_cursor}


@bp.route("/tickets/{ticket_id}", methods=["GET"], authorizer=authorizer, cors=True)
@api
def get_ticket(ticket_id):
    from chalicelib.escalation import incident, patch
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import audit_view, escalation_view, message_view, ticket_view

    ticket = ticket_for(staff(bp.current_request), ticket_id)
    trail, proof = tickets.audit_trail(ticket.ticket_id), escalation_view(ticket)
    if proof is not None:  # the live patches to on-call people are part of the proof
        proof["patches"] = patch.attempts(ticket.ticket_id, trail)
    return dict(ticket_view(ticket), escalation_proof=proof, incident=incident.view(ticket),
                messages=[message_view(m, staff=True) for m in tickets.thread(ticket.ticket_id)],
                audit=[audit_view(a) for a in trail])


@bp.route("/tickets/{ticket_id}/messages/{message_id}/attachments/{index}", methods=["GET"],
          authorizer=authorizer, cors=True)
@api
def attachment(ticket_id, message_id, index):
    """A short-lived download link for one attachment."""
    from chalicelib.channels.mail import attachments

    ticket = ticket_for(staff(bp.current_request), ticket_id)
    return {"url": attachments.download_url(ticket.ticket_id, message_id, index), "expires_in": 300}


@bp.route("/tickets/{ticket_id}/reply", methods=["POST"], authorizer=authorizer, cors=True)
@api
def reply(ticket_id):
    from chalicelib.handlers.bodies.tickets import ReplyIn
    from chalicelib.lifecycle import delivery
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, ReplyIn)
    ticket = ticket_for(who, ticket_id)
    message = delivery.reply(ticket, who.username, body.body, now(request))
    return {"message_id": message.message_id, "ticket": ticket_view(tickets.get_ticket(ticket.ticket_id))}


@bp.route("/tickets/{ticket_id}/status", methods=["POST"], authorizer=authorizer, cors=True)
@api
def set_status(ticket_id):
    from chalicelib.handlers.bodies.tickets import StatusIn
    from chalicelib.lifecycle import intake
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, StatusIn)
    when = now(request)
    ticket = tickets.change_status(ticket_for(who, ticket_id).ticket_id, body.status, who.username, when,
                                   body.version, body.note)
    return ticket_view(intake.status_changed(ticket, when))


@bp.route("/tickets/{ticket_id}/csat", methods=["POST"], authorizer=authorizer, cors=True)
@api
def record_csat(ticket_id):
    """A survey answer taken by staff (a call-back survey): the ticket's one answer, like the resident's."""
    from chalicelib.handlers.bodies.chat import SurveyIn
    from chalicelib.lifecycle import survey
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, SurveyIn)
    return ticket_view(survey.record(ticket_for(who, ticket_id).ticket_id, body.csat, body.nps, body.comment,
                                     who.username, "staff", now(request)))


@bp.route("/tickets/{ticket_id}/review", methods=["POST"], authorizer=authorizer, cors=True)
@api
def manager_review(ticket_id):
    from chalicelib.handlers.bodies.tickets import ReviewIn
    from chalicelib.lifecycle import intake
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request, "manager")
    body = parse(request, ReviewIn)
    return ticket_view(intake.review_done(ticket_for(who, ticket_id).ticket_id, who.username, now(request),
                                          body.note))


@bp.route("/tickets/{ticket_id}/assign", methods=["POST"], authorizer=authorizer, cors=True)
@api
def assign(ticket_id):
    from chalicelib.handlers.bodies.tickets import AssignIn
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, AssignIn)
    return ticket_view(tickets.assign(ticket_for(who, ticket_id).ticket_id, body.assignee, who.username,
                                      now(request), body.version))


@bp.route("/tickets/{ticket_id}/role", methods=["POST"], authorizer=authorizer, cors=True)
@api
def set_role(ticket_id):
    from chalicelib.handlers.bodies.tickets import RoleIn
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, RoleIn)
    return ticket_view(tickets.set_role(ticket_for(who, ticket_id).ticket_id, body.role, who.username,
                                        now(request), body.version))


@bp.route("/tickets/{ticket_id}/tier", methods=["POST"], authorizer=authorizer, cors=True)
@api
def set_tier(ticket_id):
    from chalicelib.handlers.bodies.tickets import TicketTierIn
    from chalicelib.tickets import store as tickets
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    body = parse(request, TicketTierIn)
    return ticket_view(tickets.set_tier(ticket_for(who, ticket_id).ticket_id, body.tier, who.username,
                                        now(request), body.version))


@bp.route("/tickets/{ticket_id}/incident/updates", methods=["POST"], authorizer=authorizer, cors=True)
@api
def incident_update(ticket_id):
    """One message to every resident who reported the incident this ticket leads (or belongs to)."""
    from chalicelib.handlers.bodies.tickets import IncidentUpdateIn
    from chalicelib.lifecycle import delivery
    from chalicelib.tickets import store as tickets

    request = bp.current_request
    who = staff(request)
    body = parse(request, IncidentUpdateIn)
    ticket = ticket_for(who, ticket_id)
    lead = tickets.get_ticket(ticket.incident_id) if ticket.incident_id else ticket
    return delivery.to_incident(lead, who.username, body.body, now(request))
