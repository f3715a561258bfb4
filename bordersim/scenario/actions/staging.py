"""Staging: vehicles held off the highway and let on to the plaza at a metered rate."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ...units import format_duration
from ..fields import PositiveDuration
from ..items import PlazaSetup, TimedAction


class Staging(TimedAction):
    """Vehicles of ``classes`` held off the highway and released at a metered rate
    (``per_hour``) or ``batch`` at a time ``every`` so often."""

    example: ClassVar[str] = (
        "{type: staging, where: a.into_us, classes: [truck], per_hour: 60, start: 2h, end: 5h}"
    )

    type: Literal["staging"]
    """The type of this item: staging."""
    classes: Annotated[list[str], Field(min_length=1)]
    """The classes held in the staging area (e.g. [truck])."""
    per_hour: Annotated[float, Field(gt=0, le=100_000)] | None = None
    """Vehicles released an hour (metered)."""
    batch: Annotated[int, Field(ge=1, le=100_000)] | None = None
    """Vehicles released at a time, every 'every'."""
    every: PositiveDuration | None = None
    """How often a batch is released."""
    classes_field = "classes"
    depths = (1, 2)
    depth_message = "staging holds traffic for a crossing or a direction"

    @model_validator(mode="after")
    def _metered(self) -> Staging:
        if self.per_hour is not None and (self.batch is not None or self.every is not None):
            raise ValueError("staging is metered by 'per_hour' or by 'batch' and 'every', not both")
        if self.per_hour is None and (self.batch is None or self.every is None):
            raise ValueError("staging needs 'per_hour', or 'batch' with 'every'")
        return self

    @property
    def interval(self) -> float:
        """Seconds between releases."""
        return 3600.0 / self.per_hour if self.per_hour else float(self.every or 0)

    @property
    def per_release(self) -> int:
        return 1 if self.per_hour else int(self.batch or 1)

    def at_plaza(self, setup: PlazaSetup) -> None:
        assert self.end is not None  # resolved to the horizon when compiled
        setup.add_staging(self.classes, self.start, self.end, self.interval, self.per_release)

    def describe(self, s) -> str:
        meter = (
            f"{self.per_hour:g} an hour"
            if self.per_hour
            else f"{self.batch} every {format_duration(self.interval)}"
        )
        return f"{', '.join(self.classes)} staged before {self.where}, let on {meter}"
