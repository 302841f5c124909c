"""Help articles as staff write and publish them, and a reader's feedback."""
from typing import Optional

from pydantic import StrictBool, StrictInt, StrictStr

from chalicelib.handlers.bodies import Body, bounded
from chalicelib.rules import help_text


class ArticleIn(Body):
    title: Optional[bounded(help_text.MAX_TITLE)] = None
    body: Optional[bounded(help_text.MAX_BODY)] = None
    language: Optional[StrictStr] = None
    audience: Optional[StrictStr] = None
    category: Optional[bounded(help_text.MAX_TITLE)] = None
    property_id: Optional[bounded(help_text.MAX_TITLE)] = None
    keywords: Optional[list[bounded(80)]] = None
    translation_of: Optional[bounded(help_text.MAX_TITLE)] = None
    version: Optional[StrictInt] = None  # an edit: the version the editor started from


class PublishIn(Body):
    at: Optional[StrictStr] = None  # ISO 8601 with an offset: publish then (a timer), not now


class PreviewIn(Body):
    body: bounded(help_text.MAX_BODY)


class FeedbackIn(Body):
    helpful: StrictBool
