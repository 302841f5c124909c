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


def _domain(address: str | None) -> str:
    return (address or "").rsplit("@", 1)[-1].lower()


def authenticated(verdicts: dict) -> bool:
    """SES says the sender is who they claim: DMARC, or SPF or DKIM, passed."""
    return "PASS" in (verdicts.get("dmarc"), verdicts.get("spf"), verdicts.get("dkim"))


def auto_reply_refused(mail: ParsedMail, verdicts: dict) -> str | None:
    """Why an automatic reply would make us a relay for someone else's words, or None when it is safe."""
    if verdicts.get("dmarc") == "FAIL" or (verdicts.get("spf") == "FAIL" and verdicts.get("dkim") != "PASS"):
        return "the sender failed authentication (SPF/DKIM/DMARC)"
    if not authenticated(verdicts) and mail.reply_to and _domain(mail.reply_to) != _domain(mail.sender):
        return "Reply-To points to another domain and the sender is not authenticated"
    return None


def rate_key(address: str) -> str:
    """One sender however they tag the address: a+1@x and a+2@x count as a@x."""
    local, _, domain = address.lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"
