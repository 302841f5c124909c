"""Raw MIME to what a ticket needs, with the standard library's `email` (policy.default).

Real mail is messy: wrong or missing charsets, HTML only, forwarded messages inside messages, headers
that do not parse. Nothing here raises on bad mail: what cannot be read is reported in `problems`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

QUOTE_HEADERS = re.compile(
    r"^\s*(On .{4,200}wrote:|El .{4,200}escribi[óo]:|Le .{4,200}a écrit :|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*Mensaje original\s*-{2,}|_{20,}|From: .{3,200}|De: .{3,200}|Sent from my .{2,40}|"
    r"Enviado desde mi .{2,40}|Sent from (Yahoo Mail|Mail for Windows|Outlook).{0,40}|Get Outlook for .{2,30}|"
    r"Obtener Outlook para .{2,30})\s*$",
    re.IGNORECASE)
SIGNATURE = re.compile(r"^(-- ?|--\s*)$")
MSGID = re.compile(r"<[^<>\s]{1,250}>")
CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_ADDRESS = 254  # RFC 5321's limit; a longer one would also overflow an index key
MAX_NAME = 200
MAX_SUBJECT = 300
MAX_PARTS = 100
MAX_DEPTH = 5  # forwarded messages inside forwarded messages
MAX_NESTING = 20  # multiparts inside multiparts
MAX_TEXT_BYTES = 1024 * 1024  # of one text part; the raw message keeps the rest


@dataclass
class Attachment:
    filename: str
    content_type: str
    payload: bytes

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass
class ParsedMail:
    sender_name: str | None
    sender: str | None  # the From address
    reply_to: str | None
    to: list[str]
    subject: str
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    text: str  # the new text, quotes and signature removed
    full_text: str
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"
    problems: list[str] = field(default_factory=list)

    @property
    def contact(self) -> str | None:
        """Where replies go: Reply-To when given, else From."""
        return self.reply_to or self.sender


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Declared charset first, then UTF-8, then windows-1252 (a superset of Latin-1 that decodes anything)."""
    for charset in filter(None, (declared, "utf-8")):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("windows-1252", errors="replace")


def _part_text(part: EmailMessage) -> str:
    data = part.get_payload(decode=True) or b""
    if len(data) > MAX_TEXT_BYTES:  # html2text and the triage rules need not read megabytes
        data = data[:MAX_TEXT_BYTES]
    text = decode_bytes(data, part.get_content_charset())
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return text


def html_to_text(html: str) -> str:
    import html2text  # noqa: PLC0415 - only HTML mail needs it

    converter = html2text.HTML2Text()
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.body_width = 0
    converter.ignore_links = False
    text = converter.handle(html)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def strip_quotes(text: str) -> str:
    """The new text of a reply: cut at the first quote header, drop quoted lines and the signature."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if QUOTE_HEADERS.match(line) or SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    new = "\n".join(kept).strip()
    return new or text.strip()


def clean_header(value: str, limit: int = 998) -> str:
    """One line of printable text: a decoded header may hold CR/LF or controls (RFC 2047 allows them), and
    nothing downstream (SES, a page, a log line) may see them as line breaks."""
    return CONTROLS.sub(" ", value).strip()[:limit]


def _header(msg: EmailMessage, name: str, problems: list[str]) -> str:
    try:
        value = msg.get(name)
        return clean_header(str(value)) if value is not None else ""
    except Exception as exc:  # a header the parser cannot fold or decode
        problems.append(f"unreadable {name} header ({type(exc).__name__})")
        raw = msg.get_all(name, failobj=[None])[0] if hasattr(msg, "get_all") else None
        return clean_header(str(raw or ""))


def _address(msg: EmailMessage, name: str, problems: list[str]) -> tuple[str | None, str | None]:
    value = _header(msg, name, problems)
    if not value:
        return None, None
    display, address = parseaddr(value)
    if "@" not in address or len(address) > MAX_ADDRESS:
        problems.append(f"no usable address in {name}: {value[:80]!r}")
        return display[:MAX_NAME] or None, None
    return display[:MAX_NAME] or None, address.strip().lower()


class _Budget:
    """How many MIME parts are still read: a message of a thousand tiny parts costs what a hundred do."""

    def __init__(self, problems: list[str]):
        self.left, self.problems = MAX_PARTS, problems

    def take(self) -> bool:
        self.left -= 1
        if self.left == -1:
            self.problems.append(f"only the first {MAX_PARTS} parts were read")
        return self.left >= 0


def _leaves(part: EmailMessage, budget: _Budget, depth: int = 0):
    """This message's parts in order, each message forwarded inside it as one part (read on its own)."""
    if not budget.take():
        return
    if part.get_content_type() == "message/rfc822" or not part.is_multipart() or depth > MAX_NESTING:
        yield part
        return
    for sub in part.iter_parts():
        yield from _leaves(sub, budget, depth + 1)


