"""From what happened to the figures planners read (definitions in docs/figures.md).

* transit time per class: count, mean, p50, p90, p95, max (minutes), after the warm-up;
* 5-minute series: vehicles queued, queue km, booths open, released per hour, and the
  mean transit time of the vehicles that arrived in each bin;
* recovery, against the baseline run with the same random numbers: time to recover,
  backlog at the end of the disruption and time to clear it, excess delay;
* the accounting identity, already checked by the model, repeated here for the report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .model.simulation import PlazaResult, SimResult
from .results import (
    ARRIVED,
    BACKLOG,
    BEYOND_STORAGE,
    DELAY_COST,
    DIVERTED,
    DIVERTED_IN,
    EXCESS_DELAY,
    GAVE_UP_WAIT,
    MAX_QUEUE_KM,
    MAX_QUEUE_VEHICLES,
    ON_DETOUR,
    PEAK_QUEUE_AT,
    PLAZA_ACCOUNTING,
    RECOVERED,
    REGION,
    REGION_ACCOUNTING,
    RELEASED,
    TIME_TO_CLEAR,
    TIME_TO_RECOVER,
    TRANSIT,
    Context,
    FigureKey,
    Measure,
    Place,
    PlazaInfo,
    Sample,
)
from .scenario import Scenario
from .stats import TransitStats, band  # noqa: F401 - band: where it was

TOLERANCE_SHARE = 0.10  # within 10% of baseline...
TOLERANCE_FLOOR = 300.0  # ...or 5 minutes, whichever is larger
HOLD = 3600.0  # for 60 minutes straight
CLEAR_SHARE = 1.10  # a backlog is cleared when the queue is back within 10% of baseline


def disruption_window(
    scenario: Scenario, crossing: str, direction: str
) -> tuple[float, float] | None:
    """First start and last end (within the horizon) of the events touching a plaza."""
    mine = [e for e in scenario.events if e.covers(crossing, direction)]
    if not mine:
        return None
    return min(e.start for e in mine), min(max(e.end for e in mine), scenario.horizon)


def transit_by_arrival(
    p: PlazaResult, classes: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean transit (s) of vehicles by arrival bin, and whether a bin is censored.

    The mean is over the vehicles released. A bin is censored when some of its vehicles
    were still inside at the end of the run (not released, not gone): its mean would
    understate their transit, so it is not reported (NaN). Drivers who gave up are
    accounted for: they do not censor a bin.
    """
    rows = slice(None) if classes is None else classes
    total = p.transit_sum[rows].sum(axis=0)
    n = p.transit_n[rows].sum(axis=0)
    arrived = p.arrivals[rows].sum(axis=0)
    censored = n + p.gave_up[rows].sum(axis=0) < arrived
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where((n > 0) & ~censored, total / np.maximum(n, 1), np.nan)
    return mean, censored


