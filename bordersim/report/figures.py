"""Figures for a briefing: the timeline, recovery curves, waits, key figures by plan and,
for a region, an overview of every crossing.

Conventions, the same in every figure:

* plans are lines in a colour-blind-safe palette (Okabe and Ito) with a line style each,
  so two plans with the same results stay visible (and are labelled "same as ...");
  events are never a plan's colour: they are grey bands with their name written on them;
* times are calendar times with the year when the scenario has a start, else hours
  from the start; waits are in minutes, or hours when they run long;
* places are named as the planner knows them ("Ambassador Bridge into the US").

With several replications a curve is the median across them, with the band between the
10th and 90th percentiles shaded; the baseline is drawn as its median.
"""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

# matplotlib's Figure and its Agg canvas, not pyplot: files only, never a screen, and
# pyplot's figure manager is a tenth of a second to load for nothing here.
import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..results import DIRECTION_WORDS, MEDIAN, Comparison, FigureKey
from ..stats import TransitStats, bin_edges
from ..units import format_duration
from .style import (
    BASELINE,
    EVENT_SHADE,
    HOURS_AFTER_MIN,
    MAX_CROSSINGS_DRAWN,
    MAX_PLAZAS_DRAWN,
    WARMUP_SHADE,
    Lines,
    Sketch,
    plan_style,
)

MAX_TIMELINE_ROWS = 24


def place_name(sk: Sketch, key: str) -> str:
    """``ambassador.into_us`` as ``Ambassador Bridge into the US``."""
    return sk.names.get(key, key)


def _x(sk: Sketch, seconds):
    start = sk.start
    if start is None:
        return np.asarray(seconds, dtype=float) / 3600.0
    return [start + timedelta(seconds=float(t)) for t in np.atleast_1d(seconds)]


def _time_axis(ax, sk: Sketch, most: int = 8) -> None:
    """Calendar ticks (day, then hours; the month and year once, at the end), or hours
    from the start; at most ``most`` labels so that they never run into each other."""
    if sk.start is not None:
        # Steps a reader counts in (every 6 hours, every 2 days...), enough of them that
        # some fits any horizon in few ticks.
        locator = mdates.AutoDateLocator(minticks=2, maxticks=most)
        locator.intervald[mdates.HOURLY] = [1, 2, 3, 4, 6, 8, 12, 18]
        locator.intervald[mdates.DAILY] = [1, 2, 3, 7, 14]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(
                locator,
                formats=["%Y", "%b", "%a %d", "%H:%M", "%H:%M", "%S"],
                zero_formats=["", "%Y", "%b", "%a %d", "%H:%M", "%H:%M"],
                offset_formats=["", "%Y", "%b %Y", "%b %Y", "%a %d %b %Y", "%a %d %b %Y"],
            )
        )
    else:
        ax.set_xlabel("hours from the start")


def _shade(ax, sk: Sketch, crossing: str, direction: str | None) -> None:
    """Warm-up and events as grey bands, each event's name written at the top."""
    if sk.warmup > 0:
        x0, x1 = _x(sk, [0.0, sk.warmup])
        ax.axvspan(x0, x1, color=WARMUP_SHADE, zorder=0)
    labelled: dict[float, int] = {}  # labels at the same start go one under the other
    for e in sk.bands_at(crossing, direction):
        x0, x1 = _x(sk, [e.start, e.end])
        ax.axvspan(x0, x1, color=EVENT_SHADE, alpha=0.55, zorder=0, lw=0)
        k = labelled[e.start] = labelled.get(e.start, -1) + 1
        ax.text(
            x0,
            0.98 - 0.09 * k,
            f" {e.type}",
            transform=ax.get_xaxis_transform(),
            va="top",
            ha="left",
            fontsize=7,
            color="#444444",
            clip_on=True,
        )


def _same_as(curves: dict[str, list[np.ndarray]]) -> dict[str, str]:
    """Plans whose drawn curves are identical to an earlier plan's: plan -> that plan."""
    out: dict[str, str] = {}
    seen: list[tuple[str, list[np.ndarray]]] = []
    for plan, arrays in curves.items():
        for other, theirs in seen:
            if all(
                np.array_equal(a, b, equal_nan=True) for a, b in zip(arrays, theirs, strict=True)
            ):
                out[plan] = other
                break
        else:
            seen.append((plan, arrays))
    return out


