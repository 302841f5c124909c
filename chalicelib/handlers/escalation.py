"""Starting escalations from the tickets stream, acknowledgement links, the escalation report, and the
on-call admin API."""
import html
from datetime import datetime, timezone

from chalice import Blueprint, Response

from chalicelib.core.errors import Invalid, TenantlineError
from chalicelib.handlers.http import api, error_response, now, parse, query_params, report_period, staff, wants_json
from chalicelib.handlers.tickets import authorizer, ticket_for

bp = Blueprint(__name__)


@bp.lambda_function(name="start_escalations")
def start_escalations(event, context):
    """Tickets written owing an escalation, from the table's stream (infra/reliability.yaml filters for
    escalation=pending). A record that fails is reported back, and Lambda retries it until SNS and Step
    Functions answer again."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    from chalicelib.escalation import alert

    received = datetime.now(timezone.utc)

    def start(record):
        recorded = datetime.fromtimestamp(record.dynamodb.approximate_creation_date_time or received.timestamp(),
                                          timezone.utc)
        return alert.start_owed(record.dynamodb.new_image["ticket_id"], recorded, received)
    return process_partial_response(event=event, record_handler=start,
                                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams), context=context)


def _page(title: str, text: str, status: int = 200, button: bool = False) -> Response:
    form = ("<form method=post><button type=submit style='font-size:1.4em;padding:.6em 1.4em'>I'm on it</button>"
            "</form>") if button else ""
    body = (f"<!doctype html><html><head><meta name=viewport content='width=device-width'><title>{html.escape(title)}"
            f"</title></head><body style='font-family:sans-serif;margin:2em'><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p>{form}</body></html>")
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"})


def _link_failed(request, exc: TenantlineError) -> Response:
    if wants_json(request):
        return error_response(exc.status, exc.code, str(exc))
    return _page("Not acknowledged", str(exc), exc.status)


@bp.route("/ack/{token}", methods=["GET"], cors=True)
def show_ack_link(token):
    """The link in every page. Opening it shows the emergency and an "I'm on it" button, and acknowledges
    nothing: mail security scanners and link previews open links exactly like a person does."""
    from chalicelib.escalation import ack

    request = bp.current_request
    try:
        view = ack.link_view(token)
    except TenantlineError as exc:
        return _link_failed(request, exc)
    if wants_json(request):
        return view
    if view["acknowledged_by"]:
        return _page(f"{view['ref']} is covered", f"{view['acknowledged_by']} has it.")
    others = f" Also paged: {', '.join(view['also_paged'])}." if view["also_paged"] else ""
    unit = f" (unit {view['unit']})" if view["unit"] else ""
    return _page(f"Emergency {view['ref']}{unit}", f"{view['summary']}{others} Press the button if you are "
                 "taking it: paging stops.", button=True)


@bp.route("/ack/{token}", methods=["POST"], cors=True,
          content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"])
def acknowledge_link(token):
    """The "I'm on it" button (a plain form post) or a client posting to the link: this acknowledges."""
    from chalicelib.escalation import ack

    request = bp.current_request
    try:
        result = ack.by_link(token, now(request))
    except TenantlineError as exc:
        return _link_failed(request, exc)
    if wants_json(request):
        return result
    if result["acknowledged"]:
        return _page(f"{result['ref']}: it's yours", f"Thanks {result['by']}. The escalation has stopped; "
                     "call the resident now.")
    return _page(f"{result['ref']} is covered", f"{result['already_acknowledged_by']} acknowledged it first.")


@bp.route("/tickets/{ticket_id}/ack", methods=["POST"], authorizer=authorizer, cors=True)
@api
def acknowledge_from_console(ticket_id):
    from chalicelib.escalation import ack

    request = bp.current_request
    who = staff(request)
    return ack.acknowledge(ticket_for(who, ticket_id).ticket_id, who.username, "console", now(request))


@bp.route("/reports/escalations", methods=["GET"], authorizer=authorizer, cors=True)
@api
def escalation_report():
    from chalicelib.escalation import report

    request = bp.current_request
    who = staff(request)
    start, end = report_period(request)
    return report.escalations(start, end, who.only(query_params(request).get("property")))


# --- on-call admin ---


def _at(request) -> datetime:
    value = query_params(request).get("at")
    if not value:
        return now(request)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("at must be an ISO 8601 time") from None
    if not 2000 <= when.year <= 2100:  # converting year 1 or 9999 to a property's zone overflows
        raise Invalid("at must be a time between the years 2000 and 2100")
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def oncall_view(property_id: str, at: datetime) -> dict:
    from chalicelib.escalation import runner
    from chalicelib.rules import oncall
    from chalicelib.tickets import portfolio as properties

    prop = properties.get_property(property_id)
    people = runner.responders(property_id)
    rotations = runner.rotations(property_id)
    policy = runner.policy(property_id)
    return {
        "property_id": property_id, "at": at.isoformat(), "timezone": prop.timezone,
        "rotations": [{"id": rid, "name": r.name, "on_call": who,
                       "on_call_name": getattr(people.get(who), "name", None),
                       "members": r.members, "every": r.every, "handoff_at": r.handoff_at, "anchor": r.anchor,
                       "overrides": r.overrides}
                      for rid, r in rotations.items() for who in [oncall.on_call(r, prop.timezone, at)]],
        "policy": None if policy is None else {
            "tiers": policy.tiers, "repeat": policy.repeat, "managers": policy.managers,
            "guaranteed_within_minutes": oncall.first_guaranteed_minutes(policy.tiers),
            "now": [{"tier": n, "name": t.get("name"),
                     "people": [c.name for c in oncall.resolve(t, people, rotations, prop.timezone, at)]}
                    for n, t in enumerate(policy.tiers, 1)]},
    }


@bp.route("/admin/properties/{property_id}/oncall", methods=["GET"], authorizer=authorizer, cors=True)
@api
def get_oncall(property_id):
    request = bp.current_request
    staff(request, "admin")
    return oncall_view(property_id, _at(request))


@bp.route("/admin/properties/{property_id}/rotations/{rotation_id}", methods=["PUT"], authorizer=authorizer,
          cors=True)
@api
def put_rotation(property_id, rotation_id):
    from chalicelib.escalation import runner
    from chalicelib.handlers.bodies.oncall import RotationIn
    from chalicelib.models import Rotation, keys
    from chalicelib.rules import oncall
    from chalicelib.tickets import portfolio as properties

    request = bp.current_request
    staff(request, "admin")
    body = parse(request, RotationIn)
    properties.get_property(property_id)
    rotation = Rotation(keys.property_pk(property_id), keys.rotation_sk(rotation_id), **body.model_dump())
    oncall.validate_rotation(rotation, set(runner.responders(property_id)))
    rotation.save()
    return oncall_view(property_id, now(request))


@bp.route("/admin/properties/{property_id}/policies/{urgency}", methods=["PUT"], authorizer=authorizer, cors=True)
@api
def put_policy(property_id, urgency):
    from chalicelib.escalation import runner
    from chalicelib.handlers.bodies.oncall import PolicyIn
    from chalicelib.models import EscalationPolicy, keys
    from chalicelib.rules import oncall
    from chalicelib.tickets import portfolio as properties

    request = bp.current_request
    who = staff(request, "admin")
    body = parse(request, PolicyIn)
    if urgency != "emergency":  # only emergencies are escalated: a policy for anything else would never run
        raise Invalid("escalation policies are for emergency tickets only")
    properties.get_property(property_id)
    tiers = [t.model_dump() for t in body.tiers]
    oncall.validate_policy(urgency, tiers, body.repeat, body.managers, set(runner.responders(property_id)),
                           set(runner.rotations(property_id)))
    EscalationPolicy(keys.property_pk(property_id), keys.policy_sk(urgency), tiers=tiers, repeat=body.repeat,
                     managers=body.managers, updated_by=who.username, updated_at=now(request).isoformat()).save()
    return oncall_view(property_id, now(request))
