"""Per-vehicle cost of two checkouts, measured in turn so that load drift hits both alike.

    python benchmarks/per_vehicle_ab.py ../old [--rounds 5]

run_benchmarks.py measures one checkout, then the other, minutes apart; on a shared
machine the load can change in between. Here each round runs the older checkout, then
this one, in fresh processes (best of a few simulations each), for benchmark-day, an
M/M/4 queue at 90% load and the Detroit region's disrupted run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

# this folder's own script (sys.path[0]): the same measurement run_benchmarks makes
from run_benchmarks import PER_VEHICLE, ROOT, SCENARIOS, command

CASES = (
    ("benchmark-day", SCENARIOS / "benchmark-day.yaml", 3),
    ("mm4", "", 2),
    ("detroit-region-blockade", SCENARIOS / "detroit-region-blockade.yaml", 1),
)


def per_vehicle(tree: Path, name: str, path: Path | str, repeat: int) -> float:
    """Microseconds a vehicle, best of ``repeat`` simulations, with TREE's bordersim
    (run from a folder of its own: ``python -c`` puts the working folder first)."""
    with tempfile.TemporaryDirectory() as work:
        _, _, out = command(tree, ["-c", PER_VEHICLE, name, str(path), str(repeat)], Path(work))
    got = json.loads(out)
    return got["seconds"] / got["vehicles"] * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="an older checkout")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    for name, path, repeat in CASES:
        old, new = [], []
        for _ in range(args.rounds):
            old.append(per_vehicle(args.before.resolve(), name, path, repeat))
            new.append(per_vehicle(ROOT, name, path, repeat))
        print(
            f"{name:26} before {min(old):5.2f} us a vehicle (best of {args.rounds} rounds), "
            f"now {min(new):5.2f} us: {min(new) / min(old) - 1:+.0%}"
        )


if __name__ == "__main__":
    main()
