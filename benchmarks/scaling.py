"""Replications against workers: speed-up of the local pool, overhead of Dask.

    python benchmarks/scaling.py [--reps 16]

Runs the bundled exercise (every plan, so each replication is 1 baseline + 5 plans)
with 1 and 2 local worker processes and on a Dask LocalCluster of 2 workers, and
prints wall-clock times, the speed-up from 1 to 2 workers, and Dask's overhead
against the local pool. Checks that all three give identical figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bordersim.runner import run_study  # noqa: E402
from bordersim.scenario import load_scenario  # noqa: E402


def timed(**kw) -> tuple[float, str]:
    s = load_scenario(ROOT / "scenarios" / "ambassador-exercise.yaml")
    t0 = time.perf_counter()
    study = run_study(s, list(s.plans), **kw)
    seconds = time.perf_counter() - t0
    return seconds, json.dumps([study.results(p).to_json() for p in study.labels])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=16)
    reps = ap.parse_args().reps
    one, a = timed(reps=reps, jobs=1)
    two, b = timed(reps=reps, jobs=2)
    dask, c = timed(reps=reps, dask_local=2)
    runs = reps * 6  # 1 baseline + 5 plans per replication
    print(f"ambassador-exercise, {reps} replications x (baseline + 5 plans) = {runs} runs")
    print(f"  local, 1 worker : {one:6.2f} s  ({one / runs * 1000:5.0f} ms a run)")
    print(f"  local, 2 workers: {two:6.2f} s  speed-up {one / two:4.2f}x")
    print(
        f"  dask,  2 workers: {dask:6.2f} s  overhead against the local pool "
        f"{(dask - two):+.2f} s ({(dask / two - 1) * 100:+.0f}%), cluster start included"
    )
    print(f"  identical figures on all three: {a == b == c}")


if __name__ == "__main__":
    main()
