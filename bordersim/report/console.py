"""The summary table printed in the terminal after a run."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from .formatting import figure as _v
from .formatting import hours as _h
from .formatting import mean as _mean
from .formatting import row_ci
from .formatting import when as _when


def print_summary(summary: dict[str, Any], console: Console) -> None:
    reps = summary.get("replications", 1)
    ci = f", mean ±95% CI over {reps} replications" if reps > 1 else ""
    plan = f" [{summary['plan']}]" if summary.get("plan") not in (None, "scenario") else ""
    t = Table(title=f"{summary['scenario']}{plan}: transit time (minutes, after warm-up{ci})",
              title_justify="left")  # fmt: skip
    for col in ("plaza", "class", "vehicles", "mean", "p50", "p90", "p95", "max", "baseline mean"):
        t.add_column(col, justify="left" if col in ("plaza", "class") else "right")
    for p in summary["plazas"]:
        name = f"{p['crossing']} {p['direction']}"
        for cls, f in p["transit_min"].items():
            r, b = f["run"], f["baseline"]
            t.add_row(name, cls, _v(r["count"], ",.0f"), _v(r["mean"]), _v(r["p50"]),
                      _v(r["p90"]), _v(r["p95"]), _v(r["max"]), _v(b["mean"]),
                      style="bold" if cls == "all" else None)  # fmt: skip
            name = ""
        t.add_section()
    console.print(t)

    r = Table(title="recovery against baseline", title_justify="left")
    for col in ("plaza", "disruption", "backlog (veh)", "time to clear", "time to recover",
                "max queue km", "excess delay (veh-h)"):  # fmt: skip
        r.add_column(col, justify="left" if col in ("plaza", "disruption") else "right")
    for p in summary["plazas"]:
        rec = p["recovery"]
        name = f"{p['crossing']} {p['direction']}"
        q = _v(p["queue"]["max_km"])
        excess = _v(p["excess_delay_vehicle_hours"], ",.0f")
        if rec is None:
            r.add_row(name, "none", "-", "-", "-", q, excess)
            continue
        start, end = rec["disruption_start_h"], rec["disruption_end_h"]
        window = f"{_when(summary, start)} to {_when(summary, end)}"
        r.add_row(name, window, _v(rec["backlog_vehicles"], ",.0f"),
                  _h(rec["time_to_clear_h"], "not within horizon"),
                  _h(rec["time_to_recover_h"], "not within horizon"), q, excess)  # fmt: skip
    console.print(r)
    if len(summary.get("crossings", {})) > 1:
        _print_crossings(summary, console)
    acc = {k: _mean(v) for k, v in summary["totals"]["accounting"].items()}
    per = " (mean per replication)" if reps > 1 else ""
    console.print(
        f"accounting{per}: {acc['arrived']:,.0f} arrived = {acc['released']:,.0f} released + "
        f"{acc['queued']:,.0f} queued + {acc['staged']:,.0f} staged + "
        f"{acc['at_primary'] + acc['at_secondary']:,.0f} in inspection + "
        f"{acc['on_detour']:,.0f} on a detour + {acc['gave_up']:,.0f} gave up"
        + (f"  ({acc['diverted']:,.0f} diverted to another crossing)" if acc["diverted"] else "")
    )


def _print_crossings(summary: dict[str, Any], console: Console) -> None:
    """Per crossing and for the region: released, diverted, excess delay and its cost."""
    t = Table(title="by crossing", title_justify="left")
    for col in ("crossing", "released", "diverted away", "diverted in", "excess delay (veh-h)",
                "cost of delay"):  # fmt: skip
        t.add_column(col, justify="left" if col == "crossing" else "right")
    for name, c in summary["crossings"].items():
        t.add_row(name, _v(c["released"], ",.0f"), _v(c["diverted_away"], ",.0f"),
                  _v(c["diverted_in"], ",.0f"), _v(c["excess_delay_vehicle_hours"], ",.0f"),
                  _v(c["excess_delay_cost"], ",.0f"))  # fmt: skip
    totals = summary["totals"]
    acc = totals["accounting"]
    t.add_section()
    t.add_row("region", _v(acc["released"], ",.0f"), _v(acc["diverted"], ",.0f"),
              f"{_v(acc['on_detour'], ',.0f')} on the road",
              _v(totals["excess_delay_vehicle_hours"], ",.0f"),
              _v(totals["excess_delay_cost"], ",.0f"), style="bold")  # fmt: skip
    console.print(t)


def print_comparison(result: dict[str, Any], console: Console) -> None:
    """Plans ranked by total excess delay, with paired differences to the reference."""
    from ..compare import RANK_BY, worst_plaza

    ref = result["reference"]
    rows = {(r["figure"], r["plan"]): r for r in result["rows"]}
    worst = worst_plaza(result)
    t = Table(title=f"{result['scenario']}: plans ranked by excess delay "
                    f"({result['replications']} replications, mean ±95% CI; "
                    f"Δ paired against '{ref}', * clear)", title_justify="left")  # fmt: skip
    cols = ["rank", "plan", "excess delay (veh-h)", f"Δ vs {ref}", "gave up"]
    if worst:
        cols += [f"{worst}: mean transit (min)", "max queue km", "time to recover"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("plan",) else "right")
    for rank, plan in enumerate(result["ranking"], 1):
        main = rows[(RANK_BY, plan)]
        diff = "-" if plan == ref else _diff(main)
        line = [str(rank), plan, _row(main, ",.0f"), diff,
                _row(rows[("total: gave up (veh)", plan)], ",.0f")]  # fmt: skip
        if worst:
            rec = rows.get((f"{worst}: time to recover (h)", plan))
            line += [_row(rows[(f"{worst}: mean transit (min)", plan)], ",.1f"),
                     _row(rows[(f"{worst}: max queue (km)", plan)], ",.1f"),
                     "-" if rec is None else _h(row_ci(rec), "not within horizon")]  # fmt: skip
        t.add_row(*line)
    console.print(t)


def _row(row: dict[str, Any], spec: str) -> str:
    return _v(row_ci(row), spec)


def _diff(row: dict[str, Any]) -> str:
    if row["diff_mean"] is None:
        return "-"
    text = f"{row['diff_mean']:+,.0f}"
    if row["diff_low"] is not None:
        text += f" ±{(row['diff_high'] - row['diff_low']) / 2:,.0f}"
    return text + (" *" if row["clear"] else "")
