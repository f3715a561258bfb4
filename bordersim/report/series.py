"""timeseries.csv: one row per plaza and 5-minute bin, the baseline beside.

With several replications each value is the median across them (:func:`stats.band`),
with the 10th and 90th percentiles for queue km and transit time.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..scenario import Scenario
from ..stats import band
from .style import PLAN_DASHES, plan_style, window_mean

TIMESERIES_COLUMNS = [
    "time_h",
    "clock",
    "crossing",
    "direction",
    "arrivals",
    "released_per_hour",
    "queued",
    "queue_km",
    "queue_km_p10",
    "queue_km_p90",
    "booths_open",
    "in_system",
    "staged",
    "diverted_per_hour",
    "mean_transit_min",
    "mean_transit_min_p10",
    "mean_transit_min_p90",
    "censored",
    "baseline_queued",
    "baseline_queue_km",
    "baseline_mean_transit_min",
]


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
        med = {
            k: band([c[k] for c in cs])
            for k in (
                "arrivals",
                "released_per_hour",
                "queued",
                "queue_km",
                "booths_open",
                "in_system",
                "staged",
                "diverted_per_hour",
            )
        }
        qlo, qhi = (
            band([c["queue_km"] for c in cs], q=0.1),
            band([c["queue_km"] for c in cs], q=0.9),
        )
        tmed = band([c["mean_transit_min"] for c in cs], cens)
        tlo = band([c["mean_transit_min"] for c in cs], cens, 0.1)
        thi = band([c["mean_transit_min"] for c in cs], cens, 0.9)
        share_cens = np.mean(np.vstack(cens), axis=0)
        base = {
            k: band([b[k] for b in bs], [b["censored"] for b in bs] if "transit" in k else None)
            for k in ("queued", "queue_km", "mean_transit_min")
        }
        per_class = [band([c.get(k, np.full(len(tmed), np.nan)) for c in cs]) for k in class_cols]
        crossing, direction = key.split(".")
        n = len(tmed)
        numbers = [
            med["arrivals"],
            med["released_per_hour"],
            med["queued"],
            med["queue_km"],
            qlo,
            qhi,
            med["booths_open"],
            med["in_system"],
            med["staged"],
            med["diverted_per_hour"],
            tmed,
            tlo,
            thi,
            share_cens,
            base["queued"],
            base["queue_km"],
            base["mean_transit_min"],
            *per_class,
        ]
        # Column by column: one conversion per column, not a call per cell.
        cells = [_column(np.asarray(c, dtype=float)) for c in numbers]
        hours = [round(k * bin_s / 3600.0, 4) for k in range(n)]
        clocks = (
            [""] * n
            if start is None
            else [
                (start + timedelta(seconds=k * bin_s)).isoformat(timespec="minutes")
                for k in range(n)
            ]
        )
        rows.extend(
            [h, c, crossing, direction, *rest]
            for h, c, *rest in zip(hours, clocks, *cells, strict=True)
        )
    return columns, rows


def _column(x: np.ndarray) -> list[float | str]:
    """A CSV column: rounded to 4 decimals; unknown (NaN) or infinite values left empty."""
    return [round(v, 4) if math.isfinite(v) else "" for v in x.tolist()]


MAX_CHART_POINTS = 800  # per curve: the page stays light whatever the horizon
MAX_CHART_PLAZAS = 12


def chart_data(
    scenario: Scenario,
    runs: dict[str, list[dict[str, dict[str, np.ndarray]]]],
    baselines: list[dict[str, dict[str, np.ndarray]]],
    bin_s: float,
    keys: list[str],
    names: dict[str, str],
) -> dict[str, Any]:
    """The report's hour-by-hour chart: per plaza (most delayed first, at most
    MAX_CHART_PLAZAS) the median queue (km) and transit time (minutes, by arrival time) of
    each plan and the baseline, one value every few bins (at most MAX_CHART_POINTS)."""

    n = len(next(iter(baselines[0].values()))["queued"])
    step = max(1, math.ceil(n / MAX_CHART_POINTS))
    idx = np.arange(0, n, step)
    start = scenario.start_datetime
    t = (idx + 0.5) * bin_s
    if start is None:

        def x_of(seconds: float) -> float:
            return round(seconds / 3600.0, 4)

    else:  # the scenario's clock as if it were UTC: the page shows it without a shift
        epoch = (start - datetime(1970, 1, 1)).total_seconds()

        def x_of(seconds: float) -> float:
            return epoch + seconds

    x = [x_of(v) for v in t.tolist()]

    def values(a: np.ndarray) -> list[float | None]:
        return [round(v, 3) if math.isfinite(v) else None for v in np.asarray(a)[idx].tolist()]

    plazas = []
    for key in keys[:MAX_CHART_PLAZAS]:
        base = [b[key] for b in baselines]
        crossing, direction = key.split(".")
        events = [
            [x_of(e.start), x_of(min(e.end, scenario.horizon)), e.type]
            for e in scenario.events
            if e.covers(crossing, direction)
        ]
        entry: dict[str, Any] = {"key": key, "name": names.get(key, key), "events": events}
        for series in ("queue_km", "transit"):
            field = "queue_km" if series == "queue_km" else "mean_transit_min"

            def curve(cs: list[dict[str, np.ndarray]], field: str = field) -> np.ndarray:
                if field != "mean_transit_min":
                    return band([c[field] for c in cs])
                median = band([c[field] for c in cs], [c["censored"] for c in cs])
                return window_mean(median, band([c["arrivals"] for c in cs]))

            plans = {label: values(curve([r[key] for r in reps])) for label, reps in runs.items()}
            same: dict[str, str] = {}
            for i, a in enumerate(plans):
                for b in list(plans)[:i]:
                    if b not in same and plans[a] == plans[b]:
                        same[a] = b
                        break
            entry[series] = {"baseline": values(curve(base)), "plans": plans, "same_as": same}
        plazas.append(entry)
    return {
        "calendar": start is not None,
        "x": x,
        "every_minutes": step * bin_s / 60.0,
        "plans": list(runs),
        "colours": [plan_style(i)["color"] for i in range(len(runs))],
        "dashes": [PLAN_DASHES[i % len(PLAN_DASHES)] for i in range(len(runs))],
        "plazas": plazas,
    }


def vehicle_columns(columns: tuple[str, ...], calendar: bool) -> list[str]:
    """vehicles.csv's columns: each time in seconds from the start and, when the scenario
    has a start, as a calendar time beside it (``arrival_s``, ``arrival_clock``)."""
    out = []
    for c in columns:
        out.append(c)
        if calendar and c.endswith("_s") and c != "transit_s":
            out.append(c[:-2] + "_clock")
    return out


def vehicle_rows(rows, columns: tuple[str, ...], start: datetime | None):
    """vehicles.csv's rows, with the calendar times when there is a start."""
    if start is None:
        yield from rows
        return
    times = [i for i, c in enumerate(columns) if c.endswith("_s") and c != "transit_s"]
    for row in rows:
        out = []
        for i, v in enumerate(row):
            out.append(v)
            if i in times:
                out.append(
                    ""
                    if v is None
                    else (start + timedelta(seconds=v)).isoformat(timespec="seconds")
                )
        yield out
