"""Reading scenario files: YAML with the line of every key, validation, and one-line
errors naming the file, the line and the field::

    scenarios/x.yaml:14: crossings.ambassador.into_us.lane_groups.cars.boths:
    unknown key 'boths' (did you mean 'booths'?)

This is the only module that reads YAML.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .checks import check_references
from .errors import Path_, ScenarioError, UnknownKey, suggest
from .schema import ACTION_TYPES, EVENT_TYPES, Scenario, _calendar, schema_models

MAX_FILE_BYTES = 5 * 1024 * 1024  # hand-written scenarios are a few kB
MAX_VALUES = 200_000  # values a file may expand to (YAML aliases can multiply them)


INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so ``18:00`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A YAML date or date-time; an impossible one (2025-02-30) is an error at its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as e:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a date ({e})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_implicit_resolver(
    INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
        r"|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _line_map(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str) -> None:
    """Record the line of every key and item; reject duplicate keys and alias bombs."""
    lines.setdefault(path, node.start_mark.line + 1)
    if len(lines) > MAX_VALUES:
        raise ScenarioError(
            file,
            f"the file expands to more than {MAX_VALUES:,} values "
            "(YAML anchors and aliases repeated?)",
        )
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise ScenarioError(
                    file, f"duplicate key '{key}'", key_node.start_mark.line + 1, _dotted(path)
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _line_map(item, (*path, i), lines, file)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(path: Path_, lines: dict[Path_, int]) -> int | None:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file; raise ScenarioError on any problem."""
    return read_scenario(path)[0]


def read_scenario(path: str | Path) -> tuple[Scenario, str]:
    """The validated scenario and the exact text it was read from (read once)."""
    file = str(path)
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(file, "file not found" if not p.exists() else "not a file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            file, f"file is {size:,} bytes; scenario files are limited to {MAX_FILE_BYTES:,}"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(file, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise ScenarioError(file, f"cannot read the file ({e.strerror})") from None
    return parse_scenario(text, file=file, default_name=p.stem), text


def parse_scenario(text: str, file: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Validate scenario text; ``file`` is used only in messages."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise ScenarioError(file, f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as e:
        raise ScenarioError(file, f"YAML error: {e}".replace("\n", " ")) from None
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            file,
            "a scenario file is a mapping of keys such as name, horizon, "
            "crossings, demand and events",
            1,
        )
    lines: dict[Path_, int] = {}
    try:
        _line_map(root, (), lines, file)
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    data.setdefault("name", default_name)
    try:
        # Calendar and weekday times of events and actions are read against the start.
        scenario = Scenario.model_validate(data, context={"start": _start(data.get("start"))})
    except ValidationError as e:
        raise _first_error(e, file, lines, data) from None
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    problems = list(check_references(scenario))
    if problems:
        path, message = min(problems, key=lambda pm: _line_of(pm[0], lines) or 0)
        raise ScenarioError(file, message, _line_of(path, lines), _dotted(path))
    return _with_injected_events(scenario)


def _with_injected_events(s: Scenario) -> Scenario:
    """An exercise's inject that brings an event makes it part of the disruption: it
    happens in every run and plan (run, compare and the exercise alike)."""
    injected = [i.event for i in s.exercise.injects if i.event is not None] if s.exercise else []
    return s.model_copy(update={"events": [*s.events, *injected]}) if injected else s


def _start(value: Any) -> datetime | None:
    """The scenario's start, if it reads as one (else its own error is reported)."""
    try:
        start = _calendar(value)
    except ValueError:
        return None
    if isinstance(start, datetime) and start.tzinfo is not None:
        return None
    if isinstance(start, datetime):
        return start.replace(tzinfo=None)
    if isinstance(start, date):
        return datetime(start.year, start.month, start.day)
    return None


def _first_error(
    err: ValidationError, file: str, lines: dict[Path_, int], data: Any
) -> ScenarioError:
    found = []
    for e in err.errors(include_url=False):
        path = _real_path(e["loc"], data)
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, UnknownKey):
            path = (*path, cause.key)
        found.append((_line_of(path, lines) or 0, path, _message(e)))
    line, path, message = min(found, key=lambda f: f[0])
    return ScenarioError(file, message, line or None, _dotted(path) or "(top level)")


def _real_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Drop pydantic's union and tag steps, keeping keys that exist in the file."""
    out: list[str | int] = []
    node = data
    for step in loc:
        in_dict = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if in_dict or in_list:
            out.append(step)
            node = node[step]
        elif isinstance(node, dict | list):
            if isinstance(node, dict) and isinstance(step, str) and step in _field_names():
                out.append(step)  # a required field that is missing
                break
            continue  # a union branch name such as 'closure' or 'list[...]'
        else:
            break
    return tuple(out)


def _field_names() -> set[str]:
    """Every key a scenario file may hold, in any of its models."""
    return {f.alias or n for m in schema_models().values() for n, f in m.model_fields.items()}


def _message(e: dict[str, Any]) -> str:
    kind, msg = e["type"], e["msg"]
    got = e.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        in_plan = tuple(e["loc"][:1]) == ("plans",)
        what, options = ("action", ACTION_TYPES) if in_plan else ("event", EVENT_TYPES)
        if kind == "union_tag_not_found":
            return f"an {what} needs a 'type': one of {', '.join(options)}"
        return f"unknown {what} type {got.get('type')!r}" + suggest(str(got.get("type")), options)
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        return f"{msg}, got {got!r}"
    if kind.endswith("_type") or kind in ("model_type", "dict_type", "list_type"):
        return f"{msg.rstrip('.')}, got {_describe(got)}"
    return msg


def _describe(value: Any) -> str:
    """A value, shortened (reprlib: a huge value is never written out in full first)."""
    import reprlib

    short = reprlib.Repr()
    short.maxstring, short.maxother, short.maxlevel = 40, 40, 3
    text = short.repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_mapping(text: str, what: str = "an action") -> dict[str, Any]:
    """One YAML mapping written inline, e.g. an action typed in an exercise's page
    (``{type: priority, where: a.into_us}``); a ValueError says what is wrong."""
    if len(text) > 10_000:
        raise ValueError(f"{what} is written in at most 10,000 characters")
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root is not None:
            _line_map(root, (), {}, "")  # refuses aliases that multiply the values
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except yaml.YAMLError as e:
        problem = getattr(e, "problem", None) or type(e).__name__
        raise ValueError(f"cannot read {what} as YAML: {problem}") from None
    except ScenarioError as e:
        raise ValueError(f"cannot read {what}: {e.message}") from None
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{what} is a mapping such as {{type: priority, where: a.into_us}}")
    return data
