"""One run of a scenario: build the plazas, feed arrivals, apply controls, sample bins.

:func:`simulate` returns what happened (:class:`SimResult`): per plaza the counters,
streaming transit statistics and 5-minute series. Turning that into figures is the job
of :mod:`bordersim.metrics`.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import simpy

from ..scenario import Scenario, ScenarioView, compile_scenario
from ..stats import TransitStats
from .arrivals import ArrivalChunk, PlazaArrivals
from .clock import Clock
from .controls import PlazaControls
from .network import Router
from .plaza import Plaza, StagingArea, VehicleRecord
from .vehicle import Vehicle

BIN_SECONDS = 300.0  # 5-minute bins for every time series
# How far a job has got: (share done, 0 to 1; what it is doing, in words). The one
# shape of progress report, from a run up to a whole study.
Progress = Callable[[float, str], None]


class AccountingError(RuntimeError):
    """Vehicles were lost or made up: a bug in the model, never a user error."""


@dataclass
class PlazaResult:
    crossing: str
    direction: str
    class_names: list[str]
    storage_m: float | None
    accounting: dict[str, dict[str, int]]  # class -> arrived, released, queued, ...
    transit: list[TransitStats]  # by class, vehicles arriving after the warm-up
    vehicle_seconds: list[float]  # by class: time spent in the plaza by all vehicles
    series: dict[str, np.ndarray]  # 5-minute bins: queued, queue_km, in_system, ...
    arrivals: np.ndarray  # [class, bin]
    transit_sum: np.ndarray  # [class, arrival bin], seconds, released vehicles
    transit_n: np.ndarray  # [class, arrival bin]
    gave_up: np.ndarray  # [class, arrival bin]: drivers who left without crossing
    gave_up_seconds: list[float]  # by class: how long those drivers had waited, in all
    released: np.ndarray  # [bin]
    diverted: np.ndarray  # [bin]: vehicles that diverted away on arrival
    diverted_in: dict[str, int]  # by class: arrivals that diverted here (part of 'arrived')
    records: list[VehicleRecord] | None = None

    @property
    def key(self) -> str:
        return f"{self.crossing}.{self.direction}"


@dataclass
class SimResult:
    scenario: str
    seed: int
    replication: int
    with_events: bool
    plan: str | None
    horizon: float
    warmup: float
    bin_seconds: float
    plazas: list[PlazaResult] = field(default_factory=list)
    on_detour: dict[str, int] = field(default_factory=dict)  # diverted, not yet arrived

    @property
    def n_bins(self) -> int:
        return math.ceil(self.horizon / self.bin_seconds)


# vehicles.csv columns ("class" for the record's "cls", a Python keyword)
VEHICLE_COLUMNS = tuple("class" if f == "cls" else f for f in VehicleRecord._fields)


class _Feeder:
    """One plaza's arrivals as a feed of the clock (see :mod:`bordersim.model.clock`):
    a day of draws at a time, made into vehicles a slice at a time (a ``map`` over the
    columns makes them faster than one call per arrival would).

    The plaza counts the vehicles it was handed in batches, from the draws (arrivals by
    class and 5-minute bin): a slice once it is used up, and the part handed over so
    far whenever the plaza folds its counters (:meth:`count`, called by ``Plaza.fold``).
    """

    SLICE = 512  # vehicles made at once (see ArrivalChunk.columns)

    def __init__(self, clock: Clock, plaza: Plaza, chunks: Iterator[ArrivalChunk], first_id: int):
        self.chunks = chunks
        self.clock = clock
        self.plaza = plaza
        self.on_arrival = plaza.arrive  # bound once: called per vehicle
        self.next_id = first_id  # ids are unique in the region: vehicles may divert
        self.i = 0
        self.chunk: ArrivalChunk | None = None
        self.rows: list[Vehicle] = []
        self.start = self.stop = 0  # where in the chunk the rows begin and end
        self.counted = 0  # the chunk's vehicles before this one are counted at the plaza
        plaza.count_fed = self.count
        clock.add_feed(self.rows[0].arrival if self._load() else None, self)

    def count(self) -> None:
        """Count the vehicles handed over and not yet counted at the plaza."""
        self._count_to(self.start + self.i)

    def _count_to(self, stop: int) -> None:
        if self.chunk is not None and stop > self.counted:
            chunk, start = self.chunk, self.counted
            self.plaza.count_arrivals(chunk.classes[start:stop], chunk.times[start:stop])
            self.counted = stop

    def branch(self, chunks: Iterator[ArrivalChunk]) -> None:
        """Arrivals from now on come from ``chunks`` instead (see PlazaArrivals.branch)."""
        self.count()
        self.chunks = chunks
        self.clock.reset_feed(self, self.rows[0].arrival if self._load() else None)

    def _load(self) -> bool:
        self.chunk, self.rows = None, []  # let the spent day go before drawing the next
        for chunk in self.chunks:
            if chunk.size:
                self.chunk, self.stop, self.counted = chunk, 0, 0
                self._slice()
                return True
        return False

    def _slice(self) -> None:
        chunk = self.chunk
        assert chunk is not None
        start = self.start = self.stop
        self.stop = min(start + self.SLICE, chunk.size)
        first = self.next_id
        self.next_id += self.stop - start
        ids = range(first, self.next_id)
        self.rows, self.i = list(map(Vehicle, ids, *chunk.columns(start, self.stop))), 0

    def refill(self) -> bool:
        """The next slice of vehicles in ``rows``, from ``i`` = 0 (False: none left)."""
        self._count_to(self.stop)  # this slice is used up
        if self.stop < self.chunk.size:  # type: ignore[union-attr]
            self._slice()
            return True
        return self._load()

    def arrive(self) -> float | None:
        """The next vehicle arrives (the clock reads its time); when the one after is."""
        i = self.i
        self.on_arrival(self.rows[i])
        now = self.clock._now
        self.i = i + 1
        if self.i == len(self.rows) and not self.refill():
            return None
        # The next arrival's time on the clock, as a SimPy timeout set now for it would
        # read (now + (t - now), which may differ from t in its last bit): the figures
        # stay those of an event per arrival, to the last bit.
        return now + (self.rows[self.i].arrival - now)


class RegionModel:
    """The model of one run, built from its compiled view; :meth:`run` runs it once.

    Building wires, per plaza, its controls, staging areas and arrivals (in that order,
    which fixes the order of simultaneous events), then the diversions of the region.
    ``post_waits`` posts waits even where no plan diverts anyone (for an exercise's page).
    ``numbers``: the plazas' places in the whole region, when the view holds some of
    them (see :func:`sections`): vehicle numbers are the same as in the whole run.
    """

    def __init__(
        self,
        view: ScenarioView,
        replication: int = 0,
        record_vehicles: bool = False,
        post_waits: bool = False,
        numbers: Sequence[int] | None = None,
    ) -> None:
        self.view = view
        self.replication = replication
        self.env = env = Clock()
        self.n_bins = math.ceil(view.horizon / BIN_SECONDS)
        self.plazas: list[Plaza] = []
        self.feeds: list[tuple[PlazaArrivals, _Feeder]] = []  # each plaza's arrivals
        numbers = range(len(view.plazas)) if numbers is None else numbers
        for number, pv in zip(numbers, view.plazas, strict=True):
            controls = PlazaControls(view, pv)
            plaza = Plaza(
                env,
                pv,
                view.classes,
                bin_width=BIN_SECONDS,
                n_bins=self.n_bins,
                warmup=view.scenario.warmup,
                potential=controls.potential,
                record_vehicles=record_vehicles,
            )
            env.process(_control(env, plaza, controls))
            for st in pv.staging:
                area = StagingArea(plaza, st.start, st.end, st.interval, st.batch)
                plaza.add_staging(area, list(st.classes))
            arrivals = PlazaArrivals(view, pv, replication)
            feeder = _Feeder(env, plaza, arrivals.chunks(), first_id=number << 32)
            self.feeds.append((arrivals, feeder))
            self.plazas.append(plaza)
        # Waits are posted where drivers may act on them; an exercise shows them always
        # (posting only computes them: without a diversion, no driver reads them).
        self.router = Router(env, view, self.plazas) if view.diversions or post_waits else None
        self.started = False

    def run(self, progress: Progress | None = None) -> SimResult:
        """Simulate to the horizon; what happened, every vehicle accounted for."""
        self.advance(self.view.horizon, progress)
        return self.finish(progress)

    def advance(
        self, until: float, progress: Progress | None = None, inclusive: bool = False
    ) -> None:
        """Simulate up to ``until`` (at most the horizon); the model can be read there
        (:mod:`bordersim.model.situation`) and advanced again. ``inclusive``: what happens
        at that very instant (a control change) has happened too."""
        env = self.env
        if not self.started:
            env.process(_sampler(env, self.plazas, self.n_bins, progress))
            self.started = True
        horizon = self.view.horizon
        until = min(until, horizon)
        inclusive = inclusive and until < horizon
        if until < env.now or (until == env.now and not inclusive):
            return
        # Vehicles come and go by the hundred thousand and make no reference cycles (the
        # model's cycles are a few thousand SimPy objects): the cyclic collector would
        # only rescan live objects, 6-15% of the run. Reference counting frees vehicles.
        collecting = gc.isenabled()
        gc.disable()
        try:
            env.run_until(until, inclusive)
        finally:
            if collecting:
                gc.enable()

    def branch(self, future: int) -> None:
        """From now on, arrivals (and their draws) come from streams named by ``future``:
        a forecast replication that shares everything up to now and nothing after."""
        now = self.env.now
        for arrivals, feeder in self.feeds:
            feeder.branch(arrivals.branch(now, future))

    def finish(self, progress: Progress | None = None) -> SimResult:
        """What happened, every vehicle accounted for, once at the horizon."""
        env, plazas, view = self.env, self.plazas, self.view
        horizon = view.horizon
        assert env.now == horizon, "finish() comes after advance(horizon)"
        last_width = horizon - (self.n_bins - 1) * BIN_SECONDS
        s = view.scenario
        result = SimResult(
            s.name,
            s.seed,
            self.replication,
            view.with_events,
            view.plan,
            horizon,
            s.warmup,
            BIN_SECONDS,
        )
        on_road = self.router.finish(horizon) if self.router else [0] * len(view.classes)
        for p in plazas:
            p.flush(horizon, last_width)
            p.finish(horizon)
            result.plazas.append(_collect(p, self.n_bins))
        result.on_detour = dict(zip(view.class_names, on_road, strict=True))
        left = sum(sum(p.diverted) for p in plazas)
        reached = sum(sum(p.diverted_in) for p in plazas)
        if left != reached + sum(on_road):
            raise AccountingError(
                f"{left} vehicles diverted but {reached} arrived elsewhere and {sum(on_road)} "
                "are on the road"
            )
        if progress:
            progress(1.0, "simulated")
        return result


def simulate(
    scenario: Scenario,
    replication: int = 0,
    apply_events: bool = True,
    record_vehicles: bool = False,
    progress: Progress | None = None,
    plan: str | None = None,
    plazas: Sequence[int] | None = None,
    baseline: SimResult | None = None,
) -> SimResult:
    """Run the scenario once, with a response plan if named.

    ``apply_events=False`` gives the baseline: no events and no plan. ``plazas``: only
    these plazas (by their place in the scenario), in a run where no plaza touches
    another (see :func:`sections`); :func:`joined` puts the sections back together.

    Such a run (no diversion) is simulated a plaza at a time: each gives what it gives in
    the whole region to the last bit, and alone its event queues are short (a week of the
    whole border: a third less time). Given the ``baseline`` of the same replication, a
    plaza that no event or action touches (:func:`changed`) is not simulated again: its
    results are the baseline's, which it would give to the last bit.
    """
    view = compile_scenario(scenario, plan, apply_events)
    every = list(range(len(view.plazas)))
    numbers = every if plazas is None else list(plazas)
    if view.diversions:
        if numbers != every:
            raise ValueError("a run that diverts traffic cannot be cut into sections")
        return RegionModel(view, replication, record_vehicles).run(progress)
    if baseline is not None:
        assert not record_vehicles and len(baseline.plazas) == len(every)
        todo = set(_differ(view, compile_scenario(scenario, None, False)))
    else:
        todo = set(numbers)
    results: list[PlazaResult] = []
    for k, i in enumerate(numbers):
        if i not in todo:
            assert baseline is not None
            results.append(baseline.plazas[i])
            continue
        one = replace(view, plazas=[view.plazas[i]])
        model = RegionModel(one, replication, record_vehicles, numbers=[i])
        results.extend(model.run(_part_of(progress, k, len(numbers))).plazas)
    return _result(view, replication, results)


def changed(scenario: Scenario, plan: str | None, apply_events: bool = True) -> list[int]:
    """The plazas whose run differs from the baseline's: every plaza if a plan diverts
    traffic; else those an event or the plan's actions touch (controls, demand, patience,
    staging). The others are simulated exactly as in the baseline."""
    return _differ(
        compile_scenario(scenario, plan, apply_events), compile_scenario(scenario, None, False)
    )


def _differ(run: ScenarioView, base: ScenarioView) -> list[int]:
    """The plazas of ``run`` that the baseline's view ``base`` does not simulate alike."""
    if run.diversions:
        return list(range(len(run.plazas)))
    return [
        i
        for i, (p, b) in enumerate(zip(run.plazas, base.plazas, strict=True))
        if p.demand_changes  # (the baseline keeps the demand as it is)
        or replace(p, demand_changes_apply=b.demand_changes_apply) != b
    ]


