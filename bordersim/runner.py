"""Running scenarios: one run and its baseline, or a study of replications and plans.

The baseline is the same scenario without events or plan, run with the same seed, so
it sees the same vehicles with the same service draws (common random numbers).

A **study** runs ``reps`` replications. Replication r draws every random number from
streams spawned from the scenario seed's ``SeedSequence`` with r in the spawn key, so
it is the same whichever process runs it. The unit of work is one replication: its
baseline once, then each plan in turn, all on the same random numbers; with fewer
replications than local workers (a single run), a replication's runs go to the workers
separately (a region's runs without diversions in sections of plazas, which do not
touch each other) and are put together here. Results are put back in replication order, so the
figures are identical for any number of workers and any executor: in this process, a
local process pool (for a single run, this process works alongside its workers), or a
Dask cluster.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .keep import CurveFiles, FigureTable
from .metrics import context, curves, figures
from .model.simulation import (
    BIN_SECONDS,
    VEHICLE_COLUMNS,
    Progress,
    SimResult,
    changed,
    daily_traffic,
    joined,
    sections,
    simulate,
)
from .results import Results, Sample
from .scenario import Scenario, compile_scenario
from .stats import TransitStats

if TYPE_CHECKING:
    from .checkpoints import Checkpoints

Curves = dict[str, dict[str, np.ndarray]]  # as in keep


@dataclass
class PlanResult:
    """What one plan gave in one replication: compact, picklable, no per-vehicle data."""

    figures: Sample
    curves: Curves
    transit: dict[str, list[TransitStats]]  # plaza -> by class, for distributions


@dataclass
class Replication:
    index: int
    baseline: Curves
    plans: dict[str, PlanResult]  # plan label -> result
    seconds: float
    vehicles: list[tuple[Any, ...]] | None = None  # first plan's records, when asked


def plan_label(plan: str | None) -> str:
    return plan if plan is not None else "scenario"


def run_replication(
    scenario: Scenario,
    index: int,
    plans: list[str | None],
    record_vehicles: bool = False,
    progress: Progress | None = None,
) -> Replication:
    """One replication: the baseline once, then every plan on the same random numbers.

    ``progress(share, phase)`` is told how far the replication has got (0 to 1).
    """
    started = time.perf_counter()
    phases = 1 + len(plans)

    def tell(name: str, i: int) -> Callable[[float], None] | None:
        if progress is None:
            return None
        return lambda share, _what: progress((i + share) / phases, name)

    baseline = simulate(scenario, index, apply_events=False, progress=tell("baseline", 0))
    runs: dict[str, SimResult] = {}
    vehicles = None
    for i, plan in enumerate(plans):
        records = record_vehicles and i == 0
        run = (
            simulate(
                scenario,
                index,
                plan=plan,
                record_vehicles=records,
                progress=tell(plan_label(plan), i + 1),
                baseline=None if records else baseline,  # untouched plazas: the baseline's
            )
            if _disrupted(scenario, plan)
            else baseline
        )
        if record_vehicles and i == 0:
            if run is baseline:  # the baseline was run without records: run it again with them
                run = simulate(scenario, index, apply_events=False, record_vehicles=True)
            vehicles = [r for p in run.plazas for r in (p.records or [])]
        runs[plan_label(plan)] = run
    return assemble(scenario, index, baseline, runs, time.perf_counter() - started, vehicles)


def _disrupted(scenario: Scenario, plan: str | None) -> bool:
    """Whether a plan's run differs from the baseline (else the baseline stands for it)."""
    return bool(scenario.events) or plan is not None


def assemble(
    scenario: Scenario,
    index: int,
    baseline: SimResult,
    runs: dict[str, SimResult],
    seconds: float,
    vehicles: list[tuple[Any, ...]] | None = None,
) -> Replication:
    """A replication's figures and curves from its runs (plan label -> run)."""
    results = {
        label: PlanResult(
            figures=figures(scenario, run, baseline),
            curves=curves(run),
            transit={p.key: p.transit for p in run.plazas},
        )
        for label, run in runs.items()
    }
    return Replication(index, curves(baseline), results, seconds, vehicles)


