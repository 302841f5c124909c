"""Amazon Connect's entry points: the flow Lambda (connect_contact), contact events from EventBridge
(contact_events), and the call report."""
from datetime import datetime, timezone

from aws_lambda_powertools import Logger
from chalice import Blueprint

from chalicelib.core.errors import Invalid, TenantlineError
from chalicelib.handlers.http import api, demo_clock, query_params, report_period, staff
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)
logger = Logger(service="tenantline")

CONTACT_EVENTS = {"source": ["aws.connect"], "detail-type": ["Amazon Connect Contact Event"]}


@bp.lambda_function(name="connect_contact")
def connect_contact(event, context):
    """Answers well inside Connect's 8-second limit with a flat map of strings. An error makes the flow
    take the block's error branch, which hands the caller to the office queue: nobody is dropped."""
    from chalicelib.channels.voice import contact_events
    from chalicelib.channels.voice import flow as voice

    received = datetime.now(timezone.utc)
    try:
        call = voice.parse(event)
        action = call.parameters.get("action")
        if action not in voice.ACTIONS:
            raise Invalid(f"unknown action {action!r}: the flow must pass one of {', '.join(voice.ACTIONS)}")
        # On the local twin a simulated call sets its clock with this attribute (never in AWS).
        result = voice.ACTIONS[action](call, demo_clock(call.attributes.get("tenantline_time"), "tenantline_time"))
    except Invalid as exc:
        contact_events.reject("connect_contact", str(exc), event, received)
        logger.warning("connect_contact rejected an event", extra={"reason": str(exc)})
        raise
    except TenantlineError as exc:
        logger.warning("connect_contact failed", extra={"action": event.get("Details", {}).get("Parameters"),
                                                        "reason": str(exc)})
        raise
    logger.info("connect_contact", extra={"action": action, "contact_id": call.contact_id,
                                          "route": result.get("route")})
    return result


@bp.on_cw_event(CONTACT_EVENTS, name="contact_events")
def on_contact_event(event):
    from chalicelib.channels.voice import flow as voice

    result = voice.contact_event(event.to_dict(), datetime.now(timezone.utc))
    (logger.warning if result.get("rejected") else logger.info)("contact event", extra={"result": result})
    return result


@bp.route("/reports/calls", methods=["GET"], authorizer=authorizer, cors=True)
@api
def calls_report():
    from chalicelib.channels.voice import call_report

    request = bp.current_request
    who = staff(request)
    start, end = report_period(request)
    return call_report.calls(start, end, who.only(query_params(request).get("property")))
