"""The simulator against queueing theory (docs/validation.md has the full table)."""

from __future__ import annotations

import pytest

from bordersim.validation import littles_law, mgc, mmc, psa
from tests.helpers import SCENARIOS


@pytest.mark.parametrize(("booths", "rho"), [(1, 0.5), (2, 0.6), (8, 0.95)])
def test_mmc_against_erlang_c_over_loads(booths, rho):
    check = mmc(booths, rho, reps=10, days=4)
    assert check.covered, (check.simulated, check.expected)
    half = (check.simulated["ci95"][1] - check.simulated["ci95"][0]) / 2
    assert half < 0.15 * check.expected  # narrow enough to mean something


@pytest.mark.parametrize("cv", [0.0, 0.5, 1.5])
def test_mgc_against_allen_cunneen(cv):
    check = mgc(4, 0.85, cv, reps=10, days=4)
    # An approximation, accurate to a few percent at this load: allow 8%.
    assert abs(check.relative_error) < 0.08, (check.simulated, check.expected)


def test_time_varying_load_against_the_pointwise_stationary_approximation():
    check = psa(6, 0.8, reps=8, days=5)
    assert abs(check.relative_error) < 0.05, (check.simulated, check.expected)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_littles_law_on_every_bundled_scenario(path):
    for row in littles_law(path):
        assert row.in_system == pytest.approx(row.rate_times_time, rel=1e-9, abs=1e-9), row
