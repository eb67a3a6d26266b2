"""Money: profits mainly reinvested, value transferred only to allowed recipients, and the
spread of salaries.

Judged over the supplier's last closed financial years (LOU 19 kap. 25 § and art. 77(2)(b)
of directive 2014/24; lag (2022:900) 2 §; Skoopi's criteria). Amounts are Decimals,
shares Fractions. The checks are :class:`~reserverat.engine.Eager`: the explanation is the
list of the years' figures that were read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from reserverat.checks import (
    ProfitsMainlyReinvested,
    SalaryRatioAtMost,
    TransfersOnlyTo,
    _Node,
)
from reserverat.declaration import Declaration, FinancialYear
from reserverat.engine import Eager, cents, check, months_before
from reserverat.logic import Verdict
from reserverat.result import Explanation, Fact, Message

__all__ = ["ProfitsMainlyReinvestedCheck", "SalaryRatioAtMostCheck", "TransfersOnlyToCheck"]

MET, NOT_MET, UNDECIDED = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED
ZERO = Decimal(0)
N = TypeVar("N", bound=_Node)


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
    if window and decl.founded is not None and decl.founded > months_before(as_of, 12 * years):
        # Younger than the window: judge on every year it has closed.
        return window
    return None


def _fy_facts(window: Iterable[FinancialYear], attrs: Iterable[str]) -> tuple[Fact, ...]:
    return tuple(
        Fact(f"financial_years[{fy.end.isoformat()}].{attr}", getattr(fy, attr))
        for fy in window
        for attr in attrs
    )


class _MoneyCheck(Eager[N]):
    """A check over the supplier's closed financial years."""

    __slots__ = ()

    def window(
        self, decl: Declaration, years: int, within: int
    ) -> list[FinancialYear] | Explanation:
        """The years to judge, newest first; or why they cannot be judged (undecided)."""
        if decl.financial_years is None:
            return self.made(
                UNDECIDED,
                "money.no_years",
                None,
                (Fact("financial_years", None),),
                ("annual_report",),
            )
        as_of = self.plan.as_of
        closed_years = [fy for fy in decl.financial_years if fy.end <= as_of]
        latest = max((fy.end for fy in closed_years), default=None)
        due = self.plan.cutoff(within)
        if latest is not None and latest < due:
            # Old accounts say nothing about the supplier now: ask for the recent ones.
            return self.made(
                UNDECIDED,
                "money.stale_years",
                {"latest": latest, "due": due, "months": within},
                _fy_facts(closed_years, ("result",)),
                ("annual_report",),
            )
        window = _window(decl, years, as_of)
        if window is None:
            return self.made(
                UNDECIDED,
                "money.too_few_years",
                {"have": len(closed_years), "need": years},
                _fy_facts(closed_years, ("result",)),
                ("annual_report",),
            )
        return window

    def unstated(self, facts: tuple[Fact, ...]) -> Explanation | None:
        """UNDECIDED, asking for annual reports, when any of the window's amounts is unstated."""
        missing = [f.path for f in facts if f.value is None]
        if not missing:
            return None
        return self.made(
            UNDECIDED,
            "money.missing",
            {"missing": ", ".join(missing)},
            facts,
            ("annual_report",),
        )


@check
class ProfitsMainlyReinvestedCheck(_MoneyCheck[ProfitsMainlyReinvested]):
    """Profits over the window are mainly kept in the business."""

    kind = "profits_mainly_reinvested"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        recipients = node.distributed_to if isinstance(node.distributed_to, tuple) else ("owners",)
        fields = ["end", "result", *(_RECIPIENT_FIELD[r] for r in recipients)]
        return ("founded", *(f"financial_years[].{f}" for f in fields))

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        share = Fraction(self.value(node.share))
        window = self.window(decl, self.value(node.years), self.value(node.accounts_within_months))
        if isinstance(window, Explanation):
            return window
        distributed_to = self.value(node.distributed_to)
        fields = [_RECIPIENT_FIELD[r] for r in distributed_to]
        facts = _fy_facts(window, ["result", *fields])
        unstated = self.unstated(facts)
        if unstated is not None:
            return unstated
        if any(r in _IDEBURNA for r in distributed_to):
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
                return self.made(MET, "money.no_profit", args, facts)
            return self.made(
                NOT_MET,
                "money.transfer_without_profit",
                args,
                facts,
                gap=Message("gap.money", {"amount": out}),
            )
        kept = Fraction(profit - out) / Fraction(profit)
        args["kept"] = max(kept, Fraction(0))
        if kept >= share:
            return self.made(MET, "money.mainly_reinvested", args, facts)
        excess = Fraction(out) - Fraction(profit) * (1 - share)
        return self.made(
            NOT_MET,
            "money.not_mainly_reinvested",
            args,
            facts,
            gap=Message("gap.money", {"amount": cents(excess)}),
        )


