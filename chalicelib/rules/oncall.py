"""Who is on call, and what an escalation will do. Pure: configuration and the time come in as data.

An escalation policy is an ordered list of tiers (on-call technician → backup → supervisor →
manager). Each tier names people or rotations, the channels to page them on and how long to wait for
an acknowledgement before the next tier. A tier marked `guaranteed` is one somebody is obliged to
answer (a supervisor on a 24/7 duty contract, an answering service): for emergencies, the waits
before the first such tier must add up to at most 30 minutes, so a human is reached in time whatever
happens before it. After the last tier the chain starts again from the top, alerting the managers,
up to `repeat` more rounds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from chalicelib.core.errors import Invalid
from chalicelib.rules.service_levels import TIME_TO_HUMAN, minutes

PAGE_CHANNELS = ("sms", "email")
MAX_WINDOW_MINUTES = 60
MAX_REPEAT = 5


@dataclass(frozen=True)
class Responder:
    person_id: str
    name: str
    phone: str | None
    email: str | None


def _aware(value: str) -> datetime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise Invalid(f"{value!r} needs a UTC offset")
    return when


def on_call(rotation, timezone: str, at: datetime) -> str | None:
    """The person on call in `rotation` at `at`: an active override first, else the member whose shift
    it is (shifts change at the hand-off's local time, so DST moves nothing)."""
    for override in rotation.overrides or []:
        if _aware(override["start"]) <= at < _aware(override["end"]):
            return override.get("person")
    members = list(rotation.members or [])
    if not members:
        return None
    local = at.astimezone(ZoneInfo(timezone))
    days = (local.date() - date.fromisoformat(rotation.anchor)).days
    if local.time() < time.fromisoformat(rotation.handoff_at):
        days -= 1  # today's hand-off has not happened yet
    shift = days // (7 if rotation.every == "weekly" else 1)
    return members[shift % len(members)]


def validate_rotation(rotation, people: set[str]) -> None:
    problems = []
    if rotation.every not in ("daily", "weekly"):
        problems.append("every must be daily or weekly")
    if not rotation.members:
        problems.append("a rotation needs at least one member")
    problems += [f"unknown person {m!r}" for m in rotation.members or [] if m not in people]
    for label, parse in (("handoff_at", time.fromisoformat), ("anchor", date.fromisoformat)):
        try:
            parse(getattr(rotation, label))
        except (TypeError, ValueError):
            problems.append(f"{label} is not valid")
    for o in rotation.overrides or []:
        try:
            if _aware(o["end"]) <= _aware(o["start"]):
                problems.append("an override must end after it starts")
        except (KeyError, Invalid, ValueError):
            problems.append("an override needs start and end times with a UTC offset")
        if o.get("person") not in people:
            problems.append(f"override for unknown person {o.get('person')!r}")
    if problems:
        raise Invalid("rotation refused: " + "; ".join(problems))


def first_guaranteed_minutes(tiers: list[dict]) -> int | None:
    """Minutes from the contact until the first guaranteed tier is paged (None: no such tier)."""
    waited = 0
    for tier in tiers:
        if tier.get("guaranteed"):
            return waited
        waited += int(tier["window_minutes"])
    return None


def validate_policy(urgency: str, tiers: list[dict], repeat: int, managers: list[str], people: set[str],
                    rotations: set[str]) -> None:
    problems = []
    if not tiers:
        problems.append("a policy needs at least one tier")
    for n, tier in enumerate(tiers, 1):
        window = tier.get("window_minutes")
        if not isinstance(window, int) or not 1 <= window <= MAX_WINDOW_MINUTES:
            problems.append(f"tier {n}: window_minutes must be a whole number from 1 to {MAX_WINDOW_MINUTES}")
        if not tier.get("targets"):
            problems.append(f"tier {n}: name at least one person or rotation")
        for target in tier.get("targets") or []:
            if target.get("person") not in people and target.get("rotation") not in rotations:
                problems.append(f"tier {n}: unknown target {target}")
        if not tier.get("channels") or any(c not in PAGE_CHANNELS for c in tier["channels"]):
            problems.append(f"tier {n}: channels must be chosen from {', '.join(PAGE_CHANNELS)}")
        if tier.get("guaranteed") and not any("person" in t for t in tier.get("targets") or []):
            problems.append(f"tier {n}: a guaranteed tier must name at least one person (a rotation can be empty)")
    if not isinstance(repeat, int) or not 0 <= repeat <= MAX_REPEAT:
        problems.append(f"repeat must be a whole number from 0 to {MAX_REPEAT}")
    problems += [f"unknown manager {m!r}" for m in managers if m not in people]
    if urgency == "emergency" and not problems:
        reach = first_guaranteed_minutes(tiers)
        if reach is None:
            problems.append("an emergency policy needs a tier marked guaranteed (someone obliged to answer)")
        elif reach > minutes(TIME_TO_HUMAN):
            problems.append(f"the first guaranteed tier would be paged after {reach} minutes; emergencies must "
                            f"reach it within {minutes(TIME_TO_HUMAN)} minutes")
    if problems:
        raise Invalid("policy refused: " + "; ".join(problems))


def resolve(tier: dict, people: dict[str, Responder], rotations: dict, timezone: str, at: datetime) -> list[Responder]:
    """The people a tier pages at `at` (a rotation resolves to whoever is on call then)."""
    found: dict[str, Responder] = {}
    for target in tier["targets"]:
        person = target.get("person") or on_call(rotations[target["rotation"]], timezone, at)
        if person in people:
            found.setdefault(person, people[person])
    return list(found.values())


def pages(responders: list[Responder], channels: list[str], text: str, link_for) -> list[dict]:
    out = []
    for contact in responders:
        link = link_for(contact.person_id)
        for channel in channels:
            address = contact.phone if channel == "sms" else contact.email
            if address:
                out.append({"person_id": contact.person_id, "name": contact.name, "channel": channel,
                            "address": address, "subject": text[:90], "message": f"{text} Acknowledge: {link}"})
    return out


def plan(tiers: list[dict], repeat: int, managers: list[str], people: dict[str, Responder], rotations: dict,
         timezone: str, arrival: datetime, text: str, link_for, scale: float = 1.0) -> dict:
    """The escalation's input: each tier's pages resolved now, and its wait scaled for the twin.
    A tier that resolves to nobody (everyone on leave) is skipped rather than waited on."""
    planned = []
    for n, tier in enumerate(tiers, 1):
        tier_pages = pages(resolve(tier, people, rotations, timezone, arrival), tier["channels"], text, link_for)
        if tier_pages:
            planned.append({"tier": n, "name": tier.get("name") or f"tier {n}",
                            "window_seconds": max(1, round(int(tier["window_minutes"]) * 60 * scale)),
                            "guaranteed": bool(tier.get("guaranteed")), "pages": tier_pages})
    manager_pages = pages([people[m] for m in managers if m in people], ["sms", "email"],
                          f"STILL UNACKNOWLEDGED: {text}", link_for)
    return {"tiers": planned, "managers": manager_pages, "repeat": repeat, "round": 0}


def reach_offsets(planned: dict) -> list[tuple[int, int]]:
    """(tier, seconds after the contact) at which each tier of the first round is paged."""
    offsets, waited = [], 0
    for tier in planned["tiers"]:
        offsets.append((tier["tier"], waited))
        waited += tier["window_seconds"]
    return offsets