def run_part(scenario: Scenario, part: tuple, progress=None) -> SimResult:
    """One run of a replication split across workers, or a section of its plazas:
    ``(index, plan, plazas)``, the plan BASELINE for the baseline and plazas None for
    all of them (see run_study)."""
    index, plan, plazas = part
    if plan == BASELINE:
        return simulate(scenario, index, apply_events=False, progress=progress, plazas=plazas)
    return simulate(scenario, index, plan=plan, progress=progress, plazas=plazas)


BASELINE = "_baseline"  # the curves' label of the baselines (never a plan's name)
# A study this small (vehicles simulated in all) runs in this process unless --jobs says
# otherwise: about 0.8 s of simulation, more than a worker process takes to start.
WORTH_A_WORKER = 120_000
# A single run is cut into sections of its plazas (where they do not touch each other)
# of at least this many vehicles, so that a region's run keeps every process busy.
SECTION_VEHICLES = 50_000
# Curves (for the medians and bands drawn and written as time series) are kept for the
# first this many replications by index, whichever finish first: enough for a 10-90%
# band, and a 1,000-replication regional study keeps megabytes, not gigabytes, of them.
# Every figure (tables, intervals, verdicts) uses every replication.
CURVE_REPLICATIONS = 100


@dataclass
class Study:
    """A study's results, kept as replications arrive in memory that does not grow with
    them (:mod:`bordersim.keep`): figures as a row of numbers a replication, curves in
    files (with a ``folder``; else in memory), transit histograms merged."""

    scenario: Scenario
    plans: list[str | None]
    replications: list[Replication] = field(default_factory=list)  # stripped: see fold
    seconds: float = 0.0
    executor: str = "local"
    # label -> plaza -> by class: transit histograms folded in as replications arrive,
    # so that a large study does not keep one per replication.
    merged_transit: dict[str, dict[str, list[TransitStats]]] = field(default_factory=dict)
    bin_seconds: float = BIN_SECONDS  # the width of the curves' time bins
    vehicle_columns: tuple[str, ...] = VEHICLE_COLUMNS  # of Replication.vehicles rows
    folder: Path | None = None  # where curves are kept (None: in memory)
    tables: dict[str, FigureTable] = field(default_factory=dict)
    kept: CurveFiles | None = None

    def __post_init__(self) -> None:
        self.kept = CurveFiles(self.folder)

    @property
    def labels(self) -> list[str]:
        return [plan_label(p) for p in self.plans]

    def fold(self, r: Replication) -> None:
        """Keep a finished replication: its figures as a row, its curves in the files,
        its transit histograms merged; the replication keeps only its index, time and
        (the first) vehicles."""
        assert self.kept is not None
        self.trim(r)
        if r.baseline:
            self.kept.add(BASELINE, r.index, r.baseline)
        for label, result in r.plans.items():
            into = self.merged_transit.setdefault(label, {})
            for key, per_class in result.transit.items():
                acc = into.setdefault(key, [TransitStats() for _ in per_class])
                for m, t in zip(acc, per_class, strict=True):
                    m.merge(t)
            self.tables.setdefault(label, FigureTable()).add(r.index, result.figures)
            if result.curves:
                self.kept.add(label, r.index, result.curves)
        r.plans = {}
        r.baseline = {}
        self.replications.append(r)

    @staticmethod
    def trim(r: Replication) -> None:
        """Drop the curves a study does not keep: those of replications from
        CURVE_REPLICATIONS on (also left out of the files saved for --resume)."""
        if r.index >= CURVE_REPLICATIONS:
            r.baseline = {}
            for result in r.plans.values():
                result.curves = {}

    def samples(self, label: str) -> list[Sample]:
        """Each replication's figures under a plan, in replication order."""
        table = self.tables[label]
        return [table.sample(i) for i in sorted(table.rows)]

    def results(self, label: str) -> Results:
        """A plan's figures over every replication (one replication: its own figures)."""
        one = self.replications[0].index if len(self.replications) == 1 else None
        table = self.tables[label]
        return Results.of_table(
            context(self.scenario), label, list(table.keys), table.matrix(), one
        )

    def replication_results(self, r: Replication, label: str) -> Results:
        return Results.of(
            context(self.scenario), label, [self.tables[label].sample(r.index)], r.index
        )

    @property
    def curve_replications(self) -> int:
        """How many replications the curves are kept for (see CURVE_REPLICATIONS)."""
        assert self.kept is not None
        return self.kept.count(BASELINE)

    def curve(self, label: str, plaza: str, name: str) -> np.ndarray:
        """One plaza's curve in each replication kept (replications by 5-minute bins), for
        a plan's label or BASELINE: read back a curve at a time, whatever the study's size."""
        assert self.kept is not None
        return self.kept.matrix(label, plaza, name)

    def curves(self, label: str) -> list[Curves]:
        """Every replication's curves at once (small studies and tests only)."""
        assert self.kept is not None
        return self.kept.curves(label)

    def baselines(self) -> list[Curves]:
        return self.curves(BASELINE)

    def transit(self, label: str) -> dict[str, list[TransitStats]]:
        """Transit distributions over all replications, per plaza and class.

        Counts, histograms and maxima do not depend on the order replications finished
        in; the float sums behind the mean may differ in the last bit, so figures take
        means from the replications' own figures, not from here.
        """
        return self.merged_transit.get(label, {})


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_study(
    scenario: Scenario,
    plans: list[str | None],
    reps: int,
    jobs: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    record_vehicles: bool = False,
    progress: Progress | None = None,
    checkpoints: Checkpoints | None = None,
    resume: bool = False,
    keep_in: Path | None = None,
) -> Study:
    """Run ``reps`` replications of every plan; see the module docstring.

    ``progress(share, detail)`` is told the share of the study done (0 to 1). With
    ``checkpoints``, each finished replication is saved, and with ``resume`` the ones
    saved by an earlier, interrupted run of the same study are used instead of re-run.
    ``keep_in`` is a folder for the replications' curves (else they stay in memory).
    """
    for plan in plans:
        if plan is not None and plan not in scenario.plans:
            raise KeyError(plan)
    work = partial(run_replication, scenario, plans=plans, record_vehicles=record_vehicles)
    started = time.perf_counter()
    study = Study(scenario, plans, folder=keep_in)
    done = checkpoints.start(resume) if checkpoints else {}
    todo = [r for r in range(reps) if r not in done]
    for r in sorted(done):
        if r < reps:
            study.fold(done[r])

    def keep(r: Replication) -> None:
        study.trim(r)  # before saving: what the study does not keep is not saved either
        if checkpoints:
            checkpoints.save(r)  # before folding, which empties its histograms
        study.fold(r)

    if scheduler or dask_local:
        study.executor = (
            f"dask ({scheduler})" if scheduler else f"dask local cluster ({dask_local} workers)"
        )
        _on_dask(work, todo, scheduler, dask_local, progress, keep)
    else:
        cores = jobs or default_jobs()
        if jobs is None and _vehicles(scenario, plans) * len(todo) < WORTH_A_WORKER:
            cores = 1  # a small study: here, sooner than a worker would have started
        parts, cut = _parts(scenario, plans, todo, cores) if 0 < len(todo) < cores else ([], {})
        if len(parts) > len(todo) and not record_vehicles:
            # Fewer replications than workers (a single run, above all): split each into
            # its runs, the baseline and each plan (and a region's runs into sections of
            # plazas), so that they run side by side.
            jobs = min(cores, len(parts))
            study.executor = f"local ({jobs} processes)"
            _split_on_local(scenario, plans, todo, parts, cut, jobs, progress, keep)
        else:
            jobs = max(1, min(cores, len(todo)))
            study.executor = f"local ({jobs} process{'es' if jobs > 1 else ''})"
            _on_local(work, todo, jobs, progress, keep)
    study.replications.sort(key=lambda r: r.index)  # the order they finished in varies
    study.seconds = time.perf_counter() - started
    return study