def _result(view: ScenarioView, replication: int, plazas: list[PlazaResult]) -> SimResult:
    """A run's result from its plazas' (a run without diversions: none on a detour)."""
    s = view.scenario
    result = SimResult(
        s.name,
        s.seed,
        replication,
        view.with_events,
        view.plan,
        view.horizon,
        s.warmup,
        BIN_SECONDS,
        plazas,
    )
    result.on_detour = dict.fromkeys(view.class_names, 0)
    return result


def daily_traffic(view: ScenarioView) -> list[float]:
    """Each plaza's vehicles on an average day (its demand, all classes)."""
    return [sum(p.demand.daily.values()) if p.demand else 0.0 for p in view.plazas]


def _part_of(progress: Progress | None, k: int, n: int) -> Progress | None:
    """Progress of the k-th of n equal parts, told as progress of the whole."""
    if progress is None or n == 1:
        return progress
    return lambda share, what: progress((k + share) / n, what)


def sections(
    scenario: Scenario,
    plan: str | None,
    apply_events: bool,
    most: int,
    among: Sequence[int] | None = None,
) -> list[list[int]]:
    """The run's plazas (or those ``among``) in at most ``most`` sections of about equal
    traffic, to be simulated apart and put back together with :func:`joined`; one
    section (all of them) when a plan diverts traffic.

    Without diversions the plazas of a region never touch each other: each one's
    arrivals, random numbers, controls and 5-minute bins are its own, and its events keep
    their order among themselves, so a plaza simulated in a section gives, to the last
    bit, what it gives in the whole run (tested).
    """
    view = compile_scenario(scenario, plan, apply_events)
    if view.diversions:
        return [list(range(len(view.plazas)))]
    these = list(range(len(view.plazas))) if among is None else list(among)
    if most <= 1 or len(these) <= 1:
        return [these]
    traffic = daily_traffic(view)
    parts: list[list[int]] = [[] for _ in range(min(most, len(these)))]
    load = [0.0] * len(parts)
    for i in sorted(these, key=lambda i: -traffic[i]):  # the busiest first
        k = load.index(min(load))
        parts[k].append(i)
        load[k] += traffic[i]
    return [sorted(p) for p in parts if p]