def time_to_recover(
    x: np.ndarray, base: np.ndarray, censored: np.ndarray, end: float, bin_s: float
) -> float | None:
    """Seconds from ``end`` until ``x`` stays near ``base`` for an hour; None if never.

    Near means within max(10% of baseline, 5 minutes). A bin without vehicles in both
    runs counts as near; a censored bin never does.
    """
    hold = int(round(HOLD / bin_s))
    base0 = np.nan_to_num(base, nan=0.0)
    tol = np.maximum(TOLERANCE_SHARE * base0, TOLERANCE_FLOOR)
    near = np.where(np.isnan(x), ~censored, np.abs(np.nan_to_num(x) - base0) <= tol)
    first = int(end // bin_s)
    run = 0
    for k in range(first, len(near)):
        run = run + 1 if near[k] else 0
        if run == hold:
            start = k - hold + 1
            return max(0.0, start * bin_s - end)
    return None


def backlog(queued_at_end: np.ndarray, base_at_end: np.ndarray, end: float, bin_s: float):
    """Vehicles waiting when the disruption ends (and in the baseline), time to clear."""
    k = max(0, math.ceil(end / bin_s) - 1)  # sample taken at the first bin end >= end
    if k >= len(queued_at_end):
        return None, None, None
    cleared = np.nonzero(queued_at_end[k:] <= CLEAR_SHARE * base_at_end[k:])[0]
    clear = None if cleared.size == 0 else max(0.0, float((k + cleared[0] + 1) * bin_s - end))
    return float(queued_at_end[k]), float(base_at_end[k]), clear


def context(scenario: Scenario) -> Context:
    """What results are about: the scenario, its plazas and their disruption windows."""
    plazas = []
    for crossing, direction, spec in scenario.plazas():
        window = disruption_window(scenario, crossing, direction)
        storage = spec.approach.storage
        plazas.append(
            PlazaInfo(
                Place(crossing, direction),
                None if storage is None else storage / 1000.0,
                None if window is None else (window[0] / 3600.0, window[1] / 3600.0),
                _in_words([e.type for e in scenario.events if e.covers(crossing, direction)]),
            )
        )
    start = scenario.start_datetime
    return Context(
        scenario=scenario.name,
        description=scenario.description,
        seed=scenario.seed,
        horizon_h=scenario.horizon / 3600.0,
        warmup_h=scenario.warmup / 3600.0,
        start=None if start is None else start.isoformat(),
        events=[e.model_dump(mode="json", by_alias=True) for e in scenario.events],
        plazas=plazas,
        classes=list(scenario.vehicle_classes()),
        currency=scenario.currency,
        names={k: c.name for k, c in scenario.crossings.items() if c.name},
    )


def _in_words(types: list[str]) -> str:
    """``closure``, ``closure and surge``, ``closure, surge and outage``."""
    names = [t.replace("_", " ") for t in dict.fromkeys(types)]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _value(x: Any) -> float | None:
    """A figure's value: None for what could not be computed (NaN, infinite, missing)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def plaza_figures(
    scenario: Scenario, p: PlazaResult, b: PlazaResult, bin_s: float, out: Sample
) -> None:
    """One plaza's figures of one replication, added to ``out``."""
    place = Place(p.crossing, p.direction)
    classes = scenario.vehicle_classes()

    def put(measure: Measure, value: Any, cls: str | None = None, baseline: bool = False) -> None:
        out[FigureKey(measure, place, cls, baseline)] = _value(value)

    def transit(stats: TransitStats, cls: str | None, baseline: bool) -> None:
        for stat, value in stats.summary().items():
            put(TRANSIT[stat], value, cls, baseline)

    everything, base_all = TransitStats(), TransitStats()
    for t in p.transit:
        everything.merge(t)
    for t in b.transit:
        base_all.merge(t)
    transit(everything, None, False)
    transit(base_all, None, True)
    shown = []
    for c, name in enumerate(p.class_names):
        if p.accounting[name]["arrived"] == 0 and b.accounting[name]["arrived"] == 0:
            continue
        shown.append((c, name))
        transit(p.transit[c], name, False)
        transit(b.transit[c], name, True)

    q, bq = p.series["queue_km"], b.series["queue_km"]
    # The largest queue seen: on average over a bin or at a bin's end (the backlog is such a
    # sample, and a peak smaller than the backlog would read as a contradiction).
    put(
        MAX_QUEUE_VEHICLES,
        max(
            np.max(p.series["queued"], initial=0.0), np.max(p.series["queued_at_end"], initial=0.0)
        ),
    )
    put(MAX_QUEUE_KM, np.max(q, initial=0.0))
    if len(q) and np.max(q) > 0:  # the middle of the first bin at the peak, hours from the start
        put(PEAK_QUEUE_AT, (int(np.argmax(q)) + 0.5) * bin_s / 3600.0)
    put(MAX_QUEUE_KM, np.max(bq, initial=0.0), baseline=True)
    if p.storage_m is not None:
        put(BEYOND_STORAGE, np.sum(q > p.storage_m / 1000.0) * bin_s / 60.0)
    excess = {name: (p.vehicle_seconds[c] - b.vehicle_seconds[c]) / 3600.0 for c, name in shown}
    put(EXCESS_DELAY, sum(excess.values()))
    for name, hours in excess.items():
        put(EXCESS_DELAY, hours, name)
    if any(classes[n].value_of_time is not None for n in excess):
        put(DELAY_COST, sum(h * (classes[n].value_of_time or 0.0) for n, h in excess.items()))
    for name, row in p.accounting.items():
        for m in PLAZA_ACCOUNTING:
            put(m, row[m.name], name)
        put(DIVERTED_IN, p.diverted_in[name], name)
    for m in PLAZA_ACCOUNTING:
        put(m, sum(row[m.name] for row in p.accounting.values()))
    put(DIVERTED_IN, sum(p.diverted_in.values()))
    gave_up = sum(row["gave_up"] for row in p.accounting.values())
    put(GAVE_UP_WAIT, sum(p.gave_up_seconds) / 60.0 / gave_up if gave_up else None)

    window = disruption_window(scenario, p.crossing, p.direction)
    if window is not None:
        _, end = window
        x, cens = transit_by_arrival(p)
        y, _ = transit_by_arrival(b)
        ttr = time_to_recover(x, y, cens, end, bin_s) if end < scenario.horizon else None
        waiting, base_waiting, clear = backlog(
            p.series["queued_at_end"], b.series["queued_at_end"], end, bin_s
        )
        put(TIME_TO_RECOVER, None if ttr is None else ttr / 3600.0)
        put(RECOVERED, ttr is not None)
        put(BACKLOG, waiting)
        put(BACKLOG, base_waiting, baseline=True)
        put(TIME_TO_CLEAR, None if clear is None else clear / 3600.0)


def figures(scenario: Scenario, run: SimResult, baseline: SimResult) -> Sample:
    """Every figure of one replication: per plaza, per crossing and for the region."""
    out: Sample = {}
    for p, b in zip(run.plazas, baseline.plazas, strict=True):
        plaza_figures(scenario, p, b, run.bin_seconds, out)
    plazas = [Place(p.crossing, p.direction) for p in run.plazas]
    for crossing in dict.fromkeys(p.crossing for p in run.plazas):
        mine = [p for p in plazas if p.crossing == crossing]
        where = Place(crossing)
        for m, into in (
            (EXCESS_DELAY, EXCESS_DELAY),
            (RELEASED, RELEASED),
            (DIVERTED, DIVERTED),
            (DIVERTED_IN, DIVERTED_IN),
        ):
            out[FigureKey(into, where)] = sum(out[FigureKey(m, p)] or 0.0 for p in mine)
        costs = [out.get(FigureKey(DELAY_COST, p)) for p in mine]
        if any(c is not None for c in costs):
            out[FigureKey(DELAY_COST, where)] = sum(c for c in costs if c is not None)

    def total(key: str) -> int:
        return sum(r[key] for p in run.plazas for r in p.accounting.values())

    diverted_in = sum(sum(p.diverted_in.values()) for p in run.plazas)
    for m in REGION_ACCOUNTING:
        if m is ARRIVED:
            value = total("arrived") - diverted_in  # each vehicle once, where it first arrived
        elif m is ON_DETOUR:
            value = sum(run.on_detour.values())
        else:
            value = total(m.name)
        out[FigureKey(m, REGION)] = float(value)
    delays = [out[FigureKey(EXCESS_DELAY, p)] or 0.0 for p in plazas]
    out[FigureKey(EXCESS_DELAY, REGION)] = sum(delays)
    costs = [c for p in plazas if (c := out.get(FigureKey(DELAY_COST, p))) is not None]
    if costs:
        out[FigureKey(DELAY_COST, REGION)] = sum(costs)
    return out


def curves(run: SimResult) -> dict[str, dict[str, np.ndarray]]:
    """The 5-minute series of each plaza that reports and recovery curves are drawn from."""
    out = {}
    for p in run.plazas:
        x, censored = transit_by_arrival(p)
        c: dict[str, np.ndarray] = {
            "arrivals": p.arrivals.sum(axis=0).astype(float),
            "released_per_hour": p.released * 3600.0 / run.bin_seconds,
            "queued": p.series["queued"],
            "queue_km": p.series["queue_km"],
            "booths_open": p.series["booths_open"],
            "in_system": p.series["in_system"],
            "staged": p.series["staged"],
            "diverted_per_hour": p.diverted * 3600.0 / run.bin_seconds,
            "mean_transit_min": x / 60.0,
            "censored": censored,
        }
        for ci, name in enumerate(p.class_names):
            c[f"mean_transit_min_{name}"] = transit_by_arrival(p, [ci])[0] / 60.0
        # float32: a study keeps these for every replication and plan (bands need them)
        out[p.key] = {k: v if v.dtype == bool else v.astype(np.float32) for k, v in c.items()}
    return out