def _on_local(work, todo: list[int], jobs: int, progress, keep) -> None:
    n = len(todo)
    if jobs <= 1:
        for i, r in enumerate(todo):
            tell = None
            if progress:

                def tell(share: float, phase: str, i: int = i, r: int = r) -> None:
                    progress((i + share) / n, f"replication {r + 1} ({i + 1} of {n}): {phase}")

            keep(work(r, progress=tell))
        return
    from .workers import WorkerPool

    shares: dict[int, float] = {}  # replications in progress: how far each has got
    finished = 0

    def tell() -> None:
        if progress:
            progress((finished + sum(shares.values())) / n, f"{finished} of {n} replications done")

    def tell_share(r: int, share: float, _phase: str) -> None:
        shares[r] = share
        tell()

    # Workers only: this process keeps the study, whose memory must not grow with the
    # replications, and a replication's simulation would add its own peak to it.
    with WorkerPool(jobs) as pool:
        for r, result in pool.run(work, todo, tell_share):
            shares.pop(r, None)
            keep(result)
            finished += 1
            tell()


def _run_vehicles(scenario: Scenario) -> float:
    """Vehicles one run simulates, about: the demand over the horizon."""
    daily = sum(sum(d.daily.values()) for d in scenario.demand.values())
    return daily * scenario.horizon / 86400.0


