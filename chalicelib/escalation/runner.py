"""Starting and stopping a ticket's escalation execution (escalation.asl.json)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import aws, secrets, settings, signing, times
from chalicelib.models import EscalationPolicy, Rotation, Ticket, keys
from chalicelib.rules import oncall
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import store as tickets


def execution_name(ticket: Ticket) -> str:
    """Deterministic: a second start for the same ticket finds the first execution."""
    return f"escalation-{ticket.ticket_id}"


def ack_link(ticket_id: str, person_id: str) -> str:
    token = signing.short_sign([ticket_id, person_id], secrets.link_secret(), settings.ACK_LINK_HOURS * 3600)
    return f"{settings.public_api_url()}/ack/{token}"


def responders(property_id: str) -> dict[str, oncall.Responder]:
    return {keys.id_of(p.sk): oncall.Responder(keys.id_of(p.sk), p.name, p.phone, p.email)
            for p in properties.staff(property_id)}


def rotations(property_id: str) -> dict[str, Rotation]:
    return {keys.id_of(r.sk): r
            for r in Rotation.query(keys.property_pk(property_id), Rotation.sk.startswith(keys.ROTATION))}


def policy(property_id: str, urgency: str = "emergency") -> EscalationPolicy | None:
    try:
        return EscalationPolicy.get(keys.property_pk(property_id), keys.policy_sk(urgency))
    except DoesNotExist:
        return None


def start(ticket: Ticket, text: str, now: datetime) -> Ticket | None:
    """Start paging for this ticket; None when its property has no emergency policy."""
    chosen = policy(ticket.property_id)
    if chosen is None:
        return None
    prop = properties.get_property(ticket.property_id)
    scale = settings.time_scale()
    planned = oncall.plan(chosen.tiers, int(chosen.repeat), list(chosen.managers or []), responders(prop.property_id),
                          rotations(prop.property_id), prop.timezone, now, text,
                          lambda person: ack_link(ticket.ticket_id, person), scale)
    sms_from = (prop.phone_numbers or [None])[0]  # pages go out on the one texting path (tickets/texts.py)
    for page in planned["managers"] + [p for tier in planned["tiers"] for p in tier["pages"]]:
        page["from"], page["sms_from"] = prop.inbox, sms_from
    planned["ticket_id"] = ticket.ticket_id
    sfn = aws.client("stepfunctions")
    try:
        arn = sfn.start_execution(stateMachineArn=settings.state_machine_arn("escalation"),
                                  name=execution_name(ticket), input=json.dumps(planned))["executionArn"]
    except sfn.exceptions.ExecutionAlreadyExists:
        return tickets.get_ticket(ticket.ticket_id)  # started before: nothing more to do
    detail = {"execution": arn, "time_scale": scale,
              "tiers": [{"tier": t["tier"], "name": t["name"], "window_seconds": t["window_seconds"],
                         "people": sorted({p["name"] for p in t["pages"]})} for t in planned["tiers"]],
              "guaranteed_within_minutes": oncall.first_guaranteed_minutes(chosen.tiers)}
    changes = {"escalation": "paging", "escalation_arn": arn, "escalation_started_at": times.iso(now),
               "escalation_period": f"{now:%Y-%m}"}
    # Someone may acknowledge between the start and this write (a CSR on the console): the ticket keeps
    # "acknowledged", but still records when paging started, so the time-to-human report lists it.
    return tickets.update(ticket, changes, "system", "escalation_started", now, detail,
                          recompute=lambda t: {k: v for k, v in changes.items()
                                               if not (t.acknowledged_at and k == "escalation")})


def seconds_running(ticket: Ticket) -> float | None:
    """Wall-clock seconds since the ticket's execution started (None: no execution, or it cannot be read)."""
    if not ticket.escalation_arn or not ticket.escalation_started_at:
        return None
    sfn = aws.client("stepfunctions")
    try:
        started = sfn.describe_execution(executionArn=ticket.escalation_arn)["startDate"]
    except sfn.exceptions.ClientError:
        return None
    return max(0.0, (datetime.now(timezone.utc) - started).total_seconds())


def stop(ticket: Ticket, cause: str) -> None:
    if not ticket.escalation_arn:
        return
    sfn = aws.client("stepfunctions")
    try:
        sfn.stop_execution(executionArn=ticket.escalation_arn, cause=cause[:256])
    except (sfn.exceptions.ExecutionDoesNotExist, sfn.exceptions.ClientError):
        pass  # it already ended; its next check reads acknowledged_at anyway
