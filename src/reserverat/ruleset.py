"""Criteria and rule sets: immutable, validated, hashable values.

A rule set is what a rule file in ``rules/`` says: id, version, titles, legal basis,
validity, dated parameters and criteria. Its content hash identifies exactly the
rules a result was reached under; a variant (``with_params``) is a new, re-validated
rule set with its own hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reserverat.checks import NODE_TYPES, Node, Param, _Node, bounded_decimal, canonical_decimal
from reserverat.errors import (
    InvalidValueError,
    Problem,
    RuleSetError,
    did_you_mean_texts,
    format_loc,
    swedish_message,
    unknown_criterion,
)
from reserverat.labels import remember_criterion_aliases, remember_parameters

__all__ = [
    "BASIS_MARKS",
    "Basis",
    "Citation",
    "Criterion",
    "DatedValue",
    "OpenPoint",
    "Parameter",
    "RiskScale",
    "RuleSet",
    "SourceRule",
    "Text",
    "criterion",
]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]

Basis = Literal["statute", "guidance", "case-law", "buyer", "tool-default", "open"]
"""What a criterion or parameter rests on.

``statute``, ``guidance`` and ``case-law`` name where the rule comes from (its citation or
``source``); ``buyer`` is the contracting authority's own choice; ``tool-default`` is this
tool's reading where the sources give no number or word; ``open`` is an open point of law.
The last three are printed in every explanation, with the value used.
"""

BASIS_MARKS: tuple[str, ...] = typing.get_args(Basis)
"""Every basis mark, in the order of the :data:`Basis` literal."""

Unit = Literal["share", "km", "months", "years", "number", "choice", "yes_no", "list"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Text(_Model):
    """The same text in Swedish and English."""

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``sv`` or ``en``)."""
        return self.en if lang == "en" else self.sv

    def placeholders(self) -> set[str]:
        """The parameters the text names as ``{name}``, in either language."""
        return set(PLACEHOLDER.findall(self.sv)) | set(PLACEHOLDER.findall(self.en))

    def filled(self, value: typing.Callable[[str, str], str]) -> Text:
        """The text with each ``{name}`` replaced by ``value(name, lang)``: a criterion's
        title says the value of the rule set (or variant) it belongs to."""
        if not self.placeholders():
            return self
        return Text(
            sv=PLACEHOLDER.sub(lambda m: value(m.group(1), "sv"), self.sv),
            en=PLACEHOLDER.sub(lambda m: value(m.group(1), "en"), self.en),
        )


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
"""A parameter named in a text: ``Minst {threshold} av de sysselsatta``."""


class Citation(_Model):
    """A legal source: instrument, chapter, section, point or article, and where to read it."""

    instrument: str = Field(min_length=1)
    chapter: int | None = None
    section: str | None = None
    point: int | None = None
    article: str | None = None
    url: str | None = None
    note: str | None = None

    def short(self, lang: str = "sv") -> str:
        """A compact reference such as ``LOU (2016:1145) 4 kap. 18 § p. 1``.

        >>> Citation(instrument="LOU (2016:1145)", chapter=4, section="18", point=1).short("en")
        'LOU (2016:1145) ch. 4 s. 18 p. 1'
        """
        parts = [self.instrument]
        if self.chapter is not None:
            parts.append(f"ch. {self.chapter}" if lang == "en" else f"{self.chapter} kap.")
        if self.section is not None:
            parts.append(f"s. {self.section}" if lang == "en" else f"{self.section} §")
        if self.point is not None:
            parts.append(f"p. {self.point}")
        if self.article is not None:
            parts.append(f"art. {self.article}")
        return " ".join(parts)


SourceKind = Literal["declared", "document", "register"]
"""The kinds of source a fact may rest on, weakest first."""


