"""Verdicts and Kleene's strong three-valued logic over them.

``NOT_APPLICABLE`` marks a criterion whose guard does not hold: it is neutral in
every combinator (it is left out), and a combinator whose children are all not
applicable is itself not applicable.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

__all__ = ["Verdict", "all_verdicts", "any_verdicts", "at_least_verdicts", "not_verdict"]


class Verdict(enum.Enum):
    """The outcome of one criterion or check: met, not met, undecided or not applicable."""

    MET = "met"
    NOT_MET = "not_met"
    UNDECIDED = "undecided"
    NOT_APPLICABLE = "not_applicable"

    def __bool__(self) -> bool:
        raise TypeError(
            "a Verdict has three values, so it has no truth value: compare it instead, "
            "e.g. `verdict is Verdict.MET`, or combine verdicts with all_verdicts/any_verdicts"
        )

    def __repr__(self) -> str:
        return f"Verdict.{self.name}"


MET = Verdict.MET
NOT_MET = Verdict.NOT_MET
UNDECIDED = Verdict.UNDECIDED
NOT_APPLICABLE = Verdict.NOT_APPLICABLE


def all_verdicts(verdicts: Iterable[Verdict]) -> Verdict:
    """Kleene conjunction: NOT_MET if any is, else UNDECIDED if any is, else MET.

    >>> all_verdicts([Verdict.MET, Verdict.UNDECIDED])
    Verdict.UNDECIDED
    """
    seen_applicable = False
    undecided = False
    for v in verdicts:
        if v is NOT_MET:
            return NOT_MET
        if v is UNDECIDED:
            undecided = True
        if v is not NOT_APPLICABLE:
            seen_applicable = True
    if undecided:
        return UNDECIDED
    return MET if seen_applicable else NOT_APPLICABLE


def any_verdicts(verdicts: Iterable[Verdict]) -> Verdict:
    """Kleene disjunction: MET if any is, else UNDECIDED if any is, else NOT_MET.

    >>> any_verdicts([Verdict.NOT_MET, Verdict.UNDECIDED])
    Verdict.UNDECIDED
    """
    seen_applicable = False
    undecided = False
    for v in verdicts:
        if v is MET:
            return MET
        if v is UNDECIDED:
            undecided = True
        if v is not NOT_APPLICABLE:
            seen_applicable = True
    if undecided:
        return UNDECIDED
    return NOT_MET if seen_applicable else NOT_APPLICABLE


def not_verdict(verdict: Verdict) -> Verdict:
    """Kleene negation: swaps MET and NOT_MET, keeps UNDECIDED and NOT_APPLICABLE."""
    if verdict is MET:
        return NOT_MET
    if verdict is NOT_MET:
        return MET
    return verdict


def at_least_verdicts(n: int, verdicts: Iterable[Verdict]) -> Verdict:
    """MET if at least ``n`` are MET; NOT_MET if even all UNDECIDED ones could not reach ``n``.

    >>> at_least_verdicts(2, [Verdict.MET, Verdict.UNDECIDED, Verdict.NOT_MET])
    Verdict.UNDECIDED
    """
    met = undecided = applicable = 0
    for v in verdicts:
        if v is MET:
            met += 1
        elif v is UNDECIDED:
            undecided += 1
        if v is not NOT_APPLICABLE:
            applicable += 1
    if applicable == 0:
        return NOT_APPLICABLE
    if met >= n:
        return MET
    if met + undecided < n:
        return NOT_MET
    return UNDECIDED
