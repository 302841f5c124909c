"""Photo upload from the chat widget (public; guarded by the chat session's own token, like the chat routes)."""
from chalice import Blueprint

from chalicelib.handlers.http import CHAT_CORS, api, now, parse

bp = Blueprint(__name__)


def _session(request, session_id):
    from chalicelib.channels import chat

    return chat.authorize(session_id, (request.headers or {}).get("x-session-token"))


@bp.route("/chat/sessions/{session_id}/photos", methods=["POST"], cors=CHAT_CORS)
@api
def offer_photo(session_id):
    """A presigned S3 POST for one photo (JPEG, PNG, WebP, HEIC, GIF; at most 10 MB)."""
    from chalicelib.channels import chat_photos
    from chalicelib.handlers.bodies.chat import PhotoIn

    request = bp.current_request
    session = _session(request, session_id)
    body = parse(request, PhotoIn)
    return chat_photos.offer(session, body.name, body.content_type, body.size)


@bp.route("/chat/sessions/{session_id}/photos/done", methods=["POST"], cors=CHAT_CORS)
@api
def photo_done(session_id):
    """The upload arrived: check it and attach it to the conversation's ticket."""
    from chalicelib.channels import chat_photos
    from chalicelib.handlers.bodies.chat import PhotoDone

    request = bp.current_request
    session = _session(request, session_id)
    body = parse(request, PhotoDone)
    return chat_photos.attach(session, body.key, now(request))
