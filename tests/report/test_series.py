"""timeseries.csv: one row per plaza and bin, medians across replications."""

from __future__ import annotations

import numpy as np

from bordersim.report.series import TIMESERIES_COLUMNS, timeseries


def test_rows_per_bin_with_medians_across_replications(small_study):
    study, _ = small_study
    columns, rows = timeseries(study, "nothing")
    rows = list(rows)
    assert columns[: len(TIMESERIES_COLUMNS)] == TIMESERIES_COLUMNS
    assert len(rows) == int(study.scenario.horizon / study.bin_seconds)
    q = columns.index("queue_km")
    k = 70  # a bin in the closure
    values = [c["amb.into_us"]["queue_km"][k] for c in study.curves("nothing")]
    assert rows[k][q] == round(float(np.median(np.asarray(values, dtype=float))), 4)
    assert rows[0][1] == "2025-03-04T06:00"


def test_curves_kept_on_disk_are_the_curves_kept_in_memory(tmp_path):
    """A study keeps its replications' curves in files (flat memory): read back a plaza
    and a curve at a time, in replication order, they are what the model gave."""
    from bordersim.runner import BASELINE, run_study
    from tests.helpers import PLANS, scenario

    s = scenario(PLANS)
    here = run_study(s, list(s.plans), reps=3, jobs=1)
    (tmp_path / "k").mkdir()
    there = run_study(s, list(s.plans), reps=3, jobs=2, keep_in=tmp_path / "k")
    assert sorted(p.name for p in (tmp_path / "k").iterdir())  # files, not memory
    for label in [*here.labels, BASELINE]:
        for name in ("queue_km", "mean_transit_min", "censored", "arrivals"):
            a = here.curve(label, "amb.into_us", name)
            b = there.curve(label, "amb.into_us", name)
            assert a.shape == (3, 288) and a.dtype == b.dtype
            assert np.array_equal(a, b, equal_nan=True), (label, name)
    assert here.results("triage").to_json() == there.results("triage").to_json()


def test_columns_are_rounded_as_pythons_round_to_the_last_bit():
    # timeseries.csv rounds whole columns in numpy; Python's round decides the numbers
    # whose scaled value lands next to a half. Written text must not change either way.
    import math

    from bordersim.report.series import rounded

    rng = np.random.default_rng(2)
    halves = (rng.integers(0, 10**7, 200_000) + 0.5) / 1e4  # scaled, next to a half
    odd = [0.0, -0.0, -1e-300, 5e-5, 1.5e-4, 2.5e-4, 1e15 + 0.3, 1e300, np.nan, np.inf, -np.inf]
    for x in (rng.random(200_000) * 10, -rng.exponential(100, 200_000), halves, np.array(odd)):
        ours = [repr(v) for v in rounded(x, 4).tolist()]
        python = [repr(round(v, 4) if math.isfinite(v) else v) for v in x.tolist()]
        assert ours == python
