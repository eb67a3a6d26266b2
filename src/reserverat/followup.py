"""Follow-up during the contract: do the conditions of the reservation still hold?

The conditions for a reserved contract are assessed on the tender date and must "bestå under
tiden för kontraktets fullgörande" (Upphandlingsmyndigheten, *Kontroll av förutsättningarna
för reserverad upphandling*). A buyer collects new declarations from each supplier while the
contract runs; this module lays them out in time:

- **a timeline per supplier and criterion**: each declaration is evaluated on its own date,
  under the rule set the contract was awarded under (or amended to, from the amendment's
  day on), at the qualification stage up to the award and the follow-up stage after it;
- **the first date a condition stopped holding**, said as what is known: it held on one
  declaration's date and did not on the next;
- **what changed and why**: per criterion whose verdict moved, the reasons on both sides
  (with their numbers) and whether the facts or the requirements changed;
- **missing periods**, where the contract asks for a declaration every *n* months;
- **who needs action now**: the latest declaration evaluated on the follow-up date (facts
  age), an overdue declaration, a conflict, or a supplier with no declaration at all.

The contract file (TOML or JSON, :class:`Contract`) names the rule set **at award**, so a later
rule change does not rewrite history; a newer rule set given beside it is evaluated over the
same declarations to show what it would change, and nothing else.

What is the tool's reading, and said so in the README: a declaration's date is its
``declared_on``, else its workforce's reference date (the report says which); the latest
declaration is re-evaluated on the follow-up date to find facts that have gone stale; a
change is put down to the requirements only when the new declaration, under the earlier
requirements, gets the earlier verdict.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reserverat.declaration import Day, Declaration, FreeText, MaskedOrgNr, Procurement
from reserverat.engine import Stage, masked, months_before
from reserverat.errors import (
    DeclarationError,
    InvalidValueError,
    Problem,
    ReserveratError,
    RuleSetError,
    problems_from_validation,
)
from reserverat.evaluate import EvaluationContext, evaluate
from reserverat.logic import Verdict
from reserverat.result import Explanation, Finding, Message, Outcome, Result
from reserverat.ruleset import RuleSet, Text

__all__ = [
    "Action",
    "Amendment",
    "Change",
    "Conflict",
    "Contract",
    "ContractError",
    "ContractSupplier",
    "CriterionLine",
    "FollowUp",
    "Gap",
    "NewerChange",
    "Point",
    "Requirement",
    "SupplierFollowUp",
    "follow_up",
    "load_contract",
    "parse_contract",
]

FOLLOW_UP_SCHEMA_ID = "urn:reserverat:follow-up:1"
"""The ``schema`` of the follow-up JSON."""

CITATION = Text(
    sv="Upphandlingsmyndigheten, Kontroll av förutsättningarna för reserverad upphandling: "
    "villkoren ska bestå under tiden för kontraktets fullgörande",
    en="Upphandlingsmyndigheten (the Swedish procurement agency), Kontroll av "
    "förutsättningarna för reserverad upphandling: the conditions must hold while the "
    "contract is performed",
)
"""Where the duty to follow up comes from."""


class ContractError(ReserveratError, ValueError):
    """A contract file, or a follow-up series, that cannot be used as it is."""


RuleRef = Annotated[str, Field(min_length=1, max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ContractSupplier(_Model):
    """A supplier the contract was awarded to."""

    name: FreeText = Field(min_length=1)
    organisationsnummer: MaskedOrgNr = None


class Amendment(_Model):
    """A change of the contract's conditions from a day on.

    The tool does not judge whether the change is allowed (LOU 17 kap., on changing a
    contract); it applies the amended rule set from its day on and says so."""

    on: Day = Field(description="The first day the amended conditions apply.")
    rules: RuleRef = Field(description="The rule set from that day: id@version or a file.")
    note: FreeText | None = Field(default=None, description="What the amendment is.")


class Contract(_Model):
    """A reserved contract being followed up: who, since when, under which rule set."""

    id: FreeText = Field(min_length=1, description="The buyer's reference (diarienummer).")
    title: FreeText | None = None
    rules: RuleRef = Field(description="The rule set at award: id@version or a rule file.")
    rules_hash: Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")] | None = Field(
        default=None, description="The rule set's content hash at award, to hold it to."
    )
    awarded: Day = Field(description="The day the contract was awarded.")
    start: Day | None = Field(default=None, description="The contract's first day.")
    end: Day | None = Field(default=None, description="The contract's last day.")
    follow_up_every_months: Annotated[int, Field(ge=1, le=60)] | None = Field(
        default=None, description="A new declaration is due this many months after the last."
    )
    procurement: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="The procurement file (JSON), relative to the contract file."
    )
    suppliers: tuple[ContractSupplier, ...] = ()
    amendments: tuple[Amendment, ...] = ()

    @model_validator(mode="after")
    def _in_order(self) -> Contract:
        first = self.start or self.awarded
        if self.end is not None and self.end < first:
            raise InvalidValueError(
                "the contract ends before it starts",
                "kontraktet slutar innan det börjar",
            )
        days = [a.on for a in self.amendments]
        if days != sorted(set(days)):
            raise InvalidValueError(
                "amendments come in date order, one per day",
                "ändringarna ska stå i datumordning, en per dag",
            )
        if days and days[0] <= self.awarded:
            raise InvalidValueError(
                "an amendment applies after the award",
                "en ändring gäller efter tilldelningen",
            )
        return self


def parse_contract(data: Any, *, source: str = "<python>") -> Contract:
    """Validate a mapping into a Contract.

    Raises:
        ContractError: every problem, located the pydantic way, in Swedish and English.
    """
    if not isinstance(data, dict):
        raise ContractError(
            [
                Problem(
                    source,
                    "",
                    "wrong_type",
                    "a contract is a table (TOML) or an object (JSON)",
                    msg_sv="ett kontrakt är en tabell (TOML) eller ett objekt (JSON)",
                )
            ]
        )
    try:
        return Contract.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(
            exc,
            source=source,
            tags=frozenset({"function-after", "function-before"}),
            known_fields=Contract.model_fields,
        )
        raise ContractError(problems) from None


def load_contract(path: str | Path) -> Contract:
    """Read a contract file (``.toml`` or ``.json``).

    A rule file or procurement it names by a relative path is read relative to the
    contract file.

    Raises:
        ContractError: the file cannot be read or is not a valid contract.
    """
    from reserverat.inputs import parse_json, parse_toml, read_text

    path = Path(path)
    text = read_text(path, ContractError)
    if path.suffix.lower() == ".json":
        data = parse_json(text, str(path), ContractError)
    else:
        data = parse_toml(text, str(path), ContractError)
    contract = parse_contract(data, source=str(path))
    folder = path.parent

    def near(ref: str) -> str:
        relative = not Path(ref).is_absolute()
        return str(folder / ref) if relative and ref.endswith((".toml", ".json")) else ref

    return contract.model_copy(
        update={
            "rules": near(contract.rules),
            "procurement": near(contract.procurement) if contract.procurement else None,
            "amendments": tuple(
                a.model_copy(update={"rules": near(a.rules)}) for a in contract.amendments
            ),
        }
    )


@dataclass(frozen=True)
class Requirement:
    """What a declaration is held to from a day on: a rule set and the stage."""

    since: date
    rules: RuleSet
    note: str | None = None
    """The amendment's note, for a requirement an amendment brought in."""

    @property
    def label(self) -> str:
        """The rule set as ``id version``."""
        return f"{self.rules.id} {self.rules.version}".strip()


