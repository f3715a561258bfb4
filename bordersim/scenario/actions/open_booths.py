"""Surge staffing: more booths open at a lane group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from .. import places
from ..errors import Path_, Problem
from ..items import GroupControls, TimedAction


class OpenBooths(TimedAction):
    """Surge staffing: a lane group's booths open set to ``open`` or raised by ``add``."""

    example: ClassVar[str] = "{type: open_booths, where: a.into_us.cars, add: 1, start: 2h}"

    type: Literal["open_booths"]
    """The type of this item: open_booths."""
    open: Annotated[int, Field(ge=0)] | None = None
    """Booths open in the lane group while it acts."""
    add: Annotated[int, Field(ge=1)] | None = None
    """Booths opened on top of the schedule."""
    depths = (3,)
    depth_message = "open_booths needs a lane group: crossing.direction.lane_group"

    @model_validator(mode="after")
    def _one_of(self) -> OpenBooths:
        if (self.open is None) == (self.add is None):
            raise ValueError("open_booths sets exactly one of 'open' or 'add'")
        return self

    def on_lane_group(self, state: GroupControls) -> None:
        wanted = self.open if self.open is not None else state.open + (self.add or 0)
        state.open = min(wanted, state.booths)

    def check(self, s, path: Path_, classes) -> Iterator[Problem]:
        yield from super().check(s, path, classes)
        group = places.lane_group(s, self.where)
        if self.open is not None and group is not None and self.open > group.booths:
            yield (
                (*path, "open"),
                (
                    f"the lane group has only {group.booths} booth"
                    + ("s" if group.booths != 1 else "")
                ),
            )
        elif group is not None and min(group.schedule()) >= group.booths:
            field = "open" if self.open is not None else "add"
            if self.open is None or self.open >= group.booths:
                yield (
                    (*path, field),
                    f"all {group.booths} booths of {self.where} are open at every hour "
                    "already: this would change nothing (give the lane group an 'open' "
                    "schedule, or more booths)",
                )

    def describe(self, s) -> str:
        if self.open is not None:
            return f"{self.where}: {self.open} booths open"
        return f"{self.where}: {self.add} more booth{'s' if self.add != 1 else ''} open"
