"""The exercise page in a real headless Chromium, against the real command.

``bordersim exercise`` runs as a subprocess (as a facilitator starts it); Playwright drives
the machine's own Chromium. The test loads the page, advances, takes a decision through
the form, previews one, forecasts, rewinds, restarts the server and finds the room where
it was, and checks that an observer cannot decide and a wrong token is refused. Every
request stays on 127.0.0.1 and the console stays clean. Screenshots are saved in the
test's folder (``exercise-*.png``) to look at.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BROWSER_TIMEOUT
from tests.helpers import EXERCISE

expect = pytest.importorskip("playwright.sync_api").expect

TIMEOUT = BROWSER_TIMEOUT


class Server:
    """``bordersim exercise`` in a subprocess; its two addresses once it listens."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bordersim",
                "exercise",
                "drill.yaml",
                "--no-browser",
                "--jobs",
                "2",
            ],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        self.facilitator = self.observer = ""
        assert self.proc.stdout is not None
        while time.monotonic() < deadline and not self.observer:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            if "?token=" in line:
                url = line.strip()
                if not self.facilitator:
                    self.facilitator = url
                else:
                    self.observer = url
        assert self.observer, "".join(self.lines)
        self.base = self.facilitator.split("?")[0]

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return "".join(self.lines) + (out or "")


OPEN: list = []  # browser contexts, closed before their server stops (pages poll it)


def _close_pages() -> None:
    while OPEN:
        OPEN.pop().close()


