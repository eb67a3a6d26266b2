"""The engine: compile a rule set once, decide each declaration into a record, explain later.

A rule set compiles, once per evaluation date, context and tender, into a :class:`Plan`:
parameters resolved, fact getters bound, one compiled object per node. Deciding a
declaration runs each check's logic once and keeps a :class:`Witness` per check (its
verdict, reason code, the evidence that would settle it, and the few values it used);
the combinators combine verdicts into :class:`Combined` records. Nothing else is built
while deciding. A :class:`~reserverat.result.Result` builds its findings, and with them
every explanation, from that record when they are first read; the explanation of a
check is made from its witness by the check's own ``explain``, never by deciding again.

The checks themselves live in :mod:`reserverat.subjects`, one module per subject of law;
each registers its compiled class here with :func:`check`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import Any, ClassVar, Generic, Literal, TypeVar

from reserverat._version import __version__
from reserverat.checks import AllOf, AnyOf, AtLeast, Centre, Not, Param, _Node
from reserverat.declaration import Declaration, Procurement, parse_declaration
from reserverat.errors import (
    DeclarationError,
    EvaluationError,
    Problem,
    ReserveratError,
    RuleSetError,
)
from reserverat.geo import Gazetteer, Geocoder, builtin_gazetteer
from reserverat.identifiers import parse_identifier
from reserverat.logic import Verdict, all_verdicts, any_verdicts, at_least_verdicts, not_verdict
from reserverat.registry import PublicBodyRegister, SupplierRegister, builtin_register
from reserverat.result import (
    Compact,
    CriterionVerdict,
    Explanation,
    Fact,
    Finding,
    Message,
    Outcome,
    Provenance,
    Result,
    Risk,
    Supplier,
    share_fragment,
)
from reserverat.ruleset import Criterion, RuleSet, Text
from reserverat.sources import CriterionSources

Stage = Literal["qualification", "follow_up"]
"""When a rule set is applied: at award, or during the contract."""

__all__ = [
    "CHECKS",
    "EVIDENCE_CODES",
    "PRINTED_MARKS",
    "Combined",
    "Compiled",
    "Decision",
    "EvaluationContext",
    "Gated",
    "Memoised",
    "Plan",
    "Stage",
    "Witness",
    "cents",
    "check",
    "check_class",
    "compile_plan",
    "evaluate",
    "evaluate_many",
    "evidence_for",
    "filled",
    "law_date",
    "masked",
    "months_before",
    "reader",
    "scalar",
    "stated_values",
    "titles_at",
]

MET = Verdict.MET
NOT_MET = Verdict.NOT_MET
UNDECIDED = Verdict.UNDECIDED
NOT_APPLICABLE = Verdict.NOT_APPLICABLE

N = TypeVar("N", bound=_Node)
T = TypeVar("T")


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


DEFAULT_CONTEXT = EvaluationContext()


# ---- evidence -----------------------------------------------------------------------------

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


def missing_evidence(path: str) -> tuple[str, ...]:
    """What to ask for when the fact at ``path`` is unknown (the tender's facts: the buyer's)."""
    return ("procurement_facts",) if path.startswith("procurement.") else (evidence_for(path),)


# ---- small shared helpers -----------------------------------------------------------------


def scalar(value: Any) -> Any:
    """A parameter value as a result scalar: lists joined, centres by name, floats exact."""
    if isinstance(value, tuple):
        return ", ".join(v.name or str(v) if isinstance(v, Centre) else str(v) for v in value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def months_before(when: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(when.year * 12 + (when.month - 1) - months, 12)
    month += 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def cents(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal rounded to two decimals (a gap in FTE, kronor, ratio)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def masked(number: str | None) -> str | None:
    """An organisationsnummer as it may be shown: a personnummer's last four digits hidden."""
    return parse_identifier(number).masked() if number else None


# ---- decisions --------------------------------------------------------------------------


class Decision:
    """What one node decided for one declaration; its explanation is built on request.

    A ``shared`` decision serves every declaration that decides the same way (it is held
    by its compiled node's memo); its explanation, once built, is shared too.
    """

    __slots__ = ("_made", "shared", "verdict")
    _made: Explanation | None
    shared: bool
    verdict: Verdict

    def explain(self) -> Explanation:
        """The explanation of this decision, built once, on first request."""
        made = self._made
        if made is None:
            made = self._made = self._build()
        return made

    def _build(self) -> Explanation:
        raise NotImplementedError

    def reasons(self) -> tuple[str, ...]:
        """The reason codes of the checks that gave this verdict."""
        raise NotImplementedError

    def requests(self) -> tuple[str, ...]:
        """Evidence that would settle this node (none once it is decided), as the explanation's."""
        raise NotImplementedError


