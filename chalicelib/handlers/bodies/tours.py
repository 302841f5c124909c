"""Tour bookings (from the widget, the booking page or staff) and their outcomes."""
from typing import Literal, Optional

from pydantic import StrictBool

from chalicelib.handlers.bodies import Body, Language, bounded


class BookingIn(Body):
    start: bounded(40, 16)
    name: bounded(100, 1)
    phone: Optional[bounded(32)] = None
    email: Optional[bounded(254)] = None
    language: Optional[Language] = None
    source: Optional[bounded(100)] = None
    client_request_id: Optional[bounded(100, 1)] = None
    self_guided: Optional[StrictBool] = None
    campaign: Optional[bounded(100)] = None  # the page's utm_campaign
    discovery: Optional[bounded(100)] = None  # how they heard of us


class RescheduleIn(Body):
    start: bounded(40, 16)


class OutcomeIn(Body):
    status: Literal["completed", "no_show"]
    applied: Optional[StrictBool] = None
