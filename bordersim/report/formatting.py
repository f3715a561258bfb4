"""Figures as people read them: a mean with its 95% CI, durations, calendar times.

Shared by the terminal tables and the HTML report; each takes a typed
:class:`~bordersim.results.Figure` (or None where a results set has no such figure).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..results import NOT_CLEAR, Context, Difference, Estimate, Figure
from ..units import format_duration


def figure(f: Figure | Estimate | None, spec: str = ",.1f") -> str:
    """A value, or a mean with the half-width of its 95% CI; when replications could not
    give it, how many and why (never a bare "-" for what could not be computed)."""
    e = f.estimate if isinstance(f, Figure) else f
    if e is None:
        return "-"  # no such figure here (not a figure that could not be computed)
    if e.mean is None:
        return _unavailable(f, e)
    text = format(e.mean, spec)
    if e.half_width is not None:
        text += f" ±{format(e.half_width, spec)}"
    return text + _some_missing(f, e)


def hours(f: Figure | None, missing: str) -> str:
    """A duration figure (in hours) as 2h 05min, with its CI; ``missing`` when there is
    no such figure; how many replications could not give it, and why."""
    e = f.estimate if f is not None else None
    if e is None:
        return missing
    if e.mean is None:
        return _unavailable(f, e)
    text = format_duration(e.mean * 3600.0)
    if e.half_width is not None:
        text += f" ±{format_duration(e.half_width * 3600.0)}"
    return text + _some_missing(f, e)


def _why(f: Figure | Estimate | None) -> str:
    return f.measure.missing_means if isinstance(f, Figure) else "not available"


def _unavailable(f: Figure | Estimate | None, e: Estimate) -> str:
    """No replication gives the figure: why, and in how many (of how many)."""
    total = e.n + e.missing
    return _why(f) if total <= 1 else f"{_why(f)} ({e.missing} of {total})"


def _some_missing(f: Figure | Estimate | None, e: Estimate) -> str:
    """Some replications do not give the figure: the mean is over the others; say so."""
    if not e.missing:
        return ""
    return f" (over {e.n} of {e.n + e.missing}; {e.missing} {_why(f)})"


def when(context: Context, h: float) -> str:
    """A time of the run (hours from its start) as a calendar time when there is one."""
    if context.start:
        t = datetime.fromisoformat(context.start) + timedelta(hours=h)
        return t.strftime("%a %d %b %H:%M")
    return format_duration(h * 3600.0)


def difference(d: Difference | None, spec: str = ",.0f") -> tuple[str, str]:
    """A paired difference as people read it, and its verdict: ``+1,234 ±56 (+4.1%)
    worse``. The verdict says better or worse only when the difference is both clear and
    large enough to matter (see bordersim.results.Difference)."""
    if d is None or d.estimate.mean is None:
        return "-", NOT_CLEAR
    text = _signed(d.estimate.mean, spec)
    if d.estimate.half_width is not None:
        text += f" ±{format(d.estimate.half_width, spec)}"
    if d.relative is not None:
        text += f" ({_signed(d.relative * 100, '.1f')}%)"
    return f"{text} {d.verdict}", d.verdict


def _signed(x: float, spec: str) -> str:
    """With its sign, but a value that rounds to zero is 0, never -0.0."""
    text = format(x, "+" + spec)
    return format(0.0, spec) if float(text.replace(",", "")) == 0 else text
