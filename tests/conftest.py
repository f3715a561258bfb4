"""Fixtures shared by the tests (helpers are in helpers.py)."""

from pathlib import Path

import pytest


@pytest.fixture
def tmp_results(tmp_path: Path) -> Path:
    return tmp_path / "results"