class Witness(Decision):
    """A check's decision: verdict, reason code, evidence to ask for, and the values it used."""

    __slots__ = ("check", "code", "data", "evidence")

    def __init__(
        self,
        check: Compiled[Any],
        verdict: Verdict,
        code: str,
        evidence: tuple[str, ...] = (),
        data: Any = None,
    ) -> None:
        self.verdict = verdict
        self._made = None
        self.shared = False
        self.check = check
        self.code = code
        self.evidence = evidence
        self.data = data

    def _build(self) -> Explanation:
        return self.check.explain(self)

    def reasons(self) -> tuple[str, ...]:
        """This check's own reason code."""
        return (self.code,)

    def requests(self) -> tuple[str, ...]:
        """This check's evidence, while it is undecided."""
        return self.evidence if self.verdict is UNDECIDED else ()


class Combined(Decision):
    """A combinator's decision: its verdict and its children's decisions."""

    __slots__ = ("children", "node")

    def __init__(
        self, node: CompiledCombinator, verdict: Verdict, children: tuple[Decision, ...]
    ) -> None:
        self.verdict = verdict
        self._made = None
        self.shared = False
        self.node = node
        self.children = children

    def _build(self) -> Explanation:
        made = self.node.explain_combined(self)
        return share_fragment(made) if self.shared else made

    def reasons(self) -> tuple[str, ...]:
        """The reasons of the children whose verdict this one follows (all, if none)."""
        own = self.verdict
        if self.node.kind == "not":
            return self.children[0].reasons()
        deciding = [c for c in self.children if c.verdict is own] or list(self.children)
        return tuple(dict.fromkeys(r for c in deciding for r in c.reasons()))

    def requests(self) -> tuple[str, ...]:
        """The undecided children's evidence, in order, without repeats."""
        if self.verdict is not UNDECIDED:
            return ()
        return tuple(dict.fromkeys(e for c in self.children for e in c.requests()))


class Gated(Decision):
    """A criterion's decision its facts' sources cannot carry: undecided, over the decision.

    The replaced decision stays below it, so the explanation shows both what the facts
    say and why their sources are not enough (:mod:`reserverat.sources`).
    """

    __slots__ = ("args", "code", "evidence", "inner")

    def __init__(
        self, inner: Decision, code: str, args: dict[str, Any], evidence: tuple[str, ...]
    ) -> None:
        self.verdict = UNDECIDED
        self._made = None
        self.shared = False
        self.inner = inner
        self.code = code
        self.args = args
        self.evidence = evidence

    def _build(self) -> Explanation:
        # The age limit is in the message's words ("högst 365 dagar"), not a parameter line.
        return Explanation(
            "sources",
            UNDECIDED,
            Message(self.code, self.args),
            evidence=self.evidence,
            children=(self.inner.explain(),),
        )

    def reasons(self) -> tuple[str, ...]:
        """This decision's own reason code."""
        return (self.code,)

    def requests(self) -> tuple[str, ...]:
        """The documents or register reading that would carry the verdict."""
        return self.evidence


# ---- compiled nodes ---------------------------------------------------------------------


class Compiled(Generic[N]):
    """One check of a rule set, compiled for one plan: parameters resolved, getters bound.

    A subclass sets ``kind``, reads its node's values in ``__init__`` (with
    :meth:`value`), decides in :meth:`decide` and explains a witness in :meth:`explain`.
    """

    kind: ClassVar[str]
    __slots__ = ("node", "params", "plan")

    def __init__(self, node: N, plan: Plan) -> None:
        self.node = node
        self.plan = plan
        self.params = plan.param_facts(node)

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The declaration fields this check reads (list items as ``owners[].name``): what
        a template for its rule set must ask for."""
        raise NotImplementedError

    def value(self, value: T | Param) -> T:
        """A node field's value on the plan's date: a param() reference resolved."""
        if isinstance(value, Param):
            return self.plan.params[value.param]  # type: ignore[no-any-return]
        return value

    def witness(
        self, verdict: Verdict, code: str, evidence: tuple[str, ...] = (), data: Any = None
    ) -> Witness:
        """A witness of this check."""
        return Witness(self, verdict, code, evidence, data)

    def decide(self, decl: Declaration) -> Decision:
        """Decide the declaration: a witness, and nothing else."""
        raise NotImplementedError

    def explain(self, witness: Witness) -> Explanation:
        """The explanation of one of this check's witnesses."""
        raise NotImplementedError

    def explanation(
        self,
        witness: Witness,
        args: dict[str, Any] | None = None,
        facts: tuple[Fact, ...] = (),
        *,
        gap: Message | None = None,
        notes: tuple[Message, ...] = (),
    ) -> Explanation:
        """An explanation with the witness's verdict, reason code and evidence; a shared
        witness's explanation is shared by every declaration with its key (its JSON too)."""
        made = Explanation(
            self.kind,
            witness.verdict,
            Message(witness.code, args or {}),
            facts,
            self.params,
            witness.evidence,
            gap,
            notes,
        )
        return share_fragment(made) if witness.shared else made


