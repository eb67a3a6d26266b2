"""Explained results: what was decided, on which facts, under which rules, and why.

Results are plain frozen dataclasses (cheap to build in the evaluation hot path); a
:class:`Result` from :func:`reserverat.evaluate` builds its findings when they are first
read. Their JSON Schema, ``to_dict`` and :func:`result_from_json` come from one pydantic
TypeAdapter; ``to_json`` writes the same JSON directly, each shared fragment once (a test
holds the two byte-identical). Exact numbers stay exact in JSON: a Fraction is written as
``{"fraction": "3/10", "approx": 0.3}``, a Decimal as ``{"decimal": "7.5"}``, a date as
``{"date": "2017-12-11"}``; plain ints, strings, booleans and null stay as they are.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import PlainSerializer, PlainValidator, TypeAdapter, WithJsonSchema

from reserverat.logic import Verdict
from reserverat.ruleset import Citation, Text

__all__ = [
    "COMPACT_SCHEMA_ID",
    "RESULT_SCHEMA_ID",
    "SCHEMA_VERSION",
    "Compact",
    "CriterionVerdict",
    "Explanation",
    "Fact",
    "Finding",
    "Message",
    "Outcome",
    "Provenance",
    "Result",
    "Risk",
    "SourceUsed",
    "Supplier",
    "message_json",
    "result_from_json",
    "result_json_schema",
    "share_fragment",
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


_FRACTION_TEXT = re.compile(r"^-?\d{1,40}/\d{1,40}$")
"""A stored exact share: "3/10". Bounded, since Fraction("1e999999999") would build a
number of a billion digits."""


def _decode(value: Any) -> ScalarValue:
    if isinstance(value, bool | int | str | Decimal | Fraction | date) or value is None:
        return value
    if isinstance(value, Mapping):
        # A stored result read back may have been edited: every bad tag is a ValueError,
        # which pydantic reports as a located validation error.
        try:
            if "fraction" in value:
                text = str(value["fraction"])
                if not _FRACTION_TEXT.match(text):
                    raise ValueError(f"not an exact share such as 3/10: {text[:40]!r}")
                return Fraction(text)
            if "decimal" in value:
                number = Decimal(str(value["decimal"])[:60])
                if not number.is_finite():
                    raise ValueError("not a finite number")
                return number
            if "date" in value:
                return date.fromisoformat(str(value["date"]))
        except (ArithmeticError, TypeError) as exc:  # InvalidOperation, ZeroDivisionError
            raise ValueError(f"not a result scalar: {type(exc).__name__}") from None
    raise ValueError(f"not a result scalar: {str(value)[:60]!r}")


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

    def reasons(self) -> tuple[str, ...]:
        """The reason codes of the checks this node's verdict follows (a leaf: its own)."""
        if not self.children or self.kind == "sources":
            return (self.reason.code,)  # a sources gate: its own reason, not the replaced one
        if self.kind == "not":
            return self.children[0].reasons()
        deciding = [c for c in self.children if c.verdict is self.verdict] or list(self.children)
        return tuple(dict.fromkeys(r for c in deciding for r in c.reasons()))


@dataclass(frozen=True, slots=True)
class SourceUsed:
    """A source the facts of a finding rest on: the supplier's word, a document or a register.

    ``dated`` is a document's date or the day a register was read; ``stale_since`` the day
    it became too old for the criterion (on or before the evaluation date), else None.
    """

    kind: str
    document: str | None = None
    reference: str | None = None
    dated: date | None = None
    register_id: str | None = None
    record: str | None = None
    stale_since: date | None = None


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
    sources: tuple[SourceUsed, ...] = ()

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
    stage: Literal["qualification", "follow_up"] = "qualification"


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


class _Deferred(Protocol):
    def build(self, name: str) -> Any: ...


_DEFERRED = frozenset({"supplier", "findings", "provenance"})


