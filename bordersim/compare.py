"""Response plans side by side, on common random numbers.

Every plan of a study ran on the same replications: replication r of each plan saw
the same vehicles with the same service, referral and patience draws. So a paired
difference (plan minus the first plan, replication by replication) removes most of the
noise the plans share, and its confidence interval is much narrower than comparing
independent runs would give. A difference is marked **clear** when its 95% interval
excludes zero.

Plans are ranked by total excess delay (vehicle-hours above baseline), lowest first.
"""

from __future__ import annotations

from typing import Any

from .intervals import mean_ci, paired_difference
from .runner import Study

RANK_BY = "total: excess delay (veh-h)"


def figure_values(summary: dict[str, Any]) -> dict[str, float | None]:
    """The figures compared, flat: name -> value, from one replication's summary."""
    out: dict[str, float | None] = {}
    for p in summary["plazas"]:
        at = f"{p['crossing']} {p['direction']}"
        out[f"{at}: mean transit (min)"] = p["transit_min"]["all"]["run"]["mean"]
        out[f"{at}: p95 transit (min)"] = p["transit_min"]["all"]["run"]["p95"]
        for cls, f in p["transit_min"].items():
            if cls != "all":
                out[f"{at}: mean transit, {cls} (min)"] = f["run"]["mean"]
        out[f"{at}: max queue (km)"] = p["queue"]["max_km"]
        out[f"{at}: excess delay (veh-h)"] = p["excess_delay_vehicle_hours"]
        rec = p["recovery"]
        if rec is not None:
            out[f"{at}: backlog (veh)"] = rec["backlog_vehicles"]
            out[f"{at}: time to clear (h)"] = rec["time_to_clear_h"]
            out[f"{at}: time to recover (h)"] = rec["time_to_recover_h"]
    totals = summary["totals"]
    out[RANK_BY] = totals["excess_delay_vehicle_hours"]
    if totals.get("excess_delay_cost") is not None:
        out["total: cost of delay"] = totals["excess_delay_cost"]
    out["total: released (veh)"] = totals["accounting"]["released"]
    out["total: gave up (veh)"] = totals["accounting"]["gave_up"]
    return out


def compare(study: Study) -> dict[str, Any]:
    """Rows of (figure, plan): mean with CI, and the paired difference to the first plan."""
    labels = study.labels
    values = {label: [figure_values(s) for s in study.summaries(label)] for label in labels}
    names = list(values[labels[0]][0])
    first = labels[0]
    rows = []
    for name in names:
        ref = [v.get(name) for v in values[first]]
        for label in labels:
            xs = [v.get(name) for v in values[label]]
            m = mean_ci(xs)
            row = {"figure": name, "plan": label, "mean": m["mean"],
                   "ci_low": m["ci95"][0] if m["ci95"] else None,
                   "ci_high": m["ci95"][1] if m["ci95"] else None,
                   "n": m["n"], "missing": m["missing"]}  # fmt: skip
            if label != first:
                d = paired_difference(ref, xs)
                row.update({"diff_mean": d["mean"],
                            "diff_low": d["ci95"][0] if d["ci95"] else None,
                            "diff_high": d["ci95"][1] if d["ci95"] else None,
                            "clear": d["clear"]})  # fmt: skip
            else:
                row.update({"diff_mean": None, "diff_low": None, "diff_high": None, "clear": None})
            rows.append(row)
    rank_rows = {r["plan"]: r for r in rows if r["figure"] == RANK_BY}
    ranking = sorted(labels, key=lambda lb: rank_rows[lb]["mean"])
    return {
        "scenario": study.scenario.name,
        "replications": len(study.replications),
        "plans": labels,
        "reference": first,
        "ranked_by": RANK_BY,
        "ranking": ranking,
        "rows": rows,
    }


def worst_plaza(result: dict[str, Any]) -> str | None:
    """The plaza with the most excess delay under the reference plan ("crossing direction")."""
    delays = [
        r for r in result["rows"]
        if r["plan"] == result["reference"] and r["figure"].endswith(": excess delay (veh-h)")
        and not r["figure"].startswith("total")
    ]  # fmt: skip
    if not delays:
        return None
    return max(delays, key=lambda r: r["mean"] or 0)["figure"].split(":")[0]
