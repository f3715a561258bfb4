"""Patience: how long drivers wait before giving up, under a plan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ...units import format_duration
from .. import places
from ..errors import Path_, Problem
from ..fields import ServiceTime
from ..items import Action, PlazaSetup


class Patience(Action):
    """Drivers of ``classes`` give up after waiting a time drawn from ``time``."""

    example: ClassVar[str] = "{type: patience, classes: [car], time: {mean: 2h}}"

    type: Literal["patience"]
    """The type of this item: patience."""
    classes: Annotated[list[str], Field(min_length=1)]
    """The classes whose drivers it sets."""
    time: ServiceTime
    """How long they wait before giving up (a distribution)."""
    where: str | None = None
    """Where it holds (a crossing or crossing.direction); everywhere if unset."""
    note: str = ""
    """Words of yours shown with it in the report."""
    timed: ClassVar[bool] = False  # for the whole run

    def at_plaza(self, setup: PlazaSetup) -> None:
        setup.set_patience(self.classes, self.time)

    def check(self, s, path: Path_, classes) -> Iterator[Problem]:
        for j, cls in enumerate(self.classes):
            yield from places.unknown_class(cls, classes, (*path, "classes", j))
        if self.where is not None:
            yield from places.check_where(s, self.where, (*path, "where"))

    def describe(self, s) -> str:
        d = self.time
        about = format_duration(d.mean_seconds) + (f" (cv {d.cv:g})" if d.cv else "")
        return f"drivers of {', '.join(self.classes)} give up after about {about}"
