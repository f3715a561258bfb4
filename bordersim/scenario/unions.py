"""The unions of every event type and every action type, as fields of a file hold them
(built from the registry, once every type module is loaded)."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from . import actions as _actions  # noqa: F401 - registers every action type
from . import events as _events  # noqa: F401 - registers every event type
from .items import ACTIONS, EVENTS

Event = Annotated[Union[tuple(EVENTS.values())], Field(discriminator="type")]  # noqa: UP007
Action = Annotated[Union[tuple(ACTIONS.values())], Field(discriminator="type")]  # noqa: UP007
EVENT_TYPES = tuple(EVENTS)
ACTION_TYPES = tuple(ACTIONS)
