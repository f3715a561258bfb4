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


def _time_average(spans, horizon: float, weights=None, width: float = 300.0):
    """Vehicles (or their ``weights``) present on average in each bin, from their
    (start, end) spans."""
    import numpy as np

    edges = np.arange(0.0, horizon + width, width)
    start, end = np.array(spans).T
    overlap = np.minimum(end[:, None], edges[1:]) - np.maximum(start[:, None], edges[:-1])
    overlap = np.clip(overlap, 0.0, None)
    if weights is not None:
        overlap *= np.asarray(weights, dtype=float)[:, None]
    return overlap.sum(axis=0) / width


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
    horizon = 6 * 3600.0
    rows = p.records
    in_plaza = [(v.arrival_s, v.release_s if v.release_s is not None else horizon) for v in rows]
    queued = [
        (v.plaza_arrival_s, v.primary_start_s if v.primary_start_s is not None else horizon)
        for v in rows
    ]
    assert p.accounting["car"]["queued"] > 0  # still queued at the end: spans run to it
    for name, spans in (("in_system", in_plaza), ("queued", queued)):
        got, want = p.series[name], _time_average(spans, horizon)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert p.series["queued"].max() > 10
    open_booths = p.series["booths_open"]
    assert open_booths[23] == 3.0 and open_booths[25] == 1.0 and open_booths[36] == 3.0
    assert open_booths[24] == 2.0  # 2h00-2h05: three booths for half of it, one after


def test_five_minute_averages_count_drivers_who_give_up_and_staged_ones():
    # As above, where drivers give up (from the queue and from a staging area) and trucks
    # are held off the highway: a driver who gives up leaves at arrival + patience (its
    # drawn patience, read from the arrival streams); a staged truck is in the plaza from
    # arrival but queued only once let on. Booths close for an hour to make queues.
    import numpy as np

    from bordersim.model.arrivals import PlazaArrivals
    from bordersim.scenario import compile_scenario
    from tests.helpers import scenario

    s = scenario("""
        name: t
        horizon: 8h
        warmup: 0
        classes:
          car: {service: {mean: 40s}, referral: 0, patience: {mean: 25min, cv: 0.6}}
          truck: {service: {mean: 90s}, referral: 0, patience: {mean: 40min}}
        crossings:
          x:
            into_us:
              lane_groups:
                cars: {booths: 3, serves: [car]}
                trucks: {booths: 2, serves: [truck]}
        demand:
          x.into_us: {daily: {car: 6000, truck: 2200}, profile: flat}
        events:
          - {type: closure, where: x.into_us, start: 2h, end: 3h}
        plans:
          staged:
            - {type: staging, where: x.into_us, classes: [truck], per_hour: 30, start: 1h, end: 6h}
    """)
    view = compile_scenario(s, "staged")
    drawn = list(PlazaArrivals(view, view.plazas[0], 0).chunks())
    patience = np.concatenate([c.patience for c in drawn])  # by vehicle number
    p = simulate(s, plan="staged", record_vehicles=True).plazas[0]
    horizon = 8 * 3600.0
    rows = p.records

    def left(v) -> float:  # when the vehicle left the plaza (or the end)
        if v.outcome == "gave_up":
            return v.arrival_s + float(patience[v.vehicle])
        return v.release_s if v.release_s is not None else horizon

    def stopped_waiting(v) -> float:
        return v.primary_start_s if v.primary_start_s is not None else left(v)

    gave_up = [v for v in rows if v.outcome == "gave_up"]
    assert sum(v.plaza_arrival_s is None for v in gave_up) > 20  # left from staging
    assert sum(v.plaza_arrival_s is not None for v in gave_up) > 20  # left from a queue
    in_plaza = [(v.arrival_s, left(v)) for v in rows]
    joined = [v for v in rows if v.plaza_arrival_s is not None]
    queued = [(v.plaza_arrival_s, stopped_waiting(v)) for v in joined]
    metres = [view.classes[v.cls].length for v in joined]
    km = _time_average(queued, horizon, metres) / view.plazas[0].spec.approach.lanes / 1000
    np.testing.assert_allclose(p.series["in_system"], _time_average(in_plaza, horizon), atol=1e-9)
    np.testing.assert_allclose(p.series["queued"], _time_average(queued, horizon), atol=1e-9)
    np.testing.assert_allclose(p.series["queue_km"], km, atol=1e-12)
    assert p.series["staged"].max() > 20 and p.series["queued"].max() > 20
