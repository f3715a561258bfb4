"""Each response-plan action changes the figures the way it should."""

from __future__ import annotations

import numpy as np

from bordersim.model.simulation import simulate
from tests.helpers import scenario

H = 3600.0
BASE = """
name: t
horizon: 1d
warmup: 1h
crossings:
  x:
    into_us:
      lane_groups:
        cars: {{booths: 8, serves: [car, car_nexus, priority], open: 5}}
        trucks: {{booths: 6, serves: [truck, truck_fast, priority], open: 4}}
demand:
  x.into_us: {{daily: {{car: 5000, truck: 2400, truck_fast: 600, priority: 150}}, profile: flat}}
events:
  - {{type: closure, where: x, start: 8h, end: 11h}}
plans:
  nothing: []
  act: [{action}]
"""


def _pair(action: str):
    s = scenario(BASE.format(action=action))
    return (
        s,
        simulate(s, plan="nothing", record_vehicles=True),
        simulate(s, plan="act", record_vehicles=True),
    )


def _mean_transit(r, cls: str) -> float:
    p = r.plazas[0]
    return p.transit[p.class_names.index(cls)].mean


def test_plans_share_the_same_vehicles():
    _, a, b = _pair("{type: priority, where: x}")
    acc = lambda r: {c: v["arrived"] for c, v in r.plazas[0].accounting.items()}  # noqa: E731
    assert acc(a) == acc(b)


def test_open_booths_adds_staff_and_cuts_delay():
    _, a, b = _pair("{type: open_booths, where: x.into_us.trucks, open: 6, start: 11h}")
    assert b.plazas[0].series["booths_open"][12 * 12 : 20 * 12].min() == 5 + 6
    assert a.plazas[0].series["booths_open"][12 * 12 : 20 * 12].max() == 5 + 4
    assert _mean_transit(b, "truck") < 0.8 * _mean_transit(a, "truck")


def test_reallocated_booths_serve_the_new_classes_only_while_in_force():
    _, a, b = _pair(
        "{type: reallocate, where: x.into_us.cars, serves: [car, truck], start: 11h, end: 15h}"
    )
    in_cars = [v for v in b.plazas[0].records if v.cls == "truck" and v.lane_group == "cars"]
    # Trucks already queued keep their lane (no jockeying); new arrivals take car booths.
    assert len(in_cars) > 20
    assert all(11 * H <= v.primary_start_s < 15 * H for v in in_cars)
    assert not any(v.cls == "truck" and v.lane_group == "cars" for v in a.plazas[0].records)
    assert _mean_transit(b, "truck") < _mean_transit(a, "truck")


def test_priority_serves_tier_one_first():
    _, a, b = _pair("{type: priority, where: x, start: 11h}")
    assert _mean_transit(b, "priority") < 0.5 * _mean_transit(a, "priority")
    assert _mean_transit(b, "truck_fast") < _mean_transit(a, "truck_fast")  # tier 2
    assert _mean_transit(b, "truck") > _mean_transit(a, "truck")  # tier 3 waits longer


def _let_on(r, classes: tuple[str, ...]) -> np.ndarray:
    """When vehicles of these classes reached the plaza (from staging, or on arrival)."""
    return np.array(
        [
            v.plaza_arrival_s
            for v in r.plazas[0].records
            if v.cls in classes and v.plaza_arrival_s is not None
        ]
    )


def test_staging_meters_trucks_on_to_the_plaza():
    action = (
        "{type: staging, where: x.into_us, classes: [truck, truck_fast], per_hour: 90,"
        " start: 8h, end: 16h}"
    )
    _, a, b = _pair(action)
    p = b.plazas[0]
    joined = _let_on(b, ("truck", "truck_fast"))
    for h in range(8, 16):  # while staging: one truck every 40 s, at most 90 an hour
        assert ((joined >= h * H) & (joined < (h + 1) * H)).sum() <= 90
    arrivals = _let_on(a, ("truck", "truck_fast"))
    assert ((arrivals >= 12 * H) & (arrivals < 13 * H)).sum() > 100  # demand above the meter
    assert p.series["staged"][10 * 12] > 100  # trucks waiting off the highway
    km_staged = p.series["queue_km"][9 * 12 : 11 * 12].mean()
    km_open = a.plazas[0].series["queue_km"][9 * 12 : 11 * 12].mean()
    assert km_staged < 0.6 * km_open  # staged trucks are not queued on the approach
    acc = p.accounting
    assert all(r["arrived"] == sum(v for k, v in r.items() if k != "arrived") for r in acc.values())


