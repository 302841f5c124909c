"""Texts: residents' inbound texts (End User Messaging two-way SMS via SNS) and the delivery events of every
text we send (the configuration set's SNS event destination)."""
import json
from datetime import datetime, timezone

from aws_lambda_powertools import Logger
from chalice import Blueprint

from chalicelib.core import settings, times
from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import demo_clock

bp = Blueprint(__name__)
logger = Logger(service="tenantline")
DEMO_TIME = "tenantline-time "  # on the twin, an SNS subject "tenantline-time <ISO>" plays a text sent then


def _sent_at(event) -> datetime:
    """When End User Messaging published the text (SNS's timestamp); on the twin, the demo time if given."""
    subject = event.subject or ""
    if subject.startswith(DEMO_TIME) and settings.demo_mode():
        return demo_clock(subject.removeprefix(DEMO_TIME), "the demo time")
    stamp = (event.to_dict().get("Records") or [{}])[0].get("Sns", {}).get("Timestamp")
    try:
        return times.parse(stamp).astimezone(timezone.utc) if stamp else datetime.now(timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def _json(message) -> object:
    try:
        return json.loads(message)
    except (TypeError, ValueError):
        return {"unreadable": str(message)[:5000]}


@bp.on_sns_message(topic=settings.resource_name("inbound-sms"), name="inbound_sms")
def inbound_sms(event):
    from chalicelib.channels.sms import inbound

    try:
        sent_at = _sent_at(event)
    except Invalid:
        sent_at = datetime.now(timezone.utc)
    result = inbound.handle(_json(event.message), sent_at)
    logger.info("inbound sms", extra={"result": result})
    return result


@bp.on_sns_message(topic=settings.resource_name("sms-events"), name="sms_events")
def sms_events(event):
    from chalicelib.channels.sms import delivery_events

    result = delivery_events.record(_json(event.message), datetime.now(timezone.utc))
    logger.info("sms delivery event", extra={"result": result})
    return result
