"""Lambdas the timer state machine runs when a due time comes."""
from datetime import datetime, timezone

from chalice import Blueprint

from chalicelib.lifecycle import digest, due_actions

bp = Blueprint(__name__)


@bp.lambda_function(name="sla_clock")
def sla_clock(event, context):
    return due_actions.fire(event["clock"], event["ticket_id"], datetime.now(timezone.utc))


@bp.lambda_function(name="send_digest")
def send_digest(event, context):
    return digest.send(event["property_id"], event["held_key"], datetime.now(timezone.utc))
