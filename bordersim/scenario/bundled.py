"""The scenarios shipped with bordersim, found in the installed package.

They are package data (``bordersim/scenarios/*.yaml``), so ``bordersim list``, ``bordersim
init --from NAME`` and ``bordersim run NAME`` work however bordersim was installed
(``pip install .``, editable, or from a wheel), from any folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled() -> dict[str, Path]:
    """Bundled scenario files by name (the file name without ``.yaml``), sorted."""
    folder = Path(str(files("bordersim") / "scenarios"))
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def find(name: str) -> Path | None:
    """The bundled scenario a command-line argument names (``ambassador-closure``), or
    None. Only a bare name qualifies: a path or a file name never silently turns into a
    bundled file."""
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        return None  # a path or a file name is never taken for a bundled name
    return bundled().get(name)
