"""When not to answer a message automatically (RFC 3834 and what real auto-responders send)."""
from __future__ import annotations

import re

from chalicelib.channels.mail.parse import ParsedMail

ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|notifications?|"
                           r"auto-?reply|autoresponder)([+.\-_].*)?@", re.IGNORECASE)


def automated_reason(mail: ParsedMail, our_addresses: set[str]) -> str | None:
    """Why this message must not get an automatic reply, or None when it may."""
    h = mail.headers
    auto = h.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if h.get("precedence", "").strip().lower() in ("bulk", "junk", "list"):
        return f"Precedence: {h['precedence'].strip().lower()}"
    if "list-id" in h:
        return "mailing list (List-Id)"
    if "x-autoreply" in h or "x-autorespond" in h:
        return "auto-responder header"
    if mail.content_type == "multipart/report":
        return "delivery report"
    if h.get("return-path", "").strip() in ("<>", ""):
        if "return-path" in h:
            return "null return path (a bounce)"
    for address in filter(None, (mail.sender, mail.reply_to)):
        if ROBOT_SENDERS.match(address):
            return f"automated sender {address}"
        if address in our_addresses or address.split("@")[-1] in {a.split("@")[-1] for a in our_addresses}:
            return f"our own address {address}"
    if not mail.contact:
        return "no sender address"
    return None
