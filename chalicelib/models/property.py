"""Portfolio configuration. Properties live in one partition (pk=PORTFOLIO) so listing them is a
Query; a property's staff and residents live under pk=PROPERTY#<id> (help articles: models/help.py)."""
from pynamodb.attributes import BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta
from chalicelib.models.keys import PORTFOLIO


class Property(Model):
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True, default=PORTFOLIO)
    sk = UnicodeAttribute(range_key=True)  # the property id
    name = UnicodeAttribute()
    timezone = UnicodeAttribute()
    # {"mon": [["08:00", "17:00"]], ...}; a missing day is closed.
    hours = JSONAttribute(default=dict)
    holiday_country = UnicodeAttribute(default="US")
    holiday_subdiv = UnicodeAttribute(null=True)
    closures = ListAttribute(of=UnicodeAttribute, default=list)  # ISO dates
    phone_numbers = ListAttribute(of=UnicodeAttribute, default=list)
    inbox = UnicodeAttribute(null=True)
    office_email = UnicodeAttribute(null=True)
    emergency_line = UnicodeAttribute(null=True)
    utility_name = UnicodeAttribute(null=True)
    utility_phone = UnicodeAttribute(null=True)
    connect_hours_arn = UnicodeAttribute(null=True)  # its Connect hours of operation (see infra/connect.yaml)
    digest_delay_minutes = NumberAttribute(default=15)  # after-hours messages reach staff this long after opening
    # Tour settings (rules/tours.TourSettings): length_minutes, buffer_minutes, min_notice_minutes,
    # horizon_days, parties_at_once. No settings: the property does not take tour bookings.
    tours = JSONAttribute(null=True)
    # Who else writes (rules/roles.py): the owners the manager works for and the vendors it uses, each by
    # E.164 phone or lower-case email. Residents are known from the resident list, by phone.
    owners = ListAttribute(of=UnicodeAttribute, default=list)
    vendors = ListAttribute(of=UnicodeAttribute, default=list)
    # Lead sources (rules/leads.py): a label per inbox alias or number ({"zillow@maplecourt.example": "Zillow"}),
    # so the leasing report counts leads by the listing site or ad they came through.
    lead_sources = JSONAttribute(null=True)
    # What it has to rent (rules/listing.py): [{"bedrooms", "bathrooms", "rent", "available", "available_from"?}],
    # quoted in a prospect's first answer.
    listing = JSONAttribute(null=True)

    @property
    def property_id(self) -> str:
        return self.sk


class Person(Model):
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)  # PROPERTY#<id>
    sk = UnicodeAttribute(range_key=True)  # PERSON#<id>
    name = UnicodeAttribute()
    role = UnicodeAttribute()  # technician | supervisor | manager | office | leasing (gives tours)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    takes_transfers = BooleanAttribute(default=False)  # callers asking for them by name are put through
    # A leasing agent's weekly tour hours ({"sat": [["10:00", "14:00"]], ...}, property time) and days off.
    schedule = JSONAttribute(null=True)
    days_off = ListAttribute(of=UnicodeAttribute, default=list)  # ISO dates


class Resident(Model):
    """A resident the office knows by phone (pk=PROPERTY#<id>, sk=RESIDENT#<E.164>): callers are greeted by name."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    unit = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="en")
    # Consent to automated texts (surveys) to this number. No consent unless the office recorded it.
    sms_consent = BooleanAttribute(default=False)


class Lookup(Model):
    """Routing keys to a property: pk=LOOKUP#INBOX (an email address or domain) or LOOKUP#PHONE (E.164)."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    property_id = UnicodeAttribute()
