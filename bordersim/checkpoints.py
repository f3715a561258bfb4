"""Finished replications saved one by one, so that an interrupted study can resume.

Each replication is one NumPy ``.npz`` file of plain arrays and one JSON text, read
back with ``allow_pickle=False``: nothing in a saved file can run code. The folder and
every file carry the **fingerprint** of the study (scenario, plans, options, version),
so saved replications are used only for the very same study. A file that cannot be
read, or that does not match, is ignored with a warning and run again; it never
blocks a later ``--resume``. Files are written whole (temporary name, then rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .interrupts import deferred
from .results import ResultsError, sample_from_json, sample_to_json
from .runner import PlanResult, Replication
from .scenario import Scenario
from .stats import TransitStats

FORMAT = 2  # 2: figures as typed keys and values (bordersim.results)
MAX_FILE_BYTES = 2 * 1024**3  # a replication of a large region is tens of MB


class DamagedCheckpoint(ValueError):
    """A saved replication that cannot be used."""


def fingerprint(scenario: Scenario, plans: list[str | None], **options: Any) -> str:
    """What identifies a study: the scenario as run, the plans, the options, the version."""
    from . import __version__

    text = json.dumps(
        [__version__, scenario.model_dump(mode="json"), plans, sorted(options.items())],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class Checkpoints:
    """The saved replications of one study, in ``folder``."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self.ignored: list[str] = []  # files that could not be used, and why
        self.not_saved: list[str] = []  # replications that could not be saved, and why
        self.reused = 0  # replications taken from an earlier, interrupted run

    def _path(self, index: int) -> Path:
        return self.folder / f"rep-{index:05d}.npz"

    def load(self) -> dict[int, Replication]:
        """Replications saved for this very study; damaged files are ignored (``ignored``
        says which and why, for the command to tell the user) and will be run again."""
        if not self.folder.is_dir():
            return {}
        out: dict[int, Replication] = {}
        for path in sorted(self.folder.glob("rep-*.npz")):
            if path.is_symlink() or not path.is_file():  # a link, folder or pipe: never ours
                self.ignored.append(f"{path.name}: not a saved replication")
                continue
            try:
                r = read(path, self.fingerprint)
            except DamagedCheckpoint as e:
                self.ignored.append(f"{path.name}: {e}")  # the command says so
                continue
            out[r.index] = r
        return out

    def start(self, resume: bool) -> dict[int, Replication]:
        """Saved replications to reuse with ``resume``; otherwise start afresh."""
        done = self.load() if resume else {}
        if not resume:
            self.clear()
        self.reused = len(done)
        return done

    def save(self, r: Replication) -> None:
        """Save a replication whole; an interruption waits until it is saved.

        Saving is a convenience for --resume: when it fails (a full disk, something in
        the way), the study goes on without it and ``not_saved`` says why.
        """
        with deferred():
            tmp = None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".rep-", suffix=".npz", dir=self.folder)
                with os.fdopen(fd, "wb") as f:
                    write(f, r, self.fingerprint)
                os.replace(tmp, self._path(r.index))
            except OSError as e:
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)
                self.not_saved.append(f"replication {r.index + 1}: {e.strerror or e}")
            except BaseException:
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)
                raise

    def count(self) -> int:
        """Replications saved (readable files only)."""
        if not self.folder.is_dir():
            return 0
        return sum(1 for p in self.folder.glob("rep-*.npz") if p.is_file() and not p.is_symlink())

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------------------- the format
def write(f: Any, r: Replication, fingerprint: str) -> None:
    """One replication as arrays plus a JSON description of what each array is."""
    arrays: dict[str, np.ndarray] = {}

    def put(value: np.ndarray) -> str:
        key = f"a{len(arrays)}"
        arrays[key] = np.ascontiguousarray(value)
        return key

    def curves(c: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, str]]:
        return {plaza: {name: put(v) for name, v in series.items()} for plaza, series in c.items()}

    plans = {}
    for label, p in r.plans.items():
        transit = {}
        for plaza, per_class in p.transit.items():
            transit[plaza] = [
                {
                    "count": t.count,
                    "total": t.total,
                    "total_sq": t.total_sq,
                    "maximum": t.maximum,
                    "hist": put(t.hist),
                }
                for t in (_flushed(t) for t in per_class)
            ]
        plans[label] = {
            "figures": sample_to_json(p.figures),
            "curves": curves(p.curves),
            "transit": transit,
        }
    meta = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "index": r.index,
        "seconds": r.seconds,
        "baseline": curves(r.baseline),
        "plans": plans,
        "vehicles": None if r.vehicles is None else [list(v) for v in r.vehicles],
    }
    text = json.dumps(meta)
    np.savez(f, meta=np.array(text), digest=np.array(_digest(text, arrays)), **arrays)


