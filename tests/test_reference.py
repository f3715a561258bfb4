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
