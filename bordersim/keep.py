"""What a study keeps of its replications, in memory that does not grow with them.

A replication gives, per plan and for its baseline, a few thousand figures (one number
each) and, per plaza, a dozen 5-minute curves. A study of a thousand replications of a
region cannot hold every curve in memory (megabytes a replication), and need not: the
figures are kept as one row of numbers per replication (:class:`FigureTable`, a few
kilobytes), and the curves go to files on disk as they arrive (:class:`CurveFiles`), to
be read back a plaza and a curve at a time across every replication, which is how bands
and medians are taken. Without a folder for the files, curves stay in memory (small
studies, tests).

Rows are read back in replication order, whatever order the replications finished in,
so everything computed from them is the same on any executor.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .results import FigureKey, Sample

Curves = dict[str, dict[str, np.ndarray]]  # plaza key -> curve name -> 5-minute values


class FigureTable:
    """One plan's figures: a row of floats a replication (NaN: could not be computed),
    a column a figure key, in replication order."""

    def __init__(self) -> None:
        self.keys: dict[FigureKey, int] = {}
        self.rows: dict[int, np.ndarray] = {}  # replication index -> its row

    def add(self, index: int, sample: Sample) -> None:
        for k in sample:
            if k not in self.keys:
                self.keys[k] = len(self.keys)
        row = np.full(len(self.keys), np.nan)
        for k, v in sample.items():
            if v is not None:
                row[self.keys[k]] = v
        self.rows[index] = row

    def matrix(self) -> np.ndarray:
        """Replications by figures, in replication order; a figure a replication did not
        have (a key that appeared later) is NaN."""
        order = sorted(self.rows)
        out = np.full((len(order), len(self.keys)), np.nan)
        for i, r in enumerate(order):
            row = self.rows[r]
            out[i, : row.size] = row
        return out

    def sample(self, index: int) -> Sample:
        """One replication's figures, as the model gave them (None for NaN)."""
        row = self.rows[index]
        return {
            k: (None if j >= row.size or math.isnan(row[j]) else float(row[j]))
            for k, j in self.keys.items()
        }


class CurveFiles:
    """Every replication's curves of one study, by label (a plan or the baseline).

    With a ``folder``, each (label, curve name) is one file of float32 blocks, a block a
    replication (plazas by bins), appended as replications arrive; :meth:`matrix` reads
    one plaza's curve across replications. Without, they are kept in memory.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.plazas: list[str] = []  # plaza keys, in the model's order
        self.names: list[str] = []  # curve names
        self.bins = 0
        self.order: dict[str, list[int]] = {}  # label -> replication index of each block
        self.memory: dict[str, dict[int, Curves]] = {}  # without a folder
        self.dtypes: dict[str, Any] = {}

    def add(self, label: str, index: int, curves: Curves) -> None:
        if not self.plazas:
            self.plazas = list(curves)
            first = next(iter(curves.values()))
            self.names = list(first)
            self.bins = len(next(iter(first.values())))
            self.dtypes = {n: first[n].dtype for n in self.names}
        if self.folder is None:
            self.memory.setdefault(label, {})[index] = curves
            return
        self.order.setdefault(label, []).append(index)
        for name in self.names:
            block = np.stack([curves[p][name] for p in self.plazas]).astype(np.float32)
            with (self.folder / _file(label, name)).open("ab") as f:
                block.tofile(f)

    def labels(self) -> list[str]:
        return list(self.memory) if self.folder is None else list(self.order)

    def count(self, label: str) -> int:
        if self.folder is None:
            return len(self.memory.get(label, {}))
        return len(self.order.get(label, []))

    def matrix(self, label: str, plaza: str, name: str) -> np.ndarray:
        """One plaza's curve in every replication: replications (in order) by bins."""
        if self.folder is None:
            reps = self.memory[label]
            return np.stack([reps[r][plaza][name] for r in sorted(reps)])
        order = self.order[label]
        shape = (len(order), len(self.plazas), self.bins)
        path = self.folder / _file(label, name)
        blocks = np.memmap(path, dtype=np.float32, mode="r", shape=shape)
        try:
            out = np.array(blocks[:, self.plazas.index(plaza), :])  # a copy: then unmapped
        finally:
            del blocks
        out = out[np.argsort(order, kind="stable")]
        return out.astype(bool) if self.dtypes[name] == np.dtype(bool) else out

    def curves(self, label: str) -> list[Curves]:
        """Every replication's curves (all of them in memory: for small studies and tests)."""
        if self.folder is None:
            reps = self.memory[label]
            return [reps[r] for r in sorted(reps)]
        n = self.count(label)
        out: list[Curves] = [{p: {} for p in self.plazas} for _ in range(n)]
        for p in self.plazas:
            for name in self.names:
                m = self.matrix(label, p, name)
                for i in range(n):
                    out[i][p][name] = m[i]
        return out


def _file(label: str, name: str) -> str:
    # labels are plan names (letters, digits, '_', '-') or 'baseline'; names are ours
    return f"curves-{label}-{name}.f32"
