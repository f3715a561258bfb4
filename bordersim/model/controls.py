"""What is in force at a plaza at a given time: booths open, closures, event factors.

The state is a pure function of time, computed from the staffing schedule and every
event active then, so overlapping events combine without order-dependent bookkeeping:
closures add up, staffing fractions multiply (a number sets the count), alert and
outage factors multiply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario import Alert, Closure, Outage, Plaza, Scenario, Staffing, covers
from .arrivals import HOUR, hour_offset

CONTROL_EVENTS = (Closure, Staffing, Alert, Outage)


@dataclass(frozen=True)
class GroupState:
    """One lane group's state: booths staffed, classes closed, factors by class index."""

    open: int
    closed: frozenset[int]
    service_factor: tuple[float, ...]
    referral_factor: tuple[float, ...]


class PlazaControls:
    """Staffing schedule and control events of one plaza."""

    def __init__(
        self,
        scenario: Scenario,
        crossing: str,
        direction: str,
        plaza: Plaza,
        class_names: list[str],
        apply_events: bool,
    ) -> None:
        self.horizon = scenario.horizon
        self.offset = hour_offset(scenario)
        self.class_index = {c: i for i, c in enumerate(class_names)}
        self.groups = list(plaza.lane_groups.items())
        self.schedules = [g.schedule() for _, g in self.groups]
        events = scenario.events if apply_events else []
        self.events = [
            e for e in events
            if isinstance(e, CONTROL_EVENTS) and covers(e.where, crossing, direction)
        ]  # fmt: skip
        self.covered = [
            [covers(e.where, crossing, direction, name) for name, _ in self.groups]
            for e in self.events
        ]

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
        for e in self.events:
            times.update(t for t in (e.start, e.end) if t < self.horizon)
        return sorted(times)

    def _scheduled(self, hour: int) -> list[int]:
        return [s[(self.offset + hour) % len(s)] for s in self.schedules]

    def state(self, t: float) -> list[GroupState]:
        scheduled = self._scheduled(int(t // HOUR))
        n = len(self.class_index)
        everyone = frozenset(range(n))
        out = []
        for gi, _ in enumerate(self.groups):
            booths_open = scheduled[gi]
            closed: set[int] = set()
            service = [1.0] * n
            referral = [1.0] * n
            for e, cov in zip(self.events, self.covered, strict=True):
                if not (cov[gi] and e.start <= t < e.end):
                    continue
                classes = (
                    everyone if e.classes is None
                    else {self.class_index[c] for c in e.classes}
                )  # fmt: skip
                if isinstance(e, Closure):
                    closed |= classes
                elif isinstance(e, Staffing):
                    if e.open is not None:
                        booths_open = e.open
                    else:
                        assert e.fraction is not None
                        booths_open = math.floor(booths_open * e.fraction + 0.5)
                else:  # Alert or Outage
                    for c in classes:
                        service[c] *= e.service_factor
                        if isinstance(e, Alert):
                            referral[c] *= e.referral_factor
            out.append(GroupState(booths_open, frozenset(closed), tuple(service), tuple(referral)))
        return out