@dataclass(frozen=True)
class Point:
    """One declaration in a supplier's series, evaluated on its own date."""

    on: date
    basis: Literal["declared_on", "reference_date"]
    """Which of the declaration's dates placed it in time."""
    source: str
    declaration: Declaration
    result: Result
    stage: Stage
    requirement: Requirement
    sources: tuple[str, ...] = ()
    """Every input that gave this same declaration (one, unless it was sent twice)."""


@dataclass(frozen=True)
class CriterionLine:
    """One criterion's verdicts over a supplier's declarations."""

    criterion: str
    title: Text
    states: tuple[tuple[date, str], ...]
    """(declaration date, verdict) for each declaration whose rule set has the criterion."""
    first_lapse: date | None = None
    """The first declaration on which it did not hold, after one on which it held."""
    last_held: date | None = None
    """The declaration before ``first_lapse``, on which it still held."""
    lapsed_to: str | None = None
    """The verdict on ``first_lapse``: ``not_met``, or ``undecided`` where it could no
    longer be shown."""
    recovered: date | None = None
    """The first declaration after ``first_lapse`` on which it held again."""


@dataclass(frozen=True)
class Change:
    """A criterion whose verdict moved between two declarations, with both sides' reasons.

    The outcome's own move is a change whose criterion is ``None``."""

    before_on: date
    on: date
    criterion: str | None
    title: Text | None
    before: str
    after: str
    cause: Literal["facts", "rules", "stage"]
    """What moved it: the facts (or their age), the rule set, or the stage."""
    reasons: tuple[tuple[Message | None, Message | None], ...] = ()
    """(before, after) for each part of the criterion that moved, with its numbers."""


