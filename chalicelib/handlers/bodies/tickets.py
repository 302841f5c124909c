"""What staff send about tickets, calls and residents' data, and the twin's local sign-in."""
from typing import Optional

from pydantic import ConfigDict, StrictInt, StrictStr

from chalicelib.handlers.bodies import Body, PropertyId, bounded


class ReplyIn(Body):
    body: bounded(20_000, 1)


class StatusIn(Body):
    status: StrictStr
    version: Optional[StrictInt] = None
    note: Optional[bounded(2000)] = None


class AssignIn(Body):
    assignee: Optional[bounded(100)]
    version: Optional[StrictInt] = None


class RoleIn(Body):
    role: StrictStr
    version: Optional[StrictInt] = None


class TicketTierIn(Body):
    tier: StrictInt
    version: Optional[StrictInt] = None


class ReviewIn(Body):
    note: Optional[bounded(2000)] = None


class IncidentUpdateIn(Body):
    body: bounded(20_000, 1)


class CallTicketIn(Body):
    property_id: PropertyId
    phone: Optional[bounded(32)] = None
    text: bounded(4096)


class PersonIn(Body):
    model_config = ConfigDict(extra="forbid")
    phone: Optional[StrictStr] = None
    email: Optional[StrictStr] = None


class LocalSignIn(Body):
    username: StrictStr
    role: StrictStr = "csr"
