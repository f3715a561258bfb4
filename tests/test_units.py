import pytest

from bordersim.units import format_duration, parse_duration, parse_length


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("45min", 2700),
        ("36h", 129600),
        ("2d", 172800),
        ("1h30min", 5400),
        ("2d 06:00", 194400),
        ("18:00", 64800),
        ("1.5h", 5400),
        ("1w", 604800),
        ("0", 0),
        (0, 0),
        ("2 days", 172800),
        ("10 minutes", 600),
    ],
)
def test_durations_read_as_people_write_them(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["36", 36, "5 parsecs", "", "h", "25:99", "abc", True, [1]])
def test_bad_durations_are_refused_with_help(text):
    with pytest.raises(ValueError, match="duration|unit|clock"):
        parse_duration(text)


def test_lengths():
    assert parse_length("2.5km") == 2500
    assert parse_length("800m") == 800
    with pytest.raises(ValueError):
        parse_length("3 furlongs")


def test_format_duration_round_trips_readably():
    assert format_duration(30) == "30s"
    assert format_duration(2700) == "45min"
    assert format_duration(7500) == "2h 05min"
    assert format_duration(194400) == "2d 6h 00min"
    assert format_duration(260) == "4min 20s" and format_duration(3599.9) == "1h 00min"
    assert format_duration(-90) == "-1min 30s" and format_duration(2 * 86400) == "2d"
    for s in (30, 260, 2700, 7500, 194400, 172800):
        assert parse_duration(format_duration(s)) == s
