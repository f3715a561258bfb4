"""A scenario in plain words: what it sets up, what happens, and what the plans do."""

from __future__ import annotations

import re

from .results import DIRECTION_WORDS as DIRECTIONS_PLAIN
from .scenario import Scenario
from .units import format_duration

DIRECTION_WORDS = {"into_us": "into the US (CBP)", "into_canada": "into Canada (CBSA)"}


def in_words(scenario: Scenario, text: str) -> str:
    """A scenario's ``where`` keys as words, for labels: ``ambassador.into_us.cars`` as
    ``Ambassador Bridge into the US, cars``."""

    def place(m: re.Match) -> str:
        crossing, direction, group = m.group(1), m.group(2), m.group(3)
        c = scenario.crossings.get(crossing)
        words = (c.name if c is not None and c.name else None) or crossing
        if direction:
            words += f" {DIRECTIONS_PLAIN[direction]}"
        return words + (f", {group}" if group else "")

    keys = sorted(scenario.crossings, key=len, reverse=True)
    dotted = "|".join(re.escape(k) for k in keys)
    if dotted:  # crossing.direction[.lane_group]: unmistakably a place
        pattern = rf"\b({dotted})\.(into_us|into_canada)(?:\.([A-Za-z][\w\-]*))?\b"
        text = re.sub(pattern, place, text)
    # A bare key only when the file names the crossing and the key is no short word.
    bare = "|".join(re.escape(k) for k in keys if len(k) >= 3 and scenario.crossings[k].name)
    if bare:
        text = re.sub(rf"(?<![\w.])({bare})()()(?![\w.])", place, text)
    return text


def explain(s: Scenario) -> list[str]:
    """Lines of plain text; blank lines separate sections."""
    out = [f"Scenario '{s.name}': {s.description}".rstrip(": ")]
    start = f" from {s.clock(0)}" if s.start_datetime else ""
    warmup = (
        f"; the first {format_duration(s.warmup)} are a warm-up left out of transit statistics"
        if s.warmup
        else ""
    )
    reps = f"{s.replications} replication{'s' if s.replications != 1 else ''}"
    out.append(f"Simulates {format_duration(s.horizon)}{start}{warmup}. Seed {s.seed}, {reps}.")
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
            sec = (
                f"; secondary {plaza.secondary.officers} officers, {plaza.secondary.bays} bays"
                if plaza.secondary
                else "; no secondary"
            )
            out.append(f"  {DIRECTION_WORDS[d]}: {groups}{sec}; {per_day:,.0f} vehicles a day")
    if s.network.detours:
        out.append("")
        out.append(
            "Detours: "
            + "; ".join(
                f"{a}-{b} {format_duration(d.time) if not isinstance(d.time, dict) else 'by class'}"
                for d in s.network.detours
                for a, b in [d.between]
            )
        )
    out.append("")
    if s.events:
        out.append("What happens:")
        out.extend(f"  {in_words(s, e.text(s))}" for e in s.events)
    else:
        out.append("No disruption: a normal day (the baseline).")
    for plan, actions in s.plans.items():
        out.append("")
        out.append(f"Plan '{plan}':" if actions else f"Plan '{plan}': no action (the reference).")
        out.extend(f"  {in_words(s, a.text(s))}" for a in actions)
    if s.exercise is not None:
        out.extend(_exercise(s))
    return out


def _exercise(s: Scenario) -> list[str]:
    """The exercise section in words: decision points, injects (and the events they
    bring, which happen in every run), roles, plans on paper."""
    ex = s.exercise
    assert ex is not None
    out = ["", f"Exercise '{ex.title or s.name}' (bordersim exercise):"]
    out.append("  decision points: " + ", ".join(s.clock(t) for t in ex.decision_points))
    for i in sorted(ex.injects, key=lambda i: i.at):
        source = f"{i.source}: " if i.source else ""
        out.append(f"  inject {s.clock(i.at)}, {source}{i.text}")
        if i.event is not None:
            out.append(f"    it brings: {in_words(s, i.event.text(s))}")
    for name, role in ex.all_roles().items():
        out.append(f"  role {name}: {', '.join(role.actions)} at {', '.join(role.where)}")
    out.append("  compared with: doing nothing, " + ", ".join(ex.paper_plans(s)))
    return out
