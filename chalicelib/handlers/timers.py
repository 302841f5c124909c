"""Lambdas the timer state machine runs when a due time comes."""
from datetime import datetime, timezone

from chalice import Blueprint

from chalicelib.core import settings, times

bp = Blueprint(__name__)


def _fired_at(event) -> datetime:
    """When the clock went off. On the twin (demo mode) waits are scaled and contacts carry demo times, so the
    wall clock says nothing about policy time: there a clock goes off at the due time it was set for (what
    AWS does, give or take seconds), which keeps audit times, and the KPIs read from them, on the demo's clock."""
    if settings.demo_mode() and event.get("due"):
        return times.parse(event["due"])
    return datetime.now(timezone.utc)


@bp.lambda_function(name="sla_clock")
def sla_clock(event, context):
    if event.get("clock") == "send_text":  # a text queued by a function that may not text (lifecycle/delivery.py)
        from chalicelib.lifecycle import delivery

        return delivery.send_queued(event["ticket_id"], event["message_id"], bool(event.get("proactive")))
    if event.get("clock") == "visit_reminder":  # the evening before and an hour before a confirmed visit
        from chalicelib.lifecycle import visits

        return visits.remind(event["ticket_id"], event["visit_id"], event["kind"], event["version"], _fired_at(event))
    from chalicelib.lifecycle import due_actions

    return due_actions.fire(event["clock"], event["ticket_id"], _fired_at(event))


@bp.lambda_function(name="send_digest")
def send_digest(event, context):
    from chalicelib.lifecycle import digest

    return digest.send(event["property_id"], event["held_key"], _fired_at(event))


@bp.lambda_function(name="tour_reminder")
def tour_reminder(event, context):
    """A tour's text confirmation and its reminders the day before and an hour before (lifecycle/tours.message)."""
    from chalicelib.lifecycle import tours

    return tours.message(event["property_id"], event["day"], event["booking_id"], event["kind"], _fired_at(event))


@bp.lambda_function(name="kb_publish")
def kb_publish(event, context):
    """A help article's scheduled publishing (lifecycle/help.py)."""
    from chalicelib.lifecycle import help

    return help.publish_due(event["article_id"], event.get("by") or "schedule", event["due"], _fired_at(event))
