"""An exercise session: decisions leave the past alone, forecasts start from the situation
now, rewinds and resumes give back the very same situation, the log is always whole."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bordersim.exercise import forecast as forecast_module
from bordersim.exercise.log import LogError, LogFile
from bordersim.exercise.session import (
    PLAYED,
    DecisionRefused,
    Session,
    StaleDecision,
    build_model,
)
from bordersim.model.situation import situation
from bordersim.scenario import parse_scenario
from bordersim.scenario.decisions import parse_log
from tests.helpers import EXERCISE, scenario

DECISIONS = [
    ("CBP", {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1}),
    ("CBP", {"type": "reallocate", "where": "blue.into_us.trucks", "serves": ["car", "truck"]}),
    ("CBP", {"type": "priority", "where": "amb.into_us"}),
    (
        "transport",
        {"type": "divert", "from": "amb.into_us", "to": ["blue.into_us"], "mode": "mandatory"},
    ),
    (
        "transport",
        {"type": "staging", "where": "amb.into_us", "classes": ["truck"], "per_hour": 30},
    ),
]


def session(saved: list | None = None) -> Session:
    s = scenario(EXERCISE)
    return Session(s, EXERCISE, save=(saved.append if saved is not None else lambda log: None))


def seen(state: dict) -> tuple:
    """What the room sees of the past (the decisions list apart)."""
    return json.dumps(state["plazas"], sort_keys=True), json.dumps(state["curves"], sort_keys=True)


@pytest.mark.parametrize("role,action", DECISIONS, ids=[a["type"] for _, a in DECISIONS])
def test_a_decision_changes_nothing_before_it_is_taken(role, action):
    ss = session()
    ss.advance()  # to Tue 10:30, the bridge closed since 10:00: queues are building
    before = ss.state()
    assert sum(p["queued"] for p in before["plazas"]) > 0
    ss.decide(role, action)
    after = ss.state()
    assert json.dumps(after["curves"]) == json.dumps(before["curves"])  # every bin so far
    assert len(after["decisions"]) == 1
    # Up to the very instant it is taken, everything is as it was: queues, booths, the
    # vehicles at every stage, posted waits.
    s, now, d = ss.scenario, ss.now, ss.decisions
    without = situation(build_model(s, [], now, inclusive=False), {})
    with_it = situation(build_model(s, d, now, inclusive=False), {})
    assert [vars(p) for p in with_it] == [vars(p) for p in without]


def test_the_situation_at_a_time_includes_what_starts_then():
    ss = session()
    ss.advance(to=10 * 3600)  # the closure of amb.into_us starts at 10:00
    amb = next(p for p in ss.state()["plazas"] if p["key"] == "amb.into_us")
    assert amb["booths_open"] == 0 and set(amb["wait_now"].values()) == {None}
    ss.decide("CBP", {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1})
    blue = next(p for p in ss.state()["plazas"] if p["key"] == "blue.into_us")
    assert blue["booths_open"] == 2 + 3  # the decision is in force at once: 2 + (2 + 1)


def test_the_live_model_is_the_model_built_again_with_the_same_decisions():
    ss = session()
    ss.advance()
    ss.decide(*DECISIONS[0])
    ss.decide(*DECISIONS[3])
    ss.advance(ss.now + 2 * 3600)  # the live model advanced from 10:30
    live = ss.state()
    again = build_model(ss.scenario, ss.decisions, ss.now)  # simulated from the start
    ss._model = again
    assert seen(ss.state()) == seen(live)


def test_a_decision_takes_effect_from_when_it_is_taken():
    ss = session()
    ss.advance()
    without = build_model(ss.scenario, [], ss.now + 3600)
    ss.decide("CBP", {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1})
    ss.advance(ss.now + 3600)
    opened = next(p for p in ss.state()["plazas"] if p["key"] == "blue.into_us")
    before = sum(g.open for g in without.plazas[2].groups)
    assert opened["booths_open"] == before + 1


def test_refused_decisions_say_why_and_change_nothing():
    ss = session()
    cases = [
        ("CBSA", {"type": "open_booths", "where": "amb.into_us.cars", "add": 1}, "CBSA acts at"),
        ("CBP", {"type": "open_booths", "where": "amb.into_us.carz", "add": 1}, "did you mean"),
        ("CBP", {"type": "divert", "from": "amb.into_us", "to": ["blue.into_us"]}, "may not take"),
        ("nobody", {"type": "priority", "where": "amb.into_us"}, "no role 'nobody'"),
        ("CBP", {"type": "information", "update_every": "5min"}, "a decision is one of"),
        ("CBP", {"type": "open_booths", "where": "amb.into_us.cars"}, "exactly one of"),
        (
            "CBP",
            {"type": "open_booths", "where": "amb.into_us.cars", "add": 1, "end": 100.0},
            "must end after",
        ),
    ]
    for role, action, words in cases:
        with pytest.raises(DecisionRefused, match=words):
            ss.decide(role, action)
    assert ss.decisions == []
    assert ss.version == 0


def test_a_page_that_did_not_see_the_last_move_cannot_decide():
    ss = session()
    version = ss.state()["version"]
    ss.advance(version=version)  # one browser advances...
    with pytest.raises(StaleDecision, match="moved on"):  # ...the other decides blind
        ss.decide(*DECISIONS[0], version=version)
    assert ss.decisions == []


def test_rewind_gives_back_the_situation_and_keeps_what_it_undid():
    saved: list = []
    ss = session(saved)
    first = ss.state()
    ss.decide(*DECISIONS[2])
    ss.advance()
    ss.decide(*DECISIONS[0])
    ss.advance()
    ss.rewind(first["now"])
    back = ss.state()
    assert seen(back) == seen(first)
    assert ss.decisions == []
    undone = saved[-1].undone[-1]
    assert [d["action"]["type"] for d in undone["decisions"]] == ["priority", "open_booths"]
    with pytest.raises(DecisionRefused, match="not a decision point"):
        ss.rewind(first["now"] + 60)


def test_forecasts_start_from_the_situation_now_and_differ_only_after(monkeypatch):
    ss = session()
    ss.advance()
    now = ss.state()
    f = ss.forecast(hours=3, replications=4)
    assert f.bins == 36 and f.replications == 4
    key = "amb.into_us"
    curves = f.queue_km[key]
    # The replications share the vehicles queued now: five minutes on, every one still has
    # about the queue of now; hours on, they differ.
    queue_now = next(p["queue_km"] for p in now["plazas"] if p["key"] == key)
    assert queue_now > 0.5
    assert np.allclose(curves[:, 0], queue_now, rtol=0.2)
    assert len({tuple(c) for c in curves.tolist()}) == 4
    # The same forecast twice: the same numbers; and without fork (rebuilding the past
    # each time, as on Windows) too.
    again = ss.forecast(hours=3, replications=4)
    assert np.array_equal(again.queue_km[key], curves)
    monkeypatch.setattr(forecast_module, "can_fork", lambda: False)
    rebuilt = ss.forecast(hours=3, replications=4)
    assert np.array_equal(rebuilt.queue_km[key], curves)
    assert ss.state()["now"] == now["now"]  # looking ahead moved nothing


def test_a_preview_is_paired_with_no_decision():
    ss = session()
    ss.advance()
    without, with_it = ss.preview(
        "CBP", {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1}, 3, 3
    )
    plain = ss.forecast(3, 3)
    assert np.array_equal(without.queue_km["blue.into_us"], plain.queue_km["blue.into_us"])
    # More truck booths at Blue Water into the US shorten its queue in every future; a
    # plaza it cannot touch (Blue Water into Canada, no diversion) stays the very same.
    assert np.all(
        with_it.queue_km["blue.into_us"].max(axis=1) <= without.queue_km["blue.into_us"].max(axis=1)
    )
    assert np.array_equal(
        with_it.queue_km["blue.into_canada"], without.queue_km["blue.into_canada"]
    )
    assert ss.decisions == []  # a preview is not a decision


def test_the_log_resumes_the_room_exactly(tmp_path):
    s = scenario(EXERCISE)
    path = tmp_path / "drill.log.json"
    with LogFile(path, s) as lf:
        ss = Session(s, EXERCISE, save=lf.save)
        ss.decide(*DECISIONS[3])
        ss.advance()
        ss.decide(*DECISIONS[0])
        ss.advance(ss.now + 1800)
        where = ss.state()
    log = parse_log(path.read_text(), str(path), s, EXERCISE)
    resumed = Session(s, EXERCISE, save=lambda log: None, log=log)
    assert resumed.now == where["now"]
    assert seen(resumed.state()) == seen(where)


def test_a_log_belongs_to_its_scenario(drill_log):
    s = scenario(EXERCISE)
    text = drill_log[1]
    changed = EXERCISE.replace("seed: 7", "seed: 8")
    with pytest.raises(Exception, match="changed since this log was played"):
        parse_log(text, "drill.log.json", scenario(changed), changed)
    bad = json.loads(text)
    bad["decisions"][0]["action"]["where"] = "amb.into_canada.cars"
    with pytest.raises(Exception, match=r"drill.log.json:\d+: decisions\[0\]\.action\.where: CBP"):
        parse_log(json.dumps(bad, indent=1), "drill.log.json", s, EXERCISE)
    bad = json.loads(text)
    bad["decisions"][0]["at"] = -5
    with pytest.raises(Exception, match=r"decisions\[0\]\.at"):
        parse_log(json.dumps(bad, indent=1), "drill.log.json", s, EXERCISE)
    with pytest.raises(Exception, match="not a bordersim exercise log"):
        parse_log('{"decisions": []}', "x.json", s, EXERCISE)
    with pytest.raises(Exception, match="not a readable exercise log"):
        parse_log(text[: len(text) // 2], "drill.log.json", s, EXERCISE)


def test_the_log_is_never_written_over_a_file_bordersim_did_not_write(tmp_path):
    s = scenario(EXERCISE)
    mine = tmp_path / "notes.json"
    mine.write_text('{"my": "notes"}')
    with pytest.raises(LogError, match="not a bordersim exercise log"), LogFile(mine, s):
        pass
    assert mine.read_text() == '{"my": "notes"}'


def test_two_rooms_cannot_drive_one_log(tmp_path):
    s = scenario(EXERCISE)
    path = tmp_path / "drill.log.json"
    with LogFile(path, s) as first:
        ss = Session(s, EXERCISE, save=first.save)
        first.save(ss.log)
        saved = path.read_text()
        with pytest.raises(LogError, match="another bordersim exercise"):
            LogFile(path, s).__enter__()
        assert path.read_text() == saved


def test_a_failed_save_leaves_the_decision_untaken(tmp_path):
    def full_disk(log):
        if log.decisions:
            raise OSError(28, "No space left on device")

    ss = Session(scenario(EXERCISE), EXERCISE, save=full_disk)
    with pytest.raises(OSError):
        ss.decide(*DECISIONS[0])
    assert ss.decisions == []


def test_the_decisions_export_as_a_plan_that_gives_the_same_run():
    ss = session()
    ss.decide(*DECISIONS[3])
    ss.advance()
    ss.decide(*DECISIONS[0])
    text = ss.plan_yaml()
    plan = text.split("\n", 2)[2]  # past the two comment lines
    indented = "".join(f"  {line}\n" for line in plan.splitlines())
    as_file = EXERCISE.replace(
        "plans:\n", "plans:\n" + indented.replace(f"  {PLAYED}:", "  pasted:")
    )
    pasted = parse_scenario(as_file, "pasted.yaml")
    assert len(pasted.plans["pasted"]) == 2
    from bordersim.model.simulation import simulate

    a = simulate(pasted, plan="pasted")
    b = build_model(ss.scenario, ss.decisions, 0)
    b.advance(ss.scenario.horizon)
    rb = b.finish()
    assert [p.accounting for p in a.plazas] == [p.accounting for p in rb.plazas]


def test_an_injected_event_is_part_of_the_disruption_everywhere():
    s = scenario(EXERCISE)
    staffing = [e for e in s.events if e.type == "staffing"]
    assert len(staffing) == 1 and staffing[0].where == "blue.into_us.cars"
    assert len(s.events) == 2  # the file's closure and the inject's staffing cut
