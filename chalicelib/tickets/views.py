"""JSON shapes of domain objects, shared by the HTTP API and manage.py."""
from chalicelib.models import AuditEntry, Message, Ticket
from chalicelib.rules import surveys
from chalicelib.rules.service_levels import TIME_TO_HUMAN

VISIT_KEYS = ("visit_id", "start", "end", "technician", "status", "note", "arrived_at", "in_window", "fixed")


def _int(value) -> int | None:
    return None if value is None else int(value)


def survey_view(t: Ticket) -> dict:
    """The resident's survey: when and how it was asked, the answer, and for a low score its review clock."""
    low = surveys.is_low(t.csat, t.nps)
    return {"sent_at": t.survey_sent_at, "sent_via": t.survey_sent_via, "answered_at": t.csat_at,
            "via": t.survey_via, "csat": _int(t.csat), "nps": _int(t.nps), "comment": t.survey_comment,
            "low": low, "review_due": (t.clocks or {}).get("csat_review") if low else None,
            "review_done_at": t.review_done_at}


def ticket_view(t: Ticket) -> dict:
    return {
        "id": t.ticket_id, "ref": t.ref, "property_id": t.property_id, "unit": t.unit,
        "contact": {"name": t.contact_name, "phone": t.contact_phone, "email": t.contact_email},
        "channel": t.channel, "category": t.category, "urgency": t.urgency, "refer": t.refer,
        "language": t.language, "role": t.role, "source": t.source, "discovery": t.discovery, "reasons": list(t.reasons or []), "summary": t.summary,
        "status": t.status, "tier": t.tier, "assignee": t.assignee, "escalation": t.escalation,
        "incident_id": t.incident_id,
        "first_response_due": t.first_response_due, "resolve_due": t.resolve_due,
        "first_response_at": t.first_response_at, "resolved_at": t.resolved_at,
        "created_at": t.created_at, "updated_at": t.updated_at, "version": t.version,
        "clocks": dict(t.clocks or {}), "held_for": t.held_key, "for_person": t.for_person,
        "safety_question": t.safety_question, "safety_answer": t.safety_answer,
        "csat": _int(t.csat), "nps": _int(t.nps), "survey": survey_view(t),
        "visits": [{k: v.get(k) for k in VISIT_KEYS} for v in t.visits or []],
        "calls": [dict(call, contact_id=cid) for cid, call in sorted((t.calls or {}).items(),
                                                                     key=lambda kv: kv[1].get("initiated") or "")],
    }


def audit_view(a: AuditEntry) -> dict:
    return {"at": a.at, "actor": a.actor, "action": a.action, "detail": a.detail or {}}


def message_view(m: Message, staff: bool = False) -> dict:
    view = {"message_id": m.message_id, "direction": m.direction, "author": m.author, "body": m.body,
            "automated": bool(m.automated), "channel": m.channel, "created_at": m.created_at}
    if m.channel == "sms" and m.direction == "outbound":  # how the text went: sent, delivered, failed, not_sent
        view.update(delivery=m.delivery, delivery_detail=m.delivery_detail)
    if staff:
        view.update(subject=m.subject, auth=m.auth or None,
                    attachments=[{"index": i, "name": a.name, "content_type": a.content_type, "size": a.size}
                                 for i, a in enumerate(m.attachments or [])])
    return view


def escalation_view(t: Ticket) -> dict | None:
    """The proof of time-to-human: when the contact arrived, when paging began, who answered and how fast."""
    if not t.escalation_started_at:
        return None
    return {"arrived_at": t.created_at, "escalation_started_at": t.escalation_started_at, "status": t.escalation,
            "acknowledged_at": t.acknowledged_at, "acknowledged_by": t.acknowledged_by,
            "reached_seconds": t.reached_seconds, "target_met": t.target_met, "target_seconds": int(TIME_TO_HUMAN.total_seconds())}
