"""The published JSON Schemas: committed, versioned, and every example file valid under them."""

from __future__ import annotations

import functools
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


@functools.cache
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


# --- the TOML formats: rule files and case files ------------------------------------------

RULE_FILES = sorted((ROOT / "src" / "reserverat" / "rules").glob("*.toml"))
CASE_FILES = sorted(
    [
        *(ROOT / "src" / "reserverat" / "rules" / "cases").glob("*.toml"),
        *(ROOT / "tests" / "golden").glob("*.toml"),
    ]
)


def _as_json(value: Any) -> Any:
    """TOML as an editor's schema support sees it: dates are ISO strings."""
    import datetime

    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _toml(text: str) -> Any:
    import tomllib

    return _as_json(tomllib.loads(text))


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_every_shipped_rule_file_is_valid(path: Path) -> None:
    errors = list(_validator("ruleset").iter_errors(_toml(path.read_text(encoding="utf-8"))))
    assert errors == [], [e.message[:200] for e in errors]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_every_shipped_case_file_is_valid(path: Path) -> None:
    data = _toml(path.read_text(encoding="utf-8"))
    for case in data.get("case", [data]):
        # An inline JSON declaration is a string to the schema: check it as a declaration.
        if "declaration_json" in case:
            assert not list(
                _validator("declaration").iter_errors(json.loads(case["declaration_json"]))
            )
    errors = list(_validator("cases").iter_errors(data))
    assert errors == [], [e.message[:200] for e in errors]


def _broken_rules() -> list[tuple[str, str]]:
    from test_rule_errors import TABLE

    return [(what, text) for what, text, _ in TABLE]


# Broken files whose fault only the loader can see: it resolves extends and parameter
# references and knows each check's uses; a schema sees one file's shape.
_LOADER_ONLY = {
    "TOML syntax error",  # not TOML: no document to validate
    "misspelt parameter reference",
    "parameter value its use does not accept",
    "duplicate criterion id",
    "extends an unknown rule set",
    "redefines an inherited criterion without replace",
    "removes a criterion the parent does not have",
}


@pytest.mark.parametrize(("what", "text"), _broken_rules(), ids=[w for w, _ in _broken_rules()])
def test_the_schema_refuses_the_broken_rule_files(what: str, text: str) -> None:
    import tomllib

    try:
        data = _toml(text)
    except tomllib.TOMLDecodeError:
        assert what in _LOADER_ONLY
        return
    valid = _validator("ruleset").is_valid(data)
    assert valid == (what in _LOADER_ONLY), what
