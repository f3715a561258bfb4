"""The rows of the tables a run shows, in the terminal and in the report alike.

Each cell is text from :mod:`bordersim.report.formatting`; the terminal (rich) and the
report (HTML) only lay them out.
"""

from __future__ import annotations

from ..results import (
    BACKLOG,
    DELAY_COST,
    DIVERTED,
    DIVERTED_IN,
    EXCESS_DELAY,
    MAX_QUEUE_KM,
    RELEASED,
    TIME_TO_CLEAR,
    TIME_TO_RECOVER,
    TRANSIT,
    TRANSIT_MEAN,
    Results,
)
from .formatting import figure, hours, when

TRANSIT_HEAD = ["plaza", "class", "vehicles", "mean", "p50", "p90", "p95", "max", "baseline mean"]
BY_CROSSING = (RELEASED, DIVERTED, DIVERTED_IN, EXCESS_DELAY, DELAY_COST)


def transit_rows(r: Results) -> list[list[list[str]]]:
    """Per plaza, its rows: all traffic first, then each class (TRANSIT_HEAD's columns)."""
    groups = []
    for info in r.context.plazas:
        at = info.place
        rows = []
        for cls in (None, *r.classes_at(at)):
            cells = [
                figure(r.get(m, at, cls), ",.0f" if stat == "count" else ",.1f")
                for stat, m in TRANSIT.items()
            ]
            base = figure(r.get(TRANSIT_MEAN, at, cls, baseline=True))
            rows.append([at.label, cls or "all", *cells, base])
        groups.append(rows)
    return groups


def recovery_rows(r: Results, undisrupted: str) -> list[list[str]]:
    """Per plaza: its disruption (``undisrupted`` when none), backlog, time to clear and
    to recover, max queue (km) and excess delay (veh-h)."""
    ctx = r.context
    rows = []
    for info in ctx.plazas:
        at = info.place
        q = figure(r.get(MAX_QUEUE_KM, at))
        delay = figure(r.get(EXCESS_DELAY, at), ",.0f")
        if info.disruption is None:
            rows.append([at.label, undisrupted, "-", "-", "-", q, delay])
            continue
        start, end = info.disruption
        rows.append(
            [
                at.label,
                f"{when(ctx, start)} to {when(ctx, end)}",
                figure(r.get(BACKLOG, at), ",.0f"),
                hours(r.get(TIME_TO_CLEAR, at), "not within horizon"),
                hours(r.get(TIME_TO_RECOVER, at), "not within horizon"),
                q,
                delay,
            ]
        )
    return rows


def crossing_rows(r: Results) -> list[list[str]]:
    """Per crossing: released, diverted away and in, excess delay and its cost."""
    return [
        [c.label, *(figure(r.get(m, c), ",.0f") for m in BY_CROSSING)] for c in r.context.crossings
    ]
