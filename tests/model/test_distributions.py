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
