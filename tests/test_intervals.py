import math

import numpy as np
import pytest
from scipy import stats

from bordersim.intervals import (
    _order_statistic_rank,
    mean_ci,
    median_censored,
    paired_difference,
    paired_difference_censored,
    unpaired_half_width,
)


def test_mean_ci_is_the_t_interval():
    x = [10.0, 12.0, 9.0, 11.0, 13.0]
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    m = mean_ci(x)
    assert m["mean"] == pytest.approx(11.0)
    assert m["ci95"] == pytest.approx([lo, hi])


def test_missing_values_are_counted_not_averaged():
    m = mean_ci([2.0, None, 4.0])
    assert m["mean"] == 3.0 and m["n"] == 2 and m["missing"] == 1
    assert mean_ci([None, None])["mean"] is None


def test_paired_difference_sees_what_unpaired_cannot():
    rng = np.random.default_rng(0)
    shared = rng.normal(100, 20, 10)  # noise both plans share (common random numbers)
    a = shared + rng.normal(0, 1, 10)
    b = shared - 5 + rng.normal(0, 1, 10)
    d = paired_difference(list(a), list(b))
    assert d["clear"] and d["ci95"][1] < 0
    half = (d["ci95"][1] - d["ci95"][0]) / 2
    assert half < unpaired_half_width(list(a), list(b)) / 5


def test_the_median_interval_covers_at_least_95_percent_from_six_replications():
    for n in range(1, 60):
        k = _order_statistic_rank(n)
        coverage = 1 - 2 * stats.binom.cdf(k - 1, n, 0.5) if k else 0.0
        assert k == 0 or coverage >= 0.95, n
        # and k is the largest that does: one more would fall under 95%
        assert 1 - 2 * stats.binom.cdf(k, n, 0.5) < 0.95 or k + 1 > n // 2, n
    assert _order_statistic_rank(5) == 0 and _order_statistic_rank(6) == 1
    assert _order_statistic_rank(10) == 2


def test_a_censored_median_counts_what_did_not_recover_as_beyond_the_bound():
    m = median_censored([3.0, 1.0, None, 2.0, None], bound=10.0)
    assert m["median"] == 3.0 and m["n"] == 3 and m["missing"] == 2
    assert m["ci95"] is None and m["range"] == [1.0, None]  # under six: the range only
    m = median_censored([1.0, 2.0, 3.0, 4.0, 5.0, None, None, None, None, None], bound=10.0)
    assert m["median"] is None  # half or more beyond: so is the median
    m = median_censored([float(i) for i in range(1, 11)], bound=20.0)
    assert m["median"] == 5.5 and m["ci95"] == [2.0, 9.0]


def test_a_difference_with_one_side_beyond_the_horizon_is_a_sound_bound():
    # the plan never recovers, the reference does in about 2 h: worse by at least 8 h
    d = paired_difference_censored([2.0, 2.2, 1.8], [None, None, None], bound=10.0)
    assert d["bound"] == "at least" and d["comparable"] and d["clear"]
    assert d["mean"] == pytest.approx(8.0)
    # lower bounds that fall on both sides of zero prove nothing
    d = paired_difference_censored([9.0, 9.5, 12.0], [None, None, 1.0], bound=10.0)
    assert d["bound"] == "at least" and not d["clear"]
    # both beyond in one replication: nothing can be said
    d = paired_difference_censored([None, 2.0], [None, 3.0], bound=10.0)
    assert not d["comparable"] and not d["clear"]
    # no censoring: the plain paired difference
    exact = paired_difference_censored([1.0, 2.0, 3.0], [2.0, 3.1, 3.9], bound=10.0)
    assert (
        exact["bound"] is None
        and exact["ci95"] == paired_difference([1.0, 2.0, 3.0], [2.0, 3.1, 3.9])["ci95"]
    )


def test_the_t_quantile_is_scipy_stats_own_bit_for_bit():
    """intervals' t quantile (its table up to 200 degrees of freedom, scipy.special's
    stdtrit beyond, neither loading scipy.stats) gives scipy.stats.t.ppf's numbers."""
    from scipy.special import stdtrit as scipys

    from bordersim.intervals import stdtrit

    for df in [*range(1, 400), 517.25, 1e4, 123456.5, 3.5, 150.5]:
        assert stdtrit(df, 0.975) == scipys(df, 0.975) == stats.t.ppf(0.975, df), df
    assert stdtrit(10, 0.9) == stats.t.ppf(0.9, 10)  # not in the table
    # a Welch df of 0/0 or an endless one: scipy's answers, not an error from the table
    assert math.isnan(stdtrit(float("nan"), 0.975))
    assert stdtrit(float("inf"), 0.975) == scipys(float("inf"), 0.975)
