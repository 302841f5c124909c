"""Photos from the chat widget: the browser uploads straight to S3 with a presigned POST (type and size are
conditions of the signed policy), then tells us it is done; we check the object S3 holds (type, size,
under this conversation's ticket) and attach it to the ticket as a resident message. A second "done" for the
same upload returns the first answer."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from chalicelib.core import aws, ids, settings
from chalicelib.core.errors import Conflict, Invalid
from chalicelib.models import ChatSession, keys
from chalicelib.models.thread import AttachmentRef
from chalicelib.rules import redaction
from chalicelib.tickets import claims
from chalicelib.tickets import store as tickets
from chalicelib.tickets.views import message_view

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic",
               "image/heif": ".heif", "image/gif": ".gif"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
UPLOAD_SECONDS = 600
KEY = re.compile(r"attachments/(?P<ticket>[0-9A-Z]{26})/chat-(?P<upload>[0-9A-Z]{26})/(?P<name>[A-Za-z0-9._-]{1,100})")


def _safe(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", redaction.clean(name or "photo"))[-100:].lstrip(".")
    return cleaned or "photo"


def offer(session: ChatSession, name: str, content_type: str, size: int) -> dict:
    """A presigned POST for one photo of this conversation's ticket."""
    if not session.ticket_id or tickets.find_ticket(session.ticket_id) is None:
        raise Conflict("send a message first: a photo is attached to the ticket it opens")
    if content_type not in PHOTO_TYPES:
        raise Invalid(f"a photo must be one of {', '.join(sorted(PHOTO_TYPES))}")
    if not 0 < size <= MAX_PHOTO_BYTES:
        raise Invalid(f"a photo may be at most {MAX_PHOTO_BYTES // 1024 // 1024} MB")
    key = f"attachments/{session.ticket_id}/chat-{ids.new_id()}/{_safe(name)}"
    post = aws.client("s3").generate_presigned_post(
        settings.mail_bucket(), key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_PHOTO_BYTES]],
        ExpiresIn=UPLOAD_SECONDS)
    return {"key": key, "url": post["url"], "fields": post["fields"], "max_bytes": MAX_PHOTO_BYTES}


def attach(session: ChatSession, key: str, now: datetime) -> dict:
    match = KEY.fullmatch(key or "")
    if not match or match["ticket"] != session.ticket_id:
        raise Invalid("that upload does not belong to this conversation")
    result, replayed = claims.once(keys.chat_message_claims(session.session_id),
                                   lambda _reserved: _attach(session, key, match["name"], now),
                                   lease_seconds=30, keep=timedelta(days=7), item=f"photo-{match['upload']}")
    return dict(result, replayed=replayed)


def _attach(session: ChatSession, key: str, name: str, now: datetime) -> dict:
    s3 = aws.client("s3")
    try:
        head = s3.head_object(Bucket=settings.mail_bucket(), Key=key)
    except s3.exceptions.ClientError:
        raise Invalid("the photo has not arrived: upload it first") from None
    content_type, size = head.get("ContentType", ""), int(head.get("ContentLength", 0))
    if content_type not in PHOTO_TYPES or not 0 < size <= MAX_PHOTO_BYTES:  # the policy should have stopped it
        try:  # best effort: the deployed policy grants no s3:DeleteObject; unattached, it is never shown
            s3.delete_object(Bucket=settings.mail_bucket(), Key=key)
        except s3.exceptions.ClientError:
            pass
        raise Invalid("that file is not a photo we can take (type or size)")
    ticket = tickets.get_ticket(session.ticket_id)
    message = tickets.add_message(ticket, direction="inbound", author=session.contact_name or "resident",
                                  body=f"{'Foto' if session.language == 'es' else 'Photo'}: {name}", now=now, fields={"attachments": [
                                      AttachmentRef(name=name, content_type=content_type, size=size, key=key)]})
    return {"message": message_view(message), "ref": ticket.ref}
