"""A scenario as its figures see it (:class:`~bordersim.report.style.Sketch`): made here,
in the process that read the scenario, so that the drawing process needs no pydantic."""

from __future__ import annotations

from ..explain import in_words
from ..results import DIRECTION_WORDS
from ..scenario import Scenario
from .style import Band, Bar, Sketch, plan_style


def sketch(scenario: Scenario, plans: list[str | None]) -> Sketch:
    s = scenario
    plazas = [(c, d) for c, d, _ in s.plazas()]
    names: dict[str, str] = {}
    for key, crossing in s.crossings.items():
        names[key] = crossing.name or key
        for d, _ in crossing.plazas():
            names[f"{key}.{d}"] = f"{names[key]} {DIRECTION_WORDS[d]}"
    bands = tuple(
        Band(
            e.type,
            e.start,
            min(e.end, s.horizon),
            frozenset(f"{c}.{d}" for c, d in plazas if e.covers(c, d)),
        )
        for e in s.events
    )
    bars = [
        Bar(
            f"{e.type}: {in_words(s, e.where or 'everywhere')}",
            e.start,
            min(e.end, s.horizon),
            e.colour,
        )
        for e in s.events
    ]
    acting = [p for p in plans if p]
    for i, plan in enumerate(acting):
        for a in s.plans.get(plan, []):
            # patience and information hold for the whole run
            start, end = in_force(s, a) if a.timed else (0.0, s.horizon)
            label = f"{plan}: {in_words(s, a.describe(s))}"
            bars.append(Bar(label, start, end, plan_style(i)["color"]))
    return Sketch(
        name=s.name,
        start=s.start_datetime,
        warmup=s.warmup,
        horizon=s.horizon,
        bands=bands,
        names=names,
        storage_m={f"{c}.{d}": p.approach.storage for c, d, p in s.plazas()},
        bars=tuple(bars),
        plans_acting=bool(acting),
    )


def in_force(scenario: Scenario, item) -> tuple[float, float]:
    """When an item restricts or acts: a phased reopening only until its last restricting
    step (what it expands to), anything else from its start to its end."""
    end = scenario.horizon if getattr(item, "end", None) is None else item.end
    if item.has_effect("expand"):
        parts = item.expand(scenario)
        if parts:
            return min(p.start for p in parts), min(max(p.end for p in parts), scenario.horizon)
    return item.start, min(end, scenario.horizon)