class SourceRule(_Model):
    """What a criterion's facts must rest on: at award, during the contract, and how recent.

    A met criterion whose facts rest on less than the stage asks for is undecided; a source
    older than ``max_age_days`` on the evaluation date makes the criterion undecided
    whichever way it went, since the facts may have changed.
    """

    qualification: SourceKind = Field(
        default="declared", description="At award: the weakest source that is enough."
    )
    follow_up: SourceKind | None = Field(
        default=None, description="During the contract (reserverat follow-up); default: the same."
    )
    max_age_days: Annotated[int, Field(ge=1, le=36_500)] | None = Field(
        default=None,
        description="A document or register reading older than this on the evaluation date "
        "is stale; the supplier's own word has no date and is never stale.",
    )

    def required(self, stage: str) -> SourceKind:
        """The weakest source enough at ``stage`` (``qualification`` or ``follow_up``)."""
        if stage == "follow_up" and self.follow_up is not None:
            return self.follow_up
        return self.qualification


class Criterion(_Model):
    """One criterion: an id, titles, its legal source and the check that decides it.

    ``when`` guards the criterion: where the guard is not met the criterion is not
    applicable. ``authority_specific`` marks a buyer's own addition that goes beyond
    the statute (the result says so).
    """

    id: Slug
    title: Text
    citation: Citation
    check: Node
    aliases: tuple[Slug, ...] = Field(
        default=(),
        description="Earlier ids of this criterion: results, case files, --set and "
        "comparisons still find it by them.",
    )
    when: Node | None = None
    authority_specific: bool = False
    description: Text | None = None
    basis: Basis | None = Field(
        default=None,
        description="What the criterion rests on; buyer, tool-default and open are printed "
        "with every finding, with basis_note.",
    )
    basis_note: Text | None = Field(
        default=None, description="Why the criterion carries its mark, in a sentence."
    )
    when_text: Text | None = Field(
        default=None,
        description="What the result says where the guard makes the criterion not "
        "applicable, e.g. 'Gäller inte stiftelser (lag 2022:900 3 § andra stycket).'",
    )
    severity: Literal["required", "advisory"] | Param = Field(
        default="required",
        description="required: the criterion decides the outcome; advisory: its verdict is "
        "shown and warned about, but the outcome does not depend on it.",
    )
    sources: SourceRule | None = Field(
        default=None,
        description="What its facts must rest on (the supplier's word, a document, a "
        "register) and how recent they must be.",
    )


def criterion(
    id: str,
    check: Node,
    *,
    title: Text | Mapping[str, str],
    citation: Citation | Mapping[str, Any],
    **options: Any,
) -> Criterion:
    """Build a Criterion from Python; equal to the same criterion loaded from TOML."""
    return Criterion.model_validate(
        {"id": id, "check": check, "title": title, "citation": citation, **options}
    )


class DatedValue(_Model):
    """A parameter value that applies from ``since`` (inclusive) until the next one."""

    since: date | None = None
    value: Any

    @field_validator("value")
    @classmethod
    def _canonical(cls, v: Any) -> Any:
        # One spelling per value, so a file's 0.30 and Python's Decimal("0.3") hash the same.
        if isinstance(v, bool):
            return v
        if isinstance(v, float | int | Decimal):
            number = Decimal(str(v)) if isinstance(v, float) else Decimal(v)
            if not number.is_finite():
                raise PydanticCustomError("not_finite", "a parameter must be a finite number")
            if not bounded_decimal(number):
                raise PydanticCustomError(
                    "bad_parameter",
                    "a parameter must lie within ±10^13 and have at most 6 decimals",
                )
            return v if isinstance(v, int) else canonical_decimal(number)
        if isinstance(v, list):
            return tuple(v)
        return v


class Parameter(_Model):
    """A named value the criteria refer to with ``param(name)``; it may change on dates."""

    values: tuple[DatedValue, ...] = Field(min_length=1)
    description: Text | None = None
    label: Text | None = Field(
        default=None, description="A short name people read in explanations."
    )
    unit: Unit | None = Field(default=None, description="How the value is written for people.")
    basis: Basis | None = None
    source: Citation | None = Field(
        default=None, description="Where the value comes from, when it is not the tool's own."
    )
    note: Text | None = Field(default=None, description="Why the value carries its mark.")

    def display_label(self, lang: str, name: str) -> str:
        """The short label in ``lang``, else the description, else the name."""
        if self.label is not None:
            return self.label.get(lang)
        if self.description is not None:
            return self.description.get(lang)
        return name

    def at(self, when: date) -> Any:
        """The value in force on ``when``; None when no value is yet in force."""
        chosen: Any = None
        best: date | None = None
        for dv in self.values:
            start = dv.since or date.min
            if start <= when and (best is None or start >= best):
                chosen, best = dv.value, start
        return chosen


