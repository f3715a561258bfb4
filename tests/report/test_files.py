"""The files of a results folder, each a rendering of the typed results."""

from __future__ import annotations

import csv
import json

from bordersim.report.files import write_comparison, write_results
from bordersim.results import TABLE_COLUMNS, Comparison, Results


def test_a_run_folder_holds_every_file(small_study, tmp_path):
    study, _ = small_study
    write_results(tmp_path, study, source="name: small\n")
    for name in (
        "summary.json",
        "timeseries.csv",
        "recovery.png",
        "transit.png",
        "timeline.png",
        "report.html",
        "scenario.yaml",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    data = json.loads((tmp_path / "summary.json").read_text())
    assert Results.from_json(data).to_json() == data
    assert sorted(p.name for p in (tmp_path / "replications").iterdir()) == [
        "rep-000.json",
        "rep-001.json",
        "rep-002.json",
    ]


def test_a_comparison_table_has_a_row_per_figure_and_plan(small_study, tmp_path):
    study, result = small_study
    write_comparison(tmp_path, study, result)
    with (tmp_path / "table.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == TABLE_COLUMNS
    assert len(rows) == len(result.rows) * len(result.plans)
    reference = [r for r in rows if r["plan"] == result.reference]
    assert all(r["diff_mean"] == "" for r in reference)  # no difference to itself
    data = json.loads((tmp_path / "table.json").read_text())
    assert Comparison.from_json(data).ranking == result.ranking
