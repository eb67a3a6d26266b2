"""Explained results: what was decided, on which facts, under which rules, and why.

Results are plain frozen dataclasses (cheap to build in the evaluation hot path);
their JSON form and JSON Schema come from one pydantic TypeAdapter, so the two
cannot drift apart. Exact numbers stay exact in JSON: a Fraction is written as
``{"fraction": "3/10", "approx": 0.3}``, a Decimal as ``{"decimal": "7.5"}``, a date as
``{"date": "2017-12-11"}``; plain ints, strings, booleans and null stay as they are.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, TypeAdapter, WithJsonSchema

from reserverat.logic import Verdict
from reserverat.ruleset import Citation, Text

__all__ = [
    "RESULT_SCHEMA_ID",
    "SCHEMA_VERSION",
    "Explanation",
    "Fact",
    "Finding",
    "Message",
    "Outcome",
    "Provenance",
    "Result",
    "Risk",
    "Supplier",
    "result_from_json",
    "result_json_schema",
]

ScalarValue = None | bool | int | str | Decimal | Fraction | date


def _encode(value: ScalarValue) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Fraction):
        return {"fraction": f"{value.numerator}/{value.denominator}", "approx": float(value)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"not a result scalar: {value!r}")


def _decode(value: Any) -> ScalarValue:
    if isinstance(value, bool | int | str | Decimal | Fraction | date) or value is None:
        return value
    if isinstance(value, Mapping):
        if "fraction" in value:
            return Fraction(value["fraction"])
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    raise ValueError(f"not a result scalar: {value!r}")


_SCALAR_SCHEMA = {
    "anyOf": [
        {"type": ["string", "integer", "boolean", "null"]},
        {
            "type": "object",
            "properties": {"fraction": {"type": "string"}, "approx": {"type": "number"}},
            "required": ["fraction", "approx"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"decimal": {"type": "string"}},
            "required": ["decimal"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"date": {"type": "string", "format": "date"}},
            "required": ["date"],
            "additionalProperties": False,
        },
    ]
}

Scalar = Annotated[
    Any,
    PlainValidator(_decode),
    PlainSerializer(_encode),
    WithJsonSchema(_SCALAR_SCHEMA),
]


class Outcome(enum.StrEnum):
    """The overall answer for one declaration under one rule set."""

    QUALIFIED = "qualified"
    NOT_QUALIFIED = "not_qualified"
    UNDECIDED = "undecided"

    @classmethod
    def of(cls, verdict: Verdict) -> Outcome:
        """The outcome for a rule set's combined verdict (vacuously qualified if none apply)."""
        if verdict is Verdict.NOT_MET:
            return cls.NOT_QUALIFIED
        if verdict is Verdict.UNDECIDED:
            return cls.UNDECIDED
        return cls.QUALIFIED


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact used: the declaration field path (or parameter name) and its value."""

    path: str
    value: Scalar


@dataclass(frozen=True, slots=True)
class Message:
    """A stable message code and its arguments; the renderers turn it into sv/en text."""

    code: str
    args: dict[str, Scalar] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one node of a criterion's tree came out as it did."""

    kind: str
    verdict: Verdict
    reason: Message
    facts: tuple[Fact, ...] = ()
    parameters: tuple[Fact, ...] = ()
    evidence: tuple[str, ...] = ()
    gap: Message | None = None
    notes: tuple[Message, ...] = ()
    children: tuple[Explanation, ...] = ()

    def requests(self) -> tuple[str, ...]:
        """Evidence that would settle this node: none once it is decided."""
        if self.verdict is not Verdict.UNDECIDED:
            return ()
        found = list(self.evidence)
        for child in self.children:
            found.extend(child.requests())
        return tuple(dict.fromkeys(found))

    def walk(self) -> Iterator[Explanation]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict on one criterion, with its source and explanation.

    ``marks`` say where the criterion, or a parameter it used, is the buyer's choice, the
    tool's reading or an open point of law, with the value used. An ``advisory`` finding
    is shown and warned about, but the outcome does not depend on it.
    """

    criterion: str
    title: Text
    citation: Citation
    authority_specific: bool
    verdict: Verdict
    explanation: Explanation
    guard: Explanation | None = None
    description: Text | None = None
    marks: tuple[Message, ...] = ()
    advisory: bool = False

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact used anywhere in the explanation, in order, without repeats."""
        return tuple(dict.fromkeys(f for n in self.explanation.walk() for f in n.facts))

    @property
    def evidence(self) -> tuple[str, ...]:
        """Evidence to request so that an undecided criterion can be decided."""
        if self.verdict is not Verdict.UNDECIDED:
            return ()
        found = self.explanation.requests()
        if self.guard is not None:
            found = tuple(dict.fromkeys((*self.guard.requests(), *found)))
        return found

    @property
    def gaps(self) -> tuple[Message, ...]:
        """How far each failing node is from passing."""
        return tuple(n.gap for n in self.explanation.walk() if n.gap is not None)


@dataclass(frozen=True, slots=True)
class Supplier:
    """Who the result is about; a personal identity number is kept masked."""

    name: str
    identifier: str | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Everything needed to reproduce the decision later."""

    ruleset_id: str
    ruleset_version: str
    ruleset_hash: str
    library_version: str
    as_of: date
    input_hash: str
    procurement: str | None = None


@dataclass(frozen=True, slots=True)
class Risk:
    """A risk assessment's level, and what speaks against or is still unknown.

    ``upper`` is the level the undecided indicators could still raise it to.
    """

    level: str
    upper: str
    against: tuple[str, ...]
    unknown: tuple[str, ...]


SCHEMA_VERSION = 1
"""The major version of the published JSON Schemas (see :mod:`reserverat.schemas`)."""

RESULT_SCHEMA_ID = f"urn:reserverat:schema:result:{SCHEMA_VERSION}"
"""The schema a Result's JSON follows; stored results carry it in ``schema``."""


@dataclass(frozen=True, slots=True)
class Result:
    """The explained outcome for one declaration under one rule set."""

    outcome: Outcome
    verdict: Verdict
    supplier: Supplier
    ruleset_title: Text
    findings: tuple[Finding, ...]
    provenance: Provenance
    warnings: tuple[Message, ...] = ()
    risk: Risk | None = None
    schema: str = RESULT_SCHEMA_ID

    def finding(self, criterion_id: str) -> Finding:
        """The finding for ``criterion_id``.

        Raises:
            KeyError: no criterion with that id.
        """
        for f in self.findings:
            if f.criterion == criterion_id:
                return f
        raise KeyError(criterion_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (exact numbers tagged, see the module docstring)."""
        return _ADAPTER.dump_python(self, mode="json")  # type: ignore[no-any-return]

    def to_json(self, *, indent: int | None = 2) -> str:
        """Canonical JSON: sorted keys, UTF-8 text, byte-identical for equal results.

        Identity numbers were masked where they entered (the declaration's text, its
        organisationsnummer in ``supplier``); no pass over the text could tell them from a
        number that looks like one, so none is made.
        """
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, indent=indent)


_ADAPTER: TypeAdapter[Result] = TypeAdapter(Result)


def result_from_json(text: str | bytes) -> Result:
    """Rebuild a Result from its JSON form (the inverse of :meth:`Result.to_json`)."""
    return _ADAPTER.validate_json(text)


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a Result's JSON form."""
    schema = _ADAPTER.json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