class Eager(Compiled[N]):
    """A check whose explanation is its witness, built as it decides.

    For checks whose deciding (fuzzy name matching, placing sites, reading accounts) costs
    far more than writing down why, and whose explanation is the very list of what was
    found: keeping the found values apart from their messages would save nothing.
    """

    __slots__ = ()

    def decide(self, decl: Declaration) -> Decision:
        """Decide and explain at once."""
        made = self.judge(decl)
        w = Witness(self, made.verdict, made.reason.code, made.evidence, made)
        w._made = made
        return w

    def judge(self, decl: Declaration) -> Explanation:
        """The explanation, with its verdict."""
        raise NotImplementedError

    def explain(self, witness: Witness) -> Explanation:
        """The explanation made while deciding."""
        return witness.data  # type: ignore[no-any-return]

    def made(
        self,
        verdict: Verdict,
        code: str,
        args: dict[str, Any] | None = None,
        facts: tuple[Fact, ...] = (),
        evidence: tuple[str, ...] = (),
        gap: Message | None = None,
        notes: tuple[Message, ...] = (),
    ) -> Explanation:
        """An explanation of this check."""
        return Explanation(
            self.kind, verdict, Message(code, args or {}), facts, self.params, evidence, gap, notes
        )


_MEMO_LIMIT = 100_000


class Memoised(Compiled[N]):
    """A check whose answer depends only on one key read from the declaration.

    Yes/no facts, closed vocabularies, dates and scope give the same witness for the same
    key, so one witness (and, once read, one explanation) serves every declaration that
    gives that answer: deciding is a dictionary look-up, and few objects are made.
    """

    __slots__ = ("key", "memo")

    def __init__(self, node: N, plan: Plan, key: Callable[[Declaration], Any]) -> None:
        super().__init__(node, plan)
        self.memo: dict[Any, Witness] = {}
        self.key = key
        """Reads what the answer depends on from a declaration."""

    def judge(self, key: Any) -> Witness:
        """The witness for one key."""
        raise NotImplementedError

    def decide(self, decl: Declaration) -> Decision:
        """The shared witness for the declaration's key."""
        key = self.key(decl)
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            hit = self.memo[key] = self.judge(key)
            hit.shared = True
        return hit


CHECKS: dict[str, type[Compiled[Any]]] = {}
"""The compiled class of every check kind; a registry test holds it to the vocabulary."""


def filled(text: Text, rules: RuleSet, params: Mapping[str, Any]) -> Text:
    """``text`` with each ``{parameter}`` written as its value in ``params`` (the values in
    force on a date), in the parameter's unit and each language's format."""
    if not text.placeholders():
        return text
    from reserverat.render.messages import fmt_param

    def value(name: str, lang: str) -> str:
        v = params[name]
        if v is None:  # no value in force on that date: the text says which parameter
            return "{" + name + "}"
        return fmt_param(v, rules.parameters[name].unit, lang)

    return text.filled(value)


def stated_values(rules: RuleSet, when: date) -> list[Problem]:
    """Criterion texts that write out a parameter's value instead of naming it (a variant
    would then contradict itself): one warning per text, language and parameter."""
    import re

    from reserverat.render.messages import fmt_param

    params = rules.params_at(when)
    out: list[Problem] = []
    texts: list[tuple[str, Text | None, str | None]] = [("description", rules.description, None)]
    for i, crit in enumerate(rules.criteria):
        for part in ("title", "description", "when_text"):
            texts.append((f"criteria[{i}].{part}", getattr(crit, part), crit.id))
    for loc, text, rule in texts:
        if text is None:
            continue
        for name, value in params.items():
            if value is None or isinstance(value, bool | str | tuple):
                continue
            unit = rules.parameters[name].unit
            for lang in ("sv", "en"):
                shown = fmt_param(value, unit, lang)
                forms = {shown, shown.replace("\u00a0", " "), shown.replace("\u00a0", "")}
                if unit == "share":  # "30 procent" states the value as surely as "30 %"
                    number = shown.replace("\u00a0", "").removesuffix("%")
                    forms |= {f"{number} procent", f"{number} per cent", f"{number} percent"}
                # "9 km" is in "29 km": only where no digit runs into it.
                pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                if not re.search(rf"(?<![\d.,])(?:{pattern})", text.get(lang)):
                    continue
                out.append(
                    Problem(
                        rules.id,
                        f"{loc}.{lang}",
                        "text_states_value",
                        f"the text states {shown}, the value of parameter {name!r}: write "
                        f"{{{name}}} so that a variant says its own value",
                        rule=rule,
                        msg_sv=f"texten anger {shown}, värdet av parametern {name!r}: "
                        f"skriv {{{name}}} så att en variant anger sitt eget värde",
                    )
                )
    return out


