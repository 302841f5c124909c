"""What the chat widget sends (public): a session, its messages, photos, the helpful answer and the survey."""
from typing import Optional

from pydantic import StrictBool, StrictInt, StrictStr

from chalicelib.handlers.bodies import Body, Language, PropertyId, bounded


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
