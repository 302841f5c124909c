"""Amazon Connect contact events (EventBridge) -> the call's record, its ticket's timeline, ASA and AHT.

Connect delivers these best-effort: late, out of order, twice, or never. Nothing here depends on the
order of arrival: every event contributes the timestamps Connect stamped into it, the record keeps the
earliest start and the latest end of each milestone, and the queue wait, handle time and outcome are
recomputed from the milestones each time. Whatever order the same events come in, the answer is the same;
a missing event leaves a figure unknown rather than wrong."""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.core import ids, times
from chalicelib.models import AuditEntry, ContactRecord, Guard, Rejected, Ticket, keys
from chalicelib.tickets import store as tickets

EARLIEST = ("initiated", "enqueued", "answered")
# When an event lacks the field, its own time stands for the milestone it announces.
EVENT_MILESTONE = {"INITIATED": "initiated", "QUEUED": "enqueued", "CONNECTED_TO_AGENT": "answered",
                   "DISCONNECTED": "ended"}
TIMELINE = {"enqueued": "call_queued", "answered": "call_answered", "ended": "call_ended"}
LINK_TTL = timedelta(days=30)


def _time(value) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return times.iso(times.parse(value))
    except ValueError:
        return None


def milestones_of(event: dict) -> dict:
    detail = event["detail"]
    queue, agent = detail.get("queueInfo") or {}, detail.get("agentInfo") or {}
    found = {"initiated": _time(detail.get("initiationTimestamp")), "enqueued": _time(queue.get("enqueueTimestamp")),
             "answered": _time(agent.get("connectedToAgentTimestamp")),
             "ended": _time(detail.get("disconnectTimestamp")),
             "acw_ended": _time(agent.get("afterContactWorkEndTimestamp"))}
    implied = EVENT_MILESTONE.get(detail.get("eventType"))
    if implied and not found[implied]:
        found[implied] = _time(event.get("time"))
    return {k: v for k, v in found.items() if v}


def details_of(event: dict) -> dict:
    detail = event["detail"]
    found = {"channel": detail.get("channel"), "initiation_method": detail.get("initiationMethod"),
             "queue_arn": (detail.get("queueInfo") or {}).get("queueArn"),
             "agent_arn": (detail.get("agentInfo") or {}).get("agentArn"),
             "disconnect_reason": detail.get("disconnectReason"),
             "previous_contact_id": detail.get("previousContactId"),
             "initial_contact_id": detail.get("initialContactId")}
    return {k: v for k, v in found.items() if isinstance(v, str) and v}


def merge(old: dict, new: dict) -> dict:
    merged = dict(old)
    for name, when in new.items():
        if name not in merged:
            merged[name] = when
        elif name in EARLIEST:
            merged[name] = min(merged[name], when)
        else:
            merged[name] = max(merged[name], when)
    return merged


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    delta = times.parse(end) - times.parse(start)
    return max(0, round(delta.total_seconds()))


def outcome(m: dict, d: dict) -> str:
    if "answered" in m:
        return "completed" if "ended" in m else "connected"
    if "enqueued" in m and "ended" in m:
        # The queue flow itself hangs up after booking a callback or taking a message: not an abandon.
        return "callback_or_message" if d.get("disconnect_reason") == "CONTACT_FLOW_DISCONNECT" else "abandoned"
    if "enqueued" in m:
        return "in_queue"
    return "ended_in_flow" if "ended" in m else "in_flow"


def call_view(record: ContactRecord) -> dict:
    """One call as its ticket shows it: milestones, outcome, queue wait (for ASA), handle time (for AHT)."""
    m, d = dict(record.milestones or {}), dict(record.details or {})
    view = {**m, "outcome": outcome(m, d), "queue_wait_seconds": _seconds(m.get("enqueued"), m.get("answered")),
            "handle_seconds": _seconds(m.get("answered"), m.get("acw_ended") or m.get("ended")) if "ended" in m
            else None, "queue_arn": d.get("queue_arn"), "disconnect_reason": d.get("disconnect_reason")}
    if d.get("initiation_method") == "CALLBACK":
        view["callback_of"] = d.get("previous_contact_id") or d.get("initial_contact_id")
    return view


# --- handling one event ---

def handle(event, now: datetime) -> dict:
    problem = _problem(event)
    if problem:
        return reject("contact_events", problem, event, now)
    contact_id = event["detail"]["contactId"]
    record = _merge_record(contact_id, milestones_of(event), details_of(event))
    ticket_id = record.ticket_id or _related_ticket(record)
    if ticket_id and record.ticket_id != ticket_id:
        record = _merge_record(contact_id, {}, {}, ticket_id)
    result = {"contact_id": contact_id, "ticket_id": ticket_id, "outcome": outcome(record.milestones, record.details)}
    if ticket_id:
        _update_ticket(ticket_id, contact_id, record, now)
    elif "ended" in record.milestones and (record.details or {}).get("property_id"):
        result["unrouted"] = dict(record.details)  # the caller hung up in the menus: the flow module tickets it
    return result


