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


def test_vehicles_make_no_reference_cycles():
    """The run switches the cyclic garbage collector off (it would only rescan live
    objects): right only while vehicles are freed by reference counting. The model itself
    is a cycle once the run ends, holding the vehicles still in it, and no others."""
    import gc

    from bordersim.model.vehicle import Vehicle

    base = load_scenario(SCENARIOS / "cascade-gateway.yaml")
    left = {}
    for days in (1, 3):
        s = base.model_copy(update={"horizon": days * 86400.0})
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            r = simulate(s, plan="advised_to_divert")
            arrived = sum(row["arrived"] for p in r.plazas for row in p.accounting.values())
            del r
            gc.collect()
            left[days] = sum(isinstance(o, Vehicle) for o in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert left[days] < 0.02 * arrived
    assert left[3] < 2 * left[1] + 100  # not growing with the vehicles run
    assert gc.isenabled()


def test_arrivals_made_into_vehicles_a_slice_at_a_time_change_nothing(monkeypatch):
    """A day's draws become vehicles a slice at a time (memory for regions of thousands
    of plazas): the run is the same whatever the slice."""
    from bordersim.model import simulation

    s = load_scenario(SCENARIOS / "ambassador-closure.yaml")
    whole = simulate(s, record_vehicles=True)
    monkeypatch.setattr(simulation._Feeder, "SLICE", 7)
    sliced = simulate(s, record_vehicles=True)
    for a, b in zip(whole.plazas, sliced.plazas, strict=True):
        assert a.records == b.records and a.accounting == b.accounting


def _same_plazas(a, b) -> None:
    """Two runs' plazas, field by field, to the last bit."""
    import numpy as np

    assert [p.key for p in a.plazas] == [p.key for p in b.plazas]
    for p, q in zip(a.plazas, b.plazas, strict=True):
        assert p.accounting == q.accounting and p.records == q.records
        assert p.vehicle_seconds == q.vehicle_seconds and p.gave_up_seconds == q.gave_up_seconds
        for name in p.series:
            np.testing.assert_array_equal(p.series[name], q.series[name])
        for name in ("arrivals", "transit_sum", "transit_n", "gave_up", "released", "diverted"):
            np.testing.assert_array_equal(getattr(p, name), getattr(q, name))
        for s, t in zip(p.transit, q.transit, strict=True):
            assert (s.count, s.total, s.total_sq, s.maximum) == (
                t.count,
                t.total,
                t.total_sq,
                t.maximum,
            )
            np.testing.assert_array_equal(s.hist, t.hist)
    assert a.on_detour == b.on_detour


@pytest.mark.parametrize("events", [False, True])
def test_a_regions_plazas_simulated_apart_give_the_whole_region_model(events):
    """Without diversions, plazas never touch each other: simulated a plaza at a time (as
    simulate does) or in sections of plazas (to run side by side) and joined, they give
    what one model of the whole region gives, to the last bit, down to every vehicle's
    number and times."""
    from bordersim.model.simulation import RegionModel, joined, sections
    from bordersim.scenario import compile_scenario

    s = load_scenario(SCENARIOS / "niagara-region.yaml").model_copy(update={"horizon": 20 * 3600.0})
    region = RegionModel(compile_scenario(s, None, events), 2, record_vehicles=True).run()
    _same_plazas(simulate(s, 2, apply_events=events, record_vehicles=True), region)
    cut = sections(s, None, events, 3)
    assert len(cut) == 3 and sorted(i for c in cut for i in c) == list(range(len(s.demand)))
    parts = [simulate(s, 2, apply_events=events, record_vehicles=True, plazas=c) for c in cut]
    assert [len(p.plazas) for p in parts] == [len(c) for c in cut]
    _same_plazas(joined(parts, cut), region)


def test_a_run_that_diverts_traffic_is_not_cut_into_sections():
    from bordersim.model.simulation import sections

    s = load_scenario(SCENARIOS / "niagara-region.yaml")
    diverting = [p for p, actions in s.plans.items() if any(a.type == "divert" for a in actions)]
    assert diverting
    n = len(list(s.plazas()))
    assert sections(s, diverting[0], True, 4) == [list(range(n))]
    with pytest.raises(ValueError, match="diverts"):
        simulate(s, plan=diverting[0], plazas=[0])


def test_plazas_no_event_touches_are_the_baselines():
    """Given the baseline, a run simulates only the plazas an event or action changes; the
    others are the baseline's own results, which simulating them would give exactly."""
    from bordersim.model.simulation import RegionModel, changed
    from bordersim.scenario import compile_scenario

    s = load_scenario(SCENARIOS / "niagara-region.yaml").model_copy(update={"horizon": 20 * 3600.0})
    touched = changed(s, None)
    closed = {e.where.split(".")[0] for e in s.events}
    names = [f"{c}.{d}" for c, d, _ in s.plazas()]
    assert touched == [i for i, k in enumerate(names) if k.split(".")[0] in closed]
    baseline = simulate(s, 1, apply_events=False)
    run = simulate(s, 1, baseline=baseline)
    region = RegionModel(compile_scenario(s, None, True), 1).run()
    _same_plazas(run, region)
    for i, (p, b) in enumerate(zip(run.plazas, baseline.plazas, strict=True)):
        assert (p is b) == (i not in touched)
    # a plan's actions touch plazas too; one that diverts touches them all
    for plan, actions in s.plans.items():
        mine = changed(s, plan)
        if any(a.type == "divert" for a in actions):
            assert mine == list(range(len(names)))
        else:
            assert set(touched) <= set(mine)


@pytest.mark.parametrize(
    ("name", "plan"), [("detroit-region-blockade", "posted_every_4h"), ("benchmark-day", None)]
)
def test_every_vehicle_is_accounted_for_in_the_middle_of_a_run(name, plan):
    # Arrivals are counted a slice of the feed at a time (and whatever of a slice was
    # handed over when the plaza folds its counters, which it also does during the run):
    # stopped anywhere, even in the middle of a slice, each plaza's books balance, and its
    # arrivals are exactly the drawn ones before the clock (plus those diverted in). In a
    # region where plans divert traffic, and at one plaza, whose feed the clock runs alone.
    import numpy as np

    from bordersim.model.arrivals import PlazaArrivals
    from bordersim.model.simulation import RegionModel
    from bordersim.scenario import compile_scenario

    s = load_scenario(SCENARIOS / f"{name}.yaml")
    view = compile_scenario(s, plan)
    model = RegionModel(view)
    assert (len(model.feeds) == 1) == (name == "benchmark-day")
    drawn = {
        pv.crossing + "." + pv.direction: np.concatenate(
            [c.times for c in PlazaArrivals(view, pv, 0).chunks()]
        )
        for pv in view.plazas
    }
    day = 86400.0 if name == "benchmark-day" else 2 * 86400.0
    for until in (day / 2 + 17.3, 0.75 * day + 1234.5, day - 1000.7):
        model.advance(until)
        for p in model.plazas:
            p.fold()
            where = p.where_are_they()
            for c in range(len(p.class_names)):
                books = sum(where[k][c] for k in where) + p.released[c] + p.gave_up[c]
                assert p.arrived[c] == books + p.diverted[c], (until, p.key, c)
            fed = int(np.count_nonzero(drawn[p.key] < until))
            assert sum(p.arrived) - sum(p.diverted_in) == fed, (until, p.key)
            assert int(p.bin_arrivals.sum()) == sum(p.arrived) - sum(p.diverted)
    if plan is not None:
        assert sum(sum(p.diverted) for p in model.plazas) > 0
