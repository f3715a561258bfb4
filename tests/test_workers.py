"""Local worker processes, with the main process working alongside them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bordersim.workers import WorkerPool
from tests.helpers import ROOT


def quick_or_slow(item: tuple[str, str], progress=None) -> tuple[int, int]:
    """A quick task notes itself in a file; the slow one keeps calling ``progress`` until
    the quick ones it is waiting for are noted (or a minute has passed). Both give their
    process id and how many quick tasks were noted when they ended."""
    kind, log = item
    if kind == "quick":
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return os.getpid(), 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(Path(log).read_text().split()) < 3:
        if progress is not None:
            progress(0.5, "waiting")
        time.sleep(0.01)
    return os.getpid(), len(Path(log).read_text().split())


def test_the_main_process_works_and_keeps_its_worker_fed(tmp_path, monkeypatch):
    """With ``here``, this process takes the first task, and while it works the worker
    gets its next task as soon as it is done with one (not when this process is done)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the worker imports this module
    log = tmp_path / "quick.log"
    log.write_text("")
    items = [("slow", str(log)), ("quick", str(log)), ("quick", str(log)), ("quick", str(log))]
    told: list[tuple] = []
    with WorkerPool(1) as pool:
        got = list(pool.run(quick_or_slow, items, lambda *a: told.append(a), here=True))
    assert sorted(item[0] for item, _ in got) == ["quick", "quick", "quick", "slow"]
    [(main_pid, noted)] = [result for item, result in got if item[0] == "slow"]
    assert main_pid == os.getpid()  # the slow task ran here...
    assert noted == 3  # ...and the worker did the other three meanwhile
    assert {int(p) for p in log.read_text().split()} != {os.getpid()}
    assert told and all(item[0] == "slow" for item, *_ in told)  # this one's progress


def test_a_pool_without_here_leaves_the_work_to_its_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    log = tmp_path / "quick.log"
    log.write_text("")
    items = [("quick", str(log))] * 3
    with WorkerPool(2) as pool:
        pids = [pid for _, (pid, _) in pool.run(quick_or_slow, items)]
    assert len(pids) == 3 and os.getpid() not in pids