def recovery(
    sk: Sketch,
    runs: dict[str, dict[str, Lines]],
    base: dict[str, Lines],
    bin_s: float,
    path: Path,
    keys: list[str] | None = None,
    everyone: int | None = None,
    n_reps: int = 1,
    of_reps: int | None = None,
) -> None:
    """Transit time and queue km against the baseline for each plaza, disruption shaded.

    ``runs`` maps a plan's label to its plazas' lines (report.series.lines): one plan
    for a run, several overlaid for a comparison; ``base`` the baseline's. ``keys`` are
    the plazas to draw, most delayed first; at most MAX_PLAZAS_DRAWN are drawn, so the
    figure stays readable and cheap whatever the size of the region.
    """
    keys = list(base) if keys is None else keys
    shown = keys[:MAX_PLAZAS_DRAWN]
    everyone = everyone or len(base)
    only = (
        ""
        if len(shown) == everyone
        else (f" ({len(shown)} most delayed plazas of {everyone}; all in timeseries.csv)")
    )
    keys = shown
    fig, axes = _subplots(len(keys), 2, figsize=(13, 3.3 * len(keys) + 0.6), squeeze=False)
    n_bins = len(base[keys[0]].queue_km)
    x = _x(sk, (np.arange(n_bins) + 0.5) * bin_s)
    for row, key in zip(axes, keys, strict=True):
        crossing, direction = key.split(".")
        for ax in row:
            _shade(ax, sk, crossing, direction)
        medians = {
            label: [lines[key].transit, lines[key].queue_km] for label, lines in runs.items()
        }
        same = _same_as(medians)
        top = np.nanmax([np.nanmax(m[0], initial=0) for m in medians.values()], initial=0)
        hours = top > HOURS_AFTER_MIN
        scale = 60.0 if hours else 1.0
        row[0].plot(x, base[key].transit / scale, **BASELINE)
        row[1].plot(x, base[key].queue_km, **BASELINE)
        for i, (label, plazas) in enumerate(runs.items()):
            style = plan_style(i)
            name = label + (f" (same as {same[label]})" if label in same else "")
            ln = plazas[key]
            for ax, curve, lo, hi, k in (
                (row[0], ln.transit, ln.transit_lo, ln.transit_hi, scale),
                (row[1], ln.queue_km, ln.queue_lo, ln.queue_hi, 1.0),
            ):
                # Bins with no vehicle crossed (a closure, the night) are bridged: a line,
                # not scattered dots, through the vehicles that did cross.
                known = np.isfinite(curve)
                ax.plot(np.asarray(x)[known], curve[known] / k, lw=1.6, label=name, **style)
                if lo is not None and hi is not None and label not in same:
                    ax.fill_between(x, lo / k, hi / k, color=style["color"], alpha=0.15, lw=0)
        storage = sk.storage_m.get(key)
        if storage:
            row[1].axhline(storage / 1000.0, color="k", ls=":", lw=1, label="approach length")
        row[0].set_ylabel(
            f"transit time ({'hours' if hours else 'minutes'})\nby arrival, 35-min average"
        )
        row[1].set_ylabel("queue (km)")
        for ax in row:
            ax.set_title(place_name(sk, key), loc="left", fontsize=10)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            _time_axis(ax, sk, most=10)
    what = "each plan" if len(runs) > 1 else "the scenario"
    reps = f"; median and 10-90% band over {n_reps} replications" if n_reps > 1 else ""
    if of_reps is not None and of_reps > n_reps > 1:
        reps = f"; median and 10-90% band over the first {n_reps:,} of {of_reps:,} replications"
    _title(fig, f"{sk.name}: recovery of {what} against the baseline{reps}{only}")
    # One legend for every panel, under the title: it never hides a curve.
    handles: dict[str, object] = {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    from matplotlib.patches import Patch

    if sk.warmup > 0:
        handles["warm-up (not in transit times)"] = Patch(color=WARMUP_SHADE)
    if sk.bands:
        handles["disruption (named on the band)"] = Patch(color=EVENT_SHADE, alpha=0.55)
    height = fig.get_size_inches()[1]
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="upper left",
        bbox_to_anchor=(0.01, 1 - 0.4 / height),
        ncol=min(4, len(handles)),
        fontsize=8,
        frameon=False,
    )
    rows = -(-len(handles) // 4)
    _layout(fig, top=0.75 + 0.2 * rows)
    _save(fig, path, dpi=110)


def _title(fig, text: str) -> None:
    """The figure's title at its top left, a fixed distance from the edge."""
    height = fig.get_size_inches()[1]
    fig.suptitle(text, fontsize=11, x=0.01, y=1 - 0.12 / height, ha="left", va="top")


def _subplots(*args, figsize: tuple[float, float], **kwargs):
    """A figure on an Agg canvas and its axes (as pyplot.subplots)."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(*args, **kwargs)


def _save(fig, path: Path, dpi: int) -> None:
    """Write the PNG with light compression: a quarter larger, but zlib's default level
    took a third of the time of writing a figure."""
    fig.savefig(path, dpi=dpi, pil_kwargs={"compress_level": 1})


def _layout(fig, left: float = 1.0, top: float = 0.6) -> None:
    """Margins in inches, the same whatever the figure's size: room for the title at the
    top and the labels at the left and bottom. (Fixed margins cost nothing, where
    matplotlib's tight layout measures every text and took most of the time of writing.)
    """
    width, height = fig.get_size_inches()
    rows = max(1, len({round(ax.get_position().y0, 3) for ax in fig.axes}))
    fig.subplots_adjust(
        left=left / width,
        right=1 - 0.25 / width,
        top=1 - top / height,
        bottom=0.6 / height,
        hspace=0.55 if rows > 1 else 0.2,
        wspace=0.25,
    )


def transit_distributions(
    sk: Sketch,
    transit: dict[str, list[TransitStats]],
    class_names: list[str],
    path: Path,
    keys: list[str] | None = None,
    everyone: int | None = None,
) -> None:
    """Cumulative share of vehicles by transit time, per class: read off "90% of trucks
    waited less than 2 hours". One panel per plaza (at most MAX_PLAZAS_DRAWN)."""
    everyone = everyone or len(transit)
    keys = (keys or list(transit))[:MAX_PLAZAS_DRAWN]
    transit = {k: transit[k] for k in keys if k in transit}
    only = f" ({len(transit)} most delayed plazas of {everyone})" if len(transit) < everyone else ""
    fig, axes = _subplots(len(transit), 1, figsize=(9, 3.0 * len(transit) + 0.5), squeeze=False)
    edges_min = bin_edges()[1:] / 60.0  # the upper edge of each histogram bin
    for ax, (key, per_class) in zip(axes[:, 0], transit.items(), strict=True):
        drawn = []
        for name, stats in zip(class_names, per_class, strict=True):
            stats.flush()
            if stats.count:
                drawn.append((name, stats))
        top = max((s.quantile(0.995) / 60.0 for _, s in drawn), default=1.0)
        hours = top > HOURS_AFTER_MIN
        scale = 60.0 if hours else 1.0
        for i, (name, stats) in enumerate(drawn):
            share = np.cumsum(stats.hist[: len(edges_min)]) / stats.count * 100
            last = int(np.searchsorted(share, 99.99)) + 1
            xs = np.concatenate([[0.0], edges_min[:last] / scale])
            ys = np.concatenate([[0.0], share[:last]])
            p90 = format_duration(stats.quantile(0.9))
            ax.plot(xs, ys, lw=1.6, label=f"{name} (90% within {p90})", **plan_style(i))
        ax.set_xlim(0, top * 1.02 / scale)
        ax.set_ylim(0, 101)
        ax.set_xlabel(f"transit time ({'hours' if hours else 'minutes'})")
        ax.set_ylabel("% of vehicles\nwithin this time")
        ax.set_title(place_name(sk, key), loc="left", fontsize=10)
        ax.grid(alpha=0.3)
        if drawn:
            ax.legend(fontsize=8, loc="lower right")
        else:
            ax.text(0.5, 0.5, "no vehicles after the warm-up", ha="center", transform=ax.transAxes)
    _title(fig, f"{sk.name}: share of vehicles by transit time, after the warm-up{only}")
    _layout(fig, top=0.7)
    _save(fig, path, dpi=110)


def key_figures(result: Comparison, keys: list[FigureKey], path: Path) -> None:
    """Each plan's value and 95% interval for a few key figures, one panel per figure,
    plans best first. A plan that did not recover within the horizon is drawn at the
    horizon's bound with an arrow and says so, never left out."""
    plans = result.ranking
    colour = {p: plan_style(result.plans.index(p))["color"] for p in plans}
    width = max(len(p) for p in plans) * 0.085 + 0.4  # inches for the plans' names
    ncols = min(2, len(keys))
    nrows = -(-len(keys) // ncols)
    fig, axes = _subplots(
        nrows,
        ncols,
        figsize=(5.6 * ncols + width, (0.42 * len(plans) + 1.5) * nrows + 0.5),
        squeeze=False,
    )
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    for j, (ax, key) in enumerate(zip(axes.flat, keys, strict=False)):
        scale = 1.0
        unit = key.measure.unit
        if unit == "min":
            unit_words = "minutes"
        elif unit == "h":
            unit_words = "hours"
        else:
            unit_words = {"veh-h": "vehicle-hours", "km": "km"}.get(unit, unit)
        for y, plan in enumerate(plans):
            f = result.get(key, plan)
            if f is None:
                continue
            e = f.estimate
            c = colour[plan]
            if e.value is None and e.statistic == MEDIAN and e.beyond is not None:
                ax.plot([e.beyond * scale], [y], marker=">", ms=9, color=c)
                ax.annotate(
                    f"not within the horizon ({e.missing} of {e.total})",
                    (e.beyond * scale, y),
                    textcoords="offset points",
                    xytext=(-6, 7),
                    ha="right",
                    fontsize=8,
                )
                continue
            if e.value is None:
                ax.text(0, y, f"  {f.why_missing}", va="center", fontsize=7)
                continue
            if e.statistic == MEDIAN and e.low is None:  # under six: the range of the runs
                lo, hi = e.lowest, e.highest
            else:
                lo, hi = e.low, e.high
            lo = e.value if lo is None else lo
            if hi is None and e.statistic == MEDIAN and e.missing:
                hi = e.beyond  # some runs beyond the horizon: the interval runs to it
                ax.plot([hi * scale], [y], marker=">", ms=7, color=c)
            hi = e.value if hi is None else hi
            ax.plot([lo * scale, hi * scale], [y, y], color=c, lw=2)
            ax.plot([e.value * scale], [y], "o", color=c, ms=7)
            if e.missing:
                ax.annotate(
                    f"{e.missing} of {e.total} not within the horizon",
                    (e.value * scale, y),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=7,
                )
        first = j % ncols == 0
        ax.set_yticks(range(len(plans)), plans if first else [""] * len(plans), fontsize=9)
        ax.set_ylim(len(plans) - 0.5, -0.7)
        ax.set_xlim(left=0)
        ax.margins(x=0.08)  # room for interval ends and markers inside the frame
        ax.set_xlim(left=0)
        # Few ticks: six-figure delays and "1h 00min" labels run together otherwise.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        if key.measure.unit in ("h", "min"):
            factor = 3600.0 if key.measure.unit == "h" else 60.0
            ax.xaxis.set_major_formatter(
                FuncFormatter(lambda v, _pos, f=factor: format_duration(v * f) if v >= 0 else "")
            )
            unit_words = ""
        else:
            ax.xaxis.set_major_formatter(
                FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 100 else f"{v:g}")
            )
        where = result.context.name(key.place) if key.place.crossing else "all plazas"
        stat = "median" if key.measure.censored else "mean"
        ax.set_title(
            "\n".join(textwrap.wrap(f"{key.measure.label} ({stat}), {where}", 52)),
            fontsize=10,
            loc="left",
        )
        ax.set_xlabel(unit_words, fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    _title(
        fig,
        "Key figures by plan, best first: value and 95% interval (times: median, and the "
        "range of the replications under six)",
    )
    _layout(fig, left=width, top=0.75)
    _save(fig, path, dpi=110)


def timeline(sk: Sketch, path: Path) -> None:
    """The disruption's events and each plan's actions (while they act), as bars over the
    run, each labelled at the left in the planner's words (report.sketch makes them)."""
    rows = [(b.label, b.start, b.end, b.colour) for b in sk.bars]
    if len(rows) > MAX_TIMELINE_ROWS:  # a readable figure; every item is in the report text
        more = len(rows) - MAX_TIMELINE_ROWS + 1
        rows = rows[: MAX_TIMELINE_ROWS - 1]
        rows.append((f"... and {more} more (see the scenario in the report)", 0.0, 0.0, "0.6"))
    labels = ["\n".join(textwrap.wrap(r[0], 50, max_lines=3, placeholder=" ...")) for r in rows]
    height = max(2.4, 0.9 + 0.36 * len(rows) + 0.13 * sum(lbl.count("\n") for lbl in labels))
    fig, ax = _subplots(figsize=(13, height))
    if sk.warmup > 0:
        x0, x1 = _x(sk, [0.0, sk.warmup])
        ax.axvspan(x0, x1, color=WARMUP_SHADE, zorder=0)
        ax.text(x0, 1.0, " warm-up", transform=ax.get_xaxis_transform(), fontsize=7, va="bottom")
    for y, (_, start, end, colour) in enumerate(rows):
        x0, x1 = _x(sk, [start, end])
        ax.plot([x0, x1], [y, y], lw=9, color=colour, solid_capstyle="butt")
    x0, x1 = _x(sk, [0.0, sk.horizon])
    ax.set_xlim(x0, x1)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    _time_axis(ax, sk)
    if not rows:
        ax.text(0.5, 0.5, "no disruption (a baseline run)", ha="center", transform=ax.transAxes)
    _title(
        fig,
        f"{sk.name}: the disruption"
        + (" and the plans' actions (while they act)" if sk.plans_acting else ""),
    )
    _layout(fig, left=3.9, top=0.55)
    _save(fig, path, dpi=110)


def overview(
    sk: Sketch,
    runs: dict[str, dict[str, Lines]],
    bin_s: float,
    path: Path,
    crossings: list[str],
    everyone: int | None = None,
) -> None:
    """A region at a glance: one small panel per crossing (most delayed first, at most
    MAX_CROSSINGS_DRAWN), on a shared time axis. For a run, the queue (km) of each
    direction; for a comparison, the vehicles queued at the crossing (both directions)
    under each plan. ``runs``: each plan's plazas' lines (report.series.lines)."""
    shown = crossings[:MAX_CROSSINGS_DRAWN]
    cols = min(4, len(shown))
    rows = -(-len(shown) // cols)
    fig, axes = _subplots(
        rows, cols, figsize=(3.4 * cols + 0.8, 2.3 * rows + 0.9), squeeze=False, sharex=True
    )
    first = next(iter(runs.values()))
    n_bins = len(next(iter(first.values())).queue_km)
    x = _x(sk, (np.arange(n_bins) + 0.5) * bin_s)
    compare = len(runs) > 1
    for ax, crossing in zip(axes.flat, shown, strict=False):
        _shade(ax, sk, crossing, None)
        keys = [k for k in first if k.split(".")[0] == crossing]
        if compare:
            for i, (label, plazas) in enumerate(runs.items()):
                total = sum(plazas[k].queued for k in keys)
                ax.plot(x, total, lw=1.1, alpha=0.9, label=label, **plan_style(i))
        else:
            for k, ls in zip(keys, ("-", "--"), strict=False):
                words = DIRECTION_WORDS.get(k.split(".")[1], k)
                ax.plot(x, first[k].queue_km, lw=1.3, ls=ls, color="#0072B2", label=words)
        ax.set_title(place_name(sk, crossing), loc="left", fontsize=9)
        ax.set_ylabel("vehicles queued" if compare else "queue (km)", fontsize=8)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        _time_axis(ax, sk, most=4)
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    for i, ax in enumerate(axes.flat[: len(shown)]):
        if i + cols < len(shown):  # a panel below says what the shared time axis is
            ax.set_xlabel("")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8, ncol=min(len(labels), 4))
    what = (
        "vehicles queued (both directions)" if compare else "queue (km) by direction"
    ) + "; each panel has its own scale"
    total = everyone or len(crossings)
    more = f"; {len(shown)} most delayed of {total} crossings" if len(shown) < total else ""
    _title(fig, f"{sk.name}: every crossing at a glance, {what}{more}")
    _layout(fig, left=0.6, top=0.8)
    _save(fig, path, dpi=100)
