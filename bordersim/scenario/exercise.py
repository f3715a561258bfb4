"""The ``exercise:`` section of a scenario: a tabletop exercise (a dry run of a plan).

A facilitator runs the scenario on a projector; the clock stops at each **decision
point**; **injects** (messages, optionally with the event they bring) arrive at their
times; players of each **role** take **decisions**: response actions that start when
they are taken, at the places their role covers. What was played is compared, after the
exercise, with doing nothing and with the plans on paper (the file's ``plans``).

A decision is an action of a plan written without its start (it starts when taken): only
actions in force from a time on can be decisions. ``information`` and ``patience`` act
on the whole run, so they cannot: what drivers are told is a ``divert`` with ``mode:
information``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import ConfigDict, Field

from . import places
from .errors import Path_, Problem, suggest
from .fields import Name, StrictModel, When
from .items import ACTIONS, TimedAction
from .unions import Event

if TYPE_CHECKING:
    from .schema import Scenario

EVERYWHERE = "everywhere"


def decision_types() -> list[str]:
    """Action types that can be decisions: those in force from a time on."""
    return [
        name
        for name, cls in ACTIONS.items()
        if issubclass(cls, TimedAction) or {"start", "end"} <= set(cls.model_fields)
    ]


class Inject(StrictModel):
    """A message that reaches the room at a time of the exercise, e.g. CBSA reporting three
    officers ill; with ``event``, what it reports happens (the event is part of the run)."""

    at: When
    """When it reaches the room: from the start, a calendar time or a weekday and time."""
    source: str = Field("", alias="from", max_length=80)
    """Who sends it, e.g. CBSA, MTO, Niagara Regional Police."""
    text: Annotated[str, Field(min_length=1, max_length=500)]
    """The message, as the room reads it."""
    event: Event | None = None
    """The event it brings (a closure, staffing cut, surge...), which then happens in every
    replication and plan, as the scenario's own events do.
    """

    model_config = ConfigDict(populate_by_name=True)  # merged with StrictModel's


class Role(StrictModel):
    """Who may decide what: action types at places."""

    actions: Annotated[list[str], Field(min_length=1)]
    """The action types the role may take, e.g. [open_booths, reallocate, priority]."""
    where: Annotated[list[str], Field(min_length=1)] = [EVERYWHERE]
    """Where: into_us, into_canada, a crossing, crossing.direction, or everywhere."""

    def covers(self, crossing: str, direction: str) -> bool:
        """Whether the role may act at one plaza."""
        for w in self.where:
            if w in (EVERYWHERE, direction, crossing) or w == f"{crossing}.{direction}":
                return True
        return False


# Roles when the file names none: border agencies act at their own plazas, transport
# departments on what drivers are told, everyone on staging.
BOOTHS = ["open_booths", "reallocate", "priority", "phased_reopening", "staging"]
DEFAULT_ROLES: dict[str, Role] = {
    "CBP": Role(actions=BOOTHS, where=["into_us"]),
    "CBSA": Role(actions=BOOTHS, where=["into_canada"]),
    "transport": Role(actions=["divert", "staging"], where=[EVERYWHERE]),
}


class Exercise(StrictModel):
    """A tabletop exercise on this scenario: injects, decision points, roles, and the plans
    on paper to compare what was played with."""

    title: Annotated[str, Field(max_length=200)] = ""
    """The exercise's name in the room and the after-action report."""
    decision_points: Annotated[list[When], Field(min_length=1, max_length=200)]
    """Times at which the clock stops for the room to decide, in order."""
    injects: Annotated[list[Inject], Field(max_length=500)] = []
    """Messages reaching the room at their times."""
    roles: dict[Name, Role] | None = None
    """Who may decide what (the whole list when given); unset: CBP at plazas into the US, CBSA
    into Canada (booths, reallocation, triage, phased reopening, staging), transport anywhere
    (diversion, staging).
    """
    compare_with: list[str] | None = None
    """The plans on paper (names under plans) to compare what was played with; all if unset."""

    def all_roles(self) -> dict[str, Role]:
        return dict(DEFAULT_ROLES) if self.roles is None else dict(self.roles)

    def paper_plans(self, s: Scenario) -> list[str]:
        return list(s.plans) if self.compare_with is None else list(self.compare_with)


def check_exercise(s: Scenario, ex: Exercise, classes: Any) -> Iterator[Problem]:
    """Problems of the exercise section as a whole (times, names, roles)."""
    path: Path_ = ("exercise",)
    points = ex.decision_points
    for i, t in enumerate(points):
        if t >= s.horizon:
            yield (
                (*path, "decision_points", i),
                (f"decision point {s.clock(t)} is after the run ends ({s.clock(s.horizon)})"),
            )
        if i and t <= points[i - 1]:
            yield (
                (*path, "decision_points", i),
                (
                    f"decision points come in order: {s.clock(t)} is not after "
                    f"{s.clock(points[i - 1])}"
                ),
            )
    for i, inject in enumerate(ex.injects):
        if inject.at >= s.horizon:
            yield (
                (*path, "injects", i, "at"),
                (
                    f"the inject arrives {s.clock(inject.at)}, after the run ends "
                    f"({s.clock(s.horizon)})"
                ),
            )
        if inject.event is not None:
            yield from inject.event.check(s, (*path, "injects", i, "event"), classes)
    known = decision_types()
    if ex.roles is not None and not ex.roles:
        yield (*path, "roles"), "no role can decide: name at least one, or leave roles out"
    for name, role in ex.all_roles().items():
        for j, a in enumerate(role.actions):
            if a not in ACTIONS:
                yield (
                    (*path, "roles", name, "actions", j),
                    (f"no action type '{a}'" + suggest(a, known)),
                )
            elif a not in known:
                yield (
                    (*path, "roles", name, "actions", j),
                    (
                        f"'{a}' acts on the whole run, so it cannot be decided during an exercise "
                        f"(decisions: {', '.join(known)})"
                    ),
                )
        for j, w in enumerate(role.where):
            if w in (EVERYWHERE, *places.DIRECTIONS):
                continue
            if places.depth(w) > 2:
                yield (
                    (*path, "roles", name, "where", j),
                    (
                        "a role acts at crossings or directions (crossing.direction), not at "
                        "lane groups"
                    ),
                )
            else:
                yield from places.check_where(s, w, (*path, "roles", name, "where", j))
    for j, plan in enumerate(ex.compare_with or []):
        if plan not in s.plans:
            yield (
                (*path, "compare_with", j),
                f"no plan '{plan}' under plans" + suggest(plan, list(s.plans)),
            )
