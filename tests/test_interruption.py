"""Ctrl-C or SIGTERM stops cleanly with nothing half-written; --resume finishes the job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim import runner
from bordersim.cli import main
from tests.helpers import ROOT, SCENARIOS
from tests.test_cli import PLANS


def _plans_file(tmp_path: Path) -> Path:
    f = tmp_path / "plans.yaml"
    f.write_text(PLANS.replace("trucks: {booths: 3,", "trucks: {booths: 4, open: 3,"))
    return f


def test_resumed_study_gives_the_figures_of_an_uninterrupted_one(tmp_path, monkeypatch):
    f = _plans_file(tmp_path)
    real = runner.run_replication

    def interrupted_at_2(scenario, index, *args, **kw):
        if index == 2:
            raise KeyboardInterrupt
        return real(scenario, index, *args, **kw)

    out = tmp_path / "results" / "cmp"
    monkeypatch.setattr(runner, "run_replication", interrupted_at_2)
    r = CliRunner().invoke(
        main, ["compare", str(f), "--reps", "4", "--jobs", "1", "--out", str(out), "-q"]
    )
    assert r.exit_code == 130
    assert "2 of 4 replications are saved" in r.stderr and "--resume" in r.stderr
    assert not out.exists()
    monkeypatch.setattr(runner, "run_replication", real)

    r = CliRunner().invoke(
        main, ["compare", str(f), "--reps", "4", "--jobs", "1", "--out", str(out), "-q", "--resume"]
    )
    assert r.exit_code == 0, r.output
    assert not (out.parent / ".bordersim").exists()  # cleared once results are written
    fresh = tmp_path / "fresh"
    r = CliRunner().invoke(main, ["compare", str(f), "--reps", "4", "--out", str(fresh), "-q"])
    assert r.exit_code == 0
    assert (out / "table.json").read_text() == (fresh / "table.json").read_text()


def test_resume_ignores_replications_of_another_study(tmp_path, monkeypatch):
    f = _plans_file(tmp_path)
    real = runner.run_replication
    calls = []
    stop = {"at": 1}

    def counting(scenario, index, *args, **kw):
        calls.append(index)
        if index == stop["at"]:
            raise KeyboardInterrupt
        return real(scenario, index, *args, **kw)

    out = tmp_path / "r"
    monkeypatch.setattr(runner, "run_replication", counting)
    r = CliRunner().invoke(
        main, ["run", str(f), "--reps", "3", "--jobs", "1", "--out", str(out), "-q"]
    )
    assert r.exit_code == 130 and "1 of 3 replications are saved" in r.stderr
    calls.clear()
    stop["at"] = None
    # A different seed is a different study: nothing saved may be reused.
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(f),
            "--reps",
            "3",
            "--jobs",
            "1",
            "--seed",
            "9",
            "--out",
            str(out),
            "-q",
            "--resume",
        ],
    )
    assert r.exit_code == 0 and calls == [0, 1, 2]


def _saved(folder: Path) -> list[Path]:
    return list(folder.glob(".bordersim/partial-*/rep-*.npz"))


def test_sigterm_stops_a_parallel_compare_cleanly_and_resume_completes(tmp_path):
    scenario = SCENARIOS / "ambassador-exercise.yaml"
    out = tmp_path / "results" / "exercise"
    cmd = [
        sys.executable,
        "-m",
        "bordersim",
        "compare",
        str(scenario),
        "--reps",
        "6",
        "--jobs",
        "2",
        "--out",
        str(out),
        "-q",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240  # generous: the machine may be loaded
    while time.monotonic() < deadline and not _saved(out.parent) and p.poll() is None:
        time.sleep(0.1)
    assert _saved(out.parent), "no replication finished in time"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists()
    assert not list(out.parent.glob(".bordersim/tmp-*"))
    saved = len(_saved(out.parent))
    assert 1 <= saved < 6

    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    table = json.loads((out / "table.json").read_text())
    assert table["replications"] == 6 and not _saved(out.parent)


def _children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigkill_of_the_main_process_leaves_no_process_behind(tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "bordersim",
        "compare",
        str(SCENARIOS / "ambassador-exercise.yaml"),
        "--reps",
        "6",
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "out"),
        "-q",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 3:
        workers = _children_of(p.pid)
        time.sleep(0.1)
    # two simulating workers and the drawing process (bordersim.report.drawing)
    assert len(workers) == 3, "the workers did not start"
    time.sleep(1.0)  # let them get into a replication
    p.kill()
    p.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers outlived the main process"


@pytest.mark.parametrize("after", [0.2, 0.5, 0.9, 1.4, 2.0])
def test_ctrl_c_at_any_moment_of_a_parallel_study_prints_no_traceback(tmp_path, after):
    cmd = [
        sys.executable,
        "-m",
        "bordersim",
        "compare",
        str(SCENARIOS / "ambassador-exercise.yaml"),
        "--reps",
        "4",
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "out"),
        "-q",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # A session of its own, signalled as a group: as a terminal's Ctrl-C reaches a command.
    p = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    time.sleep(after)
    os.killpg(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode in (130, 0), err  # 0 only if it had already finished
    assert "Traceback" not in err and "Error" not in err, err
    assert not (tmp_path / "out").exists() or p.returncode == 0
    assert not list(tmp_path.glob(".bordersim/tmp-*"))


def test_an_interruption_while_a_replication_is_saved_waits_for_it(tmp_path):
    """Ctrl-C in the middle of saving a replication: the file is finished, then we stop."""
    from bordersim.checkpoints import Checkpoints
    from bordersim.runner import run_replication
    from tests.helpers import one_plaza

    s = one_plaza(horizon="6h", warmup="0")
    r = run_replication(s, 0, [None])
    saved = Checkpoints(tmp_path, "f" * 64)
    import bordersim.checkpoints as cp

    real = cp.write

    def interrupted_midway(f, *a, **k):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the zip file is being written
        time.sleep(0.05)
        return real(f, *a, **k)

    cp.write = interrupted_midway
    try:
        with pytest.raises(KeyboardInterrupt):
            saved.save(r)
    finally:
        cp.write = real
    assert list(saved.load()) == [0] and saved.ignored == []  # whole, and readable
    assert [p.name for p in tmp_path.iterdir()] == ["rep-00000.npz"]


def _command(tmp_path, *extra):
    return [
        sys.executable,
        "-m",
        "bordersim",
        "run",
        str(SCENARIOS / "ambassador-closure.yaml"),
        "--out",
        str(tmp_path / "out"),
        *extra,
    ]


def test_a_full_or_closed_standard_output_is_one_line_not_a_bug(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        p = subprocess.run(
            _command(tmp_path), stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=300
        )
    assert p.returncode == 2, p.stderr
    assert p.stderr.strip().splitlines() == [
        "error: cannot write to standard output: No space left on device"
    ]
    closed = subprocess.run(
        _command(tmp_path / "b"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=lambda: os.close(1),
    )
    assert "Traceback" not in closed.stderr and closed.returncode in (0, 2), closed.stderr
    head = subprocess.run(
        " ".join([*_command(tmp_path / "c"), "| head -c 10"]),
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert head.stderr.strip() == "", head.stderr


def test_an_interruption_that_a_library_turns_into_its_own_error_is_still_one(
    tmp_path, monkeypatch
):
    from bordersim import interrupts
    from bordersim.report import files

    def swallowed(*_a, **_k):
        interrupts.request()  # Ctrl-C arrived, and openpyxl made it a ValueError
        raise ValueError("Invalid bounding box")

    monkeypatch.setattr(files, "write_workbook", swallowed)
    r = CliRunner().invoke(
        main,
        ["run", str(SCENARIOS / "ambassador-closure.yaml"), "-q", "--out", str(tmp_path / "o")],
    )
    assert r.exit_code == 130, r.output
    assert "internal error" not in r.output and not (tmp_path / "o").exists()


def test_an_interruption_while_results_are_put_in_place_says_they_are_complete(
    tmp_path, monkeypatch
):
    from bordersim import folders

    real = folders.Workspace._final_name

    def signal_now(self):
        os.kill(os.getpid(), signal.SIGINT)  # held until the results are in place
        time.sleep(0.05)
        return real(self)

    monkeypatch.setattr(folders.Workspace, "_final_name", signal_now)
    out = tmp_path / "o"
    r = CliRunner().invoke(
        main, ["run", str(SCENARIOS / "ambassador-closure.yaml"), "-q", "--out", str(out)]
    )
    assert r.exit_code == 130, r.output
    assert "results were complete" in r.stderr
    assert (out / "summary.json").exists() and not list(tmp_path.glob(".bordersim/partial-*/*"))


def test_ctrl_c_that_a_library_turns_into_its_own_error_while_loading_still_exits_130(
    monkeypatch,
):
    """pydantic, building a validator while Ctrl-C arrives, wraps the exit in a SchemaError:
    the command must still end as interrupted (130), not with a traceback."""
    import bordersim.__main__ as entry
    from bordersim import interrupts

    class Loading:
        def __getattr__(self, name):
            interrupts.while_starting = True  # as the early handler does
            raise RuntimeError("SchemaError: ... SystemExit: 130")

    def leave(code):
        raise SystemExit(code)

    monkeypatch.setitem(sys.modules, "bordersim.cli", Loading())
    monkeypatch.setattr(entry.signal, "signal", lambda *a: None)
    monkeypatch.setattr(entry.os, "_exit", leave)
    monkeypatch.setattr(interrupts, "while_starting", False)
    with pytest.raises(SystemExit) as stop:
        entry.main()
    assert stop.value.code == 130
