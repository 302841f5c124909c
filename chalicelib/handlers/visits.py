"""Repair visits on a ticket (staff): propose a window, record what happened. The resident answers by text."""
from datetime import datetime
from typing import Annotated

from chalice import Blueprint, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, StrictStr, StringConstraints

from chalicelib.handlers.http import api, now, parse, staff
from chalicelib.handlers.tickets import authorizer, ticket_for
from chalicelib.lifecycle import visits

bp = Blueprint(__name__)


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start: AwareDatetime
    end: AwareDatetime
    technician: Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
    note: Annotated[StrictStr, StringConstraints(max_length=1000)] | None = None


class VisitStatusIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: StrictStr
    arrived_at: AwareDatetime | None = None


@bp.route("/tickets/{ticket_id}/visits", methods=["POST"], authorizer=authorizer, cors=True)
@api
def propose(ticket_id):
    request = bp.current_request
    who = staff(request)
    body = parse(request, VisitIn)
    ticket = ticket_for(who, ticket_id)
    visit = visits.propose(ticket, body.start, body.end, body.technician, body.note, who.username, now(request))
    return Response(body=visits.view(visit), status_code=201, headers={"Content-Type": "application/json"})


@bp.route("/tickets/{ticket_id}/visits/{visit_id}/status", methods=["POST"], authorizer=authorizer, cors=True)
@api
def record(ticket_id, visit_id):
    request = bp.current_request
    who = staff(request)
    body = parse(request, VisitStatusIn)
    ticket = ticket_for(who, ticket_id)
    arrived: datetime | None = body.arrived_at
    return visits.view(visits.set_status(ticket, visit_id, body.status, who.username, now(request), arrived))