@dataclass(frozen=True)
class Gap:
    """Follow-up periods in a row that ended with no declaration dated within them."""

    start: date
    """The first missing period's first day."""
    end: date
    """The last missing period's last day."""
    periods: int
    open: bool
    """Whether no declaration has come since (so one is overdue now)."""


@dataclass(frozen=True)
class Conflict:
    """Declarations of one supplier on one date that disagree: neither is used."""

    on: date
    sources: tuple[str, ...]


@dataclass(frozen=True)
class NewerChange:
    """A declaration whose outcome or verdicts a newer rule set would change."""

    on: date
    before: str
    after: str
    criteria: tuple[tuple[str, Text, str, str, Message | None, Message | None], ...]
    """(criterion, title, verdict now, verdict under the newer set, reason now, reason then)."""


@dataclass(frozen=True)
class Action:
    """Why a supplier needs action now: a code and its arguments."""

    code: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SupplierFollowUp:
    """One supplier's follow-up: its declarations, timelines, changes, gaps and actions."""

    supplier: str
    identifier: str | None
    points: tuple[Point, ...]
    lines: tuple[CriterionLine, ...]
    changes: tuple[Change, ...]
    gaps: tuple[Gap, ...]
    conflicts: tuple[Conflict, ...]
    current: Result | None
    """The latest declaration evaluated on the follow-up date."""
    actions: tuple[Action, ...]
    newer: tuple[NewerChange, ...] = ()
    in_contract: bool = True

    @property
    def needs_action(self) -> bool:
        """Whether anything asks the buyer to act now."""
        return bool(self.actions)


@dataclass(frozen=True)
class FollowUp:
    """A contract's follow-up on one day: every supplier, and every input that failed."""

    contract: Contract
    as_of: date
    requirements: tuple[Requirement, ...]
    suppliers: tuple[SupplierFollowUp, ...]
    errors: tuple[Problem, ...] = ()
    """Inputs that could not be read or placed, located: each appears here, nothing is lost."""
    warnings: tuple[Problem, ...] = ()
    newer: RuleSet | None = None

    @property
    def needing_action(self) -> tuple[SupplierFollowUp, ...]:
        """The suppliers that need action now."""
        return tuple(s for s in self.suppliers if s.needs_action)

    def to_dict(self, lang: str = "sv") -> dict[str, Any]:
        """A JSON-ready view; every message has its code, arguments and ``lang`` text."""
        from reserverat.render.followup import follow_up_dict

        return follow_up_dict(self, lang)

    def to_json(self, lang: str = "sv") -> str:
        """The follow-up as JSON.

        Not passed through a mask, like every JSON reserverat writes: identity numbers were
        masked where they entered (names, texts, file names), and a mask over the whole text
        would turn an amount such as 1912051234 into stars."""
        return json.dumps(self.to_dict(lang), indent=2, ensure_ascii=False) + "\n"


