"""The tender: whether its CPV code is one the reservation may be used for, and earlier
reserved awards by the same authority for the same service.

Both read the procurement (its main CPV code, its authority) as well as the declaration.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reserverat.checks import CpvIn, NoPriorAwardWithin
from reserverat.declaration import Declaration
from reserverat.engine import Compiled, Eager, Plan, Witness, check
from reserverat.logic import Verdict
from reserverat.registry import normalise_name
from reserverat.result import Explanation, Fact

__all__ = ["CpvInCheck", "NoPriorAwardWithinCheck"]

MET, NOT_MET, UNDECIDED = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED


@check
class CpvInCheck(Compiled[CpvIn]):
    """The tender's main CPV code is listed (or in a listed range).

    The answer depends on the tender alone, which the plan fixes: it is decided once,
    when the rule set is compiled, and every declaration shares that witness.
    """

    kind = "cpv_in"
    __slots__ = ("decided", "listed")

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return ()  # the tender's code, not the supplier's

    def __init__(self, node: CpvIn, plan: Plan) -> None:
        super().__init__(node, plan)
        self.listed = ", ".join([*node.codes, *(f"{a}–{b}" for a, b in node.ranges)])
        proc = plan.procurement
        raw = proc.main_cpv if proc else None
        if raw is None:
            self.decided = self.witness(UNDECIDED, "cpv.unknown", ("procurement_facts",), raw)
        elif node.contains(raw):
            self.decided = self.witness(MET, "cpv.in", (), raw)
        elif self.value(node.unlisted) == "undecided":
            # The list is not verified against the statute: a code outside it is never met,
            # and not failed either until someone has read the statute's own list.
            self.decided = self.witness(
                UNDECIDED, "cpv.not_in_unverified", ("cpv_list_check",), raw
            )
        else:
            self.decided = self.witness(NOT_MET, "cpv.not_in", (), raw)
        self.decided.shared = True  # one tender, one answer for every declaration

    def decide(self, decl: Declaration) -> Witness:
        """The tender's witness."""
        return self.decided

    def explain(self, witness: Witness) -> Explanation:
        """The code and the list."""
        raw: str | None = witness.data
        facts = (Fact("procurement.main_cpv", raw),)
        if raw is None:
            return self.explanation(witness, {"listed": self.listed}, facts)
        return self.explanation(
            witness, {"cpv": raw.split("-", 1)[0], "listed": self.listed}, facts
        )


def _years_before(when: date, years: int) -> date:
    """The same calendar date ``years`` years earlier; 29 February becomes 28 February."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


@check
class NoPriorAwardWithinCheck(Eager[NoPriorAwardWithin]):
    """No earlier reserved award by the same authority for the same service."""

    kind = "no_prior_award_within"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return tuple(f"prior_awards[].{f}" for f in ("authority", "cpv", "awarded_on", "basis"))

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        proc = self.plan.procurement
        facts: tuple[Fact, ...] = (
            Fact("procurement.authority", proc.authority if proc else None),
            Fact("procurement.main_cpv", proc.main_cpv if proc else None),
        )
        if decl.prior_awards is None:
            return self.made(
                UNDECIDED,
                "awards.unknown",
                None,
                (*facts, Fact("prior_awards", None)),
                ("prior_awards_statement",),
            )
        if proc is None or proc.authority is None or proc.main_cpv is None:
            return self.made(
                UNDECIDED, "awards.no_procurement", None, facts, ("procurement_facts",)
            )
        years = self.value(node.years)
        since = _years_before(self.plan.as_of, years)
        digits = self.value(node.same_service_digits)
        authority = normalise_name(proc.authority)
        service = proc.main_cpv[:digits]
        basis = self.value(node.basis)
        clashes, unsure = [], []
        for i, award in enumerate(decl.prior_awards):
            facts += (
                Fact(
                    f"prior_awards[{i}]",
                    f"{award.authority}, {award.cpv or '?'}, "
                    f"{award.awarded_on.isoformat()}, {award.basis}",
                ),
            )
            if award.basis != basis or not since <= award.awarded_on <= self.plan.as_of:
                continue
            if normalise_name(award.authority) != authority:
                continue
            if award.cpv is None:
                unsure.append(award.awarded_on)
            elif award.cpv[:digits] == service:
                clashes.append(award.awarded_on)
        args: dict[str, Any] = {
            "authority": proc.authority,
            "years": years,
            "since": since,
            "as_of": self.plan.as_of,
        }
        if clashes:
            args["awarded_on"] = max(clashes)
            return self.made(NOT_MET, "awards.clash", args, facts)
        if unsure:
            args["awarded_on"] = max(unsure)
            return self.made(
                UNDECIDED, "awards.cpv_unknown", args, facts, ("prior_awards_statement",)
            )
        return self.made(MET, "awards.none", args, facts)
