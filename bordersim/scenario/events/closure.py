"""A closure: no vehicle starts inspection while it lasts."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..items import Event, GroupControls, traffic


class Closure(Event):
    """No vehicle starts inspection; arrivals queue. Vehicles in inspection finish."""

    example: ClassVar[str] = "{type: closure, where: a, start: 2h, end: 4h}"

    type: Literal["closure"]
    """The type of this item: closure."""
    colour = "#333333"

    def on_lane_group(self, state: GroupControls) -> None:
        state.closed |= state.classes(self.classes)

    def describe(self, s) -> str:
        return f"closure of {self.where} to {traffic(self.classes)}"
