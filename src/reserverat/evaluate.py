"""Evaluate a declaration against a rule set: a pure function, no I/O, no clock.

Each check kind has one evaluator in ``EVALUATORS``. An evaluator returns an
:class:`Explanation`: the verdict, a stable reason code with its numbers, the
facts and parameters it used, the evidence that would settle an undecided check
and how far a failed check is from passing. Missing facts make a check UNDECIDED,
never NOT_MET; where the known facts already decide it (even if every unknown
person were in the target group the share stays below), the check says so.

Counting is exact: headcounts are ints, FTE and money Decimals, shares Fractions.
"""

from __future__ import annotations

import calendar
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from reserverat._version import __version__
from reserverat.checks import (
    AllOf,
    AnyOf,
    AtLeast,
    Centre,
    FactIsTrue,
    Not,
    Param,
    ShareAtLeast,
    ValueIn,
    _Node,
    canonical_decimal,
)
from reserverat.declaration import (
    Declaration,
    FinancialYear,
    OccupationGroup,
    Owner,
    Procurement,
    Site,
    Workforce,
    parse_declaration,
)
from reserverat.errors import DeclarationError, EvaluationError, Problem
from reserverat.geo import (
    Gazetteer,
    Geocoder,
    Position,
    Unplaced,
    builtin_gazetteer,
    decide_distance,
    geodesic_m,
    locate,
)
from reserverat.identifiers import parse_identifier
from reserverat.logic import Verdict, all_verdicts, any_verdicts, at_least_verdicts, not_verdict
from reserverat.registry import (
    PUBLIC_KINDS,
    OwnerClass,
    PublicBodyRegister,
    SupplierRegister,
    builtin_register,
    normalise_name,
)
from reserverat.result import (
    Explanation,
    Fact,
    Finding,
    Message,
    Outcome,
    Provenance,
    Result,
    Risk,
    Supplier,
)
from reserverat.ruleset import Criterion, RuleSet

__all__ = [
    "EVALUATORS",
    "EVIDENCE_CODES",
    "EvaluationContext",
    "MapLayer",
    "MapPoint",
    "evaluate",
    "evaluate_many",
    "evidence_for",
    "geography",
    "law_date",
]

MET = Verdict.MET
NOT_MET = Verdict.NOT_MET
UNDECIDED = Verdict.UNDECIDED
NOT_APPLICABLE = Verdict.NOT_APPLICABLE
ZERO = Decimal(0)


@dataclass(frozen=True)
class EvaluationContext:
    """Services the checks may call, handed in so that tests and apps can swap them.

    ``public_bodies`` classifies owners by name (default: the register shipped with the
    package); ``registers`` are the supplier registers that ``registered_in`` checks
    name, loaded at the edge with :func:`reserverat.load_register`; ``gazetteer``
    places sites offline (default: the shipped one); ``geocoder`` is consulted only when
    given (for example :class:`reserverat.NominatimGeocoder`): nothing goes online unasked.
    """

    public_bodies: PublicBodyRegister | None = None
    registers: Mapping[str, SupplierRegister] = field(default_factory=dict)
    gazetteer: Gazetteer | None = None
    geocoder: Geocoder | None = None

    def bodies(self) -> PublicBodyRegister:
        """The public-body register in use."""
        return self.public_bodies if self.public_bodies is not None else builtin_register()

    def places(self) -> Gazetteer:
        """The gazetteer in use."""
        return self.gazetteer if self.gazetteer is not None else builtin_gazetteer()


_MEMO_LIMIT = 100_000


