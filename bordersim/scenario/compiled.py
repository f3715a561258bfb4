"""The scenario as the model needs it: one run's view, everything resolved.

:func:`compile_scenario` takes a scenario, a plan (or none) and whether the disruption
applies (not in the baseline), and gives per plaza its lane groups, its demand, the
events and actions that touch it (ends resolved, phased reopenings expanded, lane
groups covered), its staging areas and drivers' patience; and for the region the
diversions and how often waits are posted. The model reads only this view, so it never
needs to know which type of event or action did what.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .fields import ServiceTime, VehicleClass
from .items import Item
from .schema import Demand, LaneGroup, Scenario
from .schema import Plaza as PlazaSpec


@dataclass(frozen=True)
class Control:
    """An event or action that changes a plaza's lane groups while in force."""

    item: Item  # its end resolved to the horizon when open-ended
    groups: tuple[bool, ...]  # the plaza's lane groups it covers

    @property
    def start(self) -> float:
        return getattr(self.item, "start", 0.0)

    @property
    def end(self) -> float:
        end = getattr(self.item, "end", None)
        return math.inf if end is None else end


@dataclass(frozen=True)
class StagingSpec:
    classes: tuple[int, ...]
    start: float
    end: float
    interval: float  # seconds between releases
    batch: int  # vehicles per release


@dataclass
class PlazaView:
    """One plaza of one run: what it is and everything that touches it."""

    crossing: str
    direction: str
    spec: PlazaSpec
    class_names: list[str]
    demand: Demand | None
    controls: list[Control] = field(default_factory=list)  # in the order they apply
    # Events that change demand here, and whether they apply in this run: the baseline
    # draws the same candidates (the same bound) but keeps the demand as it is.
    demand_changes: list[Item] = field(default_factory=list)
    demand_changes_apply: bool = True
    patience: dict[str, ServiceTime | None] = field(default_factory=dict)
    staging: list[StagingSpec] = field(default_factory=list)
    may_serve: list[set[int]] = field(default_factory=list)  # per lane group, class indices

    @property
    def key(self) -> str:
        return f"{self.crossing}.{self.direction}"

    @property
    def lane_groups(self) -> list[tuple[str, LaneGroup]]:
        return list(self.spec.lane_groups.items())

    # -- PlazaSetup (see items.py): what actions set up here
    def add_staging(
        self, classes: list[str], start: float, end: float, interval: float, batch: int
    ) -> None:
        index = tuple(self.class_names.index(c) for c in classes)
        self.staging.append(StagingSpec(index, start, end, interval, batch))

    def set_patience(self, classes: list[str], time: ServiceTime) -> None:
        for name in classes:
            self.patience[name] = time


@dataclass
class ScenarioView:
    """One run of a scenario: with a plan or none, with the disruption or without."""

    scenario: Scenario
    plan: str | None
    with_events: bool
    classes: dict[str, VehicleClass]
    plazas: list[PlazaView] = field(default_factory=list)
    diversions: list[Item] = field(default_factory=list)  # ends resolved
    update_every: float = 0.0  # seconds between posted waits

    @property
    def class_names(self) -> list[str]:
        return list(self.classes)

    @property
    def horizon(self) -> float:
        return self.scenario.horizon

    @property
    def hour_offset(self) -> int:
        """Hours from Monday 00:00 to the start (profiles and schedules start on a Monday)."""
        start = self.scenario.start_datetime
        return 0 if start is None else start.weekday() * 24 + start.hour

    def detour(self, a: str, b: str, cls: str) -> float | None:
        return self.scenario.network.detour(a, b, cls)

    # -- RegionSetup (see items.py)
    def add_diversion(self, divert: Item) -> None:
        self.diversions.append(divert)

    def post_waits_every(self, seconds: float) -> None:
        self.update_every = seconds


def compile_scenario(
    s: Scenario, plan: str | None = None, with_events: bool = True
) -> ScenarioView:
    """The view of one run; the baseline is ``with_events=False`` (no events, no plan)."""
    if plan is not None and plan not in s.plans:
        raise KeyError(f"no plan '{plan}' in scenario '{s.name}'")
    plan = plan if with_events else None
    classes = s.vehicle_classes()
    names = list(classes)
    view = ScenarioView(s, plan, with_events, classes, update_every=s.network.update_every)
    actions = [_resolved(a, s.horizon) for a in s.plans.get(plan, [])] if plan else []
    # A phased reopening and its like become the simpler items they stand for.
    flat: list[Item] = []
    for a in actions:
        flat.extend(a.expand(s) if a.has_effect("expand") else [a])
    events = list(s.events) if with_events else []
    controls = [e for e in events if e.has_effect("on_lane_group")]
    controls += [a for a in flat if a.has_effect("on_lane_group")]
    demand_events = [e for e in s.events if e.has_effect("demand_multiplier")]
    for crossing, direction, spec in s.plazas():
        p = PlazaView(crossing, direction, spec, names, s.demand.get(f"{crossing}.{direction}"))
        groups = list(spec.lane_groups)
        for item in controls:
            if item.covers(crossing, direction):
                cov = tuple(item.covers(crossing, direction, g) for g in groups)
                p.controls.append(Control(item, cov))
        p.demand_changes = [e for e in demand_events if e.covers(crossing, direction)]
        p.demand_changes_apply = with_events
        p.patience = {name: vc.patience for name, vc in classes.items()}
        for a in flat:
            if a.has_effect("at_plaza") and a.covers(crossing, direction):
                a.at_plaza(p)
        p.may_serve = [{names.index(c) for c in g.serves} for _, g in p.lane_groups]
        for control in p.controls:
            for gi, hit in enumerate(control.groups):
                if hit:
                    p.may_serve[gi] |= {names.index(c) for c in control.item.may_serve()}
        view.plazas.append(p)
    for a in flat:
        if a.has_effect("in_region"):
            a.in_region(view)
    return view


def _resolved(item: Item, horizon: float) -> Item:
    """The item with an open end set to the horizon."""
    if getattr(item, "end", 0.0) is None:
        return item.model_copy(update={"end": horizon})
    return item
