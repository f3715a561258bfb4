"""Places in a scenario: ``crossing``, ``crossing.direction`` or
``crossing.direction.lane_group``, as events and actions name them in ``where``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import Path_, Problem, suggest

if TYPE_CHECKING:
    from .schema import LaneGroup, Scenario

DIRECTIONS = ("into_us", "into_canada")


def covers(where: str, crossing: str, direction: str, lane_group: str | None = None) -> bool:
    """Whether something at ``where`` touches this plaza, or this lane group if one is named.

    A plaza-wide event covers each of its lane groups; a lane-group event touches its plaza.
    """
    parts = where.split(".")
    target = [crossing, direction] + ([lane_group] if lane_group else [])
    n = min(len(parts), len(target))
    return parts[:n] == target[:n]


def check_where(s: Scenario, where: str, path: Path_) -> Iterator[Problem]:
    """A problem if ``where`` names no crossing, direction or lane group of the scenario."""
    parts = where.split(".")
    if len(parts) > 3:
        yield (
            path,
            f"'{where}' is not crossing, crossing.direction or crossing.direction.lane_group",
        )
        return
    crossing = s.crossings.get(parts[0])
    if crossing is None:
        yield path, f"no crossing '{parts[0]}'" + suggest(parts[0], s.crossings)
        return
    if len(parts) == 1:
        return
    plaza = getattr(crossing, parts[1], None) if parts[1] in DIRECTIONS else None
    if plaza is None:
        have = [d for d, _ in crossing.plazas()]
        yield path, f"no direction '{parts[1]}' at {parts[0]}" + suggest(parts[1], have)
        return
    if len(parts) == 3 and parts[2] not in plaza.lane_groups:
        yield (
            path,
            f"no lane group '{parts[2]}' at {parts[0]}.{parts[1]}"
            + suggest(parts[2], plaza.lane_groups),
        )


def exists(s: Scenario, where: str) -> bool:
    return not any(True for _ in check_where(s, where, ()))


def depth(where: str) -> int:
    """1 for a crossing, 2 for a direction, 3 for a lane group."""
    return len(where.split("."))


def lane_group(s: Scenario, where: str) -> LaneGroup | None:
    """The lane group ``where`` names, if it names one that exists."""
    parts = where.split(".")
    if len(parts) != 3 or not exists(s, where):
        return None
    plaza = getattr(s.crossings[parts[0]], parts[1])
    return plaza.lane_groups[parts[2]]


def unknown_class(name: str, classes, path: Path_) -> Iterator[Problem]:
    if name not in classes:
        yield path, f"unknown vehicle class '{name}'" + suggest(name, classes)
