"""Website chat routes (public; each session is guarded by its own token)."""
from typing import Annotated, Literal, Optional

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, StringConstraints

from chalicelib.channels import chat
from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import CHAT_CORS, api, now, parse, query_params
from chalicelib.handlers.tickets import SurveyIn
from chalicelib.lifecycle import survey
from chalicelib.rules import addresses
from chalicelib.tickets import store as tickets

bp = Blueprint(__name__)


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    # Bounded so that nothing a widget sends can outgrow a DynamoDB key or item later on.
    property_id: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
    language: Optional[Literal["en", "es"]] = None
    name: Optional[Annotated[StrictStr, StringConstraints(max_length=100)]] = None
    phone: Optional[Annotated[StrictStr, StringConstraints(max_length=32)]] = None
    email: Optional[Annotated[StrictStr, StringConstraints(max_length=254)]] = None
    unit: Optional[Annotated[StrictStr, StringConstraints(max_length=20)]] = None
    campaign: Optional[Annotated[StrictStr, StringConstraints(max_length=100)]] = None  # the page's utm_campaign
    discovery: Optional[Annotated[StrictStr, StringConstraints(max_length=100)]] = None  # how they heard of us


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: StrictStr
    client_message_id: Optional[Annotated[StrictStr, StringConstraints(max_length=100)]] = None


def _token(request) -> str | None:
    return (request.headers or {}).get("x-session-token")


def _client(request) -> str | None:
    """The caller's IP as API Gateway saw it (not a header the caller could set)."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp")


@bp.route("/chat/sessions", methods=["POST"], cors=CHAT_CORS)
@api
def create_session():
    request = bp.current_request
    body = parse(request, SessionIn)
    contact = tickets.Requester(name=(body.name or "").strip()[:100] or None,
                              phone=addresses.normalize_phone(body.phone), email=addresses.normalize_email(body.email))
    session, token, greeting = chat.create_session(property_id=body.property_id, language=body.language,
                                                   contact=contact, unit=body.unit, now=now(request),
                                                   client=_client(request), campaign=body.campaign,
                                                   discovery=body.discovery)
    return {"session_id": session.session_id, "token": token, "greeting": greeting,
            "expires_at": session.expires_at.isoformat()}


@bp.route("/chat/sessions/{session_id}/messages", methods=["POST"], cors=CHAT_CORS)
@api
def post_message(session_id):
    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    body = parse(request, MessageIn)
    return chat.post_message(session, body.text, now(request), body.client_message_id)


@bp.route("/chat/sessions/{session_id}/messages", methods=["GET"], cors=CHAT_CORS)
@api
def list_messages(session_id):
    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    return {"messages": chat.messages_since(session, query_params(request).get("after")),
            "survey": chat.survey_state(session)}


@bp.route("/chat/sessions/{session_id}/csat", methods=["POST"], cors=CHAT_CORS)
@api
def rate(session_id):
    """The resident answers the survey in the widget: CSAT 1-5 and/or NPS 0-10, an optional comment; once."""
    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    body = parse(request, SurveyIn)
    if not session.ticket_id:
        raise Invalid("there is nothing to rate yet")
    ticket = survey.record(session.ticket_id, body.csat, body.nps, body.comment, "resident", "chat", now(request))
    return {"ref": ticket.ref, "csat": None if ticket.csat is None else int(ticket.csat),
            "nps": None if ticket.nps is None else int(ticket.nps)}


class HelpfulIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    helpful: StrictBool


@bp.route("/chat/sessions/{session_id}/helpful", methods=["POST"], cors=CHAT_CORS)
@api
def helpful(session_id):
    """"Did this answer your question?" about the help article the chat answered with: Yes resolves the chat
    (when no one from the office has replied yet), No leaves it for staff. Once per chat."""
    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    return chat.answer_helpful(session, parse(request, HelpfulIn).helpful, now(request))
