"""Tickets: creation, their thread and audit trail, the queue, and staff actions.

Writes that can race are conditional: a ticket's row carries a version, and every change is one
transaction of (versioned update + audit entry), so two CSRs acting at once never lose a write —
the second gets Conflict and can re-read."""
from __future__ import annotations

import base64
import json
import random
import time
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.core import ids
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.core.times import iso
from chalicelib.models import AuditEntry, Guard, Message, Ticket, keys
from chalicelib.models.base import condition_failed, transaction
from chalicelib.rules import redaction, roles, service_levels
from chalicelib.rules.service_levels import OPEN_STATUSES, STATUSES
from chalicelib.rules.triage import URGENCY_RANK, Triage
from chalicelib.tickets import portfolio as properties
from chalicelib.tickets import retention

TRANSITIONS = {
    "new": {"acknowledged", "in_progress", "waiting_on_resident", "resolved", "closed"},
    "acknowledged": {"in_progress", "waiting_on_resident", "resolved", "closed"},
    "in_progress": {"acknowledged", "waiting_on_resident", "resolved", "closed"},
    "waiting_on_resident": {"in_progress", "resolved", "closed"},
    "resolved": {"closed", "in_progress"},  # back to in_progress is a reopen
    "closed": {"in_progress"},
}
TICKET_CHANNELS = ("chat", "email", "voice", "sms")
REF_ATTEMPTS = 5
WRITE_ATTEMPTS = 20  # a system write re-derived from a fresh read: a burst of messages on one ticket needs several


@dataclass(frozen=True)
class Requester:
    name: str | None = None
    phone: str | None = None
    email: str | None = None



def _queue_fields_after(ticket: Ticket, changes: dict) -> dict:
    """The queue key and sort key a change of status or urgency moves the ticket to."""
    if "status" not in changes and "urgency" not in changes:
        return {}
    return _queue_fields(changes.get("status", ticket.status), ticket.property_id,
                         changes.get("urgency", ticket.urgency), ticket.created_at, ticket.ticket_id)


def _queue_fields(status: str, property_id: str, urgency: str, created_at: str, ticket_id: str) -> dict:
    if status not in OPEN_STATUSES:
        return {"queue_key": None, "queue_sort": None}
    # The ticket id makes the sort key unique, so it can serve as a paging cursor across properties.
    return {"queue_key": f"{property_id}#OPEN",
            "queue_sort": f"{URGENCY_RANK[urgency]}#{created_at}#{ticket_id}"}


