"""What the twin shows in its terminal: every SMS and email that would reach a phone or an inbox."""
from __future__ import annotations

import functools
import logging
import sys
import threading
from datetime import datetime

from moto.ses.models import SESBackend
from moto.sns.models import SNSBackend

_one_line_at_a_time = threading.Lock()


def line(text: str) -> None:
    """One whole line on the twin's terminal. print() writes the text and its newline separately, so lines
    from concurrent threads (state machines, the stream poller) could run into each other and cut a link."""
    with _one_line_at_a_time:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def _say(kind: str, to: str, text: str, limit: int = 400) -> None:
    first = " ".join(text.split())[:limit]
    line(f"[twin {datetime.now():%H:%M:%S}] {kind} to {to}: {first}")


def install() -> None:
    """Echo outgoing SMS and email (moto keeps them silently) and quiet moto's Step Functions engine,
    which logs pages of internals for every execution that is stopped, as acknowledged ones are."""
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
    if getattr(SNSBackend.publish, "_twin", False):
        return
    publish, send_email, send_raw = SNSBackend.publish, SESBackend.send_email, SESBackend.send_raw_email

    @functools.wraps(publish)
    def sns_publish(self, message, arn=None, phone_number=None, *args, **kwargs):
        if phone_number:
            _say("SMS", phone_number, message)
        return publish(self, message, arn, phone_number, *args, **kwargs)

    @functools.wraps(send_email)
    def ses_send(self, source, subject, body, destinations):
        _say("email", ", ".join(sum(destinations.values(), [])), f"{subject} | {body}")
        return send_email(self, source, subject, body, destinations)

    @functools.wraps(send_raw)
    def ses_send_raw(self, source, destinations, raw_data, *args, **kwargs):
        subject = next((line[9:] for line in str(raw_data).splitlines() if line.startswith("Subject: ")), "")
        _say("email", ", ".join(destinations or []), subject)
        return send_raw(self, source, destinations, raw_data, *args, **kwargs)

    sns_publish._twin = True
    SNSBackend.publish, SESBackend.send_email, SESBackend.send_raw_email = sns_publish, ses_send, ses_send_raw
