"""Results folders: locks against two writers, leftovers of dead commands, markers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from bordersim.folders import (
    MARKER,
    FolderError,
    Workspace,
    destination,
    foreign_files,
    read_marker,
)
from tests.helpers import ROOT, SCENARIOS


def test_a_second_command_writing_the_same_folder_is_refused_at_once(tmp_path):
    out = tmp_path / "exercise"
    scenario = str(SCENARIOS / "ambassador-exercise.yaml")
    cmd = [
        sys.executable,
        "-m",
        "bordersim",
        "compare",
        scenario,
        "--reps",
        "4",
        "--jobs",
        "1",
        "--out",
        str(out),
        "-q",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".bordersim/tmp-*/")):
        time.sleep(0.05)
    assert first.poll() is None, "the first command ended too soon for this test"
    started = time.monotonic()
    second = subprocess.run(
        [*cmd, "--seed", "3"], capture_output=True, text=True, env=env, timeout=120
    )
    assert second.returncode == 2, second.stderr
    assert "another bordersim command is writing" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 15
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err  # the first is not disturbed
    assert (out / "table.json").exists()


def test_the_same_study_twice_at_once_is_refused(tmp_path):
    dest = destination(None, tmp_path / "results" / "s", "run")
    with Workspace(dest) as a:
        a.lock_study("f" * 64)
        with Workspace(destination(None, tmp_path / "results" / "s", "run")) as b:
            with pytest.raises(FolderError, match="running this same study"):
                b.lock_study("f" * 64)
            b.lock_study("e" * 64)  # another study of the same scenario may run


def test_leftovers_of_dead_commands_are_cleaned_and_only_those(tmp_path):
    work = tmp_path / "results" / "s" / ".bordersim"
    dead, alive = work / "tmp-20260101-000000-1-aaaaaa", work / "tmp-20260101-000000-2-bbbbbb"
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "summary.json").write_text("{}")
    (work / "made-by-bordersim").write_text("")
    holder = FileLock(work / f"{alive.name}.lock", timeout=0)
    holder.acquire()  # a live command is writing this one
    (work / "partial-0123456789abcdef").mkdir()
    (work / "partial-0123456789abcdef" / "rep-00000.npz").write_bytes(b"saved")
    try:
        with Workspace(destination(None, tmp_path / "results" / "s", "run")):
            assert not dead.exists()
            assert (alive / "summary.json").exists()
    finally:
        holder.release()
    assert (work / "partial-0123456789abcdef" / "rep-00000.npz").exists()  # kept for --resume


def test_a_workspace_that_fails_leaves_nothing(tmp_path):
    dest = destination(tmp_path / "a" / "b" / "out", tmp_path, "run")
    with pytest.raises(RuntimeError), Workspace(dest):
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def test_marker_lists_every_file_and_foreign_ones_are_found(tmp_path):
    with Workspace(destination(tmp_path / "out", tmp_path, "run")) as ws:
        assert ws.tmp is not None
        (ws.tmp / "summary.json").write_text("{}")
        (ws.tmp / "replications").mkdir()
        (ws.tmp / "replications" / "rep-000.json").write_text("{}")
        final = ws.commit({"scenario": "s"})
    marker = read_marker(final)
    assert marker is not None and marker["files"] == ["replications/rep-000.json", "summary.json"]
    assert foreign_files(final, marker) == []
    (final / "mine.txt").write_text("x")
    (final / "extra").mkdir()
    assert foreign_files(final, marker) == ["extra/", "mine.txt"]
    (final / MARKER).write_text("{broken")
    assert read_marker(final) is None


def test_a_link_of_yours_in_place_of_one_of_our_files_is_yours(tmp_path):
    """Found by a hostile tester: --overwrite removed links a user had put there."""
    with Workspace(destination(tmp_path / "out", tmp_path, "run")) as ws:
        assert ws.tmp is not None
        (ws.tmp / "summary.json").write_text("{}")
        (ws.tmp / "figures.csv").write_text("x")
        final = ws.commit({"scenario": "s"})
    marker = read_marker(final)
    (final / "figures.csv").unlink()
    (tmp_path / "my.csv").write_text("mine")
    (final / "figures.csv").symlink_to(tmp_path / "my.csv")
    assert foreign_files(final, marker) == ["figures.csv"]
    (final / "figures.csv").unlink()
    (final / "figures.csv").mkdir()  # a folder where a file of ours was
    assert foreign_files(final, marker) == ["figures.csv/"]


@pytest.mark.parametrize("out", ["", ".", "..", "./", "a/.."])
def test_dot_folders_and_empty_names_are_refused(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FolderError):
        destination(out, Path("results"), "run")


def test_the_scenario_file_is_never_inside_a_folder_to_replace(tmp_path):
    results = tmp_path / "r"
    results.mkdir()
    (results / "s.yaml").write_text("name: s")
    with pytest.raises(FolderError, match="holds"):
        destination(results, tmp_path, "run", overwrite=True, protect=(results / "s.yaml",))


# ------------------------------------------------------------------ found by a hostile user
def test_a_dot_bordersim_folder_of_yours_is_never_touched(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bordersim.cli import main

    monkeypatch.chdir(tmp_path)
    mine = tmp_path / ".bordersim"
    (mine / "tmp-notes").mkdir(parents=True)
    (mine / "tmp-notes" / "n.txt").write_text("notes")
    (mine / "db.lock").write_text("data")
    scenario = str(SCENARIOS / "ambassador-closure.yaml")
    for out in (["--out", "res"], ["--out", ".bordersim/tmp-keep"], ["--out", "x/.bordersim"]):
        r = CliRunner().invoke(main, ["run", scenario, "-q", *out])
        assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output
    assert (mine / "tmp-notes" / "n.txt").read_text() == "notes"
    assert (mine / "db.lock").read_text() == "data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bordersim"]


def test_a_latest_link_of_yours_is_left_alone(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bordersim.cli import main

    monkeypatch.chdir(tmp_path)
    study = tmp_path / "results" / "ambassador-closure"
    (study / "my-pick").mkdir(parents=True)
    (study / "latest-run").symlink_to("my-pick")
    r = CliRunner().invoke(main, ["run", str(SCENARIOS / "ambassador-closure.yaml"), "-q"])
    assert r.exit_code == 0, r.output
    assert os.readlink(study / "latest-run") == "my-pick"


def test_results_being_replaced_when_a_command_died_are_put_back(tmp_path):
    results = tmp_path / "r"
    with Workspace(destination(results, tmp_path, "run")) as ws:
        assert ws.tmp is not None
        (ws.tmp / "summary.json").write_text("old results")
        ws.commit({})
    # A command with --overwrite died between its two renames: the old folder is in the
    # working folder with a note of where it belongs, and the new one never arrived.
    work = tmp_path / ".bordersim"
    work.mkdir()
    (work / "made-by-bordersim").write_text("")
    os.rename(results, work / "old-0badf00d")
    (work / "old-0badf00d.json").write_text(json.dumps({"dest": str(results.resolve())}))
    with Workspace(destination(None, tmp_path / "other", "run")):
        pass  # another command elsewhere: not this working folder
    with Workspace(destination(tmp_path / "new", tmp_path, "run")):
        assert (results / "summary.json").read_text() == "old results"
        assert not (work / "old-0badf00d").exists()


def test_a_report_left_half_written_does_not_block_overwrite(tmp_path):
    from click.testing import CliRunner

    from bordersim.cli import main

    scenario = str(SCENARIOS / "ambassador-closure.yaml")
    out = tmp_path / "r"
    assert CliRunner().invoke(main, ["run", scenario, "-q", "--out", str(out)]).exit_code == 0
    (out / ".report-u1k1mtaz.html").write_text("<html>half")  # a report command killed
    r = CliRunner().invoke(main, ["run", scenario, "-q", "--out", str(out), "--overwrite"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", ["a" * 250, "b" * 300])
def test_long_folder_names_are_used_or_refused_in_one_line(tmp_path, name):
    from click.testing import CliRunner

    from bordersim.cli import main

    out = tmp_path / name
    r = CliRunner().invoke(
        main, ["run", str(SCENARIOS / "ambassador-closure.yaml"), "-q", "--out", str(out)]
    )
    if len(name) <= 255:
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output


def test_a_deleted_current_folder_is_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bordersim.cli import main

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    scenario = str(SCENARIOS / "ambassador-closure.yaml")
    r = CliRunner().invoke(main, ["run", scenario, "-q"])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output
    r = CliRunner().invoke(main, ["run", scenario, "-q", "--out", str(tmp_path / "abs")])
    assert r.exit_code == 0, r.output
