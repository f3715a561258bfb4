"""Durations and lengths written the way planners write them.

Durations are stored in seconds (float), lengths in metres (float).

>>> parse_duration("90s"), parse_duration("45min"), parse_duration("1h30min")
(90.0, 2700.0, 5400.0)
>>> parse_duration("2d 06:00")
194400.0
>>> parse_length("2.5km")
2500.0
"""

from __future__ import annotations

import re

_DURATION_UNITS = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "week": 604800.0, "weeks": 604800.0,
}  # fmt: skip
_LENGTH_UNITS = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "mile": 1609.344, "miles": 1609.344}

_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_TERM = re.compile(rf"\s*({_NUMBER})\s*([a-z]+)\s*")
_CLOCK = re.compile(r"^(?:(\d+)\s*d(?:ays?)?\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?$")

DURATION_HELP = "a duration such as 90s, 45min, 36h, 1h30min, 2d or 2d 06:00"
LENGTH_HELP = "a length such as 800m, 2.5km or 3mi"


def parse_duration(text: str | int | float) -> float:
    """Seconds from a duration such as ``90s``, ``45min``, ``36h``, ``2d 06:00``.

    A bare number is accepted only when it is 0: any other number needs a unit,
    because ``horizon: 36`` is as likely to mean hours as seconds.
    """
    if _is_zero(text, DURATION_HELP):
        return 0.0
    assert isinstance(text, str)
    s = text.strip().lower()
    if s in ("0", "0.0"):
        return 0.0
    clock = _CLOCK.match(s)
    if clock:
        days, hours, minutes, seconds = clock.groups()
        if int(minutes) >= 60 or (seconds and int(seconds) >= 60):
            raise ValueError(f"{text!r} is not a valid clock time")
        return (
            int(days or 0) * 86400.0 + int(hours) * 3600.0 + int(minutes) * 60.0 + int(seconds or 0)
        )
    return _sum_terms(text, s, _DURATION_UNITS, DURATION_HELP)


def parse_length(text: str | int | float) -> float:
    """Metres from a length such as ``800m`` or ``2.5km`` (0 needs no unit)."""
    if _is_zero(text, LENGTH_HELP):
        return 0.0
    assert isinstance(text, str)
    return _sum_terms(text, text.strip().lower(), _LENGTH_UNITS, LENGTH_HELP)


def _is_zero(value: object, help_text: str) -> bool:
    """True for a bare 0; raise for any other non-text value (numbers need a unit)."""
    if isinstance(value, bool):
        raise ValueError(f"expected {help_text}, got {value!r}")
    if isinstance(value, int | float):
        if value == 0:
            return True
        raise ValueError(f"{value!r} needs a unit: {help_text}")
    if not isinstance(value, str):
        raise ValueError(f"expected {help_text}, got {type(value).__name__}")
    return False


def _sum_terms(original: str, s: str, units: dict[str, float], help_text: str) -> float:
    total, pos = 0.0, 0
    if not s:
        raise ValueError(f"empty value: expected {help_text}")
    while pos < len(s):
        m = _TERM.match(s, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read {original!r}: expected {help_text}")
        number, unit = m.groups()
        if unit not in units:
            raise ValueError(f"unknown unit {unit!r} in {original!r}: expected {help_text}")
        total += float(number) * units[unit]
        pos = m.end()
    return total


def format_duration(seconds: float) -> str:
    """Short human form, in days, hours and minutes: ``2d 6h 00min``, ``2h 05min``,
    ``45min``, ``4min 20s``, ``30s`` (seconds only under ten minutes, where they matter)."""
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise ValueError(f"not a duration: {seconds}")
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if round(s) < 60:
        return f"{sign}{s:.0f}s"
    if round(s) < 600:
        minutes, secs = divmod(round(s), 60)
        return f"{sign}{minutes}min {secs:02d}s" if secs else f"{sign}{minutes}min"
    total = round(s / 60)
    if total < 60:
        return f"{sign}{total}min"
    days, rest = divmod(total, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h {minutes:02d}min"
    return f"{sign}{hours}h {minutes:02d}min"
