"""The terminal: the headline first, then one short table; nothing cut at 80 columns."""

from __future__ import annotations

import re

from rich.console import Console

from bordersim.report.console import print_comparison, print_summary


def _printed(fn, data, width=200) -> str:
    console = Console(record=True, width=width)
    fn(data, console)
    return console.export_text()


def test_a_run_opens_with_what_happened_then_the_plazas_and_the_accounting(small_study):
    study, _ = small_study
    text = " ".join(_printed(print_summary, study.results("nothing")).split())
    assert text.index("Closure from Tue 04 Mar 10:00 to 13:00") < text.index("By plaza")
    assert "The queue peaked at" in text
    # the horizon ends before it recovers in every replication: said, with how many
    assert "Waits were not back to normal by the end of the run" in text and "3 of 3" in text
    assert "amb into the US" in text
    assert "arrived =" in text and "crossed +" in text


def test_a_comparison_opens_with_the_plan_to_brief_then_ranks_the_plans(small_study):
    _, result = small_study
    text = _printed(print_comparison, result)
    flat = " ".join(text.split())
    assert flat.index("Brief 'more_booths'") < flat.index("Plans ranked")
    cells = [line.strip("│ ").split("│") for line in text.splitlines() if line.startswith("│")]
    rows = [r for r in cells if len(r) > 3 and r[0].strip()]  # not wrapped cells' next lines
    assert [r[1].strip() for r in rows] == result.ranking
    better = result.row(result.ranked_by).differences["more_booths"]
    assert better.clear and better.estimate.value < 0  # more booths: less delay, clearly
    assert rows[0][1].strip() == "more_booths" and "better" in rows[0][3]


def test_nothing_is_cut_at_80_columns(small_study):
    study, result = small_study
    for fn, data in ((print_summary, study.results("nothing")), (print_comparison, result)):
        text = _printed(fn, data, width=80)
        assert "…" not in text
        assert all(len(line) <= 80 for line in text.splitlines())
    text = _printed(print_comparison, result, width=80)
    assert re.search(r"^1  more_booths$", text, re.M)  # a plan's name whole, on its line
    assert "better" in text
