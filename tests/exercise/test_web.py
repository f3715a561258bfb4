"""The exercise page's API: tokens, the observer's view, decisions refused in words, two
browsers deciding at once."""

from __future__ import annotations

import threading


def test_the_page_and_the_state_need_a_token(app):
    flask_app, tokens, _ = app
    c = flask_app.test_client()
    assert c.get("/").status_code == 403
    assert c.get("/?token=wrong").status_code == 403
    r = c.get("/api/state?token=wrong")
    assert r.status_code == 403 and r.json["error"] == "wrong or missing access token"
    page = c.get(f"/?token={tokens.facilitator}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "uPlot" in html and "/*APP*/" not in html  # everything inlined, nothing fetched
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    state = c.get(f"/api/state?token={tokens.facilitator}").json
    assert state["can_decide"] is True
    assert state["clock"] == "Tue 10 Jun 09:00"
    assert state["next_clock"] == "Tue 10 Jun 10:30"


def test_observers_watch_but_cannot_move_the_room(app):
    flask_app, tokens, session = app
    c = flask_app.test_client()
    state = c.get(f"/api/state?token={tokens.observer}").json
    assert state["can_decide"] is False
    for path in ("/api/advance", "/api/decide", "/api/rewind", "/api/forecast", "/api/preview"):
        r = c.post(path, json={"version": 0}, headers={"X-Token": tokens.observer})
        assert r.status_code == 403, path
        assert "only the facilitator" in r.json["error"]
    assert session.version == 0 and session.decisions == []


def test_decisions_through_the_api(app):
    flask_app, tokens, session = app
    c = flask_app.test_client()
    h = {"X-Token": tokens.facilitator}
    r = c.post(
        "/api/decide",
        json={
            "version": 0,
            "role": "CBP",
            "action": {"type": "open_booths", "where": "amb.into_us.carz", "add": 1},
        },
        headers=h,
    )
    assert r.status_code == 400 and "did you mean 'cars'" in r.json["error"]
    r = c.post(
        "/api/decide",
        json={
            "version": 0,
            "role": "CBP",
            "action": "{type: priority, where: amb.into_us}",  # as one line of YAML
            "for_hours": 2,
        },
        headers=h,
    )
    assert r.status_code == 200, r.json
    assert "Tue 10 Jun 09:00 to Tue 10 Jun 11:00" in r.json["text"]
    r = c.post("/api/decide", json={"version": 1, "role": "CBP", "action": "[1, 2"}, headers=h)
    assert r.status_code == 400 and "cannot read an action as YAML" in r.json["error"]
    r = c.post("/api/advance", data="not json", headers=h)
    assert r.status_code == 400 and "not a JSON object" in r.json["error"]
    assert len(session.decisions) == 1
    plan = c.get(f"/api/plan?token={tokens.facilitator}").get_data(as_text=True)
    assert "type: priority" in plan and "start: '2025-06-10 09:00'" in plan


def test_two_browsers_deciding_at_once_one_wins_the_other_is_told(app):
    flask_app, tokens, session = app
    h = {"X-Token": tokens.facilitator}
    version = session.version
    results = []

    def decide(role: str, action: dict) -> None:
        c = flask_app.test_client()
        r = c.post(
            "/api/decide", json={"version": version, "role": role, "action": action}, headers=h
        )
        results.append((r.status_code, r.json))

    a = threading.Thread(target=decide, args=("CBP", {"type": "priority", "where": "amb.into_us"}))
    b = threading.Thread(
        target=decide,
        args=("CBSA", {"type": "open_booths", "where": "amb.into_canada.cars", "add": 1}),
    )
    a.start()
    b.start()
    a.join()
    b.join()
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409]
    stale = next(body for code, body in results if code == 409)
    assert "moved on" in stale["error"]
    assert len(session.decisions) == 1


def test_a_forecast_and_a_preview_through_the_api(app):
    flask_app, tokens, session = app
    c = flask_app.test_client()
    h = {"X-Token": tokens.facilitator}
    c.post("/api/advance", json={"version": 0}, headers=h)
    f = c.post("/api/forecast", json={"ahead": 2, "reps": 3}, headers=h).json
    shown = c.get(f"/api/state?token={tokens.observer}").json["last_forecast"]
    assert shown["forecast"] == f["forecast"]  # observers see the room's forecast
    band = f["forecast"]["plazas"]["amb.into_us"]["queue_km"]
    assert len(band["median"]) == 24
    assert all(
        lo <= m <= hi for lo, m, hi in zip(band["low"], band["median"], band["high"], strict=True)
    )
    p = c.post(
        "/api/preview",
        json={
            "role": "CBP",
            "action": {"type": "open_booths", "where": "blue.into_us.trucks", "add": 1},
            "ahead": 2,
            "reps": 3,
        },
        headers=h,
    ).json
    assert p["ok"] and p["with"]["replications"] == 3
    assert session.decisions == []
    c.post("/api/advance", json={"version": session.version}, headers=h)
    assert c.get(f"/api/state?token={tokens.observer}").json["last_forecast"] is None
    r = c.post("/api/forecast", json={"ahead": 1000, "reps": 3}, headers=h)
    assert r.status_code == 400 and "hours ahead" in r.json["error"]