# ---- building it ---------------------------------------------------------------------------


def _dated(decl: Declaration) -> tuple[date, Literal["declared_on", "reference_date"]] | None:
    if decl.declared_on is not None:
        return decl.declared_on, "declared_on"
    if decl.workforce is not None and decl.workforce.reference_date is not None:
        return decl.workforce.reference_date, "reference_date"
    return None


def _key(name: str, number: str | None) -> str:
    if number:
        return "nr:" + "".join(c for c in number if c.isdigit())
    return "name:" + " ".join(name.casefold().split())


def _contract_keys(contract: Contract) -> dict[str, ContractSupplier]:
    out: dict[str, ContractSupplier] = {}
    for s in contract.suppliers:
        out[_key(s.name, s.organisationsnummer)] = s
        out.setdefault(_key(s.name, None), s)
    return out


def _requirement_on(requirements: Sequence[Requirement], day: date) -> Requirement:
    found = requirements[0]
    for r in requirements:
        if r.since <= day:
            found = r
    return found


def _stage(contract: Contract, day: date) -> Stage:
    return "qualification" if day <= contract.awarded else "follow_up"


def _moved(a: Explanation, b: Explanation) -> list[tuple[Message | None, Message | None]]:
    """The reasons of the deepest parts whose verdict moved, paired where the trees agree."""
    if a.kind == b.kind and len(a.children) == len(b.children) and a.children:
        out: list[tuple[Message | None, Message | None]] = []
        for ca, cb in zip(a.children, b.children, strict=True):
            if ca.verdict is not cb.verdict:
                out.extend(_moved(ca, cb))
        if out:
            return out
    return [(a.reason, b.reason)]


def _differing(a: Result, b: Result) -> list[tuple[str, Finding | None, Finding | None, str, str]]:
    """The criteria whose verdict differs from ``a`` to ``b`` (``absent`` where a rule set
    lacks one), each with both findings: b's criteria in order, then those only a has."""
    before = {f.criterion: f for f in a.findings}
    after = {f.criterion: f for f in b.findings}
    out = []
    for crit in [*after, *(c for c in before if c not in after)]:
        fa, fb = before.get(crit), after.get(crit)
        was = fa.verdict.value if fa is not None else "absent"
        now = fb.verdict.value if fb is not None else "absent"
        if was != now:
            out.append((crit, fa, fb, was, now))
    return out


def _verdicts(result: Result) -> dict[str, str]:
    return {f.criterion: f.verdict.value for f in result.findings}


def _changes(
    prev: Point,
    point: Point,
    context: EvaluationContext | None,
    procurement: Procurement | None,
) -> list[Change]:
    same_rules = prev.requirement.rules.content_hash == point.requirement.rules.content_hash
    same_stage = prev.stage == point.stage
    # The new declaration under the earlier requirements: a verdict that stays as it was
    # there moved because the requirements did, not the facts.
    earlier: dict[str, str] | None = None
    earlier_outcome: str | None = None
    if not (same_rules and same_stage):
        again = evaluate(
            point.declaration,
            prev.requirement.rules,
            procurement=procurement,
            as_of=point.on,
            context=context,
            stage=prev.stage,
        )
        earlier, earlier_outcome = _verdicts(again), again.outcome.value
    cause_of_req: Literal["rules", "stage"] = "stage" if same_rules else "rules"

    def cause(crit: str | None, was: str) -> Literal["facts", "rules", "stage"]:
        if earlier is None:
            return "facts"
        then = earlier_outcome if crit is None else earlier.get(crit, "absent")
        return cause_of_req if then == was else "facts"

    out: list[Change] = []
    if prev.result.outcome is not point.result.outcome:
        was = prev.result.outcome.value
        out.append(
            Change(prev.on, point.on, None, None, was, point.result.outcome.value, cause(None, was))
        )
    for crit, fa, fb, was, now in _differing(prev.result, point.result):
        if fa is not None and fb is not None:
            reasons = _moved(fa.explanation, fb.explanation)
        else:
            reasons = [
                (
                    fa.explanation.reason if fa is not None else None,
                    fb.explanation.reason if fb is not None else None,
                )
            ]
        either = fb if fb is not None else fa
        title = either.title if either is not None else None
        out.append(
            Change(prev.on, point.on, crit, title, was, now, cause(crit, was), tuple(reasons))
        )
    return out


