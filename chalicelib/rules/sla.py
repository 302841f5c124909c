"""Service-level due times for a new ticket, on the property's business calendar."""
from datetime import datetime, timedelta

from chalicelib.rules.calendar import Calendar, add_business_time

# (first response, resolution); wall-clock for emergencies and urgent work, business time otherwise.
WALL_CLOCK = {
    "emergency": (timedelta(minutes=30), timedelta(hours=24)),
    "urgent": (timedelta(hours=2), timedelta(hours=48)),
}
BUSINESS = {
    "routine": (timedelta(hours=8), timedelta(hours=40)),
    "complaint": (timedelta(hours=1), timedelta(hours=40)),
}


def due_times(cal: Calendar, urgency: str, category: str, created: datetime) -> tuple[datetime, datetime]:
    if urgency in WALL_CLOCK:
        respond, resolve = WALL_CLOCK[urgency]
        return created + respond, created + resolve
    respond, resolve = BUSINESS["complaint" if category == "complaint" else "routine"]
    # A calendar that never opens still gets due times, a week of wall clock apart.
    first = add_business_time(cal, created, respond) or created + timedelta(days=7)
    final = add_business_time(cal, created, resolve) or created + timedelta(days=14)
    return first, final
