import numpy as np
import pytest

from bordersim.stats import TransitStats


@pytest.mark.parametrize("q", [0.5, 0.9, 0.95, 0.99])
def test_percentiles_within_half_a_percent_of_exact(q):
    rng = np.random.default_rng(7)
    x = rng.lognormal(np.log(600), 1.2, 200_000)
    s = TransitStats()
    for v in x:
        s.add(float(v))
    exact = np.quantile(x, q)
    assert abs(s.quantile(q) - exact) / exact < 0.006
    assert s.count == x.size
    assert s.mean == pytest.approx(x.mean(), rel=1e-9)
    assert s.maximum == x.max()


def test_merge_equals_one_stream():
    rng = np.random.default_rng(1)
    x = rng.exponential(300, 10_000)
    a, b, whole = TransitStats(), TransitStats(), TransitStats()
    for v in x[:4000]:
        a.add(float(v))
    for v in x[4000:]:
        b.add(float(v))
    for v in x:
        whole.add(float(v))
    a.merge(b)
    assert a.summary() == whole.summary()


def test_empty_stats_report_nothing():
    assert TransitStats().summary()["mean"] is None
