"""Per-vehicle cost of two checkouts, measured in turn so that load drift hits both alike.

    python benchmarks/per_vehicle_ab.py ../old [--rounds 5]

run_benchmarks.py measures one checkout, then the other, minutes apart; on a shared
machine the load can change in between. Here each round runs the older checkout, then
this one, in fresh processes (best of a few simulations each), for benchmark-day, an
M/M/4 queue at 90% load and the Detroit region's disrupted run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE = r"""
import sys, time
from bordersim import validation
from bordersim.model.simulation import simulate
from bordersim.scenario import load_scenario
name, root, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
if name == "mm4":
    lam = 0.9 * 4 / validation.MEAN_SERVICE
    s = validation.one_plaza(4, lam * 86400, "{dist: exponential, mean: 60s}", "20d", "12h")
else:
    s = load_scenario(f"{root}/bordersim/scenarios/{name}.yaml")
best = float("inf")
for _ in range(repeat):
    t0 = time.perf_counter()
    r = simulate(s)
    best = min(best, time.perf_counter() - t0)
n = sum(row["arrived"] for p in r.plazas for row in p.accounting.values())
print(best / n * 1e6)
"""

CASES = (("benchmark-day", 3), ("mm4", 2), ("detroit-region-blockade", 1))


def per_vehicle(tree: Path, name: str, repeat: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(  # from the checkout itself: python -c puts the cwd first
        [sys.executable, "-c", ONE, name, str(ROOT), str(repeat)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="an older checkout")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    for name, repeat in CASES:
        old, new = [], []
        for _ in range(args.rounds):
            old.append(per_vehicle(args.before.resolve(), name, repeat))
            new.append(per_vehicle(ROOT, name, repeat))
        print(
            f"{name:26} before {min(old):5.2f} us a vehicle (best of {args.rounds} rounds), "
            f"now {min(new):5.2f} us: {min(new) / min(old) - 1:+.0%}"
        )


if __name__ == "__main__":
    main()