# Not slotted: a Result from evaluate() starts without its deferred fields in __dict__, and
# __getattr__ (called only for a missing attribute) builds them on first read.
@dataclass(frozen=True)
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

    @classmethod
    def deferred(
        cls,
        record: _Deferred,
        *,
        outcome: Outcome,
        verdict: Verdict,
        ruleset_title: Text,
        warnings: tuple[Message, ...] = (),
        risk: Risk | None = None,
    ) -> Result:
        """A Result whose supplier, findings and provenance ``record.build(name)`` makes, each
        when first read."""
        made = object.__new__(cls)
        made.__dict__.update(
            outcome=outcome,
            verdict=verdict,
            ruleset_title=ruleset_title,
            warnings=warnings,
            risk=risk,
            schema=RESULT_SCHEMA_ID,
            _record=record,
        )
        return made

    def __getattr__(self, name: str) -> Any:
        record = self.__dict__.get("_record")
        if name in _DEFERRED and record is not None:
            # Two threads may both build a field: each builds the same value.
            value = self.__dict__[name] = record.build(name)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _whole(self) -> Result:
        # Every deferred field built, so that code reading __dict__ (pydantic) sees them.
        for name in _DEFERRED:
            if name not in self.__dict__:
                self.__getattr__(name)
        return self

    def __reduce__(self) -> tuple[Callable[..., Result], tuple[Any, ...]]:
        # Pickled and copied as its values, not with the record it was decided from.
        self._whole()
        return (Result, tuple(getattr(self, f) for f in _FIELDS))

    def with_warnings(self, warnings: tuple[Message, ...]) -> Result:
        """This result with more warnings (as from reading its row); findings stay deferred,
        and a result from :func:`reserverat.evaluate` keeps its record (its maps)."""
        if not warnings:
            return self
        record = self.__dict__.get("_record")
        if record is not None:
            made = Result.deferred(
                record,
                outcome=self.outcome,
                verdict=self.verdict,
                ruleset_title=self.ruleset_title,
                warnings=self.warnings + warnings,
                risk=self.risk,
            )
            # What was already built is taken as it is, not built again.
            made.__dict__.update({n: v for n, v in self.__dict__.items() if n in _DEFERRED})
            return made
        values = {f: getattr(self, f) for f in _FIELDS}
        values["warnings"] = self.warnings + warnings
        return Result(**values)

    def _repr_markdown_(self) -> str:
        """The report as Markdown, in Swedish: how a notebook shows a result."""
        from reserverat.render import render_markdown

        return render_markdown(self, "sv")

    def _repr_html_(self) -> str:
        """The HTML report (maps included) in a frame of its own, so that its styles never
        touch the notebook's page: how a notebook shows a result."""
        import html

        from reserverat.render import render_html

        page = render_html(self)
        return (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" '
            'style="width: 100%; height: 720px; border: 1px solid #ccc" '
            'title="reserverat" sandbox></iframe>'
        )

    def compact(self) -> Compact:
        """The result without explanations: each criterion's verdict, reasons and evidence.

        From the record where this Result came from :func:`reserverat.evaluate` (nothing is
        explained), else from the findings; the two agree (a property test holds them).
        """
        record = self.__dict__.get("_record")
        if record is not None and "findings" not in self.__dict__:
            return record.compact(self)  # type: ignore[no-any-return]
        criteria = {}
        for f in self.findings:
            reasons = f.explanation.reasons()
            criteria[f.criterion] = CriterionVerdict(f.verdict, reasons, f.evidence)
        p = self.provenance
        return Compact.of(self, criteria, self.supplier, (p.ruleset_id, p.ruleset_version, p.as_of))

    @property
    def record(self) -> Any:
        """What :func:`reserverat.evaluate` decided, when this Result came from it (else None)."""
        return self.__dict__.get("_record")

    def finding(self, criterion_id: str) -> Finding:
        """The finding for ``criterion_id``, or for the criterion it is an earlier or later
        name of (a criterion's ``aliases``).

        Raises:
            UnknownCriterionError: (a ``KeyError``) no such criterion, with did-you-mean.
        """
        for f in self.findings:
            if f.criterion == criterion_id:
                return f
        from reserverat.labels import criterion_names

        names = criterion_names(self.provenance.ruleset_id, criterion_id)
        for f in self.findings:
            if f.criterion in names:
                return f
        from reserverat.errors import unknown_criterion

        raise unknown_criterion(
            criterion_id, [f.criterion for f in self.findings], self.provenance.ruleset_id
        )

    def to_dict(self, *, lang: str | None = None) -> dict[str, Any]:
        """The JSON-ready form (exact numbers tagged, see the module docstring).

        With ``lang`` ("sv" or "en"), every message (reason, gap, note, mark, warning) also
        carries ``text``, its sentence in that language, and every explanation with
        evidence to request carries ``evidence_text`` beside the codes.
        """
        data: dict[str, Any] = _adapter().dump_python(self._whole(), mode="json")
        # Written only where they say something, so that results without keep their bytes.
        if data["provenance"]["stage"] == "qualification":
            del data["provenance"]["stage"]
        for finding in data["findings"]:
            if not finding["sources"]:
                del finding["sources"]
        if lang is not None:
            from reserverat.render.messages import LANGS

            if lang not in LANGS:
                raise ValueError(f"lang is one of {', '.join(LANGS)}, not {lang!r}")
            _add_sentences(self, data, lang)
        return data

    def to_json(self, *, indent: int | None = 2, lang: str | None = None) -> str:
        """Canonical JSON: sorted keys, UTF-8 text, byte-identical for equal results.

        The same text as ``json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False,
        indent=indent)``, written directly. Identity numbers were masked where they entered
        (the declaration's text, its organisationsnummer in ``supplier``); no pass over the
        text could tell them from a number that looks like one, so none is made.

        ``lang`` adds the sentences, as :meth:`to_dict` says; without it the text is the
        canonical form, which the sentences never change.
        """
        if lang is not None:
            data = self.to_dict(lang=lang)
            return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=indent)
        out: list[str] = []
        _result(self, out, "\n" if indent is not None else None, " " * (indent or 0))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class CriterionVerdict:
    """One criterion in a compact result: verdict, the reason codes that gave it, evidence."""

    verdict: Verdict
    reasons: tuple[str, ...]
    evidence: tuple[str, ...] = ()


