"""Every composite key the tables use, built in one place (the models' docstrings say which table holds which).

ticket-events: pk = ticket id, sk = MSG#<ulid> | AUD#<ulid>; guard items pk = <KIND>#..., sk = GUARD;
properties: pk = PORTFOLIO | PROPERTY#<id> | LOOKUP#<kind>, sk = the item's kind and id."""

MESSAGE, AUDIT = "MSG#", "AUD#"
GUARD = "GUARD"  # the sort key of every guard item


def message_sk(message_id: str) -> str:
    return f"{MESSAGE}{message_id}"


def audit_sk(entry_id: str) -> str:
    return f"{AUDIT}{entry_id}"


def call_audit_sk(contact_id: str, milestone: str) -> str:
    """One timeline entry per call milestone: writing it again replaces it."""
    return f"{AUDIT}CALL#{contact_id}#{milestone}"


# --- guard items: a claimed key and what it points to ---

def ticket_ref(ref: str) -> str:
    return f"REF#{ref.upper()}"


def mail_message_id(rfc_message_id: str) -> str:
    """An email's Message-ID header -> the ticket it belongs to (threading)."""
    return f"MAILID#{rfc_message_id}"


def contact_ticket(contact_id: str) -> str:
    """A Connect contact -> its ticket."""
    return f"CALL#{contact_id}"


def ack_link_used(token_digest: str) -> str:
    return f"ACKLINK#{token_digest}"


def rate(kind: str, who: str, window: int) -> str:
    """A use counter of one client (an address, an IP, a session) in one time window, keyed by a digest:
    a counter that lives an hour or two need not hold an address (tickets/limits.py)."""
    import hashlib  # noqa: PLC0415 - only the counted paths need it

    return f"RATE#{kind}#{hashlib.sha256(who.encode()).hexdigest()[:32]}#{window}"


def survey_asked(ticket_id: str) -> str:
    """A resolved ticket's survey was sent (it is asked once, however often the ticket is resolved)."""
    return f"SURVEY#{ticket_id}"



def sms_inbound(inbound_message_id: str) -> str:
    """An inbound text, claimed once (End User Messaging and SNS may deliver it twice)."""
    return f"SMSIN#{inbound_message_id}"


def sms_outbound(message_id: str) -> str:
    """A text we sent (End User Messaging's message id) -> its ticket and thread item, for delivery events and
    for the reply that answers it (previousPublishedMessageId)."""
    return f"SMSOUT#{message_id}"


def sms_contact(phone: str) -> str:
    return f"SMSCONTACT#{phone}"


def contact_record(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


# --- once-only work (tickets/claims.py) ---

# Claims of one conversation or one call share a partition (the sort key names the message or step), so
# erasing a resident's data finds them all with one query (tickets/privacy.py).

def chat_message_claims(session_id: str) -> str:
    return f"CHATMSG#{session_id}"


def ses_message_claim(ses_message_id: str) -> str:
    return f"SESMSG#{ses_message_id}"


def call_step_claims(contact_id: str) -> str:
    return f"CALLSTEP#{contact_id}"


def incident(property_id: str, hazard: str) -> str:
    """The open incident of one hazard at one property (escalation/incident.py)."""
    return f"INCIDENT#{property_id}#{hazard}"


def incident_members(lead_ticket_id: str) -> str:
    return f"INCIDENTMEMBERS#{lead_ticket_id}"


def announcement(ticket_id: str) -> str:
    """An emergency announced on the emergencies feed."""
    return f"ANNOUNCE#{ticket_id}"


# --- tours (tickets/tours.py) ---

def tour_day(property_id: str, day: str) -> str:
    """A property's tour bookings on one local date."""
    return f"TOURS#{property_id}#{day}"


def booking_sk(booking_id: str) -> str:
    return f"BOOKING#{booking_id}"


def tour_hold(property_id: str, agent_id: str, granule: str) -> str:
    """One agent's time in one granule, held by one booking: the key that makes double booking impossible."""
    return f"TOURHOLD#{property_id}#{agent_id}#{granule}"


def tour_load(property_id: str, granule: str) -> str:
    """How many parties tour the property in one granule (at most its parties_at_once)."""
    return f"TOURLOAD#{property_id}#{granule}"


def tour_request(property_id: str, client_request_id: str) -> str:
    """A booking request's client_request_id (a retry gets the first answer)."""
    return f"TOURREQ#{property_id}#{client_request_id}"


def tour_booking(booking_id: str) -> str:
    """A booking id -> the local date its tour is on (the booking's partition)."""
    return f"TOURBOOKING#{booking_id}"


def tour_person(contact: str) -> str:
    """A prospect's phone (E.164) or email -> their bookings (sk = BOOKING#<id>): what privacy requests find."""
    return f"TOURPERSON#{contact}"


def tour_reminded(booking_id: str, kind: str) -> str:
    """A tour's reminder of one kind went out (the timer's Lambda may run again)."""
    return f"TOURREMIND#{booking_id}#{kind}"


# --- portfolio configuration (properties table) ---

PORTFOLIO = "PORTFOLIO"
PERSON, RESIDENT, ROTATION, POLICY = "PERSON#", "RESIDENT#", "ROTATION#", "POLICY#"
EVERY_PROPERTY = "*"


def property_pk(property_id: str) -> str:
    return f"PROPERTY#{property_id}"


def lookup_pk(kind: str) -> str:
    """kind: PHONE (an E.164 number dialled) or INBOX (an address or domain)."""
    return f"LOOKUP#{kind}"


def person_sk(person_id: str) -> str:
    return f"{PERSON}{person_id}"


def resident_sk(phone: str) -> str:
    return f"{RESIDENT}{phone}"


def rotation_sk(rotation_id: str) -> str:
    return f"{ROTATION}{rotation_id}"


def policy_sk(urgency: str) -> str:
    return f"{POLICY}{urgency}"


def id_of(sort_key: str) -> str:
    """The id after a sort key's kind prefix (PERSON#tech-ana -> tech-ana)."""
    return sort_key.split("#", 1)[1]


# --- help center (tickets/help.py; properties table) ---

def help_scope(property_id: str | None) -> str:
    """The partition of one property's help articles (their current state), or the portfolio's (None)."""
    return f"HELP#{property_id or EVERY_PROPERTY}"


def help_article_sk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def help_article(article_id: str) -> str:
    """One article's own partition: where it lives (sk SCOPE), its versions (sk V#<n>) and its use by day."""
    return f"ARTICLE#{article_id}"


ARTICLE_SCOPE = "SCOPE"


def help_version_sk(version: int) -> str:
    return f"V#{version:06d}"


def help_use_sk(day: str) -> str:
    return f"USE#{day}"


def help_index_sk(language: str, part: int) -> str:
    """One part of a property's search index in one language (the pk is help_scope(property))."""
    return f"INDEX#{language}#{part:03d}"
