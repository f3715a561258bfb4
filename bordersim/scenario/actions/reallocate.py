"""Reallocation: a lane group's booths serve other classes."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..items import GroupControls, TimedAction


class Reallocate(TimedAction):
    """A lane group's booths serve these classes instead (cars through the truck plaza)."""

    example: ClassVar[str] = (
        "{type: reallocate, where: a.into_us.trucks, serves: [car, truck], start: 2h, end: 5h}"
    )

    type: Literal["reallocate"]
    """The type of this item: reallocate."""
    serves: Annotated[list[str], Field(min_length=1)]
    """The classes the lane group's booths serve while it acts."""
    classes_field = "serves"
    depths = (3,)
    depth_message = "reallocate needs a lane group: crossing.direction.lane_group"

    def on_lane_group(self, state: GroupControls) -> None:
        state.serves = frozenset(state.classes(self.serves))

    def may_serve(self) -> list[str]:
        return list(self.serves)

    def describe(self, s) -> str:
        return f"{self.where} booths serve {', '.join(self.serves)}"