def _page(browser, url: str, problems: list[str], requests: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    OPEN.append(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    return page


def test_a_drill_in_the_browser(browser, tmp_path):
    (tmp_path / "drill.yaml").write_text(EXERCISE)
    server = Server(tmp_path)
    problems: list[str] = []
    requests: list[str] = []
    try:
        page = _page(browser, server.facilitator, problems, requests)
        page.wait_for_selector("#plazas tbody tr")
        assert page.text_content("#clock") == "Tue 10 Jun 09:00"
        assert page.text_content("#next") == "Tue 10 Jun 10:30"
        assert page.locator("#plazas tbody tr").count() == 4
        assert page.locator("#schematic svg rect").count() == 4
        page.screenshot(path=str(tmp_path / "exercise-start.png"), full_page=True)

        # A decision through the form: CBP opens a truck booth at Blue Water into the US.
        page.select_option("#d-role", "CBP")
        page.select_option("#d-type", "open_booths")
        page.select_option("#d-fields select[data-field=where]", "blue.into_us.trucks")
        page.fill("#d-fields input[data-field=add]", "1")
        page.click("#take")
        expect(page.locator("#decisions")).to_contain_text("1 more booth open")
        assert "Decision taken" in page.text_content("#message")
        assert "Blue Water into the US (trucks): 1 more booth open" in page.text_content(
            "#decisions"
        )

        # A refused decision says why, in words, and changes nothing.
        page.select_option("#d-role", "CBSA")
        page.select_option("#d-type", "priority")
        page.fill("#d-yaml", "{type: priority, where: amb.into_us}")
        page.click("#take")
        expect(page.locator("#message")).to_have_class(re.compile("error"))
        assert "CBSA acts at into_canada" in page.text_content("#message")
        assert page.locator("#decisions li").count() == 1

        # Advance to the closure: the inject arrives, the queue builds.
        page.click("#advance-next")
        expect(page.locator("#clock")).to_have_text("Tue 10 Jun 10:30")
        assert "The bridge closes at 10:00" in page.text_content("#inject-list")
        assert "Two officers ill at Blue Water" in page.text_content("#inject-latest")

        # A forecast, with progress shown meanwhile, then a preview (what if).
        page.select_option("#chart-plaza", "amb.into_us")
        page.select_option("#fc-hours", "6")
        page.select_option("#fc-reps", "5")
        page.click("#forecast")
        expect(page.locator("#forecast-note")).to_contain_text("replications")
        assert page.locator("#chart canvas").count() >= 1
        page.select_option("#d-role", "transport")
        page.fill(
            "#d-yaml", "{type: divert, from: amb.into_us, to: [blue.into_us], mode: mandatory}"
        )
        page.click("#preview")
        expect(page.locator("#preview-result")).to_contain_text("Preview, not taken")
        words = page.text_content("#preview-result")
        assert "with the decision" in words and "better" in words
        assert page.locator("#decisions li").count() == 1  # a preview is not a decision
        page.screenshot(path=str(tmp_path / "exercise-preview.png"), full_page=True)

        # Take it, advance, then rewind to 10:30: the diversion is undone.
        page.click("#take")
        expect(page.locator("#decisions li")).to_have_count(2)
        page.click("#advance-next")
        expect(page.locator("#clock")).to_have_text("Tue 10 Jun 13:00")
        page.select_option("#rewind-to", label="Tue 10 Jun 10:30")
        page.click("#rewind")
        expect(page.locator("#clock")).to_have_text("Tue 10 Jun 10:30")
        expect(page.locator("#decisions li")).to_have_count(1)

        # A phased reopening through its form: half the booths to tiers 1-2, all after 2 h.
        page.fill("#d-yaml", "")
        page.select_option("#d-role", "CBP")
        page.select_option("#d-type", "phased_reopening")
        page.select_option("#d-fields select[data-field=where]", "blue.into_us")
        page.fill("#d-fields input[data-field=fraction]", "0.5")
        page.select_option("#d-fields select[data-field=tiers]", "2")
        page.fill("#d-fields input[data-field=full_after]", "2")
        page.click("#take")
        expect(page.locator("#decisions li")).to_have_count(2)
        assert (
            "phased reopening of Blue Water into the US: at once: 50% of booths, tiers 1-2; "
            "after 2h 00min: 100% of booths, everyone"
        ) in page.text_content("#decisions")

        # An observer watches, with no control; a wrong token sees nothing.
        watcher = _page(browser, server.observer, problems, requests)
        watcher.wait_for_selector("#plazas tbody tr")
        assert watcher.text_content("#clock") == "Tue 10 Jun 10:30"
        assert not watcher.is_visible("#decide") and not watcher.is_visible("#controls")
        r = watcher.request.post(
            server.base + "api/advance",
            data={"version": 0},
            headers={"X-Token": server.observer.split("token=")[1]},
        )
        assert r.status == 403
        watcher.screenshot(path=str(tmp_path / "exercise-observer.png"), full_page=True)
        stranger = _page(browser, server.base + "?token=guess", problems, requests)
        assert "Wrong or missing access token" in stranger.text_content("body")
    finally:
        _close_pages()
        output = server.stop()
    assert "exercise stopped" in output and "Traceback" not in output

    # Started again with the same file: the room is where it was.
    again = Server(tmp_path)
    try:
        assert "resumed from the log" in "".join(again.lines)
        page = _page(browser, again.facilitator, problems, requests)
        page.wait_for_selector("#plazas tbody tr")
        assert page.text_content("#clock") == "Tue 10 Jun 10:30"
        assert "1 more booth open" in page.text_content("#decisions")
    finally:
        _close_pages()
        again.stop()
    # Refusals (the CBSA decision, the observer, the stranger) are answered 400 and 403,
    # which the console notes; anything else is a problem.
    expected = re.compile(r"status of 40[03]")
    assert [p for p in problems if not expected.search(p)] == []
    outside = [u for u in requests if not re.match(r"^(http://127\.0\.0\.1:\d+/|data:)", u)]
    assert outside == []


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _children(pid: int) -> set[int]:
    """Every descendant of a process (from /proc), to see none is left behind."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_a_server_killed_mid_forecast_loses_nothing_and_leaves_nothing(tmp_path):
    import contextlib
    import json
    import threading
    import urllib.request

    (tmp_path / "drill.yaml").write_text(EXERCISE)
    server = Server(tmp_path)
    token = server.facilitator.split("token=")[1]

    def post(path: str, body: dict) -> None:
        request = urllib.request.Request(
            server.base + path,
            data=json.dumps(body).encode(),
            headers={"X-Token": token, "Content-Type": "application/json"},
        )
        with contextlib.suppress(OSError):  # the server is killed under it
            urllib.request.urlopen(request, timeout=120).read()

    post(
        "api/decide",
        {"version": 0, "role": "CBP", "action": {"type": "priority", "where": "amb.into_us"}},
    )
    post("api/advance", {"version": 1})
    log = tmp_path / "exercises" / "drill.log.json"
    saved = log.read_text()
    ahead = threading.Thread(target=post, args=("api/forecast", {"ahead": 24, "reps": 50}))
    ahead.start()
    forked: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not forked:  # the forecast's children are running
        forked = _children(server.proc.pid)
        time.sleep(0.05)
    assert forked, "no forecast replication was seen running"
    server.proc.kill()  # SIGKILL: no clean-up of its own
    server.proc.wait()
    ahead.join(timeout=120)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_alive(p) for p in forked):
        time.sleep(0.2)
    left = [p for p in forked if _alive(p)]
    assert left == [], f"forecast processes left behind: {left}"
    assert log.read_text() == saved  # the log is whole, as last saved
    assert json.loads(saved)["decisions"][0]["action"]["type"] == "priority"
    assert sorted(p.name for p in log.parent.iterdir()) == ["drill.log.json", "drill.log.json.lock"]
