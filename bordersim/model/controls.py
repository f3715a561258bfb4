"""What is in force at a plaza at a given time: booths open, closures, event factors.

The state is a pure function of time, computed from the staffing schedule, every event
active then and then every action of the response plan, so overlapping items combine
without order-dependent bookkeeping: closures add up, staffing fractions multiply (a
number sets the count), alert and outage factors multiply; then the plan's booths
opened, reallocations and triage are applied on top of the disruption.

A phased reopening is compiled into the same staffing fractions and closures (of the
tiers not yet admitted) as the events, one per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario import (
    Alert,
    Closure,
    OpenBooths,
    Outage,
    PhasedReopening,
    Plaza,
    Priority,
    Reallocate,
    Scenario,
    Staffing,
    covers,
)
from .arrivals import HOUR, hour_offset

CONTROL_EVENTS = (Closure, Staffing, Alert, Outage)
PLAN_CONTROLS = (OpenBooths, Reallocate, Priority, PhasedReopening)


def plan_controls(scenario: Scenario, plan: str | None) -> list:
    """The plan's time-based actions as control items, phased reopenings compiled."""
    out: list = []
    for a in scenario.plans.get(plan, []) if plan else []:
        if not isinstance(a, PLAN_CONTROLS):
            continue
        end = scenario.horizon if a.end is None else a.end
        if not isinstance(a, PhasedReopening):
            out.append(a.model_copy(update={"end": end}))
            continue
        classes = scenario.vehicle_classes()
        bounds = [a.start + st.after for st in a.steps] + [end]
        for st, t0, t1 in zip(a.steps, bounds, bounds[1:], strict=False):
            if t1 <= t0:
                continue
            if st.fraction < 1:
                out.append(Staffing.model_construct(type="staffing", where=a.where, start=t0,
                                                    end=t1, fraction=st.fraction, open=None,
                                                    classes=None, note=""))  # fmt: skip
            waiting = [c for c, vc in classes.items() if vc.tier > st.tiers]
            if waiting:
                out.append(Closure.model_construct(type="closure", where=a.where, start=t0,
                                                   end=t1, classes=waiting, note=""))  # fmt: skip
        if a.start > 0 and a.steps[0].after > 0:  # closed until the first step
            out.append(Closure.model_construct(type="closure", where=a.where, start=a.start,
                                               end=a.start + a.steps[0].after, classes=None,
                                               note=""))  # fmt: skip
    return out


@dataclass(frozen=True)
class GroupState:
    """One lane group's state: booths staffed, classes closed, factors by class index."""

    open: int
    closed: frozenset[int]  # classes it may not take now (closure, or not served now)
    service_factor: tuple[float, ...]
    referral_factor: tuple[float, ...]
    priority: bool = False  # triage: lowest tier first


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
        plan: str | None = None,
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
        self.events += [
            a for a in plan_controls(scenario, plan) if covers(a.where, crossing, direction)
        ]
        self.covered = [
            [covers(e.where, crossing, direction, name) for name, _ in self.groups]
            for e in self.events
        ]
        self.tiers = [vc.tier for vc in scenario.vehicle_classes().values()]
        # Classes each group serves by default, and may serve under a reallocation.
        self.serves = [frozenset(self.class_index[c] for c in g.serves) for _, g in self.groups]
        self.potential = [set(s) for s in self.serves]
        for e, cov in zip(self.events, self.covered, strict=True):
            if isinstance(e, Reallocate):
                for gi, hit in enumerate(cov):
                    if hit:
                        self.potential[gi] |= {self.class_index[c] for c in e.serves}

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
        for gi, (_, group) in enumerate(self.groups):
            booths_open = scheduled[gi]
            closed: set[int] = set()
            serves = self.serves[gi]
            service = [1.0] * n
            referral = [1.0] * n
            triage = False
            for e, cov in zip(self.events, self.covered, strict=True):
                if not (cov[gi] and e.start <= t < e.end):
                    continue
                if isinstance(e, OpenBooths):
                    booths_open = e.open if e.open is not None else booths_open + (e.add or 0)
                    booths_open = min(booths_open, group.booths)
                    continue
                if isinstance(e, Reallocate):
                    serves = frozenset(self.class_index[c] for c in e.serves)
                    continue
                if isinstance(e, Priority):
                    triage = True
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
            closed |= self.potential[gi] - serves
            out.append(GroupState(booths_open, frozenset(closed), tuple(service), tuple(referral),
                                  triage))  # fmt: skip
        return out
