"""Posted wait times: how often they are updated."""

from __future__ import annotations

from typing import ClassVar, Literal

from ...units import format_duration
from ..fields import PositiveDuration
from ..items import Action, RegionSetup


class Information(Action):
    """Posted wait times, updated every ``update_every`` (drivers act on the last post)."""

    example: ClassVar[str] = "{type: information, update_every: 15min}"

    type: Literal["information"]
    """The type of this item: information."""
    update_every: PositiveDuration
    """How often posted wait times are updated (e.g. 15min)."""
    note: str = ""
    """Words of yours shown with it in the report."""
    timed: ClassVar[bool] = False  # for the whole run

    def in_region(self, region: RegionSetup) -> None:
        region.post_waits_every(self.update_every)

    def describe(self, s) -> str:
        return f"waits posted every {format_duration(self.update_every)}"
