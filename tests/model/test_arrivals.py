import numpy as np
import pytest

from bordersim.model.arrivals import PlazaArrivals
from bordersim.scenario import compile_scenario
from tests.helpers import one_plaza, scenario


def _all(arrivals: PlazaArrivals):
    chunks = list(arrivals.chunks())
    return np.concatenate([ch.times for ch in chunks]), np.concatenate(
        [ch.classes for ch in chunks]
    )


def _arrivals(s, apply_events=True, replication=0):
    view = compile_scenario(s, with_events=apply_events)
    return PlazaArrivals(view, view.plazas[0], replication)


def test_counts_follow_the_hourly_profile():
    s = scenario("""
        name: t
        horizon: 20d
        crossings: {x: {into_us: {lane_groups: {g: {booths: 1, serves: [car, truck]}}}}}
        demand:
          x.into_us: {daily: {car: 2400, truck: 480}, profile: weekday}
    """)
    times, classes = _all(_arrivals(s))
    assert np.all(np.diff(times) >= 0) and times.max() < s.horizon
    assert (classes == 0).sum() / 20 == pytest.approx(2400, rel=0.02)
    # commercial weekday profile: 6.8 of 97.5 at 10:00, 1.0 of 97.5 at 02:00
    hours = (times[classes == 2] // 3600 % 24).astype(int)
    per_hour = np.bincount(hours, minlength=24) / 20
    assert per_hour[10] == pytest.approx(480 * 6.8 / 97.5, rel=0.12)
    assert per_hour[2] == pytest.approx(480 * 1.0 / 97.5, rel=0.35)


def test_a_surge_adds_vehicles_and_keeps_every_baseline_vehicle():
    s = one_plaza(
        daily=5000,
        horizon="2d",
        events="[{type: surge, where: x.into_us, factor: 2.5, start: 10h, end: 20h}]",
    )
    base, _ = _all(_arrivals(s, apply_events=False))
    surged, _ = _all(_arrivals(s, apply_events=True))
    assert set(base.tolist()) <= set(surged.tolist())  # common random numbers
    inside = lambda t: ((t >= 36000) & (t < 72000)).sum()  # noqa: E731
    assert inside(surged) / inside(base) == pytest.approx(2.5, rel=0.08)
    outside = lambda t: len(t) - inside(t)  # noqa: E731
    assert outside(surged) == outside(base)


def test_a_demand_drop_thins_the_same_vehicles():
    s = one_plaza(daily=5000, events="[{type: surge, where: x, factor: 0.2, start: 0h, end: 2d}]")
    base, _ = _all(_arrivals(s, apply_events=False))
    low, _ = _all(_arrivals(s, apply_events=True))
    assert set(low.tolist()) <= set(base.tolist())
    assert len(low) / len(base) == pytest.approx(0.2, rel=0.05)


def test_replications_differ_and_repeat():
    s = one_plaza()
    a, _ = _all(_arrivals(s, replication=0))
    b, _ = _all(_arrivals(s, replication=1))
    again, _ = _all(_arrivals(s, replication=0))
    assert not np.array_equal(a[:100], b[:100])
    assert np.array_equal(a, again)
