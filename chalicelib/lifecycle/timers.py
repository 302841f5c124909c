"""Starting timer executions (timer.asl.json): SLA clocks and after-hours digests. A timer waits in
Step Functions, costing nothing, and names its execution so that starting it twice is harmless."""
from __future__ import annotations

import json
from datetime import datetime

from chalicelib.core import aws, settings, times
from chalicelib.models import Ticket
from chalicelib.rules import service_levels
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def _wait_seconds(due: datetime, now: datetime) -> int:
    """Seconds from now to the due time, as the Wait state counts them (the twin runs them faster)."""
    return max(0, round((due - now).total_seconds() * settings.time_scale()))


def start(name: str, function: str, payload: dict, due: datetime, now: datetime) -> bool:
    """False when an execution of that name already exists (the timer is already set)."""
    sfn = aws.client("stepfunctions")
    body = dict(payload, wait_seconds=_wait_seconds(due, now), due=times.iso(due),
                function=settings.resource_name(function))
    try:
        sfn.start_execution(stateMachineArn=settings.state_machine_arn("timer"), name=name[:80],
                            input=json.dumps(body))
        return True
    except sfn.exceptions.ExecutionAlreadyExists:
        return False


def start_clocks(ticket: Ticket, due: list[service_levels.Clock], now: datetime, suffix: str = "") -> Ticket:
    """Start each clock's timer (named: starting it twice is harmless), then record the clocks on the ticket
    unless it has them already."""
    if not due:
        return ticket
    for clock in due:
        start(f"sla-{clock.name}-{ticket.ticket_id}{suffix}", "sla_clock",
              {"clock": clock.name, "ticket_id": ticket.ticket_id}, clock.due, now)
    set_now = {c.name: times.iso(c.due) for c in due}
    if all((ticket.clocks or {}).get(name) == at for name, at in set_now.items()):
        return ticket  # recorded already (a new ticket is created with its clocks: tickets.create_ticket)

    def merged(current: Ticket) -> dict:
        return {"clocks": dict(current.clocks or {}, **set_now)}
    return tickets.update(ticket, merged(ticket), "system", "clocks_set", now, set_now, recompute=merged)


def hold_after_hours(ticket: Ticket, now: datetime) -> Ticket:
    """A routine contact while the office is closed waits for the property's next digest."""
    prop = properties.get_property(ticket.property_id)
    cal = properties.calendar(prop)
    release = service_levels.hold_until(cal, now, ticket.urgency, int(prop.digest_delay_minutes or 15))
    if release is None:
        return ticket
    day = service_levels.release_day(cal, release)
    key = service_levels.held_key(prop.property_id, cal, release)
    if ticket.held_key != key:  # a new ticket is created held (tickets.create_ticket)
        ticket = tickets.update(ticket, {"held_key": key}, "system", "held_after_hours", now,
                                {"release_at": times.iso(release)}, recompute=lambda _t: {"held_key": key})
    start(f"digest-{prop.property_id}-{day.isoformat()}", "send_digest",
          {"property_id": prop.property_id, "held_key": key}, release, now)
    return ticket
