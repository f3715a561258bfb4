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
from datetime import timedelta
from typing import Any

import numpy as np

from .model.simulation import PlazaResult, SimResult
from .scenario import Scenario, covers
from .stats import TransitStats

ACCOUNTING = ("arrived", "released", "queued", "staged", "at_primary", "at_secondary",
              "diverted", "gave_up")  # fmt: skip
TOLERANCE_SHARE = 0.10  # within 10% of baseline...
TOLERANCE_FLOOR = 300.0  # ...or 5 minutes, whichever is larger
HOLD = 3600.0  # for 60 minutes straight
CLEAR_SHARE = 1.10  # a backlog is cleared when the queue is back within 10% of baseline


def disruption_window(
    scenario: Scenario, crossing: str, direction: str
) -> tuple[float, float] | None:
    """First start and last end (within the horizon) of the events touching a plaza."""
    mine = [e for e in scenario.events if covers(e.where, crossing, direction)]
    if not mine:
        return None
    return min(e.start for e in mine), min(max(e.end for e in mine), scenario.horizon)


def transit_by_arrival(
    p: PlazaResult, classes: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean transit (s) of vehicles by arrival bin, and whether a bin is censored.

    A bin is censored when some of its vehicles were not released by the end of the
    run: its mean would understate their transit, so it is not reported (NaN).
    """
    rows = slice(None) if classes is None else classes
    total = p.transit_sum[rows].sum(axis=0)
    n = p.transit_n[rows].sum(axis=0)
    arrived = p.arrivals[rows].sum(axis=0)
    censored = n < arrived
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


def _none_if_nan(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def plaza_figures(
    scenario: Scenario, p: PlazaResult, b: PlazaResult, bin_s: float
) -> dict[str, Any]:
    classes = scenario.vehicle_classes()
    per_class = {}
    for c, name in enumerate(p.class_names):
        if p.accounting[name]["arrived"] == 0 and b.accounting[name]["arrived"] == 0:
            continue
        per_class[name] = {"run": p.transit[c].summary(), "baseline": b.transit[c].summary()}
    everything = TransitStats()
    base_all = TransitStats()
    for t in p.transit:
        everything.merge(t)
    for t in b.transit:
        base_all.merge(t)

    excess_by_class = {
        name: (p.vehicle_seconds[c] - b.vehicle_seconds[c]) / 3600.0
        for c, name in enumerate(p.class_names)
        if name in per_class
    }
    cost = None
    if any(classes[n].value_of_time is not None for n in excess_by_class):
        cost = sum(h * (classes[n].value_of_time or 0.0) for n, h in excess_by_class.items())

    q, bq = p.series["queue_km"], b.series["queue_km"]
    spill = None
    if p.storage_m is not None:
        spill = float(np.sum(q > p.storage_m / 1000.0) * bin_s / 60.0)
    out: dict[str, Any] = {
        "crossing": p.crossing,
        "direction": p.direction,
        "transit_min": {
            "all": {"run": everything.summary(), "baseline": base_all.summary()},
            **per_class,
        },  # fmt: skip
        "released": int(sum(r["released"] for r in p.accounting.values())),
        "arrived": int(sum(r["arrived"] for r in p.accounting.values())),
        "queue": {
            "max_vehicles": float(np.max(p.series["queued"], initial=0.0)),
            "max_km": float(np.max(q, initial=0.0)),
            "baseline_max_km": float(np.max(bq, initial=0.0)),
            "storage_km": None if p.storage_m is None else p.storage_m / 1000.0,
            "minutes_beyond_storage": spill,
        },
        "excess_delay_vehicle_hours": float(sum(excess_by_class.values())),
        "excess_delay_by_class": excess_by_class,
        "excess_delay_cost": cost,
        "accounting": p.accounting,
        "recovery": None,
    }
    window = disruption_window(scenario, p.crossing, p.direction)
    if window is not None:
        start, end = window
        x, cens = transit_by_arrival(p)
        y, _ = transit_by_arrival(b)
        ttr = time_to_recover(x, y, cens, end, bin_s) if end < scenario.horizon else None
        waiting, base_waiting, clear = backlog(
            p.series["queued_at_end"], b.series["queued_at_end"], end, bin_s
        )
        out["recovery"] = {
            "disruption_start_h": start / 3600.0,
            "disruption_end_h": end / 3600.0,
            "time_to_recover_h": None if ttr is None else ttr / 3600.0,
            "recovered": ttr is not None,
            "backlog_vehicles": waiting,
            "baseline_queued_then": base_waiting,
            "time_to_clear_h": None if clear is None else clear / 3600.0,
        }
    return out


def figures(scenario: Scenario, run: SimResult, baseline: SimResult) -> dict[str, Any]:
    """Everything summary.json holds for one replication."""
    plazas = [plaza_figures(scenario, p, b, run.bin_seconds)
              for p, b in zip(run.plazas, baseline.plazas, strict=True)]  # fmt: skip
    totals = {k: sum(r[k] for p in run.plazas for r in p.accounting.values()) for k in ACCOUNTING}
    costs = [p["excess_delay_cost"] for p in plazas if p["excess_delay_cost"] is not None]
    return _clean({
        "scenario": scenario.name,
        "description": scenario.description,
        "seed": run.seed,
        "replication": run.replication,
        "horizon_h": scenario.horizon / 3600.0,
        "warmup_h": scenario.warmup / 3600.0,
        "start": None if scenario.start_datetime is None else scenario.start_datetime.isoformat(),
        "events": [e.model_dump(mode="json") for e in scenario.events],
        "plazas": plazas,
        "totals": {
            "accounting": totals,
            "excess_delay_vehicle_hours": sum(p["excess_delay_vehicle_hours"] for p in plazas),
            "excess_delay_cost": sum(costs) if costs else None,
        },
    })  # fmt: skip


def _clean(x: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy scalars plain numbers."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    return _none_if_nan(x)


TIMESERIES_COLUMNS = [
    "time_h", "clock", "crossing", "direction", "arrivals", "released_per_hour", "queued",
    "queue_km", "booths_open", "in_system", "mean_transit_min", "censored",
    "baseline_queued", "baseline_queue_km", "baseline_mean_transit_min",
]  # fmt: skip


def timeseries(
    scenario: Scenario, run: SimResult, baseline: SimResult
) -> tuple[list[str], list[list[Any]]]:
    """Rows of timeseries.csv: one per plaza and 5-minute bin, with the baseline beside."""
    start = scenario.start_datetime
    bin_s = run.bin_seconds
    class_names = run.plazas[0].class_names if run.plazas else []
    columns = TIMESERIES_COLUMNS + [f"mean_transit_min_{c}" for c in class_names]
    rows: list[list[Any]] = []
    for p, b in zip(run.plazas, baseline.plazas, strict=True):
        x, cens = transit_by_arrival(p)
        y, _ = transit_by_arrival(b)
        by_class = [transit_by_arrival(p, [c])[0] for c in range(len(class_names))]
        arrivals = p.arrivals.sum(axis=0)
        for k in range(run.n_bins):
            t = k * bin_s
            clock = (
                ""
                if start is None
                else (start + timedelta(seconds=t)).isoformat(timespec="minutes")
            )
            rows.append([
                round(t / 3600.0, 4), clock, p.crossing, p.direction, int(arrivals[k]),
                int(p.released[k]) * 3600.0 / bin_s, _r(p.series["queued"][k]),
                _r(p.series["queue_km"][k]), _r(p.series["booths_open"][k]),
                _r(p.series["in_system"][k]), _r(x[k] / 60.0), int(cens[k]),
                _r(b.series["queued"][k]), _r(b.series["queue_km"][k]), _r(y[k] / 60.0),
                *(_r(m[k] / 60.0) for m in by_class),
            ])  # fmt: skip
    return columns, rows


def _r(x: float) -> float | str:
    return "" if not math.isfinite(x) else round(float(x), 4)