class _Env:
    """What one evaluation knows besides the declaration: date, parameters, services.

    It also shares explanations. They are immutable values, and the discrete checks
    (yes/no facts, scope, dates, closed vocabularies) give identical ones for identical
    inputs, so one object serves every declaration that gives the same answer. That
    saves most allocations, and with them most of CPython's garbage-collection work.
    """

    __slots__ = (
        "advisory",
        "as_of",
        "context",
        "cutoffs",
        "mark_cache",
        "memo",
        "nodes",
        "params",
        "procurement",
        "rules",
        "shared",
    )

    def __init__(
        self,
        as_of: date,
        rules: RuleSet,
        context: EvaluationContext,
        procurement: Procurement | None,
    ) -> None:
        self.as_of = as_of
        self.params = rules.params_at(as_of)
        state = rules.evaluation_state(as_of)
        # Resolved nodes by id(node); cut-off dates by months; shared explanations by key.
        self.nodes: dict[int, tuple[Any, tuple[Fact, ...]]] = state.setdefault("nodes", {})
        self.cutoffs: dict[int, date] = state.setdefault("cutoffs", {})
        self.memo: dict[tuple[Any, ...], Any] = state.setdefault("memo", {})
        self.shared: set[int] = state.setdefault("shared", set())
        self.mark_cache: dict[str, tuple[Message, ...]] = state.setdefault("marks", {})
        advisory = state.get("advisory")
        if advisory is None:
            advisory = state["advisory"] = rules.advisory_at(as_of)
        self.advisory: frozenset[str] = advisory
        self.rules = rules
        self.context = context
        self.procurement = procurement

    def marks(self, crit: Criterion) -> tuple[Message, ...]:
        """The criterion's marks on this date: its own basis and its marked parameters."""
        hit = self.mark_cache.get(crit.id)
        if hit is None:
            hit = self.mark_cache[crit.id] = _marks(crit, self.rules, self.params)
        return hit

    def cutoff(self, months: int) -> date:
        """The date ``months`` calendar months before the evaluation date."""
        hit = self.cutoffs.get(months)
        if hit is None:
            hit = self.cutoffs[months] = _months_before(self.as_of, months)
        return hit

    def share(self, key: tuple[Any, ...], value: Any) -> Any:
        """Keep ``value`` as the one object for ``key`` and return it."""
        if len(self.memo) >= _MEMO_LIMIT:
            # Ids in keys are only safe while their objects are held here: drop both together.
            self.memo.clear()
            self.shared.clear()
        self.memo[key] = value
        self.shared.add(id(value))
        return value

    def children_key(self, node: Any, children: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """A memo key for a combinator, or None when a child is not a shared object."""
        shared = self.shared
        for child in children:
            if id(child) not in shared:
                return None
        return (id(node), *(id(c) for c in children))

    def resolve(self, node: Any) -> tuple[Any, tuple[Fact, ...]]:
        """The node with its parameters filled in for this date, and the parameters as facts."""
        hit = self.nodes.get(id(node))
        if hit is None:
            updates: dict[str, Any] = {}
            facts = []
            for name in type(node).model_fields:
                value = getattr(node, name)
                if isinstance(value, Param):
                    resolved = self.params[value.param]
                    updates[name] = resolved
                    facts.append(Fact(value.param, _scalar(resolved)))
            # The values were validated against these very fields when the rule set was built.
            hit = (node.model_copy(update=updates) if updates else node, tuple(facts))
            self.nodes[id(node)] = hit
        return hit


def _scalar(value: Any) -> Any:
    if isinstance(value, tuple):
        # Centres by their names; other lists by their values.
        return ", ".join(v.name or str(v) if isinstance(v, Centre) else str(v) for v in value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


# Evaluators that call env.resolve() take the node as Any: once its param() references are
# filled in, its fields hold plain values, which the node classes' annotations cannot say.
Evaluator = Callable[[Any, Declaration, _Env], Explanation]
EVALUATORS: dict[str, Evaluator] = {}
"""The evaluator of every node kind; a test checks it covers the whole vocabulary."""


def _register(kind: str) -> Callable[[Evaluator], Evaluator]:
    def deco(fn: Evaluator) -> Evaluator:
        EVALUATORS[kind] = fn
        return fn

    return deco


def _explain(
    kind: str,
    verdict: Verdict,
    code: str,
    args: dict[str, Any] | None = None,
    facts: tuple[Fact, ...] = (),
    params: tuple[Fact, ...] = (),
    evidence: tuple[str, ...] = (),
    gap: Message | None = None,
    notes: tuple[Message, ...] = (),
) -> Explanation:
    return Explanation(
        kind, verdict, Message(code, args or {}), facts, params, evidence, gap, notes
    )


def _run(node: _Node, decl: Declaration, env: _Env) -> Explanation:
    return EVALUATORS[node.kind](node, decl, env)  # type: ignore[attr-defined]


# ---- combinators -------------------------------------------------------------------


def _combine(
    node: Any, env: _Env, children: tuple[Explanation, ...], verdict: Verdict, args: dict[str, Any]
) -> Explanation:
    kind = node.kind
    key = env.children_key(node, children)
    if key is not None:
        hit = env.memo.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    made = Explanation(kind, verdict, Message(f"{kind}.{verdict.value}", args), children=children)
    return made if key is None else env.share(key, made)


@_register("all_of")
def _all_of(node: AllOf, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    return _combine(node, env, children, all_verdicts(c.verdict for c in children), {})


@_register("any_of")
def _any_of(node: AnyOf, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    return _combine(node, env, children, any_verdicts(c.verdict for c in children), {})


@_register("not")
def _not(node: Not, decl: Declaration, env: _Env) -> Explanation:
    child = _run(node.of, decl, env)
    return _combine(node, env, (child,), not_verdict(child.verdict), {})


@_register("at_least")
def _at_least(node: AtLeast, decl: Declaration, env: _Env) -> Explanation:
    children = tuple(_run(c, decl, env) for c in node.of)
    verdicts = [c.verdict for c in children]
    met = sum(1 for v in verdicts if v is MET)
    verdict = at_least_verdicts(node.n, verdicts)
    return _combine(node, env, children, verdict, {"n": node.n, "met": met})


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


EVIDENCE_CODES = frozenset(
    {
        "annual_report",
        "basis_decision",
        "legal_person_figures",
        "ownership_register",
        "participation_documents",
        "registration_certificate",
        "salary_statement",
        "staff_list",
        "statutes",
        "supplementary_declaration",
        "truth_declaration",
        "register_extract",
        "site_location",
        "procurement_facts",
        "prior_awards_statement",
        "support_decision",
        "buyer_centre",
        "cpv_list_check",
    }
)
"""Every evidence code an explanation may ask for; the renderers have words for each."""


def evidence_for(path: str) -> str:
    """The evidence code that would settle a missing fact at ``path``."""
    for prefix, code in _EVIDENCE_BY_PREFIX:
        if path.startswith(prefix):
            return code
    return "supplementary_declaration"


_GETTERS: dict[str, Callable[[Declaration, _Env], Any]] = {}


def _getter(path: str) -> Callable[[Declaration, _Env], Any]:
    """A reader for a fact path: into the declaration, or into the tender (``procurement.``)."""
    getter = _GETTERS.get(path)
    if getter is None:
        parts = path.split(".")
        from_tender = parts[0] == "procurement"
        if from_tender:
            parts = parts[1:]

        def getter(decl: Declaration, env: _Env) -> Any:
            obj: Any = env.procurement if from_tender else decl
            if obj is None:
                return None
            for part in parts:
                obj = getattr(obj, part)
                if obj is None:
                    return None
            return obj

        _GETTERS[path] = getter
    return getter


def _missing_evidence(path: str) -> tuple[str, ...]:
    return ("procurement_facts",) if path.startswith("procurement.") else (evidence_for(path),)


def _memoised(kind: str) -> Callable[[Evaluator], Evaluator]:
    """Register an evaluator whose answer depends only on the node and one fact value."""

    def deco(fn: Evaluator) -> Evaluator:
        def run(node: Any, decl: Declaration, env: _Env) -> Explanation:
            key = (id(node), _MEMO_KEYS[kind](node, decl, env))
            hit = env.memo.get(key)
            if hit is None:
                hit = env.share(key, fn(node, decl, env))
            return hit  # type: ignore[no-any-return]

        EVALUATORS[kind] = run
        return fn

    return deco


_MEMO_KEYS: dict[str, Callable[[Any, Declaration, _Env], Any]] = {
    "fact_is_true": lambda node, decl, env: _getter(node.path)(decl, env),
    "value_in": lambda node, decl, env: _getter(node.path)(decl, env),
    "number_at_least": lambda node, decl, env: _getter(node.path)(decl, env),
    "number_at_most": lambda node, decl, env: _getter(node.path)(decl, env),
    "not_older_than": lambda node, decl, env: _getter(node.path)(decl, env),
    "whole_legal_person": lambda node, decl, env: (decl.scope, decl.unit_name),
}


@_memoised("fact_is_true")
def _fact_is_true(node: FactIsTrue, decl: Declaration, env: _Env) -> Explanation:
    path = node.path
    value = _getter(path)(decl, env)
    facts = (Fact(path, value),)
    args = {"path": path}
    if value is None:
        return _explain(
            "fact_is_true", UNDECIDED, "fact.unknown", args, facts, evidence=_missing_evidence(path)
        )
    if value:
        return _explain("fact_is_true", MET, "fact.true", args, facts)
    return _explain("fact_is_true", NOT_MET, "fact.false", args, facts)


@_memoised("value_in")
def _value_in(node: ValueIn, decl: Declaration, env: _Env) -> Explanation:
    value = _getter(node.path)(decl, env)
    raw = None if value is None else str(value)
    facts = (Fact(node.path, raw),)
    args = {"path": node.path, "values": ", ".join(node.values), "value": raw}
    if raw is None:
        return _explain(
            "value_in",
            UNDECIDED,
            "value.unknown",
            args,
            facts,
            evidence=_missing_evidence(node.path),
        )
    if raw in node.values:
        return _explain("value_in", MET, "value.in", args, facts)
    return _explain("value_in", NOT_MET, "value.not_in", args, facts)


@_memoised("number_at_least")
def _number_at_least(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    minimum = Decimal(node.minimum)
    value = _getter(node.path)(decl, env)
    facts = (Fact(node.path, _scalar(value)),)
    args = {"path": node.path, "minimum": minimum, "value": _scalar(value)}
    if value is None:
        return _explain(
            "number_at_least",
            UNDECIDED,
            "number.unknown",
            args,
            facts,
            params,
            evidence=_missing_evidence(node.path),
        )
    if Decimal(value) >= minimum:
        return _explain("number_at_least", MET, "number.at_least", args, facts, params)
    gap = Message("gap.number", {"missing": minimum - Decimal(value), "path": node.path})
    return _explain("number_at_least", NOT_MET, "number.below", args, facts, params, gap=gap)


@_memoised("number_at_most")
def _number_at_most(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    maximum = Decimal(node.maximum)
    value = _getter(node.path)(decl, env)
    facts = (Fact(node.path, _scalar(value)),)
    args = {"path": node.path, "maximum": maximum, "value": _scalar(value)}
    kind = "number_at_most"
    if value is None:
        return _explain(
            kind,
            UNDECIDED,
            "number.unknown",
            args,
            facts,
            params,
            evidence=_missing_evidence(node.path),
        )
    if Decimal(value) <= maximum:
        return _explain(kind, MET, "number.at_most", args, facts, params)
    gap = Message("gap.number_over", {"over": Decimal(value) - maximum, "path": node.path})
    return _explain(kind, NOT_MET, "number.above", args, facts, params, gap=gap)


@_register("cpv_in")
def _cpv_in(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    raw = env.procurement.main_cpv if env.procurement else None
    facts = (Fact("procurement.main_cpv", raw),)
    listed = ", ".join([*node.codes, *(f"{a}–{b}" for a, b in node.ranges)])
    if raw is None:
        return _explain(
            "cpv_in",
            UNDECIDED,
            "cpv.unknown",
            {"listed": listed},
            facts,
            params,
            evidence=("procurement_facts",),
        )
    args = {"cpv": raw.split("-", 1)[0], "listed": listed}
    if node.contains(raw):
        return _explain("cpv_in", MET, "cpv.in", args, facts, params)
    if node.unlisted == "undecided":
        # The list is not verified against the statute: a code outside it is never met,
        # and not failed either until someone has read the statute's own list.
        return _explain(
            "cpv_in", UNDECIDED, "cpv.not_in_unverified", args, facts, params, ("cpv_list_check",)
        )
    return _explain("cpv_in", NOT_MET, "cpv.not_in", args, facts, params)


def _years_before(when: date, years: int) -> date:
    """The same calendar date ``years`` years earlier; 29 February becomes 28 February."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


@_register("no_prior_award_within")
def _no_prior_award_within(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "no_prior_award_within"
    proc = env.procurement
    facts: tuple[Fact, ...] = (
        Fact("procurement.authority", proc.authority if proc else None),
        Fact("procurement.main_cpv", proc.main_cpv if proc else None),
    )
    if decl.prior_awards is None:
        return _explain(
            kind,
            UNDECIDED,
            "awards.unknown",
            None,
            (*facts, Fact("prior_awards", None)),
            params,
            ("prior_awards_statement",),
        )
    if proc is None or proc.authority is None or proc.main_cpv is None:
        return _explain(
            kind, UNDECIDED, "awards.no_procurement", None, facts, params, ("procurement_facts",)
        )
    since = _years_before(env.as_of, node.years)
    digits = node.same_service_digits
    authority = normalise_name(proc.authority)
    service = proc.main_cpv[:digits]
    clashes, unsure = [], []
    for i, award in enumerate(decl.prior_awards):
        facts += (
            Fact(
                f"prior_awards[{i}]",
                f"{award.authority}, {award.cpv or '?'}, "
                f"{award.awarded_on.isoformat()}, {award.basis}",
            ),
        )
        if award.basis != node.basis or not since <= award.awarded_on <= env.as_of:
            continue
        if normalise_name(award.authority) != authority:
            continue
        if award.cpv is None:
            unsure.append(award.awarded_on)
        elif award.cpv[:digits] == service:
            clashes.append(award.awarded_on)
    args: dict[str, Any] = {
        "authority": proc.authority,
        "years": node.years,
        "since": since,
        "as_of": env.as_of,
    }
    if clashes:
        args["awarded_on"] = max(clashes)
        return _explain(kind, NOT_MET, "awards.clash", args, facts, params)
    if unsure:
        args["awarded_on"] = max(unsure)
        return _explain(
            kind, UNDECIDED, "awards.cpv_unknown", args, facts, params, ("prior_awards_statement",)
        )
    return _explain(kind, MET, "awards.none", args, facts, params)


@_memoised("whole_legal_person")
def _whole_legal_person(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "whole_legal_person"
    if decl.scope == "legal_person":
        return _explain(kind, MET, "scope.legal_person", None, (Fact("scope", decl.scope),), params)
    evidence = ("legal_person_figures",)
    if decl.scope == "unit":
        unit = decl.unit_name or ""  # masked as the declaration was read, like all its text
        facts = (Fact("scope", "unit"), Fact("unit_name", unit or None))
        verdict = NOT_MET if node.unit_data == "not_met" else UNDECIDED
        return _explain(kind, verdict, "scope.unit", {"unit": unit}, facts, params, evidence)
    return _explain(
        kind, UNDECIDED, "scope.unknown", None, (Fact("scope", None),), params, evidence
    )


def _months_before(when: date, months: int) -> date:
    year, month = divmod(when.year * 12 + (when.month - 1) - months, 12)
    month += 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@_memoised("not_older_than")
def _not_older_than(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    path = node.path
    value = _getter(path)(decl, env)
    facts = (Fact(path, value),)
    kind = "not_older_than"
    if value is None:
        return _explain(
            kind,
            UNDECIDED,
            "age.unknown",
            {"path": path},
            facts,
            params,
            evidence=_missing_evidence(path),
        )
    cutoff = env.cutoff(node.months)
    args = {
        "path": path,
        "date": value,
        "cutoff": cutoff,
        "months": node.months,
        "as_of": env.as_of,
    }
    if value < cutoff:
        # A stale statement says nothing about today: ask again, do not fail the supplier.
        return _explain(
            kind, UNDECIDED, "age.stale", args, facts, params, evidence=_missing_evidence(path)
        )
    if value > env.as_of:
        # Figures from after the evaluation date do not show the conditions on that date
        # (UHM: assessed when the tender is submitted): ask for figures on the right date.
        return _explain(
            kind, UNDECIDED, "age.after_as_of", args, facts, params, _missing_evidence(path)
        )
    return _explain(kind, MET, "age.fresh", args, facts, params)


# ---- the share of occupied persons in the target groups -------------------------------

Number = int | Decimal


class _Tally:
    """Persons occupied on one basis, and the bounds of how many are in the target groups.

    ``low`` counts unknown target-group membership as outside, ``high`` as inside; when
    they are equal the share is known exactly.
    """

    __slots__ = ("facts", "high", "low", "missing", "missing_groups", "occupied")

    def __init__(self) -> None:
        self.occupied: Number = 0
        self.low: Number = 0
        self.high: Number = 0
        self.missing: list[str] = []
        self.missing_groups: list[str] = []
        self.facts: list[Fact] = []

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _target_bounds(
    group: OccupationGroup,
    n: Number,
    basis: str,
    categories: tuple[str, ...] | None,
    need_only: bool,
    path: str,
    tally: _Tally,
    facts: list[Fact] | None,
) -> tuple[Number, Number]:
    tg = group.target_group
    if not n:
        return 0, 0
    if tg is None:
        tally.missing.append(f"{path}.target_group")
        return 0, n
    total: Number | None = tg.headcount if basis == "headcount" else tg.fte
    if total is None:
        tally.missing.append(f"{path}.target_group.{basis}")
        return 0, n
    if facts is not None:
        facts.append(Fact(f"{path}.target_group.{basis}", total))
    low, high = total, total
    if categories is not None:
        by_cat = tg.by_category
        if by_cat is None:
            tally.missing.append(f"{path}.target_group.by_category")
            low = 0
        else:
            if facts is not None:
                listed = ", ".join(f"{k}={v}" for k, v in by_cat.items())
                facts.append(Fact(f"{path}.target_group.by_category", listed))
            inside = sum(v for k, v in by_cat.items() if k in categories)
            outside = sum(v for k, v in by_cat.items() if k not in categories)
            if basis == "headcount":
                low = high = inside
            elif not inside:
                low = high = 0
            elif outside:
                # FTE is not broken down by category, so only bounds are known.
                low = 0
    if need_only:
        documented, headcount = tg.documented_need, tg.headcount
        if documented is None or headcount is None:
            tally.missing.append(f"{path}.target_group.documented_need")
            low = 0
        else:
            if facts is not None:
                facts.append(Fact(f"{path}.target_group.documented_need", documented))
            if basis == "headcount":
                low = max(0, low - (headcount - documented))
                high = min(high, documented)
            elif documented < headcount:
                low = 0
    return low, high


def _tally(
    wf: Workforce,
    prefix: str,
    basis: str,
    forms: tuple[str, ...],
    categories: tuple[str, ...] | None,
    need_only: bool,
    with_facts: bool = True,
) -> _Tally:
    tally = _Tally()
    # The basis that does not decide is only summarised in a note: no facts for it.
    facts = tally.facts if with_facts else None
    for form in forms:
        group: OccupationGroup | None = getattr(wf, form)
        path = f"{prefix}.{form}"
        if group is None:
            tally.missing_groups.append(path)
            continue
        n: Number | None = group.headcount if basis == "headcount" else group.fte
        if n is None and basis == "fte" and group.headcount == 0:
            n = ZERO
        if n is None:
            tally.missing_groups.append(f"{path}.{basis}")
            continue
        if facts is not None:
            facts.append(Fact(f"{path}.{basis}", n))
        low, high = _target_bounds(group, n, basis, categories, need_only, path, tally, facts)
        tally.occupied += n
        tally.low += low
        tally.high += high
    return tally


def _undocumented(
    wf: Workforce, prefix: str, forms: tuple[str, ...]
) -> tuple[int, int, list[Fact]] | None:
    """Documented and counted target-group persons, where some form states fewer documented."""
    documented = counted = 0
    short = False
    facts: list[Fact] = []
    for form in forms:
        group: OccupationGroup | None = getattr(wf, form)
        tg = group.target_group if group is not None else None
        if tg is None or tg.headcount is None:
            continue
        counted += tg.headcount
        if tg.documented_need is None:
            documented += tg.headcount
            continue
        documented += tg.documented_need
        facts.append(Fact(f"{prefix}.{form}.target_group.documented_need", tg.documented_need))
        short = short or tg.documented_need < tg.headcount
    return (documented, counted, facts) if short else None


def _verdict_of(t: _Tally, threshold: Fraction) -> Verdict:
    """MET if even the low bound reaches the threshold, NOT_MET if even the high one misses."""
    p, q = threshold.numerator, threshold.denominator
    # low / occupied >= p / q, compared without division: exact for ints and Decimals.
    if t.low * q >= p * t.occupied:
        return MET
    if t.high * q < p * t.occupied:
        return NOT_MET
    return UNDECIDED


def _ratio(part: Number, whole: Number) -> Fraction:
    """part / whole, exactly; ints take the one-step constructor."""
    if isinstance(part, int) and isinstance(whole, int):
        return Fraction(part, whole)
    return Fraction(part) / Fraction(whole)


_FRACTIONS: dict[Decimal, Fraction] = {}


def _fraction(value: Decimal) -> Fraction:
    """A rule-set parameter as a Fraction; few distinct values, so they are kept."""
    hit = _FRACTIONS.get(value)
    if hit is None:
        hit = _FRACTIONS[value] = Fraction(value)
    return hit


def _num(value: Number) -> int | Decimal:
    return value if isinstance(value, int) else canonical_decimal(value)


def _share_gap(t: _Tally, basis: str, threshold: Fraction) -> Message:
    points = threshold - _ratio(t.high, t.occupied)
    if basis == "headcount":
        needed = -((-threshold * int(t.occupied)) // 1) - int(t.high)  # ceil(threshold * N) - T
        return Message(
            "gap.share_headcount",
            {"persons": int(needed), "occupied": int(t.occupied), "points": points},
        )
    fte = threshold * Fraction(t.occupied) - Fraction(t.high)
    return Message("gap.share_fte", {"fte": _dec(fte), "points": points})


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _declared_share(
    node: ShareAtLeast,
    decl: Declaration,
    wf: Workforce,
    prefix: str,
    threshold: Fraction,
    params: tuple[Fact, ...],
) -> Explanation:
    assert wf.declared_share is not None
    declared = Fraction(wf.declared_share)
    facts = (Fact(f"{prefix}.declared_share", wf.declared_share),)
    args = {"share": declared, "threshold": threshold}
    kind = "share_at_least"
    notes: tuple[Message, ...] = ()
    if decl.espd is not None and decl.espd.answer == "yes" and declared < threshold:
        # A "yes" claims reserved status; a share below the threshold contradicts it.
        notes = (Message("share.espd_claim_below", {"share": declared}),)
    if node.declared_share == "undecided":
        return _explain(
            kind,
            UNDECIDED,
            "share.declared_not_accepted",
            args,
            facts,
            params,
            evidence=("staff_list",),
            notes=notes,
        )
    if declared >= threshold:
        return _explain(kind, MET, "share.declared_met", args, facts, params)
    gap = Message("gap.share_points", {"points": threshold - declared})
    return _explain(
        kind, NOT_MET, "share.declared_below", args, facts, params, gap=gap, notes=notes
    )


@_register("share_at_least")
def _share_at_least(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "share_at_least"
    threshold = _fraction(node.threshold)
    forms: tuple[str, ...] = node.forms
    supplier = node.workforce == "supplier"
    prefix = "workforce" if supplier else "programme_workforce"
    wf = decl.workforce if supplier else decl.programme_workforce
    if wf is None:
        espd = decl.espd
        espd_notes: tuple[Message, ...] = ()
        if supplier and espd is not None and espd.percent_scale == "ambiguous":
            raw = Fraction(espd.percent_raw or 0)
            espd_notes = (
                Message(
                    "share.espd_ambiguous",
                    {"raw": espd.percent_raw, "as_fraction": raw, "as_points": raw / 100},
                ),
            )
        return _explain(
            kind,
            UNDECIDED,
            "share.no_workforce",
            {"path": prefix},
            (Fact(prefix, None),),
            params,
            ("staff_list",),
            notes=espd_notes,
        )
    if wf.declared_share is not None and all(getattr(wf, f) is None for f in forms):
        return _declared_share(node, decl, wf, prefix, threshold, params)

    primary = "fte" if node.basis == "fte" else "headcount"
    need_only = node.documented_need_only or node.undocumented_need == "exclude"
    tally = _tally(wf, prefix, primary, forms, node.categories, need_only)
    facts = tally.facts
    if wf.reference_date is not None:
        facts.insert(0, Fact(f"{prefix}.reference_date", wf.reference_date))
    if tally.missing_groups:
        return _explain(
            kind,
            UNDECIDED,
            "share.missing_counts",
            {"missing": ", ".join(tally.missing_groups)},
            tuple(facts),
            params,
            ("staff_list",),
        )
    if not tally.occupied:
        return _explain(
            kind,
            UNDECIDED,
            "share.no_occupied",
            {"basis": primary},
            tuple(facts),
            params,
            ("staff_list",),
        )
    verdict = _verdict_of(tally, threshold)
    share = _ratio(tally.low, tally.occupied)
    args: dict[str, Any] = {
        "basis": primary,
        "occupied": _num(tally.occupied),
        "target": _num(tally.low),
        "target_high": _num(tally.high),
        "share": share,
        "share_high": share if tally.exact else _ratio(tally.high, tally.occupied),
        "threshold": threshold,
    }

    # The other basis, when the declaration allows it, so the buyer sees both readings.
    notes: list[Message] = []
    other = "fte" if primary == "headcount" else "headcount"
    other_tally = _tally(wf, prefix, other, forms, node.categories, need_only, with_facts=False)
    other_verdict = None
    if not other_tally.missing_groups and other_tally.occupied:
        other_verdict = _verdict_of(other_tally, threshold)
        if other_tally.exact:
            notes.append(
                Message(
                    "share.other_basis",
                    {
                        "basis": other,
                        "share": _ratio(other_tally.low, other_tally.occupied),
                        "occupied": _num(other_tally.occupied),
                        "target": _num(other_tally.low),
                        "verdict": other_verdict.value,
                    },
                )
            )

    if wf.declared_share is not None and tally.exact:
        counted = share
        facts.append(Fact(f"{prefix}.declared_share", wf.declared_share))
        # ESPD percentages are rounded to whole points; more than half a point apart disagrees.
        if abs(Fraction(wf.declared_share) - counted) > Fraction(1, 200):
            notes.append(
                Message(
                    "share.declared_mismatch",
                    {"declared": Fraction(wf.declared_share), "share": counted},
                )
            )

    undocumented = None if need_only else _undocumented(wf, prefix, forms)
    if undocumented is not None:
        documented, listed, need_facts = undocumented
        facts.extend(need_facts)
        need_tally = _tally(wf, prefix, primary, forms, node.categories, True, with_facts=False)
        need_args: dict[str, Any] = {"documented": documented, "target": listed}
        if _verdict_of(need_tally, threshold) is not verdict:
            # UHM: each person counted must have a real need of support; never ignore it.
            return _explain(
                kind,
                UNDECIDED,
                "share.undocumented_need",
                args | need_args,
                tuple(facts),
                params,
                ("support_decision",),
                notes=tuple(notes),
            )
        notes.append(Message("share.documented_need_same", need_args))

    fact_tuple, note_tuple = tuple(facts), tuple(notes)
    if node.basis == "unspecified" and other_verdict is not None and other_verdict is not verdict:
        return _explain(
            kind,
            UNDECIDED,
            "share.basis_ambiguous",
            args,
            fact_tuple,
            params,
            ("basis_decision",),
            notes=note_tuple,
        )
    if verdict is MET:
        code = "share.met" if tally.exact else "share.met_at_least"
        return _explain(kind, MET, code, args, fact_tuple, params, notes=note_tuple)
    if verdict is NOT_MET:
        code = "share.below" if tally.exact else "share.below_even_if"
        return _explain(
            kind,
            NOT_MET,
            code,
            args,
            fact_tuple,
            params,
            gap=_share_gap(tally, primary, threshold),
            notes=note_tuple,
        )
    args["missing"] = ", ".join(tally.missing)
    return _explain(
        kind,
        UNDECIDED,
        "share.unknown_targets",
        args,
        fact_tuple,
        params,
        ("staff_list",),
        notes=note_tuple,
    )


# ---- owners and control ----------------------------------------------------------------


def _classify(owner: Owner, env: _Env, accept: float, grey: float) -> OwnerClass:
    """An owner's class: the declared kind where the name does not contradict it."""
    found = env.context.bodies().classify(
        owner.name, owner.organisationsnummer, accept=accept, grey=grey
    )
    if owner.kind is None:
        return found
    declared = owner.kind.value
    if declared in PUBLIC_KINDS:
        return OwnerClass(declared, True, "declared")
    if found.public is True:
        # Declared private, but the name is a public body's: the name wins, and we say so.
        return OwnerClass(found.kind, True, "declared_contradicted", found.matched, found.score)
    return OwnerClass(declared, False, "declared")


def _owner_label(owner: Owner) -> str:
    # Owners are often persons: their names were masked as they were read; their numbers
    # are kept (registers match on them) and masked here when they are personnummer.
    if owner.organisationsnummer:
        return f"{owner.name} ({parse_identifier(owner.organisationsnummer).masked()})"
    return owner.name


def _owner_note(label: str, c: OwnerClass, declared: str | None) -> Message:
    args: dict[str, Any] = {
        "owner": label,
        "kind": c.kind,
        "matched": c.matched,
        "declared": declared,
    }
    if c.score is not None:
        args["score"] = round(c.score)
    if c.why is not None:
        args["why_sv"], args["why_en"] = c.why
    return Message(f"owner.{c.reason}", args)


def _classified(
    owners: tuple[Owner, ...], env: _Env, accept: float, grey: float
) -> tuple[list[tuple[int, Owner, str, OwnerClass]], tuple[Fact, ...], tuple[Message, ...]]:
    rows, facts, notes = [], [], []
    for i, owner in enumerate(owners):
        c = _classify(owner, env, accept, grey)
        label = _owner_label(owner)
        rows.append((i, owner, label, c))
        # The owner's kind is said in words by the note; a code here would be English text.
        facts.append(Fact(f"owners[{i}]", label))
        notes.append(_owner_note(label, c, owner.kind.value if owner.kind else None))
    return rows, tuple(facts), tuple(notes)


_NO_OWNERS = (Fact("owners", None),)


@_register("no_public_owner")
def _no_public_owner(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "no_public_owner"
    owners = decl.owners
    if owners is None:
        return _explain(
            kind, UNDECIDED, "owners.unknown", None, _NO_OWNERS, params, ("ownership_register",)
        )
    if not owners:
        return _explain(kind, MET, "owners.none", None, (Fact("owners", "[]"),), params)
    rows, facts, notes = _classified(owners, env, node.accept, node.grey)
    public = [label for _, _, label, c in rows if c.public is True]
    unsure = [label for _, _, label, c in rows if c.public is None]
    if public:
        return _explain(
            kind,
            NOT_MET,
            "owners.public",
            {"owners": ", ".join(public)},
            facts,
            params,
            notes=notes,
        )
    if unsure:
        return _explain(
            kind,
            UNDECIDED,
            "owners.kind_unknown",
            {"owners": ", ".join(unsure)},
            facts,
            params,
            ("ownership_register",),
            notes=notes,
        )
    code = "owners.none_public_one" if len(owners) == 1 else "owners.none_public"
    return _explain(kind, MET, code, {"count": len(owners)}, facts, params, notes=notes)


@_register("public_share_at_most")
def _public_share_at_most(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "public_share_at_most"
    maximum = Fraction(node.maximum)
    owners = decl.owners
    if owners is None:
        return _explain(
            kind, UNDECIDED, "owners.unknown", None, _NO_OWNERS, params, ("ownership_register",)
        )
    attr = "vote_share" if node.of == "votes" else "capital_share"
    rows, facts, notes = _classified(owners, env, node.accept, node.grey)
    total = Fraction(0)
    unknown = []
    for i, owner, label, c in rows:
        share = getattr(owner, attr)
        if c.public is None or (c.public and share is None):
            unknown.append(label)
        elif c.public:
            total += Fraction(share)
            facts += (Fact(f"owners[{i}].{attr}", share),)
    args = {"share": total, "maximum": maximum, "of": node.of}
    if total > maximum:
        gap = Message("gap.share_points", {"points": total - maximum})
        return _explain(
            kind, NOT_MET, "owners.public_share_above", args, facts, params, gap=gap, notes=notes
        )
    if unknown:
        return _explain(
            kind,
            UNDECIDED,
            "owners.kind_unknown",
            {"owners": ", ".join(unknown)},
            facts,
            params,
            ("ownership_register",),
            notes=notes,
        )
    return _explain(kind, MET, "owners.public_share_within", args, facts, params, notes=notes)


@_register("no_controlling_influence")
def _no_controlling_influence(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "no_controlling_influence"
    control = decl.control
    facts: tuple[Fact, ...] = ()
    if control is not None:
        facts = (
            Fact("control.public_appoints_board_majority", control.public_appoints_board_majority),
            Fact("control.public_other_control", control.public_other_control),
        )
        if control.public_appoints_board_majority or control.public_other_control:
            code = "control.board" if control.public_appoints_board_majority else "control.other"
            return _explain(kind, NOT_MET, code, {"owner": "-"}, facts, params)
    owners = decl.owners
    if owners is None:
        return _explain(
            kind,
            UNDECIDED,
            "owners.unknown",
            None,
            _NO_OWNERS + facts,
            params,
            ("ownership_register",),
        )
    rows, owner_facts, notes = _classified(owners, env, node.accept, node.grey)
    facts += owner_facts
    public_rows = [(i, o, label) for i, o, label, c in rows if c.public is True]
    unsure = [label for _, _, label, c in rows if c.public is None]
    for i, owner, label in public_rows:
        facts += (
            Fact(f"owners[{i}].vote_share", owner.vote_share),
            Fact(f"owners[{i}].appoints_board_majority", owner.appoints_board_majority),
        )
        if owner.appoints_board_majority or owner.other_control:
            code = "control.board" if owner.appoints_board_majority else "control.other"
            return _explain(kind, NOT_MET, code, {"owner": label}, facts, params, notes=notes)
    votes = [o.vote_share for _, o, _ in public_rows]
    known = [Fraction(v) for v in votes if v is not None]
    biggest = max(known, default=Fraction(0))
    total = sum(known, Fraction(0)) if node.aggregate else biggest
    args: dict[str, Any] = {
        "share": total,
        "owners": ", ".join(label for *_, label in public_rows) or "-",
        "aggregate": node.aggregate,
    }
    args["limit"] = Fraction(node.votes_above)
    if total > Fraction(node.votes_above):
        return _explain(kind, NOT_MET, "control.majority", args, facts, params, notes=notes)
    missing_votes = [label for (_, o, label) in public_rows if o.vote_share is None]
    if unsure or missing_votes:
        return _explain(
            kind,
            UNDECIDED,
            "owners.kind_unknown",
            {"owners": ", ".join(unsure + missing_votes)},
            facts,
            params,
            ("ownership_register",),
            notes=notes,
        )
    if not public_rows and not unsure:
        return _explain(kind, MET, "control.no_public_owners", None, facts, params, notes=notes)
    board_unknown = [label for (_, o, label) in public_rows if o.appoints_board_majority is None]
    if board_unknown and node.board == "undecided":
        return _explain(
            kind,
            UNDECIDED,
            "control.board_unknown",
            {"owners": ", ".join(board_unknown)},
            facts,
            params,
            ("ownership_register",),
            notes=notes,
        )
    if board_unknown:
        notes += (Message("control.board_assumed", {"owners": ", ".join(board_unknown)}),)
    return _explain(kind, MET, "control.none", args, facts, params, notes=notes)


@_register("registered_in")
def _registered_in(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "registered_in"
    register = env.context.registers.get(node.register_id)
    facts = (Fact("organisationsnummer", _masked_number(decl)), Fact("supplier", decl.supplier))
    if register is None:
        return _explain(
            kind,
            UNDECIDED,
            "register.not_supplied",
            {"register": node.register_id},
            facts,
            params,
            ("register_extract",),
        )
    match = register.find(decl.organisationsnummer, decl.supplier, accept=node.accept)
    args: dict[str, Any] = {"register": node.register_id, "size": len(register)}
    if match.entry is not None:
        args |= {
            "name": match.entry.name,
            "row": match.entry.row,
            "number": _masked(match.entry.organisationsnummer),
        }
    if match.how == "organisationsnummer":
        return _explain(kind, MET, "register.number", args, facts, params)
    if match.how == "name" and decl.organisationsnummer is None:
        return _explain(kind, MET, "register.name", args, facts, params)
    if match.how in ("name", "near_name"):
        args["score"] = round(match.score or 0)
        return _explain(
            kind, UNDECIDED, "register.near", args, facts, params, ("register_extract",)
        )
    return _explain(kind, NOT_MET, "register.absent", args, facts, params)


def _masked(number: str | None) -> str | None:
    return parse_identifier(number).masked() if number else None


def _masked_number(decl: Declaration) -> str | None:
    return _masked(decl.organisationsnummer)


# ---- where the sites are -------------------------------------------------------------------


def _candidate_sites(decl: Declaration) -> list[tuple[int, Site]]:
    """The sites where the contract is performed: those marked so, else all not marked not."""
    sites = list(enumerate(decl.sites or ()))
    marked = [(i, s) for i, s in sites if s.performs_contract is True]
    return marked or [(i, s) for i, s in sites if s.performs_contract is not False]


def _site_label(i: int, site: Site) -> str:
    return site.name or site.address or site.locality or f"sites[{i}]"


def _position_fact(i: int, pos: Position | Unplaced) -> Fact:
    # Coordinates only: how the position was found is said, in words, by the message.
    if isinstance(pos, Unplaced):
        return Fact(f"sites[{i}]", None)
    return Fact(f"sites[{i}]", f"{pos.lat:.5f}, {pos.lon:.5f} (±{pos.uncertainty_m:.0f} m)")


def _unplaced_message(label: str, pos: Unplaced) -> Message:
    return Message(f"geo.unplaced.{pos.reason}", {"site": label, "detail": pos.detail})


def _placed_sites(
    candidates: list[tuple[int, Site]],
    env: _Env,
    facts: list[Fact],
    per_site: list[tuple[Verdict, Message]],
) -> Iterator[tuple[str, Position]]:
    """Each candidate site's label and position; an unplaced site is reported undecided."""
    gaz = env.context.places()
    for i, site in candidates:
        label = _site_label(i, site)
        pos = locate(site, gaz, env.context.geocoder)
        facts.append(_position_fact(i, pos))
        if isinstance(pos, Unplaced):
            per_site.append((UNDECIDED, _unplaced_message(label, pos)))
            continue
        yield label, pos


def _combine_sites(mode: str, verdicts: list[Verdict]) -> Verdict:
    return any_verdicts(verdicts) if mode == "any" else all_verdicts(verdicts)


def _decisive(verdict: Verdict, per_site: list[tuple[Verdict, Message]]) -> int:
    """Which site's message explains the combined verdict: the first site with that verdict."""
    for k, (v, _) in enumerate(per_site):
        if v is verdict:
            return k
    return 0


def _no_sites(kind: str, params: tuple[Fact, ...]) -> Explanation:
    return _explain(
        kind, UNDECIDED, "geo.no_sites", None, (Fact("sites", None),), params, ("site_location",)
    )


def _sites_result(
    kind: str,
    mode: str,
    per_site: list[tuple[Verdict, Message]],
    facts: tuple[Fact, ...],
    params: tuple[Fact, ...],
    gap: Message | None,
) -> Explanation:
    verdict = _combine_sites(mode, [v for v, _ in per_site])
    k = _decisive(verdict, per_site)
    reason = per_site[k][1]
    notes = tuple(m for j, (_, m) in enumerate(per_site) if j != k)
    evidence: tuple[str, ...] = ()
    if verdict is UNDECIDED:
        centre = reason.code == "geo.uncertain_centre"
        evidence = ("buyer_centre",) if centre else ("site_location",)
    return Explanation(
        kind, verdict, reason, facts, params, evidence, gap if verdict is NOT_MET else None, notes
    )


def _km(metres: float) -> Decimal:
    return Decimal(round(metres)) / 1000


@_register("within_km")
def _within_km(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "within_km"
    candidates = _candidate_sites(decl)
    if not candidates:
        return _no_sites(kind, params)
    gaz = env.context.places()
    centres = [_centre_position(c, gaz) for c in node.of]
    radius_m = float(node.radius_km) * 1000
    per_site: list[tuple[Verdict, Message]] = []
    facts = [
        Fact(
            f"centre[{j}]",
            f"{p.detail}: {p.lat:.5f}, {p.lon:.5f} (±{p.uncertainty_m:.0f} m)",
        )
        for j, p in enumerate(centres)
    ]
    shortfall: tuple[float, str, float] | None = None
    for label, pos in _placed_sites(candidates, env, facts, per_site):
        best: tuple[int, float, float, Position] | None = None
        for centre in centres:
            d = geodesic_m(pos.lat, pos.lon, centre.lat, centre.lon)
            u = pos.uncertainty_m + centre.uncertainty_m
            decision = decide_distance(d, u, radius_m)
            if best is None or (decision, -d) > (best[0], -best[1]):
                best = (decision, d, u, centre)
        assert best is not None
        decision, d, u, centre = best
        code = {1: "geo.within", -1: "geo.outside", 0: "geo.uncertain"}[decision]
        if decision == 0 and centre.uncertainty_m > pos.uncertainty_m:
            # What is missing is the buyer's own point for the centre, not the site's.
            code = "geo.uncertain_centre"
        verdict = {1: MET, -1: NOT_MET, 0: UNDECIDED}[decision]
        per_site.append(
            (
                verdict,
                Message(
                    code,
                    {
                        "site": label,
                        "distance": _km(d),
                        "radius": Decimal(node.radius_km),
                        "centre": centre.detail,
                        "centre_source": centre.source,
                        "uncertainty": round(u),
                        "source": pos.source,
                        "place": pos.detail,
                    },
                ),
            )
        )
        if decision == -1:
            # Within means distance + uncertainty <= radius: that is how much closer to pass.
            closer = d + u - radius_m
            if shortfall is None or closer < shortfall[0]:
                shortfall = (closer, centre.detail, u)
    gap = None
    if shortfall is not None:
        closer, nearest, unc = shortfall
        args = {"distance": _km(closer), "centre": nearest, "uncertainty": round(unc)}
        gap = Message("gap.km", args)
    return _sites_result(kind, node.sites, per_site, tuple(facts), params, gap)


def _centre_position(centre: Any, gaz: Gazetteer) -> Position:
    if centre.municipality is not None:
        muni = gaz.municipality(centre.municipality)
        assert muni is not None  # checked when the rule set was built
        pos = muni.seat_position()
        return (
            pos
            if centre.name is None
            else Position(pos.lat, pos.lon, pos.uncertainty_m, pos.source, centre.name)
        )
    return Position(
        centre.lat,
        centre.lon,
        centre.uncertainty_m,
        "stated_by_buyer",
        centre.name or f"{centre.lat}, {centre.lon}",
    )


@lru_cache(maxsize=64)
def _zone_shape(geometry: str) -> Any:
    from shapely.geometry import shape

    return shape(json.loads(geometry))


def _boundary_distance_m(zone: Any, lat: float, lon: float) -> tuple[bool, float]:
    """Whether the point is inside the (closed) zone, and its distance to the boundary.

    Measured in a local plane around the point (an equirectangular projection), which is
    accurate to well under a metre per kilometre at Swedish latitudes and zone sizes.
    """
    from shapely.affinity import affine_transform
    from shapely.geometry import Point

    kx = 111_320.0 * math.cos(math.radians(lat))
    ky = 110_574.0
    local = affine_transform(zone, [kx, 0, 0, ky, -kx * lon, -ky * lat])
    origin = Point(0, 0)
    return bool(local.covers(origin)), float(local.boundary.distance(origin))


@_register("in_zone")
def _in_zone(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "in_zone"
    candidates = _candidate_sites(decl)
    if not candidates:
        return _no_sites(kind, params)
    zone = _zone_shape(node.geometry)
    per_site: list[tuple[Verdict, Message]] = []
    facts: list[Fact] = []
    shortfall: float | None = None
    for label, pos in _placed_sites(candidates, env, facts, per_site):
        inside, d = _boundary_distance_m(zone, pos.lat, pos.lon)
        u = pos.uncertainty_m
        if inside and round(d * 1000) >= round(u * 1000):
            verdict, code = MET, "zone.inside"
        elif not inside and round(d * 1000) > round(u * 1000):
            verdict, code = NOT_MET, "zone.outside"
            # Inside for certain means boundary distance >= uncertainty: move d + u inwards.
            shortfall = d + u if shortfall is None else min(shortfall, d + u)
        else:
            verdict, code = UNDECIDED, "zone.uncertain"
        per_site.append(
            (
                verdict,
                Message(
                    code,
                    {
                        "site": label,
                        "zone": node.name,
                        "boundary": _km(d),
                        "uncertainty": round(u),
                        "source": pos.source,
                    },
                ),
            )
        )
    gap = None
    if shortfall is not None:
        gap = Message("gap.zone", {"distance": _km(shortfall), "zone": node.name})
    return _sites_result(kind, node.sites, per_site, tuple(facts), params, gap)


def _site_municipality(site: Site, gaz: Gazetteer) -> tuple[str | None, str]:
    if site.municipality:
        muni = gaz.municipality(site.municipality)
        if muni is not None:
            return muni.code, "declared"
    if site.postal_code:
        code = gaz.postal_municipality(site.postal_code)
        if code is not None:
            return code, "postal_code"
    if site.locality:
        matches = gaz.localities(site.locality)
        codes = {m for _, m in matches}
        if len(codes) == 1:
            return codes.pop(), "locality"
    return None, "unknown"


def _municipality_label(gaz: Gazetteer, code: str) -> str:
    muni = gaz.municipality(code)
    return f"{muni.name} ({code})" if muni is not None else code


@_register("in_municipality")
def _in_municipality(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "in_municipality"
    candidates = _candidate_sites(decl)
    if not candidates:
        return _no_sites(kind, params)
    gaz = env.context.places()
    wanted = ", ".join(_municipality_label(gaz, c) for c in node.codes)
    per_site: list[tuple[Verdict, Message]] = []
    facts = []
    for i, site in candidates:
        label = _site_label(i, site)
        code, how = _site_municipality(site, gaz)
        facts.append(Fact(f"sites[{i}].municipality", code))
        if code is None:
            per_site.append((UNDECIDED, Message("municipality.unknown", {"site": label})))
            continue
        args = {
            "site": label,
            "municipality": _municipality_label(gaz, code),
            "how": how,
            "wanted": wanted,
        }
        verdict = MET if code in node.codes else NOT_MET
        per_site.append(
            (verdict, Message(f"municipality.{'in' if verdict is MET else 'not_in'}", args))
        )
    return _sites_result(kind, node.sites, per_site, tuple(facts), params, None)


# ---- money ---------------------------------------------------------------------------

_RECIPIENT_FIELD = {
    "owners": "to_owners",
    "registered_ideburna": "to_registered_ideburna",
    "unregistered_ideburna": "to_unregistered_ideburna",
    "research": "to_research",
    "work_integration": "to_work_integration",
    "other": "to_other",
}
_FIELD_RECIPIENT = {field: recipient for recipient, field in _RECIPIENT_FIELD.items()}
# The older field names no registration: it counts for whichever idéburen kind is forbidden.
_LEGACY_IDEBURNA = "to_ideburna"
_IDEBURNA = ("registered_ideburna", "unregistered_ideburna")


def _window(decl: Declaration, years: int, as_of: date) -> list[FinancialYear] | None:
    """The last ``years`` closed years; None when too few and the supplier is not younger."""
    closed = sorted(
        (fy for fy in decl.financial_years or () if fy.end <= as_of),
        key=lambda fy: fy.end,
        reverse=True,
    )
    window = closed[:years]
    if len(window) >= years:
        return window
    if window and decl.founded is not None and decl.founded > _months_before(as_of, 12 * years):
        # Younger than the window: judge on every year it has closed.
        return window
    return None


def _fy_facts(window: Iterable[FinancialYear], attrs: Iterable[str]) -> tuple[Fact, ...]:
    return tuple(
        Fact(f"financial_years[{fy.end.isoformat()}].{attr}", getattr(fy, attr))
        for fy in window
        for attr in attrs
    )


def _money_precheck(
    kind: str,
    decl: Declaration,
    years: int,
    env: _Env,
    params: tuple[Fact, ...],
    accounts_within_months: int,
) -> list[FinancialYear] | Explanation:
    if decl.financial_years is None:
        return _explain(
            kind,
            UNDECIDED,
            "money.no_years",
            None,
            (Fact("financial_years", None),),
            params,
            ("annual_report",),
        )
    closed_years = [fy for fy in decl.financial_years if fy.end <= env.as_of]
    latest = max((fy.end for fy in closed_years), default=None)
    due = env.cutoff(accounts_within_months)
    if latest is not None and latest < due:
        # Old accounts say nothing about the supplier now: ask for the recent ones.
        return _explain(
            kind,
            UNDECIDED,
            "money.stale_years",
            {"latest": latest, "due": due, "months": accounts_within_months},
            _fy_facts(closed_years, ("result",)),
            params,
            ("annual_report",),
        )
    window = _window(decl, years, env.as_of)
    if window is None:
        closed = closed_years
        return _explain(
            kind,
            UNDECIDED,
            "money.too_few_years",
            {"have": len(closed), "need": years},
            _fy_facts(closed, ("result",)),
            params,
            ("annual_report",),
        )
    return window


def _unstated_money(
    kind: str, facts: tuple[Fact, ...], params: tuple[Fact, ...]
) -> Explanation | None:
    """UNDECIDED, asking for annual reports, when any of the window's amounts is unstated."""
    missing = [f.path for f in facts if f.value is None]
    if not missing:
        return None
    return _explain(
        kind,
        UNDECIDED,
        "money.missing",
        {"missing": ", ".join(missing)},
        facts,
        params,
        ("annual_report",),
    )


@_register("profits_mainly_reinvested")
def _profits_mainly_reinvested(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "profits_mainly_reinvested"
    share = Fraction(node.share)
    window = _money_precheck(kind, decl, node.years, env, params, node.accounts_within_months)
    if isinstance(window, Explanation):
        return window
    fields = [_RECIPIENT_FIELD[r] for r in node.distributed_to]
    facts = _fy_facts(window, ["result", *fields])
    unstated = _unstated_money(kind, facts, params)
    if unstated is not None:
        return unstated
    if any(r in _IDEBURNA for r in node.distributed_to):
        # The older unregistered-or-not field counts too, where it is stated.
        fields.append(_LEGACY_IDEBURNA)
    profit = sum((max(fy.result or ZERO, ZERO) for fy in window), ZERO)
    out = sum((getattr(fy, f) or ZERO for fy in window for f in fields), ZERO)
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
            return _explain(kind, MET, "money.no_profit", args, facts, params)
        return _explain(
            kind,
            NOT_MET,
            "money.transfer_without_profit",
            args,
            facts,
            params,
            gap=Message("gap.money", {"amount": out}),
        )
    kept = Fraction(profit - out) / Fraction(profit)
    args["kept"] = max(kept, Fraction(0))
    if kept >= share:
        return _explain(kind, MET, "money.mainly_reinvested", args, facts, params)
    excess = Fraction(out) - Fraction(profit) * (1 - share)
    return _explain(
        kind,
        NOT_MET,
        "money.not_mainly_reinvested",
        args,
        facts,
        params,
        gap=Message("gap.money", {"amount": _dec(excess)}),
    )


@_register("transfers_only_to")
def _transfers_only_to(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "transfers_only_to"
    window = _money_precheck(kind, decl, node.years, env, params, node.accounts_within_months)
    if isinstance(window, Explanation):
        return window
    forbidden = [f for r, f in _RECIPIENT_FIELD.items() if r not in node.allowed]
    facts = _fy_facts(window, forbidden)
    paid = [f for f in facts if f.value is not None and f.value > 0]
    args: dict[str, Any] = {"allowed": ", ".join(node.allowed) or "-", "years": len(window)}
    if paid:
        total = sum((f.value for f in paid), ZERO)
        recipients = dict.fromkeys(_FIELD_RECIPIENT[f.path.rsplit(".", 1)[1]] for f in paid)
        args |= {"recipients": ", ".join(recipients), "amount": total}
        return _explain(
            kind,
            NOT_MET,
            "money.forbidden_transfer",
            args,
            facts,
            params,
            gap=Message("gap.money", {"amount": total}),
        )
    # Older declarations name idéburna recipients without saying whether they are registered.
    legacy = tuple(
        Fact(f"financial_years[{fy.end.isoformat()}].{_LEGACY_IDEBURNA}", fy.to_ideburna)
        for fy in window
        if fy.to_ideburna
    )
    allowed_ideburna = [r for r in _IDEBURNA if r in node.allowed]
    if legacy and len(allowed_ideburna) < len(_IDEBURNA):
        amount = sum((f.value for f in legacy), ZERO)
        if not allowed_ideburna:
            args |= {"recipients": "ideburna", "amount": amount}
            return _explain(
                kind,
                NOT_MET,
                "money.forbidden_transfer",
                args,
                facts + legacy,
                params,
                gap=Message("gap.money", {"amount": amount}),
            )
        unstated = _unstated_money(kind, facts, params)
        notes = (unstated.reason,) if unstated is not None else ()
        return _explain(
            kind,
            UNDECIDED,
            "money.ideburna_registration_unknown",
            {"amount": amount},
            facts + legacy,
            params,
            ("register_extract",),
            notes=notes,
        )
    unstated = _unstated_money(kind, facts, params)
    if unstated is not None:
        return unstated
    return _explain(kind, MET, "money.transfers_allowed", args, facts, params)


@_register("salary_ratio_at_most")
def _salary_ratio_at_most(node: Any, decl: Declaration, env: _Env) -> Explanation:
    node, params = env.resolve(node)
    kind = "salary_ratio_at_most"
    ratio = Decimal(node.ratio)
    s = decl.salaries
    lowest = s.lowest if s else None
    highest = s.highest if s else None
    facts = (Fact("salaries.lowest", lowest), Fact("salaries.highest", highest))
    if lowest is None or highest is None:
        return _explain(
            kind, UNDECIDED, "salary.unknown", None, facts, params, ("salary_statement",)
        )
    actual = Fraction(highest) / Fraction(lowest)
    args = {"ratio": _dec(actual), "maximum": ratio, "lowest": lowest, "highest": highest}
    if actual <= Fraction(ratio):
        return _explain(kind, MET, "salary.within", args, facts, params)
    return _explain(
        kind,
        NOT_MET,
        "salary.above",
        args,
        facts,
        params,
        gap=Message("gap.salary", {"highest_max": ratio * lowest}),
    )


# ---- the entry points -----------------------------------------------------------------


def _finding(
    crit: Criterion,
    verdict: Verdict,
    explanation: Explanation,
    guard: Explanation | None,
    env: _Env,
) -> Finding:
    parts = (explanation,) if guard is None else (explanation, guard)
    key = env.children_key(crit, parts)
    if key is not None:
        hit = env.memo.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    made = Finding(
        crit.id,
        crit.title,
        crit.citation,
        crit.authority_specific,
        verdict,
        explanation,
        guard,
        crit.description,
        env.marks(crit),
        crit.id in env.advisory,
    )
    return made if key is None else env.share(key, made)


# The marks an explanation prints: where the law itself does not give the rule or value.
PRINTED_MARKS = frozenset({"buyer", "tool-default", "open"})


def _mark_value(value: Any, unit: str | None) -> tuple[str, Any]:
    if isinstance(value, tuple):
        return "list", _scalar(value)
    if isinstance(value, bool):
        return "yes_no", value
    if isinstance(value, str):
        return "choice", value
    if unit in ("share", "km", "months", "years"):
        return unit, value
    return "number", _scalar(value)


def _marks(crit: Criterion, rules: RuleSet, params: Mapping[str, Any]) -> tuple[Message, ...]:
    out: list[Message] = []
    if crit.basis in PRINTED_MARKS and crit.basis_note is not None:
        # Without a note the mark says nothing the title does not ("myndighetens eget villkor").
        note = crit.basis_note
        out.append(
            Message(
                "mark.criterion",
                {
                    "mark": crit.basis,
                    "note_sv": note.sv,
                    "note_en": note.en,
                },
            )
        )
    for name in rules.criterion_params(crit.id):
        p = rules.parameters[name]
        if p.basis not in PRINTED_MARKS:
            continue
        unit, value = _mark_value(params[name], p.unit)
        out.append(
            Message(
                f"mark.param.{unit}",
                {
                    "mark": p.basis,
                    "label_sv": p.display_label("sv", name),
                    "label_en": p.display_label("en", name),
                    "value": value,
                    "note_sv": p.note.sv if p.note else "",
                    "note_en": p.note.en if p.note else "",
                },
            )
        )
    return tuple(out)


def _evaluate_criterion(crit: Criterion, decl: Declaration, env: _Env) -> Finding:
    guard = None
    if crit.when is not None:
        guard = _run(crit.when, decl, env)
        if guard.verdict is NOT_MET:
            if crit.when_text is not None:
                # Say in words whom the criterion does not apply to, not the guard's logic.
                facts = tuple(dict.fromkeys(f for n in guard.walk() for f in n.facts))
                text = {"text_sv": crit.when_text.sv, "text_en": crit.when_text.en}
                guard = Explanation("guard", NOT_MET, Message("guard.text", text), facts)
            return _finding(crit, NOT_APPLICABLE, guard, guard, env)
    explanation = _run(crit.check, decl, env)
    verdict = explanation.verdict
    if guard is not None and guard.verdict is UNDECIDED:
        # "when G then C" is (not G) or C in Kleene logic.
        verdict = any_verdicts((not_verdict(guard.verdict), verdict))
    return _finding(crit, verdict, explanation, guard, env)


_DEFAULT_CONTEXT = EvaluationContext()


def law_date(as_of: date, procurement: Procurement | None = None) -> date:
    """The day whose law applies: when the procurement was begun, if known, else ``as_of``.

    Procurements begun before a change keep the old rules (LOU 19 kap. from 2022-02-01).
    """
    started = procurement.started_on if procurement is not None else None
    return started or as_of


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
    env = _Env(when, ruleset, context or _DEFAULT_CONTEXT, procurement)
    findings = tuple(_evaluate_criterion(c, declaration, env) for c in ruleset.criteria)
    verdict = all_verdicts(f.verdict for f in findings if not f.advisory)
    warnings: list[Message] = []
    if not ruleset.in_force(law_date(when, procurement)):
        # A legal basis not in force on the date qualifies nobody, whatever the criteria say.
        verdict = NOT_MET
        code = "ruleset.not_in_force"
        if ruleset.valid_from is None or ruleset.valid_to is None:
            code += ".to" if ruleset.valid_from is None else ".from"
        warnings.append(
            Message(
                code,
                {"as_of": when, "valid_from": ruleset.valid_from, "valid_to": ruleset.valid_to},
            )
        )
    for f in findings:
        if f.advisory and f.verdict in (NOT_MET, UNDECIDED):
            warnings.append(
                Message(
                    f"criterion.advisory_{f.verdict.value}",
                    {"title_sv": f.title.sv, "title_en": f.title.en},
                )
            )
    ident = _masked_number(declaration)
    # The declaration's text was masked as it was read (FreeText): no second pass here.
    supplier = Supplier(declaration.supplier, ident, declaration.id)
    provenance = Provenance(
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.content_hash,
        library_version=__version__,
        as_of=when,
        input_hash=declaration.content_hash,
        procurement=procurement.reference if procurement else None,
    )
    risk = None
    if ruleset.risk is not None:
        against = tuple(f.criterion for f in findings if f.verdict is NOT_MET)
        unknown = tuple(f.criterion for f in findings if f.verdict is UNDECIDED)
        risk = Risk(
            ruleset.risk.level(against), ruleset.risk.level(against + unknown), against, unknown
        )
    return Result(
        Outcome.of(verdict),
        verdict,
        supplier,
        ruleset.title,
        findings,
        provenance,
        tuple(warnings),
        risk,
    )


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
        if isinstance(item, Declaration):
            decl = item
        else:
            try:
                decl = parse_declaration(item, source=f"[{i}]")
            except DeclarationError as exc:
                yield exc
                continue
        yield evaluate(decl, ruleset, procurement=procurement, as_of=as_of, context=context)


# ---- the shapes behind the geographic criteria (for maps) -------------------------------


@dataclass(frozen=True)
class MapPoint:
    """A labelled point (WGS84 degrees) and how far off it may be, in metres."""

    label: str
    lat: float
    lon: float
    uncertainty_m: float


@dataclass(frozen=True)
class MapLayer:
    """One geographic check of a criterion: its centres and radius, or its zone, and the sites.

    ``zone`` is a shapely geometry in lon/lat order; ``unplaced`` names the sites that
    could not be placed.
    """

    criterion: str
    kind: str
    sites: tuple[MapPoint, ...]
    unplaced: tuple[str, ...] = ()
    centres: tuple[MapPoint, ...] = ()
    radius_km: float | None = None
    zone_name: str | None = None
    zone: Any = None


def _geo_nodes(node: Any) -> Iterator[Any]:
    if node.kind in ("within_km", "in_zone"):
        yield node
        return
    of = getattr(node, "of", None)
    if isinstance(of, tuple) and of and not isinstance(of[0], Centre):
        for child in of:
            yield from _geo_nodes(child)
    elif of is not None and not isinstance(of, tuple):
        yield from _geo_nodes(of)


def geography(
    declaration: Declaration,
    ruleset: RuleSet,
    *,
    as_of: date,
    context: EvaluationContext | None = None,
    procurement: Procurement | None = None,
) -> tuple[MapLayer, ...]:
    """The centres, radii, zones and sites that the rule set's geographic checks use.

    Positions are found exactly as :func:`evaluate` finds them, so a map drawn from
    these layers shows what the verdict was based on.
    """
    env = _Env(as_of, ruleset, context or _DEFAULT_CONTEXT, procurement)
    gaz = env.context.places()
    layers: list[MapLayer] = []
    for crit in ruleset.criteria:
        for raw in _geo_nodes(crit.check):
            node, _ = env.resolve(raw)
            sites: list[MapPoint] = []
            unplaced: list[str] = []
            for i, site in _candidate_sites(declaration):
                label = _site_label(i, site)
                pos = locate(site, gaz, env.context.geocoder)
                if isinstance(pos, Unplaced):
                    unplaced.append(label)
                else:
                    sites.append(MapPoint(label, pos.lat, pos.lon, pos.uncertainty_m))
            shape: dict[str, Any]
            if node.kind == "within_km":
                centres = (_centre_position(c, gaz) for c in node.of)
                shape = {
                    "centres": tuple(
                        MapPoint(p.detail, p.lat, p.lon, p.uncertainty_m) for p in centres
                    ),
                    "radius_km": float(node.radius_km),
                }
            else:
                shape = {"zone_name": node.name, "zone": _zone_shape(node.geometry)}
            layers.append(MapLayer(crit.id, node.kind, tuple(sites), tuple(unplaced), **shape))
    return tuple(layers)
