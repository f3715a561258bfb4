"""A systems outage: slower primary inspection."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..items import Event, GroupControls


class Outage(Event):
    """Systems down: primary service times multiplied."""

    example: ClassVar[str] = (
        "{type: outage, where: a.into_us.cars, service_factor: 2, start: 2h, end: 4h}"
    )

    type: Literal["outage"]
    """The type of this item: outage."""
    service_factor: Annotated[float, Field(gt=0, le=100)]
    """Primary inspection takes this many times as long while systems are down (e.g. 3)."""
    colour = "#5f5f5f"

    def on_lane_group(self, state: GroupControls) -> None:
        for c in state.classes(self.classes):
            state.service[c] *= self.service_factor

    def describe(self, s) -> str:
        return f"systems outage at {self.where}: inspection x{self.service_factor:g}"
