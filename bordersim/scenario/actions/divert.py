"""Diversion: drivers sent, advised or informed to use another crossing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field

from .. import places
from ..defaults import DEFAULT_COMPLIANCE
from ..errors import Path_, Problem, suggest
from ..fields import Share, When
from ..items import Action, RegionSetup, traffic


class Divert(Action):
    """Vehicles of ``classes`` arriving at ``from`` may go to one of ``to`` instead.

    ``mode`` says how drivers are told: ``mandatory`` (directed away whatever the waits),
    ``voluntary`` (advised; they go when the posted waits favour the other crossing) or
    ``information`` (posted waits only). ``compliance`` is the share of drivers who act,
    one number or per class; defaults are 0.9, 0.6 and 0.25 (assumptions after the FHWA
    Alternate Route Handbook's point that the kind of message changes compliance).
    """

    example: ClassVar[str] = "{type: divert, from: a.into_us, to: [b.into_us], start: 2h, end: 5h}"

    type: Literal["divert"]
    """The type of this item: divert."""
    from_: str = Field(alias="from")
    """The plaza traffic is sent away from (crossing.direction)."""
    to: Annotated[list[str], Field(min_length=1)]
    """The plazas it may go to instead (crossing.direction), best first by posted wait."""
    classes: list[str] | None = None
    """The classes diverted; all if unset."""
    mode: Literal["mandatory", "voluntary", "information"] = "voluntary"
    """mandatory (everyone goes), voluntary (drivers choose on posted waits) or information (only
    advice).
    """
    compliance: Share | dict[str, Share] | None = None
    """Share of drivers who follow it: one share, or one per class."""
    start: When = 0.0
    """When it starts: from the start, a calendar time or a weekday and time."""
    end: When | None = None
    """When it stops (default: the end of the run)."""
    note: str = ""
    """Words of yours shown with it in the report."""

    model_config = ConfigDict(populate_by_name=True)  # merged with StrictModel's

    @property
    def where(self) -> str:
        return self.from_

    def share(self, cls: str) -> float:
        """The share of drivers of a class who act on it."""
        if isinstance(self.compliance, dict):
            return self.compliance.get(cls, DEFAULT_COMPLIANCE[self.mode])
        return DEFAULT_COMPLIANCE[self.mode] if self.compliance is None else self.compliance

    def in_region(self, region: RegionSetup) -> None:
        region.add_diversion(self)

    def check(self, s, path: Path_, classes) -> Iterator[Problem]:
        plazas = [f"{c}.{d}" for c, d, _ in s.plazas()]
        for field, names in (("from", [self.from_]), ("to", self.to)):
            for j, name in enumerate(names):
                where = (*path, field) if field == "from" else (*path, field, j)
                if name not in plazas:
                    hint = suggest(name, plazas)
                    yield where, f"no plaza '{name}': use crossing.direction{hint}"
        if self.classes is not None and not self.classes:
            yield (
                (*path, "classes"),
                (
                    "an empty list diverts no one: leave 'classes' out for every class, or name "
                    "the classes"
                ),
            )
        if any(t == self.from_ for t in self.to):
            yield (*path, "to"), "a vehicle cannot divert to the plaza it is leaving"
        for j, cls in enumerate(self.classes or []):
            yield from places.unknown_class(cls, classes, (*path, "classes", j))
        if isinstance(self.compliance, dict):
            for cls in self.compliance:
                yield from places.unknown_class(cls, classes, (*path, "compliance", cls))
        if self.from_ in plazas:
            yield from self._check_targets(s, path, plazas)
        if self.from_ in plazas and self.end is not None and self.end <= self.start:
            yield (*path, "end"), "end must be after start"

    def _check_targets(self, s, path: Path_, plazas: list[str]) -> Iterator[Problem]:
        origin, way = self.from_.split(".")
        demand = s.demand.get(self.from_)
        movers = self.classes or [c for c, v in (demand.daily.items() if demand else []) if v > 0]
        for j, target in enumerate(self.to):
            if target not in plazas:
                continue
            crossing, direction = target.split(".")
            if crossing == origin:
                yield (*path, "to", j), "divert to another crossing (a detour links two crossings)"
                continue
            if direction != way:
                yield (*path, "to", j), f"'{target}' goes the other way across the border"
            missing = [c for c in movers if s.network.detour(origin, crossing, c) is None]
            if missing:
                yield (
                    (*path, "to", j),
                    (
                        f"no detour time between {origin} and {crossing} for {', '.join(missing)}: "
                        "add one under network.detours"
                    ),
                )
            served = {
                c
                for g in getattr(s.crossings[crossing], direction).lane_groups.values()
                for c in g.serves
            }
            unserved = [c for c in movers if c not in served]
            if unserved:
                yield (*path, "to", j), f"no lane group at {target} serves {', '.join(unserved)}"

    def describe(self, s) -> str:
        how = {
            "mandatory": "directed away",
            "voluntary": "advised to divert",
            "information": "shown posted waits only",
        }[self.mode]
        share = ""
        if isinstance(self.compliance, float | int):
            share = f", {self.compliance:.0%} follow"
        return f"{how}{share}: {traffic(self.classes)} at {self.from_}, to {', '.join(self.to)}"
