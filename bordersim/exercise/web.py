"""The exercise's web page and its API, served by waitress (a production WSGI server).

Flask routes the requests; waitress serves them with a few threads, so the projector
and players' laptops can watch at once. Every request carries an access token (random,
in the address): the **facilitator's** token may advance, decide, preview and rewind;
the **observer's** may only watch. The page, its script and the chart library ship with
bordersim (no network). A decision, an advance or a rewind names the version of the
situation the page showed: if another browser moved the room since, it is refused with
a message, never applied to a situation nobody saw.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from flask import Flask, Response, jsonify, request

from ..scenario.decisions import action_of
from ..scenario.errors import ScenarioError
from .forecast import Forecast, ForecastError
from .log import LogError
from .session import DecisionRefused, Session, StaleDecision

MAX_FORECAST_HOURS = 48.0
MAX_FORECAST_REPS = 50


@dataclass
class Tokens:
    facilitator: str
    observer: str

    @classmethod
    def new(cls) -> Tokens:
        return cls(secrets.token_urlsafe(16), secrets.token_urlsafe(16))


def _asset(name: str) -> str:
    return (files("bordersim.exercise") / "page" / name).read_text(encoding="utf-8")


def _chart_asset(name: str) -> str:
    return (files("bordersim.report") / "assets" / name).read_text(encoding="utf-8")


def _bands(f: Forecast) -> dict[str, Any]:
    return {
        "start": f.start,
        "bins": f.bins,
        "replications": f.replications,
        "plazas": {
            key: {
                "queue_km": f.band(key, "queue_km"),
                "queued": f.band(key, "queued"),
                "gave_up": float(f.gave_up[key].mean()),
                "diverted": float(f.diverted[key].mean()),
            }
            for key in f.queue_km
        },
    }


def _number(value: Any, default: float, low: float, high: float, what: str) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # not a number, or hundreds of digits
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise DecisionRefused(f"{what}: a number is expected")
    if not low <= number <= high:
        raise DecisionRefused(f"{what}: between {low:g} and {high:g}")
    return number


def create_app(
    session: Session, tokens: Tokens, parse_action=None, after_action: str = ""
) -> Flask:
    """The app for one session. ``parse_action`` reads an action written as one line of
    YAML (as in a plan), for types the forms do not cover; ``after_action`` is the
    command that writes the after-action report, shown at the end of the run."""
    app = Flask("bordersim.exercise")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    progress = {"done": 0, "of": 0, "what": ""}
    last: dict[str, Any] = {}  # the last forecast, shown to every page of the same situation
    busy = threading.Lock()  # one forecast at a time: they use every core

    def role_of() -> str | None:
        token = request.args.get("token") or request.headers.get("X-Token") or ""
        if secrets.compare_digest(token, tokens.facilitator):
            return "facilitator"
        if secrets.compare_digest(token, tokens.observer):
            return "observer"
        return None

    def refused(message: str, status: int = 400) -> Response:
        r = jsonify({"ok": False, "error": message})
        r.status_code = status
        return r

    @app.errorhandler(413)
    def too_large(_: Any) -> Response:
        return refused("the request is too large (at most 64 kB)", 413)

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)  # none, and no token needed to say so

    @app.before_request
    def check_token():
        if request.path == "/favicon.ico":
            return None
        who = role_of()
        if who is None:
            if request.path.startswith("/api/"):
                return refused("wrong or missing access token", 403)
            return Response(
                "<!doctype html><title>bordersim exercise</title><p>Wrong or missing access "
                "token: use the address the facilitator gave.</p>",
                status=403,
                mimetype="text/html",
            )
        if request.method == "POST" and who != "facilitator":
            return refused("observers watch: only the facilitator's page can decide", 403)
        return None

    @app.after_request
    def no_cache(r: Response) -> Response:
        r.headers["Cache-Control"] = "no-store"
        r.headers["X-Content-Type-Options"] = "nosniff"
        r.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src 'self' data:"
        )
        return r

    @app.get("/")
    def page() -> Response:
        html = (
            _asset("exercise.html")
            .replace("/*CSS*/", _asset("exercise.css") + _chart_asset("uPlot.min.css"))
            .replace("/*UPLOT*/", _chart_asset("uPlot.iife.min.js"))
            .replace("/*APP*/", _asset("exercise.js"))
        )
        return Response(html, mimetype="text/html")

    @app.get("/api/state")
    def state() -> Response:
        data = session.state()
        data["can_decide"] = role_of() == "facilitator"
        data["after_action"] = after_action
        shown = last.get("forecast")  # the room's last forecast, while it still holds
        data["last_forecast"] = shown if shown and shown["version"] == data["version"] else None
        return jsonify(data)

    @app.get("/api/progress")
    def get_progress() -> Response:
        return jsonify(progress)

    def body() -> dict[str, Any]:
        """The request's JSON object (numbers finite: NaN and Infinity are refused)."""

        def no_constant(name: str) -> None:
            raise ValueError(f"{name} is not a number here")

        try:
            data = json.loads(request.get_data(cache=False), parse_constant=no_constant)
        except (ValueError, RecursionError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise DecisionRefused("the request is not a JSON object (with finite numbers)")
        return data

    def version(data: dict[str, Any]) -> int:
        """A move names the version of the situation its page showed."""
        v = data.get("version")
        if not isinstance(v, int) or isinstance(v, bool):
            raise DecisionRefused(
                "a move names the version of the situation it was made on ('version')"
            )
        return v

    def action_from(data: dict[str, Any]) -> dict[str, Any]:
        action = data.get("action")
        if isinstance(action, str):
            if parse_action is None:
                raise DecisionRefused("actions written as YAML are not read here")
            try:
                action = parse_action(action)
            except ValueError as e:
                raise DecisionRefused(str(e)) from None
        if not isinstance(action, dict):
            raise DecisionRefused("a decision needs an action")
        hours = data.get("for_hours")
        if hours is not None:  # "for N hours": an end, in seconds from the start
            action["end"] = session.now + _number(hours, 0, 0.25, 24 * 400, "for how long") * 3600
        return action

    def guarded(work):
        try:
            return work()
        except StaleDecision as e:
            return refused(str(e), 409)
        except (DecisionRefused, ScenarioError) as e:
            return refused(str(e))
        except LogError as e:
            return refused(f"{e}; nothing changed", 500)
        except ForecastError as e:
            return refused(f"{e}; nothing changed: ask again", 500)
        except OSError as e:
            return refused(f"cannot save the exercise log: {e.strerror or e}; nothing changed", 500)

    @app.post("/api/advance")
    def advance() -> Response:
        def work():
            data = body()
            to, by = data.get("to"), None
            if data.get("hours") is not None:
                by = _number(data["hours"], 1, 0.25, 24 * 30, "hours") * 3600
            elif to is not None:
                to = _number(to, 0, 0, session.scenario.horizon, "to")
            session.advance(to, version=version(data), by=by)
            return jsonify({"ok": True})

        return guarded(work)

    @app.post("/api/rewind")
    def rewind() -> Response:
        def work():
            data = body()
            if data.get("to") is None:
                raise DecisionRefused("say which decision point to rewind to ('to')")
            undone = session.rewind(
                _number(data["to"], 0, 0, session.scenario.horizon, "to"),
                version=version(data),
            )
            return jsonify({"ok": True, "undone": undone})

        return guarded(work)

    @app.post("/api/decide")
    def decide() -> Response:
        def work():
            data = body()
            d = session.decide(
                str(data.get("role", "")),
                action_from(data),
                str(data.get("note") or "")[:500],
                version=version(data),
            )
            return jsonify(
                {
                    "ok": True,
                    "text": session.names(action_of(session.scenario, d).text(session.scenario)),
                }
            )

        return guarded(work)

    def look_ahead(kind: str):
        data = body()
        hours = _number(data.get("ahead"), 12, 0.5, MAX_FORECAST_HOURS, "hours ahead")
        reps = int(_number(data.get("reps"), 10, 1, MAX_FORECAST_REPS, "replications"))
        if not busy.acquire(blocking=False):
            raise DecisionRefused("a forecast is already running: wait for it")
        try:
            total = reps * (2 if kind == "preview" else 1)
            progress.update(done=0, of=total, what=kind)

            def tell(done: int) -> None:
                progress["done"] = done

            if kind == "preview":
                role = str(data.get("role", ""))
                without, with_it = session.preview(role, action_from(data), hours, reps, tell)
                return jsonify(
                    {
                        "ok": True,
                        "without": _bands(without),
                        "with": _bands(with_it),
                        "hours": hours,
                    }
                )
            version = session.version
            f = session.forecast(hours, reps, tell)
            answer = {"ok": True, "forecast": _bands(f), "hours": hours, "version": version}
            last["forecast"] = answer  # what every page then shows, observers' too
            return jsonify(answer)
        finally:
            progress.update(done=progress["of"])
            busy.release()

    @app.post("/api/forecast")
    def forecast() -> Response:
        return guarded(lambda: look_ahead("forecast"))

    @app.post("/api/preview")
    def preview() -> Response:
        return guarded(lambda: look_ahead("preview"))

    @app.get("/api/plan")
    def plan() -> Response:
        return Response(
            session.plan_yaml(),
            mimetype="text/plain",
            headers={"Content-Disposition": 'attachment; filename="as_played.yaml"'},
        )

    return app


def bind(app: Flask, host: str, port: int) -> Any:
    """The server, listening (an OSError: the port is taken; a ValueError: no such host)."""
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=6, ident="bordersim")


def serve(server: Any) -> None:
    """Serve until interrupted (Ctrl-C)."""
    try:
        server.run()
    finally:
        server.close()