def _lines(points: Sequence[Point]) -> list[CriterionLine]:
    titles: dict[str, Text] = {}
    states: dict[str, list[tuple[date, str]]] = {}
    for p in points:
        for f in p.result.findings:
            titles[f.criterion] = f.title
            states.setdefault(f.criterion, []).append((p.on, f.verdict.value))
    out = []
    for crit, seq in states.items():
        lapse = held = to = back = None
        for k, ((d0, v0), (d1, v1)) in enumerate(itertools.pairwise(seq)):
            # Not applying is no lapse: the condition does not bind the supplier then.
            if v0 == "met" and v1 in ("not_met", "undecided"):
                lapse, held, to = d1, d0, v1
                back = next((d for d, v in seq[k + 2 :] if v == "met"), None)
                break
        out.append(CriterionLine(crit, titles[crit], tuple(seq), lapse, held, to, back))
    return out


def _periods(contract: Contract, as_of: date) -> list[tuple[date, date]]:
    """The follow-up periods that have ended by ``as_of``: every ``n`` months from the
    contract's start, the last cut at its end (first day, last day)."""
    every = contract.follow_up_every_months
    if every is None:
        return []
    start = contract.start or contract.awarded
    out: list[tuple[date, date]] = []
    k = 0
    while True:
        first = months_before(start, -every * k)
        after = months_before(start, -every * (k + 1))
        if contract.end is not None and after > contract.end:
            after = contract.end + timedelta(days=1)
        if first > (contract.end or date.max) or after > as_of:
            return out
        out.append((first, after - timedelta(days=1)))
        k += 1


def _gaps(contract: Contract, days: Sequence[date], as_of: date) -> list[Gap]:
    out: list[Gap] = []
    for first, last in _periods(contract, as_of):
        if any(first <= d <= last for d in days):
            continue
        if out and out[-1].end + timedelta(days=1) == first:
            out[-1] = Gap(out[-1].start, last, out[-1].periods + 1, out[-1].open)
        else:
            out.append(Gap(first, last, 1, not any(d > last for d in days)))
    return out


def _actions(
    contract: Contract,
    current: Result | None,
    gaps: Sequence[Gap],
    conflicts: Sequence[Conflict],
    lines: Sequence[CriterionLine],
    as_of: date,
) -> list[Action]:
    ended = contract.end is not None and contract.end < as_of
    out: list[Action] = []
    for c in conflicts:
        out.append(Action("followup.conflict", {"on": c.on, "n": len(c.sources)}))
    if current is None:
        if not conflicts and not ended:
            out.append(Action("followup.no_declarations"))
        return out
    if ended:
        return out
    if current.outcome is Outcome.NOT_QUALIFIED:
        failing = [f.criterion for f in current.findings if f.verdict is Verdict.NOT_MET]
        since = [d for ln in lines if ln.criterion in failing and (d := _last_lapse(ln))]
        out.append(
            Action(
                "followup.not_met",
                {"criteria": tuple(failing), "since": min(since) if since else None},
            )
        )
    elif current.outcome is Outcome.UNDECIDED:
        from reserverat.sources import buyer_fetches

        wanted = tuple(dict.fromkeys(e for f in current.findings for e in f.evidence))
        fetch = buyer_fetches(current)
        out.append(
            Action(
                "followup.undecided",
                {
                    "evidence": tuple(e for e in wanted if e not in fetch),
                    "fetch": tuple(e for e in wanted if e in fetch),
                },
            )
        )
    if gaps and gaps[-1].open:
        g = gaps[-1]
        out.append(
            Action("followup.overdue", {"start": g.start, "end": g.end, "periods": g.periods})
        )
    return out


