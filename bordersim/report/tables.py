"""The rows of the tables a run and a comparison show, in the terminal and the report.

Each cell is text from :mod:`bordersim.report.formatting`; the terminal (rich) and the
report (HTML) only lay them out. Places are named in the planner's words (the crossing's
name in the file, "into the US", "into Canada"); durations are in hours and minutes.
"""

from __future__ import annotations

from ..results import (
    BACKLOG,
    DELAY_COST,
    DIVERTED,
    DIVERTED_IN,
    EXCESS_DELAY,
    GAVE_UP,
    GAVE_UP_WAIT,
    MAX_QUEUE_KM,
    PEAK_QUEUE_AT,
    RELEASED,
    TIME_TO_CLEAR,
    TIME_TO_RECOVER,
    TRANSIT,
    TRANSIT_MAX,
    TRANSIT_MEAN,
    Comparison,
    FigureKey,
    Results,
)
from .formatting import NONE, duration, figure, money, value, when

TRANSIT_HEAD = [
    "plaza",
    "class",
    "vehicles",
    "mean",
    "median",
    "p90",
    "p95",
    "longest",
    "baseline mean",
    "gave up (not in the times)",
]
OVERVIEW_HEAD = [
    "plaza",
    "longest queue",
    "longest transit",
    "back to normal",
    "excess delay (veh-h)",
]
RECOVERY_HEAD = [
    "plaza",
    "disruption",
    "backlog (vehicles)",
    "time to clear",
    "time to recover",
    "longest queue (km)",
    "excess delay (veh-h)",
]
CROSSING_HEAD = [
    "crossing",
    "released",
    "diverted away",
    "diverted in",
    "excess delay (veh-h)",
    "cost of delay",
]


def transit_rows(r: Results) -> list[list[list[str]]]:
    """Per plaza, its rows: all traffic first, then each class (TRANSIT_HEAD's columns).
    Drivers who gave up are not in the times: the last column says how many, and how long
    they had waited."""
    groups = []
    for info in r.context.plazas:
        at = info.place
        rows = []
        for cls in (None, *r.classes_at(at)):
            count = figure(r.get(TRANSIT["count"], at, cls), ",.0f")
            times = [duration(r.get(m, at, cls)) for s, m in TRANSIT.items() if s != "count"]
            base = duration(r.get(TRANSIT_MEAN, at, cls, baseline=True))
            rows.append(
                [r.context.name(at), cls or "all", count, *times, base, _gave_up(r, at, cls)]
            )
        groups.append(rows)
    return groups


def _gave_up(r: Results, at, cls: str | None) -> str:
    f = r.get(GAVE_UP, at, cls)
    if f is None or f.value is None or f.value < 0.5:
        return "none"
    text = figure(f, ",.0f")
    waited = r.get(GAVE_UP_WAIT, at) if cls is None else None
    if waited is not None and waited.value is not None:
        text += f", after {duration(waited).split(' ±')[0]} on average"
    return text


def overview_rows(r: Results) -> list[list[str]]:
    """Per plaza, most delayed first (OVERVIEW_HEAD's columns)."""
    rows = []
    for at in r.plazas_by_delay():
        info = r.context.plaza(at)
        km, peak = r.get(MAX_QUEUE_KM, at), r.get(PEAK_QUEUE_AT, at)
        queue = figure(km, ",.1f") + " km"
        if peak is not None and peak.value is not None and (km and (km.value or 0) >= 0.05):
            queue += f", {when(r.context, round(peak.value * 12) / 12)}"
        back = "no disruption"
        if info is not None and info.disruption is not None:
            rec = r.get(TIME_TO_RECOVER, at)
            if rec is not None and rec.value == 0 and not rec.estimate.missing:
                back = "at once when it ended"
            elif rec is not None and rec.value is None:
                back = duration(rec)  # "> 8h 00min: not recovered within the horizon..."
            else:
                back = duration(rec, NONE) + " after it ended"
        rows.append(
            [
                r.context.name(at),
                queue,
                duration(r.get(TRANSIT_MAX, at)),
                back,
                figure(r.get(EXCESS_DELAY, at), ",.0f"),
            ]
        )
    return rows


