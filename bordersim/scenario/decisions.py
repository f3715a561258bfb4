"""Decisions of an exercise and their log.

A **decision** is a response action taken at a time of the exercise by a role; it
starts then (its ``start`` is the time it was taken) and lasts until its ``end`` or the
end of the run. The **log** is what the room did: the decisions in force, in order, the
clock where the room is, and the decisions undone by a rewind (kept, never dropped). It
is JSON, written by bordersim after every decision (see bordersim.exercise.log), and
read back here, checked like a scenario file: one line naming the file, the line and the
field (JSON is YAML, so the loader's line map serves).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from ..units import MAX_WHEN
from .errors import Path_, Problem, ScenarioError, suggest
from .exercise import Exercise, decision_types
from .items import Action
from .loading import MAX_FILE_BYTES, _dotted, _line_map, _line_of, _Loader, _message
from .schema import Scenario
from .unions import Action as AnyAction

LOG_FORMAT = "bordersim exercise log"
LOG_VERSION = 1
_ACTION = TypeAdapter(AnyAction)


@dataclass(frozen=True)
class Decision:
    """One decision: who took it, when (seconds from the start), and the action."""

    at: float
    role: str
    action: dict[str, Any]  # as written in a plan, without start (and end as seconds)
    note: str = ""

    def to_json(self, s: Scenario) -> dict[str, Any]:
        return {
            "at": self.at,
            "clock": s.clock(self.at),
            "role": self.role,
            "action": self.action,
            "note": self.note,
        }


@dataclass
class Log:
    """What the room did, as saved after every decision."""

    scenario: str
    fingerprint: str  # of the scenario text the exercise ran on
    seed: int
    now: float
    decisions: list[Decision] = field(default_factory=list)
    undone: list[dict[str, Any]] = field(default_factory=list)  # rewinds: what they undid

    def to_json(self, s: Scenario) -> dict[str, Any]:
        return {
            "format": LOG_FORMAT,
            "version": LOG_VERSION,
            "scenario": self.scenario,
            "fingerprint": self.fingerprint,
            "seed": self.seed,
            "now": self.now,
            "clock": s.clock(self.now),
            "decisions": [d.to_json(s) for d in self.decisions],
            "undone": self.undone,
        }


def fingerprint(text: str) -> str:
    """Of the scenario file's text: a log belongs to the scenario it was played on."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def exercise_of(s: Scenario) -> Exercise:
    if s.exercise is None:
        raise ValueError("the scenario has no 'exercise' section")
    return s.exercise


def action_of(s: Scenario, decision: Decision) -> Action:
    """The plan action a decision is: its action, starting when it was taken."""
    data = {k: v for k, v in decision.action.items() if k not in ("start", "end")}
    action = _ACTION.validate_python(data, context={"start": s.start_datetime})
    return action.model_copy(update={"start": decision.at, "end": decision.action.get("end")})


def written(decision: Decision) -> Decision:
    """The decision as the log keeps it: its action in plain JSON values, as it will be
    read back (check_decision has made sure it can be)."""
    action = json.loads(json.dumps(decision.action, allow_nan=False))
    return Decision(decision.at, decision.role, action, decision.note)


