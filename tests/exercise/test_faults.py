"""Faults and hostile input against an exercise: refused in one line, nothing lost, the
room unchanged, nothing left behind."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bordersim.exercise.log import LogError, LogFile
from bordersim.exercise.session import DecisionRefused, Session
from bordersim.exercise.web import Tokens, create_app
from bordersim.scenario.loading import parse_mapping
from tests.helpers import EXERCISE, scenario


@pytest.fixture
def room(app):
    flask_app, tokens, session = app
    return flask_app.test_client(), {"X-Token": tokens.facilitator}, session


def test_times_that_cannot_be_said_are_refused_and_nothing_is_saved(room):
    client, h, session = room
    action = {"type": "open_booths", "where": "amb.into_us.cars", "add": 1}
    for end in (1e12, 1e308, -5):
        r = client.post(
            "/api/decide",
            json={"version": 0, "role": "CBP", "action": {**action, "end": end}},
            headers=h,
        )
        assert r.status_code == 400 and "end" in r.json["error"], r.json
    for constant in ("NaN", "Infinity", "-Infinity"):
        raw = '{"version": 0, "role": "CBP", "action": {"type": "open_booths", '
        raw += f'"where": "amb.into_us.cars", "add": 1, "end": {constant}}}}}'
        r = client.post("/api/decide", data=raw, headers={**h, "Content-Type": "application/json"})
        assert r.status_code == 400 and "finite numbers" in r.json["error"]
    assert session.decisions == []
    assert client.get("/api/state", headers=h).status_code == 200


def test_an_alias_bomb_typed_as_an_action_is_refused_at_once(room):
    client, h, session = room
    # Nine levels, each eight times the one before: 8**9 values from 300 characters.
    line = "{type: priority, where: amb.into_us, note: [&a [x, x, x, x, x, x, x, x], "
    line += ", ".join(
        f"&{b} [" + ", ".join([f"*{a}"] * 8) + "]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    line += "]}"
    t0 = time.monotonic()
    r = client.post("/api/decide", json={"version": 0, "role": "CBP", "action": line}, headers=h)
    assert time.monotonic() - t0 < 10
    assert r.status_code == 400 and "expands to more than" in r.json["error"]
    assert session.decisions == []


def test_a_failed_save_leaves_the_room_where_it_was():
    saves = []

    def full_disk(log):
        if saves:
            raise OSError(28, "No space left on device")
        saves.append(log)

    session = Session(scenario(EXERCISE), EXERCISE, save=full_disk)
    tokens = Tokens.new()
    app = create_app(session, tokens, parse_mapping)
    client = app.test_client()
    h = {"X-Token": tokens.facilitator}
    assert client.post("/api/advance", json={"version": 0}, headers=h).status_code == 200
    before = client.get("/api/state", headers=h).json
    for path, body in (
        ("/api/advance", {"version": 1}),
        (
            "/api/decide",
            {"version": 1, "role": "CBP", "action": {"type": "priority", "where": "amb.into_us"}},
        ),
        ("/api/rewind", {"version": 1, "to": before["points"][0]["at"]}),
    ):
        r = client.post(path, json=body, headers=h)
        assert (
            r.status_code == 500 and "No space left on device; nothing changed" in r.json["error"]
        )
        after = client.get("/api/state", headers=h).json
        assert (after["clock"], after["version"], after["decisions"]) == (
            before["clock"],
            before["version"],
            before["decisions"],
        )


def test_moves_name_the_situation_they_were_made_on(room):
    client, h, session = room
    r = client.post("/api/advance", json={}, headers=h)
    assert r.status_code == 400 and "'version'" in r.json["error"]
    r = client.post("/api/rewind", json={"version": 0}, headers=h)
    assert r.status_code == 400 and "which decision point" in r.json["error"]
    deep = "[" * 50_000 + "]" * 50_000
    r = client.post("/api/advance", data=deep, headers={**h, "Content-Type": "application/json"})
    assert r.status_code in (400, 413)
    assert session.version == 0


def test_the_page_can_be_read_while_a_forecast_runs_and_the_room_waits_for_it():
    session = Session(scenario(EXERCISE), EXERCISE, save=lambda log: None)
    session.advance()
    done = threading.Event()

    def ahead() -> None:
        session.forecast(hours=12, replications=40)
        done.set()

    worker = threading.Thread(target=ahead)
    worker.start()
    deadline = time.monotonic() + 30
    while not session.forecasting and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.forecasting
    state = session.state()  # not held up by the forecast...
    with pytest.raises(DecisionRefused, match="a forecast is running"):
        session.advance()
    still_running = not done.is_set()  # ...which was still running after both
    worker.join()
    assert state["clock"] == "Tue 10 Jun 10:30"
    assert still_running, "the forecast ended before the page was read: make it longer"


def test_the_log_is_never_a_link_and_keeps_its_mode(tmp_path):
    s = scenario(EXERCISE)
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(LogError, match="is a link"), LogFile(link, s):
        pass
    path = tmp_path / "room.json"
    with LogFile(path, s) as lf:
        session = Session(s, EXERCISE, save=lf.save)
        lf.save(session.log)
        os.chmod(path, 0o664)
        session.advance()
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert real.read_text() == "{}"


def test_a_save_cut_short_leaves_nothing_once_the_log_is_opened_again(tmp_path):
    s = scenario(EXERCISE)
    path = tmp_path / "room.json"
    left = tmp_path / ".room.json.abc123.tmp"  # as a save cut short by a power cut leaves
    left.write_text('{"format": "bordersim exercise log"')
    mine = tmp_path / ".notes.tmp"
    mine.write_text("a file of the user's")
    with LogFile(path, s):
        pass
    assert not left.exists() and mine.exists()


def test_exercise_sections_that_cannot_work():
    with pytest.raises(Exception, match="no role can decide"):
        scenario(EXERCISE.replace("title: Drill", "title: Drill\n  roles: {}"))


def _command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bordersim", "exercise", "drill.yaml", "--no-browser", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_port_in_use_or_a_wrong_host_is_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "drill.yaml").write_text(EXERCISE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = _command(tmp_path, "--port", str(port))
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "cannot serve the exercise" in r.stderr
    r = _command(tmp_path, "--host", "999.1.1.1")
    assert r.returncode == 2 and "--host 999.1.1.1: not an address" in r.stderr
    assert r.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drill.yaml"]


def test_a_log_with_impossible_numbers_is_one_line(tmp_path, drill_log):
    (tmp_path / "drill.yaml").write_text(EXERCISE)
    good = json.loads(drill_log[1])
    for change, words in (
        ({"decisions": [{**good["decisions"][0], "at": 1e308}]}, "decisions[0].at"),
        ({"seed": 2**80}, "seed"),
        ({"now": float("nan")}, "now"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({**good, **change}, indent=1))
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "bordersim",
                "exercise",
                "drill.yaml",
                "--decisions",
                "bad.json",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2, r.stderr
        assert words in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "results").exists()


def test_what_a_typed_action_holds_must_be_savable_and_start_is_the_rooms(room):
    client, h, session = room
    cases = [
        ("{type: priority, where: amb.into_us, start: 2025-06-10 12:00}", "leave 'start' out"),
        ("{type: priority, where: amb.into_us, start: [[[[1]]]]}", "leave 'start' out"),
        ("{type: staging, where: amb.into_us, classes: !!set {truck}, per_hour: 30}", "saved"),
        ("{type: priority, where: amb.into_us, note: !!binary aGVsbG8=}", "saved"),
        ("{type: priority, where: amb.into_us, end: .nan}", "saved"),
    ]
    for line, words in cases:
        r = client.post(
            "/api/decide", json={"version": 0, "role": "CBP", "action": line}, headers=h
        )
        assert r.status_code == 400 and words in r.json["error"], (line, r.json)
    huge = 10**400
    for path, body in (
        ("/api/advance", {"version": 0, "hours": huge}),
        ("/api/rewind", {"version": 0, "to": huge}),
        ("/api/forecast", {"ahead": huge}),
        (
            "/api/decide",
            {
                "version": 0,
                "role": "CBP",
                "for_hours": huge,
                "action": {"type": "priority", "where": "amb.into_us"},
            },
        ),
        (
            "/api/decide",
            {
                "version": 0,
                "role": "CBP",
                "action": {"type": "priority", "where": "amb.into_us", "end": huge},
            },
        ),
    ):
        r = client.post(path, json=body, headers=h)
        assert r.status_code == 400 and r.is_json, (path, r.status_code)
    r = client.post("/api/advance", data="x" * 70_000, headers=h)
    assert r.status_code == 413 and "too large" in r.json["error"]
    assert session.decisions == [] and session.version == 0


def test_a_failed_forecast_replication_is_said_in_a_line(room, monkeypatch):
    from bordersim.exercise import forecast as forecasting

    client, h, _ = room

    def killed(*args, **kwargs):
        raise forecasting.ForecastError("a forecast replication failed (status 9)")

    monkeypatch.setattr(forecasting, "_forked", killed)
    r = client.post("/api/forecast", json={"ahead": 1, "reps": 2}, headers=h)
    assert r.status_code == 500 and "a forecast replication failed" in r.json["error"]


def test_files_beside_the_log_that_bordersim_did_not_make_are_left_alone(tmp_path):
    s = scenario(EXERCISE)
    odd = tmp_path / "x*"  # a log name with a wildcard...
    precious = tmp_path / ".xreport.draft.tmp"  # ...must not reach this file
    precious.write_text("precious")
    with LogFile(odd, s):
        pass
    assert precious.read_text() == "precious"
    empty = tmp_path / "room.json.lock"  # an empty lock left by an earlier room: kept
    empty.write_text("")
    with LogFile(tmp_path / "room.json", s):
        pass
    assert empty.exists()
    notes = tmp_path / "notes.json.lock"
    notes.write_text("my notes")
    with (
        pytest.raises(LogError, match="is not the log's lock"),
        LogFile(tmp_path / "notes.json", s),
    ):
        pass
    assert notes.read_text() == "my notes"


def test_a_log_whose_undone_part_cannot_be_written_back_is_refused(drill_log):
    from bordersim.scenario.decisions import parse_log

    data = drill_log[1].replace('"undone": []', '"undone": [{"x": 1e999}]')
    with pytest.raises(Exception, match=r"undone: not plain JSON"):
        parse_log(data, "drill.log.json", scenario(EXERCISE), EXERCISE)
