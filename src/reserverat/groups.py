"""Tenders by groups of suppliers, and duplicate suppliers in a batch.

A group tender (two social enterprises bidding together) lists its members. The rule
set's ``group_policy`` decides how the group qualifies:

- ``each_member`` (default): every member the group relies on must qualify on every
  criterion (no source settles this; it is the cautious reading);
- ``combined_workforce``: criteria whose check is a share of the workforce are judged on
  the members' workforces added together; every other criterion must hold for each
  member relied on.

Subcontractors and capacity providers are evaluated and shown, but never carry the
reserved status for the tenderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reserverat.declaration import Declaration, OccupationGroup, Procurement, TargetGroup, Workforce
from reserverat.errors import InvalidValueError
from reserverat.evaluate import EvaluationContext, evaluate, law_date
from reserverat.logic import Verdict, all_verdicts
from reserverat.registry import normalise_name
from reserverat.result import Outcome, Result
from reserverat.ruleset import RuleSet

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when duplicates are first looked for

__all__ = [
    "Duplicate",
    "GroupFinding",
    "GroupMember",
    "GroupResult",
    "GroupTender",
    "MemberResult",
    "evaluate_group",
    "find_duplicates",
]


class GroupMember(BaseModel):
    """One party in a group tender and its role."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    declaration: Declaration
    role: Literal["member", "subcontractor", "capacity_provider"] = "member"
    relied_on: bool = True


class GroupTender(BaseModel):
    """A tender by several suppliers together."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(min_length=1)
    members: tuple[GroupMember, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_a_member(self) -> GroupTender:
        if not any(m.role == "member" and m.relied_on for m in self.members):
            raise InvalidValueError(
                "a group needs at least one member (role 'member') that it relies on",
                "en grupp behöver minst en medlem (role 'member') som den åberopar (relied_on)",
            )
        return self


@dataclass(frozen=True, slots=True)
class MemberResult:
    """A party's own result, and whether it counts for the group."""

    role: str
    relied_on: bool
    counts: bool
    result: Result


@dataclass(frozen=True, slots=True)
class GroupFinding:
    """The group's verdict on one criterion and where it came from."""

    criterion: str
    verdict: Verdict
    source: Literal["each_member", "combined"]


@dataclass(frozen=True, slots=True)
class GroupResult:
    """The outcome for a group tender, with each party's result and the policy used."""

    name: str
    outcome: Outcome
    policy: str
    findings: tuple[GroupFinding, ...]
    members: tuple[MemberResult, ...]
    combined: Result | None


def _sum(values: Sequence[Any]) -> Any:
    if any(v is None for v in values):
        return None
    return sum(values, type(values[0])(0)) if values else None


def _combine_targets(groups: Sequence[OccupationGroup]) -> TargetGroup | None:
    targets = [g.target_group for g in groups]
    if any(t is None for t in targets):
        # A member with nobody in a form needs no target count there.
        targets = [
            t if t is not None or g.headcount != 0 else TargetGroup(headcount=0)
            for g, t in zip(groups, targets, strict=True)
        ]
        if any(t is None for t in targets):
            return None
    known = [t for t in targets if t is not None]
    by_cat: dict[str, int] | None = {}
    for t in known:
        if t.by_category is None or by_cat is None:
            by_cat = None
            continue
        for k, v in t.by_category.items():
            by_cat[k] = by_cat.get(k, 0) + v
    headcount = _sum([t.headcount for t in known])
    if by_cat is not None and headcount is not None and sum(by_cat.values()) != headcount:
        by_cat = None
    return TargetGroup(
        headcount=headcount,
        fte=_sum([t.fte for t in known]),
        by_category=by_cat or None,
        documented_need=_sum([t.documented_need for t in known]),
    )


def _combine_workforces(workforces: Sequence[Workforce | None]) -> Workforce | None:
    if not workforces or any(w is None for w in workforces):
        return None
    known = [w for w in workforces if w is not None]
    forms: dict[str, OccupationGroup | None] = {}
    for form in ("employed", "trainees", "work_training", "other"):
        groups = [getattr(w, form) for w in known]
        if any(g is None for g in groups):
            forms[form] = None
            continue
        fte = _sum([g.fte if g.fte is not None or g.headcount != 0 else Decimal(0) for g in groups])
        forms[form] = OccupationGroup(
            headcount=_sum([g.headcount for g in groups]),
            fte=fte,
            target_group=_combine_targets(groups),
        )
    dates = [w.reference_date for w in known]
    oldest: date | None = None if any(d is None for d in dates) else min(d for d in dates if d)
    return Workforce(reference_date=oldest, **forms)