def _bodies(msg: EmailMessage, problems: list[str], budget: _Budget | None = None,
            depth: int = 0) -> tuple[str, list[str], list[Attachment]]:
    """The readable body of this message, those of messages forwarded inside it, and its attachments:
    one pass over the parts, forwarded messages to MAX_DEPTH levels, MAX_PARTS parts in all."""
    budget = budget or _Budget(problems)
    attachments: list[Attachment] = []
    body_part = None
    try:
        body_part = msg.get_body(preferencelist=("plain", "html"))
    except Exception as exc:
        problems.append(f"body structure not readable ({type(exc).__name__})")
    text = _part_text(body_part) if body_part is not None else ""
    if body_part is None and not msg.is_multipart() and msg.get_content_maintype() == "text":
        text = _part_text(msg)
    forwarded = []
    for part in _leaves(msg, budget) if msg.is_multipart() else []:
        ctype = part.get_content_type()
        if part is body_part or part.is_multipart() and ctype != "message/rfc822":
            continue
        if ctype == "message/rfc822":
            forwarded += _forwarded(part, problems, budget, depth, attachments)
            continue
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment" or part.get_content_maintype() in (
                "image", "application", "audio", "video"):
            name = clean_header(filename or f"attachment.{part.get_content_subtype()}", MAX_NAME)
            attachments.append(Attachment(name, ctype, part.get_payload(decode=True) or b""))
    return text.strip(), forwarded, attachments


def _forwarded(part: EmailMessage, problems: list[str], budget: _Budget, depth: int,
               attachments: list[Attachment]) -> list[str]:
    inner = part.get_payload()[0] if isinstance(part.get_payload(), list) and part.get_payload() else None
    if inner is None:
        return []
    if depth >= MAX_DEPTH:
        problems.append(f"messages forwarded more than {MAX_DEPTH} levels deep were not read")
        return []
    inner_text, inner_forwarded, inner_files = _bodies(inner, problems, budget, depth + 1)
    attachments += inner_files
    heading = (f"---------- Forwarded message ----------\nFrom: {_header(inner, 'From', problems)}\n"
               f"Subject: {_header(inner, 'Subject', problems)}\n\n{inner_text}")
    return ["\n\n".join([heading, *inner_forwarded])]


def parse(raw: bytes) -> ParsedMail:
    problems: list[str] = []
    msg = message_from_bytes(raw, policy=policy.default)
    problems += [f"defect: {type(d).__name__}" for d in msg.defects][:5]
    sender_name, sender = _address(msg, "From", problems)
    _, reply_to = _address(msg, "Reply-To", problems)
    to = [a.lower() for _, a in getaddresses([_header(msg, "To", problems), _header(msg, "Cc", problems)]) if "@" in a]
    subject = _header(msg, "Subject", problems)[:MAX_SUBJECT]
    try:
        own, forwarded, attachments = _bodies(msg, problems)
    except Exception as exc:  # the structure is beyond repair: keep what the raw bytes say
        problems.append(f"body not parsed ({type(exc).__name__}: {exc})")
        own, forwarded, attachments = decode_bytes(raw.split(b"\n\n", 1)[-1], None), [], []
    # Quotes are stripped from the sender's own words only; a forwarded message is the point of forwarding.
    text = "\n\n".join(filter(None, [strip_quotes(own) if own else "", *forwarded]))
    full = "\n\n".join(filter(None, [own, *forwarded]))
    headers = {name.lower(): _header(msg, name, problems)
               for name in ("Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe", "X-Autoreply",
                            "X-Autorespond", "X-Auto-Response-Suppress", "Return-Path")}
    return ParsedMail(
        sender_name=sender_name, sender=sender, reply_to=reply_to, to=to, subject=subject,
        message_id=(MSGID.findall(_header(msg, "Message-ID", problems)) or [None])[0],
        in_reply_to=MSGID.findall(_header(msg, "In-Reply-To", problems)),
        references=MSGID.findall(_header(msg, "References", problems))[-20:],
        text=text, full_text=full, attachments=attachments,
        headers={k: v for k, v in headers.items() if v}, content_type=msg.get_content_type(), problems=problems)
