"""Website chat routes (public; each session is guarded by its own token)."""
from chalice import Blueprint

from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import CHAT_CORS, api, now, parse, query_params

bp = Blueprint(__name__)


def _token(request) -> str | None:
    return (request.headers or {}).get("x-session-token")


def _client(request) -> str | None:
    """The caller's IP as API Gateway saw it (not a header the caller could set)."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp")


@bp.route("/chat/sessions", methods=["POST"], cors=CHAT_CORS)
@api
def create_session():
    from chalicelib.channels import chat
    from chalicelib.handlers.bodies.chat import SessionIn
    from chalicelib.rules import addresses
    from chalicelib.tickets import store as tickets

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
    from chalicelib.channels import chat
    from chalicelib.handlers.bodies.chat import MessageIn

    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    body = parse(request, MessageIn)
    return chat.post_message(session, body.text, now(request), body.client_message_id)


@bp.route("/chat/sessions/{session_id}/messages", methods=["GET"], cors=CHAT_CORS)
@api
def list_messages(session_id):
    from chalicelib.channels import chat

    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    return {"messages": chat.messages_since(session, query_params(request).get("after")),
            "survey": chat.survey_state(session)}


@bp.route("/chat/sessions/{session_id}/csat", methods=["POST"], cors=CHAT_CORS)
@api
def rate(session_id):
    """The resident answers the survey in the widget: CSAT 1-5 and/or NPS 0-10, an optional comment; once."""
    from chalicelib.channels import chat
    from chalicelib.handlers.bodies.chat import SurveyIn
    from chalicelib.lifecycle import survey

    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    body = parse(request, SurveyIn)
    if not session.ticket_id:
        raise Invalid("there is nothing to rate yet")
    ticket = survey.record(session.ticket_id, body.csat, body.nps, body.comment, "resident", "chat", now(request))
    return {"ref": ticket.ref, "csat": None if ticket.csat is None else int(ticket.csat),
            "nps": None if ticket.nps is None else int(ticket.nps)}


@bp.route("/chat/sessions/{session_id}/helpful", methods=["POST"], cors=CHAT_CORS)
@api
def helpful(session_id):
    """"Did this answer your question?" about the help article the chat answered with: Yes resolves the chat
    (when no one from the office has replied yet), No leaves it for staff. Once per chat."""
    from chalicelib.channels import chat
    from chalicelib.handlers.bodies.chat import HelpfulIn

    request = bp.current_request
    session = chat.authorize(session_id, _token(request))
    return chat.answer_helpful(session, parse(request, HelpfulIn).helpful, now(request))
