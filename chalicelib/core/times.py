"""The one way times are written down: ISO 8601 in UTC with milliseconds and a Z ("2026-11-18T15:30:00.000Z").
Stored that way, times sort as text (index range keys, "between" conditions) and read the same everywhere."""
from datetime import datetime, timezone


def iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse(text: str) -> datetime:
    """A stored (or any offset-carrying ISO 8601) time as an aware datetime."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return when
