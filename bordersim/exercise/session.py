"""An exercise in progress: the room's clock, the injects received, the decisions taken.

The run the room watches is a function of the scenario, its seed and the decisions: a
decision taken at time T is an action of the plan "as played" that starts at T, so it
changes nothing before T. The session keeps a live model at the room's clock and
advances it; a new decision (or a rewind) builds the model again from the start with
the decisions in force, which gives exactly the same past (tested) and the decision in
force from now. Every change is saved to the log at once (:mod:`bordersim.exercise.log`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..model.simulation import BIN_SECONDS, RegionModel
from ..model.situation import curves_so_far, situation
from ..results import DIRECTION_WORDS
from ..runner import default_jobs
from ..scenario import Scenario, compile_scenario
from ..scenario.decisions import (
    Decision,
    Log,
    action_of,
    check_decision,
    fingerprint,
    written,
)
from ..scenario.exercise import Exercise
from ..scenario.loading import _dotted
from .forecast import Forecast, forecast

PLAYED = "as_played"  # the plan the decisions make
NOTHING = "doing_nothing"
HISTORY = 0  # the replication the room watches; forecasts branch from it


class DecisionRefused(ValueError):
    """A decision that cannot be taken: one line saying why (nothing changes)."""


class StaleDecision(DecisionRefused):
    """The room moved on (another browser decided, advanced or rewound) since the page
    that sent this decision was drawn."""


def played_scenario(s: Scenario, decisions: list[Decision]) -> Scenario:
    """The scenario with the decisions as the plan PLAYED (the injects' events are among
    its events from the moment it was read: see scenario.loading)."""
    plans = {**s.plans, PLAYED: [action_of(s, d) for d in decisions]}
    return s.model_copy(update={"plans": plans})


def build_model(
    s: Scenario, decisions: list[Decision], until: float, inclusive: bool = True
) -> RegionModel:
    """The played run, advanced to ``until``: by default through what happens at that
    instant (the situation the room sees at a decision point includes a closure starting
    then, and the decisions taken then); else up to just before it."""
    view = compile_scenario(played_scenario(s, decisions), PLAYED, True)
    model = RegionModel(view, HISTORY, post_waits=True)
    model.advance(until, inclusive=inclusive)
    return model


@dataclass
class Session:
    """The state of one exercise; thread-safe (one lock), as browsers share it."""

    scenario: Scenario
    text: str  # the scenario file's text (its fingerprint is in the log)
    save: Callable[[Log], None]  # writes the log (atomically); called on every change
    log: Log | None = None
    jobs: int = field(default_factory=default_jobs)
    lock: threading.RLock = field(default_factory=threading.RLock)
    version: int = 0  # changes with every move of the room (decision, advance, rewind)
    forecasting: bool = False  # a forecast is running: the room cannot move

    def __post_init__(self) -> None:
        if self.scenario.exercise is None:
            raise ValueError("the scenario has no 'exercise' section")
        if self.log is None:
            self.log = Log(self.scenario.name, fingerprint(self.text), self.scenario.seed, 0.0)
            self.log.now = self.exercise.decision_points[0]
        self.scenario = self.scenario.model_copy(update={"seed": self.log.seed})
        self._model: RegionModel | None = None
        self._forecast: tuple[tuple, Forecast] | None = None  # the last one asked for
        # (The log is saved by the first move; the command saves it once it listens.)
        s = self.scenario
        self._demand = {  # the classes each plaza sees, for its waits
            key: [k for k, v in demand.daily.items() if v > 0] for key, demand in s.demand.items()
        }
        self.names = PlaceNames(s)
        # What the page shows that never changes during the exercise.
        self._page = {
            "scenario": s.name,
            "title": self.exercise.title or s.name,
            "horizon": s.horizon,
            "bin_seconds": BIN_SECONDS,
            "start_iso": s.start_datetime.isoformat() if s.start_datetime else None,
            "roles": {
                name: {"actions": r.actions, "where": r.where}
                for name, r in self.exercise.all_roles().items()
            },
            "detours": [list(d.between) for d in s.network.detours],
            "lane_groups": [
                {"key": key, "name": self.names[key]}
                for c, d, plaza in s.plazas()
                for key in (f"{c}.{d}.{g}" for g in plaza.lane_groups)
            ],
            "classes": [
                c for c in s.vehicle_classes() if any(c in v for v in self._demand.values())
            ],
        }

    # ------------------------------------------------------------------ reading
    @property
    def exercise(self) -> Exercise:
        assert self.scenario.exercise is not None
        return self.scenario.exercise

    @property
    def now(self) -> float:
        assert self.log is not None
        return self.log.now

    @property
    def decisions(self) -> list[Decision]:
        assert self.log is not None
        return self.log.decisions

    def model(self) -> RegionModel:
        """The live model at the room's clock (built again after a decision)."""
        if self._model is None or self._model.env.now > self.now:
            self._model = build_model(self.scenario, self.decisions, self.now)
        elif self._model.env.now < self.now:
            self._model.advance(self.now, inclusive=True)
        return self._model

    def next_point(self) -> float | None:
        later = [t for t in self.exercise.decision_points if t > self.now]
        return later[0] if later else None

    def injects_received(self) -> list[dict[str, Any]]:
        s = self.scenario
        return [
            {
                "at": i.at,
                "clock": s.clock(i.at),
                "from": i.source,
                "text": i.text,
                "event": i.event.text(s) if i.event is not None else None,
            }
            for i in sorted(self.exercise.injects, key=lambda i: i.at)
            if i.at <= self.now
        ]

    def state(self) -> dict[str, Any]:
        """Everything the page shows, as JSON."""
        with self.lock:
            s = self.scenario
            model = self.model()
            nxt = self.next_point()
            return {
                **self._page,
                "version": self.version,
                "now": self.now,
                "clock": s.clock(self.now),
                "ended": self.now >= s.horizon,
                "next_point": nxt,
                "next_clock": s.clock(nxt) if nxt is not None else None,
                "points": [
                    {"at": t, "clock": s.clock(t), "passed": t <= self.now}
                    for t in self.exercise.decision_points
                ],
                "injects": self.injects_received(),
                "plazas": [
                    {**vars(p), "name": self.names[p.key]} for p in situation(model, self._demand)
                ],
                "curves": curves_so_far(model),
                "decisions": [
                    {**d.to_json(s), "text": _decided(s, d, self.names)} for d in self.decisions
                ],
            }

    # ------------------------------------------------------------------ moving the room
    # Each move saves the log as it will be, then changes the room: a save that fails (a
    # full disk) leaves the room as it was, as the message says.
    def advance(
        self, to: float | None = None, version: int | None = None, by: float | None = None
    ) -> None:
        """To the next decision point, to ``to``, or ``by`` seconds; at most the end of
        the run."""
        with self.lock:
            self._may_move(version)
            s = self.scenario
            if by is not None:
                to = self.now + by
            target = self.next_point() if to is None else to
            if target is None:
                target = s.horizon
            if self.now >= s.horizon:
                raise DecisionRefused("the exercise has reached the end of the run")
            if target <= self.now:
                raise DecisionRefused(
                    f"{s.clock(target)} is not after the clock ({s.clock(self.now)})"
                )
            self._commit(replace(self._log, now=min(target, s.horizon)))

    def decide(
        self, role: str, action: dict[str, Any], note: str = "", version: int | None = None
    ) -> Decision:
        """Take a decision now; refused (nothing changes) with one line saying why."""
        with self.lock:
            self._may_move(version)
            d = self.candidate(role, action, note)
            self._commit(replace(self._log, decisions=[*self.decisions, d]))
            self._model = None  # built again with the decision, the same past
            return d

    def candidate(self, role: str, action: dict[str, Any], note: str = "") -> Decision:
        """A decision checked as if taken now (not taken)."""
        d = Decision(self.now, role, dict(action), note)
        for path, message in check_decision(self.scenario, d, self.now):
            where = _dotted(tuple(p for p in path if p != "action")) if path else ""
            raise DecisionRefused(f"{where}: {message}" if where else message)
        return written(d)

    def rewind(self, to: float, version: int | None = None) -> int:
        """Back to an earlier decision point; the decisions taken at it and after are undone
        (kept in the log under 'undone', with the time of the rewind); how many."""
        with self.lock:
            self._may_move(version)
            s = self.scenario
            if to not in self.exercise.decision_points or to > self.now:
                raise DecisionRefused(
                    f"{s.clock(to)} is not a decision point at or before the clock "
                    f"({s.clock(self.now)})"
                )
            kept = [d for d in self.decisions if d.at < to]
            undone = [d for d in self.decisions if d.at >= to]
            history = list(self._log.undone)
            if undone or to != self.now:
                history.append(
                    {
                        "rewound_from": self.now,
                        "rewound_to": to,
                        "decisions": [d.to_json(s) for d in undone],
                    }
                )
            self._commit(replace(self._log, now=to, decisions=kept, undone=history))
            self._model = None
            return len(undone)

    @property
    def _log(self) -> Log:
        assert self.log is not None
        return self.log

    def _commit(self, log: Log) -> None:
        """Save the log as the room will be, then move the room (never the other way)."""
        self.save(log)
        self.log = log
        self.version += 1

    def _may_move(self, version: int | None) -> None:
        if self.forecasting:
            raise DecisionRefused("a forecast is running: wait for it, then move the room")
        if version is not None and version != self.version:
            raise StaleDecision(
                "the room has moved on since this page was drawn (another browser decided, "
                "advanced or rewound): look at the situation again, then decide"
            )

    # ------------------------------------------------------------------ looking ahead
    # A forecast runs without the lock, so that the page can still be read meanwhile; it
    # takes the lock to fork its replications (never mid-read of the model), and the
    # room cannot be moved until it is done.
    def forecast(
        self, hours: float, replications: int, progress: Callable[[int], None] | None = None
    ) -> Forecast:
        """If nothing more is done: ``replications`` futures from the situation now (the
        same question about the same situation is answered once)."""
        with self.lock:
            key = (self.version, self.now, hours, replications)
            if self._forecast is not None and self._forecast[0] == key:
                if progress:
                    progress(replications)
                return self._forecast[1]
            model, decisions, now = self.model(), list(self.decisions), self.now
        f = self._looking_ahead(model, decisions, now, hours, replications, progress)
        with self.lock:
            self._forecast = (key, f)
        return f

    def preview(
        self,
        role: str,
        action: dict[str, Any],
        hours: float,
        replications: int,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[Forecast, Forecast]:
        """A candidate decision against none, on the same futures (not taken)."""
        with self.lock:
            d = self.candidate(role, action)
            trial, now = [*self.decisions, d], self.now
        without = self.forecast(hours, replications, progress)
        model = build_model(self.scenario, trial, now)
        with_it = self._looking_ahead(
            model,
            trial,
            now,
            hours,
            replications,
            (lambda k: progress(replications + k)) if progress else None,
        )
        return without, with_it

    def _looking_ahead(self, model, decisions, now, hours, replications, progress) -> Forecast:
        with self.lock:
            if self.forecasting:
                raise DecisionRefused("a forecast is already running: wait for it")
            self.forecasting = True
        try:
            return forecast(
                model,
                lambda: build_model(self.scenario, decisions, now),
                hours,
                replications,
                self.jobs,
                progress,
                fork_lock=self.lock,
            )
        finally:
            with self.lock:
                self.forecasting = False

    # ------------------------------------------------------------------ the log as a plan
    def plan_yaml(self) -> str:
        """The decisions as a plan: YAML ready to paste under ``plans:``."""
        import yaml

        s = self.scenario
        with self.lock:
            items = []
            for d in self.decisions:
                item = {k: v for k, v in d.action.items() if k not in ("start", "end")}
                item["start"] = _written(s, d.at)
                if d.action.get("end") is not None:
                    item["end"] = _written(s, float(d.action["end"]))
                if d.note:
                    item["note"] = d.note
                items.append(item)
            head = (
                f"# The decisions of exercise '{self.exercise.title or s.name}' as a plan, "
                f"played to {s.clock(self.now)}.\n# Paste under plans: in {s.name}.yaml.\n"
            )
            lines = [
                "  - "
                + yaml.safe_dump(i, sort_keys=False, default_flow_style=True, width=10**6).strip()
                for i in items
            ]
            return (
                head
                + f"{PLAYED}:"
                + (" []" if not lines else "")
                + "\n"
                + "\n".join(lines)
                + ("\n" if lines else "")
            )


def _decided(s: Scenario, d: Decision, names: PlaceNames) -> str:
    """What a decision does and until when, in words (its start is the decision's time)."""
    end = d.action.get("end")
    until = f"until {s.clock(float(end))}" if end is not None else "until the end of the run"
    return f"{names(action_of(s, d).describe(s))} ({until})"


class PlaceNames:
    """Places in words as the file names them, built once per scenario: ``names[key]``
    for ``crossing.direction`` (``Rainbow Bridge into the US``) or
    ``crossing.direction.lane_group`` (``Rainbow Bridge into the US (cars)``), and
    ``names(text)`` for a text with every such key put in words."""

    def __init__(self, s: Scenario) -> None:
        self.words: dict[str, str] = {}
        for c, crossing in s.crossings.items():
            name = crossing.name or c
            for d, plaza in crossing.plazas():
                self.words[f"{c}.{d}"] = f"{name} {DIRECTION_WORDS.get(d, d)}"
                for g in plaza.lane_groups:
                    self.words[f"{c}.{d}.{g}"] = f"{name} {DIRECTION_WORDS.get(d, d)} ({g})"
            self.words[c] = name
        keys = sorted(self.words, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, keys)) + r")(?!\w|\.\w)")

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def __call__(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.words[m.group(1)], text)


def _written(s: Scenario, seconds: float) -> str:
    """A time of the run as a file would write it: on the calendar, else from the start."""
    from datetime import timedelta

    start = s.start_datetime
    if start is None:
        days, rest = divmod(int(round(seconds)), 86400)
        hours, rest = divmod(rest, 3600)
        text = f"{hours:02d}:{rest // 60:02d}"
        return f"{days}d {text}" if days else text
    return (start + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M")
