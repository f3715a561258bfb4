"""The results model: estimates, missing figures and why, JSON both ways, comparisons."""

from __future__ import annotations

import pickle

import pytest

from bordersim.results import (
    EXCESS_DELAY,
    MEASURES,
    REGION,
    TIME_TO_RECOVER,
    TRANSIT_MEAN,
    Compared,
    Comparison,
    Context,
    Difference,
    Estimate,
    Figure,
    FigureKey,
    Place,
    PlazaInfo,
    Results,
    ResultsError,
    sample_from_json,
    sample_to_json,
)

PLAZA = Place("amb", "into_us")
CONTEXT = Context("t", "", 1, 24.0, 1.0, None, [], [PlazaInfo(PLAZA, 2.0, (10.0, 16.0))], ["car"])


def test_an_estimate_is_the_mean_of_what_could_be_computed_and_counts_the_rest():
    e = Estimate.of([2.0, None, 4.0, None])
    assert (e.value, e.n, e.missing) == (3.0, 2, 2)
    assert e.low < 3.0 < e.high and e.half_width == pytest.approx((e.high - e.low) / 2)
    one = Estimate.of([5.0])
    assert (one.value, one.low, one.half_width, one.missing) == (5.0, None, None, 0)
    nothing = Estimate.of([None, None])
    assert nothing.value is None and nothing.missing == 2


def test_a_figure_says_why_some_replications_cannot_give_it():
    values = [2.5, None, 1.5]
    samples = [{FigureKey(TIME_TO_RECOVER, PLAZA): v} for v in values]
    r = Results.of(CONTEXT, "scenario", samples)
    f = r.get(TIME_TO_RECOVER, PLAZA)
    # Not the mean of the two that recovered (2.0): the median, counting the third as
    # beyond the horizon (24 h - the end at 16 h - the hour recovery needs = 7 h).
    assert f.estimate.statistic == "median" and f.value == 2.5 and f.missing == 1
    assert f.estimate.beyond == 7.0 and (f.estimate.lowest, f.estimate.highest) == (1.5, None)
    assert f.why_missing == "not recovered within the horizon"
    two = Results.of(CONTEXT, "scenario", samples[:2]).get(TIME_TO_RECOVER, PLAZA)
    assert two.value is None  # half did not recover: the median is beyond the horizon
    assert r.get(TIME_TO_RECOVER) is None  # no such figure for the region
    assert f.measure.better == "lower" and f.measure.unit == "h"


def test_every_measure_is_defined_once_with_a_unit():
    assert all(m.unit and m.label for m in MEASURES.values())
    assert len({m.name for m in MEASURES.values()}) == len(MEASURES)


def test_a_measure_crosses_processes_as_the_same_object():
    key = FigureKey(EXCESS_DELAY, PLAZA, "car")
    back = pickle.loads(pickle.dumps(key))
    assert back == key and back.measure is EXCESS_DELAY


def test_results_survive_their_json():
    samples = [
        {
            FigureKey(TRANSIT_MEAN, PLAZA): 10.0,
            FigureKey(TRANSIT_MEAN, PLAZA, "car"): 11.0,
            FigureKey(TRANSIT_MEAN, PLAZA, baseline=True): 5.0,
            FigureKey(EXCESS_DELAY): 7.0,
        },
        {
            FigureKey(TRANSIT_MEAN, PLAZA): 12.0,
            FigureKey(TRANSIT_MEAN, PLAZA, "car"): None,
            FigureKey(TRANSIT_MEAN, PLAZA, baseline=True): 5.5,
            FigureKey(EXCESS_DELAY): 9.0,
        },
    ]
    r = Results.of(CONTEXT, "plan", samples)
    data = r.to_json()
    assert data["schema_version"] == 3 and data["measures"]["transit_mean"]["better"] == "lower"
    back = Results.from_json(data)
    assert back.to_json() == data
    assert back.get(TRANSIT_MEAN, PLAZA, "car").why_missing == "no vehicles after the warm-up"
    assert sample_from_json(sample_to_json(samples[1])) == samples[1]


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.__setitem__("schema_version", 1),
        lambda d: d.__setitem__("kind", "compare"),
        lambda d: d["figures"][0].__setitem__("measure", "nonsense"),
        lambda d: d["figures"][0].__setitem__("value", "12"),
    ],
)
def test_results_json_of_another_kind_or_version_is_refused(edit):
    data = Results.of(CONTEXT, "p", [{FigureKey(EXCESS_DELAY): 1.0}]).to_json()
    edit(data)
    with pytest.raises(ResultsError):
        Results.from_json(data)