def _problem(event) -> str | None:
    if not isinstance(event, dict) or not isinstance(event.get("detail"), dict):
        return "not an EventBridge event with a detail object"
    if event.get("source") != "aws.connect":
        return f"unexpected source {event.get('source')!r}"
    if not isinstance(event["detail"].get("contactId"), str) or not event["detail"]["contactId"]:
        return "the contact event has no contactId"
    return None


def reject(source: str, reason: str, event, now: datetime) -> dict:
    """Kept (and logged by the caller) rather than dropped: it can be looked at and replayed."""
    Rejected(sk=ids.new_id(), source=source, reason=reason,
             event=event if isinstance(event, dict) else {"raw": repr(event)[:2000]},
             received_at=times.iso(now)).save()
    return {"rejected": True, "reason": reason}


def _merge_record(contact_id: str, milestones: dict, details: dict, ticket_id: str | None = None) -> ContactRecord:
    """Read-merge-write under the record's version; a concurrent delivery makes us merge again."""
    for _ in range(8):
        try:
            record = ContactRecord.get(keys.contact_record(contact_id), "CONTACT", consistent_read=True)
        except DoesNotExist:
            record = ContactRecord(keys.contact_record(contact_id))
        merged = merge(record.milestones or {}, milestones)
        known = {**details, **(record.details or {})}  # the first value seen of each detail stays
        ticket = record.ticket_id or ticket_id
        if record.version is not None and (merged, known, ticket) == (record.milestones, record.details,
                                                                      record.ticket_id):
            return record  # a duplicate: nothing new
        record.milestones, record.details, record.ticket_id = merged, known, ticket
        try:
            record.save()
            return record
        except PutError:
            continue
    raise RuntimeError(f"contact {contact_id}: too many concurrent updates")


def remember(contact_id: str, details: dict) -> None:
    """What the flow learnt about a contact (its property, the caller) before any ticket exists."""
    _merge_record(contact_id, {}, details)


def ticket_of_contact(contact_id: str | None) -> str | None:
    if not contact_id:
        return None
    try:
        return Guard.get(keys.contact_ticket(contact_id), keys.GUARD, consistent_read=True).target
    except DoesNotExist:
        return None


def _related_ticket(record: ContactRecord) -> str | None:
    """A contact we never routed (a callback, a transfer) belongs to the ticket of the contact it came from."""
    contact_id = keys.id_of(record.pk)
    d = record.details or {}
    for candidate in (contact_id, d.get("previous_contact_id"), d.get("initial_contact_id")):
        found = ticket_of_contact(candidate)
        if found:
            return found
    return None


def link(contact_id: str, ticket_id: str, now: datetime) -> None:
    """The flow Lambda decided the contact's ticket; events that arrived before it now reach the ticket."""
    Guard(keys.contact_ticket(contact_id), target=ticket_id, expires_at=int((now + LINK_TTL).timestamp())).save()
    record = _merge_record(contact_id, {}, {}, ticket_id)
    if record.milestones:
        _update_ticket(ticket_id, contact_id, record, now)


def _timeline(ticket_id: str, contact_id: str, record: ContactRecord) -> list[AuditEntry]:
    """One entry per milestone, keyed by contact and milestone: writing it again replaces it, so a
    duplicate adds nothing and a late event corrects it (an "abandoned" call that was in fact answered)."""
    m, view = record.milestones or {}, call_view(record)
    entries = []
    for name, action in TIMELINE.items():
        if name not in m:
            continue
        if name == "ended" and view["outcome"] == "abandoned":
            action = "call_abandoned"
        detail = {"contact_id": contact_id}
        if name == "ended":
            detail.update(outcome=view["outcome"], handle_seconds=view["handle_seconds"])
        if name == "answered":
            detail["queue_wait_seconds"] = view["queue_wait_seconds"]
        entries.append(AuditEntry(ticket_id, keys.call_audit_sk(contact_id, name), at=m[name], actor="connect",
                                  action=action, detail=detail))
    if view.get("callback_of") and "initiated" in m:
        entries.append(AuditEntry(ticket_id, keys.call_audit_sk(contact_id, "callback"), at=m["initiated"], actor="connect",
                                  action="callback_started", detail={"contact_id": contact_id,
                                                                     "callback_of": view["callback_of"]}))
    return entries


def _update_ticket(ticket_id: str, contact_id: str, record: ContactRecord, now: datetime) -> None:
    ticket = tickets.find_ticket(ticket_id)
    if ticket is None:
        return
    view = call_view(record)

    def changes(current: Ticket) -> dict | None:
        calls = dict(current.calls or {})
        if calls.get(contact_id) == view:
            return None
        calls[contact_id] = view
        return {"calls": calls}

    wanted = changes(ticket)
    if wanted is not None:
        tickets.update(ticket, wanted, "connect", None, now, {}, extra=_timeline(ticket_id, contact_id, record),
                       recompute=changes)
