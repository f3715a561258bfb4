"""Arrivals: a non-homogeneous Poisson process per class, drawn in numpy batches.

Demand is piecewise constant by clock hour (daily volume times the profile's share).
Surges (any event with a ``demand_multiplier``) are applied by thinning: candidates are drawn
at the highest rate the events can reach (``bound``), and each is kept when its own
uniform falls under the demand factor at its time. The baseline uses the same bound and
the same draws, so every baseline vehicle is also in the disrupted run, with the same
service draws: the difference between the two is the disruption, not noise.

Each vehicle also carries uniforms for its primary service, its referral and its
secondary service, each from its own stream named by plaza, class and purpose, so adding
a class or a purpose never shifts another stream. Vehicles are made one simulated day at
a time so memory does not grow with the horizon.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np

from .. import profiles
from ..scenario import PlazaView, ScenarioView, ServiceTime
from ..scenario.items import Item
from .distributions import service_times

STREAMS = ("arrivals", "service", "referral", "secondary", "patience", "divert")
DAY = 86400.0
HOUR = 3600.0


@dataclass
class ArrivalChunk:
    """Vehicles arriving in one stretch of time, sorted by arrival time: numpy columns,
    made into vehicles a slice at a time (:meth:`columns`), so that a region of thousands
    of plazas does not hold a day of every plaza's vehicles as Python objects."""

    times: np.ndarray
    classes: np.ndarray
    service: np.ndarray  # primary service time before any event factor, seconds
    referral_u: np.ndarray  # referred when below the referral rate in force
    secondary: np.ndarray  # secondary service time, seconds
    patience: np.ndarray  # seconds a driver will wait before giving up (inf: for ever)
    u_service: np.ndarray  # the uniforms behind service and secondary, to redraw them
    u_secondary: np.ndarray  # at another plaza if the vehicle diverts
    u_divert: np.ndarray  # complies with a diversion when below the compliance share

    @property
    def size(self) -> int:
        return len(self.times)

    def columns(self, start: int, stop: int) -> list[list]:
        """Vehicles start..stop-1 as lists of Python numbers, a list per field in the
        fields' order."""
        return [getattr(self, f.name)[start:stop].tolist() for f in fields(self)]

    def rows(self, start: int, stop: int) -> list[tuple]:
        """Vehicles start..stop-1, each a tuple of Python numbers in the fields' order."""
        return list(zip(*self.columns(start, stop), strict=True))


def stream_seed(seed: int, replication: int, *names: str) -> np.random.SeedSequence:
    """A seed for one named stream of one replication, independent of any other."""
    key = (replication, *(zlib.crc32(n.encode()) for n in names))
    return np.random.SeedSequence(entropy=seed, spawn_key=key)


class PlazaArrivals:
    """The arrivals at one plaza, all classes merged, a day at a time."""

    def __init__(self, view: ScenarioView, plaza: PlazaView, replication: int) -> None:
        self.horizon = view.horizon
        self.offset = view.hour_offset
        self.class_index = {name: i for i, name in enumerate(view.classes)}
        self._class_names = list(view.classes)
        demand = plaza.demand
        sec_dist = plaza.spec.secondary.service if plaza.spec.secondary else None
        seed = view.scenario.seed
        self.seed, self.replication = seed, replication
        self.where = (plaza.crossing, plaza.direction)
        self.streams: list[_ClassStream] = []
        for name, vc in view.classes.items():
            daily = demand.daily.get(name, 0.0) if demand else 0.0
            if daily <= 0:
                continue
            assert demand is not None
            mine = [(e, f) for e in plaza.demand_changes if (f := e.demand_multiplier(name)) != 1.0]
            weights = profiles.resolve(demand.profile_for(name), vc.mode)
            self.streams.append(
                _ClassStream(
                    index=self.class_index[name],
                    hourly=daily * (7.0 if len(weights) == 168 else 1.0) * weights,
                    changes=mine if plaza.demand_changes_apply else [],
                    bound=float(np.prod([max(1.0, f) for _, f in mine])) if mine else 1.0,
                    service=plaza.spec.service_for(name, vc),
                    secondary=sec_dist,
                    patience=plaza.patience[name],
                    seeds={
                        p: np.random.default_rng(
                            stream_seed(seed, replication, plaza.crossing, plaza.direction, name, p)
                        )
                        for p in STREAMS
                    },
                )
            )

    def chunks(self) -> Iterator[ArrivalChunk]:
        day = 0
        while day * DAY < self.horizon:
            t0, t1 = day * DAY, min((day + 1) * DAY, self.horizon)
            yield self._chunk(t0, t1)
            day += 1

    def branch(self, at: float, future: int) -> Iterator[ArrivalChunk]:
        """Other arrivals from ``at`` on: the same demand, drawn from streams of their
        own (``future`` names them), so that forecasts from one situation differ only
        after it. The vehicles already there keep their draws."""
        for s in self.streams:
            name = self._class_names[s.index]
            s.seeds = {
                p: np.random.default_rng(
                    stream_seed(
                        self.seed, self.replication, *self.where, name, p, f"future {future}"
                    )
                )
                for p in STREAMS
            }
        day = int(at // DAY)
        t0 = at
        while t0 < self.horizon:
            t1 = min((day + 1) * DAY, self.horizon)
            if t1 > t0:
                yield self._chunk(t0, t1)
            day += 1
            t0 = day * DAY

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
            for e, f in s.changes:
                factor[(times >= e.start) & (times < e.end)] *= f
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
            return ArrivalChunk(*(np.empty(0) for _ in range(9)))
        cols = [np.concatenate(col) for col in zip(*parts, strict=True)]
        order = np.argsort(cols[0], kind="stable")
        return ArrivalChunk(*(c[order] for c in cols))


@dataclass
class _ClassStream:
    index: int
    hourly: np.ndarray  # vehicles per hour of profile (24 or 168 values)
    changes: list[tuple[Item, float]]  # events changing demand, and their factor
    bound: float
    service: ServiceTime
    secondary: ServiceTime | None
    patience: ServiceTime | None
    seeds: dict[str, np.random.Generator]