def check_decision(s: Scenario, d: Decision, now: float, path: Path_ = ()) -> Iterator[Problem]:
    """Problems of a decision taken at ``now``: its role, its action, where and when."""
    ex = exercise_of(s)
    roles = ex.all_roles()
    if d.role not in roles:
        yield (*path, "role"), f"no role '{d.role}' in this exercise" + suggest(d.role, roles)
        return
    if not _time(d.at):
        yield (*path, "at"), f"a time is seconds from the start, within 400 days; got {d.at!r}"
        return
    if d.at < now:
        yield (
            (*path, "at"),
            (
                f"a decision takes effect when it is taken: {s.clock(d.at)} is before the "
                f"exercise's clock ({s.clock(now)})"
            ),
        )
    if d.at >= s.horizon:
        yield (*path, "at"), f"{s.clock(d.at)} is after the run ends ({s.clock(s.horizon)})"
    kind = d.action.get("type")
    allowed = decision_types()
    if not isinstance(kind, str) or kind not in allowed:
        yield (
            (*path, "action", "type"),
            (
                f"a decision is one of: {', '.join(allowed)}; got {kind!r}"
                + (suggest(str(kind), allowed) if isinstance(kind, str) else "")
            ),
        )
        return
    role = roles[d.role]
    if kind not in role.actions:
        yield (
            (*path, "action", "type"),
            (f"{d.role} may not take '{kind}' decisions (it may: {', '.join(role.actions)})"),
        )
        return
    try:  # typed YAML may hold dates, sets or binary: none can be saved in the log
        json.dumps(d.action, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        yield (
            (*path, "action"),
            (
                "the action holds values that cannot be saved (only text, numbers, lists and "
                "mappings; finite numbers)"
            ),
        )
        return
    if "start" in d.action:
        yield (
            (*path, "action", "start"),
            (
                "a decision starts when it is taken: leave 'start' out (set 'end', or how long "
                "it holds)"
            ),
        )
        return
    end = d.action.get("end")
    if end is not None and (not _time(end) or end <= d.at):
        yield (
            (*path, "action", "end"),
            (f"the decision must end after it is taken ({s.clock(d.at)}); got {end!r}"),
        )
        return
    try:
        action = action_of(s, d)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        loc = tuple(x for x in err["loc"] if x != kind)
        yield (*path, "action", *loc), _message(err)
        return
    for p, message in action.check(s, (), s.vehicle_classes()):
        yield (*path, "action", *p), message
    for crossing, direction in _plazas_touched(s, action):
        if not role.covers(crossing, direction):
            yield (
                (*path, "action", "where"),
                (f"{d.role} acts at {', '.join(role.where)}, not at {crossing}.{direction}"),
            )
            return


def _time(x: object) -> bool:
    """A time of the run in seconds: a finite number, from 0 to 400 days (a time that
    cannot be said on a calendar is refused before it is said)."""
    if not isinstance(x, int | float) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(float(x)) and 0 <= x <= MAX_WHEN
    except OverflowError:  # an integer of hundreds of digits
        return False


def _plazas_touched(s: Scenario, action: Action) -> list[tuple[str, str]]:
    targets = getattr(action, "to", None) or []
    out = [(c, d) for c, d, _ in s.plazas() if action.covers(c, d)]
    out += [tuple(t.split(".", 1)) for t in targets if "." in t]  # a diversion's ends
    return out


def parse_log(text: str, file: str, s: Scenario, text_of_scenario: str) -> Log:
    """A log read back and checked against the scenario it must belong to."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError(file, "the file is too large to be an exercise log")
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise ScenarioError(
            file, f"not a readable exercise log: {e.problem}", mark.line + 1 if mark else None
        ) from None
    except (yaml.YAMLError, RecursionError) as e:
        raise ScenarioError(file, f"not a readable exercise log ({type(e).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != LOG_FORMAT:
        raise ScenarioError(
            file, f"not a bordersim exercise log (no 'format: {LOG_FORMAT}')", 1, "format"
        )
    lines: dict[Path_, int] = {}
    _line_map(root, (), lines, file)

    def fail(path: Path_, message: str) -> ScenarioError:
        return ScenarioError(file, message, _line_of(path, lines), _dotted(path))

    if data.get("version") != LOG_VERSION:
        raise fail(("version",), f"a log of version {LOG_VERSION} is expected")
    if data.get("scenario") != s.name:
        raise fail(
            ("scenario",), f"this log is of scenario {data.get('scenario')!r}, not {s.name!r}"
        )
    if not isinstance(data.get("fingerprint"), str):
        raise fail(
            ("fingerprint",),
            "a log names the scenario text it was played on (its SHA-256): play the exercise "
            "to make a log, rather than writing one by hand",
        )
    if data.get("fingerprint") != fingerprint(text_of_scenario):
        raise fail(
            ("fingerprint",),
            "the scenario file changed since this log was played: its decisions may not "
            "mean the same now (start a new log, or restore the file)",
        )
    seed = data.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise fail(("seed",), f"a seed is a whole number from 0 to 2**63 - 1, got {seed!r}")
    now = data.get("now")
    if not _time(now) or not now <= s.horizon:  # type: ignore[operator]
        raise fail(("now",), f"the clock is seconds from the start within the run, got {now!r}")
    raw = data.get("decisions")
    if not isinstance(raw, list):
        raise fail(("decisions",), "decisions are a list")
    seeded = s.model_copy(update={"seed": seed})
    decisions: list[Decision] = []
    clock = 0.0
    for i, item in enumerate(raw):
        path: Path_ = ("decisions", i)
        if not isinstance(item, dict):
            raise fail(path, "a decision is a mapping of at, role and action")
        unknown = set(item) - {"at", "clock", "role", "action", "note"}
        if unknown:
            key = sorted(unknown)[0]
            raise fail((*path, key), f"unknown key '{key}'")
        at, role, action = item.get("at"), item.get("role"), item.get("action")
        if not _time(at):
            raise fail((*path, "at"), f"'at' is seconds from the start, got {at!r}")
        if not isinstance(role, str):
            raise fail((*path, "role"), "a decision names its role")
        if not isinstance(action, dict):
            raise fail((*path, "action"), "a decision's action is a mapping, as in a plan")
        d = Decision(float(at), role, action, str(item.get("note") or ""))
        for p, message in check_decision(seeded, d, clock, path):
            raise fail(p, message)
        if d.at > now:
            raise fail((*path, "at"), f"the decision is after the log's clock ({s.clock(now)})")
        clock = d.at
        decisions.append(d)
    undone = data.get("undone") or []
    if not isinstance(undone, list) or not all(isinstance(u, dict) for u in undone):
        raise fail(("undone",), "undone decisions are a list of rewinds")
    try:  # kept as read, and written back at the next save: it must be plain JSON
        json.dumps(undone, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        raise fail(("undone",), "not plain JSON (numbers must be finite)") from None
    return Log(s.name, data["fingerprint"], seed, float(now), decisions, undone)
