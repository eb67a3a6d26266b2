"""Versioned JSON Schemas for what other applications exchange with reserverat.

Four documents: a :class:`~reserverat.declaration.Declaration` and a
:class:`~reserverat.declaration.Procurement` (inputs, validation form), a
:class:`~reserverat.result.Result` and its :class:`~reserverat.result.Compact` form
(outputs, serialised form). Each schema's ``$id``
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
