"""What a planner waits for: the whole command, per-vehicle cost, memory, writing, workers.

    python benchmarks/run_benchmarks.py                    # this checkout
    python benchmarks/run_benchmarks.py --before ../old    # and an older checkout, side by side
    python benchmarks/run_benchmarks.py --border-week      # also time the whole-border week

An older checkout to compare with: ``git worktree add ../old <commit>``. Every figure is
measured by running that checkout's own code in fresh processes (``PYTHONPATH``), so
imports count; times are the median of ``--repeat`` runs on this machine, as it is now.
The per-vehicle cost is also given as a ratio to two SimPy models of the same port, timed
in the same run so that the comparison holds on a noisy machine: an idiomatic one, a
process per vehicle (``plain_simpy.py``), and the leanest design we know, timeouts with
callbacks and booths as counters (``fast_simpy.py``). Nothing here is a pass/fail test:
it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "bordersim" / "scenarios"
PY = sys.executable

from many_plazas import region  # noqa: E402 - this folder's own script (sys.path[0])

# Per-vehicle cost of one simulation, run inside the measured checkout. Prints JSON.
PER_VEHICLE = r"""
import json, sys, time
from bordersim.scenario import load_scenario
from bordersim.model.simulation import simulate
from bordersim import validation
name, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
if name == "mm4":
    lam = 0.9 * 4 / validation.MEAN_SERVICE
    s = validation.one_plaza(4, lam * 86400, "{dist: exponential, mean: 60s}", "20d", "12h")
else:
    s = load_scenario(path)
best, n = float("inf"), 0
for _ in range(repeat):
    t0 = time.perf_counter()
    r = simulate(s)
    best = min(best, time.perf_counter() - t0)
    n = sum(row["arrived"] for p in r.plazas for row in p.accounting.values())
