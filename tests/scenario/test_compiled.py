"""The compiled view: one run's plazas with everything that touches them resolved."""

from __future__ import annotations

from bordersim.scenario import compile_scenario, parse_scenario
from tests.scenario.test_items import TWO_CROSSINGS

PLANS = (
    TWO_CROSSINGS
    + """
events:
  - {type: surge, where: a.into_us, factor: 2, start: 1h, end: 3h}
  - {type: closure, where: a, start: 2h, end: 4h}
plans:
  reopen:
    - type: phased_reopening
      where: a
      start: 4h
      steps: [{after: 0s, fraction: 0.5, tiers: 2}, {after: 1h}]
    - {type: staging, where: a.into_us, classes: [truck], per_hour: 60, start: 2h}
    - {type: patience, classes: [car], time: {mean: 2h}, where: a}
    - {type: divert, from: a.into_us, to: [b.into_us], start: 2h}
    - {type: information, update_every: 15min}
"""
)


def test_a_plan_is_resolved_per_plaza():
    s = parse_scenario(PLANS)
    view = compile_scenario(s, "reopen")
    a_us = view.plazas[0]
    assert a_us.key == "a.into_us"
    kinds = [c.item.type for c in a_us.controls]
    # the closure, then the reopening as a staffing step and closures of tier 3
    assert kinds == ["closure", "staffing", "closure"]
    assert all(c.groups == (True, True) for c in a_us.controls)
    assert [e.type for e in a_us.demand_changes] == ["surge"] and a_us.demand_changes_apply
    (staging,) = a_us.staging
    assert staging.end == s.horizon and staging.classes == (view.class_names.index("truck"),)
    assert a_us.patience["car"].mean_seconds == 7200 and a_us.patience["truck"] is None
    assert [p.patience["car"] for p in view.plazas[2:]] == [None, None]  # not at crossing b
    (divert,) = view.diversions
    assert divert.end == s.horizon and view.update_every == 900


def test_the_baseline_has_no_events_and_no_plan_but_draws_the_same_demand():
    s = parse_scenario(PLANS)
    base = compile_scenario(s, "reopen", with_events=False)
    assert base.plan is None and not base.diversions
    a_us = base.plazas[0]
    assert not a_us.controls and not a_us.staging
    assert [e.type for e in a_us.demand_changes] == ["surge"]  # same candidates...
    assert not a_us.demand_changes_apply  # ...kept as they are
