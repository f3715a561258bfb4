"""Reduced (or changed) staffing: booths open set to a number or a fraction."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from .. import places
from ..errors import Path_, Problem
from ..fields import Share
from ..items import Event, GroupControls


class Staffing(Event):
    """Booths open set to a number (``open``, a lane group only) or a ``fraction``."""

    example: ClassVar[str] = "{type: staffing, where: a.into_us, fraction: 0.5, start: 2h, end: 4h}"

    type: Literal["staffing"]
    """The type of this item: staffing."""
    open: Annotated[int, Field(ge=0)] | None = None
    """Booths open at most, in each lane group it covers."""
    fraction: Share | None = None
    """Share of the scheduled booths that stay open (e.g. 0.5)."""
    colour = "#8a8a8a"

    @model_validator(mode="after")
    def _one_of(self) -> Staffing:
        if (self.open is None) == (self.fraction is None):
            raise ValueError("a staffing event sets exactly one of 'open' or 'fraction'")
        if self.classes is not None:
            raise ValueError("a staffing event applies to booths, not to 'classes'")
        return self

    def on_lane_group(self, state: GroupControls) -> None:
        if self.open is not None:
            state.open = self.open
        else:
            assert self.fraction is not None
            state.open = math.floor(state.open * self.fraction + 0.5)

    def check(self, s, path: Path_, classes) -> Iterator[Problem]:
        yield from super().check(s, path, classes)
        if self.open is not None:
            group = places.lane_group(s, self.where)
            if group is None:
                yield (
                    (*path, "open"),
                    ("'open' needs a lane group in 'where' (use 'fraction' for a plaza)"),
                )
            elif self.open > group.booths:
                yield (
                    (*path, "open"),
                    (
                        f"the lane group has only {group.booths} booth"
                        + ("s" if group.booths != 1 else "")
                    ),
                )

    def describe(self, s) -> str:
        if self.open is not None:
            return f"{self.where}: {self.open} booths open"
        return f"{self.where}: {self.fraction:.0%} of scheduled booths open"
