"""Performance figures: vehicles simulated per second and peak memory.

    python benchmarks/per_scenario.py              # every bundled scenario
    python benchmarks/per_scenario.py --repeat 5

For each bundled scenario: one replication of the disrupted run (no baseline, no
files), best wall-clock time of --repeat runs, vehicles per second, the peak of
Python allocations during the run (tracemalloc) and the peak resident memory of a
fresh process that ran only that scenario. Then benchmark-day stretched to longer
horizons, to show that memory does not grow with the number of vehicles.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bordersim.model.simulation import simulate  # noqa: E402
from bordersim.scenario import Scenario, load_scenario  # noqa: E402


def measure(s: Scenario, repeat: int, plan: str | None = None) -> dict[str, float]:
    best = float("inf")
    vehicles = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = simulate(s, plan=plan)
        best = min(best, time.perf_counter() - t0)
        vehicles = sum(row["arrived"] for p in r.plazas for row in p.accounting.values())
    tracemalloc.start()
    simulate(s, plan=plan)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "vehicles": vehicles,
        "seconds": best,
        "per_second": vehicles / best,
        "traced_peak_mb": peak / 1e6,
    }


def one(path: str, repeat: int) -> None:
    """Run in a fresh process so that its peak resident memory is this scenario's."""
    out = measure(load_scenario(path), repeat)
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--region-plan", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one, args.repeat)
        return
    if args.region_plan is not None:
        region = load_scenario(ROOT / "scenarios" / "detroit-region-blockade.yaml")
        week = region.model_copy(update={"horizon": 7 * 86400.0})
        out = measure(week, 1, plan=args.region_plan or None)
        out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return

    print(
        f"{'scenario':24} {'days':>5} {'vehicles':>9} {'seconds':>8} {'veh/s':>9} "
        f"{'traced MB':>9} {'RSS MB':>7}"
    )
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        p = subprocess.run(
            [sys.executable, __file__, "--one", str(path), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(p.stdout)
        days = load_scenario(path).horizon / 86400
        print(
            f"{path.stem:24} {days:5.1f} {r['vehicles']:9,d} {r['seconds']:8.3f} "
            f"{r['per_second']:9,.0f} {r['traced_peak_mb']:9.1f} {r['max_rss_mb']:7.0f}"
        )

    print("\nregion: a week of Detroit-Windsor-Sarnia (4 crossings, both directions), one run")
    for plan in (None, "trucks_directed"):
        cmd = [sys.executable, __file__, "--region-plan", plan or "", "--repeat", "1"]
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(p.stdout)
        print(
            f"  {plan or 'no plan':16} {r['vehicles']:9,d} vehicles, {r['seconds']:5.2f} s, "
            f"{r['per_second']:8,.0f} veh/s, traced peak {r['traced_peak_mb']:5.1f} MB, "
            f"RSS {r['max_rss_mb']:4.0f} MB"
        )

    print("\nbenchmark-day stretched: memory against horizon (per-vehicle records off)")
    base = load_scenario(ROOT / "scenarios" / "benchmark-day.yaml")
    for days in (1, 7, 30):
        s = base.model_copy(update={"horizon": days * 86400.0})
        r = measure(s, 1)
        print(
            f"  {days:3d} days: {r['vehicles']:10,d} vehicles, {r['seconds']:6.2f} s, "
            f"{r['per_second']:9,.0f} veh/s, traced peak {r['traced_peak_mb']:6.1f} MB"
        )


if __name__ == "__main__":
    main()
