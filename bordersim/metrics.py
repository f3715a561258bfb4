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
from .scenario import Scenario
from .stats import TransitStats

# The region's identity: every vehicle that arrived is in exactly one of the other states.
ACCOUNTING = ("arrived", "released", "queued", "staged", "at_primary", "at_secondary",
              "on_detour", "gave_up")  # fmt: skip
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
        "diverted_in": p.diverted_in,
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

    def total(key: str) -> int:
        return sum(r[key] for p in run.plazas for r in p.accounting.values())

    diverted_in = sum(sum(p.diverted_in.values()) for p in run.plazas)
    totals = {
        "arrived": total("arrived") - diverted_in,  # each vehicle once, where it first arrived
        **{k: total(k) for k in ACCOUNTING if k not in ("arrived", "on_detour")},
        "on_detour": sum(run.on_detour.values()),
        "diverted": total("diverted"),
    }
    crossings: dict[str, dict[str, Any]] = {}
    for p in plazas:
        c = crossings.setdefault(p["crossing"], {"excess_delay_vehicle_hours": 0.0,
                                                 "excess_delay_cost": None, "released": 0,
                                                 "diverted_away": 0, "diverted_in": 0})  # fmt: skip
        c["excess_delay_vehicle_hours"] += p["excess_delay_vehicle_hours"]
        if p["excess_delay_cost"] is not None:
            c["excess_delay_cost"] = (c["excess_delay_cost"] or 0.0) + p["excess_delay_cost"]
        c["released"] += p["released"]
        c["diverted_away"] += sum(r["diverted"] for r in p["accounting"].values())
        c["diverted_in"] += sum(p["diverted_in"].values())
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
        "crossings": crossings,
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


def band(
    values: list[np.ndarray], censored: list[np.ndarray] | None = None, q: float = 0.5
) -> np.ndarray:
    """The q-quantile across replications, bin by bin.

    A censored bin (vehicles not yet released) counts as larger than any value, so a
    quantile that falls on one is reported as unknown (NaN) rather than understated.
    Bins without vehicles in any replication stay NaN.

    The result is bit for bit ``np.nanquantile(x, q, axis=0)`` (linear interpolation),
    computed with one sort of the whole array instead of a Python-level call per bin.
    """
    x = np.vstack(values).astype(float)
    if censored is not None:
        x = np.where(np.vstack(censored), np.inf, x)
    n = np.sum(~np.isnan(x), axis=0)  # values per bin
    s = np.sort(x, axis=0)  # NaNs sort last
    virtual = (n - 1) * q  # numpy's linear method, in numpy's own arithmetic
    below = np.floor(virtual).astype(np.intp)
    top = virtual >= n - 1
    lo = np.where(top, n - 1, below)
    hi = np.where(top, n - 1, below + 1)
    gamma = virtual - np.where(top, -1, below)
    cols = np.arange(x.shape[1])
    safe = np.maximum(n - 1, 0)
    a = s[np.minimum(np.maximum(lo, 0), safe), cols]
    b = s[np.minimum(np.maximum(hi, 0), safe), cols]
    with np.errstate(invalid="ignore"):
        diff = b - a
        out = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    out[n == 0] = np.nan
    out[~np.isfinite(out)] = np.nan
    return out


TIMESERIES_COLUMNS = [
    "time_h", "clock", "crossing", "direction", "arrivals", "released_per_hour", "queued",
    "queue_km", "queue_km_p10", "queue_km_p90", "booths_open", "in_system", "staged",
    "diverted_per_hour",
    "mean_transit_min", "mean_transit_min_p10", "mean_transit_min_p90", "censored",
    "baseline_queued", "baseline_queue_km", "baseline_mean_transit_min",
]  # fmt: skip


def timeseries(
    scenario: Scenario,
    runs: list[dict[str, dict[str, np.ndarray]]],
    baselines: list[dict[str, dict[str, np.ndarray]]],
    bin_s: float,
) -> tuple[list[str], list[list[Any]]]:
    """Rows of timeseries.csv: one per plaza and 5-minute bin, baseline beside.

    With several replications each value is the median across them, with the 10th and
    90th percentiles for queue km and transit time; ``censored`` is the share of
    replications in which some vehicles of the bin were not released by the end.
    """
    start = scenario.start_datetime
    any_plaza = next(iter(runs[0].values()))
    class_cols = [k for k in any_plaza if k.startswith("mean_transit_min_")]
    columns = TIMESERIES_COLUMNS + class_cols
    rows: list[list[Any]] = []
    for key in runs[0]:
        cs = [r[key] for r in runs]
        bs = [b[key] for b in baselines]
        cens = [c["censored"] for c in cs]
        med = {k: band([c[k] for c in cs]) for k in ("arrivals", "released_per_hour", "queued",
               "queue_km", "booths_open", "in_system", "staged", "diverted_per_hour")}  # fmt: skip
        qlo, qhi = (
            band([c["queue_km"] for c in cs], q=0.1),
            band([c["queue_km"] for c in cs], q=0.9),
        )
        tmed = band([c["mean_transit_min"] for c in cs], cens)
        tlo = band([c["mean_transit_min"] for c in cs], cens, 0.1)
        thi = band([c["mean_transit_min"] for c in cs], cens, 0.9)
        share_cens = np.mean(np.vstack(cens), axis=0)
        base = {k: band([b[k] for b in bs], [b["censored"] for b in bs] if "transit" in k else None)
                for k in ("queued", "queue_km", "mean_transit_min")}  # fmt: skip
        per_class = [band([c.get(k, np.full(len(tmed), np.nan)) for c in cs]) for k in class_cols]
        crossing, direction = key.split(".")
        n = len(tmed)
        numbers = [med["arrivals"], med["released_per_hour"], med["queued"], med["queue_km"],
                   qlo, qhi, med["booths_open"], med["in_system"], med["staged"],
                   med["diverted_per_hour"], tmed, tlo, thi, share_cens, base["queued"],
                   base["queue_km"], base["mean_transit_min"], *per_class]  # fmt: skip
        # Column by column: one conversion per column, not a call per cell.
        cells = [_column(np.asarray(c, dtype=float)) for c in numbers]
        hours = [round(k * bin_s / 3600.0, 4) for k in range(n)]
        clocks = (
            [""] * n
            if start is None
            else [
                (start + timedelta(seconds=k * bin_s)).isoformat(timespec="minutes")
                for k in range(n)
            ]  # fmt: skip
        )
        rows.extend(
            [h, c, crossing, direction, *rest]
            for h, c, *rest in zip(hours, clocks, *cells, strict=True)
        )
    return columns, rows


def _column(x: np.ndarray) -> list[float | str]:
    """A CSV column: rounded to 4 decimals; unknown (NaN) or infinite values left empty."""
    return [round(v, 4) if math.isfinite(v) else "" for v in x.tolist()]