def test_a_comparison_ranks_by_the_better_direction_and_names_the_worst_plaza():
    key = FigureKey(EXCESS_DELAY)
    plaza = FigureKey(EXCESS_DELAY, PLAZA)

    def fig(k, values):
        return Figure(k, Estimate.of(values), tuple(values))

    rows = [
        Compared(plaza, {"a": fig(plaza, [5.0, 6.0]), "b": fig(plaza, [1.0, 2.0])}),
        Compared(
            key,
            {"a": fig(key, [10.0, 12.0]), "b": fig(key, [4.0, 5.0])},
            {"b": Difference.of([10.0, 12.0], [4.0, 5.0])},
        ),
    ]
    c = Comparison(CONTEXT, ["a", "b"], 2, key, rows)
    assert c.ranking == ["b", "a"] and c.reference == "a"
    assert c.worst_plaza() == PLAZA
    d = c.row(key).differences["b"]
    assert d.estimate.value == pytest.approx(-6.5) and d.estimate.n == 2
    back = Comparison.from_json(c.to_json())
    assert back.to_json() == c.to_json()
    assert [r["plan"] for r in c.table_rows()] == ["a", "b", "a", "b"]
    assert REGION.label == "region" and PLAZA.label == "amb into the US"


def test_every_measure_is_documented():
    from tests.helpers import ROOT

    doc = (ROOT / "docs" / "results.md").read_text()
    assert all(f"`{name}`" in doc for name in MEASURES), [
        n for n in MEASURES if f"`{n}`" not in doc
    ]


@pytest.mark.parametrize(
    ("ref", "plan", "better", "verdict"),
    [
        ([100.0, 110.0, 90.0], [80.0, 88.0, 73.0], "lower", "better"),
        ([100.0, 110.0, 90.0], [80.0, 88.0, 73.0], "higher", "worse"),
        ([100.0, 110.0, 90.0], [101.0, 111.0, 91.0], "lower", "no practical difference"),
        ([100.0, 110.0, 90.0], [60.0, 170.0, 130.0], "lower", "not clear"),
        ([100.0, 110.0, 90.0], [120.0, 131.0, 109.0], None, "higher"),
        ([0.0, 0.0], [0.0, 0.0], "lower", "no practical difference"),
    ],
)
def test_a_difference_is_said_in_words(ref, plan, better, verdict):
    d = Difference.of(ref, plan, better)
    assert d.verdict == verdict
    assert Difference.from_json(d.to_json()) == d


def test_the_practical_threshold_is_settable():
    ref, plan = [100.0, 110.0, 90.0], [96.2, 105.9, 86.0]  # about 4% lower, clearly
    assert Difference.of(ref, plan, "lower").verdict == "no practical difference"
    assert Difference.of(ref, plan, "lower", practical=0.02).verdict == "better"


def test_a_small_mean_with_a_wide_interval_is_not_called_no_practical_difference():
    ref, plan = [100.0, 110.0, 90.0], [96.0, 105.0, 87.0]  # 4% lower, interval to 6.5%
    d = Difference.of(ref, plan, "lower")
    assert d.estimate.low < -5.0 < d.estimate.value
    assert d.verdict == "not clear"
