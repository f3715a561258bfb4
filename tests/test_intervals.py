import numpy as np
import pytest
from scipy import stats

from bordersim.intervals import mean_ci, paired_difference, unpaired_half_width


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
