"""Figures for a briefing: recovery curves and transit-time distributions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a screen
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..metrics import transit_by_arrival  # noqa: E402
from ..runner import RunOutcome  # noqa: E402
from ..scenario import covers  # noqa: E402
from ..stats import bin_edges  # noqa: E402

EVENT_COLOURS = {
    "closure": "#d62728",
    "surge": "#ff7f0e",
    "staffing": "#9467bd",
    "alert": "#e6b800",
    "outage": "#8c564b",
}


def _time_axis(outcome: RunOutcome, n: int) -> tuple[np.ndarray | list, str]:
    bin_s = outcome.run.bin_seconds
    start = outcome.scenario.start_datetime
    mid = (np.arange(n) + 0.5) * bin_s
    if start is None:
        return mid / 3600.0, "hours from start"
    return [start + timedelta(seconds=float(t)) for t in mid], ""


def _to_x(outcome: RunOutcome, seconds: float):
    start = outcome.scenario.start_datetime
    return seconds / 3600.0 if start is None else start + timedelta(seconds=seconds)


def _shade(ax, outcome: RunOutcome, crossing: str, direction: str, labels: set[str]) -> None:
    s = outcome.scenario
    if s.warmup > 0:
        ax.axvspan(_to_x(outcome, 0), _to_x(outcome, s.warmup), color="0.9", zorder=0,
                   label=None if "warm-up" in labels else "warm-up")  # fmt: skip
        labels.add("warm-up")
    for e in s.events:
        if not covers(e.where, crossing, direction):
            continue
        colour = EVENT_COLOURS[e.type]
        ax.axvspan(_to_x(outcome, e.start), _to_x(outcome, min(e.end, s.horizon)), color=colour,
                   alpha=0.15, zorder=0, label=None if e.type in labels else e.type)  # fmt: skip
        labels.add(e.type)


def recovery(outcome: RunOutcome, path: Path) -> None:
    """Transit time and queue length against the baseline, disruption shaded."""
    plazas = list(zip(outcome.run.plazas, outcome.baseline.plazas, strict=True))
    fig, axes = plt.subplots(len(plazas), 2, figsize=(13, 3.4 * len(plazas)), squeeze=False)
    for row, (p, b) in zip(axes, plazas, strict=True):
        x, xlabel = _time_axis(outcome, outcome.run.n_bins)
        run_t, _ = transit_by_arrival(p)
        base_t, _ = transit_by_arrival(b)
        for ax in row:
            _shade(ax, outcome, p.crossing, p.direction, set())
        row[0].plot(x, base_t / 60.0, color="0.45", lw=1.2, label="baseline")
        row[0].plot(x, run_t / 60.0, color="#1f77b4", lw=1.5, label="scenario")
        row[0].set_ylabel("transit time (min)\nby arrival time")
        row[1].plot(x, b.series["queue_km"], color="0.45", lw=1.2, label="baseline")
        row[1].plot(x, p.series["queue_km"], color="#1f77b4", lw=1.5, label="scenario")
        if p.storage_m:
            row[1].axhline(p.storage_m / 1000.0, color="k", ls=":", lw=1, label="approach storage")
        row[1].set_ylabel("queue (km)")
        for ax in row:
            ax.set_title(f"{p.crossing} {p.direction.replace('_', ' ')}", loc="left", fontsize=10)
            ax.set_xlabel(xlabel)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            if outcome.scenario.start_datetime is not None:
                ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%H:%M"))
        row[1].legend(fontsize=8, loc="upper right")
    fig.suptitle(f"{outcome.scenario.name}: recovery against baseline", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def transit_distributions(outcome: RunOutcome, path: Path) -> None:
    """Share of vehicles by transit time, per class, one panel per plaza."""
    plazas = outcome.run.plazas
    fig, axes = plt.subplots(len(plazas), 1, figsize=(9, 3.2 * len(plazas)), squeeze=False)
    edges_min = bin_edges() / 60.0
    for ax, p in zip(axes[:, 0], plazas, strict=True):
        drawn = False
        for name, stats in zip(p.class_names, p.transit, strict=True):
            stats.flush()
            if stats.count == 0:
                continue
            # Coarsen 0.5% bins to ~10% bins for a readable curve.
            hist = stats.hist
            k = 20
            usable = len(hist) // k * k
            counts = hist[:usable].reshape(-1, k).sum(axis=1)
            lo = edges_min[:usable:k]
            hi = edges_min[k : usable + 1 : k]
            centre = np.sqrt(np.maximum(lo, 1e-3) * hi)
            share = counts / stats.count
            keep = counts > 0
            first, last = np.argmax(keep), len(keep) - np.argmax(keep[::-1])
            ax.plot(centre[first:last], share[first:last] * 100, lw=1.5,
                    label=f"{name} (p95 {stats.quantile(0.95) / 60:.0f} min)")  # fmt: skip
            drawn = True
        ax.set_xscale("log")
        ax.set_xlabel("transit time (minutes, log scale)")
        ax.set_ylabel("% of vehicles")
        ax.set_title(f"{p.crossing} {p.direction.replace('_', ' ')}", loc="left", fontsize=10)
        ax.grid(alpha=0.3, which="both")
        if drawn:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "no vehicles after the warm-up", ha="center", transform=ax.transAxes)
    fig.suptitle(f"{outcome.scenario.name}: transit time by class (after warm-up)", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
