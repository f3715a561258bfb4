"""The files of a results folder: summaries, tables, series, figures and the report.

They are written into the folder being made (see :mod:`bordersim.folders`), which is put
in place only when complete, so an interrupted run leaves no half-written results.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..intervals import aggregate
from ..metrics import timeseries
from ..model.simulation import BIN_SECONDS, VEHICLE_COLUMNS
from ..runner import Study
from . import figures
from .html import write_report

# What varies by replication; the rest describes the run.
FIGURES = ("plazas", "crossings", "totals")


def run_summary(study: Study, label: str) -> dict[str, Any]:
    """summary.json of a run: one replication's figures, or each figure's mean and CI."""
    summaries = study.summaries(label)
    first = summaries[0]
    meta = {k: v for k, v in first.items() if k not in FIGURES and k != "replication"}
    figures_ = {k: aggregate([s[k] for s in summaries]) for k in FIGURES}
    if len(summaries) == 1:
        meta["replication"] = first["replication"]
    return {"plan": label, "replications": len(summaries), **meta, **figures_}


def write_results(
    folder: Path, study: Study, vehicles: bool = False, source: str | None = None
) -> None:
    """Write summary.json, timeseries.csv, figures, report.html (and vehicles.csv).

    ``folder`` is the new, empty folder being written (see bordersim.folders), put in
    place only once complete. ``source`` is the scenario file's text as it was read for
    the run, kept as scenario.yaml so that the results say what produced them and the
    report can be rebuilt.
    """
    label = study.labels[0]
    scenario = study.scenario

    def fill(tmp: Path) -> None:
        _common(tmp, study, source)
        _write_json(tmp / "summary.json", run_summary(study, label))
        if len(study.replications) > 1:
            (tmp / "replications").mkdir()
            for r in study.replications:
                _write_json(
                    tmp / "replications" / f"rep-{r.index:03d}.json", r.plans[label].summary
                )
        columns, rows = timeseries(scenario, study.curves(label), study.baselines(), BIN_SECONDS)
        _write_csv(tmp / "timeseries.csv", columns, rows)
        if vehicles:
            _write_csv(tmp / "vehicles.csv", list(VEHICLE_COLUMNS),
                       study.replications[0].vehicles or [])  # fmt: skip
        drawn = most_delayed(study, label)
        figures.recovery(scenario, {label: study.curves(label)}, study.baselines(), BIN_SECONDS,
                         tmp / "recovery.png", drawn)  # fmt: skip
        classes = list(scenario.vehicle_classes())
        figures.transit_distributions(scenario, study.transit(label), classes,
                                      tmp / "transit.png", drawn)  # fmt: skip
        write_report(tmp, study.scenario)

    fill(Path(folder))


def most_delayed(study: Study, label: str) -> list[str]:
    """Plazas ("crossing.direction") by excess delay under a plan, most delayed first.

    Ties keep the file's order, so a small scenario reads in the order it was written.
    """
    delay: dict[str, float] = {}
    for s in study.summaries(label):
        for p in s["plazas"]:
            key = f"{p['crossing']}.{p['direction']}"
            delay[key] = delay.get(key, 0.0) + p["excess_delay_vehicle_hours"]
    return sorted(delay, key=lambda k: -delay[k])


COMPARE_COLUMNS = ["figure", "plan", "mean", "ci_low", "ci_high", "n", "missing",
                   "diff_mean", "diff_low", "diff_high", "clear"]  # fmt: skip


def key_figure_names(result: dict[str, Any]) -> list[str]:
    """The figures drawn in key_figures.png: total delay, then the worst-hit plaza's."""
    from ..compare import RANK_BY, worst_plaza

    worst = worst_plaza(result)
    names = [RANK_BY]
    if worst:
        names += [f"{worst}: mean transit (min)", f"{worst}: max queue (km)",
                  f"{worst}: time to recover (h)"]  # fmt: skip
    have = {r["figure"] for r in result["rows"]}
    return [n for n in names if n in have]


def write_comparison(
    folder: Path, study: Study, result: dict[str, Any], source: str | None = None
) -> None:
    """Write table.csv/json, recovery.png, key_figures.png and report.html into ``folder``."""

    def fill(tmp: Path) -> None:
        _common(tmp, study, source)
        _write_json(tmp / "table.json", result)
        rows = [[r[c] for c in COMPARE_COLUMNS] for r in result["rows"]]
        _write_csv(tmp / "table.csv", COMPARE_COLUMNS, rows)
        runs = {label: study.curves(label) for label in result["plans"]}  # colours by plan
        figures.recovery(
            study.scenario,
            runs,
            study.baselines(),
            BIN_SECONDS,
            tmp / "recovery.png",
            most_delayed(study, result["reference"]),
        )
        figures.key_figures(result["rows"], result["plans"], key_figure_names(result),
                            tmp / "key_figures.png")  # fmt: skip
        write_report(tmp, study.scenario)

    fill(Path(folder))


def _common(tmp: Path, study: Study, source: str | None) -> None:
    """What every results folder holds: the scenario as run and its timeline."""
    if source is not None:
        (tmp / "scenario.yaml").write_text(source, encoding="utf-8")
    figures.timeline(study.scenario, study.plans, tmp / "timeline.png")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def _write_csv(path: Path, columns: list[str], rows) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)
