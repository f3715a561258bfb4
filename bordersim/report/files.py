"""Results folders, written whole or not at all.

Everything is written into a hidden temporary folder beside the destination, which is
renamed into place only when complete. An interrupted run leaves no half-written
results folder (at most a hidden temporary one, removed when the error is caught).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..metrics import timeseries
from ..model.simulation import VEHICLE_COLUMNS
from ..runner import RunOutcome
from . import figures


def write_results(dest: Path, outcome: RunOutcome, vehicles: bool = False) -> Path:
    """Write summary.json, timeseries.csv, figures (and vehicles.csv) into ``dest``."""

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text(json.dumps(outcome.summary, indent=2) + "\n")
        columns, rows = timeseries(outcome.scenario, outcome.run, outcome.baseline)
        _write_csv(tmp / "timeseries.csv", columns, rows)
        if vehicles:
            records = [r for p in outcome.run.plazas for r in (p.records or [])]
            _write_csv(tmp / "vehicles.csv", list(VEHICLE_COLUMNS), records)
        figures.recovery(outcome, tmp / "recovery.png")
        figures.transit_distributions(outcome, tmp / "transit.png")

    return write_atomically(dest, fill)


def write_atomically(dest: Path, fill: Callable[[Path], None]) -> Path:
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} exists and is not a folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.rename(dest, old / "previous")
            os.rename(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _write_csv(path: Path, columns: list[str], rows) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)