def _last_lapse(line: CriterionLine) -> date | None:
    """The first declaration of the latest run on which it has not held, after one on which
    it did (a lapse, a recovery and a lapse again: the second); None if it never held."""
    states = list(line.states)
    k = len(states)
    while k and states[k - 1][1] != "met":
        k -= 1
    return states[k][0] if 0 < k < len(states) else None


def _newer(
    points: Sequence[Point],
    newer: RuleSet,
    context: EvaluationContext | None,
    procurement: Procurement | None,
) -> list[NewerChange]:
    out = []
    for p in points:
        other = evaluate(
            p.declaration,
            newer,
            procurement=procurement,
            as_of=p.on,
            context=context,
            stage=p.stage,
        )
        crits = []
        for crit, fa, fb, va, vb in _differing(p.result, other):
            either = fb if fb is not None else fa
            assert either is not None  # a criterion differs only where one side has it
            crits.append(
                (
                    crit,
                    either.title,
                    va,
                    vb,
                    fa.explanation.reason if fa else None,
                    fb.explanation.reason if fb else None,
                )
            )
        if crits or other.outcome is not p.result.outcome:
            out.append(NewerChange(p.on, p.result.outcome.value, other.outcome.value, tuple(crits)))
    return out


def load_requirements(
    contract: Contract,
    search: Iterable[str | Path] = (),
    *,
    source: str = "<contract>",
    load: Callable[[str, date], RuleSet] | None = None,
) -> tuple[tuple[Requirement, ...], list[Problem]]:
    """The rule set at award and each amendment's, with their warnings.

    ``load`` reads a rule set named by a ref on a day (default: :func:`load_ruleset` over
    ``search``); the HTTP service passes one that reads only built-in rule sets.

    A rule set named without its version is the one in force on the award date (or the
    amendment's day), with an ``unpinned_rules`` warning.

    Raises:
        RuleSetError: a rule set that cannot be loaded.
        ContractError: ``ruleset_changed``, the rule set at award no longer has the content
            hash the contract holds it to.
    """
    from reserverat.loading import load_ruleset

    search = list(search)
    warnings: list[Problem] = []

    def read(ref: str, on: date) -> RuleSet:
        return load_ruleset(ref, search=search, as_of=on)

    def pinned(ref: str, on: date, where: str) -> RuleSet:
        try:
            rules = (load or read)(ref, on)
        except RuleSetError as exc:
            # An unknown id or version is the contract's mistake: say where it says it.
            raise RuleSetError(
                [
                    replace(p, source=source, loc=where) if p.source == "<rules>" else p
                    for p in exc.problems
                ]
            ) from None
        if "@" not in ref and not ref.endswith((".toml", ".json")):
            warnings.append(
                Problem(
                    source,
                    where,
                    "unpinned_rules",
                    f"the contract names {ref!r} without its version: {rules.id} "
                    f"{rules.version}, in force on {on.isoformat()}, is used; write "
                    f"{rules.id}@{rules.version} so that a later version cannot change it",
                    msg_sv=f"kontraktet anger {ref!r} utan version: {rules.id} {rules.version}, "
                    f"som gällde {on.isoformat()}, används; skriv {rules.id}@{rules.version} så "
                    "att en senare version inte kan ändra det",
                )
            )
        return rules

    award = pinned(contract.rules, contract.awarded, "rules")
    if contract.rules_hash is not None and award.content_hash != contract.rules_hash:
        raise ContractError(
            [
                Problem(
                    source,
                    "rules_hash",
                    "ruleset_changed",
                    f"the rule set at award had {contract.rules_hash}; {award.id} "
                    f"{award.version} now has {award.content_hash}: using it would rewrite "
                    "history (name the version it was, or add an amendment)",
                    msg_sv=f"regelverket vid tilldelningen hade {contract.rules_hash}; "
                    f"{award.id} {award.version} har nu {award.content_hash}: att använda det "
                    "skulle skriva om historien (ange den version det var, eller lägg till en "
                    "ändring)",
                )
            ]
        )
    out = [Requirement(contract.awarded, award)]
    for i, a in enumerate(contract.amendments):
        out.append(Requirement(a.on, pinned(a.rules, a.on, f"amendments[{i}].rules"), a.note))
    return tuple(out), warnings


