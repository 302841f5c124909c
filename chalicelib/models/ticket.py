from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import meta


def _index(name: str, hash_key: str, range_key: str, projected=AllProjection) -> GlobalSecondaryIndex:
    class Meta:
        index_name = name
        projection = projected()

    attrs = {"Meta": Meta,
             hash_key: UnicodeAttribute(hash_key=True),
             range_key: UnicodeAttribute(range_key=True)}
    return type(f"{name}_index", (GlobalSecondaryIndex,), attrs)()


class Ticket(Model):
    """Every time on a ticket is an ISO 8601 UTC string (core/times.py): sortable, and the same in the API."""
    Meta = meta("tickets")

    ticket_id = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute()
    property_id = UnicodeAttribute()
    unit = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    contact_phone = UnicodeAttribute(null=True)
    contact_email = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    category = UnicodeAttribute()
    urgency = UnicodeAttribute()
    refer = UnicodeAttribute(default="none")
    language = UnicodeAttribute(default="en")
    reasons = ListAttribute(of=UnicodeAttribute, default=list)
    summary = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="new")
    tier = NumberAttribute(default=1)
    assignee = UnicodeAttribute(null=True)
    escalation = UnicodeAttribute(null=True)
    chat_session_id = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)  # email tickets: the first message's subject
    participants = ListAttribute(of=UnicodeAttribute, default=list)  # email addresses allowed to thread in
    linked_ticket_id = UnicodeAttribute(null=True)  # a follow-up of a ticket closed too long ago
    # Escalation: the proof of time-to-human. Started/acknowledged times are contact-clock times.
    escalation_arn = UnicodeAttribute(null=True)
    incident_id = UnicodeAttribute(null=True)  # a report grouped with an incident: the lead ticket's id
    escalation_started_at = UnicodeAttribute(null=True)  # GSI range key
    escalation_period = UnicodeAttribute(null=True)  # YYYY-MM, GSI hash key (sparse)
    acknowledged_at = UnicodeAttribute(null=True)
    acknowledged_by = UnicodeAttribute(null=True)
    reached_seconds = NumberAttribute(null=True)
    target_met = BooleanAttribute(null=True)
    for_person = UnicodeAttribute(null=True)  # a message for a named person
    safety_question = UnicodeAttribute(null=True)  # triage was unsure and asked this
    safety_answer = UnicodeAttribute(null=True)  # yes | no | silence (no answer at night)
    # repair visits (lifecycle/visits.py): visit_id, start, end, technician, note, status, awaiting, alternatives,
    # version, arrived_at, in_window, fixed
    visits = JSONAttribute(default=list)
    calls = JSONAttribute(default=dict)  # voice: Connect contact id -> milestones, outcome, queue wait, handle time
    clocks = JSONAttribute(default=dict)  # SLA clock name -> due time (ISO)
    held_key = UnicodeAttribute(null=True)  # <property>#<release day> while held for the after-hours digest
    role = UnicodeAttribute(null=True)  # who wrote (rules/roles.py): resident | prospect | ... ; chat records it
    source = UnicodeAttribute(null=True)  # where the contact came from (rules/leads.py): a lead's source
    discovery = UnicodeAttribute(null=True)  # their own "how did you hear about us?"
    # The resident's one survey answer (lifecycle/survey.py): CSAT 1-5 and/or NPS 0-10, an optional comment.
    csat = NumberAttribute(null=True)
    csat_at = UnicodeAttribute(null=True)  # when the answer was recorded (either score)
    nps = NumberAttribute(null=True)
    survey_comment = UnicodeAttribute(null=True)
    survey_via = UnicodeAttribute(null=True)  # chat | email | sms | staff: where the answer came from
    survey_sent_at = UnicodeAttribute(null=True)  # the one time the resident was asked
    survey_sent_via = UnicodeAttribute(null=True)  # chat | email | sms | sms_later (texting hours) | none
    review_done_at = UnicodeAttribute(null=True)
    first_response_due = UnicodeAttribute(null=True)
    resolve_due = UnicodeAttribute(null=True)
    first_response_at = UnicodeAttribute(null=True)
    resolved_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    queue_key = UnicodeAttribute(null=True)
    queue_sort = UnicodeAttribute(null=True)
    version = VersionAttribute()

    queue = _index("queue", "queue_key", "queue_sort")
    by_property = _index("by_property", "property_id", "created_at")
    by_phone = _index("by_phone", "contact_phone", "created_at")
    by_email = _index("by_email", "contact_email", "created_at", KeysOnlyProjection)
    by_status = _index("by_status", "status", "created_at")
    by_escalation = _index("by_escalation", "escalation_period", "escalation_started_at")
    held = _index("held", "held_key", "created_at")