print(json.dumps({"seconds": best, "vehicles": n}))
"""


def command(tree: Path, args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run ``python ARGS`` with TREE's bordersim: (wall seconds, peak RSS MB, stdout).

    The peak is wait4's: the child's and every descendant's it reaped (its workers).
    """
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([PY, *args], cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: {err.read().decode().strip()[-500:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


FEW_REPS = 4


def watch(tree: Path, args: list[str], cwd: Path) -> tuple[float, float]:
    """Peak resident memory (MB) of the main process, which keeps the study, and of its
    largest worker, which holds one replication at a time: polled from /proc."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    p = subprocess.Popen([PY, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    main = worker = 0.0
    while p.poll() is None:
        main = max(main, _rss(p.pid))
        for child in _children(p.pid):
            worker = max(worker, _rss(child))
        time.sleep(0.1)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}")
    return main, worker


def _rss(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def bordersim(tree: Path, args: list[str], cwd: Path) -> tuple[float, float, str]:
    return command(tree, ["-m", "bordersim", *args], cwd)


def median_of(repeat: int, f) -> tuple[float, ...]:
    runs = [f() for _ in range(repeat)]
    return tuple(statistics.median(x) for x in zip(*runs, strict=True))


def study_seconds(stdout: str) -> float:
    return float(json.loads(stdout)["seconds"])


def measure(tree: Path, args: argparse.Namespace, work: Path) -> dict[str, object]:
    """Every figure for one checkout."""
    r: dict[str, object] = {}
    rep = args.repeat

    def timed_run(cmd: list[str]) -> tuple[float, float, float]:
        wall, rss, out = bordersim(tree, cmd, work)
        return wall, study_seconds(out), rss

    r["pass"] = median_of(5, lambda: command(tree, ["-c", "pass"], work)[:1])[0]
    r["help"] = median_of(5, lambda: bordersim(tree, ["--help"], work)[:1])[0]

    day = SCENARIOS / "benchmark-day.yaml"
    r["day"] = median_of(rep, lambda: timed_run(["run", str(day), "--json", "--out", _new(work)]))

    month = work / "benchmark-30-days.yaml"
    month.write_text(day.read_text().replace("horizon: 1d", "horizon: 30d", 1))
    r["month"] = timed_run(["run", str(month), "--json", "--out", _new(work)])

    detroit = SCENARIOS / "detroit-region-blockade.yaml"
    r["detroit"] = timed_run(["run", str(detroit), "--reps", "1", "--json", "--out", _new(work)])

    for name, path in (("mm4", ""), ("day", str(day)), ("detroit", str(detroit))):
        _, _, out = command(tree, ["-c", PER_VEHICLE, name, path, str(rep)], work)
        got = json.loads(out)
        r[f"us_{name}"] = got["seconds"] / got["vehicles"] * 1e6
        r[f"n_{name}"] = got["vehicles"]

    mem = {}
    for reps in (FEW_REPS, args.memory_reps):
        cmd = ["-m", "bordersim", "compare", str(detroit), "--reps", str(reps), "-j", "2"]
        mem[reps] = watch(tree, [*cmd, "--json", "--out", _new(work)], work)
    r["memory"] = mem

    many = work / "many-100.yaml"
    many.write_text(region(100))
    out_dir = Path(_new(work))
    wall, rss, out = bordersim(tree, ["run", str(many), "--json", "--out", str(out_dir)], work)
    size = sum(x.stat().st_size for x in out_dir.rglob("*") if x.is_file()) / 1e6
    r["many"] = (wall, study_seconds(out), rss, size)

    exercise = SCENARIOS / "ambassador-exercise.yaml"
    jobs = {}
    for j in (1, 2):
        cmd = ["compare", str(exercise), "--reps", "10", "-j", str(j), "--json"]
        jobs[j] = bordersim(tree, [*cmd, "--out", _new(work)], work)[0]
    r["jobs"] = jobs
    return r


_count = 0


def _new(work: Path) -> str:
    global _count
    _count += 1
    return str(work / f"out-{_count}")


def yardstick(script: str) -> float:
    """µs a vehicle of one of the SimPy models of benchmark-day (best of its 3 runs)."""
    _, _, out = command(ROOT, [str(ROOT / "benchmarks" / script)], ROOT)
    return (
        float(out.split(" vehicles in ")[1].split(" s,")[0])
        / int(out.split(": ")[1].split(" vehicles")[0].replace(",", ""))
        * 1e6
    )


def border_week(work: Path, reps: int) -> list[str]:
    path = SCENARIOS / "border-week.yaml"
    lines = []
    times = {}
    for label, opts in (
        ("1 process", ["-j", "1"]),
        ("2 processes", ["-j", "2"]),
        ("Dask LocalCluster, 2 workers", ["--dask-local", "2"]),
    ):
        wall, rss, out = bordersim(
            ROOT,
            ["compare", str(path), "--reps", str(reps), *opts, "--json", "--out", _new(work)],
            work,
        )
        times[label] = wall
        lines.append(
            f"  {label:30} {wall:7.1f} s whole ({wall / reps:5.1f} s a replication of "
            f"4 plans + baseline), peak {rss:,.0f} MB"
        )
    one = times["1 process"]
    lines.append(
        f"  speed-up, 2 processes: {one / times['2 processes']:.2f}x; "
        f"Dask LocalCluster: {one / times['Dask LocalCluster, 2 workers']:.2f}x"
    )
    return lines


def report(results: dict[str, dict], plain: float, fast: float, memory_reps: int) -> None:
    names = list(results)
    w = 26

    def row(what: str, cells: list[str], target: str = "") -> None:
        print(f"{what:44} " + " ".join(f"{c:>{w}}" for c in cells) + f"   {target}")

    def each(f) -> list[str]:
        return [f(results[n]) for n in names]

    row("", names, "target")
    row("python -c pass", each(lambda r: f"{r['pass']:.3f} s"))
    row("bordersim --help", each(lambda r: f"{r['help']:.3f} s"), "<= 0.1 s")
    row("run -q benchmark-day, whole process", each(lambda r: f"{r['day'][0]:.2f} s"), "<= 0.7 s")
    row("  of which simulation (baseline + run)", each(lambda r: f"{r['day'][1]:.2f} s"))
    row("  of which imports and writing", each(lambda r: f"{r['day'][0] - r['day'][1]:.2f} s"))
    row(
        "benchmark-day for 30 days, whole process",
        each(lambda r: f"{r['month'][0]:.1f} s (sim {r['month'][1]:.1f})"),
        "<= 6 s",
    )
    row(
        "detroit-region-blockade run --reps 1, whole",
        each(lambda r: f"{r['detroit'][0]:.1f} s (sim {r['detroit'][1]:.1f})"),
        "<= 4 s",
    )
    for key, label in (
        ("day", "benchmark-day"),
        ("mm4", "M/M/4, rho 0.9, 20 days"),
        ("detroit", "Detroit region, 1 run"),
    ):
        row(
            f"simulation per vehicle, {label}",
            each(lambda r, k=key: f"{r['us_' + k]:.2f} us ({r['n_' + k]:,} veh)"),
            "<= 2.5 us" if key == "day" else "",
        )
    row(
        "  plain SimPy model of benchmark-day / bordersim",
        each(lambda r: f"{plain / r['us_day']:.2f}x faster"),
        f"(plain SimPy {plain:.2f} us a vehicle, this run)",
    )
    row(
        "  fastest SimPy design / bordersim",
        each(lambda r: f"{fast / r['us_day']:.2f}x"),
        f"(fast SimPy {fast:.2f} us a vehicle, this run; target > 1.24x)",
    )
    row(
        f"compare detroit: main process, {FEW_REPS} / {memory_reps} reps",
        each(lambda r: f"{r['memory'][FEW_REPS][0]:.0f} / {r['memory'][memory_reps][0]:.0f} MB"),
    )
    row(
        "  its growth per replication",
        each(lambda r: f"{_growth(r['memory'], memory_reps):.2f} MB"),
        "<= 0.3 MiB",
    )
    row(
        "  largest worker (one replication at a time)",
        each(lambda r: f"{r['memory'][FEW_REPS][1]:.0f} / {r['memory'][memory_reps][1]:.0f} MB"),
    )
    row(
        "100 crossings (200 plazas): whole / sim",
        each(lambda r: f"{r['many'][0]:.1f} / {r['many'][1]:.1f} s"),
        "writing <= sim",
    )
    row("  peak memory, written", each(lambda r: f"{r['many'][2]:.0f} MB, {r['many'][3]:.1f} MB"))
    row(
        "compare exercise --reps 10, -j 1 / -j 2",
        each(lambda r: f"{r['jobs'][1]:.1f} / {r['jobs'][2]:.1f} s"),
    )
    row("  speed-up", each(lambda r: f"{r['jobs'][1] / r['jobs'][2]:.2f}x"), ">= 1.85x")


def _growth(memory: dict, reps: int) -> float:
    return (memory[reps][0] - memory[FEW_REPS][0]) / (reps - FEW_REPS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="an older checkout to measure side by side")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each short measurement")
    ap.add_argument(
        "--memory-reps",
        type=int,
        default=20,
        help="replications of the Detroit compare for memory growth (against 4)",
    )
    ap.add_argument(
        "--border-week", action="store_true", help="also time compare border-week (minutes)"
    )
    ap.add_argument("--border-week-reps", type=int, default=2)
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores; medians of {args.repeat} runs where repeated", flush=True)
    trees = {"now": ROOT}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, tree in trees.items():
            work = Path(tmp) / name
            work.mkdir()
            print(f"measuring {name} ({tree}) ...", file=sys.stderr, flush=True)
            results[name] = measure(tree, args, work)
        plain, fast = yardstick("plain_simpy.py"), yardstick("fast_simpy.py")
        report(results, plain, fast, args.memory_reps)
        if args.border_week:
            print(
                f"\nborder-week: 28 crossings, both directions, 7 days, "
                f"{args.border_week_reps} replications"
            )
            for line in border_week(Path(tmp), args.border_week_reps):
                print(line)


if __name__ == "__main__":
    main()
