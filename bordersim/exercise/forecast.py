"""Forecasts from the situation now: replications that share the past and differ after.

A forecast answers "if nothing more is done": from the model as it stands (the vehicles
now queued, the booths now open), each replication draws its own arrivals from now on
(:meth:`RegionModel.branch`) and runs a few hours ahead. The median and a 10-90% band
over the replications are what the room sees.

Where the operating system can fork (Linux, macOS), each replication is a child process
forked from the model at its clock: it starts from the very situation, with no need to
simulate the past again, and the replications run side by side on the machine's cores.
The child computes, writes its curves to a pipe and exits at once (``os._exit``), so it
touches nothing of the parent's (threads, files, locks). Without fork (Windows) each
replication rebuilds the situation by simulating the past again: the same figures,
slower.

Replication ``k`` of every forecast from one situation draws the same future, so a
candidate decision and no decision are compared on common random numbers.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.simulation import BIN_SECONDS, RegionModel

Build = Callable[[], RegionModel]  # a model of the same situation, advanced to its clock


@dataclass
class Forecast:
    """Curves ahead of the clock, per plaza: (replications, bins) arrays."""

    start: float  # the first bin's start, seconds from the start of the run
    bins: int
    replications: int
    queue_km: dict[str, np.ndarray]
    queued: dict[str, np.ndarray]
    gave_up: dict[str, np.ndarray]  # (replications,) drivers who gave up in the window
    diverted: dict[str, np.ndarray]  # (replications,) diverted away in the window

    def band(self, key: str, what: str = "queue_km") -> dict[str, list[float]]:
        """Median and 10-90% band of one plaza's curve."""
        curves = getattr(self, what)[key]
        lo, mid, hi = np.quantile(curves, [0.1, 0.5, 0.9], axis=0)
        return {
            "median": [round(float(x), 3) for x in mid],
            "low": [round(float(x), 3) for x in lo],
            "high": [round(float(x), 3) for x in hi],
        }


def _ahead(model: RegionModel, future: int, until: float) -> dict[str, dict[str, object]]:
    """One replication from the model's situation: branch, run, read (mutates the model)."""
    first = int(model.env.now // BIN_SECONDS)
    last = int(until // BIN_SECONDS)
    before = {p.key: (sum(p.gave_up), sum(p.diverted)) for p in model.plazas}
    model.branch(future)
    # A second past the end, so that the bin ending at ``until`` is closed (the clock
    # stops before the events of the instant it stops at).
    model.advance(min(until + 1.0, model.view.horizon))
    out = {}
    for p in model.plazas:
        p.fold()
        gave_up, diverted = before[p.key]
        out[p.key] = {
            "queue_km": np.asarray(p.series["queue_km"][first:last], dtype=float),
            "queued": np.asarray(p.series["queued"][first:last], dtype=float),
            "gave_up": sum(p.gave_up) - gave_up,
            "diverted": sum(p.diverted) - diverted,
        }
    return out


def can_fork() -> bool:
    return hasattr(os, "fork")


def forecast(
    model: RegionModel,
    rebuild: Build,
    hours: float,
    replications: int,
    jobs: int,
    progress: Callable[[int], None] | None = None,
    fork_lock: Any = None,
) -> Forecast:
    """``replications`` runs of ``hours`` from the model's clock (the model is unchanged).
    ``rebuild`` gives a fresh model of the same situation (used where fork is missing);
    ``fork_lock`` is held while forking (so that no other thread is changing the model)."""
    now = model.env.now
    until = min(now + hours * 3600.0, model.view.horizon)
    runs: list[dict[str, dict[str, object]]] = []
    futures = list(range(1, replications + 1))
    if can_fork():
        for i in range(0, len(futures), max(1, jobs)):
            runs += _forked(model, futures[i : i + max(1, jobs)], until, fork_lock)
            if progress:
                progress(len(runs))
    else:
        for k in futures:
            runs.append(_ahead(rebuild(), k, until))
            if progress:
                progress(len(runs))
    keys = [p.key for p in model.plazas]
    bins = min(len(r[keys[0]]["queue_km"]) for r in runs) if keys else 0  # type: ignore[arg-type]

    def stack(what: str) -> dict[str, np.ndarray]:
        return {k: np.vstack([r[k][what][:bins] for r in runs]) for k in keys}  # type: ignore[index]

    return Forecast(
        start=(now // BIN_SECONDS) * BIN_SECONDS,
        bins=bins,
        replications=len(runs),
        queue_km=stack("queue_km"),
        queued=stack("queued"),
        gave_up={k: np.array([r[k]["gave_up"] for r in runs]) for k in keys},
        diverted={k: np.array([r[k]["diverted"] for r in runs]) for k in keys},
    )


class ForecastError(RuntimeError):
    """A forecast replication failed (a bug, or the machine killed it)."""


RUNNING: set[int] = set()  # forecast children alive now (stopped if bordersim is stopped)


def stop_all() -> None:
    """Stop every forecast child now (the command is being stopped)."""
    for pid in list(RUNNING):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _die_with_parent(parent: int) -> None:
    """In a child: the kernel stops it if its parent dies (Linux), and it holds none of
    the parent's files but its pipe (not the server's listening socket)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _forked(model: RegionModel, futures: list[int], until: float, lock: Any) -> list[dict]:
    """Run each future in a child forked from the model; their results in order."""
    children = []
    parent = os.getpid()
    try:
        with lock if lock is not None else contextlib.nullcontext():
            for k in futures:
                read, write = os.pipe()
                with warnings.catch_warnings():
                    # Python 3.12+ warns about fork in a process with threads: the child
                    # only computes and writes to its pipe, then leaves with os._exit.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    pid = os.fork()
                if pid == 0:  # the child
                    code = 1
                    try:
                        _die_with_parent(parent)
                        os.closerange(3, write)
                        os.closerange(write + 1, 1 << 16)
                        data = pickle.dumps(_ahead(model, k, until), pickle.HIGHEST_PROTOCOL)
                        with os.fdopen(write, "wb") as f:
                            f.write(data)
                        code = 0
                    finally:
                        os._exit(code)
                os.close(write)
                RUNNING.add(pid)
                children.append((pid, read))
        out = []
        while children:
            pid, read = children[0]
            with os.fdopen(read, "rb") as f:
                data = f.read()
            _, status = os.waitpid(pid, 0)
            RUNNING.discard(pid)
            children.pop(0)  # read and reaped
            if status != 0 or not data:
                raise ForecastError(f"a forecast replication failed (status {status})")
            out.append(pickle.loads(data))  # from our own child, never from a file
        return out
    finally:
        for pid, read in children:  # interrupted: stop the children left and reap them
            os.close(read)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            RUNNING.discard(pid)
