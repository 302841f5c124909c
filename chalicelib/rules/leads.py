"""Where a lead came from, as the leasing report counts it. Pure.

A campaign the prospect came through (the page's `utm_campaign`, passed on by the widget or the booking page)
comes first; then the label the property gave the address they wrote to or the number they called or texted
(a listing site's own inbox alias, a tracking number on an ad); else the channel itself. "How did you hear
about us?" (`discovery`) is the prospect's own answer, kept beside it."""
from __future__ import annotations

import re

CHANNELS = {"chat": "website widget", "email": "email", "voice": "phone", "sms": "sms"}
MAX_LABEL = 60


def _clean(value: str | None) -> str | None:
    value = re.sub(r"\s+", " ", value or "").strip()[:MAX_LABEL]
    return value or None


def campaign(name: str | None) -> str | None:
    """A campaign as a source ("campaign: <name>"), or None when there is none."""
    cleaned = _clean(name)
    return f"campaign: {cleaned}" if cleaned else None


def source(channel: str, labels: dict | None = None, addresses=(), campaign_name: str | None = None) -> str:
    """The lead's source: "campaign: <name>", the property's label for an address or number it was sent to,
    or the channel's name."""
    named = campaign(campaign_name)
    if named:
        return named
    known = {k.strip().lower(): v for k, v in (labels or {}).items()}
    for address in addresses or ():
        label = known.get((address or "").strip().lower())
        if label:
            return label
    return CHANNELS.get(channel, channel)


def discovery(answer: str | None) -> str | None:
    """A "how did you hear about us?" answer as counted: trimmed, one line, lower case."""
    cleaned = _clean(answer)
    return cleaned.lower() if cleaned else None