def create_ticket(*, property_id: str, channel: str, text: str, result: Triage, contact: Requester,
                  author: str, now: datetime, unit: str | None = None, chat_session_id: str | None = None,
                  ticket_fields: dict | None = None, message_fields: dict | None = None,
                  ticket_id: str | None = None, opening: bool = False,
                  claim: tuple | None = None, with_items=None) -> tuple[Ticket, Message]:
    """`with_items(ticket)`: more items written in the ticket's transaction, made from the ticket about to be
    written (its reference drawn), e.g. a chat's first automatic reply (automated_reply).

    `claim`: (item, update actions, condition), written in the ticket's transaction and required by it (a chat
    session's claim of its one ticket): when its condition fails, nothing is written and ClaimTaken is raised.

    `opening`: the ticket is created with what lifecycle/intake.opened records next (its SLA clocks, and the
    hold for the after-hours digest, each with its audit entry), in this one transaction instead of two more;
    opened then only starts their timers. Every channel that calls opened next passes it."""
    if channel not in TICKET_CHANNELS:
        raise Invalid(f"channel must be one of {', '.join(TICKET_CHANNELS)}")
    text, ticket_fields = redaction.clean(text), _redacted(ticket_fields)  # the one place every channel passes
    prop = properties.get_property(property_id)
    # Who wrote, decided here for every channel (a channel may say otherwise in ticket_fields)
    known = properties.listed_role(prop, contact.phone, contact.email)
    ticket_fields = {"role": roles.role_for(result.category, text, known), **(ticket_fields or {})}
    cal = properties.calendar(prop)
    first_due, resolve_due = service_levels.due_times(cal, result.urgency, result.category, now)
    created = iso(now)
    ticket_id = ticket_id or ids.new_id()
    opened, opened_fields = [], {}
    if opening:  # as timers.start_clocks and hold_after_hours would record them (they then see them recorded)
        clocks = {c.name: iso(c.due) for c in service_levels.for_new_ticket(result.category, result.urgency, cal, now)}
        release = service_levels.hold_until(cal, now, result.urgency, int(prop.digest_delay_minutes or 15))
        opened_fields = {"clocks": clocks, "held_key": service_levels.held_key(property_id, cal, release)
                         if release else None}
        opened = [("clocks_set", "system", clocks)] + \
            ([("held_after_hours", "system", {"release_at": iso(release)})] if release else [])
    for _ in range(REF_ATTEMPTS):
        ref = ids.new_ref()
        ticket = Ticket(
            ticket_id, ref=ref, property_id=property_id, unit=unit, contact_name=contact.name,
            contact_phone=contact.phone, contact_email=contact.email, channel=channel,
            category=result.category, urgency=result.urgency, refer=result.refer, language=result.language,
            reasons=[redaction.clean(r) for r in result.reasons], summary=text.strip()[:140], status="new", tier=1,
            escalation="pending" if result.urgency == "emergency" else None, for_person=result.person,
            chat_session_id=chat_session_id, first_response_due=iso(first_due), resolve_due=iso(resolve_due),
            created_at=created, updated_at=created, **opened_fields, **(ticket_fields or {}),
            **_queue_fields("new", property_id, result.urgency, created, ticket_id))
        message = _message(ticket, "inbound", channel, author, text, now, language=result.language,
                           **(message_fields or {}))
        audits = [("created", author, {"channel": channel, "category": result.category, "urgency": result.urgency,
                                       "refer": result.refer, "reasons": list(result.reasons)})] + opened
        # One transaction: its entries share a time, so their ids (drawn in order) keep the trail's order.
        entry_ids = sorted(ids.new_id() for _ in audits)
        extra = with_items(ticket) if with_items else []  # drawn after: their entries sort after these
        try:
            with transaction() as tx:
                tx.save(ticket, condition=Ticket.ticket_id.does_not_exist())
                tx.save(Guard(keys.ticket_ref(ref), target=ticket_id), condition=Guard.pk.does_not_exist())
                tx.save(message)
                for entry_id, (action, actor, detail) in zip(entry_ids, audits, strict=True):
                    tx.save(_audit(ticket_id, actor, action, now, detail, entry_id=entry_id))
                for item in extra:
                    tx.save(item)
                if claim is not None:  # an update: PynamoDB sends it after the puts
                    tx.update(claim[0], actions=claim[1], condition=claim[2])
        except TransactWriteError as exc:
            if condition_failed(exc, 0):
                raise TicketExists(f"ticket {ticket_id} already exists") from None
            if claim is not None and condition_failed(exc, 3 + len(audits) + len(extra)):
                raise ClaimTaken("the claim this ticket needed is taken") from None
            if _cancelled_by_condition(exc):
                continue  # the reference was taken: draw another
            raise
        return ticket, message  # as written (the transaction set its version): no read back
    raise Conflict("could not allocate a ticket reference; please retry")


class TicketExists(Conflict):
    """A ticket with that id was created first (by another delivery of the same contact)."""


class ClaimTaken(Conflict):
    """The claim a new ticket was written with failed its condition (e.g. the chat session has its ticket)."""


def _cancelled_by_condition(exc: TransactWriteError) -> bool:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)


def _raced(exc: TransactWriteError) -> bool:
    """Another write got to the ticket first: its version moved on, or DynamoDB saw two transactions on
    the item at once (TransactionConflict). Either way: re-read and decide again."""
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and r.code in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons)


