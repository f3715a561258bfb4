"""The files of a results folder: summaries, tables, series, figures and the report.

They are written into the folder being made (see :mod:`bordersim.folders`), which is put
in place only when complete, so an interrupted run leaves no half-written results.
Every figure file is a rendering of the typed results (:mod:`bordersim.results`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..results import (
    FIGURE_COLUMNS,
    GAVE_UP,
    MAX_QUEUE_KM,
    TABLE_COLUMNS,
    TIME_TO_RECOVER,
    TRANSIT_MEAN,
    Comparison,
    FigureKey,
    figure_rows,
)
from ..runner import BASELINE, Study
from .drawing import Drawing
from .series import (
    CHART_FILE,
    MAX_CHART_PLAZAS,
    chart_data,
    lines,
    timeseries,
    vehicle_columns,
    vehicle_rows,
)
from .sketch import sketch
from .style import MAX_CROSSINGS_DRAWN, MAX_PLAZAS_DRAWN
from .workbook import write_workbook


def write_results(
    folder: Path,
    study: Study,
    vehicles: bool = False,
    source: str | None = None,
    drawing: Drawing | None = None,
) -> None:
    """Write summary.json, figures.csv, timeseries.csv, figures, results.xlsx, the chart's
    data, report.html (and vehicles.csv).

    ``folder`` is the new, empty folder being written (see bordersim.folders), put in
    place only once complete. ``source`` is the scenario file's text as it was read for
    the run, kept as scenario.yaml so that the results say what produced them and the
    report can be rebuilt. ``drawing`` draws the figures (in a process of its own while
    this one writes the rest: see bordersim.report.drawing); without it, here.
    """
    folder = Path(folder)
    drawing = drawing or Drawing(background=False)
    label = study.labels[0]
    scenario = study.scenario
    results = study.results(label)
    drawn = [p.key for p in results.plazas_by_delay()]
    _common(folder, study, source, drawing)
    _figures(folder, study, [label], drawn, results.context, drawing)
    transit = study.transit(label)
    shown = {k: transit[k] for k in drawn[:MAX_PLAZAS_DRAWN] if k in transit}
    drawing.draw(
        "transit_distributions",
        sketch(scenario, study.plans),
        shown,
        list(scenario.vehicle_classes()),
        folder / "transit.png",
        drawn,
        len(transit),
    )
    write_workbook(folder / "results.xlsx", results, drawing)  # while the figures are drawn
    _write_json(folder / "summary.json", results.to_json())
    _write_csv(folder / "figures.csv", FIGURE_COLUMNS, figure_rows(results))
    if len(study.replications) > 1:
        (folder / "replications").mkdir()
        for r in study.replications:
            path = folder / "replications" / f"rep-{r.index:03d}.json"
            _write_json(path, study.replication_results(r, label).to_json())
    columns, rows = timeseries(study, label)
    _write_csv(folder / "timeseries.csv", columns, rows)
    if vehicles:
        start = scenario.start_datetime
        _write_csv(
            folder / "vehicles.csv",
            vehicle_columns(study.vehicle_columns, start is not None),
            vehicle_rows(study.replications[0].vehicles or [], study.vehicle_columns, start),
        )
    from .html import write_report  # (and Jinja2 loaded)

    drawing.wait()  # the report embeds the figures
    write_report(folder, study.scenario)


def _figures(
    folder: Path, study: Study, labels: list[str], drawn: list[str], ctx, drawing: Drawing
) -> None:
    """recovery.png, overview.png (regions) and the chart's data, shared by run and compare.
    The curves they draw are taken here, a plaza at a time across replications
    (series.lines), and only those lines cross to the drawing process."""
    scenario = study.scenario
    sk = sketch(scenario, study.plans)
    n_reps = len(study.replications)
    drawn_reps = study.curve_replications  # curves are kept for at most CURVE_REPLICATIONS
    chart_plazas = drawn[:MAX_CHART_PLAZAS]
    plazas = drawn[:MAX_PLAZAS_DRAWN]
    order = list(dict.fromkeys(k.split(".")[0] for k in drawn))
    regional = len(ctx.crossings) > 1
    crossings = set(order[:MAX_CROSSINGS_DRAWN]) if regional else set()
    wanted = list(
        dict.fromkeys([*chart_plazas, *(k for k in drawn if k.split(".")[0] in crossings)])
    )
    runs = {
        label: {k: lines(study, label, k, spread=k in plazas) for k in wanted} for label in labels
    }
    base = {k: lines(study, BASELINE, k, spread=False) for k in chart_plazas}
    drawing.draw(
        "recovery",
        sk,
        {label: {k: ln[k] for k in plazas} for label, ln in runs.items()},
        {k: base[k] for k in plazas},
        study.bin_seconds,
        folder / "recovery.png",
        plazas,
        len(ctx.plazas),
        drawn_reps,
        n_reps,
    )
    if regional:
        drawing.draw(
            "overview",
            sk,
            {
                label: {k: ln[k] for k in wanted if k.split(".")[0] in crossings}
                for label, ln in runs.items()
            },
            study.bin_seconds,
            folder / "overview.png",
            order[:MAX_CROSSINGS_DRAWN],
            len(order),
        )
    names = {info.place.key: ctx.name(info.place) for info in ctx.plazas}
    chart = chart_data(scenario, runs, base, study.bin_seconds, chart_plazas, names)
    _write_json(folder / CHART_FILE, chart, indent=None)


def key_figure_keys(result: Comparison) -> list[FigureKey]:
    """The figures drawn in key_figures.png: total delay, then the worst-hit plaza's time
    to recover and queue, then drivers who gave up when any did (their waits are not in
    the transit times, so a mean transit would flatter a plan that loses drivers), else
    the worst-hit plaza's mean transit."""
    worst = result.worst_plaza()
    keys = [result.ranked_by]
    if worst:
        keys += [FigureKey(m, worst) for m in (TIME_TO_RECOVER, MAX_QUEUE_KM)]
    gave_up = result.row(FigureKey(GAVE_UP))
    if gave_up is not None and any((f.value or 0) >= 0.5 for f in gave_up.by_plan.values()):
        keys.append(FigureKey(GAVE_UP))
    elif worst:
        keys.append(FigureKey(TRANSIT_MEAN, worst))
    return [k for k in keys if result.row(k) is not None]


