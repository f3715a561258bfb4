"""The generated reference is up to date, and the JSON Schema accepts the bundled files."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from bordersim.cli import main
from bordersim.reference import markdown
from bordersim.scenario.loading import _Loader
from tests.helpers import ROOT, SCENARIOS


def test_docs_reference_is_up_to_date():
    written = (ROOT / "docs" / "reference.md").read_text()
    assert written == markdown(), (
        "docs/reference.md is out of date: run `python -m bordersim.reference > docs/reference.md`"
    )


@pytest.fixture(scope="module")
def schema() -> dict:
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0
    return json.loads(r.output)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_scenarios_satisfy_the_json_schema(schema, path):
    data = yaml.load(path.read_text(), Loader=_Loader)
    data.setdefault("name", path.stem)
    jsonschema.validate(data, schema)


def test_the_json_schema_catches_a_typo_for_editors(schema):
    data = yaml.load((SCENARIOS / "ambassador-closure.yaml").read_text(), Loader=_Loader)
    data["horizn"] = data.pop("horizon")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_the_project_cites_only_its_own_documents():
    """Sources are in docs/sources.md, which ships with the project; nothing points a
    planner to notes they do not have."""
    files = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "scenarios").glob("*.yaml"),
        *(ROOT / "bordersim").rglob("*.py"),
    ]
    citing = [f.name for f in files if "shared/" in f.read_text(encoding="utf-8")]
    assert not citing, citing
    assert (ROOT / "docs" / "sources.md").is_file()


def test_every_key_is_described_for_editors_with_the_reference_text(schema):
    """Editors explain each key on hover: every property of every model has the same
    description as its row in docs/reference.md."""
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["$id"]
    models = {"Scenario": schema, **schema["$defs"]}
    reference = (ROOT / "docs" / "reference.md").read_text()
    count = 0
    for name, model in models.items():
        assert model.get("description"), name
        for key, prop in model.get("properties", {}).items():
            text = prop.get("description", "")
            assert text and "\n" not in text, f"{name}.{key}"
            assert f"| `{key}` |" in reference and text in reference, f"{name}.{key}"
            count += 1
    assert count > 130  # every key, not a sample


def test_the_schema_accepts_calendar_and_weekday_times(schema):
    data = yaml.load((SCENARIOS / "ambassador-closure.yaml").read_text(), Loader=_Loader)
    data["events"][0]["start"], data["events"][0]["end"] = "Tue 10:00", "2025-06-10 16:00"
    jsonschema.validate(data, schema)
