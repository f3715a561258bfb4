"""bordersim exercise FILE --decisions LOG: the after-action report, and one-line errors for
bad exercise sections and logs (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from bordersim.exercise.log import LogFile
from bordersim.exercise.session import Session
from tests.helpers import EXERCISE, scenario


def invoke(*args: str, cwd: Path):
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    """A drill played: a diversion at 09:00, booths opened at 10:30, played to 13:00."""
    root = tmp_path_factory.mktemp("drill")
    (root / "drill.yaml").write_text(EXERCISE)
    s = scenario(EXERCISE)
    with LogFile(root / "drill.log.json", s) as lf:
        ss = Session(s, EXERCISE, save=lf.save)
        ss.decide(
            "transport",
            {"type": "divert", "from": "amb.into_us", "to": ["blue.into_us"], "mode": "mandatory"},
        )
        ss.advance()
        ss.decide("CBP", {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1})
        ss.advance()
    return root


def test_the_after_action_report(played):
    r = invoke(
        "exercise",
        "drill.yaml",
        "--decisions",
        "drill.log.json",
        "--reps",
        "3",
        "--out",
        "aar",
        cwd=played,
    )
    assert r.exit_code == 0, r.output
    folder = played / "aar"
    words = json.loads((folder / "exercise.json").read_text())
    assert words["decisions"] == 2 and words["replications"] == 3
    kinds = [row["kind"] for row in words["timeline"]]
    assert kinds == ["decision 1", "inject", "inject", "decision 2"]
    headings = [p["heading"] for p in words["paragraphs"]]
    assert headings[0] == "What was played" and "Each decision" in headings
    first = words["paragraphs"][0]["sentences"]
    assert first[0]["text"].startswith("The decisions taken gave")
    assert "than doing nothing" in first[0]["text"]
    assert "plan 'divert_early' on paper" in first[1]["text"]
    table = json.loads((folder / "table.json").read_text())
    assert table["plans"] == ["doing_nothing", "as_played", "divert_early"]  # not the without_*
    html = (folder / "report.html").read_text()
    assert "After action: Drill" in html and "Timeline of the exercise" in html
    assert "Two officers ill at Blue Water." in html
    assert json.loads((folder / "decisions.json").read_text())["format"] == (
        "bordersim exercise log"
    )
    assert "After action" not in r.output or "What was played:" in r.output


def test_the_report_can_be_rebuilt_and_a_broken_debrief_is_named(played):
    folder = played / "aar"
    if not folder.exists():
        pytest.skip("made by test_the_after_action_report")
    (folder / "exercise.json").write_text('{"title": 3}')
    r = invoke("report", str(folder), cwd=played)
    assert r.exit_code == 0, r.output
    html = (folder / "report.html").read_text()
    assert "exercise.json (unreadable)" in html and "After action" not in html


@pytest.mark.parametrize(
    "change,words",
    [
        (
            (
                "decision_points: [Tue 09:00, Tue 10:30, Tue 13:00]",
                "decision_points: [Tue 09:00, Tue 08:00]",
            ),
            "exercise.decision_points[1]: decision points come in order",
        ),
        (
            ("decision_points: [Tue 09:00, Tue 10:30, Tue 13:00]", "decision_points: [Wed 09:00]"),
            "after the run ends",
        ),
        (
            (
                "title: Drill",
                "title: Drill\n  roles: {CBP: {actions: [open_booth], where: [into_us]}}",
            ),
            "did you mean 'open_booths'",
        ),
        (
            ("title: Drill", "title: Drill\n  roles: {CBP: {actions: [information]}}"),
            "acts on the whole run",
        ),
        (("title: Drill", "title: Drill\n  compare_with: [divert_late]"), "no plan 'divert_late'"),
        (
            ("where: blue.into_us.cars, fraction: 0.5", "where: blue.into_us.carz, fraction: 0.5"),
            "exercise.injects[1].event.where",
        ),
        (
            ("from: CBP, text: Two officers ill at Blue Water.,", "from: CBP,"),
            "exercise.injects[1].text: required field is missing",
        ),
    ],
)
def test_a_wrong_exercise_section_is_one_line_with_its_line(tmp_path, change, words):
    old, new = change
    assert old in EXERCISE
    (tmp_path / "drill.yaml").write_text(EXERCISE.replace(old, new))
    r = invoke("exercise", "drill.yaml", "--decisions", "x.json", cwd=tmp_path)
    assert r.exit_code == 2
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("error: drill.yaml:") and words in line
    assert not (tmp_path / "results").exists()


def test_bad_logs_are_one_line_and_write_nothing(played, tmp_path):
    (tmp_path / "drill.yaml").write_text(EXERCISE)
    good = (played / "drill.log.json").read_text()
    cases = {
        "half.json": (good[: len(good) // 2], "not a readable exercise log"),
        "notes.json": ('{"hello": 1}', "not a bordersim exercise log"),
        "past.json": (
            good.replace('"at": 37800.0', '"at": 3600.0'),
            "decisions[1].at: a decision takes effect when it is taken",
        ),
        "binary.json": (None, "not UTF-8"),
    }
    for name, (text, words) in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes(b"\xff\xfe\x00 garbage")
        else:
            path.write_text(text)
        r = invoke("exercise", "drill.yaml", "--decisions", name, cwd=tmp_path)
        assert r.exit_code == 2, (name, r.output)
        assert words in r.output and r.output.count("\n") == 1, (name, r.output)
    r = invoke("exercise", "drill.yaml", "--decisions", "missing.json", cwd=tmp_path)
    assert r.exit_code == 2 and "no such file" in r.output
    assert not (tmp_path / "results").exists()


def test_a_scenario_without_an_exercise(tmp_path):
    text = EXERCISE[: EXERCISE.index("exercise:")]
    (tmp_path / "plain.yaml").write_text(text)
    r = invoke("exercise", "plain.yaml", cwd=tmp_path)
    assert r.exit_code == 2
    assert "has no 'exercise' section" in r.output and r.output.count("\n") == 1
