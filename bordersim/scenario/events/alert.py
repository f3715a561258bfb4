"""A heightened alert: slower primary inspection and more referrals."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..items import Event, GroupControls, traffic


class Alert(Event):
    """Heightened alert: primary service times and referral rates multiplied."""

    example: ClassVar[str] = (
        "{type: alert, where: a, service_factor: 1.5, referral_factor: 2, start: 2h, end: 4h}"
    )

    type: Literal["alert"]
    """The type of this item: alert."""
    service_factor: Annotated[float, Field(gt=0, le=100)] = 1.0
    """Primary inspection takes this many times as long (e.g. 1.5)."""
    referral_factor: Annotated[float, Field(ge=0, le=100)] = 1.0
    """This many times as many vehicles are referred to secondary."""
    colour = "#b0a070"

    def on_lane_group(self, state: GroupControls) -> None:
        for c in state.classes(self.classes):
            state.service[c] *= self.service_factor
            state.referral[c] *= self.referral_factor

    def describe(self, s) -> str:
        return (
            f"heightened alert at {self.where}: inspection x{self.service_factor:g}, "
            f"referrals x{self.referral_factor:g} ({traffic(self.classes)})"
        )
