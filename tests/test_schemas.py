"""The published JSON Schemas: committed, versioned, and every example file valid under them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.eforms import read_notice
from reserverat.schemas import KINDS, SCHEMA_VERSION, json_schema

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
CORPUS = Path(__file__).parent / "data" / "corpus"
DECLARATIONS = sorted(
    [
        *(EXAMPLES / "declarations").glob("*.json"),
        *(EXAMPLES / "botkyrka").glob("2*.json"),
        *(EXAMPLES / "welfare").glob("3*.json"),
    ]
)
PROCUREMENTS = sorted(
    [
        EXAMPLES / "procurement.json",
        EXAMPLES / "botkyrka" / "procurement.json",
        *(EXAMPLES / "welfare").glob("procurement*.json"),
    ]
)


def _committed(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SCHEMAS / f"{kind}.v{SCHEMA_VERSION}.schema.json").read_text(encoding="utf-8")
    )
    return data


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = _committed(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_what_the_models_give(kind: str) -> None:
    """A model change shows up here: regenerate, and bump SCHEMA_VERSION if it breaks readers."""
    path = SCHEMAS / f"{kind}.v{SCHEMA_VERSION}.schema.json"
    text = json.dumps(json_schema(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("RESERVERAT_REGENERATE"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_ids_are_versioned(kind: str) -> None:
    schema = _committed(kind)
    assert schema["$id"] == f"urn:reserverat:schema:{kind}:{SCHEMA_VERSION}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda p: p.name)
def test_example_declarations_are_valid(path: Path) -> None:
    _validator("declaration").validate(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", PROCUREMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_procurements_are_valid(path: Path) -> None:
    _validator("procurement").validate(json.loads(path.read_text(encoding="utf-8")))


def test_imported_espd_and_notices_are_valid() -> None:
    declaration = _validator("declaration")
    responses = sorted((CORPUS / "espd").glob("*Response*.xml"))
    for path in [*responses, CORPUS / "espd" / "procurement_reserved_import.xml"]:
        decl = rr.read_espd(path).declaration()
        declaration.validate(json.loads(decl.model_dump_json(exclude_none=True)))
    procurement = _validator("procurement")
    for path in sorted((CORPUS / "eforms").glob("*.xml")):
        for lot in read_notice(path).lots:
            procurement.validate(json.loads(lot.model_dump_json(exclude_none=True)))


def test_every_example_result_is_valid() -> None:
    validator = _validator("result")
    compact = _validator("compact")
    rules = [rr.load_ruleset(info.id) for info in rr.list_rulesets()]
    procurement = rr.load_procurement(EXAMPLES / "procurement.json")
    count = 0
    for path in DECLARATIONS:
        (decl,) = rr.load_declarations(path)
        assert isinstance(decl, rr.Declaration)
        for rule_set in rules:
            result = rr.evaluate(decl, rule_set, procurement=procurement)
            data = json.loads(result.to_json())
            validator.validate(data)
            assert data["schema"] == "urn:reserverat:schema:result:1"
            short = json.loads(result.compact().to_json())
            compact.validate(short)
            assert short["schema"] == "urn:reserverat:schema:compact:1"
            assert set(short["criteria"]) == {f["criterion"] for f in data["findings"]}
            count += 1
    assert count == len(DECLARATIONS) * len(rules)


def test_an_invalid_declaration_is_refused() -> None:
    bad = {"supplier": "X", "workforce": {"employed": {"headcount": "ten"}}}
    error = jsonschema.exceptions.best_match(_validator("declaration").iter_errors(bad))
    assert error is not None
    assert list(error.absolute_path) == ["workforce", "employed", "headcount"]
    assert error.message == "'ten' is not valid under any of the given schemas"


def test_schema_command_writes_the_committed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    assert main(["schema", "result", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8") == (SCHEMAS / "result.v1.schema.json").read_text(
        encoding="utf-8"
    )
