"""The one error a scenario file can give, and the wording of its suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Where a problem is in the file: keys and list indices from the top, e.g.
# ("crossings", "ambassador", "into_us", "lane_groups", "cars", "booths").
Path_ = tuple[str | int, ...]
Problem = tuple[Path_, str]  # where, and what is wrong in one line


class ScenarioError(Exception):
    """A scenario file that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, file: str, message: str, line: int | None = None, field: str = ""):
        file, message, field = printable(file), printable(message), printable(field)
        self.file, self.line, self.field, self.message = file, line, field, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def printable(text: str) -> str:
    """Escape control characters, so that a message stays one line on any terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else the list of what is allowed."""
    options = list(options)
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (expected one of: {', '.join(options)})"


class UnknownKey(ValueError):
    def __init__(self, key: str, allowed: list[str]):
        self.key = key
        super().__init__(f"unknown key '{key}'{suggest(key, allowed)}")