def titles_at(rules: RuleSet, when: date) -> list[Text]:
    """Each criterion's title as a result on ``when`` says it (parameters filled in)."""
    params = rules.params_at(when)
    return [filled(c.title, rules, params) for c in rules.criteria]


def check_class(kind: str) -> type[Compiled[Any]]:
    """The compiled class of a check kind. The subject modules register their checks when
    imported, and ``import reserverat`` imports nothing until it is used: so the first
    look-up imports them."""
    if kind not in CHECKS:
        import reserverat.subjects  # noqa: F401
    return CHECKS[kind]


def check(cls: type[Compiled[N]]) -> type[Compiled[N]]:
    """Register a compiled check class under its ``kind``."""
    CHECKS[cls.kind] = cls
    return cls


# ---- combinators ------------------------------------------------------------------------


class CompiledCombinator(Compiled[_Node]):
    """A combinator with its compiled children."""

    __slots__ = ("by_key", "children", "combine", "key", "memo", "n")

    def __init__(self, node: _Node, plan: Plan, children: tuple[Compiled[Any], ...]) -> None:
        super().__init__(node, plan)
        self.children = children
        self.n = node.n if isinstance(node, AtLeast) else 0
        self.combine = _COMBINE[self.kind]
        # Combinations of shared children, by their ids: each entry holds its children,
        # so no id in a key can pass to another object while the entry is kept.
        self.memo: dict[tuple[int, ...], Combined] = {}
        # Where every child's answer depends on one key (yes/no facts, dates, scope), so
        # does this one's: the children's keys together, looked up without deciding them.
        keys = [_key_of(c) for c in children]
        self.key: Callable[[Declaration], Any] | None = None
        if all(k is not None for k in keys):
            readers = tuple(k for k in keys if k is not None)
            self.key = lambda decl: tuple([read(decl) for read in readers])
        self.by_key: dict[Any, Decision] = {}

    def decide(self, decl: Declaration) -> Decision:
        """The children's decisions, combined in Kleene logic (shared where they all are)."""
        if self.key is not None:
            key = self.key(decl)
            hit = self.by_key.get(key)
            if hit is None:
                if len(self.by_key) >= _MEMO_LIMIT:
                    self.by_key.clear()
                hit = self.by_key[key] = self._decide(decl)
            return hit
        return self._decide(decl)

    def _decide(self, decl: Declaration) -> Combined:
        children = tuple([c.decide(decl) for c in self.children])
        shared = True
        for c in children:
            if not c.shared:
                shared = False
                break
        if shared:
            ids = tuple([id(c) for c in children])
            hit = self.memo.get(ids)
            if hit is not None:
                return hit
        made = Combined(self, self.combine(self.n, [c.verdict for c in children]), children)
        if shared:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[ids] = made
            made.shared = True
        return made

    def explain_combined(self, made: Combined) -> Explanation:
        """The combinator's explanation over its children's."""
        children = tuple(c.explain() for c in made.children)
        args: dict[str, Any] = {}
        if self.kind == "at_least":
            met = sum(1 for c in made.children if c.verdict is MET)
            args = {"n": self.n, "met": met}
        code = f"{self.kind}.{made.verdict.value}"
        return Explanation(self.kind, made.verdict, Message(code, args), children=children)


def _key_of(compiled: Compiled[Any]) -> Callable[[Declaration], Any] | None:
    """What a compiled node's answer depends on, where that is one key."""
    if isinstance(compiled, Memoised):
        return compiled.key
    if isinstance(compiled, CompiledCombinator):
        return compiled.key
    return None


_COMBINE: dict[str, Callable[[int, list[Verdict]], Verdict]] = {
    "all_of": lambda n, vs: all_verdicts(vs),
    "any_of": lambda n, vs: any_verdicts(vs),
    "not": lambda n, vs: not_verdict(vs[0]),
    "at_least": at_least_verdicts,
}


def _combinator_class(kind: str) -> type[CompiledCombinator]:
    return type(f"Compiled_{kind}", (CompiledCombinator,), {"kind": kind, "__slots__": ()})


