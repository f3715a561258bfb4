"""Each event type moves the figures the way it should, against the baseline."""

from __future__ import annotations

import pytest

from bordersim.model.simulation import simulate
from bordersim.results import (
    ARRIVED,
    BACKLOG,
    EXCESS_DELAY,
    REGION,
    REGION_ACCOUNTING,
    TIME_TO_CLEAR,
    TRANSIT_MEAN,
    TRANSIT_P95,
    FigureKey,
)
from tests.helpers import SCENARIOS, one_plaza, run_once

WINDOW = "start: 8h, end: 12h"


def _run(event: str, **kw):
    s = one_plaza(
        booths=4, daily=4 * 0.7 / 60 * 86400, horizon="1d", warmup="1h", events=f"[{event}]", **kw
    )
    return run_once(s, record_vehicles=True)


def test_no_events_means_run_equals_baseline():
    s = one_plaza(booths=2, daily=1000, horizon="1d")
    out = run_once(s)
    assert out.baseline is out.run
    assert out.results.context.plazas[0].disruption is None
    assert out.results.get(BACKLOG, out.results.context.plazas[0].place) is None
    assert out.figure(EXCESS_DELAY) == 0


def test_closure_stops_releases_and_leaves_a_backlog():
    out = _run(f"{{type: closure, where: x, {WINDOW}}}")
    starts = [v.primary_start_s for v in out.run.plazas[0].records if v.primary_start_s]
    assert not any(8 * 3600 < t < 12 * 3600 for t in starts)
    from bordersim.results import RECOVERED

    assert out.figure(BACKLOG) > 500 and out.figure(RECOVERED) == 1
    assert out.figure(TIME_TO_CLEAR) > 0
    assert out.figure(TRANSIT_MEAN) > 3 * out.figure(TRANSIT_MEAN, baseline=True)
    assert out.figure(EXCESS_DELAY) > 500


def test_surge_brings_more_vehicles_and_longer_transit():
    out = _run(f"{{type: surge, where: x.into_us, factor: 1.8, {WINDOW}}}")
    base_arrived = sum(r["arrived"] for r in out.baseline.plazas[0].accounting.values())
    assert out.figure(ARRIVED) > base_arrived * 1.1
    assert out.figure(TRANSIT_MEAN) > out.figure(TRANSIT_MEAN, baseline=True)


def test_staffing_cut_closes_booths_and_slows_everyone():
    out = _run(f"{{type: staffing, where: x.into_us, fraction: 0.5, {WINDOW}}}")
    open_run = out.run.plazas[0].series["booths_open"]
    open_base = out.baseline.plazas[0].series["booths_open"]
    assert open_run[100:140].max() == 2 and open_base[100:140].min() == 4
    assert out.figure(TRANSIT_P95) > out.figure(TRANSIT_P95, baseline=True)


def test_alert_lengthens_inspection_and_refers_more():
    sec = "secondary: {officers: 4, bays: 8}"
    out = _run(
        f"{{type: alert, where: x, service_factor: 1.3, referral_factor: 5, {WINDOW}}}",
        secondary=sec,
        referral=0.03,
    )
    baseline = simulate(out.scenario, apply_events=False, record_vehicles=True)

    def share_referred(r) -> float:  # among vehicles whose primary started in the window
        rows = [
            v
            for v in r.plazas[0].records
            if v.primary_start_s is not None and 8 * 3600 <= v.primary_start_s < 12 * 3600
        ]
        return sum(v.referred for v in rows) / len(rows)

    assert share_referred(out.run) == pytest.approx(5 * share_referred(baseline), rel=0.35)
    assert out.figure(TRANSIT_MEAN) > out.figure(TRANSIT_MEAN, baseline=True)


def test_outage_slows_inspection_only_while_it_lasts():
    out = _run(f"{{type: outage, where: x.into_us.cars, service_factor: 2, {WINDOW}}}")
    assert out.figure(TRANSIT_MEAN) > out.figure(TRANSIT_MEAN, baseline=True)
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
    out = run_once(s)
    assert out.figure(TRANSIT_MEAN, "truck") > 5 * out.figure(TRANSIT_MEAN, "truck", True)
    booths = out.run.plazas[0].series["booths_open"]
    assert booths[100:140].max() == 4 and booths[:90].min() == 8  # truck booths closed
    car = out.figure(TRANSIT_MEAN, "car")
    assert car == pytest.approx(out.figure(TRANSIT_MEAN, "car", True))


