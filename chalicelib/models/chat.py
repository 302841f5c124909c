from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class ChatSession(Model):
    Meta = meta("chat-sessions")

    session_id = UnicodeAttribute(hash_key=True)
    token_hash = UnicodeAttribute()
    property_id = UnicodeAttribute()
    language = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    contact_phone = UnicodeAttribute(null=True)
    contact_email = UnicodeAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    campaign = UnicodeAttribute(null=True)  # the page's utm_campaign, when the widget was opened through one
    discovery = UnicodeAttribute(null=True)  # "how did you hear about us?"
    ticket_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute()
