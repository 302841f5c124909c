"""The JSON bodies the HTTP routes accept, checked by pydantic (handlers/http.py `parse`), a module for each
area. They live apart from the routes so that starting the app does not import pydantic: a route imports its
area's module when it is first called, and each model builds its validator on its first use (`defer_build`).
Every string is bounded so that nothing a caller sends can outgrow a DynamoDB key or item later on."""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


def bounded(most: int, least: int = 0):
    return Annotated[StrictStr, StringConstraints(min_length=least, max_length=most)]


PropertyId = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Language = Literal["en", "es"]
