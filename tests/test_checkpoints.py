"""Saved replications are data only, used only for their own study, and never block."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest

from bordersim.checkpoints import Checkpoints, fingerprint
from bordersim.results import sample_to_json
from bordersim.runner import run_replication, run_study
from tests.helpers import one_plaza


@pytest.fixture(scope="module")
def scenario():
    return one_plaza(
        horizon="10h",
        warmup="1h",
        daily=2000,
        events="[{type: closure, where: x, start: 3h, end: 4h}]",
    )


def _figures(study) -> str:
    """Every figure of every replication and plan, and each plan's merged figures."""
    return json.dumps(
        {
            p: [[sample_to_json(s) for s in study.samples(p)], study.results(p).to_json()]
            for p in study.labels
        },
        sort_keys=True,
    )


def test_a_saved_replication_reads_back_exactly(scenario, tmp_path):
    saved = Checkpoints(tmp_path, fingerprint(scenario, [None]))
    r = run_replication(scenario, 1, [None], record_vehicles=True)
    saved.save(r)
    back = saved.load()[1]
    assert back.plans["scenario"].figures == r.plans["scenario"].figures
    for key, series in r.baseline.items():
        for name, values in series.items():
            assert np.array_equal(back.baseline[key][name], values, equal_nan=True)
            assert back.baseline[key][name].dtype == values.dtype
    a, b = r.plans["scenario"].transit, back.plans["scenario"].transit
    for key in a:
        for x, y in zip(a[key], b[key], strict=True):
            assert (x.count, x.total, x.maximum) == (y.count, y.total, y.maximum)
            assert np.array_equal(x.hist, y.hist)
    assert back.vehicles == [tuple(v) for v in r.vehicles]


class _Planted:
    """Unpickling this would write a file: proof that code ran."""

    def __init__(self, proof: str):
        self.proof = proof

    def __reduce__(self):
        return (os.system, (f"touch {self.proof}",))


def test_a_planted_pickle_is_never_run(scenario, tmp_path):
    key = fingerprint(scenario, [None])
    proof = tmp_path / "code-ran"
    folder = tmp_path / "partial"
    folder.mkdir()
    payload = pickle.dumps(_Planted(str(proof)))
    (folder / "rep-00000.npz").write_bytes(payload)
    (folder / "rep-00001.pkl").write_bytes(payload)  # the old format is never read either
    np.savez(folder / "rep-00002.npz", meta=np.array([_Planted(str(proof))], dtype=object))
    saved = Checkpoints(folder, key)
    assert saved.load() == {}
    assert not proof.exists()
    assert len(saved.ignored) == 2


def test_damaged_or_foreign_checkpoints_are_ignored_and_the_study_still_resumes(scenario, tmp_path):
    key = fingerprint(scenario, [None])
    reference = _figures(run_study(scenario, [None], reps=3, jobs=1))
    saved = Checkpoints(tmp_path / "partial", key)
    run_study(scenario, [None], reps=3, jobs=1, checkpoints=saved)
    files = sorted((tmp_path / "partial").glob("rep-*.npz"))
    assert len(files) == 3
    files[0].write_bytes(files[0].read_bytes()[:200])  # truncated: a crash while writing
    other = Checkpoints(tmp_path / "other", fingerprint(scenario, [None], vehicles=True))
    other.folder.mkdir()
    other.save(run_replication(scenario, 1, [None]))
    os.replace(other.folder / "rep-00001.npz", files[1])  # another study's replication
    resumed = run_study(scenario, [None], reps=3, jobs=1, checkpoints=saved, resume=True)
    assert _figures(resumed) == reference
    assert len(saved.ignored) == 2
    assert "another study" in " ".join(saved.ignored)
    # ...and they do not block a later --resume: they were replaced when run again.
    later = Checkpoints(tmp_path / "partial", key)
    assert sorted(later.load()) == [0, 1, 2] and later.ignored == []


def test_edited_pipes_and_folders_in_place_of_saved_replications_are_ignored(scenario, tmp_path):
    key = fingerprint(scenario, [None])
    saved = Checkpoints(tmp_path / "partial", key)
    run_study(scenario, [None], reps=4, jobs=1, checkpoints=saved)
    files = sorted(saved.folder.glob("rep-*.npz"))
    # An edited value (still a valid zip of valid JSON): the checksum no longer matches.
    with np.load(files[0], allow_pickle=False) as z:
        parts = {k: z[k] for k in z.files}
    meta = json.loads(str(parts["meta"]))
    meta["plans"]["scenario"]["figures"][0][1] = "oops"
    parts["meta"] = np.array(json.dumps(meta))
    np.savez(files[0], **parts)
    files[1].unlink()
    os.mkfifo(files[1])  # a pipe: reading it would wait for ever
    files[2].unlink()
    files[2].mkdir()  # a folder in the way
    assert sorted(saved.load()) == [3]
    assert len(saved.ignored) == 3 and "edited" in saved.ignored[0]
    assert saved.count() == 2  # files, readable or not: the damaged one is run again
    resumed = run_study(scenario, [None], reps=4, jobs=1, checkpoints=saved, resume=True)
    assert _figures(resumed) == _figures(run_study(scenario, [None], reps=4, jobs=1))
    assert saved.not_saved and "replication 3" in saved.not_saved[0]  # the folder is in the way