def joined(
    parts: list[SimResult], sections: list[list[int]], baseline: SimResult | None = None
) -> SimResult:
    """The run whose sections these are (see :func:`sections`), plazas in their order;
    those in no section are the ``baseline``'s (untouched plazas: see :func:`changed`)."""
    place = {i: (k, j) for k, sec in enumerate(sections) for j, i in enumerate(sec)}
    whole = replace(parts[0], plazas=[])
    for i in range(len(baseline.plazas)) if baseline is not None else sorted(place):
        if i in place:
            k, j = place[i]
            whole.plazas.append(parts[k].plazas[j])
        else:
            assert baseline is not None
            whole.plazas.append(baseline.plazas[i])
    return whole


def _control(env: simpy.Environment, plaza: Plaza, controls: PlazaControls):
    for t in controls.change_times():
        if t > env.now:
            yield env.timeout(t - env.now)
        plaza.apply(controls.state(t), t)


def _sampler(env: simpy.Environment, plazas: list[Plaza], n_bins: int, progress):
    for k in range(1, n_bins):
        yield env.timeout(k * BIN_SECONDS - env.now)
        for p in plazas:
            p.flush(env.now, BIN_SECONDS)
        if progress and k % 12 == 0:
            progress(env.now / (n_bins * BIN_SECONDS), "simulating")


