"""The JSON bodies the HTTP routes accept, checked by pydantic (handlers/http.py `parse`).

They live apart from the routes so that starting the app does not import pydantic: a route imports this module
when it is first called, and each model builds its validator on its first use (`defer_build`). Every string is
bounded so that nothing a caller sends can outgrow a DynamoDB key or item later on."""
from typing import Annotated, Literal, Optional

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)

from chalicelib.rules import help_text


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


def bounded(most: int, least: int = 0):
    return Annotated[StrictStr, StringConstraints(min_length=least, max_length=most)]


PropertyId = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Language = Literal["en", "es"]


# --- chat (public, from the widget) ---

class SessionIn(Body):
    property_id: PropertyId
    language: Optional[Language] = None
    name: Optional[bounded(100)] = None
    phone: Optional[bounded(32)] = None
    email: Optional[bounded(254)] = None
    unit: Optional[bounded(20)] = None
    campaign: Optional[bounded(100)] = None  # the page's utm_campaign
    discovery: Optional[bounded(100)] = None  # how they heard of us


class MessageIn(Body):
    text: StrictStr
    client_message_id: Optional[bounded(100)] = None


class HelpfulIn(Body):
    helpful: StrictBool


class PhotoIn(Body):
    name: bounded(200, 1)
    content_type: bounded(100)
    size: StrictInt


class PhotoDone(Body):
    key: bounded(300)


class SurveyIn(Body):
    """A survey answer: CSAT 1-5 and/or NPS 0-10 (rules/surveys.py checks the scales), an optional comment."""
    csat: Optional[StrictInt] = None
    nps: Optional[StrictInt] = None
    comment: Optional[bounded(1000)] = None


# --- tickets (staff) ---

class ReplyIn(Body):
    body: bounded(20_000, 1)


class StatusIn(Body):
    status: StrictStr
    version: Optional[StrictInt] = None
    note: Optional[bounded(2000)] = None


class AssignIn(Body):
    assignee: Optional[bounded(100)]
    version: Optional[StrictInt] = None


class RoleIn(Body):
    role: StrictStr
    version: Optional[StrictInt] = None


class TicketTierIn(Body):
    tier: StrictInt
    version: Optional[StrictInt] = None


class ReviewIn(Body):
    note: Optional[bounded(2000)] = None


class IncidentUpdateIn(Body):
    body: bounded(20_000, 1)


class CallTicketIn(Body):
    property_id: PropertyId
    phone: Optional[bounded(32)] = None
    text: bounded(4096)


class PersonIn(Body):
    model_config = ConfigDict(extra="forbid")
    phone: Optional[StrictStr] = None
    email: Optional[StrictStr] = None


class LocalSignIn(Body):
    username: StrictStr
    role: StrictStr = "csr"


# --- on-call admin: bounded so a rota or policy stays a small item and an escalation's input far below
# Step Functions' 256 KB ---

Short = bounded(100)


class RotationIn(Body):
    model_config = ConfigDict(extra="forbid")
    name: Short
    members: Annotated[list[Short], Field(max_length=50)]
    every: Short = "weekly"
    handoff_at: Short = "08:00"
    anchor: Short
    overrides: Annotated[list[dict], Field(max_length=100)] = []


class PolicyTierIn(Body):
    model_config = ConfigDict(extra="forbid")
    name: Short
    targets: Annotated[list[dict], Field(max_length=20)]
    channels: Annotated[list[Short], Field(max_length=5)]
    window_minutes: StrictInt
    guaranteed: StrictBool = False


class PolicyIn(Body):
    model_config = ConfigDict(extra="forbid")
    tiers: Annotated[list[PolicyTierIn], Field(max_length=10)]
    repeat: StrictInt = 2
    managers: Annotated[list[Short], Field(max_length=20)] = []


# --- help center ---

class ArticleIn(Body):
    title: Optional[bounded(help_text.MAX_TITLE)] = None
    body: Optional[bounded(help_text.MAX_BODY)] = None
    language: Optional[StrictStr] = None
    audience: Optional[StrictStr] = None
    category: Optional[bounded(help_text.MAX_TITLE)] = None
    property_id: Optional[bounded(help_text.MAX_TITLE)] = None
    keywords: Optional[list[bounded(80)]] = None
    translation_of: Optional[bounded(help_text.MAX_TITLE)] = None
    version: Optional[StrictInt] = None  # an edit: the version the editor started from


class PublishIn(Body):
    at: Optional[StrictStr] = None  # ISO 8601 with an offset: publish then (a timer), not now


class PreviewIn(Body):
    body: bounded(help_text.MAX_BODY)


class FeedbackIn(Body):
    helpful: StrictBool


# --- tours and visits ---

class BookingIn(Body):
    start: bounded(40, 16)
    name: bounded(100, 1)
    phone: Optional[bounded(32)] = None
    email: Optional[bounded(254)] = None
    language: Optional[Language] = None
    source: Optional[bounded(100)] = None
    client_request_id: Optional[bounded(100, 1)] = None
    self_guided: Optional[StrictBool] = None
    campaign: Optional[bounded(100)] = None  # the page's utm_campaign
    discovery: Optional[bounded(100)] = None


class RescheduleIn(Body):
    start: bounded(40, 16)


class OutcomeIn(Body):
    status: Literal["completed", "no_show"]
    applied: Optional[StrictBool] = None


class VisitIn(Body):
    start: AwareDatetime
    end: AwareDatetime
    technician: bounded(100, 1)
    note: Optional[bounded(1000)] = None


class VisitStatusIn(Body):
    status: StrictStr
    arrived_at: Optional[AwareDatetime] = None