def evaluate_group(
    group: GroupTender,
    ruleset: RuleSet,
    *,
    procurement: Procurement | None = None,
    as_of: date | None = None,
    context: EvaluationContext | None = None,
) -> GroupResult:
    """Evaluate a group tender under the rule set's group policy.

    Raises:
        EvaluationError: no evaluation date could be determined.
    """
    members = tuple(
        MemberResult(
            m.role,
            m.relied_on,
            m.role == "member" and m.relied_on,
            evaluate(m.declaration, ruleset, procurement=procurement, as_of=as_of, context=context),
        )
        for m in group.members
    )
    counting = [m for m in members if m.counts]
    combined = None
    policy = ruleset.group_policy
    if policy == "combined_workforce":
        decls = [m.declaration for m in group.members if m.role == "member" and m.relied_on]
        merged = Declaration(
            supplier=group.name,
            workforce=_combine_workforces([d.workforce for d in decls]),
            programme_workforce=_combine_workforces([d.programme_workforce for d in decls]),
        )
        combined = evaluate(merged, ruleset, procurement=procurement, as_of=as_of, context=context)
    findings = []
    for crit in ruleset.criteria:
        if combined is not None and crit.check.kind == "share_at_least":
            findings.append(GroupFinding(crit.id, combined.finding(crit.id).verdict, "combined"))
        else:
            verdict = all_verdicts(m.result.finding(crit.id).verdict for m in counting)
            findings.append(GroupFinding(crit.id, verdict, "each_member"))
    when = members[0].result.provenance.as_of if members else (as_of or date.min)
    advisory = ruleset.advisory_at(when)
    verdict = all_verdicts(f.verdict for f in findings if f.criterion not in advisory)
    if not ruleset.in_force(law_date(when, procurement)):
        verdict = Verdict.NOT_MET  # as evaluate(): outside its validity nobody qualifies
    outcome = Outcome.of(verdict)
    return GroupResult(group.name, outcome, policy, tuple(findings), members, combined)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Two inputs that look like the same supplier, and why."""

    first: int
    second: int
    reason: Literal["organisationsnummer", "name"]
    score: float


def find_duplicates(
    declarations: Iterable[Declaration], *, threshold: float = 92, max_pairs: int = 1000
) -> list[Duplicate]:
    """Pairs of declarations with the same organisationsnummer or names this similar.

    ``threshold`` is the rapidfuzz ratio (0-100, inclusive) from which two normalised
    names count as the same supplier. Each pair is listed once, the lower index first,
    and at most ``max_pairs`` pairs are returned (similar generated names would
    otherwise give millions).
    """
    decls = list(declarations)
    if len(decls) < 2:
        return []  # nothing to pair: and no rapidfuzz or numpy to load for one file
    from rapidfuzz import fuzz, process  # 50 ms to import: only when names are matched

    found: dict[tuple[int, int], Duplicate] = {}
    by_number: dict[str, int] = {}
    for i, d in enumerate(decls):
        if d.organisationsnummer:
            j = by_number.setdefault(d.organisationsnummer, i)
            if j != i:
                found[(j, i)] = Duplicate(j, i, "organisationsnummer", 100.0)
    names = [normalise_name(d.supplier) for d in decls]
    for start in range(0, len(names), 1000):
        # One C++ pass per chunk of rows; float scores keep the reported score exact.
        scores = process.cdist(
            names[start : start + 1000],
            names,
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            dtype=np.float32,
        )
        for r, j in zip(*np.nonzero(scores), strict=True):
            i = start + int(r)
            if int(j) > i and (i, int(j)) not in found:
                found[(i, int(j))] = Duplicate(i, int(j), "name", float(scores[r, j]))
            if len(found) >= max_pairs:
                break
        if len(found) >= max_pairs:
            break
    return [found[k] for k in sorted(found)][:max_pairs]
