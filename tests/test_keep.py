"""What a study keeps: figure rows and curve files read back in replication order, the
same from files as from memory."""

from __future__ import annotations

import numpy as np

from bordersim.keep import CurveFiles, FigureTable
from bordersim.results import GAVE_UP, REGION, TRANSIT_MEAN, FigureKey, Place


def _curves(r: int) -> dict[str, dict[str, np.ndarray]]:
    return {
        plaza: {
            "queue_km": np.arange(5, dtype=np.float32) + 10 * r + i,
            "censored": np.array([r % 2 == 0, False, True, False, False]),
        }
        for i, plaza in enumerate(("a.into_us", "a.into_canada"))
    }


def test_figure_rows_come_back_in_replication_order_with_missing_as_none():
    table = FigureTable()
    first, later = FigureKey(GAVE_UP, REGION), FigureKey(TRANSIT_MEAN, Place("a", "into_us"))
    table.add(2, {first: 3.0})
    table.add(0, {first: None, later: 1.5})  # a key first seen in a later row
    table.add(1, {first: 7.0, later: 2.5})
    m = table.matrix()
    assert m.shape == (3, 2)
    np.testing.assert_array_equal(m[:, 0], [np.nan, 7.0, 3.0])
    np.testing.assert_array_equal(m[:, 1], [1.5, 2.5, np.nan])  # row 2 never had it
    assert table.sample(0) == {first: None, later: 1.5}
    assert table.sample(2) == {first: 3.0, later: None}


def test_curves_from_files_are_those_kept_in_memory_in_replication_order(tmp_path):
    on_disk, in_memory = CurveFiles(tmp_path), CurveFiles()
    for r in (3, 0, 2, 1):  # the order replications finish in varies
        on_disk.add("plan", r, _curves(r))
        in_memory.add("plan", r, _curves(r))
    assert on_disk.count("plan") == in_memory.count("plan") == 4
    assert on_disk.count("other") == in_memory.count("other") == 0
    for name in ("queue_km", "censored"):
        a = on_disk.matrix("plan", "a.into_canada", name)
        np.testing.assert_array_equal(a, in_memory.matrix("plan", "a.into_canada", name))
    queue = on_disk.matrix("plan", "a.into_canada", "queue_km")
    np.testing.assert_array_equal(queue[:, 0], [1, 11, 21, 31])
    censored = on_disk.matrix("plan", "a.into_us", "censored")
    assert censored.dtype == bool and censored[:, 0].tolist() == [True, False, True, False]
    assert len(on_disk.curves("plan")) == 4
