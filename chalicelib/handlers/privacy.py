"""A resident's privacy rights, exercised by an admin: everything about them as one document, or erased."""
from chalice import Blueprint

from chalicelib.handlers.http import api, now, parse, query_params, staff
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)


@bp.route("/admin/privacy/export", methods=["GET"], authorizer=authorizer, cors=True)
@api
def export():
    from chalicelib.tickets import privacy

    staff(bp.current_request, "admin")
    params = query_params(bp.current_request)
    return privacy.export(params.get("phone"), params.get("email"))


@bp.route("/admin/privacy/erase", methods=["POST"], authorizer=authorizer, cors=True)
@api
def erase():
    from chalicelib.handlers.bodies.tickets import PersonIn
    from chalicelib.tickets import privacy

    request = bp.current_request
    who = staff(request, "admin")
    person = parse(request, PersonIn)
    return privacy.erase(who.username, now(request), person.phone, person.email)
