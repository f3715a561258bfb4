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
        "figures.csv",
        "results.xlsx",
        "recovery_chart.json",
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
    assert all(r["difference"] == "" for r in reference)  # no difference to itself
    assert {r["verdict"] for r in reference} == {"reference"}
    # tidy: place, class and measure each in a column of their own, nothing packed
    delay = [r for r in rows if r["measure"] == "excess_delay" and r["crossing"] == ""]
    assert {r["plan"] for r in delay} == set(result.plans) and delay[0]["unit"] == "veh-h"
    recover = [r for r in rows if r["measure"] == "time_to_recover"]
    assert {r["statistic"] for r in recover} == {"median"} and recover[0]["direction"] == "into_us"
    data = json.loads((tmp_path / "table.json").read_text())
    assert Comparison.from_json(data).ranking == result.ranking


def test_the_workbook_holds_the_headline_and_tidy_tables(small_study, tmp_path):
    from openpyxl import load_workbook

    study, result = small_study
    write_comparison(tmp_path, study, result)
    wb = load_workbook(tmp_path / "results.xlsx")
    assert wb.sheetnames == ["headline", "ranking", "every figure"]
    assert "Brief 'more_booths'" in " ".join(str(c.value) for c in wb["headline"]["B"])
    head = [c.value for c in wb["every figure"][1]]
    assert head == TABLE_COLUMNS
    assert wb["every figure"].max_row == len(result.rows) * len(result.plans) + 1
    values = [c.value for c in wb["every figure"]["K"][1:]]  # numbers stay numbers
    assert any(isinstance(v, float) for v in values)


def test_vehicles_have_clock_times_beside_seconds(small_study):
    from datetime import datetime

    from bordersim.report.series import vehicle_columns, vehicle_rows

    cols = ("vehicle", "arrival_s", "release_s", "transit_s")
    assert vehicle_columns(cols, True) == [
        "vehicle",
        "arrival_s",
        "arrival_clock",
        "release_s",
        "release_clock",
        "transit_s",
    ]
    rows = list(vehicle_rows([(1, 3600.0, None, None)], cols, datetime(2025, 3, 4, 6)))
    assert rows == [[1, 3600.0, "2025-03-04T07:00:00", None, "", None]]
