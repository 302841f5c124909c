"""Tour routes: free slots and booking (public), the signed manage link (public: view, cancel, reschedule),
a day's bookings (staff, their properties only), and the reminder Lambda the timer state machine runs."""
from datetime import date, datetime
from typing import Annotated, Literal, Optional

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints

from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import CHAT_CORS, api, now, parse, query_params, staff
from chalicelib.lifecycle import tours

bp = Blueprint(__name__)

PROPERTY_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start: Annotated[StrictStr, StringConstraints(min_length=16, max_length=40)]
    name: Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]
    phone: Optional[Annotated[StrictStr, StringConstraints(max_length=32)]] = None
    email: Optional[Annotated[StrictStr, StringConstraints(max_length=254)]] = None
    language: Optional[Literal["en", "es"]] = None
    source: Optional[Annotated[StrictStr, StringConstraints(max_length=100)]] = None
    client_request_id: Optional[Annotated[StrictStr, StringConstraints(min_length=1, max_length=100)]] = None


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start: Annotated[StrictStr, StringConstraints(min_length=16, max_length=40)]


def _start(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("start must be an ISO 8601 time, like 2026-11-21T10:00:00-05:00") from None
    if when.tzinfo is None:
        raise Invalid("start needs a UTC offset, like 2026-11-21T10:00:00-05:00")
    return when


def _property_id(value: str) -> str:
    import re  # noqa: PLC0415 - only here
    if not re.match(PROPERTY_ID, value or ""):
        raise Invalid("not a property id")
    return value


def _date(request) -> date:
    value = query_params(request).get("date")
    if not value:
        raise Invalid("date is required (?date=YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value[:40]!r} is not a date (YYYY-MM-DD)") from None


def _answer(result: dict) -> Response:
    return Response(body=result["body"], status_code=result["status"], headers={"Content-Type": "application/json"})


@bp.route("/tours/{property_id}/slots", methods=["GET"], cors=CHAT_CORS)
@api
def free_slots(property_id):
    request = bp.current_request
    return tours.slots(_property_id(property_id), _date(request), now(request))


@bp.route("/tours/{property_id}/bookings", methods=["POST"], cors=CHAT_CORS)
@api
def book(property_id):
    request = bp.current_request
    body = parse(request, BookingIn)
    who = tours.Prospect(body.name, body.phone, body.email, body.language, body.source)
    return _answer(tours.book(_property_id(property_id), _start(body.start), who, body.client_request_id,
                              now(request)))


@bp.route("/tours/{property_id}/bookings", methods=["GET"], cors=True)
@api
def day_bookings(property_id):
    request = bp.current_request
    who = staff(request)
    return tours.day_list(who.only(_property_id(property_id)), _date(request))


@bp.route("/tour-bookings/{token}", methods=["GET"], cors=CHAT_CORS)
@api
def manage(token):
    return tours.view(token, now(bp.current_request))


@bp.route("/tour-bookings/{token}/cancel", methods=["POST"], cors=CHAT_CORS)
@api
def cancel(token):
    return tours.cancel(token, now(bp.current_request))


@bp.route("/tour-bookings/{token}/reschedule", methods=["POST"], cors=CHAT_CORS)
@api
def reschedule(token):
    request = bp.current_request
    body = parse(request, RescheduleIn)
    return _answer(tours.reschedule(token, _start(body.start), now(request)))
