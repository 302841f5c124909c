"""Maintenance visits as staff schedule them, and their progress."""
from typing import Optional

from pydantic import AwareDatetime, StrictStr

from chalicelib.handlers.bodies import Body, bounded


class VisitIn(Body):
    start: AwareDatetime
    end: AwareDatetime
    technician: bounded(100, 1)
    note: Optional[bounded(1000)] = None


class VisitStatusIn(Body):
    status: StrictStr
    arrived_at: Optional[AwareDatetime] = None
