"""Each event type moves the figures the way it should, against the baseline."""

from __future__ import annotations

import pytest

from bordersim.model.simulation import simulate
from bordersim.runner import run_scenario
from tests.helpers import SCENARIOS, one_plaza

WINDOW = "start: 8h, end: 12h"


def _all(summary):
    return summary["plazas"][0]["transit_min"]["all"]


def _run(event: str, **kw):
    s = one_plaza(booths=4, daily=4 * 0.7 / 60 * 86400, horizon="1d", warmup="1h",
                  events=f"[{event}]", **kw)  # fmt: skip
    return run_scenario(s, record_vehicles=True)


def test_no_events_means_run_equals_baseline():
    s = one_plaza(booths=2, daily=1000, horizon="1d")
    out = run_scenario(s)
    assert out.baseline is out.run
    assert out.summary["plazas"][0]["recovery"] is None
    assert out.summary["plazas"][0]["excess_delay_vehicle_hours"] == 0


def test_closure_stops_releases_and_leaves_a_backlog():
    out = _run(f"{{type: closure, where: x, {WINDOW}}}")
    starts = [v.primary_start_s for v in out.run.plazas[0].records if v.primary_start_s]
    assert not any(8 * 3600 < t < 12 * 3600 for t in starts)
    rec = out.summary["plazas"][0]["recovery"]
    assert rec["backlog_vehicles"] > 500 and rec["recovered"]
    assert rec["time_to_clear_h"] > 0
    assert _all(out.summary)["run"]["mean"] > 3 * _all(out.summary)["baseline"]["mean"]
    assert out.summary["plazas"][0]["excess_delay_vehicle_hours"] > 500


def test_surge_brings_more_vehicles_and_longer_transit():
    out = _run(f"{{type: surge, where: x.into_us, factor: 1.8, {WINDOW}}}")
    p = out.summary["plazas"][0]
    base_arrived = sum(r["arrived"] for r in out.baseline.plazas[0].accounting.values())
    assert p["arrived"] > base_arrived * 1.1
    assert _all(out.summary)["run"]["mean"] > _all(out.summary)["baseline"]["mean"]


def test_staffing_cut_closes_booths_and_slows_everyone():
    out = _run(f"{{type: staffing, where: x.into_us, fraction: 0.5, {WINDOW}}}")
    open_run = out.run.plazas[0].series["booths_open"]
    open_base = out.baseline.plazas[0].series["booths_open"]
    assert open_run[100:140].max() == 2 and open_base[100:140].min() == 4
    assert _all(out.summary)["run"]["p95"] > _all(out.summary)["baseline"]["p95"]


def test_alert_lengthens_inspection_and_refers_more():
    sec = "secondary: {officers: 4, bays: 8}"
    out = _run(f"{{type: alert, where: x, service_factor: 1.3, referral_factor: 5, {WINDOW}}}",
               secondary=sec, referral=0.03)  # fmt: skip
    baseline = simulate(out.scenario, apply_events=False, record_vehicles=True)

    def share_referred(r) -> float:  # among vehicles whose primary started in the window
        rows = [
            v
            for v in r.plazas[0].records
            if v.primary_start_s is not None and 8 * 3600 <= v.primary_start_s < 12 * 3600
        ]
        return sum(v.referred for v in rows) / len(rows)

    assert share_referred(out.run) == pytest.approx(5 * share_referred(baseline), rel=0.35)
    assert _all(out.summary)["run"]["mean"] > _all(out.summary)["baseline"]["mean"]


def test_outage_slows_inspection_only_while_it_lasts():
    out = _run(f"{{type: outage, where: x.into_us.cars, service_factor: 2, {WINDOW}}}")
    assert _all(out.summary)["run"]["mean"] > _all(out.summary)["baseline"]["mean"]
    records = out.run.plazas[0].records
    early = [v.transit_s for v in records if v.arrival_s < 6 * 3600 and v.transit_s is not None]
    baseline = simulate(out.scenario, apply_events=False, record_vehicles=True)
    early_base = [v.transit_s for v in baseline.plazas[0].records if v.arrival_s < 6 * 3600]
    assert sum(early) == pytest.approx(sum(early_base))  # before the outage: identical


def test_class_closure_only_hurts_that_class():
    from tests.helpers import scenario

    s = scenario("""
        name: t
        horizon: 1d
        warmup: 1h
        crossings:
          x:
            into_us:
              lane_groups:
                cars: {booths: 4, serves: [car]}
                trucks: {booths: 4, serves: [truck]}
        demand:
          x.into_us: {daily: {car: 2000, truck: 1000}, profile: flat}
        events:
          - {type: closure, where: x, classes: [truck], start: 8h, end: 12h}
    """)
    out = run_scenario(s)
    t = out.summary["plazas"][0]["transit_min"]
    assert t["truck"]["run"]["mean"] > 5 * t["truck"]["baseline"]["mean"]
    booths = out.run.plazas[0].series["booths_open"]
    assert booths[100:140].max() == 4 and booths[:90].min() == 8  # truck booths closed
    assert t["car"]["run"]["mean"] == pytest.approx(t["car"]["baseline"]["mean"])


def test_seed_option_overrides_the_file():
    s = one_plaza(daily=2000, horizon="1d")
    a = run_scenario(s, seed=5).summary
    b = run_scenario(s.model_copy(update={"seed": 5})).summary
    assert a == b and a["seed"] == 5


# --------------------------------------------------------------------------- studies
def _study_summaries(**kw) -> str:
    import json

    from bordersim.runner import run_study

    s = one_plaza(booths=3, daily=3500, horizon="1d", warmup="1h",
                  events="[{type: closure, where: x, start: 8h, end: 10h}]")  # fmt: skip
    study = run_study(s, [None], reps=3, **kw)
    return json.dumps([study.summaries("scenario"), [r.index for r in study.replications]])


def test_same_results_in_process_on_a_pool_and_on_dask():
    pytest.importorskip("dask.distributed")
    alone = _study_summaries(jobs=1)
    assert _study_summaries(jobs=2) == alone
    assert _study_summaries(dask_local=2) == alone


def test_replications_differ_from_each_other():
    import json

    summaries = json.loads(_study_summaries(jobs=1))[0]
    means = [s["plazas"][0]["transit_min"]["all"]["run"]["mean"] for s in summaries]
    assert len(set(means)) == 3


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_runs_every_plan(path):
    """A short stretch of each bundled scenario, with each of its plans, end to end."""
    from bordersim.runner import run_study
    from bordersim.scenario import load_scenario

    s = load_scenario(path)
    short = s.model_copy(update={"horizon": min(s.horizon, 30 * 3600.0), "warmup": 0.0})
    study = run_study(short, [None, *short.plans], reps=1, jobs=1)
    for label in study.labels:
        acc = study.summaries(label)[0]["totals"]["accounting"]
        assert acc["arrived"] > 0
        assert acc["arrived"] == sum(v for k, v in acc.items() if k not in ("arrived", "diverted"))
