"""report.html: self-contained, rebuilt from saved results, and shown in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from tests.test_cli import PLANS

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("report")
    f = root / "plans.yaml"
    f.write_text(PLANS.replace("trucks: {booths: 3,", "trucks: {booths: 4, open: 3,")
                 .replace("name: small", "name: small\nstart: 2025-06-10 00:00"))  # fmt: skip
    run, cmp = root / "run", root / "cmp"
    for args in (["run", str(f), "--reps", "2", "--out", str(run), "-q"],
                 ["compare", str(f), "--reps", "2", "--out", str(cmp), "-q"]):  # fmt: skip
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
    return {"run": run, "compare": cmp}


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_report_is_self_contained(results, kind):
    page = (results[kind] / "report.html").read_text()
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)  # nothing from a network
    images = re.findall(r"<img [^>]*src='data:image/png;base64,", page)
    assert len(images) == 3  # timeline, recovery, and transit (run) or key figures (compare)
    assert page.count("<table>") >= (3 if kind == "run" else 2)  # transit, recovery, accounting
    assert "Timeline" in page and "small" in page
    assert ("Accounting" in page) if kind == "run" else ("ranked by" in page)
    assert "Tue 10 Jun" in page  # calendar times from the scenario's start


def test_report_command_rebuilds_from_saved_results(results):
    folder = results["compare"]
    before = (folder / "report.html").read_text()
    (folder / "report.html").unlink()
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 0, r.output
    after = (folder / "report.html").read_text()
    strip = lambda text: re.sub(r"Generated [0-9: -]+", "", text)  # noqa: E731
    assert strip(after) == strip(before)


def test_report_command_refuses_other_folders(tmp_path):
    r = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert r.exit_code == 2 and "not a results folder" in r.stderr


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_report_in_a_real_browser(results, kind, tmp_path):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine: install Debian's chromium package "
                    "(.ci/run does) to run the browser test")  # fmt: skip
    page = (results[kind] / "report.html").resolve()
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=10000"]  # fmt: skip
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout  # fmt: skip
    loaded = re.search(r'data-figures-loaded="(\d+)/(\d+)"', dom)
    assert loaded, "the page's self-check did not run"
    ok, total = map(int, loaded.groups())
    assert total == 3 and ok == total, f"{ok} of {total} figures loaded"
    tables = int(re.search(r'data-tables="(\d+)"', dom).group(1))
    assert tables >= (3 if kind == "run" else 2)
    shot = results[kind] / "report-screenshot.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri()],
                   capture_output=True, timeout=120, check=False)  # fmt: skip
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:4] == b"\x89PNG"
