"""Delivery events of the texts we send (End User Messaging configuration set -> SNS -> sms_events). Each event
names the text by messageId; the text we remembered at sending (tickets/texts.py) gives its ticket and thread
item, where the status is kept. A failure is written on the ticket's trail, where the CSR sees it, and a
failed page is counted in the metric the page-failure alarm watches (infra/reliability.yaml)."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.core import metrics, times
from chalicelib.models import Message, keys
from chalicelib.tickets import store as tickets
from chalicelib.tickets import texts

STATUS = {"TEXT_QUEUED": "queued", "TEXT_PENDING": "pending", "TEXT_SUCCESSFUL": "accepted",
          "TEXT_DELIVERED": "delivered"}
FINAL_STATUSES = {"delivered", "failed"}  # a late "queued" never overwrites these


def status_of(event_type: str) -> str:
    """Anything that is not on its way or delivered (blocked, invalid, unreachable, spam, expired, unknown)
    is a failure."""
    return STATUS.get(event_type, "failed")


def record(event, now: datetime) -> dict:
    if not isinstance(event, dict) or not event.get("messageId") or not event.get("eventType"):
        return {"recorded": False, "reason": "not a text delivery event"}
    status = status_of(str(event["eventType"]))
    detail = None if status != "failed" else \
        f"{event['eventType']}: {event.get('messageStatusDescription') or event.get('messageStatus') or ''}".strip()
    ours = texts.sent(event["messageId"])
    # The escalation machine's pages are sent without us remembering them: their Context names kind and ticket.
    context = event.get("context") if isinstance(event.get("context"), dict) else {}
    kind = ((ours.data or {}).get("kind") if ours else None) or context.get("kind")
    ticket_id = (ours.target if ours and ours.target != "-" else None) or context.get("ticket_id") or None
    if status == "failed" and kind == "page":
        metrics.put("sms_page_failed", 1)
    if status == "failed" and ticket_id:
        _failure_on_trail(ticket_id, event, kind, detail, now)
    if ours is None or ours.target == "-" or not (ours.data or {}).get("message_id"):
        return {"recorded": False, "status": status, "reason": "a text outside any ticket's thread"}
    message = Message(ours.target, keys.message_sk(ours.data["message_id"]))
    actions = [Message.delivery.set(status),
               Message.delivery_detail.set(detail) if detail else Message.delivery_detail.remove()]
    try:
        message.update(actions=actions,
                       condition=Message.pk.exists() & ~Message.delivery.is_in(*FINAL_STATUSES)
                       if status not in FINAL_STATUSES else Message.pk.exists())
    except UpdateError:
        return {"recorded": False, "status": status, "reason": "a final status is already recorded"}
    return {"recorded": True, "status": status, "ticket_id": ours.target}


def _failure_on_trail(ticket_id: str, event: dict, kind: str | None, detail: str | None, now: datetime) -> None:
    ticket = tickets.find_ticket(ticket_id)
    if ticket is not None:
        tickets.record(ticket, "sms", "sms_failed", now, {"to": event.get("destinationPhoneNumber"), "kind": kind,
                                                          "detail": detail, "at": times.iso(now)})
