"""The drill's exercise page, served in-process (Flask's test client)."""

from __future__ import annotations

import pytest

from bordersim.exercise.session import Session
from bordersim.exercise.web import Tokens, create_app
from bordersim.scenario.loading import parse_mapping
from tests.helpers import EXERCISE, scenario


@pytest.fixture
def app():
    """(the app, its tokens, its session) for the drill, its log saved nowhere."""
    session = Session(scenario(EXERCISE), EXERCISE, save=lambda log: None)
    tokens = Tokens.new()
    flask_app = create_app(session, tokens, parse_mapping)
    flask_app.testing = True
    return flask_app, tokens, session


@pytest.fixture
def drill_log(tmp_path):
    """A drill's log with one decision (CBP's triage at Ambassador into the US, at the first
    decision point), saved as the command saves it: (its path, its text)."""
    from bordersim.exercise.log import LogFile

    s = scenario(EXERCISE)
    path = tmp_path / "drill.log.json"
    with LogFile(path, s) as lf:
        Session(s, EXERCISE, save=lf.save).decide(
            "CBP", {"type": "priority", "where": "amb.into_us"}
        )
    return path, path.read_text()
