"""The console's screen pop: a connected call with no ticket gets one (staff only)."""
import re
from typing import Annotated, Optional

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints

from chalicelib.channels.voice import agent_ticket
from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import api, now, parse, staff
from chalicelib.handlers.tickets import authorizer
from chalicelib.tickets.views import ticket_view

bp = Blueprint(__name__)


class CallTicketIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    property_id: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
    phone: Optional[Annotated[StrictStr, StringConstraints(max_length=32)]] = None
    text: Annotated[StrictStr, StringConstraints(max_length=4096)]


@bp.route("/calls/{contact_id}/ticket", methods=["POST"], authorizer=authorizer, cors=True)
@api
def ticket_for_call(contact_id):
    request = bp.current_request
    who = staff(request)
    if not re.fullmatch(r"[A-Za-z0-9-]{1,128}", contact_id):
        raise Invalid("not a contact id")
    body = parse(request, CallTicketIn)
    ticket, made = agent_ticket.ticket_for_call(contact_id, body.property_id, body.phone, body.text,
                                                who.username, now(request))
    return dict(ticket_view(ticket), created=made)
