"""Triage: booths take the lowest tier first."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..items import GroupControls, TimedAction


class Priority(TimedAction):
    """Triage: booths take the lowest tier waiting first (1 national priority, 2 trusted)."""

    example: ClassVar[str] = "{type: priority, where: a.into_us, start: 2h}"

    type: Literal["priority"]
    """The type of this item: priority."""

    def on_lane_group(self, state: GroupControls) -> None:
        state.triage = True

    def describe(self, s) -> str:
        return f"triage at {self.where}: tier 1 first, then tier 2, then the rest"
