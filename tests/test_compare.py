"""Plans compared on common random numbers, on the bundled exercise."""

from __future__ import annotations

import pytest

from bordersim.compare import RANK_BY, compare
from bordersim.intervals import unpaired_half_width
from bordersim.results import TRANSIT_MEAN, FigureKey, Place
from bordersim.runner import run_study
from bordersim.scenario import load_scenario
from tests.helpers import SCENARIOS


@pytest.fixture(scope="module")
def exercise():
    s = load_scenario(SCENARIOS / "ambassador-exercise.yaml")
    assert len(s.plans) >= 3
    study = run_study(s, list(s.plans), reps=5, jobs=2)
    return study, compare(study)


def test_common_random_numbers_make_paired_intervals_narrower(exercise):
    study, result = exercise
    ref = result.reference
    for plan in study.labels[1:]:
        a = [s[RANK_BY] for s in study.samples(ref)]
        b = [s[RANK_BY] for s in study.samples(plan)]
        paired = result.row(RANK_BY).differences[plan].estimate.half_width
        assert paired < 0.6 * unpaired_half_width(a, b), plan


def test_surge_staffing_beats_doing_nothing_clearly(exercise):
    _, result = exercise
    d = result.row(RANK_BY).differences["surge_staffing"]
    assert d.clear and d.estimate.high < 0
    assert result.ranking[0] == "surge_staffing"
    assert result.ranking.index("phased_by_tier") > result.ranking.index("do_nothing")


def test_triage_shortens_tier_one_transit(exercise):
    _, result = exercise
    key = FigureKey(TRANSIT_MEAN, Place("ambassador", "into_us"), "priority")
    d = result.row(key).differences["triage_by_tier"]
    assert d.clear and d.estimate.value < 0


def test_every_plan_and_figure_has_a_row(exercise):
    study, result = exercise
    for row in result.rows:
        assert list(row.by_plan) == study.labels
        assert set(row.differences) == set(study.labels[1:])
        assert all(f.estimate.n + f.missing == 5 for f in row.by_plan.values())


def test_the_comparison_survives_its_json(exercise):
    _, result = exercise
    from bordersim.results import Comparison

    back = Comparison.from_json(result.to_json())
    assert back.to_json() == result.to_json()
    assert back.ranking == result.ranking


def test_better_and_worse_are_said_and_tiny_differences_do_not_count(exercise):
    _, result = exercise
    from bordersim.results import BETTER, NO_PRACTICAL, WORSE

    d = result.row(RANK_BY).differences
    assert d["surge_staffing"].verdict == BETTER and d["surge_staffing"].relative < -0.2
    assert d["phased_by_tier"].verdict == WORSE and d["phased_by_tier"].relative > 0.3
    # Sharing car booths changes total delay by well under 1%: clear or not, it does not
    # matter, and is never briefed as better or worse.
    assert d["share_car_booths"].verdict == NO_PRACTICAL
    assert abs(d["share_car_booths"].relative) < 0.01


def test_plazas_by_delay_are_the_reference_plans_order():
    """The report draws the plazas most delayed under the reference first, taken from the
    comparison (not from the reference's figures computed again)."""
    s = load_scenario(SCENARIOS / "niagara-region.yaml").model_copy(update={"horizon": 24 * 3600.0})
    plans = list(s.plans)[:2]
    study = run_study(s, plans, reps=2, jobs=1)
    result = compare(study)
    order = result.plazas_by_delay()
    assert order == study.results(result.reference).plazas_by_delay()
    assert len(order) == len(result.context.plazas) and order[0] == result.worst_plaza()
