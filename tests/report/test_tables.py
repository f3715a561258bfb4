"""The rows of the tables, shared by the terminal, the report and the workbook."""

from __future__ import annotations

from bordersim.report.tables import (
    OVERVIEW_HEAD,
    TRANSIT_HEAD,
    crossing_rows,
    overview_rows,
    ranking_head,
    ranking_rows,
    recovery_rows,
    transit_rows,
)


def test_rows_per_plaza_and_class_recovery_and_crossing(small_study):
    study, _ = small_study
    results = study.results("nothing")
    (plaza,) = transit_rows(results)
    assert [row[1] for row in plaza] == ["all", "car", "truck"]
    assert all(len(row) == len(TRANSIT_HEAD) for row in plaza)
    assert plaza[0][0] == "amb into the US"  # one naming: "into the US", "into Canada"
    assert "min" in plaza[0][3]  # durations in hours and minutes, never bare decimals
    (recovery,) = recovery_rows(results, "none")
    assert recovery[0] == "amb into the US"
    assert recovery[1] == "closure, Tue 04 Mar 10:00 to Tue 04 Mar 13:00"
    assert crossing_rows(results)[0][0] == "amb" and crossing_rows(results)[-1][0] == "region"
    (overview,) = overview_rows(results)
    assert len(overview) == len(OVERVIEW_HEAD) and "km, Tue 04 Mar 13:" in overview[1]


def test_the_ranking_says_better_or_worse_with_the_reference_named(small_study):
    _, result = small_study
    head, rows = ranking_head(result), ranking_rows(result)
    assert head[3] == "against 'nothing'" and head[-1].startswith("amb into the US")
    assert [r[1] for r in rows] == result.ranking
    by_plan = {r[1]: r for r in rows}
    assert by_plan["nothing"][3] == "reference"
    text, verdict = by_plan["more_booths"][3]
    assert verdict == "better" and text.endswith("better") and "%)" in text
