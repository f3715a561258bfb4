"""A region's single run on more cores: its parts, and the longest of them.

    python benchmarks/sections.py [detroit-region-blockade border-week ...]

`bordersim run` of one replication splits the work into the baseline and the disrupted
run, and a region's runs without diversions into sections of plazas (see
``model.simulation.sections``), about three parts per process. This machine has only the
cores it has, so each part is simulated here alone, one after the other: the longest part
and the sum over the cores are the least the study can take on that many cores (before
worker start-up, about 0.4 s, and putting the run together); the sum is what one process
takes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bordersim import runner  # noqa: E402
from bordersim.scenario import load_scenario  # noqa: E402


def main() -> None:
    names = sys.argv[1:] or ["detroit-region-blockade", "border-week"]
    for name in names:
        s = load_scenario(ROOT / "bordersim" / "scenarios" / f"{name}.yaml")
        print(f"{name}: {len(list(s.plazas()))} plazas, one run of every plaza and its baseline")
        for cores in (2, 4, 8):
            parts, cut = runner._parts(s, [None], [0], cores)
            seconds = []
            for part in parts:
                t0 = time.perf_counter()
                runner.run_part(s, part)
                seconds.append(time.perf_counter() - t0)
            least = max(max(seconds), sum(seconds) / cores)
            print(
                f"  {cores} cores: {len(parts):2} parts; all {sum(seconds):5.1f} s, the "
                f"longest {max(seconds):4.2f} s: at least {least:4.2f} s on {cores} cores"
            )


if __name__ == "__main__":
    main()
