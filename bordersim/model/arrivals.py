"""Arrivals: a non-homogeneous Poisson process per class, drawn in numpy batches.

Demand is piecewise constant by clock hour (daily volume times the profile's share).
Surges are applied by thinning: candidates are drawn at the highest rate any surge can
reach (``bound``), and each is kept when its own uniform falls under the demand factor
at its time. The baseline uses the same bound and the same draws, so every baseline
vehicle is also in the disrupted run, with the same service draws: the difference
between the two is the disruption, not noise.

Each vehicle also carries uniforms for its primary service, its referral and its
secondary service, each from its own stream named by plaza, class and purpose, so adding
a class or a purpose never shifts another stream. Vehicles are made one simulated day at
a time so memory does not grow with the horizon.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .. import profiles
from ..scenario import Patience, Plaza, Scenario, ServiceTime, Surge, VehicleClass, covers
from .distributions import service_times

DAY = 86400.0
HOUR = 3600.0


@dataclass
class ArrivalChunk:
    """Vehicles arriving in one stretch of time, sorted by arrival time."""

    times: list[float]
    classes: list[int]
    service: list[float]  # primary service time before any event factor, seconds
    referral_u: list[float]  # referred when below the referral rate in force
    secondary: list[float]  # secondary service time, seconds
    patience: list[float]  # seconds a driver will wait before giving up (inf: for ever)
    u_service: list[float]  # the uniforms behind service and secondary, to redraw them
    u_secondary: list[float]  # at another plaza if the vehicle diverts
    u_divert: list[float]  # complies with a diversion when below the compliance share


def stream_seed(seed: int, replication: int, *names: str) -> np.random.SeedSequence:
    """A seed for one named stream of one replication, independent of any other."""
    key = (replication, *(zlib.crc32(n.encode()) for n in names))
    return np.random.SeedSequence(entropy=seed, spawn_key=key)


def hour_offset(scenario: Scenario) -> int:
    """Hours from Monday 00:00 to the scenario's start (profiles start on a Monday)."""
    start = scenario.start_datetime
    return 0 if start is None else start.weekday() * 24 + start.hour


class PlazaArrivals:
    """The arrivals at one plaza, all classes merged, a day at a time."""

    def __init__(
        self,
        scenario: Scenario,
        crossing: str,
        direction: str,
        plaza: Plaza,
        classes: dict[str, VehicleClass],
        replication: int,
        apply_events: bool,
        plan: str | None = None,
    ) -> None:
        self.horizon = scenario.horizon
        self.offset = hour_offset(scenario)
        self.class_index = {name: i for i, name in enumerate(classes)}
        demand = scenario.demand.get(f"{crossing}.{direction}")
        surges = [
            e for e in scenario.events
            if isinstance(e, Surge) and covers(e.where, crossing, direction)
        ]  # fmt: skip
        sec_dist = plaza.secondary.service if plaza.secondary else None
        patience = patience_by_class(scenario, crossing, direction, plan, classes)
        self.streams: list[_ClassStream] = []
        for name, vc in classes.items():
            daily = demand.daily.get(name, 0.0) if demand else 0.0
            if daily <= 0:
                continue
            assert demand is not None
            mine = [e for e in surges if e.classes is None or name in e.classes]
            weights = profiles.resolve(demand.profile_for(name), vc.mode)
            self.streams.append(
                _ClassStream(
                    index=self.class_index[name],
                    hourly=daily * (7.0 if len(weights) == 168 else 1.0) * weights,
                    surges=mine if apply_events else [],
                    bound=float(np.prod([max(1.0, e.factor) for e in mine])) if mine else 1.0,
                    service=plaza.service_for(name, vc),
                    secondary=sec_dist,
                    patience=patience[name],
                    seeds={
                        p: np.random.default_rng(
                            stream_seed(scenario.seed, replication, crossing, direction, name, p)
                        )
                        for p in (
                            "arrivals",
                            "service",
                            "referral",
                            "secondary",
                            "patience",
                            "divert",
                        )
                    },
                )
            )

    def chunks(self) -> Iterator[ArrivalChunk]:
        day = 0
        while day * DAY < self.horizon:
            t0, t1 = day * DAY, min((day + 1) * DAY, self.horizon)
            yield self._chunk(t0, t1)
            day += 1

    def _segments(self, s: _ClassStream, t0: float, t1: float):
        h0, h1 = int(t0 // HOUR), int(np.ceil(t1 / HOUR))
        hours = np.arange(h0, h1)
        starts = np.maximum(hours * HOUR, t0)
        lengths = np.minimum((hours + 1) * HOUR, t1) - starts
        rates = s.hourly[(self.offset + hours) % len(s.hourly)] / HOUR
        return starts, lengths, rates

    def _chunk(self, t0: float, t1: float) -> ArrivalChunk:
        parts = []
        for s in self.streams:
            starts, lengths, rates = self._segments(s, t0, t1)
            rng = s.seeds["arrivals"]
            counts = rng.poisson(rates * lengths * s.bound)
            n = int(counts.sum())
            times = np.sort(np.repeat(starts, counts) + rng.random(n) * np.repeat(lengths, counts))
            keep_u = rng.random(n)
            u_service = s.seeds["service"].random(n)
            u_referral = s.seeds["referral"].random(n)
            u_secondary = s.seeds["secondary"].random(n)
            u_patience = s.seeds["patience"].random(n)
            u_divert = s.seeds["divert"].random(n)
            factor = np.ones(n)
            for e in s.surges:
                factor[(times >= e.start) & (times < e.end)] *= e.factor
            keep = keep_u * s.bound < factor
            times = times[keep]
            sec = (
                service_times(s.secondary, u_secondary[keep])
                if s.secondary is not None
                else np.zeros(times.size)
            )
            wait = (
                service_times(s.patience, u_patience[keep])
                if s.patience is not None
                else np.full(times.size, np.inf)
            )
            parts.append(
                (
                    times,
                    np.full(times.size, s.index),
                    service_times(s.service, u_service[keep]),
                    u_referral[keep],
                    sec,
                    wait,
                    u_service[keep],
                    u_secondary[keep],
                    u_divert[keep],
                )
            )
        if not parts:
            return ArrivalChunk(*([] for _ in range(9)))
        cols = [np.concatenate(col) for col in zip(*parts, strict=True)]
        order = np.argsort(cols[0], kind="stable")
        return ArrivalChunk(*(c[order].tolist() for c in cols))


@dataclass
class _ClassStream:
    index: int
    hourly: np.ndarray  # vehicles per hour of profile (24 or 168 values)
    surges: list[Surge]
    bound: float
    service: ServiceTime
    secondary: ServiceTime | None
    patience: ServiceTime | None
    seeds: dict[str, np.random.Generator]


def patience_by_class(
    scenario: Scenario,
    crossing: str,
    direction: str,
    plan: str | None,
    classes: dict[str, VehicleClass],
) -> dict[str, ServiceTime | None]:
    """Each class's patience at a plaza: the class's own, unless the plan sets one."""
    out = {name: vc.patience for name, vc in classes.items()}
    for a in scenario.plans.get(plan, []) if plan else []:
        if isinstance(a, Patience) and (a.where is None or covers(a.where, crossing, direction)):
            for name in a.classes:
                out[name] = a.time
    return out
