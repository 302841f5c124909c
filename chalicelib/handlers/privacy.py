"""A resident's privacy rights, exercised by an admin: everything about them as one document, or erased."""
from typing import Optional

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, StrictStr

from chalicelib.handlers.http import api, now, parse, query_params, staff
from chalicelib.handlers.tickets import authorizer
from chalicelib.tickets import privacy

bp = Blueprint(__name__)


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: Optional[StrictStr] = None
    email: Optional[StrictStr] = None


@bp.route("/admin/privacy/export", methods=["GET"], authorizer=authorizer, cors=True)
@api
def export():
    staff(bp.current_request, "admin")
    params = query_params(bp.current_request)
    return privacy.export(params.get("phone"), params.get("email"))


@bp.route("/admin/privacy/erase", methods=["POST"], authorizer=authorizer, cors=True)
@api
def erase():
    request = bp.current_request
    who = staff(request, "admin")
    person = parse(request, PersonIn)
    return privacy.erase(who.username, now(request), person.phone, person.email)
