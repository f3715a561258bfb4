"""Checks that span fields: names that must exist, times in order, capacities.

The schema checks each value on its own; these check a scenario as a whole, after it
has been read. Each problem is a path into the file and a one-line message; the loader
reports the first by line. Each event and action type checks itself
(:meth:`bordersim.scenario.items.Item.check`).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import profiles
from .defaults import DEFAULT_CLASSES, REQUIRED_FOR_NEW
from .errors import Path_, Problem, suggest
from .exercise import check_exercise
from .places import unknown_class
from .schema import FIRST_START, LAST_YEAR, MAX_WEIGHT, Demand, Scenario


def check_references(s: Scenario) -> Iterator[Problem]:
    """Every problem of the scenario as a whole, in the order of the file's sections."""
    classes = s.vehicle_classes()
    yield from _check_classes(s)
    yield from _check_times(s)
    yield from _check_plazas(s, classes)
    yield from _check_demand(s, classes)
    for i, event in enumerate(s.events):
        yield from event.check(s, ("events", i), classes)
    yield from _check_network(s, classes)
    for plan, actions in s.plans.items():
        for i, action in enumerate(actions):
            yield from action.check(s, ("plans", plan, i), classes)
    if s.exercise is not None:
        yield from check_exercise(s, s.exercise, classes)


def _check_classes(s: Scenario) -> Iterator[Problem]:
    for name, spec in s.classes.items():
        if spec.value_of_time is not None and s.currency is None:
            yield (
                ("classes", name, "value_of_time"),
                "a value of time needs the scenario's currency: add e.g. 'currency: USD' "
                "(or CAD) at the top of the file",
            )
        if name not in DEFAULT_CLASSES:
            for req in REQUIRED_FOR_NEW:
                if getattr(spec, req) is None:
                    yield ("classes", name), f"new class '{name}' needs '{req}'"


def _check_times(s: Scenario) -> Iterator[Problem]:
    if s.warmup >= s.horizon:
        yield ("warmup",), "warm-up must be shorter than the horizon"
    start = s.start_datetime
    if start is not None and not (
        start >= FIRST_START and start.year + s.horizon / 86400 / 365 < LAST_YEAR
    ):
        yield (
            ("start",),
            (
                f"a start between {FIRST_START.year} and {LAST_YEAR}, horizon included; got "
                f"{start.date().isoformat()}"
            ),
        )


def _check_plazas(s: Scenario, classes) -> Iterator[Problem]:
    for cname, d, plaza in s.plazas():
        base: Path_ = ("crossings", cname, d)
        for gname, group in plaza.lane_groups.items():
            for i, cls in enumerate(group.serves):
                yield from unknown_class(cls, classes, (*base, "lane_groups", gname, "serves", i))
            if max(group.schedule()) > group.booths:
                yield (
                    (*base, "lane_groups", gname, "open"),
                    (f"opens {max(group.schedule())} booths but the lane group has {group.booths}"),
                )
        for cls in plaza.service:
            yield from unknown_class(cls, classes, (*base, "service", cls))
        if plaza.secondary:
            for cls in plaza.secondary.referral:
                yield from unknown_class(cls, classes, (*base, "secondary", "referral", cls))


def _check_demand(s: Scenario, classes) -> Iterator[Problem]:
    plaza_names = {f"{c}.{d}": p for c, d, p in s.plazas()}
    for key, demand in s.demand.items():
        path: Path_ = ("demand", key)
        if key not in plaza_names:
            yield (
                path,
                f"no plaza '{key}': demand keys are crossing.direction" + suggest(key, plaza_names),
            )
            continue
        served = {c for g in plaza_names[key].lane_groups.values() for c in g.serves}
        for cls, volume in demand.daily.items():
            if cls not in classes:
                yield from unknown_class(cls, classes, (*path, "daily", cls))
            elif volume > 0 and cls not in served:
                yield (
                    (*path, "daily", cls),
                    (f"class '{cls}' has demand but no lane group at {key} serves it"),
                )
        yield from _check_profiles(demand, path, classes)


def _check_profiles(demand: Demand, path: Path_, classes) -> Iterator[Problem]:
    profs = demand.profile if isinstance(demand.profile, dict) else {None: demand.profile}
    for cls, prof in profs.items():
        ppath = (*path, "profile") if cls is None else (*path, "profile", cls)
        if cls is not None and cls not in classes:
            yield from unknown_class(cls, classes, ppath)
        if isinstance(prof, str) and prof not in profiles.NAMES:
            yield ppath, f"unknown profile '{prof}'" + suggest(prof, profiles.NAMES)
        if isinstance(prof, list):
            if len(prof) not in (24, 168):
                yield ppath, f"a profile has 24 or 168 values, not {len(prof)}"
            elif max(prof) > MAX_WEIGHT:
                yield (
                    ppath,
                    (
                        f"profile weights are relative shares: keep them at most "
                        f"{MAX_WEIGHT:,.0f} (got {max(prof):g})"
                    ),
                )
            elif sum(prof) <= 0:
                yield ppath, "a profile needs at least one positive value"


def _check_network(s: Scenario, classes) -> Iterator[Problem]:
    seen: set[frozenset[str]] = set()
    for i, d in enumerate(s.network.detours):
        path: Path_ = ("network", "detours", i)
        for j, name in enumerate(d.between):
            if name not in s.crossings:
                yield (*path, "between", j), f"no crossing '{name}'" + suggest(name, s.crossings)
        pair = frozenset(d.between)
        if len(pair) < 2:
            yield (*path, "between"), "a detour links two different crossings"
        elif pair in seen:
            yield (*path, "between"), f"a second detour between {' and '.join(sorted(pair))}"
        seen.add(pair)
        if isinstance(d.time, dict):
            for cls in d.time:
                yield from unknown_class(cls, classes, (*path, "time", cls))