@check
class TransfersOnlyToCheck(_MoneyCheck[TransfersOnlyTo]):
    """Value went only to the allowed recipients over the window."""

    kind = "transfers_only_to"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        allowed = node.allowed if isinstance(node.allowed, tuple) else ()
        fields = ["end", *(f for r, f in _RECIPIENT_FIELD.items() if r not in allowed)]
        return ("founded", *(f"financial_years[].{f}" for f in fields))

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        window = self.window(decl, self.value(node.years), self.value(node.accounts_within_months))
        if isinstance(window, Explanation):
            return window
        allowed = self.value(node.allowed)
        forbidden = [f for r, f in _RECIPIENT_FIELD.items() if r not in allowed]
        facts = _fy_facts(window, forbidden)
        paid = [f for f in facts if f.value is not None and f.value > 0]
        args: dict[str, Any] = {"allowed": ", ".join(allowed) or "-", "years": len(window)}
        if paid:
            total = sum((f.value for f in paid), ZERO)
            recipients = dict.fromkeys(_FIELD_RECIPIENT[f.path.rsplit(".", 1)[1]] for f in paid)
            args |= {"recipients": ", ".join(recipients), "amount": total}
            return self.made(
                NOT_MET,
                "money.forbidden_transfer",
                args,
                facts,
                gap=Message("gap.money", {"amount": total}),
            )
        # Older declarations name idéburna recipients without saying whether they are registered.
        legacy = tuple(
            Fact(f"financial_years[{fy.end.isoformat()}].{_LEGACY_IDEBURNA}", fy.to_ideburna)
            for fy in window
            if fy.to_ideburna
        )
        allowed_ideburna = [r for r in _IDEBURNA if r in allowed]
        if legacy and len(allowed_ideburna) < len(_IDEBURNA):
            amount = sum((f.value for f in legacy), ZERO)
            if not allowed_ideburna:
                args |= {"recipients": "ideburna", "amount": amount}
                return self.made(
                    NOT_MET,
                    "money.forbidden_transfer",
                    args,
                    facts + legacy,
                    gap=Message("gap.money", {"amount": amount}),
                )
            unstated = self.unstated(facts)
            notes = (unstated.reason,) if unstated is not None else ()
            return self.made(
                UNDECIDED,
                "money.ideburna_registration_unknown",
                {"amount": amount},
                facts + legacy,
                ("register_extract",),
                notes=notes,
            )
        unstated = self.unstated(facts)
        if unstated is not None:
            return unstated
        return self.made(MET, "money.transfers_allowed", args, facts)


@check
class SalaryRatioAtMostCheck(Eager[SalaryRatioAtMost]):
    """The highest salary is at most the ratio times the lowest."""

    kind = "salary_ratio_at_most"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return ("salaries.lowest", "salaries.highest")

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        ratio = Decimal(self.value(node.ratio))
        s = decl.salaries
        lowest = s.lowest if s else None
        highest = s.highest if s else None
        facts = (Fact("salaries.lowest", lowest), Fact("salaries.highest", highest))
        if lowest is None or highest is None:
            return self.made(UNDECIDED, "salary.unknown", None, facts, ("salary_statement",))
        actual = Fraction(highest) / Fraction(lowest)
        args = {"ratio": cents(actual), "maximum": ratio, "lowest": lowest, "highest": highest}
        if actual <= Fraction(ratio):
            return self.made(MET, "salary.within", args, facts)
        return self.made(
            NOT_MET,
            "salary.above",
            args,
            facts,
            gap=Message("gap.salary", {"highest_max": ratio * lowest}),
        )
