"""The console's screen pop: a connected call with no ticket gets one (staff only)."""
import re

from chalice import Blueprint

from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import api, now, parse, staff
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)


@bp.route("/calls/{contact_id}/ticket", methods=["POST"], authorizer=authorizer, cors=True)
@api
def ticket_for_call(contact_id):
    from chalicelib.channels.voice import agent_ticket
    from chalicelib.handlers.bodies.tickets import CallTicketIn
    from chalicelib.tickets.views import ticket_view

    request = bp.current_request
    who = staff(request)
    if not re.fullmatch(r"[A-Za-z0-9-]{1,128}", contact_id):
        raise Invalid("not a contact id")
    body = parse(request, CallTicketIn)
    ticket, made = agent_ticket.ticket_for_call(contact_id, body.property_id, body.phone, body.text,
                                                who.username, now(request))
    return dict(ticket_view(ticket), created=made)