def _vehicles(scenario: Scenario, plans: list[str | None]) -> float:
    """Vehicles a replication simulates, about: the baseline and each disrupted run."""
    return (1 + sum(_disrupted(scenario, p) for p in plans)) * _run_vehicles(scenario)


def _parts(
    scenario: Scenario, plans: list[str | None], todo: list[int], cores: int
) -> tuple[list[tuple], dict[str | None, list[list[int]]]]:
    """Every run of the replications, longest first: (index, plan or BASELINE, plazas or
    None for all), for the baseline and each plan whose run differs from it, where a
    plan's run has only the plazas it changes (model.simulation.changed). A run whose
    plazas do not touch each other (no diversion) is cut into sections of plazas
    (model.simulation.sections), about three parts a process in all, each of about
    SECTION_VEHICLES or more; and the sections of each plan."""
    n = len(list(scenario.plazas()))
    # a plan's run simulates only the plazas it changes (the others are the baseline's)
    touched = {p: changed(scenario, p) for p in plans if _disrupted(scenario, p)}
    runs = [*(p for p in touched if touched[p]), BASELINE]
    size = daily_traffic(compile_scenario(scenario, None, False))
    days = scenario.horizon / 86400.0
    most = -(-3 * cores // (len(runs) * len(todo)))
    parts: list[tuple] = []
    cut: dict[str | None, list[list[int]]] = {}
    for plan in runs:
        base = plan == BASELINE
        among = None if base or len(touched[plan]) == n else touched[plan]
        vehicles = days * sum(size[i] for i in (range(n) if among is None else among))
        here = min(most, int(vehicles // SECTION_VEHICLES))
        secs = sections(scenario, None if base else plan, not base, here, among)
        if len(secs) > 1 or among is not None:
            cut[plan] = secs
        for r in todo:
            parts += [(r, plan, tuple(s) if plan in cut else None) for s in secs]

    # The longest first, so that the last to finish is short: by traffic, a disrupted
    # run's counting half again (its queues make each vehicle cost more).
    def cost(part: tuple) -> float:
        _, plan, plazas = part
        traffic = sum(size[i] for i in (plazas if plazas is not None else range(n)))
        return traffic * (1.0 if plan == BASELINE else 1.5)

    parts.sort(key=lambda p: -cost(p))
    return parts, cut


def _split_on_local(scenario, plans, todo, parts, cut, jobs: int, progress, keep) -> None:
    """Run replications' runs (or sections of them) on a pool, each replication put
    together here when its parts are in (the same figures as run_replication: the same
    runs, the same arithmetic; a plan's plazas that no part simulated are the
    baseline's, as there)."""
    from .workers import WorkerPool

    got: dict[int, dict[tuple, SimResult]] = {r: {} for r in todo}  # (plan, plazas) -> run
    per_replication = len(parts) // len(todo)
    started = time.perf_counter()
    shares: dict[tuple, float] = {}
    finished = 0

    def tell(part: tuple, share: float, _phase: str) -> None:
        shares[part] = share
        if progress:
            done = finished + sum(shares.values())
            what = "parts of runs" if cut else "runs"
            progress(done / len(parts), f"{finished} of {len(parts)} {what} done")

    def whole(pieces: dict[tuple, SimResult], plan: Any, baseline=None) -> SimResult:
        if plan not in cut:
            return pieces[(plan, None)]
        secs = cut[plan]
        return joined([pieces[(plan, tuple(c))] for c in secs], secs, baseline)

    # This process works alongside jobs - 1 workers: it starts at once, and a single run
    # is what waits on it.
    with WorkerPool(jobs - 1) as pool:
        for part, result in pool.run(partial(run_part, scenario), parts, tell, here=True):
            shares.pop(part, None)
            finished += 1
            r, plan, plazas = part
            got[r][(plan, plazas)] = result
            if len(got[r]) < per_replication:
                continue
            pieces = got.pop(r)
            baseline = whole(pieces, BASELINE)
            planned = {plan for plan, _ in pieces}
            keep(
                assemble(
                    scenario,
                    r,
                    baseline,
                    {
                        plan_label(p): whole(pieces, p, baseline) if p in planned else baseline
                        for p in plans
                    },
                    time.perf_counter() - started,
                )
            )


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (an option or the network): one line, exit 2."""


SCHEDULER_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$")
CONNECT_TIMEOUT = 8.0  # seconds to reach a scheduler before saying it cannot be reached


def check_scheduler_address(address: str) -> None:
    """Refuse an address that cannot be a scheduler's, before anything runs."""
    m = SCHEDULER_ADDRESS.match(address.strip())
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise SchedulerError(
            f"--scheduler {address}: not a scheduler address; expected "
            "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )


def _connect(client_class, scheduler: str):
    """A client of the scheduler, or SchedulerError within CONNECT_TIMEOUT seconds.

    Dask's own timeout covers reaching the address, not a listener that never answers,
    so the whole connection is bounded here (in a thread, abandoned if it overruns).
    """
    import threading

    check_scheduler_address(scheduler)
    got: dict[str, Any] = {}

    def connect() -> None:
        try:
            got["client"] = client_class(scheduler.strip(), timeout=CONNECT_TIMEOUT)
        except BaseException as e:  # noqa: BLE001 - refused, silent or not a scheduler
            got["error"] = e

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT + 0.5)
    if "client" in got:
        return got["client"]
    e = got.get("error")
    if e is None:
        why = f"no answer within {CONNECT_TIMEOUT:.0f} s"
    elif isinstance(e, MemoryError):
        why = "it answered with something that is not Dask"
    else:
        why = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
    raise SchedulerError(f"--scheduler {scheduler}: cannot use the Dask scheduler ({why})")


def _on_dask(
    work, todo: list[int], scheduler: str | None, n_local: int | None, progress, keep
) -> None:
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise SchedulerError("Dask is not installed: pip install 'bordersim[dask]'") from None
    import logging

    # Dask's own log lines (warnings, tracebacks of lost connections) would garble the
    # terminal; what matters is said in one line by SchedulerError.
    logging.disable(logging.CRITICAL)
    cluster = None
    try:
        if scheduler:
            client = _connect(Client, scheduler)
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except Exception:  # noqa: BLE001 - a timeout, in one of Dask's types
                client.close()
                raise SchedulerError(
                    f"--scheduler {scheduler}: the scheduler has no workers "
                    f"(start some: dask worker {scheduler})"
                ) from None
        else:
            cluster = LocalCluster(
                n_workers=n_local,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            client = Client(cluster)
        try:
            futures = client.map(work, todo, pure=False)
            for done, f in enumerate(dask_completed(futures), 1):
                try:
                    result = f.result()
                except Exception as e:
                    if _lost(e):
                        raise SchedulerError(
                            f"lost the Dask scheduler during the study ({type(e).__name__})"
                        ) from None
                    raise
                keep(result)
                f.release()
                if progress:
                    progress(done / len(todo), f"{done} of {len(todo)} replications")
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    finally:
        logging.disable(logging.NOTSET)


def _lost(e: BaseException) -> bool:
    """Whether an error means the connection to the cluster was lost (not a bug of ours)."""
    import asyncio

    names = {"CommClosedError", "FutureCancelledError", "CancelledError", "StreamClosedError"}
    return (
        isinstance(e, OSError | TimeoutError | asyncio.CancelledError) or type(e).__name__ in names
    )
