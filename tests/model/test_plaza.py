"""The plaza's rules. (The queueing core against theory, Erlang C and Little's law among
it, is checked once, in tests/test_validation.py, through bordersim.validation.)"""

from __future__ import annotations

from bordersim.model.simulation import simulate
from tests.helpers import one_plaza


def test_full_secondary_blocks_primary():
    # Everyone referred; one bay, one officer, 10 minutes each: the plaza releases at
    # most 6 vehicles an hour and the primary booths sit blocked.
    s = one_plaza(
        booths=4,
        referral=1.0,
        daily=1200,
        horizon="10h",
        warmup="0",
        secondary="secondary: {officers: 1, bays: 1, service: {dist: fixed, mean: 10min}}",
    )
    p = simulate(s).plazas[0]
    acc = p.accounting["car"]
    assert acc["released"] <= 10 * 6
    assert acc["released"] >= 10 * 6 - 2
    assert acc["at_primary"] == 4  # every booth holds a referred vehicle waiting for the bay
    assert acc["queued"] > 300


def test_a_closing_booth_finishes_its_vehicle():
    s = one_plaza(
        booths=2,
        service="{dist: fixed, mean: 10min}",
        daily=24 * 12,
        horizon="6h",
        warmup="0",
        events="[{type: staffing, where: x.into_us.cars, open: 0, start: 2h, end: 4h}]",
    )
    r = simulate(s, record_vehicles=True).plazas[0]
    rows = [v for v in r.records if v.outcome == "released"]
    started = [v.primary_start_s for v in rows]
    assert not any(7200 < t < 14400 for t in started)  # nobody starts while closed
    finishing = [v for v in rows if v.primary_start_s < 7200 < v.release_s]
    assert finishing and all(v.release_s <= 7200 + 600 + 1e-6 for v in finishing)


def test_vehicles_move_when_their_lane_group_closes():
    # NEXUS lane closes by staffing: its NEXUS cars move to the general lanes and are served.
    s = one_plaza(
        booths=3,
        daily=2000,
        horizon="8h",
        warmup="0",
        extra_groups="nexus: {booths: 1, serves: [car]}",
        events="[{type: staffing, where: x.into_us.nexus, open: 0, start: 2h, end: 8h}]",
    )
    r = simulate(s, record_vehicles=True).plazas[0]
    late_nexus = [
        v
        for v in r.records
        if v.lane_group == "nexus" and v.primary_start_s is not None and v.primary_start_s > 7200
    ]
    assert late_nexus == []
    assert r.accounting["car"]["queued"] < 50


def test_a_specialised_lane_is_preferred_when_lanes_are_empty():
    from tests.helpers import scenario

    s = scenario("""
        name: t
        horizon: 6h
        crossings:
          x:
            into_us:
              lane_groups:
                cars: {booths: 6, serves: [car, car_nexus]}
                nexus: {booths: 2, serves: [car_nexus]}
        demand:
          x.into_us: {daily: {car: 240, car_nexus: 240}, profile: flat}
    """)
    r = simulate(s, record_vehicles=True).plazas[0]
    nexus_cars = [v for v in r.records if v.cls == "car_nexus"]
    in_nexus_lane = sum(v.lane_group == "nexus" for v in nexus_cars)
    assert in_nexus_lane / len(nexus_cars) > 0.9


def test_five_minute_averages_are_the_vehicles_own_times():
    # The time-averaged series, rebuilt from each vehicle's own record: in the plaza from
    # arrival to release, queued from joining to primary (or to the end), booths open
    # from the staffing event. A busy plaza with secondary and a cut mid-bin.
    import numpy as np

    s = one_plaza(
        booths=3,
        daily=4800,
        horizon="6h",
        warmup="0",
        referral=0.2,
        secondary="secondary: {officers: 1, bays: 2, service: {dist: exponential, mean: 4min}}",
        events="[{type: staffing, where: x.into_us.cars, open: 1, start: 7350s, end: 3h}]",
    )
    p = simulate(s, record_vehicles=True).plazas[0]
    horizon, width = 6 * 3600.0, 300.0
    edges = np.arange(0.0, horizon + width, width)

    def average(spans: list[tuple[float, float]]) -> np.ndarray:
        start, end = np.array(spans).T
        overlap = np.minimum(end[:, None], edges[1:]) - np.maximum(start[:, None], edges[:-1])
        return np.clip(overlap, 0.0, None).sum(axis=0) / width

    rows = p.records
    in_plaza = [(v.arrival_s, v.release_s if v.release_s is not None else horizon) for v in rows]
    queued = [
        (v.plaza_arrival_s, v.primary_start_s if v.primary_start_s is not None else horizon)
        for v in rows
    ]
    assert p.accounting["car"]["queued"] > 0  # still queued at the end: spans run to it
    np.testing.assert_allclose(p.series["in_system"], average(in_plaza), rtol=0, atol=1e-9)
    np.testing.assert_allclose(p.series["queued"], average(queued), rtol=0, atol=1e-9)
    assert p.series["queued"].max() > 10
    open_booths = p.series["booths_open"]
    assert open_booths[23] == 3.0 and open_booths[25] == 1.0 and open_booths[36] == 3.0
    assert open_booths[24] == 2.0  # 2h00-2h05: three booths for half of it, one after
