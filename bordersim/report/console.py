"""The tables printed in the terminal after a run or a comparison."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..results import (
    BETTER,
    DELAY_COST,
    DIVERTED,
    EXCESS_DELAY,
    GAVE_UP,
    MAX_QUEUE_KM,
    ON_DETOUR,
    REGION,
    REGION_ACCOUNTING,
    RELEASED,
    TIME_TO_RECOVER,
    TRANSIT_MEAN,
    WORSE,
    Comparison,
    Difference,
    FigureKey,
    Results,
)
from .formatting import difference
from .formatting import figure as _v
from .formatting import hours as _h
from .tables import TRANSIT_HEAD, crossing_rows, recovery_rows, transit_rows


def print_summary(results: Results, console: Console) -> None:
    reps = results.replications
    ci = f", mean ±95% CI over {reps} replications" if reps > 1 else ""
    plan = f" [{results.plan}]" if results.plan != "scenario" else ""
    t = Table(
        title=f"{results.context.scenario}{plan}: transit time (minutes, after warm-up{ci})",
        title_justify="left",
    )
    for col in TRANSIT_HEAD:
        t.add_column(col, justify="left" if col in ("plaza", "class") else "right")
    for rows in transit_rows(results):
        for k, row in enumerate(rows):  # the plaza named once, its all-traffic row bold
            t.add_row("" if k else row[0], *row[1:], style=None if k else "bold")
        t.add_section()
    console.print(t)

    r = Table(title="recovery against baseline", title_justify="left")
    for col in (
        "plaza",
        "disruption",
        "backlog (veh)",
        "time to clear",
        "time to recover",
        "max queue km",
        "excess delay (veh-h)",
    ):
        r.add_column(col, justify="left" if col in ("plaza", "disruption") else "right")
    ctx = results.context
    for row in recovery_rows(results, "none"):
        r.add_row(*row)
    console.print(r)
    if len(ctx.crossings) > 1:
        _print_crossings(results, console)
    acc = {m: results.get(m).mean or 0.0 for m in REGION_ACCOUNTING}
    ARRIVED_, RELEASED_, QUEUED, STAGED, AT_PRIMARY, AT_SECONDARY = REGION_ACCOUNTING[:6]
    per = " (mean per replication)" if reps > 1 else ""
    console.print(
        f"accounting{per}: {acc[ARRIVED_]:,.0f} arrived = {acc[RELEASED_]:,.0f} released + "
        f"{acc[QUEUED]:,.0f} queued + {acc[STAGED]:,.0f} staged + "
        f"{acc[AT_PRIMARY] + acc[AT_SECONDARY]:,.0f} in inspection + "
        f"{acc[ON_DETOUR]:,.0f} on a detour + {acc[GAVE_UP]:,.0f} gave up"
        + (f"  ({acc[DIVERTED]:,.0f} diverted to another crossing)" if acc[DIVERTED] else "")
    )


def _print_crossings(results: Results, console: Console) -> None:
    """Per crossing and for the region: released, diverted, excess delay and its cost."""
    t = Table(title="by crossing", title_justify="left")
    for col in (
        "crossing",
        "released",
        "diverted away",
        "diverted in",
        "excess delay (veh-h)",
        "cost of delay",
    ):
        t.add_column(col, justify="left" if col == "crossing" else "right")
    for row in crossing_rows(results):
        t.add_row(*row)
    t.add_section()
    t.add_row(
        "region",
        _v(results.get(RELEASED), ",.0f"),
        _v(results.get(DIVERTED), ",.0f"),
        f"{_v(results.get(ON_DETOUR), ',.0f')} on the road",
        _v(results.get(EXCESS_DELAY), ",.0f"),
        _v(results.get(DELAY_COST), ",.0f"),
        style="bold",
    )
    console.print(t)


def print_comparison(result: Comparison, console: Console) -> None:
    """Plans ranked by total excess delay, with paired differences to the reference."""
    ref = result.reference
    worst = result.worst_plaza()
    t = Table(
        title=f"{result.context.scenario}: plans ranked by excess delay "
        f"({result.replications} replications, mean ±95% CI; "
        f"Δ paired against '{ref}'; better or worse only when clear and over "
        f"{result.practical:.0%})",
        title_justify="left",
    )
    cols = ["rank", "plan", "excess delay (veh-h)", f"Δ vs {ref}", "gave up"]
    if worst:
        cols += [f"{worst.label}: mean transit (min)", "max queue km", "time to recover"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("plan",) else "right")
    ranked_by = result.row(result.ranked_by)
    assert ranked_by is not None
    for rank, plan in enumerate(result.ranking, 1):
        diff = "-" if plan == ref else _diff(ranked_by.differences.get(plan))
        line = [
            str(rank),
            plan,
            _v(ranked_by.by_plan[plan], ",.0f"),
            diff,
            _v(result.get(FigureKey(GAVE_UP, REGION), plan), ",.0f"),
        ]
        if worst:
            rec = result.get(FigureKey(TIME_TO_RECOVER, worst), plan)
            line += [
                _v(result.get(FigureKey(TRANSIT_MEAN, worst), plan), ",.1f"),
                _v(result.get(FigureKey(MAX_QUEUE_KM, worst), plan), ",.1f"),
                "-" if rec is None else _h(rec, "not within horizon"),
            ]
        t.add_row(*line)
    console.print(t)


# Better and worse in words and colour; what does not matter, or is not clear, is dim.
STYLES = {BETTER: "bold green", WORSE: "bold red"}


def _diff(d: Difference | None) -> Text:
    text, verdict = difference(d)
    return Text(text, style=STYLES.get(verdict, "dim"))
