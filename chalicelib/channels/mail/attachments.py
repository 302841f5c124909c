"""Attachments kept under their ticket in S3, within the limits; what is dropped is said on the ticket."""
from __future__ import annotations

import re

from chalicelib.channels.mail.parse import Attachment
from chalicelib.core import aws, settings
from chalicelib.core.errors import NotFound
from chalicelib.models import keys
from chalicelib.models.thread import AttachmentRef
from chalicelib.rules import redaction


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-100:] or "file"


def store(ticket_id: str, message_id: str, files: list[Attachment]) -> tuple[list[AttachmentRef], list[str]]:
    kept, dropped, total = [], [], 0
    for n, f in enumerate(files, 1):
        f.filename = redaction.clean(f.filename)  # "card 4111….pdf" is a card number too
        if len(kept) >= settings.MAX_ATTACHMENTS:
            dropped.append(f"{f.filename} ({_mb(f.size)}): more than {settings.MAX_ATTACHMENTS} attachments")
            continue
        if total + f.size > settings.MAX_ATTACHMENT_BYTES:
            dropped.append(f"{f.filename} ({_mb(f.size)}): over the {_mb(settings.MAX_ATTACHMENT_BYTES)} total")
            continue
        key = f"attachments/{ticket_id}/{message_id}/{n:02d}-{_safe(f.filename)}"
        aws.client("s3").put_object(Bucket=settings.mail_bucket(), Key=key, Body=f.payload,
                                    ContentType=f.content_type)
        total += f.size
        kept.append(AttachmentRef(name=f.filename, content_type=f.content_type, size=f.size, key=key))
    return kept, dropped


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def download_url(ticket_id: str, message_id: str, index: str) -> str:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.models import Message

    try:
        message = Message.get(ticket_id, keys.message_sk(message_id))
        ref = message.attachments[int(index)]
    except (DoesNotExist, ValueError, IndexError):
        raise NotFound("no such attachment") from None
    return aws.client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": settings.mail_bucket(), "Key": ref.key,
                              "ResponseContentType": ref.content_type,
                              "ResponseContentDisposition": f'attachment; filename="{_safe(ref.name)}"'},
        ExpiresIn=300)
