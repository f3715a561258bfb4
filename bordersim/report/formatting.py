"""Figures as people read them: a mean with its 95% CI, durations, calendar times.

Shared by the terminal tables and the HTML report. A figure is either a number (one
replication) or a ``{"mean", "ci95", "n", "missing"}`` dictionary (several).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..units import format_duration


def figure(x: Any, spec: str = ",.1f") -> str:
    """A number, or a mean with the half-width of its 95% CI."""
    if isinstance(x, dict):
        if x.get("mean") is None:
            return "-"
        text = format(x["mean"], spec)
        if x.get("ci95"):
            text += f" ±{format((x['ci95'][1] - x['ci95'][0]) / 2, spec)}"
        if x.get("missing"):
            text += f" ({x['missing']} n/a)"
        return text
    return "-" if x is None else format(x, spec)


def hours(h: Any, missing: str) -> str:
    """A duration given in hours, as 2h 05min, with its CI; ``missing`` when unknown."""
    if isinstance(h, dict):
        if h.get("mean") is None:
            return missing
        text = format_duration(h["mean"] * 3600.0)
        if h.get("ci95"):
            text += f" ±{format_duration((h['ci95'][1] - h['ci95'][0]) / 2 * 3600.0)}"
        if h.get("missing"):
            text += f" ({h['missing']} not within horizon)"
        return text
    return missing if h is None else format_duration(h * 3600.0)


def row_ci(row: dict[str, Any]) -> dict[str, Any]:
    """A row of a comparison table (mean, ci_low, ci_high, missing) as a figure."""
    ci = None if row["ci_low"] is None else [row["ci_low"], row["ci_high"]]
    return {"mean": row["mean"], "ci95": ci, "missing": row.get("missing")}


def mean(x: Any) -> Any:
    return x.get("mean") if isinstance(x, dict) else x


def when(summary: dict[str, Any], h: Any) -> str:
    """A time of the run (hours from its start) as a calendar time when there is one."""
    h = mean(h)
    if summary.get("start"):
        t = datetime.fromisoformat(summary["start"]) + timedelta(hours=h)
        return t.strftime("%a %d %b %H:%M")
    return hours(h, "")