def _message(ticket: Ticket, direction: str, channel: str, author: str, body: str, now: datetime,
             automated: bool = False, language: str | None = None, **fields) -> Message:
    """Every message body and subject, on every channel and from staff too, has card, SSN and bank numbers
    removed before it is stored (rules/redaction.py)."""
    message_id = fields.pop("message_id", None) or ids.new_id()
    body, fields = redaction.clean(body), _redacted(fields)
    return Message(ticket.ticket_id, keys.message_sk(message_id), message_id=message_id, direction=direction,
                   channel=channel, author=author, body=body, automated=automated,
                   language=language or ticket.language, created_at=iso(now), **fields)


def _redacted(fields: dict | None) -> dict:
    return {k: redaction.clean(v) if k in ("subject", "summary") and isinstance(v, str) else v
            for k, v in (fields or {}).items()}


def _audit(ticket_id: str, actor: str, action: str, now: datetime, detail: dict | None = None,
           entry_id: str | None = None) -> AuditEntry:
    return AuditEntry(ticket_id, keys.audit_sk(entry_id or ids.new_id()), at=iso(now), actor=actor, action=action,
                      detail=detail or {})


def get_ticket(ticket_id: str) -> Ticket:
    ticket = find_ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


def find_ticket(ticket_id: str) -> Ticket | None:
    """The ticket, or None (e.g. an id reserved by a delivery that has not created it yet)."""
    try:
        return Ticket.get(ticket_id, consistent_read=True)
    except DoesNotExist:
        return None


def resolve_ticket_id(id_or_ref: str) -> str:
    """Tickets are addressed by id or by their short reference (TL-XXXX)."""
    if id_or_ref.upper().startswith("TL-"):
        try:
            return Guard.get(keys.ticket_ref(id_or_ref), keys.GUARD).target
        except DoesNotExist:
            raise NotFound(f"no ticket {id_or_ref}") from None
    return id_or_ref


def thread(ticket_id: str, after: str | None = None) -> list[Message]:
    # Message ids are fixed-length ULIDs, so "<after>0" sorts after `after` and before any later id.
    condition = Message.sk.between(keys.message_sk(f"{after}0"), keys.message_sk("~")) if after \
        else Message.sk.startswith(keys.MESSAGE)
    return list(Message.query(ticket_id, condition, consistent_read=True))


def audit_trail(ticket_id: str) -> list[AuditEntry]:
    """In time order (the state machine writes entries keyed by time, the app by ULID). An entry without a
    time (seen once on the twin, from a state machine write) sorts by its key instead of failing the read:
    the acknowledgement page reads this trail to know who was paged."""
    entries = AuditEntry.query(ticket_id, AuditEntry.sk.startswith(keys.AUDIT), consistent_read=True)
    return sorted(entries, key=lambda a: a.at or a.sk.removeprefix(keys.AUDIT))


def update(ticket: Ticket, changes: dict, actor: str, action: str | None, now: datetime, detail: dict | None = None,
           *, extra: list | None = None, expected_version: int | None = None, recompute=None) -> Ticket:
    """The one way to change a ticket: a versioned update plus its audit entry (and any extra items),
    atomically. The queue position follows any change of status or urgency.

    `action` None: the extra items are the record of this change. A staff action on a stale ticket gets
    Conflict. System writes pass `recompute(fresh_ticket)`, which re-derives their changes from the current
    ticket (None: nothing left to do), and are retried."""
    if expected_version is not None and expected_version != ticket.version:
        raise Conflict(f"ticket {ticket.ref} changed (version {ticket.version}, you had {expected_version}); "
                       "reload and try again")
    detail = detail or {}
    for attempt in range(WRITE_ATTEMPTS):
        stamped = dict(changes, **_queue_fields_after(ticket, changes), updated_at=iso(now))
        actions = [getattr(Ticket, k).remove() if v is None else getattr(Ticket, k).set(v) for k, v in stamped.items()]
        try:
            with transaction() as tx:
                tx.update(ticket, actions=actions)
                if action is not None:  # None: the extra items are the record of this change
                    tx.save(_audit(ticket.ticket_id, actor, action, now, detail))
                for item in extra or []:
                    tx.save(item)
            return _applied(ticket, stamped)
        except TransactWriteError as exc:
            if not _raced(exc):
                raise
            if recompute is None or attempt == WRITE_ATTEMPTS - 1:
                raise Conflict(f"ticket {ticket.ref} was changed by someone else; reload and try again") from None
        time.sleep(random.uniform(0, min(0.5, 0.01 * 2 ** attempt)))  # many writers at once: spread retries out
        ticket = get_ticket(ticket.ticket_id)
        changes = recompute(ticket)
        if changes is None:
            return ticket
    raise AssertionError("unreachable")