def _compared_with(
    newer: RuleSet | None, requirements: Sequence[Requirement], where: str
) -> tuple[RuleSet | None, list[Problem]]:
    """The rule set to compare with, unless it is one the contract already applies (then
    None, with a ``same_rules`` warning: there is nothing to compare)."""
    if newer is None or all(r.rules.content_hash != newer.content_hash for r in requirements):
        return newer, []
    label = f"{newer.id} {newer.version}".strip()
    return None, [
        Problem(
            where,
            "",
            "same_rules",
            f"{label} is a rule set the contract already applies: nothing to compare",
            label,
            msg_sv=f"{label} är ett regelverk som kontraktet redan tillämpar: inget att jämföra",
        )
    ]


def follow_up(
    inputs: Iterable[tuple[str, Declaration | DeclarationError]],
    contract: Contract,
    *,
    as_of: date,
    requirements: Sequence[Requirement] | None = None,
    warnings: Sequence[Problem] = (),
    newer: RuleSet | None = None,
    newer_source: str = "--rules",
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
) -> FollowUp:
    """Follow a contract's suppliers through their declarations, up to ``as_of``.

    ``inputs`` are (source, declaration or located error) pairs in any order: each supplier's
    are put in date order. ``requirements`` default to :func:`load_requirements`'s, with its
    warnings; given, ``warnings`` are those of loading them. ``newer`` is a rule set to
    compare with, which changes nothing else; one the contract already applies is dropped
    with a ``same_rules`` warning located at ``newer_source``.
    """
    said = list(warnings)
    if requirements is None:
        requirements, loaded = load_requirements(contract)
        said += loaded
    newer, same = _compared_with(newer, requirements, newer_source)
    said += same
    errors: list[Problem] = []
    keys = _contract_keys(contract)
    series: dict[str, list[tuple[date, str, str, Declaration]]] = {}
    names: dict[str, tuple[str, str | None]] = {}
    for source, item in inputs:
        if isinstance(item, ReserveratError):
            errors.extend(item.problems)
            continue
        dated = _dated(item)
        if dated is None:
            errors.append(
                Problem(
                    source,
                    "declared_on",
                    "undated_declaration",
                    "a follow-up declaration needs a date to be placed in time: the "
                    "declaration's date, or the workforce figures' reference date",
                    msg_sv="en uppföljningsförsäkran behöver ett datum för att kunna placeras i "
                    "tiden: försäkrans datum eller personaluppgifternas referensdag",
                )
            )
            continue
        day, basis = dated
        if day > as_of:
            errors.append(
                Problem(
                    source,
                    basis if basis == "declared_on" else "workforce.reference_date",
                    "future_date",
                    f"dated {day.isoformat()}, after the follow-up date {as_of.isoformat()}",
                    day.isoformat(),
                    msg_sv=f"daterad {day.isoformat()}, efter uppföljningsdagen "
                    f"{as_of.isoformat()}",
                )
            )
            continue
        key = _key(item.supplier, item.organisationsnummer)
        if key not in keys and item.organisationsnummer:
            # A contract that names the supplier by name only still knows it.
            by_name = _key(item.supplier, None)
            if by_name in keys and keys[by_name].organisationsnummer is None:
                key = _key(keys[by_name].name, None)
        series.setdefault(key, []).append((day, basis, source, item))
        if key in keys:  # the buyer knows the supplier by the contract's name
            names[key] = (keys[key].name, keys[key].organisationsnummer)
        else:  # else by its latest declaration's (a supplier may change its name)
            latest = max(series[key], key=lambda t: (t[0], t[2]))
            names[key] = (latest[3].supplier, latest[3].organisationsnummer)
    for named in contract.suppliers:
        k = _key(named.name, named.organisationsnummer)
        if k not in series and _key(named.name, None) in series:
            continue
        if k not in series:
            series.setdefault(k, [])
            names.setdefault(k, (named.name, named.organisationsnummer))
    out = [
        _supplier(
            key,
            names[key],
            series[key],
            contract,
            requirements,
            as_of,
            newer,
            procurement,
            context,
            in_contract=not contract.suppliers or key in keys,
        )
        for key in series
    ]
    for s in out:
        if not s.in_contract:
            said.append(
                Problem(
                    s.points[0].source if s.points else "<contract>",
                    "supplier",
                    "not_in_contract",
                    f"{s.supplier} is not among the contract's suppliers; followed up all the same",
                    s.supplier,
                    msg_sv=f"{s.supplier} finns inte bland kontraktets leverantörer; följs upp "
                    "ändå",
                )
            )
    for s in out:
        for c in s.conflicts:
            errors.append(
                Problem(
                    ", ".join(c.sources),
                    "declared_on",
                    "conflicting_declarations",
                    f"{len(c.sources)} declarations of {s.supplier} dated {c.on.isoformat()} "
                    "say different things: neither is used until one is withdrawn",
                    c.on.isoformat(),
                    msg_sv=f"{len(c.sources)} försäkringar från {s.supplier} daterade "
                    f"{c.on.isoformat()} säger olika saker: ingen av dem används förrän en dras "
                    "tillbaka",
                )
            )
    out.sort(key=lambda s: (not s.needs_action, s.supplier.casefold(), s.identifier or ""))
    return FollowUp(
        contract,
        as_of,
        tuple(requirements),
        tuple(out),
        tuple(errors),
        tuple(said),
        newer,
    )