def _collect(p: Plaza, n_bins: int) -> PlazaResult:
    where = p.where_are_they()
    accounting: dict[str, dict[str, int]] = {}
    for c, name in enumerate(p.class_names):
        row = {
            "arrived": p.arrived[c],
            "released": p.released[c],
            "queued": where["queued"][c],
            "staged": where["staged"][c],
            "at_primary": where["at_primary"][c],
            "at_secondary": where["at_secondary"][c],
            "diverted": p.diverted[c],
            "gave_up": p.gave_up[c],
        }
        accounted = sum(v for k, v in row.items() if k != "arrived")
        if accounted != row["arrived"]:
            raise AccountingError(
                f"{p.crossing}.{p.direction} {name}: {row['arrived']} arrived but "
                f"{accounted} accounted for ({row})"
            )
        accounting[name] = row
    diverted_in = {name: p.diverted_in[c] for c, name in enumerate(p.class_names)}
    return PlazaResult(
        crossing=p.crossing,
        direction=p.direction,
        class_names=p.class_names,
        storage_m=p.storage,
        accounting=accounting,
        transit=p.transit,
        vehicle_seconds=p.vehicle_seconds,
        series={k: np.asarray(v) for k, v in p.series.items()},
        arrivals=np.asarray(p.bin_arrivals)[:, :n_bins],
        transit_sum=np.asarray(p.bin_transit_sum)[:, :n_bins],
        transit_n=np.asarray(p.bin_transit_n)[:, :n_bins],
        gave_up=np.asarray(p.bin_gave_up)[:, :n_bins],
        gave_up_seconds=p.gave_up_seconds,
        released=np.asarray(p.bin_released)[:n_bins],
        diverted=np.asarray(p.bin_diverted)[:n_bins],
        diverted_in=diverted_in,
        records=p.records,
    )