def _applied(ticket: Ticket, changes: dict) -> Ticket:
    """The ticket as the conditional update left it, without reading it back: the version condition held, so
    it is the old item (its version already advanced by the transaction) with these values set or removed."""
    updated = Ticket.from_raw_data(ticket.serialize())
    for name, value in changes.items():
        setattr(updated, name, value)
    return updated


def add_message(ticket: Ticket, *, direction: str, author: str, body: str, now: datetime,
                automated: bool = False, channel: str | None = None, fields: dict | None = None,
                ticket_changes: dict | None = None) -> Message:
    """Append to the thread. A resident writing back moves a waiting ticket on (and reopens a resolved
    or closed one); a human reply counts as the first response."""
    message = _message(ticket, direction, channel or ticket.channel, author, body, now, automated=automated,
                       **(fields or {}))

    def changes_for(current: Ticket) -> dict:
        changes: dict = dict(ticket_changes or {})
        if direction == "inbound" and current.status == "waiting_on_resident":
            changes["status"] = "in_progress"
        if direction == "inbound" and not automated and current.status in ("resolved", "closed"):
            changes["status"] = "in_progress"  # a resident writing back reopens it
            changes["resolved_at"] = None
        if direction == "outbound" and not automated and current.first_response_at is None:
            changes["first_response_at"] = iso(now)
            if current.status == "new":
                changes["status"] = "acknowledged"
        return changes

    changes = changes_for(ticket)
    action = "message_in" if direction == "inbound" else ("auto_reply" if automated else "replied")
    detail = {"message_id": message.message_id, "channel": message.channel}
    if "status" in changes:
        detail["status"] = [ticket.status, changes["status"]]
    updated = update(ticket, changes, author, action, now, detail, extra=[message], recompute=changes_for)
    if ticket.status == "closed" and updated.status != "closed":  # reopened: its messages are kept again
        retention.status_changed(updated, now)
    return message


def change_status(ticket_id: str, status: str, actor: str, now: datetime, expected_version: int | None = None,
                  note: str | None = None) -> Ticket:
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}")
    ticket = get_ticket(ticket_id)
    if status == ticket.status:
        return ticket
    if status not in TRANSITIONS[ticket.status]:
        raise Invalid(f"a {ticket.status} ticket cannot become {status}")
    reopen = ticket.status in ("resolved", "closed")

    def changes_for(current: Ticket) -> dict | None:
        """Without a version the caller asked for the status, whatever else changed meanwhile (a clock, a
        message): re-derived from the current ticket when a system write races this one."""
        if current.status == status:
            return None
        if status not in TRANSITIONS[current.status]:
            raise Invalid(f"a {current.status} ticket cannot become {status}")
        resolved = iso(now) if status == "resolved" else None
        return {"status": status, "resolved_at": resolved} if status == "resolved" or \
            current.status in ("resolved", "closed") else {"status": status}
    detail = {"from": ticket.status, "to": status, **({"note": note} if note else {})}
    return update(ticket, changes_for(ticket), actor, "reopened" if reopen else "status", now, detail,
                  expected_version=expected_version, recompute=changes_for if expected_version is None else None)


def assign(ticket_id: str, assignee: str | None, actor: str, now: datetime,
           expected_version: int | None = None) -> Ticket:
    ticket = get_ticket(ticket_id)
    return update(ticket, {"assignee": assignee or None}, actor, "assigned", now,
                  {"from": ticket.assignee, "to": assignee or None}, expected_version=expected_version)


