"""A scenario in plain words: what it sets up, what happens, and what the plans do."""

from __future__ import annotations

from datetime import timedelta

from .scenario import (
    Alert,
    Closure,
    Divert,
    Information,
    OpenBooths,
    Outage,
    Patience,
    PhasedReopening,
    Priority,
    Reallocate,
    Scenario,
    Staffing,
    Staging,
    Surge,
)
from .units import format_duration

DIRECTION_WORDS = {"into_us": "into the US (CBP)", "into_canada": "into Canada (CBSA)"}


def when(s: Scenario, seconds: float) -> str:
    """A time of the run in words: a calendar time if the scenario has a start."""
    start = s.start_datetime
    if start is None:
        return f"t+{format_duration(seconds)}"
    return (start + timedelta(seconds=seconds)).strftime("%a %d %b %H:%M")


def _span(s: Scenario, start: float, end: float | None) -> str:
    end = s.horizon if end is None else end
    return f"{when(s, start)} to {when(s, end)} ({format_duration(end - start)})"


def _classes(classes: list[str] | None) -> str:
    return "all traffic" if not classes else ", ".join(classes)


def event_text(s: Scenario, e) -> str:
    span = _span(s, e.start, e.end)
    if isinstance(e, Closure):
        what = f"closure of {e.where} to {_classes(e.classes)}"
    elif isinstance(e, Surge):
        what = f"demand x{e.factor:g} at {e.where} ({_classes(e.classes)})"
    elif isinstance(e, Staffing):
        what = (f"{e.where}: {e.open} booths open" if e.open is not None
                else f"{e.where}: {e.fraction:.0%} of scheduled booths open")  # fmt: skip
    elif isinstance(e, Alert):
        what = (f"heightened alert at {e.where}: inspection x{e.service_factor:g}, "
                f"referrals x{e.referral_factor:g} ({_classes(e.classes)})")  # fmt: skip
    else:
        assert isinstance(e, Outage)
        what = f"systems outage at {e.where}: inspection x{e.service_factor:g}"
    note = f" - {e.note}" if e.note else ""
    return f"{span}: {what}{note}"


def action_text(s: Scenario, a) -> str:
    if isinstance(a, Patience):
        return f"drivers of {', '.join(a.classes)} give up after about {_dist(a.time)}"
    if isinstance(a, Information):
        return f"waits posted every {format_duration(a.update_every)}"
    span = _span(s, a.start, a.end)
    if isinstance(a, OpenBooths):
        what = (f"{a.where}: {a.open} booths open" if a.open is not None
                else f"{a.where}: {a.add} more booths open")  # fmt: skip
    elif isinstance(a, Reallocate):
        what = f"{a.where} booths serve {', '.join(a.serves)}"
    elif isinstance(a, Priority):
        what = f"triage at {a.where}: tier 1 first, then tier 2, then the rest"
    elif isinstance(a, Staging):
        meter = (f"{a.per_hour:g} an hour" if a.per_hour
                 else f"{a.batch} every {format_duration(a.interval)}")  # fmt: skip
        what = f"{', '.join(a.classes)} staged before {a.where}, let on {meter}"
    elif isinstance(a, PhasedReopening):
        steps = "; ".join(
            f"after {format_duration(st.after)}: {st.fraction:.0%} of booths, tiers 1-{st.tiers}"
            for st in a.steps
        )
        what = f"phased reopening of {a.where}: {steps}"
    else:
        assert isinstance(a, Divert)
        what = (f"{_classes(a.classes)} at {a.from_} may divert to {', '.join(a.to)} "
                f"({a.mode})")  # fmt: skip
    return f"{span}: {what}"


def _dist(d) -> str:
    return format_duration(d.mean_seconds) + (f" (cv {d.cv:g})" if d.cv else "")


def explain(s: Scenario) -> list[str]:
    """Lines of plain text; blank lines separate sections."""
    out = [f"Scenario '{s.name}': {s.description}".rstrip(": ")]
    start = f" from {when(s, 0)}" if s.start_datetime else ""
    out.append(f"Simulates {format_duration(s.horizon)}{start}; the first "
               f"{format_duration(s.warmup)} are a warm-up left out of transit statistics. "
               f"Seed {s.seed}, {s.replications} replication(s).")  # fmt: skip
    out.append("")
    for name, crossing in s.crossings.items():
        out.append(f"{crossing.name or name} ({name}):")
        for d, plaza in crossing.plazas():
            groups = ", ".join(
                f"{g} {lg.booths} booth{'s' if lg.booths != 1 else ''} for {'/'.join(lg.serves)}"
                for g, lg in plaza.lane_groups.items()
            )
            demand = s.demand.get(f"{name}.{d}")
            per_day = sum(demand.daily.values()) if demand else 0
            sec = (f"; secondary {plaza.secondary.officers} officers, {plaza.secondary.bays} bays"
                   if plaza.secondary else "; no secondary")  # fmt: skip
            out.append(f"  {DIRECTION_WORDS[d]}: {groups}{sec}; {per_day:,.0f} vehicles a day")
    if s.network.detours:
        out.append("")
        out.append("Detours: " + "; ".join(
            f"{a}-{b} {format_duration(d.time) if not isinstance(d.time, dict) else 'by class'}"
            for d in s.network.detours for a, b in [d.between]))  # fmt: skip
    out.append("")
    if s.events:
        out.append("What happens:")
        out.extend(f"  {event_text(s, e)}" for e in s.events)
    else:
        out.append("No disruption: a normal day (the baseline).")
    for plan, actions in s.plans.items():
        out.append("")
        out.append(f"Plan '{plan}':" if actions else f"Plan '{plan}': no action (the reference).")
        out.extend(f"  {action_text(s, a)}" for a in actions)
    return out
