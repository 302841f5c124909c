"""Tour bookings, in the ticket-events table: pk = TOURS#<property>#<local date> (a day's tours are one
Query), sk = BOOKING#<booking id>. What stops double booking are the hold items beside them (keys.tour_hold,
one per agent and granule) and the property's party counters (keys.tour_load), written in one transaction
with the booking (tickets/tours.py)."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class TourBooking(Model):
    Meta = meta("ticket-events")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    booking_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    day = UnicodeAttribute()  # the local date, ISO
    start = UnicodeAttribute()  # UTC, core/times.iso
    end = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    agent_name = UnicodeAttribute()
    status = UnicodeAttribute(default="booked")  # booked | cancelled | completed | no_show
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="en")
    source = UnicodeAttribute(null=True)  # rules/leads.source: a campaign, else what the booking said
    discovery = UnicodeAttribute(null=True)  # "how did you hear about us?"
    created_at = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)  # prospect | staff
    rescheduled_to = UnicodeAttribute(null=True)  # the booking that replaced this one
    confirmed_at = UnicodeAttribute(null=True)  # when the confirmation went out
    reminders_sent = NumberAttribute(default=0)
    outcome_at = UnicodeAttribute(null=True)  # when the agent marked it completed or no_show
    outcome_by = UnicodeAttribute(null=True)
    self_guided = BooleanAttribute(null=True)  # no agent: agent_id is rules/tours.SELF_GUIDED
    access_confirmed_at = UnicodeAttribute(null=True)  # the leasing office confirmed it: the access note may go
    access_confirmed_by = UnicodeAttribute(null=True)
    applied = BooleanAttribute(null=True)  # the prospect applied after the tour (the lead's outcome)