def test_seed_option_overrides_the_file():
    s = one_plaza(daily=2000, horizon="1d")
    a = run_once(s, seed=5).results.to_json()
    b = run_once(s.model_copy(update={"seed": 5})).results.to_json()
    assert a == b and a["seed"] == 5


# --------------------------------------------------------------------------- studies
def _study_summaries(**kw) -> str:
    import json

    from bordersim.results import sample_to_json
    from bordersim.runner import run_study

    s = one_plaza(
        booths=3,
        daily=3500,
        horizon="1d",
        warmup="1h",
        events="[{type: closure, where: x, start: 8h, end: 10h}]",
    )
    study = run_study(s, [None], reps=3, **kw)
    samples = [sample_to_json(x) for x in study.samples("scenario")]
    return json.dumps([samples, [r.index for r in study.replications]])


def test_same_results_in_process_on_a_pool_and_on_dask():
    pytest.importorskip("dask.distributed")
    alone = _study_summaries(jobs=1)
    assert _study_summaries(jobs=2) == alone
    assert _study_summaries(dask_local=2) == alone


def test_replications_differ_from_each_other():
    import json

    from bordersim.results import sample_from_json

    samples = [sample_from_json(s) for s in json.loads(_study_summaries(jobs=1))[0]]
    key = next(k for k in samples[0] if k.measure == TRANSIT_MEAN and k.place.is_plaza)
    assert len({s[key] for s in samples}) == 3


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_runs_every_plan(path):
    """A short stretch of each bundled scenario, with each of its plans, end to end."""
    from bordersim.runner import run_study
    from bordersim.scenario import load_scenario

    s = load_scenario(path)
    short = s.model_copy(update={"horizon": min(s.horizon, 30 * 3600.0), "warmup": 0.0})
    study = run_study(short, [None, *short.plans], reps=1, jobs=1)
    for label in study.labels:
        sample = study.samples(label)[0]
        acc = {m.name: sample[FigureKey(m, REGION)] for m in REGION_ACCOUNTING}
        assert acc["arrived"] > 0
        assert acc["arrived"] == sum(v for k, v in acc.items() if k not in ("arrived", "diverted"))


def test_curves_kept_for_the_first_replications_only_figures_for_all(monkeypatch, tmp_path):
    """A large study keeps curves (for bands) for its first CURVE_REPLICATIONS replications;
    its figures use every replication, and the recovery figure says how many it draws."""
    from bordersim import runner
    from bordersim.report import figures
    from bordersim.report.series import lines
    from bordersim.report.sketch import sketch

    monkeypatch.setattr(runner, "CURVE_REPLICATIONS", 2)
    s = one_plaza(
        daily=3000,
        horizon="8h",
        warmup="1h",
        events="[{type: closure, where: x, start: 3h, end: 4h}]",
    )
    study = runner.run_study(s, [None], reps=4, jobs=1)
    assert study.curve_replications == 2
    assert study.curve("scenario", "x.into_us", "queue_km").shape[0] == 2
    assert study.curve(runner.BASELINE, "x.into_us", "queue_km").shape[0] == 2
    assert study.tables["scenario"].matrix().shape[0] == 4
    assert study.results("scenario").replications == 4

    titles = []
    monkeypatch.setattr(figures, "_title", lambda fig, text: titles.append(text))
    runs = {"scenario": {"x.into_us": lines(study, "scenario", "x.into_us", spread=True)}}
    base = {"x.into_us": lines(study, runner.BASELINE, "x.into_us", spread=False)}
    figures.recovery(
        sketch(s, [None]),
        runs,
        base,
        study.bin_seconds,
        tmp_path / "r.png",
        n_reps=study.curve_replications,
        of_reps=4,
    )
    assert "over the first 2 of 4 replications" in titles[0]


def test_a_single_run_split_across_workers_gives_the_same_figures_and_curves():
    """With fewer replications than workers, a replication's baseline and plans run in
    separate workers and are put together in the main process: nothing changes."""
    import numpy as np

    from bordersim.results import sample_to_json
    from bordersim.runner import BASELINE, run_study
    from bordersim.scenario import load_scenario

    s = load_scenario(SCENARIOS / "ambassador-exercise.yaml").model_copy(
        update={"horizon": 12 * 3600.0}
    )
    plans = [None, *list(s.plans)[:2]]
    alone = run_study(s, plans, reps=1, jobs=1)
    split = run_study(s, plans, reps=1, jobs=2)
    assert split.executor == "local (2 processes)" and alone.executor == "local (1 process)"
    for label in alone.labels:
        assert [sample_to_json(x) for x in split.samples(label)] == [
            sample_to_json(x) for x in alone.samples(label)
        ]
    for label in [*alone.labels, BASELINE]:
        a, b = alone.curves(label), split.curves(label)
        assert a[0].keys() == b[0].keys()
        for plaza in a[0]:
            for name, values in a[0][plaza].items():
                np.testing.assert_array_equal(b[0][plaza][name], values)