def _supplier(
    key: str,
    name: tuple[str, str | None],
    items: list[tuple[date, str, str, Declaration]],
    contract: Contract,
    requirements: Sequence[Requirement],
    as_of: date,
    newer: RuleSet | None,
    procurement: Procurement | None,
    context: EvaluationContext | None,
    *,
    in_contract: bool,
) -> SupplierFollowUp:
    items.sort(key=lambda t: (t[0], t[2]))
    by_day: dict[date, list[tuple[str, str, Declaration]]] = {}
    for day, basis, source, decl in items:
        by_day.setdefault(day, []).append((basis, source, decl))
    points: list[Point] = []
    conflicts: list[Conflict] = []
    for day, group in by_day.items():
        # The caller's own reference (``id``) is no fact: two files that differ only there
        # say the same thing.
        hashes = {d.model_dump_json(exclude_none=True, exclude={"id"}) for _, _, d in group}
        if len(hashes) > 1:
            conflicts.append(Conflict(day, tuple(s for _, s, _ in group)))
            continue
        basis, source, decl = group[0]
        req = _requirement_on(requirements, day)
        stage = _stage(contract, day)
        result = evaluate(
            decl, req.rules, procurement=procurement, as_of=day, context=context, stage=stage
        )
        points.append(
            Point(
                day,
                "declared_on" if basis == "declared_on" else "reference_date",
                source,
                decl,
                result,
                stage,
                req,
                tuple(s for _, s, _ in group),
            )
        )
    changes: list[Change] = []
    for prev, point in itertools.pairwise(points):
        changes.extend(_changes(prev, point, context, procurement))
    lines = _lines(points)
    current = None
    if points:
        last = points[-1]
        current = evaluate(
            last.declaration,
            _requirement_on(requirements, as_of).rules,
            procurement=procurement,
            as_of=as_of,
            context=context,
            stage=_stage(contract, as_of),
        )
    # A conflict's date still counts as a declaration received: the gap is not the issue.
    days = sorted({p.on for p in points} | {c.on for c in conflicts})
    gaps = _gaps(contract, days, as_of)
    actions = _actions(contract, current, gaps, conflicts, lines, as_of)
    return SupplierFollowUp(
        name[0],
        points[0].result.supplier.identifier if points else masked(name[1]),
        tuple(points),
        tuple(lines),
        tuple(changes),
        tuple(gaps),
        tuple(conflicts),
        current,
        tuple(actions),
        tuple(_newer(points, newer, context, procurement)) if newer is not None else (),
        in_contract,
    )
