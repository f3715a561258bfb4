"""Figures for a briefing: recovery curves and transit-time distributions.

With several replications a curve is the median across them, with the band between
the 10th and 90th percentiles shaded; the baseline is drawn as its median.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a screen
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..metrics import band  # noqa: E402
from ..results import Comparison, FigureKey  # noqa: E402
from ..runner import Curves  # noqa: E402
from ..scenario import Scenario  # noqa: E402
from ..stats import TransitStats, bin_edges  # noqa: E402

# Plans are lines and bars in these; events are shaded in their own colours (none of these).
PLAN_COLOURS = ["#1f77b4", "#2ca02c", "#17becf", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79"]


def _x(scenario: Scenario, seconds):
    start = scenario.start_datetime
    if start is None:
        return np.asarray(seconds) / 3600.0
    return [start + timedelta(seconds=float(t)) for t in np.atleast_1d(seconds)]


def _shade(ax, scenario: Scenario, crossing: str, direction: str) -> None:
    seen: set[str] = set()
    if scenario.warmup > 0:
        x0, x1 = _x(scenario, [0.0, scenario.warmup])
        ax.axvspan(x0, x1, color="0.9", zorder=0, label="warm-up")
    for e in scenario.events:
        if not e.covers(crossing, direction):
            continue
        x0, x1 = _x(scenario, [e.start, min(e.end, scenario.horizon)])
        ax.axvspan(
            x0, x1, color=e.colour, alpha=0.15, zorder=0, label=None if e.type in seen else e.type
        )
        seen.add(e.type)


MAX_PLAZAS_DRAWN = 6  # a figure a planner can read; every plaza is in the CSV files
MAX_TIMELINE_ROWS = 24


def _drawn(keys: list[str] | None, baselines: list[Curves]) -> tuple[list[str], str]:
    """The plazas a figure shows, and a note when it shows only some of them."""
    everyone = list(baselines[0])
    keys = everyone if keys is None else keys
    shown = keys[:MAX_PLAZAS_DRAWN]
    if len(shown) == len(everyone):
        return shown, ""
    return shown, f" ({len(shown)} most delayed plazas of {len(everyone)})"


def recovery(
    scenario: Scenario,
    runs: dict[str, list[Curves]],
    baselines: list[Curves],
    bin_s: float,
    path: Path,
    keys: list[str] | None = None,
) -> None:
    """Transit time and queue km against the baseline for each plaza, disruption shaded.

    ``runs`` maps a plan's label to its replications' curves: one plan for a run,
    several overlaid for a comparison. ``keys`` are the plazas to draw, most delayed
    first; at most MAX_PLAZAS_DRAWN are drawn, so the figure stays readable and cheap
    whatever the size of the region.
    """
    keys, only = _drawn(keys, baselines)
    fig, axes = plt.subplots(len(keys), 2, figsize=(13, 3.4 * len(keys)), squeeze=False)
    n_bins = len(next(iter(baselines[0].values()))["queued"])
    x = _x(scenario, (np.arange(n_bins) + 0.5) * bin_s)
    n_reps = len(baselines)
    for row, key in zip(axes, keys, strict=True):
        crossing, direction = key.split(".")
        for ax in row:
            _shade(ax, scenario, crossing, direction)
        base = [b[key] for b in baselines]
        row[0].plot(
            x,
            band([b["mean_transit_min"] for b in base], [b["censored"] for b in base]),
            color="0.45",
            lw=1.1,
            ls="--",
            label="baseline",
        )
        row[1].plot(
            x, band([b["queue_km"] for b in base]), color="0.45", lw=1.1, ls="--", label="baseline"
        )
        for colour, (label, reps) in zip(PLAN_COLOURS * 3, runs.items(), strict=False):
            cs = [r[key] for r in reps]
            cens = [c["censored"] for c in cs]
            for ax, name, censored in (
                (row[0], "mean_transit_min", cens),
                (row[1], "queue_km", None),
            ):
                values = [c[name] for c in cs]
                ax.plot(x, band(values, censored), color=colour, lw=1.5, label=label)
                if n_reps > 1:
                    ax.fill_between(
                        x,
                        band(values, censored, 0.1),
                        band(values, censored, 0.9),
                        color=colour,
                        alpha=0.18,
                        lw=0,
                    )
        storage = _storage(scenario, crossing, direction)
        if storage:
            row[1].axhline(storage / 1000.0, color="k", ls=":", lw=1, label="approach storage")
        row[0].set_ylabel("transit time (min)\nby arrival time")
        row[1].set_ylabel("queue (km)")
        for ax in row:
            ax.set_title(f"{crossing} {direction.replace('_', ' ')}", loc="left", fontsize=10)
            ax.set_xlabel("hours from start" if scenario.start_datetime is None else "")
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            if scenario.start_datetime is not None:
                ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%H:%M"))
        row[1].legend(fontsize=8, loc="upper right")
    what = "plans" if len(runs) > 1 else "scenario"
    reps = f", median and 10-90% band over {n_reps} replications" if n_reps > 1 else ""
    fig.suptitle(
        f"{scenario.name}: recovery of the {what} against baseline{reps}{only}", fontsize=12
    )
    _layout(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _layout(fig, left: float = 1.0) -> None:
    """Margins in inches, the same whatever the figure's size: room for the title at the
    top and the labels at the left and bottom. (Fixed margins cost nothing, where
    matplotlib's tight layout measures every text and took most of the time of writing.)
    """
    width, height = fig.get_size_inches()
    rows = max(1, len({round(ax.get_position().y0, 3) for ax in fig.axes}))
    fig.subplots_adjust(
        left=left / width,
        right=1 - 0.25 / width,
        top=1 - 0.9 / height,
        bottom=0.65 / height,
        hspace=0.55 if rows > 1 else 0.2,
        wspace=0.25,
    )


def _storage(scenario: Scenario, crossing: str, direction: str) -> float | None:
    plaza = getattr(scenario.crossings[crossing], direction)
    return plaza.approach.storage if plaza is not None else None


def transit_distributions(
    scenario: Scenario,
    transit: dict[str, list[TransitStats]],
    class_names: list[str],
    path: Path,
    keys: list[str] | None = None,
) -> None:
    """Share of vehicles by transit time, per class, one panel per plaza (at most
    MAX_PLAZAS_DRAWN: the first of ``keys``)."""
    everyone = len(transit)
    keys = (keys or list(transit))[:MAX_PLAZAS_DRAWN]
    transit = {k: transit[k] for k in keys if k in transit}
    only = f" ({len(transit)} most delayed plazas of {everyone})" if len(transit) < everyone else ""
    fig, axes = plt.subplots(len(transit), 1, figsize=(9, 3.2 * len(transit)), squeeze=False)
    edges_min = bin_edges() / 60.0
    for ax, (key, per_class) in zip(axes[:, 0], transit.items(), strict=True):
        drawn = False
        for name, stats in zip(class_names, per_class, strict=True):
            stats.flush()
            if stats.count == 0:
                continue
            # Coarsen 0.5% bins to ~10% bins for a readable curve.
            k = 20
            usable = len(stats.hist) // k * k
            counts = stats.hist[:usable].reshape(-1, k).sum(axis=1)
            lo, hi = edges_min[:usable:k], edges_min[k : usable + 1 : k]
            centre = np.sqrt(np.maximum(lo, 1e-3) * hi)
            keep = counts > 0
            first, last = np.argmax(keep), len(keep) - np.argmax(keep[::-1])
            ax.plot(
                centre[first:last],
                counts[first:last] / stats.count * 100,
                lw=1.5,
                label=f"{name} (p95 {stats.quantile(0.95) / 60:.0f} min)",
            )
            drawn = True
        crossing, direction = key.split(".")
        ax.set_xscale("log")
        ax.set_xlabel("transit time (minutes, log scale)")
        ax.set_ylabel("% of vehicles")
        ax.set_title(f"{crossing} {direction.replace('_', ' ')}", loc="left", fontsize=10)
        ax.grid(alpha=0.3, which="both")
        if drawn:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "no vehicles after the warm-up", ha="center", transform=ax.transAxes)
    fig.suptitle(f"{scenario.name}: transit time by class (after warm-up){only}", fontsize=12)
    _layout(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def key_figures(result: Comparison, keys: list[FigureKey], path: Path) -> None:
    """Each plan's mean and 95% CI for a few key figures, one panel per figure."""
    plans = result.plans
    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.6), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for i, plan in enumerate(plans):
            f = result.get(key, plan)
            if f is None or f.mean is None:
                continue
            e = f.estimate
            err = None if e.low is None else [[f.mean - e.low], [e.high - f.mean]]
            ax.errorbar(
                [i],
                [f.mean],
                yerr=err,
                fmt="o",
                capsize=5,
                color=PLAN_COLOURS[i % len(PLAN_COLOURS)],
            )
            if f.missing:  # a mean over fewer replications: say so on the figure
                ax.annotate(
                    f"{f.missing} of {e.n + f.missing}:\n{f.why_missing}",
                    (i, f.mean),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=7,
                )
        ax.set_xticks(range(len(plans)), plans, rotation=30, ha="right", fontsize=8)
        ax.set_title(key.label, fontsize=9)
        ax.grid(alpha=0.3, axis="y")
        ax.set_ylim(bottom=0)
    fig.suptitle("key figures by plan: mean and 95% confidence interval", fontsize=11)
    _layout(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def timeline(scenario: Scenario, plans: list[str | None], path: Path) -> None:
    """The disruption's events and each plan's timed actions, as bars over the run."""
    rows: list[tuple[str, float, float, str]] = []
    for e in scenario.events:
        rows.append((f"{e.type}: {e.where}", e.start, min(e.end, scenario.horizon), e.colour))
    for i, plan in enumerate(p for p in plans if p):
        for a in scenario.plans.get(plan, []):
            if not a.timed:
                continue  # patience and information hold for the whole run
            start = a.start
            end = scenario.horizon if a.end is None else min(a.end, scenario.horizon)
            rows.append(
                (f"{plan}: {a.type} {a.where}", start, end, PLAN_COLOURS[i % len(PLAN_COLOURS)])
            )
    if len(rows) > MAX_TIMELINE_ROWS:  # a readable figure; every item is in the report text
        more = len(rows) - MAX_TIMELINE_ROWS + 1
        rows = rows[: MAX_TIMELINE_ROWS - 1]
        rows.append((f"... and {more} more (see the scenario)", 0.0, 0.0, "0.6"))
    height = max(2.6, 1.2 + 0.32 * len(rows))
    fig, ax = plt.subplots(figsize=(13, height))
    if scenario.warmup > 0:
        x0, x1 = _x(scenario, [0.0, scenario.warmup])
        ax.axvspan(x0, x1, color="0.9", zorder=0)
    for y, (label, start, end, colour) in enumerate(reversed(rows)):
        x0, x1 = _x(scenario, [start, end])
        ax.plot([x0, x1], [y, y], lw=9, color=colour, solid_capstyle="butt")
        ax.text(x1, y, f"  {label}", va="center", fontsize=8)
    x0, x1 = _x(scenario, [0.0, scenario.horizon])
    ax.set_xlim(x0, x1)
    ax.set_ylim(-1, max(len(rows), 1))
    ax.set_yticks([])
    ax.grid(alpha=0.3, axis="x")
    if scenario.start_datetime is not None:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%H:%M"))
    else:
        ax.set_xlabel("hours from start")
    if not rows:
        ax.text(0.5, 0.5, "no disruption (a baseline run)", ha="center", transform=ax.transAxes)
    fig.suptitle(f"{scenario.name}: timeline of the disruption and the plans' actions", fontsize=11)
    _layout(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)
