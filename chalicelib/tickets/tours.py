"""Tour bookings in DynamoDB: reading a property's tour settings, agents and a day's bookings, and the
two writes that can race (booking, cancelling), each one transaction.

Booking puts, with the booking item, one hold item per granule of the agent's time it takes (keys.tour_hold,
the tour and its buffer; condition: not there) and adds one party to the property's counter of each granule
of the tour (keys.tour_load; condition: below parties_at_once). Two requests for the same agent and slot
write the same hold keys, so exactly one transaction succeeds; overlapping slots share at least one granule,
so no agent ever holds two overlapping bookings. Cancelling deletes the holds and gives the parties back in
the transaction that marks the booking cancelled."""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.core import times
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.models import Counter, Guard, Property, TourBooking, keys
from chalicelib.models.base import transaction
from chalicelib.rules import tours as rules
from chalicelib.tickets import portfolio

KEEP_AFTER = timedelta(days=30)  # holds and counters expire (TTL) this long after the tour


def settings_of(prop: Property) -> rules.TourSettings:
    if not prop.tours:
        raise NotFound(f"{prop.property_id} does not take tour bookings")
    try:
        return rules.TourSettings.from_dict(prop.tours)
    except (TypeError, ValueError) as exc:  # configured by hand in the table: say what is wrong, never a 500
        raise Invalid(f"{prop.property_id}'s tour settings are not valid: {exc}") from None


def agents(property_id: str) -> list[rules.Agent]:
    found = []
    for p in portfolio.staff(property_id):
        if p.role != "leasing" or not p.schedule:
            continue
        try:
            rules.check_schedule(p.schedule)
        except (TypeError, ValueError) as exc:
            raise Invalid(f"{p.name}'s tour schedule is not valid: {exc}") from None
        found.append(rules.Agent(keys.id_of(p.sk), p.name, p.schedule, tuple(p.days_off or ())))
    return found


def on_day(property_id: str, day: str) -> list[TourBooking]:
    return list(TourBooking.query(keys.tour_day(property_id, day), TourBooking.sk.startswith("BOOKING#"),
                                  consistent_read=True))


def held(bookings: list[TourBooking]) -> list[rules.Booked]:
    return [rules.Booked(b.agent_id, times.parse(b.start), times.parse(b.end)) for b in bookings
            if b.status == rules.ACTIVE]


def get(property_id: str, day: str, booking_id: str) -> TourBooking:
    try:
        return TourBooking.get(keys.tour_day(property_id, day), keys.booking_sk(booking_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("no such booking") from None


def find(property_id: str, booking_id: str) -> TourBooking:
    """A booking by its id alone (staff marking an outcome)."""
    try:
        day = Guard.get(keys.tour_booking(booking_id), keys.GUARD).target
    except DoesNotExist:
        raise NotFound("no such booking") from None
    return get(property_id, day, booking_id)


def of_person(phone: str | None, email: str | None) -> list[TourBooking]:
    """A person's bookings, by their phone number or email address (privacy requests)."""
    found: dict[str, TourBooking] = {}
    for contact in filter(None, (phone, email)):
        for ref in Guard.query(keys.tour_person(contact), Guard.sk.startswith("BOOKING#")):
            property_id, day = ref.target.split("|", 1)
            booking_id = keys.id_of(ref.sk)
            try:
                found[booking_id] = get(property_id, day, booking_id)
            except NotFound:
                continue
    return list(found.values())


ERASED = "[erased]"


def erase_person(booking: TourBooking) -> None:
    """Empty what names the person; the tour itself (times, agent, status, source) stays for the report."""
    for contact in filter(None, (booking.phone, booking.email)):
        Guard(keys.tour_person(contact), keys.booking_sk(booking.booking_id)).delete()
    booking.update(actions=[TourBooking.name.set(ERASED), TourBooking.phone.remove(), TourBooking.email.remove()])


def set_outcome(booking: TourBooking, status: str, applied: bool | None, by: str, now: datetime) -> TourBooking:
    """completed | no_show, once, on a tour still booked (409 otherwise)."""
    actions = [TourBooking.status.set(status), TourBooking.outcome_at.set(times.iso(now)),
               TourBooking.outcome_by.set(by)]
    if applied is not None:
        actions.append(TourBooking.applied.set(applied))
    try:
        booking.update(actions=actions, condition=TourBooking.status == rules.ACTIVE)
    except UpdateError:
        raise Conflict(f"this tour is {booking.status}, not booked") from None
    return booking


def _expiry(end: datetime) -> int:
    return int((end + KEEP_AFTER).timestamp())


def book(booking: TourBooking, tours: rules.TourSettings) -> bool:
    """Write the booking with its holds; False when its agent or the property has no room then (another
    booking got there first)."""
    start, end = times.parse(booking.start), times.parse(booking.end)
    expires = _expiry(end)
    try:
        with transaction() as t:
            t.save(booking, condition=TourBooking.pk.does_not_exist())
            t.save(Guard(keys.tour_booking(booking.booking_id), target=booking.day, expires_at=expires),
                   condition=Guard.pk.does_not_exist())
            for contact in filter(None, (booking.phone, booking.email)):
                t.save(Guard(keys.tour_person(contact), keys.booking_sk(booking.booking_id),
                             target=f"{booking.property_id}|{booking.day}"))
            for g in rules.agent_holds(tours, start, end):
                t.save(Guard(keys.tour_hold(booking.property_id, booking.agent_id, times.iso(g)),
                             target=booking.booking_id, expires_at=expires), condition=Guard.pk.does_not_exist())
            for g in rules.granules(start, end):
                t.update(Counter(keys.tour_load(booking.property_id, times.iso(g))),
                         actions=[Counter.count.add(1), Counter.expires_at.set(expires)],
                         condition=Counter.count.does_not_exist() | (Counter.count < tours.parties_at_once))
        return True
    except TransactWriteError:
        return False


def cancel(booking: TourBooking, tours: rules.TourSettings, by: str, now: datetime,
           replaced_by: str | None = None) -> TourBooking:
    """Mark it cancelled and free its agent's time and its party place, all at once. 409 when it is no
    longer booked (cancelled already, or changed since it was read)."""
    if booking.status != rules.ACTIVE:
        raise Conflict("this tour is already cancelled")
    start, end = times.parse(booking.start), times.parse(booking.end)
    actions = [TourBooking.status.set("cancelled"), TourBooking.cancelled_at.set(times.iso(now)),
               TourBooking.cancelled_by.set(by)]
    if replaced_by:
        actions.append(TourBooking.rescheduled_to.set(replaced_by))
    try:
        with transaction() as t:
            t.update(booking, actions=actions, condition=TourBooking.status == rules.ACTIVE)
            for g in rules.agent_holds(tours, start, end):
                t.delete(Guard(keys.tour_hold(booking.property_id, booking.agent_id, times.iso(g))),
                         condition=Guard.target == booking.booking_id)
            for g in rules.granules(start, end):
                t.update(Counter(keys.tour_load(booking.property_id, times.iso(g))),
                         actions=[Counter.count.add(-1)], condition=Counter.count > 0)
    except TransactWriteError:
        raise Conflict("this tour changed meanwhile; load it again") from None
    return get(booking.property_id, booking.day, booking.booking_id)


def mark(booking: TourBooking, **fields) -> None:
    """Record what was sent (confirmation, reminders); never changes who holds the slot."""
    booking.update(actions=[getattr(TourBooking, name).set(value) for name, value in fields.items()])
