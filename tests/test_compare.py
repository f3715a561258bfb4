"""Plans compared on common random numbers, on the bundled exercise."""

from __future__ import annotations

import pytest

from bordersim.compare import RANK_BY, compare, figure_values
from bordersim.intervals import unpaired_half_width
from bordersim.runner import run_study
from bordersim.scenario import load_scenario
from tests.helpers import SCENARIOS


@pytest.fixture(scope="module")
def exercise():
    s = load_scenario(SCENARIOS / "ambassador-exercise.yaml")
    assert len(s.plans) >= 3
    study = run_study(s, list(s.plans), reps=5, jobs=2)
    return study, compare(study)


def _row(result, figure, plan):
    return next(r for r in result["rows"] if r["figure"] == figure and r["plan"] == plan)


def test_common_random_numbers_make_paired_intervals_narrower(exercise):
    study, result = exercise
    ref = result["reference"]
    for plan in study.labels[1:]:
        a = [figure_values(s)[RANK_BY] for s in study.summaries(ref)]
        b = [figure_values(s)[RANK_BY] for s in study.summaries(plan)]
        row = _row(result, RANK_BY, plan)
        paired = (row["diff_high"] - row["diff_low"]) / 2
        assert paired < 0.6 * unpaired_half_width(a, b), plan


def test_surge_staffing_beats_doing_nothing_clearly(exercise):
    _, result = exercise
    row = _row(result, RANK_BY, "surge_staffing")
    assert row["clear"] and row["diff_high"] < 0
    assert result["ranking"][0] == "surge_staffing"
    assert result["ranking"].index("phased_by_tier") > result["ranking"].index("do_nothing")


def test_triage_shortens_tier_one_transit(exercise):
    _, result = exercise
    figure = "ambassador into_us: mean transit, priority (min)"
    row = _row(result, figure, "triage_by_tier")
    assert row["clear"] and row["diff_mean"] < 0


def test_every_plan_and_figure_has_a_row(exercise):
    study, result = exercise
    figures = {r["figure"] for r in result["rows"]}
    assert {(f, p) for f in figures for p in study.labels} == {
        (r["figure"], r["plan"]) for r in result["rows"]
    }
    assert all(r["n"] + r["missing"] == 5 for r in result["rows"])
