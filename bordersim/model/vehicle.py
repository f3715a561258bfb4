"""A vehicle as the model sees it: made when it arrives, dropped when it is released.

Only the model knows this class; what leaves the model about a vehicle is a
:class:`~bordersim.model.plaza.VehicleRecord` row (with ``--vehicles``) or a counter.
``__slots__`` keeps each vehicle small and its fields quick to read, which matters:
the model touches a vehicle a dozen times on its way through a plaza.
"""

from __future__ import annotations

from typing import Any


class Vehicle:
    """One vehicle: its draws (made in numpy batches on arrival) and where it is now."""

    __slots__ = (
        "id",
        "arrival",
        "cls",
        "service",
        "referral_draw",
        "secondary",
        "patience",
        "service_draw",
        "secondary_draw",
        "divert_draw",
        "plaza_arrival",
        "joined",
        "lane_group",
        "primary_start",
        "referred",
        "waiting_in",
        "gave_up",
        "diverted_from",
    )

    def __init__(
        self,
        id: int,
        arrival: float,
        cls: int,
        service: float,
        referral_draw: float,
        secondary: float,
        patience: float,
        service_draw: float,
        secondary_draw: float,
        divert_draw: float,
    ) -> None:
        self.id = id  # unique in the region: a vehicle may divert to another plaza
        self.arrival = arrival  # first arrival, seconds; transit counts from here
        self.cls = cls  # vehicle class, as an index into the scenario's classes
        self.service = service  # primary inspection, seconds, before event factors
        self.referral_draw = referral_draw  # referred to secondary when below the rate
        self.secondary = secondary  # secondary inspection, seconds
        self.patience = patience  # seconds it will wait (inf: for ever; inf once timed)
        self.service_draw = service_draw  # the uniforms behind service and secondary,
        self.secondary_draw = secondary_draw  # to redraw them at another plaza
        self.divert_draw = divert_draw  # acts on a diversion when below the compliance
        self.plaza_arrival = arrival  # arrival at this plaza (later if it diverted here)
        self.joined: float | None = None  # reached the lane groups (later if staged)
        self.lane_group: Any = None  # the lane group that inspects it at primary
        self.primary_start = 0.0
        self.referred = False
        self.waiting_in: Any = None  # a lane group or a staging area; None otherwise
        self.gave_up = False
        self.diverted_from: str | None = None  # the plaza it left for this one