def recovery_rows(r: Results, undisrupted: str) -> list[list[str]]:
    """Per plaza: its disruption (``undisrupted`` when none), backlog, time to clear and
    to recover, longest queue (km) and excess delay (veh-h): RECOVERY_HEAD's columns."""
    ctx = r.context
    rows = []
    for info in ctx.plazas:
        at = info.place
        q = figure(r.get(MAX_QUEUE_KM, at))
        delay = figure(r.get(EXCESS_DELAY, at), ",.0f")
        name = ctx.name(at)
        if info.disruption is None:
            rows.append(
                [name, undisrupted, "no disruption", "no disruption", "no disruption", q, delay]
            )
            continue
        start, end = info.disruption
        rows.append(
            [
                name,
                f"{info.what or 'disruption'}, {when(ctx, start)} to {when(ctx, end)}",
                figure(r.get(BACKLOG, at), ",.0f"),
                duration(r.get(TIME_TO_CLEAR, at)),
                duration(r.get(TIME_TO_RECOVER, at)),
                q,
                delay,
            ]
        )
    return rows


def crossing_rows(r: Results) -> list[list[str]]:
    """Per crossing, then the region: released, diverted away and in, excess delay and
    its cost (CROSSING_HEAD's columns)."""
    ctx = r.context
    rows = []
    for c in ctx.crossings:
        rows.append(
            [
                ctx.name(c),
                *(figure(r.get(m, c), ",.0f") for m in (RELEASED, DIVERTED, DIVERTED_IN)),
                figure(r.get(EXCESS_DELAY, c), ",.0f"),
                money(r.get(DELAY_COST, c), ctx.currency) if r.get(DELAY_COST, c) else NONE,
            ]
        )
    rows.append(
        [
            "region",
            figure(r.get(RELEASED), ",.0f"),
            figure(r.get(DIVERTED), ",.0f"),
            "(the same vehicles)",
            figure(r.get(EXCESS_DELAY), ",.0f"),
            money(r.get(DELAY_COST), ctx.currency) if r.get(DELAY_COST) else NONE,
        ]
    )
    return rows


# ---------------------------------------------------------------------------- comparisons
def ranking_head(c: Comparison) -> list[str]:
    head = ["rank", "plan", "excess delay (veh-h)", f"against '{c.reference}'", "gave up"]
    worst = c.worst_plaza()
    if worst is not None and c.row(FigureKey(TIME_TO_RECOVER, worst)) is not None:
        head.append(f"{c.context.name(worst)}: back to normal after")
    return head


def ranking_rows(c: Comparison) -> list[list[str | tuple[str, str]]]:
    """Plans best first; the difference cell is (text, verdict) for colouring."""
    from .formatting import difference

    ranked = c.row(c.ranked_by)
    assert ranked is not None
    worst = c.worst_plaza()
    recovery = None if worst is None else c.row(FigureKey(TIME_TO_RECOVER, worst))
    rows: list[list[str | tuple[str, str]]] = []
    for rank, plan in enumerate(c.ranking, 1):
        if plan == c.reference:
            diff: str | tuple[str, str] = "reference"
        else:
            diff = difference(ranked.differences.get(plan), c.ranked_by.measure)
        row: list[str | tuple[str, str]] = [
            str(rank),
            plan,
            figure(ranked.by_plan[plan], ",.0f"),
            diff,
            figure(c.get(FigureKey(GAVE_UP), plan), ",.0f"),
        ]
        if recovery is not None:
            row.append(duration(recovery.by_plan[plan]))
        rows.append(row)
    return rows


def every_figure_rows(c: Comparison, plaza_key: str | None = None):
    """Per compared figure: its label and each plan's value with its difference."""
    from .formatting import difference

    out = []
    for r in c.rows:
        if plaza_key is not None and r.key.place.key != plaza_key:
            continue
        unit = {"km": "km", "veh": "vehicles", "veh-h": "vehicle-hours"}.get(r.key.measure.unit)
        what = r.key.measure.label + (f", {r.key.cls}" if r.key.cls else "")
        what += f" ({unit})" if unit else ""
        where = c.context.name(r.key.place)
        cells = []
        for plan in c.plans:
            f = r.by_plan[plan]
            main = value(f, ",.1f" if r.key.measure.unit == "km" else ",.0f", c.context.currency)
            if r.key.measure.name == "peak_queue_at" and f.value is not None:
                main = when(c.context, round(f.value * 12) / 12)
            d = r.differences.get(plan)
            diff = None
            if d is not None and r.key.measure.name != "peak_queue_at":
                diff = difference(
                    d, r.key.measure, ",.1f" if r.key.measure.unit == "km" else ",.0f"
                )
            cells.append((main, diff))
        out.append((where, what, cells))
    return out