def write_comparison(
    folder: Path,
    study: Study,
    result: Comparison,
    source: str | None = None,
    drawing: Drawing | None = None,
) -> None:
    """Write table.csv/json, results.xlsx, the figures, the chart's data and report.html."""
    folder = Path(folder)
    drawing = drawing or Drawing(background=False)
    _common(folder, study, source, drawing, list(result.plans))
    drawn = [p.key for p in result.plazas_by_delay()]
    _figures(folder, study, list(result.plans), drawn, result.context, drawing)  # by plan
    drawing.draw("key_figures", result, key_figure_keys(result), folder / "key_figures.png")
    write_workbook(folder / "results.xlsx", result, drawing)  # while the figures are drawn
    _write_json(folder / "table.json", result.to_json())
    rows = [[r[c] for c in TABLE_COLUMNS] for r in result.table_rows()]
    _write_csv(folder / "table.csv", TABLE_COLUMNS, rows)
    from .html import write_report  # (and Jinja2 loaded)

    drawing.wait()  # the report embeds the figures
    write_report(folder, study.scenario)


def _common(folder: Path, study: Study, source: str | None, drawing: Drawing, plans=None) -> None:
    """What every results folder holds: the scenario as run and its timeline (of
    ``plans``, the study's by default)."""
    if source is not None:
        (folder / "scenario.yaml").write_text(source, encoding="utf-8")
    shown = study.plans if plans is None else plans
    drawing.draw("timeline", sketch(study.scenario, shown), folder / "timeline.png")


def _write_json(path: Path, data: Any, indent: int | None = 2) -> None:
    path.write_text(json.dumps(data, indent=indent, allow_nan=False) + "\n")


def _write_csv(path: Path, columns: list[str], rows) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)