_COMBINATORS: dict[type[_Node], type[CompiledCombinator]] = {
    AllOf: _combinator_class("all_of"),
    AnyOf: _combinator_class("any_of"),
    Not: _combinator_class("not"),
    AtLeast: _combinator_class("at_least"),
}


# ---- the plan ---------------------------------------------------------------------------


# The marks an explanation prints: where the law itself does not give the rule or value.
PRINTED_MARKS = frozenset({"buyer", "tool-default", "open"})


def _mark_value(value: Any, unit: str | None) -> tuple[str, Any]:
    if isinstance(value, tuple):
        return "list", scalar(value)
    if isinstance(value, bool):
        return "yes_no", value
    if isinstance(value, str):
        return "choice", value
    if unit in ("share", "km", "months", "years"):
        return unit, value
    return "number", scalar(value)


def _marks(crit: Criterion, rules: RuleSet, params: Mapping[str, Any]) -> tuple[Message, ...]:
    out: list[Message] = []
    if crit.basis in PRINTED_MARKS and crit.basis_note is not None:
        # Without a note the mark says nothing the title does not ("myndighetens eget villkor").
        note = crit.basis_note
        out.append(
            Message("mark.criterion", {"mark": crit.basis, "note_sv": note.sv, "note_en": note.en})
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


class CompiledCriterion:
    """A criterion compiled: its check, its guard, and what its finding always says."""

    __slots__ = (
        "advisory",
        "check",
        "crit",
        "description",
        "findings",
        "marks",
        "rule",
        "sources",
        "title",
        "when",
        "when_text",
    )

    def __init__(self, crit: Criterion, plan: Plan) -> None:
        self.crit = crit
        # A title that names a parameter says the value this plan uses: a variant's own.
        self.title = filled(crit.title, plan.rules, plan.params)
        self.description = (
            filled(crit.description, plan.rules, plan.params) if crit.description else None
        )
        self.when_text = filled(crit.when_text, plan.rules, plan.params) if crit.when_text else None
        # Findings over shared decisions, by the decisions' ids (held by the entries).
        self.findings: dict[tuple[int, int], tuple[Finding, Decision | None, Decision | None]] = {}
        self.check = plan.compile(crit.check)
        self.when = plan.compile(crit.when) if crit.when is not None else None
        self.marks = tuple(share_fragment(m) for m in _marks(crit, plan.rules, plan.params))
        self.advisory = crit.id in plan.advisory
        self.rule = crit.sources
        self.sources = CriterionSources(crit, plan)

    def decide(self, decl: Declaration) -> tuple[Verdict, Decision | None, Decision | None]:
        """The criterion's verdict, its check's decision and its guard's."""
        guard = None
        if self.when is not None:
            guard = self.when.decide(decl)
            if guard.verdict is NOT_MET:
                return NOT_APPLICABLE, None, guard
        decided = self.check.decide(decl)
        if self.rule is not None and decided.verdict is not UNDECIDED:
            # What the facts rest on, before the guard: "when G then C" reads the gated C.
            short = self.sources.gate(decl, decided.verdict)
            if short is not None:
                decided = Gated(decided, *short)
        verdict = decided.verdict
        if guard is not None and guard.verdict is UNDECIDED:
            # "when G then C" is (not G) or C in Kleene logic.
            verdict = any_verdicts((not_verdict(guard.verdict), verdict))
        return verdict, decided, guard

    def finding(
        self,
        verdict: Verdict,
        decided: Decision | None,
        guard: Decision | None,
        decl: Declaration | None = None,
    ) -> Finding:
        """The finding, with its explanation built from the decisions (shared where they are).

        With ``decl``, it lists the sources its facts rest on where any were named, asked
        for or read.
        """
        if decl is not None and decided is not None and self.sources.shown(decl):
            made = self.finding(verdict, decided, guard)
            return replace(made, sources=self.sources.used(decl))
        shared = (decided is None or decided.shared) and (guard is None or guard.shared)
        if not shared:
            return self._finding(verdict, decided, guard)
        key = (id(decided), id(guard))
        hit = self.findings.get(key)
        if hit is None:
            if len(self.findings) >= _MEMO_LIMIT:
                self.findings.clear()
            made = share_fragment(self._finding(verdict, decided, guard))
            hit = self.findings[key] = (made, decided, guard)
        return hit[0]

    def _finding(
        self, verdict: Verdict, decided: Decision | None, guard: Decision | None
    ) -> Finding:
        crit = self.crit
        guard_made = guard.explain() if guard is not None else None
        if decided is None:
            assert guard_made is not None
            if self.when_text is not None:
                # Say in words whom the criterion does not apply to, not the guard's logic.
                facts = tuple(dict.fromkeys(f for n in guard_made.walk() for f in n.facts))
                text = {"text_sv": self.when_text.sv, "text_en": self.when_text.en}
                guard_made = Explanation("guard", NOT_MET, Message("guard.text", text), facts)
            made = guard_made
        else:
            made = decided.explain()
        return Finding(
            crit.id,
            self.title,
            crit.citation,
            crit.authority_specific,
            verdict,
            made,
            guard_made,
            self.description,
            self.marks,
            self.advisory,
        )


class Plan:
    """A rule set compiled for one evaluation date, context and tender."""

    __slots__ = (
        "advisory",
        "as_of",
        "context",
        "criteria",
        "cutoffs",
        "getters",
        "law_warning",
        "listed",
        "params",
        "procurement",
        "rules",
        "stage",
    )

    def __init__(
        self,
        rules: RuleSet,
        as_of: date,
        context: EvaluationContext,
        procurement: Procurement | None,
        stage: Stage = "qualification",
    ) -> None:
        self.rules = rules
        self.as_of = as_of
        self.stage = stage
        self.context = context
        self.procurement = procurement
        self.params = rules.params_at(as_of)
        self.advisory = rules.advisory_at(as_of)
        self.cutoffs: dict[int, date] = {}
        self.getters: dict[str, Callable[[Declaration], Any]] = {}
        self.law_warning = _law_warning(rules, as_of, procurement)
        self.criteria = tuple(CompiledCriterion(c, self) for c in rules.criteria)
        # Whether a result lists anything by criterion: advisory warnings, or a risk level.
        self.listed = bool(self.advisory) or rules.risk is not None
        for compiled in self.criteria:
            # Shared by every result of the plan: their JSON is written once.
            for part in (compiled.title, compiled.crit.citation, compiled.description):
                if part is not None:
                    share_fragment(part)

    def compile(self, node: _Node) -> Compiled[Any]:
        """The node compiled for this plan."""
        combinator = _COMBINATORS.get(type(node))
        if combinator is not None:
            of = node.of  # type: ignore[attr-defined]
            kids = (of,) if isinstance(of, _Node) else of
            return combinator(node, self, tuple(self.compile(c) for c in kids))
        return check_class(node.kind)(node, self)  # type: ignore[attr-defined]

    def param_facts(self, node: _Node) -> tuple[Fact, ...]:
        """The node's param() references and their values on this date, as facts."""
        return tuple(
            Fact(value.param, scalar(self.params[value.param]))
            for name in type(node).model_fields
            if isinstance(value := getattr(node, name), Param)
        )

    def cutoff(self, months: int) -> date:
        """The date ``months`` calendar months before the evaluation date."""
        hit = self.cutoffs.get(months)
        if hit is None:
            hit = self.cutoffs[months] = months_before(self.as_of, months)
        return hit

    def getter(self, path: str) -> Callable[[Declaration], Any]:
        """A reader for a fact path; a fact of the tender (``procurement.``) is a constant."""
        hit = self.getters.get(path)
        if hit is None:
            parts = path.split(".")
            if parts[0] == "procurement":
                value = _read(self.procurement, parts[1:])
                hit = self.getters[path] = lambda decl: value
            else:
                hit = self.getters[path] = reader(path)
        return hit

    def decide(
        self, decl: Declaration
    ) -> tuple[tuple[tuple[Verdict, Decision | None, Decision | None], ...], Verdict]:
        """Every criterion's decision, and the rule set's combined verdict."""
        entries = tuple([c.decide(decl) for c in self.criteria])
        if self.law_warning is not None:
            # A legal basis not in force on the date qualifies nobody, whatever the criteria say.
            return entries, NOT_MET
        verdicts = [e[0] for c, e in zip(self.criteria, entries, strict=True) if not c.advisory]
        return entries, all_verdicts(verdicts)


def reader(path: str) -> Callable[[Any], Any]:
    """A reader for a dotted path of attributes that gives None where a step is None."""
    parts = path.split(".")
    if len(parts) == 1:
        return attrgetter(parts[0])
    if len(parts) == 2:
        first, second = parts

        def two(obj: Any) -> Any:
            inner = getattr(obj, first)
            return None if inner is None else getattr(inner, second)

        return two
    return lambda obj: _read(obj, parts)


def _read(obj: Any, parts: Iterable[str]) -> Any:
    for part in parts:
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _law_warning(rules: RuleSet, as_of: date, procurement: Procurement | None) -> Message | None:
    if rules.in_force(law_date(as_of, procurement)):
        return None
    code = "ruleset.not_in_force"
    if rules.valid_from is None or rules.valid_to is None:
        code += ".to" if rules.valid_from is None else ".from"
    return Message(
        code, {"as_of": as_of, "valid_from": rules.valid_from, "valid_to": rules.valid_to}
    )


_PLAN_LIMIT = 64


def compile_plan(
    rules: RuleSet,
    as_of: date,
    context: EvaluationContext | None = None,
    procurement: Procurement | None = None,
    stage: Stage = "qualification",
) -> Plan:
    """The rule set compiled for the date, context, tender and stage (award or follow-up);
    compiled once, then reused."""
    context = context or DEFAULT_CONTEXT
    last = _LAST[0]
    if (
        last is not None
        and last.rules is rules
        and last.as_of == as_of
        and last.context is context
        and last.procurement is procurement
        and last.stage == stage
    ):
        return last  # the same plan as the call before: a loop over declarations
    plans: dict[tuple[int, int, str], Plan] = rules.evaluation_state(as_of).setdefault("plans", {})
    # By identity: the plan holds both objects, so their ids stay theirs while it is kept.
    key = (id(context), id(procurement), stage)
    plan = plans.get(key)
    if plan is None or plan.context is not context or plan.procurement is not procurement:
        if len(plans) >= _PLAN_LIMIT:
            plans.clear()
        plan = plans[key] = Plan(rules, as_of, context, procurement, stage)
    _LAST[0] = plan
    return plan


_LAST: list[Plan | None] = [None]


# ---- records and results ----------------------------------------------------------------


class Record:
    """One declaration decided under one plan: what a Result's findings are built from."""

    __slots__ = ("decl", "entries", "plan")

    def __init__(
        self,
        plan: Plan,
        decl: Declaration,
        entries: tuple[tuple[Verdict, Decision | None, Decision | None], ...],
    ) -> None:
        self.plan = plan
        self.decl = decl
        self.entries = entries

    def build(self, name: str) -> Any:
        """One of the Result's deferred fields: ``supplier``, ``findings`` or ``provenance``.

        Each is built alone, so that reading the findings does not pay for the input hash
        (a serialisation and a SHA-256 of the declaration) that only the provenance needs.
        """
        plan, decl = self.plan, self.decl
        if name == "findings":
            return tuple(
                c.finding(*e, decl) for c, e in zip(plan.criteria, self.entries, strict=True)
            )
        if name == "provenance":
            rules = plan.rules
            procurement = plan.procurement
            return Provenance(
                ruleset_id=rules.id,
                ruleset_version=rules.version,
                ruleset_hash=rules.content_hash,
                library_version=__version__,
                as_of=plan.as_of,
                input_hash=decl.content_hash,
                procurement=procurement.reference if procurement else None,
                stage=plan.stage,
            )
        # The declaration's text was masked as it was read (FreeText): no second pass here.
        return Supplier(decl.supplier, masked(decl.organisationsnummer), decl.id)

    def compact(self, result: Result) -> Compact:
        """The result's compact form, from the decisions alone: nothing is explained."""
        criteria: dict[str, CriterionVerdict] = {}
        for c, (verdict, decided, guard) in zip(self.plan.criteria, self.entries, strict=True):
            shown = decided if decided is not None else guard
            assert shown is not None
            evidence: tuple[str, ...] = ()
            if verdict is UNDECIDED:
                found = decided.requests() if decided is not None else ()
                if guard is not None:
                    found = tuple(dict.fromkeys((*guard.requests(), *found)))
                evidence = found
            reasons = shown.reasons()
            if decided is None and c.crit.when_text is not None:
                reasons = ("guard.text",)  # as the finding says it: in words, not the guard's logic
            criteria[c.crit.id] = CriterionVerdict(verdict, reasons, evidence)
        decl, plan = self.decl, self.plan
        supplier = Supplier(decl.supplier, masked(decl.organisationsnummer), decl.id)
        return Compact.of(
            result, criteria, supplier, (plan.rules.id, plan.rules.version, plan.as_of)
        )


def law_date(as_of: date, procurement: Procurement | None = None) -> date:
    """The day whose law applies: when the procurement was begun, if known, else ``as_of``.

    Procurements begun before a change keep the old rules (LOU 19 kap. from 2022-02-01).
    """
    started = procurement.started_on if procurement is not None else None
    return started or as_of


def evaluation_date(as_of: date | None, procurement: Procurement | None) -> date:
    """``as_of``, else the procurement's submission date.

    Raises:
        EvaluationError: neither is given.
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
                    msg_sv="ange en bedömningsdag (as_of) eller en upphandling med sista anbudsdag",
                )
            ]
        )
    return when


def _warnings_and_risk(
    plan: Plan, entries: tuple[tuple[Verdict, Decision | None, Decision | None], ...]
) -> tuple[tuple[Message, ...], Risk | None]:
    """The rule set's validity warning, advisory criteria's warnings, and the risk level."""
    warnings: list[Message] = []
    if plan.law_warning is not None:
        warnings.append(plan.law_warning)
    against: list[str] = []
    unknown: list[str] = []
    for c, (v, _, _) in zip(plan.criteria, entries, strict=True):
        if v is NOT_MET:
            against.append(c.crit.id)
        elif v is UNDECIDED:
            unknown.append(c.crit.id)
        else:
            continue
        if c.advisory:
            title = c.title
            warnings.append(
                Message(
                    f"criterion.advisory_{v.value}", {"title_sv": title.sv, "title_en": title.en}
                )
            )
    risk = None
    scale = plan.rules.risk
    if scale is not None:
        level = scale.level
        risk = Risk(
            level(tuple(against)), level((*against, *unknown)), tuple(against), tuple(unknown)
        )
    return tuple(warnings), risk


def evaluate(
    declaration: Declaration,
    ruleset: RuleSet,
    *,
    procurement: Procurement | None = None,
    as_of: date | None = None,
    context: EvaluationContext | None = None,
    stage: Stage = "qualification",
) -> Result:
    """Evaluate one declaration against a rule set and explain every criterion.

    The evaluation date is ``as_of``, else the procurement's submission date. The
    verdicts are decided now; the findings and their explanations are built when first
    read, from what was decided. ``stage`` is ``qualification`` (at award) or
    ``follow_up`` (during the contract): a criterion's sources rule may ask for more then.

    Thread safety: calls from several threads at once may share rule sets, procurements
    and contexts; what is compiled or cached for a rule set is the same whichever thread
    builds it, and a result builds its explanations the same way whichever thread reads
    them first.

    Raises:
        DeclarationError: ``declaration`` (or ``procurement``) is not the model, such as
            a dict; the message says what to pass.
        RuleSetError: ``ruleset`` is not a RuleSet.
        EvaluationError: no evaluation date could be determined.
    """
    if not isinstance(declaration, Declaration):
        raise _wrong_argument(declaration, procurement, ruleset)
    if not isinstance(ruleset, RuleSet) or not (
        procurement is None or isinstance(procurement, Procurement)
    ):
        raise _wrong_argument(declaration, procurement, ruleset)
    when = evaluation_date(as_of, procurement)
    plan = compile_plan(ruleset, when, context, procurement, stage)
    entries, verdict = plan.decide(declaration)
    warnings: tuple[Message, ...] = ()
    risk = None
    if plan.law_warning is not None or plan.listed:
        warnings, risk = _warnings_and_risk(plan, entries)
    return Result.deferred(
        Record(plan, declaration, entries),
        outcome=Outcome.of(verdict),
        verdict=verdict,
        ruleset_title=ruleset.title,
        warnings=warnings,
        risk=risk,
    )


def _wrong_argument(declaration: Any, procurement: Any, ruleset: Any) -> ReserveratError:
    """The located error for an argument of evaluate() that is not the model it takes."""
    if not isinstance(declaration, Declaration):
        got = type(declaration).__name__
        return DeclarationError(
            [
                Problem(
                    "<python>",
                    "declaration",
                    "wrong_type",
                    f"evaluate() takes a Declaration, not a {got}: make one with "
                    "rr.parse_declaration(data) (a dict) or rr.load_declarations(path)",
                    msg_sv=f"evaluate() tar en Declaration, inte {got}: gör en med "
                    "rr.parse_declaration(data) (en dict) eller rr.load_declarations(path)",
                )
            ]
        )
    if not isinstance(ruleset, RuleSet):
        got = type(ruleset).__name__
        return RuleSetError(
            [
                Problem(
                    "<python>",
                    "ruleset",
                    "wrong_type",
                    f"evaluate() takes a RuleSet, not a {got}: load one with "
                    "rr.load_ruleset(id_or_path)",
                    msg_sv=f"evaluate() tar ett RuleSet, inte {got}: läs in ett med "
                    "rr.load_ruleset(id eller sökväg)",
                )
            ]
        )
    got = type(procurement).__name__
    return DeclarationError(
        [
            Problem(
                "<python>",
                "procurement",
                "wrong_type",
                f"procurement is a Procurement, not a {got}: make one with "
                "rr.parse_procurement(data) or rr.load_procurement(path)",
                msg_sv=f"procurement ska vara en Procurement, inte {got}: gör en med "
                "rr.parse_procurement(data) eller rr.load_procurement(path)",
            )
        ]
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
