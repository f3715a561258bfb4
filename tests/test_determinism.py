"""The determinism matrix: the same figures whatever runs them, however often."""

from __future__ import annotations

import json

import pytest

from bordersim import runner
from bordersim.checkpoints import Checkpoints, fingerprint
from bordersim.results import sample_to_json
from bordersim.runner import run_study
from bordersim.scenario import load_scenario
from tests.helpers import SCENARIOS


@pytest.fixture(scope="module")
def scenario():
    s = load_scenario(SCENARIOS / "ambassador-exercise.yaml")
    return s.model_copy(update={"horizon": 30 * 3600.0})


def _figures(study) -> str:
    """Every figure of every replication and plan, and each plan's merged figures."""
    return json.dumps(
        {
            p: [[sample_to_json(s) for s in study.samples(p)], study.results(p).to_json()]
            for p in study.labels
        },
        sort_keys=True,
    )


def test_same_figures_on_every_executor_and_after_resuming(scenario, tmp_path, monkeypatch):
    plans = list(scenario.plans)
    reference = _figures(run_study(scenario, plans, reps=4, jobs=1))
    assert _figures(run_study(scenario, plans, reps=4, jobs=1)) == reference  # repeated
    assert _figures(run_study(scenario, plans, reps=4, jobs=2)) == reference  # more workers
    pytest.importorskip("dask.distributed")
    assert _figures(run_study(scenario, plans, reps=4, dask_local=2)) == reference  # Dask

    saved = Checkpoints(tmp_path / "partial", fingerprint(scenario, plans))
    real = runner.run_replication

    def stop_at_3(s, index, *args, **kw):
        if index == 3:
            raise KeyboardInterrupt
        return real(s, index, *args, **kw)

    monkeypatch.setattr(runner, "run_replication", stop_at_3)
    with pytest.raises(KeyboardInterrupt):
        run_study(scenario, plans, reps=4, jobs=1, checkpoints=saved)
    monkeypatch.setattr(runner, "run_replication", real)
    assert saved.count() == 3
    resumed = run_study(scenario, plans, reps=4, jobs=2, checkpoints=saved, resume=True)
    assert _figures(resumed) == reference  # resumed, on another number of workers
