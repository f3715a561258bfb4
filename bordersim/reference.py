"""The scenario file reference, generated from the schema (docs/reference.md).

    python -m bordersim.reference > docs/reference.md

A test fails when docs/reference.md differs from what this prints, so the reference
cannot drift from the code. Hand-written explanations are in docs/scenario.md.
"""

from __future__ import annotations

import inspect
from typing import Any

from .scenario.schema import json_schema, schema_models

HEADER = """\
# Scenario file reference

Generated from the schema by `python -m bordersim.reference`; do not edit by hand (a test
checks it is up to date). `bordersim schema` prints the same schema as JSON Schema for
editors. Explanations and examples: [scenario.md](scenario.md).

Durations are text such as `90s`, `45min`, `36h`, `2d` or `1d 06:00` (or `0`); lengths
are text such as `800m` or `2.5km`; times (when an event or action starts or ends) are a
duration from the start, a calendar time (`2025-06-11 10:00`) or a weekday and clock time
(`Wed 10:00`). Keys not listed are errors.
"""


def markdown() -> str:
    schema = json_schema()
    defs = schema.get("$defs", {})
    order = ["Scenario", *_reachable(schema, defs)]
    out = [HEADER]
    for name in order:
        model = schema if name == "Scenario" else defs[name]
        out.append(_section(name, model))
    return "\n".join(out).rstrip() + "\n"


def _reachable(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """Model names in the order a reader meets them, from the top of the file down."""
    seen: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.append(name)
                    walk(defs[name])
            for key, value in node.items():
                if key != "$defs":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in schema.items() if k != "$defs"})
    return seen


def _section(name: str, model: dict[str, Any]) -> str:
    cls = schema_models().get(name)
    # The class's own docstring, not one inherited from a base class.
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "") if cls is not None else ""
    doc = (doc or "").split("\n\n")[0].replace("\n", " ")
    lines = [f"## {name}", ""]
    if doc:
        lines += [doc, ""]
    required = set(model.get("required", []))
    lines += ["| key | type | required or default | meaning |", "|---|---|---|---|"]
    for key, prop in model.get("properties", {}).items():
        need = "required" if key in required else _default(prop)
        meaning = prop.get("description", "").replace("|", "\\|")
        lines.append(f"| `{key}` | {_type(prop)} | {need} | {meaning} |")
    return "\n".join(lines) + "\n"


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return "optional"
    value = prop["default"]
    if value is None:
        return "optional"
    if value in ({}, [], ""):
        return "empty"
    if isinstance(value, dict):
        return "see below"
    return f"`{value}`"


def _type(p: dict[str, Any]) -> str:
    if "$ref" in p:
        name = p["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in p:
        return f"`{p['const']}`"
    if "enum" in p:
        return "one of " + ", ".join(f"`{v}`" for v in p["enum"])
    for key in ("anyOf", "oneOf"):
        if key in p:
            parts = [_type(x) for x in p[key] if x.get("type") != "null" and "const" not in x]
            return " or ".join(dict.fromkeys(parts))
    kinds = {"duration": "duration", "length": "length", "time-of-run": "time"}
    if p.get("format") in kinds:
        return kinds[p["format"]]
    kind = p.get("type")
    if kind == "array":
        size = ""
        if "minItems" in p and p.get("maxItems") == p["minItems"]:
            size = f"{p['minItems']} "
        elif "minItems" in p:
            size = "non-empty " if p["minItems"] == 1 else f"{p['minItems']}+ "
        return f"{size}list of {_type(p.get('items', {}))}"
    if kind == "object":
        values = p.get("additionalProperties")
        if "patternProperties" in p:
            values = next(iter(p["patternProperties"].values()))
        return f"mapping of names to {_type(values)}" if isinstance(values, dict) else "mapping"
    if kind in ("integer", "number"):
        word = "whole number" if kind == "integer" else "number"
        bounds = []
        if "minimum" in p:
            bounds.append(f"≥ {p['minimum']:g}")
        if "exclusiveMinimum" in p:
            bounds.append(f"> {p['exclusiveMinimum']:g}")
        if "maximum" in p:
            bounds.append(f"≤ {p['maximum']:g}")
        return f"{word} {' '.join(bounds)}".strip()
    if kind == "string":
        if p.get("format") in ("date", "date-time"):
            return "date or date-time"
        return "text"
    if kind == "boolean":
        return "true or false"
    return "any"


if __name__ == "__main__":
    print(markdown(), end="")
