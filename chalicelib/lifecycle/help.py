"""Publishing help articles now or at a time: a scheduled publishing is a timer (timer.asl.json) that
waits in Step Functions until then and runs the kb_publish Lambda, which publishes the article only if it
is still scheduled for that time (re-scheduling starts another timer; the old one finds nothing to do)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.lifecycle import timers
from chalicelib.models import HelpArticle
from chalicelib.tickets import help


def publish(article_id: str, who: str, now: datetime, at: datetime | None = None) -> HelpArticle:
    if at is None:
        return help.publish(article_id, who, now)
    article = help.schedule(article_id, at, who, now)
    timers.start(f"kb-publish-{article_id}-{int(at.timestamp())}", "kb_publish",
                 {"article_id": article_id, "by": who}, at, now)
    return article


def publish_due(article_id: str, who: str, due: str, now: datetime) -> dict:
    """What the timer runs: publishes unless the schedule changed meanwhile."""
    article = help.publish(article_id, who, now, due=due)
    return {"article_id": article_id, "published": article is not None}
