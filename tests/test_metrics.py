"""Recovery figures on hand-made series, where the right answer is known."""

import numpy as np
import pytest

from bordersim.metrics import backlog, band, time_to_recover

BIN = 300.0


def test_time_to_recover_waits_for_an_hour_within_tolerance():
    base = np.full(100, 600.0)  # 10 min
    x = base.copy()
    x[20:40] = 3600.0  # disrupted until bin 40
    x[45] = 3600.0  # a relapse: the clock restarts after it
    censored = np.zeros(100, bool)
    ttr = time_to_recover(x, base, censored, end=30 * BIN, bin_s=BIN)
    assert ttr == (46 - 30) * BIN


def test_tolerance_is_ten_percent_or_five_minutes():
    base = np.full(60, 6000.0)
    x = base * 1.09  # within 10%
    assert time_to_recover(x, base, np.zeros(60, bool), end=0.0, bin_s=BIN) == 0.0
    small = np.full(60, 60.0)
    assert time_to_recover(small + 290, small, np.zeros(60, bool), end=0.0, bin_s=BIN) == 0.0
    assert time_to_recover(small + 310, small, np.zeros(60, bool), end=0.0, bin_s=BIN) is None


def test_censored_bins_never_count_as_recovered():
    base = np.full(40, 600.0)
    x = np.full(40, np.nan)
    assert time_to_recover(x, base, np.ones(40, bool), end=0.0, bin_s=BIN) is None


def test_not_recovered_within_horizon_is_none():
    base = np.full(30, 600.0)
    x = np.full(30, 5000.0)
    assert time_to_recover(x, base, np.zeros(30, bool), end=0.0, bin_s=BIN) is None


def test_backlog_and_time_to_clear():
    queued = np.array([0, 0, 50, 200, 120, 40, 10, 2, 1, 0], float)
    base = np.array([0, 0, 1, 2, 2, 2, 2, 2, 2, 2], float)
    waiting, base_then, clear = backlog(queued, base, end=4 * BIN, bin_s=BIN)
    assert (waiting, base_then) == (200, 2)  # sampled at the end of bin 3, i.e. t = end
    # bin 6 ends with 10 > 2.2 queued; bin 7 ends (t = 8 bins) with 2 <= 2.2: 4 bins after end
    assert clear == pytest.approx(4 * BIN)


def test_band_is_numpys_nanquantile_bit_for_bit():
    import warnings

    rng = np.random.default_rng(5)
    for reps in (1, 2, 3, 7, 20):
        x = rng.exponential(30.0, size=(reps, 400)).astype(np.float32)
        x[rng.random(x.shape) < 0.2] = np.nan
        x[:, :5] = np.nan  # bins empty in every replication
        cens = rng.random(x.shape) < 0.1
        for q in (0.1, 0.5, 0.9):
            got = band(list(x), list(cens), q)
            y = np.where(cens, np.inf, x.astype(float))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                want = np.nanquantile(y, q, axis=0)
            want[~np.isfinite(want)] = np.nan
            assert np.array_equal(got, want, equal_nan=True), (reps, q)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                want = np.nanquantile(x.astype(float), q, axis=0)
            assert np.array_equal(band(x, None, q), want, equal_nan=True), (reps, q)
