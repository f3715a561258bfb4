"""timeseries.csv: one row per plaza and 5-minute bin, the baseline beside.

With several replications each value is the median across them (:func:`stats.band`),
with the 10th and 90th percentiles for queue km and transit time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scenario import Scenario
from ..stats import band

if TYPE_CHECKING:
    from ..runner import Study
from .style import PLAN_DASHES, Lines, plan_style, window_mean

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


def timeseries(study: Study, label: str) -> tuple[list[str], Iterator[list[Any]]]:
    """The columns and rows of timeseries.csv: one row per plaza and 5-minute bin,
    baseline beside. Rows are made a plaza at a time, reading each curve across the
    replications from the study, so memory stays flat whatever the region's size.

    With several replications each value is the median across them, with the 10th and
    90th percentiles for queue km and transit time; ``censored`` is the share of
    replications in which some vehicles of the bin were not released by the end.
    """
    from ..runner import BASELINE

    scenario = study.scenario
    start = scenario.start_datetime
    bin_s = study.bin_seconds
    kept = study.kept
    assert kept is not None
    class_cols = [k for k in kept.names if k.startswith("mean_transit_min_")]
    columns = TIMESERIES_COLUMNS + class_cols

    def rows() -> Iterator[list[Any]]:
        for key in kept.plazas:

            def run(name: str, key: str = key) -> np.ndarray:
                return study.curve(label, key, name)

            def base(name: str, key: str = key) -> np.ndarray:
                return study.curve(BASELINE, key, name)

            queue, transit, cens = run("queue_km"), run("mean_transit_min"), run("censored")
            med = {
                k: band(queue if k == "queue_km" else run(k))
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
            qlo, qhi = band(queue, q=0.1), band(queue, q=0.9)
            tmed = band(transit, cens)
            tlo = band(transit, cens, 0.1)
            thi = band(transit, cens, 0.9)
            share_cens = np.mean(cens, axis=0)
            b_cens = base("censored")
            b = {
                k: band(base(k), b_cens if "transit" in k else None)
                for k in ("queued", "queue_km", "mean_transit_min")
            }
            per_class = [band(run(k)) for k in class_cols]
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
                b["queued"],
                b["queue_km"],
                b["mean_transit_min"],
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
            yield from (
                [h, c, crossing, direction, *rest]
                for h, c, *rest in zip(hours, clocks, *cells, strict=True)
            )

    return columns, rows()


def _column(x: np.ndarray) -> list[float | str]:
    """A CSV column: rounded to 4 decimals; unknown (NaN) or infinite values left empty."""
    finite = np.isfinite(x)
    if finite.all():  # the common case: no test per cell
        return rounded(x, 4).tolist()
    return [v if ok else "" for v, ok in zip(rounded(x, 4).tolist(), finite.tolist(), strict=True)]


def rounded(x: np.ndarray, digits: int) -> np.ndarray:
    """``round(v, digits)`` of each v, to the last bit, for a whole array at once.

    numpy's rounding multiplies by 10^digits and rounds to an integer; the product is
    itself rounded, which matters only when it lands within a few units in the last
    place of a half (or the number is too large to scale): Python's ``round`` decides
    those few. Non-finite values stay as they are."""
    x = np.asarray(x, dtype=float)
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * scale
        out = np.rint(y) / scale
        doubt = ~(np.abs(y - np.floor(y) - 0.5) > 8 * np.spacing(np.abs(y))) | (np.abs(y) > 2.0**50)
    for i in np.flatnonzero(doubt & np.isfinite(x)).tolist():
        out[i] = round(float(x[i]), digits)
    return out


MAX_CHART_POINTS = 800  # per curve: the page stays light whatever the horizon
MAX_CHART_PLAZAS = 12
CHART_FILE = "recovery_chart.json"  # chart_data, beside the report, which embeds it


def chart_data(
    scenario: Scenario,
    runs: dict[str, dict[str, Lines]],
    base: dict[str, Lines],
    bin_s: float,
    keys: list[str],
    names: dict[str, str],
) -> dict[str, Any]:
    """The report's hour-by-hour chart: per plaza (most delayed first, at most
    MAX_CHART_PLAZAS) the median queue (km) and transit time (minutes, by arrival time) of
    each plan and the baseline, one value every few bins (at most MAX_CHART_POINTS).
    ``runs`` and ``base``: the plazas' lines (see :func:`lines`)."""
    n = len(base[keys[0]].queue_km)
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
        crossing, direction = key.split(".")
        events = [
            [x_of(e.start), x_of(min(e.end, scenario.horizon)), e.type]
            for e in scenario.events
            if e.covers(crossing, direction)
        ]
        entry: dict[str, Any] = {"key": key, "name": names.get(key, key), "events": events}
        for series in ("queue_km", "transit"):

            def curve(ln: Lines, series: str = series) -> np.ndarray:
                return ln.queue_km if series == "queue_km" else ln.transit

            plans = {label: values(curve(plazas_[key])) for label, plazas_ in runs.items()}
            same: dict[str, str] = {}
            for i, a in enumerate(plans):
                for b in list(plans)[:i]:
                    if b not in same and plans[a] == plans[b]:
                        same[a] = b
                        break
            entry[series] = {"baseline": values(curve(base[key])), "plans": plans, "same_as": same}
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


def lines(study: Study, label: str, plaza: str, spread: bool = True) -> Lines:
    """One plaza's curves under a plan (or BASELINE) as figures draw them, read from the
    study a curve at a time across replications (so with flat memory)."""
    transit = study.curve(label, plaza, "mean_transit_min")
    censored = study.curve(label, plaza, "censored")
    weight = band(study.curve(label, plaza, "arrivals"))
    queue = study.curve(label, plaza, "queue_km")
    out = Lines(
        transit=window_mean(band(transit, censored), weight),
        queue_km=band(queue),
        queued=band(study.curve(label, plaza, "queued")),
    )
    if spread and transit.shape[0] > 1:
        out.transit_lo = window_mean(band(transit, censored, 0.1), weight)
        out.transit_hi = window_mean(band(transit, censored, 0.9), weight)
        out.queue_lo, out.queue_hi = band(queue, q=0.1), band(queue, q=0.9)
    return out
