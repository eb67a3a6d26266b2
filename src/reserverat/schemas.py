"""Versioned JSON Schemas for what other applications exchange with reserverat.

The documents: a :class:`~reserverat.declaration.Declaration` and a
:class:`~reserverat.declaration.Procurement` (inputs, validation form), a
:class:`~reserverat.result.Result` and its :class:`~reserverat.result.Compact` form
(outputs, serialised form); and the files people edit, a rule file, a case file and a
contract file, for an editor's TOML support (taplo reads TOML as JSON: dates are strings with
``format: date``). Each schema's ``$id``
names the kind and the major version, ``urn:reserverat:schema:result:1``; a stored
result carries the same id in its ``schema`` field.

The version changes only when a document valid under the old schema would be
invalid or mean something else under the new one (a field removed, renamed, made
required or given another meaning). New optional fields keep the version. The
schemas are committed under ``schemas/`` and a test fails when the models drift from
them, so a change is always a decision.
"""

from __future__ import annotations

from typing import Any

from reserverat.declaration import Declaration, Procurement
from reserverat.formats import KINDS, Kind
from reserverat.result import (
    COMPACT_SCHEMA_ID,
    RESULT_SCHEMA_ID,
    SCHEMA_VERSION,
    compact_json_schema,
    result_json_schema,
)

__all__ = ["KINDS", "SCHEMA_VERSION", "json_schema", "schema_id"]


_DESCRIPTIONS = {
    "declaration": "A supplier's declaration about itself: the input to an evaluation. "
    "Every fact is optional; an absent fact means not stated.",
    "procurement": "The tender a declaration is evaluated for (authority, CPV, dates, "
    "reservation codes).",
    "result": "The explained outcome for one declaration under one rule set. Exact numbers "
    'are tagged: {"fraction": "3/10"} and {"decimal": "0.30"}.',
    "compact": "A result without explanations, one line per supplier: the outcome, each "
    "criterion's verdict, the reason codes that gave it and the evidence to request.",
    "ruleset": "A rule file (TOML): criteria, their checks, citations and parameters. A file "
    "that extends another may leave out what it inherits. The loader checks more than a "
    "schema can (parameter references, check kinds against their fields' uses, dates).",
    "cases": "A case file (TOML): one case, or [[case]] tables, each naming a rule set, an "
    "evaluation date, a declaration and what the evaluation must give.",
    "contract": "A contract file (TOML or JSON) for follow-up: the rule set at award with its "
    "version, the award and term dates, how often a declaration is due, the suppliers and "
    "any amendments of the conditions.",
}


def schema_id(kind: Kind) -> str:
    """The ``$id`` of a kind's schema at the current version."""
    return f"urn:reserverat:schema:{kind}:{SCHEMA_VERSION}"


def json_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a declaration, procurement or result."""
    if kind == "declaration":
        body = Declaration.model_json_schema()
    elif kind == "procurement":
        body = Procurement.model_json_schema()
    elif kind == "compact":
        body = compact_json_schema()
        assert schema_id(kind) == COMPACT_SCHEMA_ID
    elif kind == "ruleset":
        body = _ruleset_schema()
    elif kind == "cases":
        body = _cases_schema()
    elif kind == "contract":
        from reserverat.followup import Contract

        body = Contract.model_json_schema()
    else:
        body = result_json_schema()
        assert schema_id(kind) == RESULT_SCHEMA_ID
    body.pop("$schema", None)
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(kind),
        "title": f"reserverat {kind}, schema version {SCHEMA_VERSION}",
        "description": _DESCRIPTIONS[kind],
    }
    body.pop("title", None)
    body.pop("description", None)
    return head | body


def _ruleset_schema() -> dict[str, Any]:
    """The rule file as written: the model's schema, with what a file may add (extends,
    remove_criteria, inherit_legal_basis, replace, a bare parameter value) and the keys a
    file that extends another may leave out."""
    import reserverat.subjects  # noqa: F401  (registers every check kind)
    from reserverat.ruleset import RuleSet

    body = RuleSet.model_json_schema()
    defs = body["$defs"]
    body["required"] = ["id", "version"]
    body["allOf"] = [
        {
            "if": {"not": {"required": ["extends"]}},
            "then": {"required": ["title", "legal_basis", "criteria"]},
        }
    ]
    props = body["properties"]
    props["remove_criteria"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "Inherited criteria this file removes, by id.",
    }
    props["inherit_legal_basis"] = {
        "type": "boolean",
        "description": "false: the legal basis is this file's alone, not added to the parent's.",
    }
    props["parameters"]["additionalProperties"] = {
        "anyOf": [
            {"$ref": "#/$defs/Parameter"},
            {
                "description": "A bare value: one value, always in force (in a file that "
                "extends another, the parent's description is kept).",
                "not": {"type": ["object", "null"]},
            },
        ]
    }
    _decimal_strings(body)
    crit = defs["Criterion"]
    crit["properties"]["replace"] = {
        "type": "boolean",
        "description": "true: this criterion replaces the inherited one with the same id.",
    }
    return body


_DECIMAL = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


def _decimal_strings(node: Any) -> None:
    """A number a file may write as text ("0.30") must be a number as text: pydantic's
    schema says only "a string" beside the number."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and any(o.get("type") == "number" for o in options):
            for o in options:
                if o == {"type": "string"}:
                    o["pattern"] = _DECIMAL
        for value in node.values():
            _decimal_strings(value)
    elif isinstance(node, list):
        for value in node:
            _decimal_strings(value)