def set_role(ticket_id: str, role: str, actor: str, now: datetime, expected_version: int | None = None) -> Ticket:
    """A CSR's correction of who wrote; it moves the ticket to that role's queue."""
    if role not in roles.ROLES:
        raise Invalid(f"role must be one of {', '.join(roles.ROLES)}")
    ticket = get_ticket(ticket_id)
    return update(ticket, {"role": role}, actor, "role", now, {"from": ticket.role, "to": role},
                  expected_version=expected_version)


def set_tier(ticket_id: str, tier: int, actor: str, now: datetime, expected_version: int | None = None) -> Ticket:
    if tier not in (1, 2):
        raise Invalid("tier must be 1 or 2")
    ticket = get_ticket(ticket_id)
    return update(ticket, {"tier": tier}, actor, "tier", now, {"from": ticket.tier, "to": tier},
                  expected_version=expected_version)


def record(ticket: Ticket, actor: str, action: str, now: datetime, detail: dict | None = None) -> None:
    """An audit entry that changes nothing on the ticket row (e.g. a notification sent)."""
    entry(ticket, actor, action, now, detail).save()


def entry(ticket: Ticket, actor: str, action: str, now: datetime, detail: dict | None = None) -> AuditEntry:
    """The audit entry `record` writes, for a caller that writes it in a transaction of its own (with_items)."""
    return _audit(ticket.ticket_id, actor, action, now, detail)


def automated_reply(ticket: Ticket, body: str, now: datetime) -> list:
    """What add_message writes for an automated reply from us, bar the ticket's updated_at (a new ticket's is
    already `now`): [the message, its audit entry], for with_items."""
    message = _message(ticket, "outbound", ticket.channel, "tenantline", body, now, automated=True)
    return [message, _audit(ticket.ticket_id, "tenantline", "auto_reply", now,
                            {"message_id": message.message_id, "channel": message.channel})]


# --- the queue and listings (Query on GSIs; never Scan) ---

def _encode_cursor(value: dict | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode() if value else None


def _decode_cursor(cursor: str | None) -> dict | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, json.JSONDecodeError):
        raise Invalid("cursor is not valid") from None
    if not isinstance(value, dict):
        raise Invalid("cursor is not valid")
    return value


def open_queue(property_ids: list[str], urgency: str | None, limit: int, cursor: str | None,
               role: str | None = None):
    """Open tickets, most urgent first then oldest, merged across properties; the cursor is the last
    queue_sort seen (unique, so nothing is skipped or repeated). `role` gives one role's queue; without it,
    the working queue leaves out the roles that have their own (prospects, owners)."""
    after = (_decode_cursor(cursor) or {}).get("after")
    if urgency:
        rank = str(URGENCY_RANK[urgency])
        start = after + "\x00" if after and after.startswith(f"{rank}#") else f"{rank}#"
        condition = Ticket.queue_sort.between(start, f"{rank}#~")
    else:
        condition = Ticket.queue_sort > after if after else None
    # PynamoDB's limit counts items after the filter, so a page is still full and the cursor still exact.
    who = Ticket.role == role if role else ~Ticket.role.is_in(*roles.OWN_QUEUE)
    merged = []
    for pid in property_ids:
        merged += list(Ticket.queue.query(f"{pid}#OPEN", condition, filter_condition=who, limit=limit + 1))
    merged.sort(key=lambda t: t.queue_sort)
    page = merged[:limit]
    next_cursor = _encode_cursor({"after": page[-1].queue_sort}) if len(merged) > limit else None
    return page, next_cursor


def by_index(index, key: str, *, status: str | None, urgency: str | None, limit: int, cursor: str | None,
             newest_first: bool):
    filters = None
    if status:
        filters = Ticket.status == status
    if urgency:
        filters = (Ticket.urgency == urgency) if filters is None else filters & (Ticket.urgency == urgency)
    result = index.query(key, filter_condition=filters, limit=limit, scan_index_forward=not newest_first,
                         last_evaluated_key=_decode_cursor(cursor))
    page = list(result)
    return page, _encode_cursor(result.last_evaluated_key)

