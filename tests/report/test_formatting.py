"""Figures as people read them: never a bare mark for what cannot be computed."""

from __future__ import annotations

from bordersim.report.formatting import NONE, difference, duration, figure, money, when
from bordersim.results import (
    DELAY_COST,
    TIME_TO_RECOVER,
    TRANSIT_MAX,
    TRANSIT_MEAN,
    Context,
    Difference,
    Estimate,
    Figure,
    FigureKey,
)


def _f(values, measure=TRANSIT_MEAN):
    return Figure(FigureKey(measure), Estimate.of(values), tuple(values))


def _censored(values, beyond=19.0):
    return Figure(FigureKey(TIME_TO_RECOVER), Estimate.censored(values, beyond), tuple(values))


def test_one_replication_is_a_plain_number_and_several_a_mean_with_its_interval():
    assert figure(_f([12.345])) == "12.3"
    text = figure(_f([10.0, 12.0, 14.0]))
    assert text.startswith("12.0 ±") and "n/a" not in text
    assert figure(_f([10.0, None, 14.0])).endswith("(over 2 of 3; 1 no vehicles after the warm-up)")


def test_what_cannot_be_computed_is_never_a_number_nor_a_dash():
    assert figure(None) == NONE == "none"  # no such figure at all (no disruption there)
    assert figure(_f([None])) == "no vehicles after the warm-up"
    for text in (duration(_censored([None, None])), duration(_censored([None]))):
        assert text.startswith("> 19h 00min") and "not recovered within the horizon" in text
    assert duration(_censored([None, None])).endswith("in 2 of 2")


def test_a_time_that_some_replications_never_reach_is_a_median_not_the_lucky_ones_mean():
    # 3 of 5 never recover: the median is beyond the horizon, whatever the lucky two did
    most = duration(_censored([1.0, 2.0, None, None, None]))
    assert most == "> 19h 00min: not recovered within the horizon in 3 of 5"
    # 2 of 5 never recover: the median is the third fastest, and the two are said
    some = duration(_censored([1.0, 2.0, 3.0, None, None]))
    assert some.startswith("3h 00min (replications 1h 00min to > 19h 00min)")
    assert some.endswith("; not recovered within the horizon in 2 of 5")


def test_durations_are_in_hours_and_minutes_and_times_on_the_clock():
    assert duration(_censored([2.5])) == "2h 30min"
    assert duration(_f([8390.9], TRANSIT_MAX)) == "5d 19h 51min"
    assert duration(_f([4.5], TRANSIT_MAX)) == "4min 30s"
    ctx = Context("t", "", 0, 24.0, 0.0, "2025-03-04T06:00:00", [], [], [])
    assert when(ctx, 4.0) == "Tue 04 Mar 10:00"
    assert when(ctx, 4.0, year=True) == "Tue 04 Mar 2025 10:00"
    assert when(Context("t", "", 0, 24.0, 0.0, None, [], [], []), 4.0) == "4h 00min from the start"


def test_money_says_its_currency_or_that_none_was_set():
    cost = _f([27_400_000.0], DELAY_COST)
    assert money(cost, "CAD") == "CAD 27.4 million"
    assert money(cost, None).startswith("(currency not set)")


def test_a_difference_says_its_verdict_with_its_percentage_and_no_negative_zero():
    m = TRANSIT_MEAN
    text, verdict = difference(Difference.of([100.0, 110.0, 90.0], [80.0, 88.0, 73.0], "lower"), m)
    assert verdict == "better"
    assert text.startswith("-20min ±") and "(-20%)" in text and text.endswith("better")
    tiny, _ = difference(Difference.of([100.0, 100.0], [99.99, 99.98], "lower"), TIME_TO_RECOVER)
    assert "(0.0%)" in tiny and "-0" not in tiny and tiny.endswith("no practical difference")


def test_a_difference_against_a_plan_that_never_recovers_is_a_bound():
    better, _ = difference(
        Difference.of([None, None, None], [2.0, 2.5, 3.0], "lower", beyond=19), TIME_TO_RECOVER
    )
    assert better.startswith("at most -") and better.endswith("better")
    worse, verdict = difference(
        Difference.of([2.0, 2.5, 3.0], [None, None, None], "lower", beyond=19), TIME_TO_RECOVER
    )
    assert worse.startswith("at least +16h") and verdict == "worse"
    text, verdict = difference(
        Difference.of([None, 2.0], [None, 3.0], "lower", beyond=19), TIME_TO_RECOVER
    )
    assert verdict == text == "cannot tell within the horizon"