def _cases_schema() -> dict[str, Any]:
    """The case file: one case at the top level, or [[case]] tables of the same keys."""
    from reserverat.cases import CASE_KEYS
    from reserverat.engine import EVIDENCE_CODES
    from reserverat.render.messages import CATALOGUES, OUTCOME_LABELS, VERDICT_LABELS

    def words(labels: dict[str, dict[str, str]]) -> list[str]:
        codes = sorted(labels["en"])
        said = {w for lang in labels.values() for w in lang.values()}
        return codes + sorted(said | {w.lower() for w in said})

    date = {"type": "string", "format": "date"}
    case: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["ruleset", "as_of", "expected"],
        "oneOf": [{"required": ["declaration"]}, {"required": ["declaration_json"]}],
        "properties": {
            "name": {"type": "string", "description": "What the case shows, in a line."},
            "description": {"type": "string"},
            "ruleset": {
                "type": "string",
                "description": "A rule set's id, alias, id@version or file path.",
            },
            "as_of": {**date, "description": "The evaluation date."},
            "declaration": {
                "description": "A JSON file (relative to the case file) or an inline table.",
                "anyOf": [{"type": "string"}, {"$ref": "#/$defs/Declaration"}],
            },
            "declaration_json": {"type": "string", "description": "The declaration as JSON."},
            "parameters": {
                "type": "object",
                "description": "A policy variant: parameter values for this case.",
            },
            "procurement": {"$ref": "#/$defs/Procurement"},
            "stage": {
                "enum": ["qualification", "follow_up"],
                "description": "At award (default) or during the contract: a criterion's "
                "sources rule may ask for more then.",
            },
            "expected": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "outcome": {"enum": words(OUTCOME_LABELS)},
                    "criteria": {
                        "type": "object",
                        "description": "Per criterion id (or alias): what it must give.",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "verdict": {"enum": words(VERDICT_LABELS)},
                                "reasons": {
                                    "type": "array",
                                    "items": {"enum": sorted(set(CATALOGUES["en"]))},
                                },
                                "evidence": {
                                    "type": "array",
                                    "items": {"enum": sorted(EVIDENCE_CODES)},
                                },
                                "args": {
                                    "type": "object",
                                    "description": "The top reason's arguments, compared as text.",
                                },
                            },
                        },
                    },
                },
            },
        },
    }
    assert set(case["properties"]) == set(CASE_KEYS)
    # The declaration's and procurement's schemas are inlined (their definitions merged at
    # the root), so that an editor needs only this one file.
    defs: dict[str, Any] = {"Case": case}
    for name, model in (("Declaration", Declaration), ("Procurement", Procurement)):
        sub = model.model_json_schema()
        for key, value in sub.pop("$defs", {}).items():
            assert defs.get(key, value) == value, key  # one model, one definition
            defs[key] = value
        defs[name] = sub
    return {
        "anyOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["case"],
                "properties": {"case": {"type": "array", "items": {"$ref": "#/$defs/Case"}}},
            },
            {"$ref": "#/$defs/Case"},
        ],
        "$defs": defs,
    }