def test_a_regions_single_run_cut_into_sections_of_plazas_gives_the_same_figures(monkeypatch):
    """A region's run without diversions is cut into sections of plazas that run side by
    side (on more cores than runs) and are joined here, the disrupted run's untouched
    plazas taken from the baseline: figures and curves unchanged."""
    import numpy as np

    from bordersim import runner
    from bordersim.model.simulation import changed
    from bordersim.results import sample_to_json
    from bordersim.runner import BASELINE, run_study
    from bordersim.scenario import load_scenario

    s = load_scenario(SCENARIOS / "niagara-region.yaml").model_copy(update={"horizon": 16 * 3600.0})
    monkeypatch.setattr(runner, "SECTION_VEHICLES", 1000)  # this short run is cut too
    parts, cut = runner._parts(s, [None], [0], cores=2)
    # the baseline in two sections; the disrupted run only where the events are (its
    # other plazas are the baseline's, to the last bit)
    touched = changed(s, None)
    assert 0 < len(touched) < len(list(s.plazas()))
    assert sorted(i for c in cut[None] for i in c) == touched and len(cut[None]) == 2
    assert len(cut[BASELINE]) == 3 and len(parts) == 5  # about three parts a process
    alone = run_study(s, [None], reps=1, jobs=1)
    split = run_study(s, [None], reps=1, jobs=2)
    assert split.executor == "local (2 processes)" and alone.executor == "local (1 process)"
    assert [sample_to_json(x) for x in split.samples("scenario")] == [
        sample_to_json(x) for x in alone.samples("scenario")
    ]
    for label in ("scenario", BASELINE):
        a, b = alone.curves(label)[0], split.curves(label)[0]
        assert list(a) == list(b)
        for plaza in a:
            for name, values in a[plaza].items():
                np.testing.assert_array_equal(b[plaza][name], values)


def test_a_small_study_runs_here_unless_jobs_says_otherwise():
    """A worker takes longer to start than a small study takes to run: by default it runs
    in this process; --jobs N is obeyed."""
    from bordersim.runner import WORTH_A_WORKER, _vehicles, run_study

    s = one_plaza(
        booths=3,
        daily=3500,
        horizon="12h",
        events="[{type: closure, where: x, start: 2h, end: 3h}]",
    )
    assert _vehicles(s, [None]) * 2 < WORTH_A_WORKER
    assert run_study(s, [None], reps=2).executor == "local (1 process)"
    assert run_study(s, [None], reps=2, jobs=2).executor == "local (2 processes)"


def test_replications_past_the_curve_cap_are_saved_without_curves(monkeypatch, tmp_path):
    """--resume's files stay small past CURVE_REPLICATIONS, and a resumed study gives the
    same figures and keeps the same curves."""
    from bordersim import runner
    from bordersim.checkpoints import Checkpoints

    monkeypatch.setattr(runner, "CURVE_REPLICATIONS", 1)
    s = one_plaza(daily=3000, horizon="6h", warmup="1h")
    import numpy as np

    cp = Checkpoints(tmp_path / "saved", "study")
    first = runner.run_study(s, [None], reps=3, jobs=1, checkpoints=cp)
    saved = sorted((tmp_path / "saved").glob("rep-*.npz"))
    assert len(saved) == 3
    with_curves, *without = [p.stat().st_size for p in saved]
    curve_bytes = 2 * 10 * 72 * 4  # baseline and run, ten curves or more, 72 bins, float32
    assert all(with_curves - size >= curve_bytes for size in without)
    again = runner.run_study(s, [None], reps=3, jobs=1, checkpoints=cp, resume=True)
    assert cp.reused == 3
    np.testing.assert_array_equal(
        again.tables["scenario"].matrix(), first.tables["scenario"].matrix()
    )
    assert again.curve_replications == 1
    np.testing.assert_array_equal(
        again.curve("scenario", "x.into_us", "queue_km"),
        first.curve("scenario", "x.into_us", "queue_km"),
    )
