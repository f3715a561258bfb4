import numpy as np
import pytest

from bordersim.model.distributions import service_times
from bordersim.scenario import ServiceTime

U = np.random.default_rng(3).random(400_000)


@pytest.mark.parametrize(
    ("spec", "mean", "cv"),
    [
        ({"mean": "60s"}, 60, 1.0),
        ({"mean": "2min", "cv": 0.5}, 120, 0.5),
        ({"mean": "20min", "cv": 0.8}, 1200, 0.8),
        ({"dist": "fixed", "mean": "90s"}, 90, 0.0),
        ({"values": ["30s", "60s", "90s", "180s"]}, 90, np.std([30, 60, 90, 180]) / 90),
    ],
)
def test_draws_have_the_asked_mean_and_cv(spec, mean, cv):
    x = service_times(ServiceTime.model_validate(spec), U)
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.std() / x.mean() == pytest.approx(cv, abs=0.02)


def test_same_uniform_same_quantile_across_distributions():
    """Common random numbers: a slow draw stays slow whatever the distribution."""
    u = np.array([0.1, 0.5, 0.9])
    a = service_times(ServiceTime.model_validate({"mean": "60s"}), u)
    b = service_times(ServiceTime.model_validate({"mean": "60s", "cv": 0.3}), u)
    assert np.all(np.diff(a) > 0) and np.all(np.diff(b) > 0)


def test_the_normal_quantile_is_scipys_to_the_last_bit():
    # Lognormal draws use bordersim's own normal quantile (scipy.special is slow to
    # load); it must give scipy.special.ndtri's numbers exactly, so that results do not
    # depend on which one ran: the middle, both tails, either side of each boundary.
    from scipy.special import ndtri

    from bordersim.model.distributions import normal_quantile

    rng = np.random.default_rng(11)
    exp_m2, exp_m32 = 0.13533528323661269189, float(np.exp(-32.0))
    edges = [1e-12, exp_m2, 1 - exp_m2, exp_m32, 1 - 1e-12, 0.5, 1e-300, 1e-320]
    u = np.concatenate(
        [
            rng.random(1_000_000),
            np.exp(-rng.random(100_000) * 700),  # the lower tail, down to 1e-304
            1 - np.exp(-rng.random(100_000) * 34),  # the upper tail, up to 1 - 1e-15
            edges,
            np.nextafter(edges, 0),
            np.nextafter(edges, 1),
        ]
    )
    u = u[(u > 0) & (u < 1)]
    ours, theirs = normal_quantile(u), ndtri(u)
    assert np.array_equal(ours, theirs), u[ours != theirs][:5]
    # a few at a time (a diverted vehicle's redraw) go one by one: the same numbers
    few = u[:: max(1, u.size // 20_000)]
    one_by_one = np.concatenate([normal_quantile(few[i : i + 3]) for i in range(0, few.size, 3)])
    assert np.array_equal(one_by_one, ndtri(few))
