"""The rows of a run's tables, shared by the terminal and the report."""

from __future__ import annotations

from bordersim.report.tables import TRANSIT_HEAD, crossing_rows, recovery_rows, transit_rows


def test_rows_per_plaza_and_class_recovery_and_crossing(small_study):
    study, _ = small_study
    results = study.results("nothing")
    (plaza,) = transit_rows(results)
    assert [row[1] for row in plaza] == ["all", "car", "truck"]
    assert all(len(row) == len(TRANSIT_HEAD) for row in plaza)
    (recovery,) = recovery_rows(results, "none")
    assert recovery[0] == "amb into_us" and recovery[1] == "Tue 04 Mar 10:00 to Tue 04 Mar 13:00"
    assert crossing_rows(results)[0][0] == "amb"
