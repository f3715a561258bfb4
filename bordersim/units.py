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
from datetime import date, datetime, timedelta

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
WHEN_HELP = (
    "a time: from the start (10h, 1d 10:00), a calendar time (2025-06-11 10:00) or a "
    "weekday and clock time (Wed 10:00)"
)
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
    if days and not hours and not minutes:
        return f"{sign}{days}d"
    if days:
        return f"{sign}{days}d {hours}h {minutes:02d}min"
    return f"{sign}{hours}h {minutes:02d}min"


_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_WEEKDAY_CLOCK = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}):(\d{2})$")


def parse_when(value: object, start: datetime | None) -> float:
    """Seconds from the scenario's ``start`` to a time written as a duration from the
    start (``10h``, ``1d 10:00``), a calendar time (``2025-06-11 10:00``, or a date for its
    midnight) or a weekday and clock time (``Wed 10:00``: the first such time at or after
    the start). A calendar or weekday time needs the start; one before it is refused.
    Errors say what was understood."""
    if isinstance(value, datetime | date) or (
        isinstance(value, str) and re.match(r"^\s*\d{4,}-\d", value)
    ):
        when = _calendar_time(value)
        if start is None:
            raise ValueError(
                f"{_shown(value)} is a calendar time: give the scenario a 'start' (e.g. "
                f"start: {when:%Y-%m-%d} 00:00), or write the time from the start (e.g. 10h)"
            )
        if when < start:
            raise ValueError(
                f"{_shown(value)} ({when:%a %d %b %Y %H:%M}) is before the scenario starts "
                f"({start:%a %d %b %Y %H:%M})"
            )
        return _within_reach(value, (when - start).total_seconds())
    if isinstance(value, str) and (m := _WEEKDAY_CLOCK.match(value.strip().lower())):
        day, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3))
        if day not in _WEEKDAYS:
            raise ValueError(
                f"cannot read {value!r}: {day!r} is not a weekday; expected {WHEN_HELP}"
            )
        if hours > 23 or minutes > 59:
            raise ValueError(f"{value!r}: not a clock time (00:00 to 23:59)")
        if start is None:
            raise ValueError(
                f"{value!r} is a weekday and time: give the scenario a 'start' (a date) so "
                "that the day is known, or write the time from the start (e.g. 1d 10:00)"
            )
        days = (_WEEKDAYS[day] - start.weekday()) % 7
        when = datetime.combine(start.date(), datetime.min.time()) + timedelta(
            days=days, hours=hours, minutes=minutes
        )
        if when < start:
            when += timedelta(days=7)
        return (when - start).total_seconds()
    try:
        seconds = parse_duration(value)  # type: ignore[arg-type]
    except ValueError as e:
        raise ValueError(f"{e}; or {WHEN_HELP}") from None
    return _within_reach(value, seconds)


MAX_WHEN = 400 * 86400.0  # the longest horizon: a time beyond it is a slip of the pen


def _within_reach(value: object, seconds: float) -> float:
    if seconds > MAX_WHEN:
        raise ValueError(
            f"{_shown(value)} is {format_duration(seconds)} after the start: times of events "
            "and actions are limited to 400 days (the longest horizon)"
        )
    return seconds


NO_ZONES = (
    "time-zone offsets are not read: write the local time at the crossing, as the "
    "scenario's start is (e.g. 2025-06-11 10:00)"
)


def _calendar_time(value: object) -> datetime:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    else:
        try:
            when = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                f"cannot read {value!r} as a calendar time: expected e.g. 2025-06-11 10:00"
            ) from None
    if when.tzinfo is not None:
        raise ValueError(f"{_shown(value)}: {NO_ZONES}")
    return when


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else f"'{value}'"
