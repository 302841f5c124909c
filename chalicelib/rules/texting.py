"""Text messages to and from residents: segment counting, the consent keywords, and texting hours. Pure.

A text is billed and delivered in segments: 160 characters of the GSM-7 alphabet (a concatenated part
carries 153), or 70 when one character outside it forces UCS-2 (67 per part). Spanish accents such as
á, í, ó, ú are not in GSM-7, so a Spanish text is UCS-2 as soon as it has one."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from chalicelib.rules.surveys import text_at
from chalicelib.rules.wording import fold

# The GSM 03.38 basic set; the extension characters count twice (an escape, then the character).
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")
AUTOMATIC_MAX_SEGMENTS = 2

# Opting out, back in, and asking for help. End User Messaging handles the English ones on the number
# itself; the Spanish ones (and any wording of "stop", which US rules treat as revoking consent) are ours.
STOP = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "opt-out", "opt out", "remove",
        "revoke", "alto", "parar", "para", "baja", "detener", "cancelar", "no mas", "no mas mensajes"}
START = {"start", "unstop", "subscribe", "yes start", "resume", "comenzar", "iniciar", "reanudar", "alta"}
HELP = {"help", "info", "ayuda"}


def is_gsm7(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def segments(text: str) -> tuple[str, int]:
    """(encoding, number of segments) the carrier bills for `text`."""
    if is_gsm7(text):
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        return "GSM-7", 1 if units <= 160 else -(-units // 153)
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)  # UCS-2/UTF-16 code units
    return "UCS-2", 1 if units <= 70 else -(-units // 67)


def gsm7(text: str) -> str:
    """`text` with the accented letters GSM-7 lacks (á, í, ó, ú, ...) written without their accent, so a text
    with names and Spanish words stays at 160 characters a segment; ñ, é, ü and ¿ are in the alphabet and stay."""
    def plain(c: str) -> str:
        if c in GSM_BASIC or c in GSM_EXTENDED:
            return c
        return "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
    return "".join(plain(c) for c in text)


def fit(text: str, max_segments: int = AUTOMATIC_MAX_SEGMENTS) -> str:
    """`text` cut at a word so it fits in `max_segments` (an automatic text says the essential first)."""
    text = " ".join(text.split())
    if segments(text)[1] <= max_segments:
        return text
    words = text.split(" ")
    while words and segments(" ".join(words) + "...")[1] > max_segments:
        words.pop()
    return " ".join(words) + "..."


def keyword(text: str) -> str | None:
    """"stop", "start" or "help" when the whole text is one of those words (any case, accents, punctuation)."""
    said = re.sub(r"[^a-z\- ]", "", fold(text or "")).strip()
    said = " ".join(said.split())
    for name, words in (("stop", STOP), ("start", START), ("help", HELP)):
        if said in words:
            return name
    return None


def send_at(now: datetime, zone: str, urgent: bool) -> datetime:
    """When a proactive text may go: at once if urgent, else inside texting hours (rules/surveys.text_at)."""
    return now if urgent else text_at(now, zone)