def test_staging_in_batches_releases_batches():
    action = (
        "{type: staging, where: x, classes: [truck], batch: 20, every: 30min, start: 8h, end: 16h}"
    )
    _, _, b = _pair(action)
    joined = _let_on(b, ("truck",))
    during = joined[(joined >= 8 * H) & (joined < 16 * H)]
    times, counts = np.unique(during, return_counts=True)
    assert np.all(np.isclose(np.mod(times, 1800.0), 0.0))  # only at the half hours
    assert counts.max() == 20  # in batches of at most 20, full while trucks wait


def test_phased_reopening_admits_tiers_in_steps():
    action = (
        "{type: phased_reopening, where: x, start: 11h, steps: [{after: 0h, fraction: 0.5,"
        " tiers: 1}, {after: 1h, tiers: 2}, {after: 2h}]}"
    )
    s, a, b = _pair(action)
    tiers = {c: vc.tier for c, vc in s.vehicle_classes().items()}
    rows = b.plazas[0].records

    def started(tier: int, t0: float, t1: float) -> list:
        return [
            v
            for v in rows
            if tiers[v.cls] == tier and v.primary_start_s and t0 < v.primary_start_s < t1
        ]

    assert started(1, 11 * H, 12 * H) and started(2, 12 * H, 13 * H)
    assert not started(3, 11 * H, 13 * H) and not started(2, 11 * H, 12 * H)
    # half the booths of each lane group, rounded: cars 5 -> 3, trucks 4 -> 2
    assert b.plazas[0].series["booths_open"][11 * 12 + 3] == 3 + 2
    assert _mean_transit(b, "car") > _mean_transit(a, "car")


def test_a_phased_reopening_is_closed_until_its_first_step_even_from_the_start():
    """Found by a hostile tester: one starting at 0 was never closed before its first step."""
    for start in ("0s", "1min"):
        _, _, b = _pair(
            f"{{type: phased_reopening, where: x, start: {start}, steps: [{{after: 6h}}]}}"
        )
        p = b.plazas[0]
        assert p.series["booths_open"][12 : 5 * 12].max() == 0, start  # 1h to 5h: closed
        assert p.series["booths_open"][7 * 12] > 0, start


def test_patience_makes_drivers_leave_and_keeps_the_books():
    action = "{type: patience, classes: [car], time: {dist: fixed, mean: 30min}}"
    _, a, b = _pair(action)
    p = b.plazas[0]
    car = p.accounting["car"]
    assert car["gave_up"] > 300 and a.plazas[0].accounting["car"]["gave_up"] == 0
    assert car["arrived"] == sum(v for k, v in car.items() if k != "arrived")
    waits = [
        v.primary_start_s - v.arrival_s
        for v in p.records
        if v.cls == "car" and v.primary_start_s is not None
    ]
    assert max(waits) <= 1800 + 1e-6  # nobody still waiting after 30 minutes got served
    assert _mean_transit(b, "car") < _mean_transit(a, "car")


def test_drivers_who_give_up_do_not_censor_their_arrival_bins():
    from bordersim.metrics import transit_by_arrival

    action = "{type: patience, classes: [car], time: {dist: fixed, mean: 30min}}"
    _, _, b = _pair(action)
    p = b.plazas[0]
    _, censored = transit_by_arrival(p, [p.class_names.index("car")])
    # Every car that arrived during the closure was released or gave up long before the
    # end; only the last minutes of the run can hold cars still inside.
    assert p.gave_up[0][8 * 12 : 11 * 12].sum() > 0
    assert not censored[: 23 * 12].any()
