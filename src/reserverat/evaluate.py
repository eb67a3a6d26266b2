"""Evaluate a declaration against a rule set: a pure function, no I/O, no clock.

Each check kind has one evaluator in ``EVALUATORS``. An evaluator returns an
:class:`Explanation`: the verdict, a stable reason code with its numbers, the
facts and parameters it used, the evidence that would settle an undecided check
and how far a failed check is from passing. Missing facts make a check UNDECIDED,
never NOT_MET; where the known facts already decide it (even if every unknown
person were in the target group the share stays below), the check says so.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reserverat._version import __version__
from reserverat.checks import (
    AllOf,
    AnyOf,
    AtLeast,
    FactIsTrue,
    NoPublicOwner,
    Not,
    NotOlderThan,
    NumberAtLeast,
    Param,
    ProfitsMainlyReinvested,
    PublicShareAtMost,
    SalaryRatioAtMost,
    ShareAtLeast,
    TransfersOnlyTo,
    ValueIn,
    WholeLegalPerson,
    _Node,
)
from reserverat.declaration import Declaration, FinancialYear, OccupationGroup, Owner, Procurement
from reserverat.errors import DeclarationError, EvaluationError, Problem
from reserverat.identifiers import mask_personal_numbers, parse_identifier
from reserverat.logic import (
    Verdict,
    all_verdicts,
    any_verdicts,
    at_least_verdicts,
    not_verdict,
)
from reserverat.result import (
    Explanation,
    Fact,
    Finding,
    Message,
    Outcome,
    Provenance,
    Result,
    Supplier,
)
from reserverat.ruleset import Criterion, RuleSet

__all__ = ["EVALUATORS", "EvaluationContext", "evaluate", "evaluate_many"]

MET = Verdict.MET
NOT_MET = Verdict.NOT_MET
UNDECIDED = Verdict.UNDECIDED
NOT_APPLICABLE = Verdict.NOT_APPLICABLE


@dataclass(frozen=True)
class EvaluationContext:
    """Services the checks may call, handed in so that tests and apps can swap them.

    ``owner_kind`` classifies an owner whose kind was not declared (None: unknown).
    """

    owner_kind: Callable[[Owner], str | None] | None = None


@dataclass(slots=True)
class _Env:
    as_of: date
    params: dict[str, Any]
    context: EvaluationContext
    procurement: Procurement | None
    # The parameters a node used, filled in by value(); read back by the evaluator.
    used: list[Fact] = field(default_factory=list)

    def value(self, v: Any) -> Any:
        if isinstance(v, Param):
            resolved = self.params[v.param]
            self.used.append(Fact(v.param, _scalar(resolved)))
            return resolved
        return v


def _scalar(value: Any) -> Any:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


Evaluator = Callable[[Any, Declaration, _Env], Explanation]
EVALUATORS: dict[str, Evaluator] = {}
"""The evaluator of every node kind; a test checks it covers the whole vocabulary."""


def _register(kind: str) -> Callable[[Evaluator], Evaluator]:
    def deco(fn: Evaluator) -> Evaluator:
        EVALUATORS[kind] = fn
        return fn

    return deco


def _explain(
    node: _Node,
    env: _Env,
    verdict: Verdict,
    code: str,
    args: dict[str, Any] | None = None,
    *,
    facts: Iterable[Fact] = (),
    evidence: Iterable[str] = (),
    gap: Message | None = None,
    notes: Iterable[Message] = (),
) -> Explanation:
    params = tuple(env.used)
    env.used.clear()
    return Explanation(
        kind=node.kind,  # type: ignore[attr-defined]
        verdict=verdict,
        reason=Message(code, args or {}),
        facts=tuple(facts),
        parameters=params,
        evidence=tuple(evidence),
        gap=gap,
        notes=tuple(notes),
    )


def _run(node: _Node, decl: Declaration, env: _Env) -> Explanation:
    return EVALUATORS[node.kind](node, decl, env)  # type: ignore[attr-defined]


# ---- combinators -------------------------------------------------------------------


def _combine(
    node: _Node, children: tuple[Explanation, ...], verdict: Verdict, args: dict[str, Any]
) -> Explanation:
    return Explanation(
        kind=node.kind,  # type: ignore[attr-defined]
        verdict=verdict,
        reason=Message(f"{node.kind}.{verdict.value}", args),  # type: ignore[attr-defined]
        children=children,
    )


@_register("all_of")
def _all_of(node: AllOf, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    return _combine(node, children, all_verdicts(c.verdict for c in children), {})


@_register("any_of")
def _any_of(node: AnyOf, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    return _combine(node, children, any_verdicts(c.verdict for c in children), {})


@_register("not")
def _not(node: Not, decl: Declaration, env: _Env) -> Explanation:
    child = _run(node.of, decl, env)
    return _combine(node, (child,), not_verdict(child.verdict), {})


@_register("at_least")
def _at_least(node: AtLeast, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    verdicts = [c.verdict for c in children]
    met = sum(1 for v in verdicts if v is MET)
    return _combine(node, children, at_least_verdicts(node.n, verdicts), {"n": node.n, "met": met})


# ---- simple facts -------------------------------------------------------------------

_EVIDENCE_BY_PREFIX = (
    ("purpose.", "statutes"),
    ("workforce.", "staff_list"),
    ("programme_workforce.", "staff_list"),
    ("participation.", "participation_documents"),
    ("business.", "annual_report"),
    ("salaries.", "salary_statement"),
    ("legal_form", "registration_certificate"),
    ("scope", "legal_person_figures"),
    ("declared_on", "truth_declaration"),
    ("founded", "registration_certificate"),
)


def evidence_for(path: str) -> str:
    """The evidence code that would settle a missing fact at ``path``."""
    for prefix, code in _EVIDENCE_BY_PREFIX:
        if path.startswith(prefix):
            return code
    return "supplementary_declaration"


_GETTERS: dict[str, Callable[[Declaration], Any]] = {}


def _getter(path: str) -> Callable[[Declaration], Any]:
    getter = _GETTERS.get(path)
    if getter is None:
        parts = path.split(".")

        def getter(decl: Declaration) -> Any:
            obj: Any = decl
            for part in parts:
                obj = getattr(obj, part)
                if obj is None:
                    return None
            return obj

        _GETTERS[path] = getter
    return getter


@_register("fact_is_true")
def _fact_is_true(node: FactIsTrue, decl: Declaration, env: _Env) -> Explanation:
    value = _getter(node.path)(decl)
    facts = (Fact(node.path, value),)
    if value is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "fact.unknown",
            {"path": node.path},
            facts=facts,
            evidence=(evidence_for(node.path),),
        )
    if value:
        return _explain(node, env, MET, "fact.true", {"path": node.path}, facts=facts)
    return _explain(node, env, NOT_MET, "fact.false", {"path": node.path}, facts=facts)


@_register("value_in")
def _value_in(node: ValueIn, decl: Declaration, env: _Env) -> Explanation:
    value = _getter(node.path)(decl)
    raw = None if value is None else str(value)
    facts = (Fact(node.path, raw),)
    args = {"path": node.path, "values": ", ".join(node.values), "value": raw}
    if raw is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "value.unknown",
            args,
            facts=facts,
            evidence=(evidence_for(node.path),),
        )
    if raw in node.values:
        return _explain(node, env, MET, "value.in", args, facts=facts)
    return _explain(node, env, NOT_MET, "value.not_in", args, facts=facts)


@_register("number_at_least")
def _number_at_least(node: NumberAtLeast, decl: Declaration, env: _Env) -> Explanation:
    minimum = Decimal(env.value(node.minimum))
    value = _getter(node.path)(decl)
    facts = (Fact(node.path, _scalar(value)),)
    args = {"path": node.path, "minimum": minimum, "value": _scalar(value)}
    if value is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "number.unknown",
            args,
            facts=facts,
            evidence=(evidence_for(node.path),),
        )
    if Decimal(value) >= minimum:
        return _explain(node, env, MET, "number.at_least", args, facts=facts)
    gap = Message("gap.number", {"missing": minimum - Decimal(value), "path": node.path})
    return _explain(node, env, NOT_MET, "number.below", args, facts=facts, gap=gap)


@_register("whole_legal_person")
def _whole_legal_person(node: WholeLegalPerson, decl: Declaration, env: _Env) -> Explanation:
    unit_data = env.value(node.unit_data)
    facts = [Fact("scope", decl.scope)]
    if decl.scope == "legal_person":
        return _explain(node, env, MET, "scope.legal_person", facts=facts)
    if decl.scope == "unit":
        if decl.unit_name:
            facts.append(Fact("unit_name", mask_personal_numbers(decl.unit_name)))
        verdict = NOT_MET if unit_data == "not_met" else UNDECIDED
        return _explain(
            node,
            env,
            verdict,
            "scope.unit",
            {"unit": mask_personal_numbers(decl.unit_name or "")},
            facts=facts,
            evidence=("legal_person_figures",),
        )
    return _explain(
        node, env, UNDECIDED, "scope.unknown", facts=facts, evidence=("legal_person_figures",)
    )


def _months_before(when: date, months: int) -> date:
    year, month = divmod(when.year * 12 + (when.month - 1) - months, 12)
    month += 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@_register("not_older_than")
def _not_older_than(node: NotOlderThan, decl: Declaration, env: _Env) -> Explanation:
    months = env.value(node.months)
    value = _getter(node.path)(decl)
    facts = (Fact(node.path, value),)
    if value is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "age.unknown",
            {"path": node.path},
            facts=facts,
            evidence=(evidence_for(node.path),),
        )
    cutoff = _months_before(env.as_of, months)
    args = {
        "path": node.path,
        "date": value,
        "cutoff": cutoff,
        "months": months,
        "as_of": env.as_of,
    }
    if value < cutoff:
        # A stale statement says nothing about today: ask again, do not fail the supplier.
        return _explain(
            node,
            env,
            UNDECIDED,
            "age.stale",
            args,
            facts=facts,
            evidence=(evidence_for(node.path),),
        )
    notes = (Message("age.after_as_of", args),) if value > env.as_of else ()
    return _explain(node, env, MET, "age.fresh", args, facts=facts, notes=notes)


# ---- the share of occupied persons in the target groups -------------------------------


@dataclass(slots=True)
class _Tally:
    """Occupied total and the bounds of its target-group part, on one basis."""

    occupied: Fraction = Fraction(0)
    low: Fraction = Fraction(0)
    high: Fraction = Fraction(0)
    missing: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _target_bounds(
    group: OccupationGroup,
    n: Fraction,
    basis: str,
    categories: tuple[str, ...] | None,
    documented_need_only: bool,
    path: str,
    tally: _Tally,
) -> tuple[Fraction, Fraction]:
    tg = group.target_group
    if n == 0:
        return Fraction(0), Fraction(0)
    if tg is None:
        tally.missing.append(f"{path}.target_group")
        return Fraction(0), n
    raw = tg.headcount if basis == "headcount" else tg.fte
    if raw is None:
        tally.missing.append(f"{path}.target_group.{basis}")
        return Fraction(0), n
    total = Fraction(raw)
    tally.facts.append(Fact(f"{path}.target_group.{basis}", raw))
    low, high = total, total
    if categories is not None:
        if tg.by_category is None:
            tally.missing.append(f"{path}.target_group.by_category")
            low = Fraction(0)
        else:
            tally.facts.append(
                Fact(
                    f"{path}.target_group.by_category",
                    ", ".join(f"{k}={v}" for k, v in tg.by_category.items()),
                )
            )
            inside = sum(v for k, v in tg.by_category.items() if k in categories)
            outside = sum(v for k, v in tg.by_category.items() if k not in categories)
            if basis == "headcount":
                low = high = Fraction(inside)
            elif not inside:
                low = high = Fraction(0)
            elif outside:
                # FTE is not broken down by category, so only bounds are known.
                low = Fraction(0)
    if documented_need_only:
        if tg.documented_need is None or tg.headcount is None:
            tally.missing.append(f"{path}.target_group.documented_need")
            low = Fraction(0)
        else:
            tally.facts.append(Fact(f"{path}.target_group.documented_need", tg.documented_need))
            if basis == "headcount":
                undocumented = tg.headcount - tg.documented_need
                low = max(Fraction(0), low - undocumented)
                high = min(high, Fraction(tg.documented_need))
            elif tg.documented_need < tg.headcount:
                low = Fraction(0)
    return low, high


def _tally(
    wf: Any,
    prefix: str,
    basis: str,
    forms: tuple[str, ...],
    categories: tuple[str, ...] | None,
    documented_need_only: bool,
) -> _Tally:
    tally = _Tally()
    for form in forms:
        group: OccupationGroup | None = getattr(wf, form)
        path = f"{prefix}.{form}"
        if group is None:
            tally.missing.append(path)
            continue
        raw = group.headcount if basis == "headcount" else group.fte
        if raw is None and basis == "fte" and group.headcount == 0:
            raw = Decimal(0)
        if raw is None:
            tally.missing.append(f"{path}.{basis}")
            continue
        tally.facts.append(Fact(f"{path}.{basis}", raw))
        n = Fraction(raw)
        low, high = _target_bounds(group, n, basis, categories, documented_need_only, path, tally)
        tally.occupied += n
        tally.low += low
        tally.high += high
    return tally


def _share_verdict(t: _Tally, threshold: Fraction) -> Verdict | None:
    """MET/NOT_MET/UNDECIDED from the bounds; None when the counts are incomplete."""
    if t.occupied == 0:
        return None
    if t.low / t.occupied >= threshold:
        return MET
    if t.high / t.occupied < threshold:
        return NOT_MET
    return UNDECIDED


def _groups_missing(t: _Tally) -> list[str]:
    # A missing group or group size leaves the share unbounded; a missing target count does not.
    return [m for m in t.missing if "target_group" not in m]


def _share_gap(t: _Tally, basis: str, threshold: Fraction) -> Message:
    share = t.high / t.occupied
    points = threshold - share
    if basis == "headcount":
        needed = -((-threshold * t.occupied) // 1) - t.high  # ceil(threshold * N) - T
        return Message(
            "gap.share_headcount",
            {"persons": int(needed), "occupied": int(t.occupied), "points": points},
        )
    fte = threshold * t.occupied - t.high
    return Message("gap.share_fte", {"fte": _dec(fte), "points": points})


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


@_register("share_at_least")
def _share_at_least(node: ShareAtLeast, decl: Declaration, env: _Env) -> Explanation:
    threshold_d: Decimal = env.value(node.threshold)
    threshold = Fraction(threshold_d)
    basis: str = env.value(node.basis)
    forms: tuple[str, ...] = env.value(node.forms)
    categories: tuple[str, ...] | None = env.value(node.categories)
    need_only: bool = env.value(node.documented_need_only)
    declared_mode: str = env.value(node.declared_share)
    prefix = "workforce" if node.workforce == "supplier" else "programme_workforce"
    wf = decl.workforce if node.workforce == "supplier" else decl.programme_workforce
    if wf is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "share.no_workforce",
            {"path": prefix},
            facts=(Fact(prefix, None),),
            evidence=("staff_list",),
        )

    counted = any(getattr(wf, f) is not None for f in forms)
    if not counted and wf.declared_share is not None:
        declared = Fraction(wf.declared_share)
        declared_facts = (Fact(f"{prefix}.declared_share", wf.declared_share),)
        declared_args = {"share": declared, "threshold": threshold}
        if declared_mode == "undecided":
            return _explain(
                node,
                env,
                UNDECIDED,
                "share.declared_not_accepted",
                declared_args,
                facts=declared_facts,
                evidence=("staff_list",),
            )
        if declared >= threshold:
            return _explain(
                node, env, MET, "share.declared_met", declared_args, facts=declared_facts
            )
        return _explain(
            node,
            env,
            NOT_MET,
            "share.declared_below",
            declared_args,
            facts=declared_facts,
            gap=Message("gap.share_points", {"points": threshold - declared}),
        )

    primary = "fte" if basis == "fte" else "headcount"
    tally = _tally(wf, prefix, primary, forms, categories, need_only)
    facts = list(tally.facts)
    notes: list[Message] = []
    if wf.reference_date is not None:
        facts.insert(0, Fact(f"{prefix}.reference_date", wf.reference_date))

    missing_groups = _groups_missing(tally)
    if missing_groups:
        return _explain(
            node,
            env,
            UNDECIDED,
            "share.missing_counts",
            {"missing": ", ".join(missing_groups)},
            facts=facts,
            evidence=("staff_list",),
        )
    if tally.occupied == 0:
        return _explain(
            node,
            env,
            UNDECIDED,
            "share.no_occupied",
            {"basis": primary},
            facts=facts,
            evidence=("staff_list",),
        )
    verdict = _share_verdict(tally, threshold)
    assert verdict is not None
    args: dict[str, Any] = {
        "basis": primary,
        "occupied": _num(tally.occupied),
        "target": _num(tally.low),
        "target_high": _num(tally.high),
        "share": tally.low / tally.occupied,
        "share_high": tally.high / tally.occupied,
        "threshold": threshold,
    }

    # The other basis, when the declaration allows it, so the buyer sees both readings.
    other = "fte" if primary == "headcount" else "headcount"
    other_tally = _tally(wf, prefix, other, forms, categories, need_only)
    other_verdict = None
    if not _groups_missing(other_tally) and other_tally.occupied > 0:
        other_verdict = _share_verdict(other_tally, threshold)
        if other_tally.exact:
            notes.append(
                Message(
                    "share.other_basis",
                    {
                        "basis": other,
                        "share": other_tally.low / other_tally.occupied,
                        "occupied": _num(other_tally.occupied),
                        "target": _num(other_tally.low),
                        "verdict": other_verdict.value if other_verdict is not None else None,
                    },
                )
            )
            facts.extend(f for f in other_tally.facts if f not in facts)

    if wf.declared_share is not None and tally.exact:
        counted_share = tally.low / tally.occupied
        facts.append(Fact(f"{prefix}.declared_share", wf.declared_share))
        # ESPD percentages are rounded to whole points; more than half a point apart disagrees.
        if abs(Fraction(wf.declared_share) - counted_share) > Fraction(1, 200):
            notes.append(
                Message(
                    "share.declared_mismatch",
                    {"declared": Fraction(wf.declared_share), "share": counted_share},
                )
            )

    if basis == "unspecified" and other_verdict is not None and other_verdict is not verdict:
        return _explain(
            node,
            env,
            UNDECIDED,
            "share.basis_ambiguous",
            args,
            facts=facts,
            notes=notes,
            evidence=("basis_decision",),
        )

    missing = tally.missing
    if verdict is MET:
        code = "share.met" if tally.exact else "share.met_at_least"
        return _explain(node, env, MET, code, args, facts=facts, notes=notes)
    if verdict is NOT_MET:
        code = "share.below" if tally.exact else "share.below_even_if"
        return _explain(
            node,
            env,
            NOT_MET,
            code,
            args,
            facts=facts,
            notes=notes,
            gap=_share_gap(tally, primary, threshold),
        )
    return _explain(
        node,
        env,
        UNDECIDED,
        "share.unknown_targets",
        {**args, "missing": ", ".join(missing)},
        facts=facts,
        notes=notes,
        evidence=("staff_list",),
    )


def _num(value: Fraction) -> int | Decimal:
    if value.denominator == 1:
        return int(value)
    return _dec(value)


# ---- owners -------------------------------------------------------------------------


def _owner_kind(owner: Owner, env: _Env) -> str | None:
    if owner.kind is not None:
        return owner.kind.value
    if env.context.owner_kind is not None:
        return env.context.owner_kind(owner)
    return None


_PUBLIC = frozenset({"municipality", "region", "state", "public_company"})


def _owner_label(owner: Owner) -> str:
    # Owners are often persons: their names may carry a personnummer, their numbers are one.
    name = mask_personal_numbers(owner.name)
    if owner.organisationsnummer:
        return f"{name} ({parse_identifier(owner.organisationsnummer).masked()})"
    return name


@_register("no_public_owner")
def _no_public_owner(node: NoPublicOwner, decl: Declaration, env: _Env) -> Explanation:
    owners = decl.owners
    if owners is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "owners.unknown",
            facts=(Fact("owners", None),),
            evidence=("ownership_register",),
        )
    facts = []
    public, unknown = [], []
    for i, owner in enumerate(owners):
        kind = _owner_kind(owner, env)
        facts.append(Fact(f"owners[{i}]", f"{_owner_label(owner)}: {kind or '?'}"))
        if kind is None:
            unknown.append(_owner_label(owner))
        elif kind in _PUBLIC:
            public.append(_owner_label(owner))
    if public:
        return _explain(
            node, env, NOT_MET, "owners.public", {"owners": ", ".join(public)}, facts=facts
        )
    if unknown:
        return _explain(
            node,
            env,
            UNDECIDED,
            "owners.kind_unknown",
            {"owners": ", ".join(unknown)},
            facts=facts,
            evidence=("ownership_register",),
        )
    if not owners:
        return _explain(node, env, MET, "owners.none", facts=(Fact("owners", "[]"),))
    return _explain(node, env, MET, "owners.none_public", {"count": len(owners)}, facts=facts)


@_register("public_share_at_most")
def _public_share_at_most(node: PublicShareAtMost, decl: Declaration, env: _Env) -> Explanation:
    maximum = Fraction(env.value(node.maximum))
    owners = decl.owners
    if owners is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "owners.unknown",
            facts=(Fact("owners", None),),
            evidence=("ownership_register",),
        )
    attr = "vote_share" if node.of == "votes" else "capital_share"
    total = Fraction(0)
    facts, unknown = [], []
    for i, owner in enumerate(owners):
        kind = _owner_kind(owner, env)
        if kind is None or (kind in _PUBLIC and getattr(owner, attr) is None):
            unknown.append(_owner_label(owner))
        elif kind in _PUBLIC:
            total += Fraction(getattr(owner, attr))
            facts.append(Fact(f"owners[{i}].{attr}", getattr(owner, attr)))
    args = {"share": total, "maximum": maximum, "of": node.of}
    if total > maximum:
        return _explain(
            node,
            env,
            NOT_MET,
            "owners.public_share_above",
            args,
            facts=facts,
            gap=Message("gap.share_points", {"points": total - maximum}),
        )
    if unknown:
        return _explain(
            node,
            env,
            UNDECIDED,
            "owners.kind_unknown",
            {"owners": ", ".join(unknown)},
            facts=facts,
            evidence=("ownership_register",),
        )
    return _explain(node, env, MET, "owners.public_share_within", args, facts=facts)


# ---- money ---------------------------------------------------------------------------


def _window(
    decl: Declaration, years: int, env: _Env
) -> tuple[list[FinancialYear], Explanation | None, str]:
    """The closed years of the window, or the reason they cannot be chosen."""
    closed = sorted(
        (fy for fy in decl.financial_years or () if fy.end <= env.as_of),
        key=lambda fy: fy.end,
        reverse=True,
    )
    window = closed[:years]
    if len(window) >= years:
        return window, None, "full"
    if decl.founded is not None and decl.founded > _months_before(env.as_of, 12 * years):
        # Younger than the window: judge on every year it has closed.
        return window, None, "young"
    return window, None, "short"


def _fy_facts(window: list[FinancialYear], attrs: Iterable[str]) -> list[Fact]:
    facts = []
    for fy in window:
        for attr in attrs:
            facts.append(Fact(f"financial_years[{fy.end.isoformat()}].{attr}", getattr(fy, attr)))
    return facts


_RECIPIENT_FIELD = {"owners": "to_owners", "ideburna": "to_ideburna", "research": "to_research"}


def _short_window(node: _Node, env: _Env, window: list[FinancialYear], years: int) -> Explanation:
    return _explain(
        node,
        env,
        UNDECIDED,
        "money.too_few_years",
        {"have": len(window), "need": years},
        facts=_fy_facts(window, ("result",)),
        evidence=("annual_report",),
    )


@_register("profits_mainly_reinvested")
def _profits_mainly_reinvested(
    node: ProfitsMainlyReinvested, decl: Declaration, env: _Env
) -> Explanation:
    share = Fraction(env.value(node.share))
    years: int = env.value(node.years)
    distributed_to: tuple[str, ...] = env.value(node.distributed_to)
    if decl.financial_years is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "money.no_years",
            facts=(Fact("financial_years", None),),
            evidence=("annual_report",),
        )
    window, _, state = _window(decl, years, env)
    if state == "short" or not window:
        return _short_window(node, env, window, years)
    attrs = ["result", *(_RECIPIENT_FIELD[r] for r in distributed_to)]
    facts = _fy_facts(window, attrs)
    missing = [f.path for f in facts if f.value is None]
    if missing:
        return _explain(
            node,
            env,
            UNDECIDED,
            "money.missing",
            {"missing": ", ".join(missing)},
            facts=facts,
            evidence=("annual_report",),
        )
    profit = sum((max(fy.result or Decimal(0), Decimal(0)) for fy in window), Decimal(0))
    out = sum(
        (getattr(fy, _RECIPIENT_FIELD[r]) for fy in window for r in distributed_to), Decimal(0)
    )
    args: dict[str, Any] = {
        "profit": profit,
        "distributed": out,
        "share": share,
        "years": len(window),
        "from": window[-1].end,
        "to": window[0].end,
    }
    if profit == 0:
        if out == 0:
            return _explain(node, env, MET, "money.no_profit", args, facts=facts)
        return _explain(
            node,
            env,
            NOT_MET,
            "money.transfer_without_profit",
            args,
            facts=facts,
            gap=Message("gap.money", {"amount": out}),
        )
    kept = Fraction(profit - out) / Fraction(profit)
    args["kept"] = max(kept, Fraction(0))
    if kept >= share:
        return _explain(node, env, MET, "money.mainly_reinvested", args, facts=facts)
    allowed = Fraction(profit) * (1 - share)
    excess = Fraction(out) - allowed
    return _explain(
        node,
        env,
        NOT_MET,
        "money.not_mainly_reinvested",
        args,
        facts=facts,
        gap=Message("gap.money", {"amount": _dec(excess)}),
    )


@_register("transfers_only_to")
def _transfers_only_to(node: TransfersOnlyTo, decl: Declaration, env: _Env) -> Explanation:
    allowed: tuple[str, ...] = env.value(node.allowed)
    years: int = env.value(node.years)
    if decl.financial_years is None:
        return _explain(
            node,
            env,
            UNDECIDED,
            "money.no_years",
            facts=(Fact("financial_years", None),),
            evidence=("annual_report",),
        )
    window, _, state = _window(decl, years, env)
    if state == "short" or not window:
        return _short_window(node, env, window, years)
    forbidden = [r for r in _RECIPIENT_FIELD if r not in allowed]
    facts = _fy_facts(window, [_RECIPIENT_FIELD[r] for r in forbidden])
    paid = [f for f in facts if f.value is not None and f.value > 0]
    args = {"allowed": ", ".join(allowed) or "-", "years": len(window)}
    if paid:
        total = sum((f.value for f in paid), Decimal(0))
        return _explain(
            node,
            env,
            NOT_MET,
            "money.forbidden_transfer",
            {**args, "transfers": ", ".join(f.path for f in paid), "amount": total},
            facts=facts,
            gap=Message("gap.money", {"amount": total}),
        )
    missing = [f.path for f in facts if f.value is None]
    if missing:
        return _explain(
            node,
            env,
            UNDECIDED,
            "money.missing",
            {"missing": ", ".join(missing)},
            facts=facts,
            evidence=("annual_report",),
        )
    return _explain(node, env, MET, "money.transfers_allowed", args, facts=facts)


@_register("salary_ratio_at_most")
def _salary_ratio_at_most(node: SalaryRatioAtMost, decl: Declaration, env: _Env) -> Explanation:
    ratio = Decimal(env.value(node.ratio))
    s = decl.salaries
    lowest = s.lowest if s else None
    highest = s.highest if s else None
    facts = (Fact("salaries.lowest", lowest), Fact("salaries.highest", highest))
    if lowest is None or highest is None:
        return _explain(
            node, env, UNDECIDED, "salary.unknown", facts=facts, evidence=("salary_statement",)
        )
    actual = Fraction(highest) / Fraction(lowest)
    args = {"ratio": _dec(actual), "maximum": ratio, "lowest": lowest, "highest": highest}
    if actual <= Fraction(ratio):
        return _explain(node, env, MET, "salary.within", args, facts=facts)
    return _explain(
        node,
        env,
        NOT_MET,
        "salary.above",
        args,
        facts=facts,
        gap=Message("gap.salary", {"highest_max": ratio * lowest}),
    )


# ---- the entry points -----------------------------------------------------------------


def _evaluate_criterion(crit: Criterion, decl: Declaration, env: _Env) -> Finding:
    guard = None
    if crit.when is not None:
        guard = _run(crit.when, decl, env)
        if guard.verdict is NOT_MET:
            return Finding(
                crit.id,
                crit.title,
                crit.citation,
                crit.authority_specific,
                NOT_APPLICABLE,
                guard,
                guard,
            )
    explanation = _run(crit.check, decl, env)
    verdict = explanation.verdict
    if guard is not None and guard.verdict is UNDECIDED:
        # "when G then C" is (not G) or C in Kleene logic.
        verdict = any_verdicts((not_verdict(guard.verdict), verdict))
    return Finding(
        crit.id, crit.title, crit.citation, crit.authority_specific, verdict, explanation, guard
    )


def _input_hash(decl: Declaration) -> str:
    return "sha256:" + hashlib.sha256(decl.model_dump_json().encode()).hexdigest()


def evaluate(
    declaration: Declaration,
    ruleset: RuleSet,
    *,
    procurement: Procurement | None = None,
    as_of: date | None = None,
    context: EvaluationContext | None = None,
) -> Result:
    """Evaluate one declaration against a rule set and explain every criterion.

    The evaluation date is ``as_of``, else the procurement's submission date.

    Raises:
        EvaluationError: no evaluation date could be determined.
    """
    when = as_of or (procurement.submission_date if procurement else None)
    if when is None:
        raise EvaluationError(
            [
                Problem(
                    "<python>",
                    "as_of",
                    "missing_date",
                    "give as_of, or a procurement with a submission_date",
                )
            ]
        )
    env = _Env(when, ruleset.params_at(when), context or _DEFAULT_CONTEXT, procurement)
    findings = tuple(_evaluate_criterion(c, declaration, env) for c in ruleset.criteria)
    verdict = all_verdicts(f.verdict for f in findings)
    warnings = []
    if (ruleset.valid_from and when < ruleset.valid_from) or (
        ruleset.valid_to and when > ruleset.valid_to
    ):
        warnings.append(
            Message(
                "ruleset.not_in_force",
                {"as_of": when, "valid_from": ruleset.valid_from, "valid_to": ruleset.valid_to},
            )
        )
    ident = None
    if declaration.organisationsnummer:
        ident = parse_identifier(declaration.organisationsnummer).masked()
    return Result(
        outcome=Outcome.of(verdict),
        verdict=verdict,
        supplier=Supplier(
            mask_personal_numbers(declaration.supplier),
            ident,
            mask_personal_numbers(declaration.id) if declaration.id else None,
        ),
        ruleset_title=ruleset.title,
        findings=findings,
        provenance=Provenance(
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            ruleset_hash=ruleset.content_hash,
            library_version=__version__,
            as_of=when,
            input_hash=_input_hash(declaration),
            procurement=procurement.reference if procurement else None,
        ),
        warnings=tuple(warnings),
    )


_DEFAULT_CONTEXT = EvaluationContext()


def evaluate_many(
    declarations: Iterable[Declaration | Mapping[str, Any] | DeclarationError],
    ruleset: RuleSet,
    *,
    procurement: Procurement | None = None,
    as_of: date | None = None,
    context: EvaluationContext | None = None,
) -> Iterator[Result | DeclarationError]:
    """Evaluate each input lazily, in order: one Result or one located error per input.

    Mappings are validated first (source ``[i]``); an input that is already an error
    is passed through, so a batch never loses a row.
    """
    for i, item in enumerate(declarations):
        if isinstance(item, DeclarationError):
            yield item
            continue
        if not isinstance(item, Declaration):
            from reserverat.declaration import parse_declaration

            try:
                decl = parse_declaration(item, source=f"[{i}]")
            except DeclarationError as exc:
                yield exc
                continue
        else:
            decl = item
        yield evaluate(decl, ruleset, procurement=procurement, as_of=as_of, context=context)
