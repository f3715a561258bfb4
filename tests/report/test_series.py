"""timeseries.csv: one row per plaza and bin, medians across replications."""

from __future__ import annotations

import numpy as np

from bordersim.report.series import TIMESERIES_COLUMNS, timeseries


def test_rows_per_bin_with_medians_across_replications(small_study):
    study, _ = small_study
    columns, rows = timeseries(
        study.scenario, study.curves("nothing"), study.baselines(), study.bin_seconds
    )
    assert columns[: len(TIMESERIES_COLUMNS)] == TIMESERIES_COLUMNS
    assert len(rows) == int(study.scenario.horizon / study.bin_seconds)
    q = columns.index("queue_km")
    k = 70  # a bin in the closure
    values = [c["amb.into_us"]["queue_km"][k] for c in study.curves("nothing")]
    assert rows[k][q] == round(float(np.median(np.asarray(values, dtype=float))), 4)
    assert rows[0][1] == "2025-03-04T06:00"
