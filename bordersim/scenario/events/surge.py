"""A surge (or a drop) in demand."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..items import Event, traffic


class Surge(Event):
    """Demand multiplied by ``factor`` (below 1 for a drop in traffic)."""

    example: ClassVar[str] = "{type: surge, where: a.into_us, factor: 1.5, start: 2h, end: 4h}"

    type: Literal["surge"]
    """The type of this item: surge."""
    factor: Annotated[float, Field(gt=0, le=100)]
    """Arrivals are this many times the usual demand (e.g. 1.5)."""
    colour = "#8c6d46"  # brown: events are never a plan's colour (report.figures)

    def demand_multiplier(self, cls: str) -> float:
        return self.factor if self.classes is None or cls in self.classes else 1.0

    def describe(self, s) -> str:
        return f"demand x{self.factor:g} at {self.where} ({traffic(self.classes)})"