def _digest(text: str, arrays: Any) -> str:
    """A checksum of everything saved: a file damaged or edited afterwards is not used."""
    h = hashlib.sha256(text.encode())
    for key in sorted(arrays, key=lambda k: int(k[1:])):
        a = np.asarray(arrays[key])
        h.update(f"{key}:{a.dtype.str}:{a.shape}".encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _flushed(t: TransitStats) -> TransitStats:
    t.flush()
    return t


def read(path: Path, fingerprint: str) -> Replication:
    """A saved replication, checked; raise DamagedCheckpoint if it cannot be used."""
    try:
        if path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
            raise DamagedCheckpoint("not a saved replication")
        with np.load(path, allow_pickle=False) as z:
            text = str(z["meta"])
            keys = [k for k in z.files if k not in ("meta", "digest")]
            if not all(k.startswith("a") and k[1:].isdigit() for k in keys):
                raise DamagedCheckpoint("unexpected content")
            if str(z["digest"]) != _digest(text, {k: z[k] for k in keys}):
                raise DamagedCheckpoint("damaged or edited since it was saved")
            meta = json.loads(text)
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise DamagedCheckpoint("unknown format")
            if meta.get("fingerprint") != fingerprint:
                raise DamagedCheckpoint("saved for another study")
            index = meta["index"]
            if not isinstance(index, int) or path.name != f"rep-{index:05d}.npz":
                raise DamagedCheckpoint("its name and content disagree")
            return _replication(meta, z)
    except DamagedCheckpoint:
        raise
    except Exception as e:  # noqa: BLE001 - any damage means: run it again
        raise DamagedCheckpoint(f"cannot be read ({type(e).__name__})") from None


def _replication(meta: dict[str, Any], z: Any) -> Replication:
    def array(key: Any) -> np.ndarray:
        if not isinstance(key, str) or not key.startswith("a"):
            raise DamagedCheckpoint("bad array reference")
        return z[key]

    def curves(c: Any) -> dict[str, dict[str, np.ndarray]]:
        return {
            str(plaza): {str(n): array(k) for n, k in series.items()} for plaza, series in c.items()
        }

    plans = {}
    for label, p in meta["plans"].items():
        transit: dict[str, list[TransitStats]] = {}
        for plaza, per_class in p["transit"].items():
            stats = []
            for t in per_class:
                s = TransitStats()
                s.count, s.total = int(t["count"]), float(t["total"])
                s.total_sq, s.maximum = float(t["total_sq"]), float(t["maximum"])
                s.hist = array(t["hist"]).astype(np.int64)
                if s.hist.shape != TransitStats().hist.shape or s.hist.sum() != s.count:
                    raise DamagedCheckpoint("inconsistent transit histogram")
                stats.append(s)
            transit[str(plaza)] = stats
        try:
            sample = sample_from_json(p["figures"])
        except (ResultsError, KeyError, TypeError, ValueError) as e:
            raise DamagedCheckpoint(f"bad figures ({e})") from None
        plans[str(label)] = PlanResult(sample, curves(p["curves"]), transit)
    vehicles = meta["vehicles"]
    return Replication(
        index=meta["index"],
        baseline=curves(meta["baseline"]),
        plans=plans,
        seconds=float(meta["seconds"]),
        vehicles=None if vehicles is None else [tuple(v) for v in vehicles],
    )
