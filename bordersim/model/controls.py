"""What is in force at a plaza at a given time: booths open, closures, event factors.

The state is a pure function of time, computed from the staffing schedule and then every
control in force (events first, then the plan's actions, in the order of the file), so
overlapping items combine without order-dependent bookkeeping: closures add up,
staffing fractions multiply (a number sets the count), alert and outage factors
multiply; the plan's booths opened, reallocations and triage apply on top of the
disruption. What each type does is its own (``on_lane_group`` in its module under
``scenario/events`` or ``scenario/actions``); a phased reopening comes here already
compiled into staffing steps and closures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario import PlazaView, ScenarioView
from ..scenario.items import GroupControls

HOUR = 3600.0


@dataclass(frozen=True)
class GroupState:
    """One lane group's state: booths staffed, classes closed, factors by class index."""

    open: int
    closed: frozenset[int]  # classes it may not take now (closure, or not served now)
    service_factor: tuple[float, ...]
    referral_factor: tuple[float, ...]
    priority: bool = False  # triage: lowest tier first


class PlazaControls:
    """Staffing schedule and controls of one plaza."""

    def __init__(self, view: ScenarioView, plaza: PlazaView) -> None:
        self.horizon = view.horizon
        self.offset = view.hour_offset
        self.class_index = {c: i for i, c in enumerate(view.class_names)}
        self.groups = plaza.lane_groups
        self.schedules = [g.schedule() for _, g in self.groups]
        self.controls = plaza.controls
        # Classes each group serves by default, and may serve under a reallocation.
        self.serves = [frozenset(self.class_index[c] for c in g.serves) for _, g in self.groups]
        self.potential = plaza.may_serve

    def change_times(self) -> list[float]:
        """Every time at which the state may change, from 0, sorted."""
        times = {0.0}
        n_hours = math.ceil(self.horizon / HOUR)
        previous = self._scheduled(0)
        for h in range(1, n_hours):
            now = self._scheduled(h)
            if now != previous:
                times.add(h * HOUR)
            previous = now
        for c in self.controls:
            times.update(t for t in (c.start, c.end) if t < self.horizon)
        return sorted(times)

    def _scheduled(self, hour: int) -> list[int]:
        return [s[(self.offset + hour) % len(s)] for s in self.schedules]

    def state(self, t: float) -> list[GroupState]:
        scheduled = self._scheduled(int(t // HOUR))
        out = []
        for gi, (_, group) in enumerate(self.groups):
            st = GroupControls(group.booths, scheduled[gi], self.serves[gi], self.class_index)
            for c in self.controls:
                if c.groups[gi] and c.start <= t < c.end:
                    c.item.on_lane_group(st)
            closed = frozenset(st.closed | (self.potential[gi] - st.serves))
            out.append(
                GroupState(st.open, closed, tuple(st.service), tuple(st.referral), st.triage)
            )
        return out
