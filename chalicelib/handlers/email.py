"""Inbound email (SES receipt notifications via SNS) and the CSR quarantine routes."""
import json
from datetime import datetime, timezone

from aws_lambda_powertools import Logger
from chalice import Blueprint

from chalicelib.core import settings
from chalicelib.handlers.http import api, now, staff
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)
logger = Logger(service="tenantline")


@bp.on_sns_message(topic=settings.resource_name("inbound-email"), name="inbound_email")
def inbound_email(event):
    from chalicelib.channels.mail import inbound

    try:
        notification = json.loads(event.message)
    except (TypeError, ValueError):
        notification = {"notificationType": "Unreadable", "raw": str(event.message)[:10000]}
    result = inbound.handle(notification, inbound.arrival_time(notification, datetime.now(timezone.utc)))
    logger.info("inbound email", extra={"result": result})
    return result


def _view(q) -> dict:
    return {"id": q.sk, "property_id": q.property_id, "reason": q.reason, "sender": q.sender, "subject": q.subject,
            "received_at": q.received_at, "verdicts": q.verdicts or {}, "released_at": q.released_at,
            "released_by": q.released_by, "ticket_id": q.ticket_id}


@bp.route("/quarantine", methods=["GET"], authorizer=authorizer, cors=True)
@api
def list_quarantine():
    from chalicelib.channels.mail import inbound

    who = staff(bp.current_request)  # mail for no property is an admin's to see
    return {"quarantine": [_view(q) for q in inbound.list_quarantine() if who.sees(q.property_id)]}


@bp.route("/quarantine/{quarantine_id}/release", methods=["POST"], authorizer=authorizer, cors=True)
@api
def release(quarantine_id):
    from chalicelib.channels.mail import inbound

    request = bp.current_request
    who = staff(request)
    return inbound.release(quarantine_id, who.username, now(request), who.sees)
