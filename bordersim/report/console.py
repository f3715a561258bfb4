"""The summary table printed in the terminal after a run."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from ..units import format_duration


def _m(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"


def _h(hours: float | None, missing: str) -> str:
    return missing if hours is None else format_duration(hours * 3600.0)


def _when(summary: dict[str, Any], hours: float) -> str:
    """Calendar time when the scenario has a start, else time from the start."""
    if summary.get("start"):
        t = datetime.fromisoformat(summary["start"]) + timedelta(hours=hours)
        return t.strftime("%a %d %b %H:%M")
    return _h(hours, "")


def print_summary(summary: dict[str, Any], console: Console) -> None:
    t = Table(title=f"{summary['scenario']}: transit time (minutes, after warm-up)",
              title_justify="left")  # fmt: skip
    for col in ("plaza", "class", "vehicles", "mean", "p50", "p90", "p95", "max", "baseline mean"):
        t.add_column(col, justify="left" if col in ("plaza", "class") else "right")
    for p in summary["plazas"]:
        name = f"{p['crossing']} {p['direction']}"
        for cls, f in p["transit_min"].items():
            r, b = f["run"], f["baseline"]
            t.add_row(name, cls, f"{r['count']:,}", _m(r["mean"]), _m(r["p50"]), _m(r["p90"]),
                      _m(r["p95"]), _m(r["max"]), _m(b["mean"]),
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
        q = f"{p['queue']['max_km']:,.1f}"
        excess = f"{p['excess_delay_vehicle_hours']:,.0f}"
        if rec is None:
            r.add_row(name, "none", "-", "-", "-", q, excess)
            continue
        start, end = rec["disruption_start_h"], rec["disruption_end_h"]
        window = f"{_when(summary, start)} to {_when(summary, end)}"
        r.add_row(
            name, window, f"{rec['backlog_vehicles']:,.0f}",
            _h(rec["time_to_clear_h"], "not within horizon"),
            _h(rec["time_to_recover_h"], "not within horizon"), q, excess,
        )  # fmt: skip
    console.print(r)
    acc = summary["totals"]["accounting"]
    console.print(
        f"accounting: {acc['arrived']:,} arrived = {acc['released']:,} released + "
        f"{acc['queued']:,} queued + {acc['staged']:,} staged + "
        f"{acc['at_primary'] + acc['at_secondary']:,} in inspection + "
        f"{acc['diverted']:,} diverted + {acc['gave_up']:,} gave up"
    )
