"""Figures as people read them: values with their 95% interval, durations in hours and
minutes, money with its currency, calendar times, differences in words.

Shared by the headline, the terminal tables, the HTML report and the figures; each takes
a typed :class:`~bordersim.results.Figure` (or None where a results set has no such
figure). A figure that replications cannot give is never a bare mark: it says why, and
in how many replications.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..results import (
    AT_LEAST,
    MEDIAN,
    NOT_CLEAR,
    Context,
    Difference,
    Estimate,
    Figure,
    Measure,
)
from ..units import format_duration

NONE = "none"  # no such figure at this place (e.g. no disruption there): not a failure
DURATION_UNITS = {"min": 60.0, "h": 3600.0}


def value(f: Figure | None, spec: str = ",.0f", currency: str | None = None) -> str:
    """Any figure in the words its unit calls for (a duration, money or a number)."""
    if f is None:
        return NONE
    unit = f.measure.unit
    if unit in DURATION_UNITS:
        return duration(f)
    if unit == "money":
        return money(f, currency)
    if unit == "share":
        return share(f)
    return figure(f, spec)


def figure(f: Figure | Estimate | None, spec: str = ",.1f") -> str:
    """A number with the half-width of its 95% CI; when replications could not give it,
    how many and why."""
    e = f.estimate if isinstance(f, Figure) else f
    if e is None:
        return NONE
    if e.value is None:
        return _unavailable(f, e)
    text = format(e.value, spec)
    if e.half_width is not None:
        text += f" ±{format(e.half_width, spec)}"
    return text + _some_missing(f, e)


def duration(f: Figure | None, missing: str = NONE) -> str:
    """A duration figure (unit min or h) as ``2h 05min ±12min``; a censored one as its
    median with the range or interval of the replications, or ``> 19h 00min`` and in how
    many replications it was not within the horizon."""
    if f is None:
        return missing
    e = f.estimate
    scale = DURATION_UNITS[f.measure.unit]
    if e.statistic == MEDIAN:
        return _median(f, e, scale)
    if e.value is None:
        return _unavailable(f, e)
    text = format_duration(e.value * scale)
    if e.half_width is not None:
        text += f" ±{format_duration(e.half_width * scale)}"
    return text + _some_missing(f, e)


def _median(f: Figure, e: Estimate, scale: float) -> str:
    beyond = f"> {format_duration((e.beyond or 0.0) * scale)}"

    def at(x: float | None) -> str:
        return beyond if x is None else format_duration(x * scale)

    total = e.total
    if e.value is None and (e.beyond or 0.0) <= 0:  # no time left after the disruption
        return f"{_not_within(f)}: the disruption lasts to the end of the run"
    if e.value is None:
        if total == 1:
            return f"{beyond} ({f.measure.missing_means})"
        return f"{beyond}: {_not_within(f)} in {e.missing} of {total}"
    text = at(e.value)
    if total > 1 and e.low is not None:
        text += f" (95%: {at(e.low)} to {at(e.high)})"
    elif total > 1 and e.lowest != e.highest:
        text += f" (replications {at(e.lowest)} to {at(e.highest)})"
    if e.missing:
        text += f"; {_not_within(f)} in {e.missing} of {total}"
    return text


def _not_within(f: Figure) -> str:
    """'not recovered within the horizon' and the like, for a censored measure."""
    return f.measure.missing_means


def money(f: Figure | None, currency: str | None) -> str:
    """A cost with its currency, e.g. ``CAD 27.4 million ±0.8 million``."""
    if f is None:
        return NONE
    e = f.estimate
    if e.value is None:
        return _unavailable(f, e)
    unit = currency or "(currency not set)"
    text = f"{unit} {_large(e.value)}"
    if e.half_width is not None:
        text += f" ±{_large(e.half_width)}"
    return text + _some_missing(f, e)


def _large(x: float) -> str:
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.2f} billion"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f} million"
    return f"{x:,.0f}"


def share(f: Figure | None) -> str:
    if f is None:
        return NONE
    e = f.estimate
    return _unavailable(f, e) if e.value is None else f"{e.value:.0%}"


def _why(f: Figure | Estimate | None) -> str:
    return f.measure.missing_means if isinstance(f, Figure) else "cannot be computed"


def _unavailable(f: Figure | Estimate | None, e: Estimate) -> str:
    """No replication gives the figure: why, and in how many (of how many)."""
    total = e.n + e.missing
    return _why(f) if total <= 1 else f"{_why(f)} ({e.missing} of {total})"


def _some_missing(f: Figure | Estimate | None, e: Estimate) -> str:
    """Some replications do not give the figure: the mean is over the others; say so."""
    if not e.missing:
        return ""
    return f" (over {e.n} of {e.n + e.missing}; {e.missing} {_why(f)})"


def when(context: Context, h: float, year: bool = False) -> str:
    """A time of the run (hours from its start) as a calendar time when there is one:
    ``Tue 10 Jun 16:00`` (with ``year``, ``Tue 10 Jun 2025 16:00``); else the time
    from the start (``1d 6h 00min``)."""
    if context.start:
        t = datetime.fromisoformat(context.start) + timedelta(hours=h)
        return t.strftime("%a %d %b %Y %H:%M" if year else "%a %d %b %H:%M")
    return f"{format_duration(h * 3600.0)} from the start"


def difference(d: Difference | None, measure: Measure, spec: str = ",.0f") -> tuple[str, str]:
    """A paired difference as people read it, and its verdict: ``+1,234 ±56 (+4.1%)
    worse``, ``at least +6h 10min (+45%) worse``. The verdict says better or worse only
    when the difference is both clear and large enough to matter (see
    bordersim.results.Difference)."""
    if d is None:
        return NONE, NOT_CLEAR
    e = d.estimate
    if e.value is None:
        return d.verdict, d.verdict
    scale = DURATION_UNITS.get(measure.unit)
    if scale is not None:
        text = _signed_duration(e.value * scale)
        if e.half_width is not None:
            text += f" ±{format_duration(e.half_width * scale)}"
    else:
        text = signed(e.value, spec)
        if e.half_width is not None:
            text += f" ±{format(e.half_width, spec)}"
    if d.relative is not None:
        text += f" ({signed(d.relative * 100, '.0f' if abs(d.relative) >= 0.1 else '.1f')}%)"
    if d.bound:
        text = f"{'at least' if d.bound == AT_LEAST else 'at most'} {text}"
    return f"{text} {d.verdict}", d.verdict


def _signed_duration(seconds: float) -> str:
    text = format_duration(seconds)
    return text if text.startswith("-") or text == "0s" else f"+{text}"


def signed(x: float, spec: str) -> str:
    """With its sign, but a value that rounds to zero is 0, never -0.0."""
    text = format(x, "+" + spec)
    return format(0.0, spec) if float(text.replace(",", "")) == 0 else text
