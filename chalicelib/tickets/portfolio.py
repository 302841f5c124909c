"""Reading portfolio configuration: properties, their calendars, staff and residents.

Within one invocation (see handlers/middleware.py) each property, and each resident looked up by phone, is
read once, however many steps of the work need it; outside one, every call reads."""
from contextlib import contextmanager
from contextvars import ContextVar

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.errors import Invalid
from chalicelib.models import Lookup, Person, Property, Resident, keys
from chalicelib.models.keys import PORTFOLIO, property_pk
from chalicelib.rules.calendar import Calendar

_read_this_invocation: ContextVar[dict | None] = ContextVar("properties_read", default=None)


@contextmanager
def one_read_per_property():
    token = _read_this_invocation.set({})
    try:
        yield
    finally:
        _read_this_invocation.reset(token)


def get_property(property_id: str) -> Property:
    return read_once(property_id, lambda: _property(property_id))


def _property(property_id: str) -> Property:
    try:
        return Property.get(PORTFOLIO, property_id)
    except DoesNotExist:
        raise Invalid(f"unknown property {property_id!r}") from None


def read_once(key: tuple | str, read):
    """`read()` once per invocation under `key` (outside one, every call reads; a read that raises is not
    kept): a property by its id, a resident, other stores' per-invocation reads (the help index's first part)."""
    seen = _read_this_invocation.get()
    if seen is not None and key in seen:
        return seen[key]
    value = read()
    if seen is not None:
        seen[key] = value
    return value


def within_invocation() -> bool:
    return _read_this_invocation.get() is not None


def remember(key: tuple | str, value) -> None:
    """An item read some other way (with others, in one BatchGetItem) serves this invocation's later reads:
    a property by its id, other items by the key their read_once uses."""
    seen = _read_this_invocation.get()
    if seen is not None:
        seen[key] = value


def list_properties() -> list[Property]:
    """Every property; within an invocation each then serves get_property as if read by it."""
    found = list(Property.query(PORTFOLIO))
    for prop in found:
        remember(prop.property_id, prop)
    return found


def calendar(prop: Property) -> Calendar:
    return Calendar(timezone=prop.timezone, hours=prop.hours or {}, holiday_country=prop.holiday_country,
                    holiday_subdiv=prop.holiday_subdiv, closures=tuple(prop.closures or ()))


def staff(property_id: str) -> list[Person]:
    return list(Person.query(property_pk(property_id), Person.sk.startswith(keys.PERSON)))


def resident(property_id: str, phone: str | None) -> Resident | None:
    if not phone:
        return None
    # Read once: a channel's caller lookup, then the ticket store's role.
    return read_once(("resident", property_id, phone), lambda: _resident(property_id, phone))


def _resident(property_id: str, phone: str) -> Resident | None:
    try:
        return Resident.get(property_pk(property_id), keys.resident_sk(phone))
    except DoesNotExist:
        return None


def listed_role(prop: Property, phone: str | None, email: str | None) -> str | None:
    """What the property's own lists say of a sender: resident (by phone), owner or vendor (by phone or email)."""
    if resident(prop.property_id, phone):
        return "resident"
    ids = {phone, (email or "").strip().lower()} - {None, ""}
    for role, listed in (("owner", prop.owners), ("vendor", prop.vendors)):
        if ids & {entry.strip().lower() for entry in listed or []}:
            return role
    return None


def property_for_address(address: str) -> str | None:
    """The property an inbound address belongs to: the exact inbox, else its domain."""
    address = address.strip().lower()
    for key in (address, address.split("@")[-1]):
        try:
            return Lookup.get(keys.lookup_pk("INBOX"), key).property_id
        except DoesNotExist:
            continue
    return None


def our_addresses() -> set[str]:
    """Every inbox and office address of the portfolio (never auto-answered: no loops between them)."""
    return {a for p in list_properties() for a in (p.inbox, p.office_email) if a}
