"""Simulation against writing time with many plazas (writing must stay cheap).

    python benchmarks/many_plazas.py 100 1000     (crossings; both directions each)

Writes a synthetic region of N small crossings (one closed for two hours), runs it with
the bordersim command, and prints the simulation time, the whole command's time and its
peak memory, and the size of what it wrote.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def region(n: int) -> str:
    lines = [f"name: many-{n}", "horizon: 1d", "warmup: 1h", "crossings:"]
    for i in range(n):
        lines += [
            f"  c{i}:",
            "    into_us:",
            "      lane_groups:",
            "        cars: {booths: 4, serves: [car]}",
            "        trucks: {booths: 2, serves: [truck]}",
            "    into_canada:",
            "      lane_groups:",
            "        cars: {booths: 4, serves: [car]}",
        ]
    lines.append("demand:")
    for i in range(n):
        lines.append(f"  c{i}.into_us: {{daily: {{car: 1500, truck: 300}}}}")
        lines.append(f"  c{i}.into_canada: {{daily: {{car: 1000}}}}")
    lines.append("events:\n  - {type: closure, where: c0, start: 10:00, end: 12:00}")
    return "\n".join(lines) + "\n"


def main(sizes: list[int]) -> None:
    print(
        f"{'crossings':>9} {'plazas':>6} {'simulation s':>12} {'command s':>9} "
        f"{'writing+imports s':>17} {'peak MB':>8} {'written MB':>10}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / f"many-{n}.yaml"
            f.write_text(region(n))
            out = Path(tmp) / "out"
            started = time.perf_counter()
            p = subprocess.run(
                [sys.executable, "-m", "bordersim", "run", str(f), "--out", str(out), "--json"],
                capture_output=True,
                text=True,
            )
            whole = time.perf_counter() - started
            if p.returncode != 0:
                print(f"{n}: failed: {p.stderr.strip()}")
                continue
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            marker = json.loads((out / "bordersim.json").read_text())
            sim = json.loads(p.stdout)["seconds"]
            size = sum(x.stat().st_size for x in out.rglob("*") if x.is_file()) / 1e6
            print(
                f"{n:>9} {2 * n:>6} {sim:>12.1f} {whole:>9.1f} {whole - sim:>17.1f} "
                f"{peak:>8.0f} {size:>10.1f}"
            )
            assert marker["made_by"] == "bordersim"


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100])