COMPACT_SCHEMA_ID = f"urn:reserverat:schema:compact:{SCHEMA_VERSION}"
"""The schema a compact result's JSON follows."""


@dataclass(frozen=True, slots=True)
class Compact:
    """A result without explanations, for screening many suppliers: one line each.

    ``evidence`` is every undecided criterion's evidence to request, in criterion order;
    ``warnings`` are the result's warning codes.
    """

    outcome: Outcome
    verdict: Verdict
    supplier: Supplier
    criteria: dict[str, CriterionVerdict]
    evidence: tuple[str, ...]
    ruleset_id: str
    ruleset_version: str
    as_of: date
    warnings: tuple[str, ...] = ()
    schema: str = COMPACT_SCHEMA_ID

    @classmethod
    def of(
        cls,
        result: Result,
        criteria: dict[str, CriterionVerdict],
        supplier: Supplier,
        rules: tuple[str, str, date],
    ) -> Compact:
        """A result's compact form from its criteria's verdicts; ``rules``: id, version, date."""
        evidence = tuple(dict.fromkeys(e for c in criteria.values() for e in c.evidence))
        return cls(
            result.outcome,
            result.verdict,
            supplier,
            criteria,
            evidence,
            *rules,
            tuple(w.code for w in result.warnings),
        )

    def to_json(self) -> str:
        """One line of canonical JSON: the text of ``json.dumps(sort_keys=True,
        ensure_ascii=False)`` of :meth:`to_dict`, written directly (a batch writes one per row)."""
        text = _encode_str
        criteria = ", ".join(
            f'{text(key)}: {{"evidence": {_str_list(c.evidence)}, '
            f'"reasons": {_str_list(c.reasons)}, "verdict": "{c.verdict.value}"}}'
            for key, c in sorted(self.criteria.items())
        )
        who = self.supplier
        return (
            f'{{"as_of": "{self.as_of.isoformat()}", "criteria": {{{criteria}}}, '
            f'"evidence": {_str_list(self.evidence)}, "outcome": "{self.outcome.value}", '
            f'"ruleset_id": {text(self.ruleset_id)}, '
            f'"ruleset_version": {text(self.ruleset_version)}, "schema": {text(self.schema)}, '
            f'"supplier": {{"identifier": {_str_or_null(who.identifier)}, '
            f'"name": {text(who.name)}, "reference": {_str_or_null(who.reference)}}}, '
            f'"verdict": "{self.verdict.value}", "warnings": {_str_list(self.warnings)}}}'
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (what :meth:`to_json` writes)."""
        data: dict[str, Any] = _compact_adapter().dump_python(self, mode="json")
        return data


def _str_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(map(_encode_str, items)) + "]"


def _str_or_null(value: str | None) -> str:
    return "null" if value is None else _encode_str(value)


_FIELDS = (
    "outcome",
    "verdict",
    "supplier",
    "ruleset_title",
    "findings",
    "provenance",
    "warnings",
    "risk",
    "schema",
)


# ---- the JSON writer --------------------------------------------------------------------
# json.dumps(sort_keys=True, ensure_ascii=False) written by hand for the result's own types:
# keys in sorted order, the separators json uses (", " and ": " on one line; "," and ": "
# indented), strings through json's own encoder. Fragments shared between results (the
# explanations of yes/no checks, titles, citations) are written once per indentation.

_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_FRAGMENTS: dict[int, tuple[object, dict[str | None, str]]] = {}
_FRAGMENT_LIMIT = 100_000

F = TypeVar("F")


def share_fragment(obj: F) -> F:
    """Mark ``obj`` as shared between results, so that its JSON is written once and reused."""
    if len(_FRAGMENTS) >= _FRAGMENT_LIMIT:
        _FRAGMENTS.clear()
    # Held here with its id, so the id cannot pass to another object while it is cached.
    _FRAGMENTS.setdefault(id(obj), (obj, {}))
    return obj


Writer = Callable[[Any, list[str], "str | None", str], None]


def _frame(nl: str | None, step: str) -> tuple[str | None, str, str, str]:
    """The inner newline, and how an object opens, separates its members and closes."""
    if nl is None:
        return None, "{", ", ", "}"
    inner = nl + step
    return inner, "{" + inner, "," + inner, nl + "}"


def _cached(obj: Any, write: Writer, out: list[str], nl: str | None, step: str) -> None:
    hit = _FRAGMENTS.get(id(obj))
    if hit is None:
        write(obj, out, nl, step)
        return
    texts = hit[1]
    key = nl if nl is None or step == "  " else f"{nl}|{step}"
    text = texts.get(key)
    if text is None:
        part: list[str] = []
        write(obj, part, nl, step)
        text = texts[key] = "".join(part)
    out.append(text)


def _plain(value: Any, out: list[str], nl: str | None, step: str) -> None:
    """A JSON-ready value (what pydantic's json mode gives): dicts, lists, str, numbers."""
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner, opening, sep, close = _frame(nl, step)
        first = True
        for k, v in sorted(value.items()):
            out.append(opening if first else sep)
            first = False
            out.append(_encode_str(k) + ": ")
            _plain(v, out, inner, step)
        out.append(close)
    elif isinstance(value, list | tuple):
        _array(value, _plain, out, nl, step)
    else:
        raise TypeError(f"not JSON-ready: {value!r}")


def _array(values: Any, write: Writer, out: list[str], nl: str | None, step: str) -> None:
    if not values:
        out.append("[]")
        return
    if nl is None:
        inner, opening, sep, close = None, "[", ", ", "]"
    else:
        inner = nl + step
        opening, sep, close = "[" + inner, "," + inner, nl + "]"
    first = True
    for v in values:
        out.append(opening if first else sep)
        first = False
        write(v, out, inner, step)
    out.append(close)


def _scalar(value: Any, out: list[str], nl: str | None, step: str) -> None:
    """A result scalar: as _encode tags it (see the module docstring), written directly."""
    kind = type(value)
    if kind is str:
        out.append(_encode_str(value))
    elif kind is int:
        out.append(int.__repr__(value))
    elif value is None or kind is bool:
        out.append("null" if value is None else "true" if value else "false")
    elif kind is Fraction:
        approx = float.__repr__(float(value))
        fraction = f'"{value.numerator}/{value.denominator}"'
        _tag(out, nl, step, '"approx": ', approx, '"fraction": ', fraction)
    elif kind is Decimal:
        _tag(out, nl, step, '"decimal": ', f'"{value}"')
    elif kind is date:
        _tag(out, nl, step, '"date": ', f'"{value.isoformat()}"')
    else:
        _plain(_encode(value), out, nl, step)


def _tag(out: list[str], nl: str | None, step: str, *parts: str) -> None:
    # A tagged scalar's object: key and value pairs, already encoded, keys in sorted order.
    _, opening, sep, close = _frame(nl, step)
    out.append(opening)
    out.append(parts[0])
    out.append(parts[1])
    if len(parts) > 2:
        out.append(sep)
        out.append(parts[2])
        out.append(parts[3])
    out.append(close)


def _model_now(value: Any, out: list[str], nl: str | None, step: str) -> None:
    _plain(value.model_dump(mode="json"), out, nl, step)


def _model(value: Any, out: list[str], nl: str | None, step: str) -> None:
    # Titles and citations: pydantic models, dumped as pydantic dumps them inside a Result.
    if value is None:
        out.append("null")
    else:
        _cached(value, _model_now, out, nl, step)


def _message(m: Message, out: list[str], nl: str | None, step: str) -> None:
    _cached(m, _message_now, out, nl, step)


def _message_now(m: Message, out: list[str], nl: str | None, step: str) -> None:
    inner, opening, sep, close = _frame(nl, step)
    out.append(opening + '"args": ')
    args = m.args
    if args:
        args_inner, args_open, args_sep, args_close = _frame(inner, step)
        first = True
        for k, v in sorted(args.items()):
            out.append(args_open if first else args_sep)
            first = False
            out.append(_encode_str(k) + ": ")
            _scalar(v, out, args_inner, step)
        out.append(args_close)
    else:
        out.append("{}")
    out.append(sep + '"code": ' + _encode_str(m.code) + close)


def _fact(f: Fact, out: list[str], nl: str | None, step: str) -> None:
    _cached(f, _fact_now, out, nl, step)


def _fact_now(f: Fact, out: list[str], nl: str | None, step: str) -> None:
    inner, opening, sep, close = _frame(nl, step)
    out.append(opening + '"path": ' + _encode_str(f.path) + sep + '"value": ')
    _scalar(f.value, out, inner, step)
    out.append(close)


def _explanation(e: Explanation, out: list[str], nl: str | None, step: str) -> None:
    _cached(e, _explanation_now, out, nl, step)


def _explanation_now(e: Explanation, out: list[str], nl: str | None, step: str) -> None:
    inner, opening, sep, close = _frame(nl, step)
    out.append(opening + '"children": ')
    _array(e.children, _explanation, out, inner, step)
    out.append(sep + '"evidence": ')
    _array(e.evidence, _plain, out, inner, step)
    out.append(sep + '"facts": ')
    _array(e.facts, _fact, out, inner, step)
    out.append(sep + '"gap": ')
    if e.gap is None:
        out.append("null")
    else:
        _message(e.gap, out, inner, step)
    out.append(sep + '"kind": ' + _encode_str(e.kind) + sep + '"notes": ')
    _array(e.notes, _message, out, inner, step)
    out.append(sep + '"parameters": ')
    _array(e.parameters, _fact, out, inner, step)
    out.append(sep + '"reason": ')
    _message(e.reason, out, inner, step)
    out.append(sep + '"verdict": "' + e.verdict.value + '"' + close)


def _finding(f: Finding, out: list[str], nl: str | None, step: str) -> None:
    _cached(f, _finding_now, out, nl, step)


def _finding_now(f: Finding, out: list[str], nl: str | None, step: str) -> None:
    inner, opening, sep, close = _frame(nl, step)
    out.append(opening + '"advisory": ' + ("true" if f.advisory else "false"))
    out.append(sep + '"authority_specific": ' + ("true" if f.authority_specific else "false"))
    out.append(sep + '"citation": ')
    _model(f.citation, out, inner, step)
    out.append(sep + '"criterion": ' + _encode_str(f.criterion) + sep + '"description": ')
    _model(f.description, out, inner, step)
    out.append(sep + '"explanation": ')
    _explanation(f.explanation, out, inner, step)
    out.append(sep + '"guard": ')
    if f.guard is None:
        out.append("null")
    else:
        _explanation(f.guard, out, inner, step)
    out.append(sep + '"marks": ')
    _array(f.marks, _message, out, inner, step)
    if f.sources:
        # Only where a source was named or asked for: results without stay as they were.
        out.append(sep + '"sources": ')
        _array(f.sources, _source, out, inner, step)
    out.append(sep + '"title": ')
    _model(f.title, out, inner, step)
    out.append(sep + '"verdict": "' + f.verdict.value + '"' + close)


def _source(u: SourceUsed, out: list[str], nl: str | None, step: str) -> None:
    _plain(
        {
            "dated": u.dated.isoformat() if u.dated else None,
            "document": u.document,
            "kind": u.kind,
            "record": u.record,
            "reference": u.reference,
            "register_id": u.register_id,
            "stale_since": u.stale_since.isoformat() if u.stale_since else None,
        },
        out,
        nl,
        step,
    )


def _strings(out: list[str], nl: str | None, step: str, *items: tuple[str, str | None]) -> None:
    # An object of text or null members, given in sorted key order.
    _, opening, sep, close = _frame(nl, step)
    first = True
    for key, value in items:
        out.append(opening if first else sep)
        first = False
        out.append(f'"{key}": ' + ("null" if value is None else _encode_str(value)))
    out.append(close)


def _result(r: Result, out: list[str], nl: str | None, step: str) -> None:
    inner, opening, sep, close = _frame(nl, step)
    out.append(opening + '"findings": ')
    _array(r.findings, _finding, out, inner, step)
    out.append(sep + '"outcome": "' + r.outcome.value + '"' + sep + '"provenance": ')
    p = r.provenance
    _strings(
        out,
        inner,
        step,
        ("as_of", p.as_of.isoformat()),
        ("input_hash", p.input_hash),
        ("library_version", p.library_version),
        ("procurement", p.procurement),
        ("ruleset_hash", p.ruleset_hash),
        ("ruleset_id", p.ruleset_id),
        ("ruleset_version", p.ruleset_version),
        # Written only during a contract's follow-up: award-time results keep their bytes.
        *((("stage", p.stage),) if p.stage != "qualification" else ()),
    )
    out.append(sep + '"risk": ')
    risk = r.risk
    if risk is None:
        out.append("null")
    else:
        risk_json = {
            "against": risk.against,
            "level": risk.level,
            "unknown": risk.unknown,
            "upper": risk.upper,
        }
        _plain(risk_json, out, inner, step)
    out.append(sep + '"ruleset_title": ')
    _model(r.ruleset_title, out, inner, step)
    out.append(sep + '"schema": ' + _encode_str(r.schema) + sep + '"supplier": ')
    sup = r.supplier
    _strings(
        out,
        inner,
        step,
        ("identifier", sup.identifier),
        ("name", sup.name),
        ("reference", sup.reference),
    )
    out.append(sep + '"verdict": "' + r.verdict.value + '"' + sep + '"warnings": ')
    _array(r.warnings, _message, out, inner, step)
    out.append(close)


@cache
def _adapter() -> TypeAdapter[Result]:
    # Built on first use: building it costs tens of milliseconds that evaluating never needs.
    return TypeAdapter(Result)


@cache
def _compact_adapter() -> TypeAdapter[Compact]:
    return TypeAdapter(Compact)


def compact_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a compact result's JSON form."""
    schema = _compact_adapter().json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def result_from_json(text: str | bytes) -> Result:
    """Rebuild a Result from its JSON form (the inverse of :meth:`Result.to_json`)."""
    return _adapter().validate_json(text)


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a Result's JSON form."""
    schema = _adapter().json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    defs = schema["$defs"]
    # The sentences to_json(lang=...) adds: optional, so version 1 readers are unaffected.
    defs["Message"]["properties"]["text"] = {
        "type": "string",
        "description": "The message as a sentence, in the language asked for (to_json(lang=)).",
    }
    defs["Explanation"]["properties"]["evidence_text"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "The evidence to request in words, beside the codes (to_json(lang=)).",
    }
    return schema


def _add_sentences(obj: Any, data: Any, lang: str) -> None:
    """Walk a result and its JSON form together, adding each message's sentence."""
    import dataclasses

    if isinstance(obj, Message):
        from reserverat.render.messages import render_message

        data["text"] = render_message(obj, lang)
    elif isinstance(obj, Explanation):
        if obj.evidence:
            from reserverat.render.messages import EVIDENCE

            data["evidence_text"] = [EVIDENCE[lang].get(c, c) for c in obj.evidence]
        for f in dataclasses.fields(obj):
            if f.name in data and data[f.name] is not None:
                _add_sentences(getattr(obj, f.name), data[f.name], lang)
    elif isinstance(obj, tuple | list):
        for item, part in zip(obj, data, strict=False):
            _add_sentences(item, part, lang)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and isinstance(data, dict):
        for f in dataclasses.fields(obj):
            if f.name in data and data[f.name] is not None:
                _add_sentences(getattr(obj, f.name), data[f.name], lang)


def message_json(m: Message | None) -> dict[str, Any] | None:
    """A message as JSON-ready data: its code and arguments, tagged as a stored result's are
    (``{"fraction": "2/5", "approx": 0.4}``); None stays None."""
    return None if m is None else _message_adapter().dump_python(m, mode="json")


@cache
def _message_adapter() -> TypeAdapter[Message]:
    return TypeAdapter(Message)