def _parameter_input(value: Any) -> Any:
    # A bare value in a file or a call means "one value, always in force".
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Mapping) and "values" in value:
        return value
    return {"values": [{"value": value}]}


class OpenPoint(_Model):
    """A point the rule set decides without a source for it: what, on which basis, and why.

    For what no criterion or parameter carries: a group policy, how a register is read.
    """

    subject: str = Field(min_length=1)
    basis: Basis
    text: Text


class RiskScale(_Model):
    """How a risk assessment (such as an IOP's) turns indicators into a risk level.

    The level is ``high`` when at least ``high_from`` indicators are not met, or when any
    of ``high_if_not_met`` is not met; ``elevated`` from ``elevated_from``; else ``low``.
    """

    elevated_from: Annotated[int, Field(ge=1)]
    high_from: Annotated[int, Field(ge=1)]
    high_if_not_met: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> RiskScale:
        if self.high_from < self.elevated_from:
            raise InvalidValueError(
                "high_from must be at least elevated_from",
                "high_from ska vara minst elevated_from",
            )
        return self

    def level(self, not_met: Iterable[str]) -> str:
        """The risk level when the criteria ``not_met`` are not met."""
        ids = set(not_met)
        if len(ids) >= self.high_from or ids & set(self.high_if_not_met):
            return "high"
        return "elevated" if len(ids) >= self.elevated_from else "low"


