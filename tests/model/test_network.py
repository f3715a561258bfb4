"""Regions: diversion conserves vehicles, stale information overshoots, neighbours fill."""

from __future__ import annotations

import numpy as np
import pytest

from bordersim.metrics import figures
from bordersim.model.simulation import simulate
from bordersim.results import (
    DIVERTED,
    DIVERTED_IN,
    EXCESS_DELAY,
    ON_DETOUR,
    REGION_ACCOUNTING,
    RELEASED,
    FigureKey,
    Place,
)
from tests.helpers import scenario

REGION = """
name: region
horizon: 1d
warmup: 1h
crossings:
  a:
    into_canada:
      lane_groups: {cars: {booths: 6, serves: [car]}, trucks: {booths: 5, serves: [truck]}}
  b:  # room for its own trucks (utilisation ~0.6), not for a's as well
    into_canada:
      lane_groups: {cars: {booths: 6, serves: [car]}, trucks: {booths: 3, serves: [truck]}}
      service: {truck: {mean: 100s, cv: 0.5}}
demand:
  a.into_canada: {daily: {car: 4000, truck: 2000}, profile: flat}
  b.into_canada: {daily: {car: 3000, truck: 1500}, profile: flat}
network:
  detours:
    - {between: [a, b], time: {car: 1h, truck: 1h15min}}
events:
  - {type: closure, where: a, start: 8h, end: 20h}
plans:
  none: []
  directed:
    - {type: divert, from: a.into_canada, to: [b.into_canada], mode: mandatory, start: 8h,
       end: 23h30min}
"""


@pytest.fixture(scope="module")
def region():
    s = scenario(REGION)
    base = simulate(s, apply_events=False)
    runs = {plan: simulate(s, plan=plan, record_vehicles=True) for plan in s.plans}
    return s, base, runs


def _accounting(sample) -> dict[str, float]:
    return {m.name: sample[FigureKey(m)] for m in REGION_ACCOUNTING}


def test_diversion_conserves_vehicles(region):
    s, base, runs = region
    r = runs["directed"]
    acc = _accounting(figures(s, r, base))
    assert acc["diverted"] > 3000 and acc["on_detour"] > 0  # some still driving at the end
    assert acc["arrived"] == sum(v for k, v in acc.items() if k not in ("arrived", "diverted"))
    assert acc["arrived"] == _accounting(figures(s, runs["none"], base))["arrived"]
    # Every vehicle has exactly one final row; diverted ones also a row where they left.
    rows = [v for p in r.plazas for v in p.records]
    final = [v.vehicle for v in rows if v.outcome != "diverted"]
    assert len(final) == len(set(final)) == acc["arrived"]
    left = {v.vehicle for v in rows if v.outcome == "diverted"}
    arrived_elsewhere = {v.vehicle for v in rows if v.diverted_from}
    assert left == arrived_elsewhere


def test_diverted_transit_includes_the_detour(region):
    _, _, runs = region
    rows = [
        v
        for p in runs["directed"].plazas
        for v in p.records
        if v.diverted_from and v.outcome == "released"
    ]
    assert rows
    assert min(v.transit_s for v in rows if v.cls == "car") >= 3600
    assert min(v.transit_s for v in rows if v.cls == "truck") >= 4500


def test_a_closure_with_diversion_fills_the_neighbour(region):
    s, base, runs = region
    b_none, b_dir = runs["none"].plazas[1], runs["directed"].plazas[1]
    assert b_dir.series["queue_km"].max() > 2 * max(b_none.series["queue_km"].max(), 0.1)
    a_none, a_dir = runs["none"].plazas[0], runs["directed"].plazas[0]
    assert a_dir.series["queue_km"].max() < 0.5 * a_none.series["queue_km"].max()
    f = figures(s, runs["directed"], base)
    a, b = Place("a"), Place("b")
    on_the_road = f[FigureKey(ON_DETOUR)]
    assert f[FigureKey(DIVERTED_IN, b)] == f[FigureKey(DIVERTED, a)] - on_the_road


def test_per_crossing_figures_sum_to_the_region(region):
    s, base, runs = region
    for r in runs.values():
        f = figures(s, r, base)
        crossings = [Place(c) for c in s.crossings]
        plazas = [Place(c, d) for c, d, _ in s.plazas()]
        total = f[FigureKey(EXCESS_DELAY)]
        assert sum(f[FigureKey(EXCESS_DELAY, c)] for c in crossings) == pytest.approx(total)
        assert sum(f[FigureKey(RELEASED, c)] for c in crossings) == f[FigureKey(RELEASED)]
        assert sum(f[FigureKey(EXCESS_DELAY, p)] for p in plazas) == pytest.approx(total)


def test_diversion_lowers_the_regions_delay(region):
    s, base, runs = region
    delay = {plan: figures(s, r, base)[FigureKey(EXCESS_DELAY)] for plan, r in runs.items()}
    assert delay["directed"] < 0.6 * delay["none"]


TWO_WAY = """
name: osc
horizon: 2d
warmup: 2h
crossings:
  a: {into_us: {lane_groups: {g: {booths: 4, serves: [car]}}}}
  b: {into_us: {lane_groups: {g: {booths: 4, serves: [car]}}}}
classes:
  car: {service: {mean: 60s}, referral: 0}
demand:
  a.into_us: {daily: {car: 6300}, profile: flat}
  b.into_us: {daily: {car: 3800}, profile: flat}
network:
  detours: [{between: [a, b], time: 10min}]
plans:
  informed:
    - {type: divert, from: a.into_us, to: [b.into_us], mode: information, compliance: 0.8}
    - {type: divert, from: b.into_us, to: [a.into_us], mode: information, compliance: 0.8}
    - {type: information, update_every: UPDATE}
"""


def _imbalance(update: str) -> tuple[float, float]:
    s = scenario(TWO_WAY.replace("UPDATE", update))
    swings, peaks = [], []
    for rep in range(3):
        r = simulate(s, rep, plan="informed")
        qa, qb = r.plazas[0].series["queued"], r.plazas[1].series["queued"]
        swings.append(np.std(qa - qb))
        peaks.append(qb.max())
    return float(np.mean(swings)), float(np.mean(peaks))


def test_stale_information_overshoots_and_fresh_information_damps_it():
    # Crossing a is overloaded, b is not. Drivers move to whichever crossing is posted as
    # faster: with posts two hours old they all pile on to the same one, then back.
    stale_swing, stale_peak = _imbalance("2h")
    fresh_swing, fresh_peak = _imbalance("5min")
    assert stale_swing > 4 * fresh_swing
    assert stale_peak > 3 * fresh_peak  # the neighbour overshoots
