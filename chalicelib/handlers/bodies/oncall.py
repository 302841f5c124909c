"""The on-call admin's rotas and escalation policies: bounded so that one stays a small item and an
escalation's input far below Step Functions' 256 KB."""
from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from chalicelib.handlers.bodies import Body, bounded

Short = bounded(100)


class RotationIn(Body):
    model_config = ConfigDict(extra="forbid")
    name: Short
    members: Annotated[list[Short], Field(max_length=50)]
    every: Short = "weekly"
    handoff_at: Short = "08:00"
    anchor: Short
    overrides: Annotated[list[dict], Field(max_length=100)] = []


class PolicyTierIn(Body):
    model_config = ConfigDict(extra="forbid")
    name: Short
    targets: Annotated[list[dict], Field(max_length=20)]
    channels: Annotated[list[Short], Field(max_length=5)]
    window_minutes: StrictInt
    guaranteed: StrictBool = False


class PolicyIn(Body):
    model_config = ConfigDict(extra="forbid")
    tiers: Annotated[list[PolicyTierIn], Field(max_length=10)]
    repeat: StrictInt = 2
    managers: Annotated[list[Short], Field(max_length=20)] = []
