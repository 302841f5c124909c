"""PynamoDB models. Table names follow settings.table_name; keys match infra/template.yaml."""
from chalicelib.models.chat import ChatSession
from chalicelib.models.oncall import EscalationPolicy, Rotation
from chalicelib.models.property import KnowledgeArticle, Lookup, Person, Property, Resident
from chalicelib.models.thread import AuditEntry, ContactRecord, Counter, Guard, Message, Quarantined, Rejected
from chalicelib.models.ticket import Ticket

ALL_MODELS = (Ticket, Message, AuditEntry, Guard, Counter, Quarantined, ContactRecord, Rejected, ChatSession, Property,
              KnowledgeArticle, Person, Resident, Lookup, Rotation, EscalationPolicy)


def reset_connections() -> None:
    """Forget cached connections (tests and the twin switch endpoints between runs)."""
    for model in ALL_MODELS:
        model._connection = None
        for index in getattr(model, "_indexes", {}).values():
            index._connection = None
