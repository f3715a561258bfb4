from bordersim.model.controls import PlazaControls
from bordersim.scenario import compile_scenario
from tests.helpers import scenario

S = """
name: t
horizon: 2d
crossings:
  x:
    into_us:
      lane_groups:
        cars: {booths: 10, serves: [car], open: [4,4,4,4,4,4,8,8,8,8,8,8,8,8,8,8,8,8,8,8,6,6,6,6]}
        trucks: {booths: 6, serves: [truck]}
events:
  - {type: staffing, where: x.into_us, fraction: 0.5, start: 9h, end: 15h}
  - {type: staffing, where: x.into_us.trucks, open: 1, start: 12h, end: 13h}
  - {type: closure, where: x, classes: [truck], start: 14h, end: 16h}
  - {type: alert, where: x.into_us, service_factor: 2, referral_factor: 3, start: 10h, end: 20h}
  - {type: outage, where: x.into_us.cars, service_factor: 1.5, start: 11h, end: 12h}
"""


def _controls(apply=True):
    s = scenario(S)
    view = compile_scenario(s, with_events=apply)
    return PlazaControls(view, view.plazas[0])


def test_schedule_and_overlapping_events_combine():
    pc = _controls()
    cars, trucks = pc.state(8 * 3600)
    assert (cars.open, trucks.open) == (8, 6)
    cars, trucks = pc.state(9.5 * 3600)  # half staffing
    assert (cars.open, trucks.open) == (4, 3)
    cars, trucks = pc.state(11.5 * 3600)  # + alert everywhere, outage on cars only
    assert cars.service_factor[0] == 3.0 and trucks.service_factor[2] == 2.0
    assert cars.referral_factor[0] == 3.0
    _, trucks = pc.state(12.5 * 3600)  # a number sets the count
    assert trucks.open == 1
    cars, trucks = pc.state(14.5 * 3600)  # trucks closed, cars not
    assert trucks.closed == frozenset({2}) and cars.closed == frozenset({2})
    cars, trucks = pc.state(21 * 3600)
    assert (cars.open, trucks.open) == (6, 6) and trucks.closed == frozenset()


def test_change_times_cover_schedule_and_events():
    times = _controls().change_times()
    for t in (0, 6, 9, 10, 11, 12, 13, 14, 15, 16, 20, 24 + 6):
        assert t * 3600 in times


def test_baseline_ignores_events():
    cars, trucks = _controls(apply=False).state(12.5 * 3600)
    assert (cars.open, trucks.open) == (8, 6) and trucks.service_factor[2] == 1.0
