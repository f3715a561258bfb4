"""Fixtures shared by the tests (helpers are in helpers.py)."""

import os
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_FLAGS

BROWSER_TIMEOUT = 60_000  # ms: a loaded two-core machine may take its time


@pytest.fixture
def tmp_results(tmp_path: Path) -> Path:
    return tmp_path / "results"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright (the browser tests), launched once."""
    if CHROMIUM is None:
        if os.environ.get("BORDERSIM_REQUIRE_BROWSER"):
            pytest.fail("no Chromium on this machine, and CI requires the browser tests")
        pytest.skip("no Chromium here: install Debian's chromium (.ci/run does) to run this test")
    playwright = pytest.importorskip("playwright.sync_api")
    playwright.expect.set_options(timeout=BROWSER_TIMEOUT)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()
