"""Figures as people read them: a mean with its 95% CI, durations, calendar times.

Shared by the terminal tables and the HTML report; each takes a typed
:class:`~bordersim.results.Figure` (or None where a results set has no such figure).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..results import NOT_CLEAR, Context, Difference, Estimate, Figure
from ..units import format_duration


def figure(f: Figure | Estimate | None, spec: str = ",.1f") -> str:
    """A value, or a mean with the half-width of its 95% CI, and how many replications
    could not give it."""
    e = f.estimate if isinstance(f, Figure) else f
    if e is None or e.mean is None:
        return "-"
    text = format(e.mean, spec)
    if e.half_width is not None:
        text += f" ±{format(e.half_width, spec)}"
    if e.missing:
        text += f" ({e.missing} n/a)"
    return text


def hours(f: Figure | None, missing: str) -> str:
    """A duration figure (in hours) as 2h 05min, with its CI; ``missing`` when unknown."""
    e = f.estimate if f is not None else None
    if e is None or e.mean is None:
        return missing
    text = format_duration(e.mean * 3600.0)
    if e.half_width is not None:
        text += f" ±{format_duration(e.half_width * 3600.0)}"
    if e.missing:
        text += f" ({e.missing} not within horizon)"
    return text


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
