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
