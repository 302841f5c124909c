"""PynamoDB models. Table names follow settings.table_name; keys match infra/template.yaml."""
from chalicelib.models.chat import ChatSession
from chalicelib.models.help import ArticleScope, ArticleUse, ArticleVersion, HelpArticle, HelpIndex
from chalicelib.models.oncall import EscalationPolicy, Rotation
from chalicelib.models.property import Lookup, Person, Property, Resident
from chalicelib.models.thread import (
              AuditEntry,
              ContactRecord,
              Counter,
              Guard,
              Message,
              Quarantined,
              Rejected,
              SmsContact,
)
from chalicelib.models.ticket import Ticket
from chalicelib.models.tour import TourBooking

ALL_MODELS = (Ticket, Message, AuditEntry, Guard, Counter, Quarantined, ContactRecord, Rejected, SmsContact, ChatSession, Property,
              Person, Resident, Lookup, Rotation, EscalationPolicy, TourBooking,
              HelpArticle, ArticleScope, ArticleVersion, ArticleUse, HelpIndex)

