"""The terminal tables: what a planner reads after a run or a comparison."""

from __future__ import annotations

from rich.console import Console

from bordersim.report.console import print_comparison, print_summary


def _printed(fn, data) -> str:
    console = Console(record=True, width=200)
    fn(data, console)
    return console.export_text()


def test_a_run_prints_transit_recovery_and_the_accounting(small_study):
    study, _ = small_study
    text = _printed(print_summary, study.results("nothing"))
    assert "transit time" in text and "recovery against baseline" in text
    assert "amb into_us" in text and "Tue 04 Mar 10:00 to Tue 04 Mar 13:00" in text
    assert "mean ±95% CI over 3 replications" in text
    assert "arrived =" in text and "released +" in text


def test_a_comparison_ranks_plans_and_marks_clear_differences(small_study):
    _, result = small_study
    text = _printed(print_comparison, result)
    cells = [line.strip("│ ").split("│") for line in text.splitlines() if line.startswith("│")]
    rows = [r for r in cells if len(r) > 3 and r[0].strip()]  # not wrapped cells' next lines
    assert [r[1].strip() for r in rows] == result.ranking
    better = result.row(result.ranked_by).differences["more_booths"]
    assert better.clear and better.estimate.mean < 0  # more booths: less delay, clearly
    assert rows[0][1].strip() == "more_booths" and rows[0][3].strip().endswith("better")
    assert "%)" in rows[0][3]  # the difference also as a percentage of the reference
