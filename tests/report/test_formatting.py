"""Figures as people read them."""

from __future__ import annotations

from bordersim.report.formatting import figure, hours, when
from bordersim.results import (
    TIME_TO_RECOVER,
    TRANSIT_MEAN,
    Context,
    Estimate,
    Figure,
    FigureKey,
)


def _f(values, measure=TRANSIT_MEAN):
    return Figure(FigureKey(measure), Estimate.of(values), tuple(values))


def test_one_replication_is_a_plain_number_and_several_a_mean_with_its_interval():
    assert figure(_f([12.345])) == "12.3"
    text = figure(_f([10.0, 12.0, 14.0]))
    assert text.startswith("12.0 ±") and "n/a" not in text
    assert figure(_f([10.0, None, 14.0])).endswith("(over 2 of 3; 1 no vehicles after the warm-up)")


def test_what_cannot_be_computed_is_never_a_number():
    assert figure(None) == "-"  # no such figure at all
    assert figure(_f([None])) == "no vehicles after the warm-up"
    never = hours(_f([None, None], TIME_TO_RECOVER), "-")
    assert never == "not recovered within the horizon (2 of 2)"
    some = hours(_f([1.5, None], TIME_TO_RECOVER), "-")
    assert some == "1h 30min (over 1 of 2; 1 not recovered within the horizon)"


def test_durations_and_clock_times():
    assert hours(_f([2.5], TIME_TO_RECOVER), "-") == "2h 30min"
    ctx = Context("t", "", 0, 24.0, 0.0, "2025-03-04T06:00:00", [], [], [])
    assert when(ctx, 4.0) == "Tue 04 Mar 10:00"
    assert when(Context("t", "", 0, 24.0, 0.0, None, [], [], []), 4.0) == "4h 00min"


def test_a_difference_says_its_verdict_with_its_percentage_and_no_negative_zero():
    from bordersim.report.formatting import difference
    from bordersim.results import Difference

    text, verdict = difference(Difference.of([100.0, 110.0, 90.0], [80.0, 88.0, 73.0], "lower"))
    assert verdict == "better"
    assert text.startswith("-20 ±") and "(-19.7%)" in text and text.endswith("better")
    tiny, _ = difference(Difference.of([100.0, 100.0], [99.99, 99.98], "lower"), ",.1f")
    assert tiny.startswith("0.0 ±") and "(0.0%)" in tiny and "-0.0" not in tiny
