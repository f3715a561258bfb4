"""Whole runs: every vehicle accounted for, repeatable, memory that does not grow."""

from __future__ import annotations

import tracemalloc

import pytest

from bordersim.model.simulation import simulate
from bordersim.scenario import load_scenario
from tests.helpers import SCENARIOS, one_plaza


@pytest.mark.parametrize("name", ["ambassador-closure", "ambassador-alert", "benchmark-day"])
def test_every_vehicle_is_accounted_for(name):
    s = load_scenario(SCENARIOS / f"{name}.yaml")
    r = simulate(s, record_vehicles=True)
    for p in r.plazas:
        for cls, row in p.accounting.items():
            assert row["arrived"] == sum(v for k, v in row.items() if k != "arrived"), (cls, row)
        # independently, from the per-vehicle records: one row per arrival, unique ids
        ids = [v.vehicle for v in p.records]
        assert len(ids) == len(set(ids)) == sum(row["arrived"] for row in p.accounting.values())
        outcomes = {o: sum(v.outcome == o for v in p.records) for o in ("released", "queued")}
        assert outcomes["released"] == sum(row["released"] for row in p.accounting.values())
        assert outcomes["queued"] == sum(row["queued"] for row in p.accounting.values())


def test_an_overloaded_plaza_keeps_its_queue_on_the_books():
    s = one_plaza(booths=1, daily=86400 / 30, horizon="1d", warmup="0")  # rho = 2
    acc = simulate(s).plazas[0].accounting["car"]
    assert acc["queued"] > 1000
    assert acc["arrived"] == acc["released"] + acc["queued"] + acc["at_primary"]


def test_same_seed_same_result_different_seed_different():
    s = load_scenario(SCENARIOS / "ambassador-outage.yaml")
    a, b = simulate(s).plazas[0], simulate(s).plazas[0]
    assert a.accounting == b.accounting and (a.transit_sum == b.transit_sum).all()
    c = simulate(s.model_copy(update={"seed": 99})).plazas[0]
    assert c.accounting != a.accounting


def _peak_bytes(horizon: str) -> int:
    s = one_plaza(booths=4, daily=10_000, horizon=horizon, warmup="0", service="{mean: 30s}")
    tracemalloc.start()
    simulate(s)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_the_number_of_vehicles():
    # Six more days are 60,000 more vehicles; keeping even a small record of each
    # (~200 bytes) would add 12 MB. Only 5-minute bins may grow (a few kB a day).
    growth = _peak_bytes("8d") - _peak_bytes("2d")
    assert growth < 60_000 * 20, growth