class RuleSet(_Model):
    """A validated set of criteria under one legal instrument or procurement.

    A declaration qualifies when every criterion is met (Kleene conjunction).
    """

    id: Slug
    version: str = Field(min_length=1)
    title: Text
    legal_basis: tuple[Citation, ...] = Field(min_length=1)
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[Slug, ...] = ()
    extends: str | None = None
    description: Text | None = None
    reservation_codes: tuple[Literal["res-ws", "res-pub-ser", "bt-736:yes"], ...] | None = Field(
        default=None,
        description="The eForms codes a notice reserving under this rule set carries: BT-71 "
        "res-ws or res-pub-ser, or bt-736:yes; empty when no code exists; absent when the "
        "rule set is not a basis for reserving (a definition or an assessment).",
    )
    group_policy: Literal["each_member", "combined_workforce"] = Field(
        default="each_member",
        description="How a group tender qualifies: every member relied on, or on the "
        "members' combined workforce for share criteria.",
    )
    risk: RiskScale | None = Field(
        default=None,
        description="Makes the rule set a risk assessment: the result gives a risk level.",
    )
    open_points: tuple[OpenPoint, ...] = Field(
        default=(),
        description="Choices the rule set makes that no criterion or parameter carries.",
    )
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    _typed: dict[tuple[str, int], Any] = PrivateAttr(default_factory=dict)
    _hash: str | None = PrivateAttr(default=None)
    _at_cache: dict[date, dict[str, Any]] = PrivateAttr(default_factory=dict)
    # Per evaluation date: what the evaluator may reuse (see evaluate._Env).
    _eval_state: dict[date, dict[str, Any]] = PrivateAttr(default_factory=dict)

    def __copy__(self) -> Self:
        """A copy with caches of its own (``model_copy`` makes copies this way)."""
        return _fresh_caches(super().__copy__())

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A deep copy with caches of its own."""
        return _fresh_caches(super().__deepcopy__(memo))

    def evaluation_state(self, when: date) -> dict[str, Any]:
        """The evaluator's reusable state for one evaluation date, kept with the rule set."""
        return _private(self)["_eval_state"].setdefault(when, {})  # type: ignore[no-any-return]

    @model_validator(mode="before")
    @classmethod
    def _bare_parameters(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("parameters"), Mapping):
            data = dict(data)
            data["parameters"] = {k: _parameter_input(v) for k, v in data["parameters"].items()}
        return data

    @model_validator(mode="after")
    def _semantics(self) -> RuleSet:
        problems = self._problems()
        if problems:
            raise RuleSetError(problems)
        # The reports name a result's parameters in words from here (a result holds only
        # their names).
        remember_criterion_aliases(
            self.id, {alias: c.id for c in self.criteria for alias in c.aliases}
        )
        remember_parameters(
            (self.id, self.version),
            {
                name: (p.display_label("sv", name), p.display_label("en", name), p.unit)
                for name, p in self.parameters.items()
            },
        )
        return self

    def _problems(self) -> list[Problem]:
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for i, crit in enumerate(self.criteria):
            if crit.id in seen:
                problems.append(
                    Problem(
                        "<python>",
                        f"criteria[{i}].id",
                        "duplicate_id",
                        f"criterion id {crit.id!r} is also used by criteria[{seen[crit.id]}]",
                        crit.id,
                        rule=crit.id,
                        msg_sv=f"kriteriets id {crit.id!r} används också av "
                        f"criteria[{seen[crit.id]}]",
                    )
                )
            seen.setdefault(crit.id, i)
        for i, crit in enumerate(self.criteria):
            for j, alias in enumerate(crit.aliases):
                if alias in seen or alias in crit.aliases[:j]:
                    problems.append(
                        Problem(
                            "<python>",
                            f"criteria[{i}].aliases[{j}]",
                            "duplicate_id",
                            f"alias {alias!r} is already a criterion id or alias",
                            alias,
                            rule=crit.id,
                            msg_sv=f"aliaset {alias!r} är redan ett kriteriums id eller alias",
                        )
                    )
                seen.setdefault(alias, i)
        ids = {c.id for c in self.criteria}
        for name in self.risk.high_if_not_met if self.risk else ():
            if name not in ids:
                tip, tip_sv = did_you_mean_texts(name, ids)
                problems.append(
                    Problem(
                        "<python>",
                        "risk.high_if_not_met",
                        "unknown_criterion",
                        f"no criterion {name!r}" + tip,
                        name,
                        msg_sv=f"inget kriterium {name!r}" + tip_sv,
                    )
                )
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            problems.append(
                Problem(
                    "<python>",
                    "valid_to",
                    "out_of_range",
                    "valid_to is before valid_from",
                    msg_sv="valid_to ligger före valid_from",
                )
            )
        used: set[str] = set()
        for loc, crit_id, field_type, ref in self._param_uses():
            used.add(ref.param)
            if ref.param not in self.parameters:
                tip, tip_sv = did_you_mean_texts(ref.param, self.parameters)
                problems.append(
                    Problem(
                        "<python>",
                        loc,
                        "unknown_parameter",
                        f"parameter {ref.param!r} is not defined" + tip,
                        ref.param,
                        rule=crit_id,
                        msg_sv=f"parametern {ref.param!r} är inte definierad" + tip_sv,
                    )
                )
                continue
            adapter = _adapter(field_type)
            for j, dv in enumerate(self.parameters[ref.param].values):
                try:
                    self._typed[(ref.param, j)] = adapter.validate_python(dv.value)
                except ValidationError as exc:
                    error = exc.errors(include_url=False)[0]
                    msg = error["msg"]
                    sv = swedish_message(error)
                    problems.append(
                        Problem(
                            "<python>",
                            f"parameters.{ref.param}.values[{j}].value",
                            "bad_parameter",
                            f"{msg} (used at {loc})",
                            dv.value,
                            rule=crit_id,
                            msg_sv=f"{sv} (används vid {loc})" if sv else None,
                        )
                    )
        named = [("description", self.description, None)] + [
            (f"criteria[{i}].{part}", getattr(crit, part), crit.id)
            for i, crit in enumerate(self.criteria)
            for part in ("title", "description", "when_text")
        ]
        for where, text, rule in named:
            if text is not None:
                for name in sorted(text.placeholders()):
                    if name in self.parameters:
                        continue
                    tip, tip_sv = did_you_mean_texts(name, self.parameters)
                    problems.append(
                        Problem(
                            "<python>",
                            where,
                            "unknown_parameter",
                            f"the text names {{{name}}}, which is not a parameter" + tip,
                            name,
                            rule=rule,
                            msg_sv=f"texten nämner {{{name}}}, som inte är en parameter" + tip_sv,
                        )
                    )
        for name in self.parameters:
            if name not in used:
                tip, tip_sv = did_you_mean_texts(name, used)
                problems.append(
                    Problem(
                        "<python>",
                        f"parameters.{name}",
                        "unused_parameter",
                        f"parameter {name!r} is not used by any criterion" + tip,
                        name,
                        msg_sv=f"parametern {name!r} används inte av något kriterium" + tip_sv,
                    )
                )
        return problems

    def _param_uses(self) -> Iterator[tuple[str, str, Any, Param]]:
        for i, crit in enumerate(self.criteria):
            yield from _walk_params(crit.check, ["criteria", i, "check"], crit.id)
            if crit.when is not None:
                yield from _walk_params(crit.when, ["criteria", i, "when"], crit.id)
            if isinstance(crit.severity, Param):
                loc = format_loc(["criteria", i, "severity"])
                yield loc, crit.id, Literal["required", "advisory"], crit.severity

    def criterion_params(self, criterion_id: str) -> tuple[str, ...]:
        """The names of the parameters one criterion uses, in the order it uses them."""
        return tuple(
            dict.fromkeys(ref.param for _, cid, _, ref in self._param_uses() if cid == criterion_id)
        )

    def in_force(self, when: date) -> bool:
        """Whether ``when`` lies within ``valid_from`` and ``valid_to`` (both inclusive)."""
        if self.valid_from is not None and when < self.valid_from:
            return False
        return self.valid_to is None or when <= self.valid_to

    def advisory_at(self, when: date) -> frozenset[str]:
        """The ids of the criteria that are advisory on ``when``: shown, not deciding."""
        params = self.params_at(when)
        out = set()
        for crit in self.criteria:
            sev = crit.severity
            value = params[sev.param] if isinstance(sev, Param) else sev
            if value == "advisory":
                out.add(crit.id)
        return frozenset(out)

    # ---- use -------------------------------------------------------------------

    def params_at(self, when: date) -> dict[str, Any]:
        """Every parameter's typed value in force on ``when`` (cached per date)."""
        at_cache = _private(self)["_at_cache"]
        cached = at_cache.get(when)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, Any] = {}
        for name, p in self.parameters.items():
            chosen_index: int | None = None
            best: date | None = None
            for j, dv in enumerate(p.values):
                start = dv.since or date.min
                if start <= when and (best is None or start >= best):
                    chosen_index, best = j, start
            out[name] = None if chosen_index is None else self._typed[(name, chosen_index)]
        at_cache[when] = out
        return out

    @property
    def content_hash(self) -> str:
        """``sha256:`` of the canonical JSON of the rule set; equal rules, equal hash."""
        private = _private(self)
        if private["_hash"] is None:
            data = self.model_dump(mode="json")
            for crit in data["criteria"]:
                # Aliases came after the first hashes were stored: none keeps those hashes.
                if not crit["aliases"]:
                    del crit["aliases"]
                if crit["sources"] is None:
                    del crit["sources"]
            canonical = json.dumps(
                data,
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            private["_hash"] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        return private["_hash"]  # type: ignore[no-any-return]

    def reservation(self) -> tuple[str, ...]:
        """The eForms codes a notice reserving under this rule set carries (empty where no
        code exists).

        Raises:
            RuleSetError: the rule set is no basis for reserving (``not_a_reservation``).
        """
        if self.reservation_codes is None:
            raise RuleSetError(
                [
                    Problem(
                        self.id,
                        "reservation_codes",
                        "not_a_reservation",
                        f"{self.id} is not a basis for reserving a contract (a definition or "
                        "an assessment): a notice carries no reservation for it",
                        msg_sv=f"{self.id} är ingen grund för att reservera ett kontrakt (en "
                        "definition eller en bedömning): en annons anger ingen reservation "
                        "för det",
                    )
                ]
            )
        return self.reservation_codes

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with ``criterion_id`` or with it among its aliases.

        Raises:
            UnknownCriterionError: (a ``KeyError``) with the nearest id in the message.
        """
        for crit in self.criteria:
            if crit.id == criterion_id or criterion_id in crit.aliases:
                return crit
        raise unknown_criterion(criterion_id, [c.id for c in self.criteria], self.id)

    def with_params(self, **overrides: Any) -> RuleSet:
        """A new, re-validated rule set with parameters replaced (one value, always in force).

        Raises:
            RuleSetError: an unknown parameter name, or a value its uses do not accept.
        """
        problems = []
        for name in overrides:
            if name not in self.parameters:
                tip, tip_sv = did_you_mean_texts(name, self.parameters)
                problems.append(
                    Problem(
                        "<override>",
                        f"parameters.{name}",
                        "unknown_parameter",
                        f"{self.id} has no parameter {name!r}" + tip,
                        name,
                        msg_sv=f"{self.id} har ingen parameter {name!r}" + tip_sv,
                    )
                )
        if problems:
            raise RuleSetError(problems)
        data = self.model_dump()
        for name, value in overrides.items():
            old = data["parameters"][name]
            new = {**old, "values": [{"value": value}]}
            try:
                same = [dv["value"] for dv in old["values"]] == [DatedValue(value=value).value]
            except ValidationError:
                same = False  # the validation below reports it, located
            if not same and old.get("basis") is not None:
                # A value the caller chose is the buyer's choice, whatever the default rested on.
                new |= {"basis": "buyer", "source": None, "note": None}
            data["parameters"][name] = new
        try:
            return RuleSet.model_validate(data)
        except ValidationError as exc:
            raise RuleSetError(_problems_of(exc, source="<override>")) from None

    def __repr__(self) -> str:
        return f"<RuleSet {self.id} {self.version} {self.content_hash[:19]}>"

    __str__ = __repr__


def _fresh_caches(copied: RuleSetT) -> RuleSetT:
    """``copied`` with empty caches: ``model_copy(update=...)`` may change what they were made
    from, and the original's content hash or compiled plans would then describe other rules.

    The typed parameter values stay: validation makes them, and a copy is not validated.
    """
    private = _private(copied)
    private.update(_hash=None, _at_cache={}, _eval_state={})
    return copied


RuleSetT = TypeVar("RuleSetT", bound=BaseModel)


def _private(model: BaseModel) -> dict[str, Any]:
    """A model's private attributes, read directly.

    Reading ``model._x`` goes through pydantic's ``__getattr__`` and costs microseconds;
    the evaluation hot path reads these caches once per declaration.
    """
    private = model.__pydantic_private__
    assert private is not None
    return private


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(field_type: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(field_type)
    if adapter is None:
        adapter = _ADAPTERS[field_type] = TypeAdapter(field_type)
    return adapter


def _without_param(annotation: Any) -> Any:
    import types
    import typing

    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not Param]
        if len(kept) == 1:
            return kept[0]
        return typing.Union[tuple(kept)]  # noqa: UP007
    return annotation


def _walk_params(
    node: _Node, loc: list[str | int], crit_id: str
) -> Iterator[tuple[str, str, Any, Param]]:
    for name, info in type(node).model_fields.items():
        value = getattr(node, name)
        if isinstance(value, Param):
            yield format_loc([*loc, name]), crit_id, _without_param(info.annotation), value
        elif isinstance(value, _Node):
            yield from _walk_params(value, [*loc, name], crit_id)
        elif isinstance(value, tuple):
            for k, child in enumerate(value):
                if isinstance(child, _Node):
                    yield from _walk_params(child, [*loc, name, k], crit_id)


_UNION_TAGS = frozenset(NODE_TYPES)


def _problems_of(exc: ValidationError, *, source: str) -> list[Problem]:
    """Located problems from a rule set's ValidationError, unwrapping semantic ones."""
    from reserverat.errors import problems_from_validation

    out: list[Problem] = []
    plain: list[Any] = []
    for err in exc.errors(include_url=False):
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, RuleSetError):
            out.extend(_resource(p, source) for p in inner.problems)
        else:
            plain.append(err)
    out.extend(problems_from_validation(plain, source=source, tags=_UNION_TAGS))
    return out


def _resource(p: Problem, source: str) -> Problem:
    return replace(p, source=source)


def same_criteria(a: RuleSet, b: RuleSet) -> dict[str, str]:
    """Each criterion of ``b`` that ``a`` also has, by id or by an alias on either side: b's
    id to a's. Two versions that renamed a criterion still compare it with itself."""
    out: dict[str, str] = {}
    for cb in b.criteria:
        for ca in a.criteria:
            if ca.id == cb.id or ca.id in cb.aliases or cb.id in ca.aliases:
                out[cb.id] = ca.id
                break
    return out
