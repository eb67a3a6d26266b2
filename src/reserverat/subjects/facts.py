"""Plain facts: a yes/no fact, a value in a set, a number at least or at most, a date's age,
and whether the figures describe the whole legal person.

Each answer depends on one value read from the declaration, so each check is
:class:`~reserverat.engine.Memoised`: one witness per distinct value, shared by every
declaration that gives it.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reserverat.checks import (
    FactIsTrue,
    NotOlderThan,
    NumberAtLeast,
    NumberAtMost,
    ValueIn,
    WholeLegalPerson,
)
from reserverat.columnar import MET, NOT_MET, UNDECIDED, Array, Columns, compare_exact, equals, tri
from reserverat.declaration import Declaration
from reserverat.engine import Memoised, Plan, Witness, check, missing_evidence, scalar
from reserverat.logic import Verdict
from reserverat.result import Explanation, Fact, Message

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = [
    "FactIsTrueCheck",
    "NotOlderThanCheck",
    "NumberAtLeastCheck",
    "NumberAtMostCheck",
    "ValueInCheck",
    "WholeLegalPersonCheck",
]


def _key(value: Any) -> Any:
    # Equal Decimals may be written differently (1 and 1.0): the explanation shows the
    # declaration's own, so they must not share a witness.
    return (value, str(value)) if isinstance(value, Decimal) else value


@check
class FactIsTrueCheck(Memoised[FactIsTrue]):
    """The yes/no fact at the path is stated and is yes."""

    kind = "fact_is_true"
    __slots__ = ("path",)

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return () if node.path.startswith("procurement.") else (node.path,)

    def __init__(self, node: FactIsTrue, plan: Plan) -> None:
        super().__init__(node, plan, plan.getter(node.path))
        self.path = node.path

    def judge(self, key: Any) -> Witness:
        """Unknown is undecided, yes is met, no is not met."""
        if key is None:
            return self.witness(Verdict.UNDECIDED, "fact.unknown", missing_evidence(self.path), key)
        if key:
            return self.witness(Verdict.MET, "fact.true", (), key)
        return self.witness(Verdict.NOT_MET, "fact.false", (), key)

    def explain(self, witness: Witness) -> Explanation:
        """The fact and its value."""
        return self.explanation(witness, {"path": self.path}, (Fact(self.path, witness.data),))

    def columns(self, cols: Columns) -> Array:
        """Vectorised over a boolean column."""
        values, known = cols.column(self.path)
        if values.dtype != object:
            return tri(known, values.astype(bool))
        return tri(known, np.array([bool(v) for v in values], dtype=bool))


@check
class ValueInCheck(Memoised[ValueIn]):
    """The value at the path is stated and is one of the listed values."""

    kind = "value_in"
    __slots__ = ("listed", "path", "values")

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return () if node.path.startswith("procurement.") else (node.path,)

    def __init__(self, node: ValueIn, plan: Plan) -> None:
        get = plan.getter(node.path)
        super().__init__(node, plan, lambda decl: None if (v := get(decl)) is None else str(v))
        self.path = node.path
        self.values = frozenset(node.values)
        self.listed = ", ".join(node.values)

    def judge(self, key: Any) -> Witness:
        """Unknown is undecided; listed is met; anything else is not met."""
        if key is None:
            return self.witness(
                Verdict.UNDECIDED, "value.unknown", missing_evidence(self.path), key
            )
        if key in self.values:
            return self.witness(Verdict.MET, "value.in", (), key)
        return self.witness(Verdict.NOT_MET, "value.not_in", (), key)

    def explain(self, witness: Witness) -> Explanation:
        """The value and the list."""
        args = {"path": self.path, "values": self.listed, "value": witness.data}
        return self.explanation(witness, args, (Fact(self.path, witness.data),))

    def columns(self, cols: Columns) -> Array:
        """By distinct text where the column is coded (:meth:`Columns.codes`), else row by row."""
        allowed = self.values
        coded = cols.codes(self.path)
        if coded is not None:
            codes, texts = coded
            # str() as the explained path reads the value (a legal form is a StrEnum).
            listed = np.array([str(t) in allowed for t in texts] + [False], dtype=bool)
            return tri(codes >= 0, listed[codes])
        values, known = cols.column(self.path)
        return tri(
            known, np.array([v is not None and str(v) in allowed for v in values], dtype=bool)
        )


class _NumberCheck(Memoised[Any]):
    """A number compared with a limit, exactly (Decimals; a float column as stored)."""

    at_least: bool
    __slots__ = ("limit", "path")

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return () if node.path.startswith("procurement.") else (node.path,)

    def __init__(self, node: NumberAtLeast | NumberAtMost, plan: Plan) -> None:
        get = plan.getter(node.path)
        super().__init__(node, plan, lambda decl: _key(get(decl)))
        self.path = node.path
        raw = node.minimum if isinstance(node, NumberAtLeast) else node.maximum
        self.limit = Decimal(self.value(raw))

    def judge(self, key: Any) -> Witness:
        """Unknown is undecided; on the right side of the limit (inclusive) is met."""
        value = key[0] if isinstance(key, tuple) else key
        if value is None:
            return self.witness(
                Verdict.UNDECIDED, "number.unknown", missing_evidence(self.path), value
            )
        number = Decimal(value)
        if self.at_least:
            ok = number >= self.limit
            code = "number.at_least" if ok else "number.below"
        else:
            ok = number <= self.limit
            code = "number.at_most" if ok else "number.above"
        return self.witness(Verdict.MET if ok else Verdict.NOT_MET, code, (), value)

    def explain(self, witness: Witness) -> Explanation:
        """The number, the limit, and how far off a failing number is."""
        value = witness.data
        name = "minimum" if self.at_least else "maximum"
        args = {"path": self.path, name: self.limit, "value": scalar(value)}
        gap = None
        if witness.verdict is Verdict.NOT_MET:
            off = Decimal(value)
            if self.at_least:
                gap = Message("gap.number", {"missing": self.limit - off, "path": self.path})
            else:
                gap = Message("gap.number_over", {"over": off - self.limit, "path": self.path})
        return self.explanation(witness, args, (Fact(self.path, scalar(value)),), gap=gap)

    def columns(self, cols: Columns) -> Array:
        """Vectorised over integer and float columns, exactly; other columns row by row."""
        values, known = cols.column(self.path)
        if values.dtype.kind in "iub":
            # Whole numbers: v >= L exactly when v >= ceil(L), and v <= L when v <= floor(L).
            if self.at_least:
                ok = values >= math.ceil(self.limit)
            else:
                ok = values <= math.floor(self.limit)
        else:
            ok = compare_exact(values, known, self.limit, self.at_least)
        return tri(known, np.asarray(ok, dtype=bool))


@check
class NumberAtLeastCheck(_NumberCheck):
    """The number at the path is stated and is at least the minimum."""

    kind = "number_at_least"
    at_least = True
    __slots__ = ()


@check
class NumberAtMostCheck(_NumberCheck):
    """The number at the path is stated and is at most the maximum."""

    kind = "number_at_most"
    at_least = False
    __slots__ = ()


@check
class NotOlderThanCheck(Memoised[NotOlderThan]):
    """The date at the path is recent: not before the cut-off, not after the evaluation date."""

    kind = "not_older_than"
    __slots__ = ("cutoff", "months", "path")

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return () if node.path.startswith("procurement.") else (node.path,)

    def __init__(self, node: NotOlderThan, plan: Plan) -> None:
        super().__init__(node, plan, plan.getter(node.path))
        self.path = node.path
        self.months = self.value(node.months)
        self.cutoff = plan.cutoff(self.months)

    def judge(self, key: Any) -> Witness:
        """Unknown, stale or later than the evaluation date is undecided; else met."""
        evidence = missing_evidence(self.path)
        if key is None:
            return self.witness(Verdict.UNDECIDED, "age.unknown", evidence, key)
        if key < self.cutoff:
            # A stale statement says nothing about today: ask again, do not fail the supplier.
            return self.witness(Verdict.UNDECIDED, "age.stale", evidence, key)
        if key > self.plan.as_of:
            # Figures from after the evaluation date do not show the conditions on that date
            # (UHM: assessed when the tender is submitted): ask for figures on the right date.
            return self.witness(Verdict.UNDECIDED, "age.after_as_of", evidence, key)
        return self.witness(Verdict.MET, "age.fresh", (), key)

    def explain(self, witness: Witness) -> Explanation:
        """The date, the cut-off and the evaluation date."""
        value: date | None = witness.data
        facts = (Fact(self.path, value),)
        if value is None:
            return self.explanation(witness, {"path": self.path}, facts)
        args = {
            "path": self.path,
            "date": value,
            "cutoff": self.cutoff,
            "months": self.months,
            "as_of": self.plan.as_of,
        }
        return self.explanation(witness, args, facts)

    def columns(self, cols: Columns) -> Array:
        """Vectorised over a date column."""
        cutoff, as_of = self.cutoff, self.plan.as_of
        values, known = cols.column(self.path)
        if values.dtype.kind == "M":
            # As whole days in int64: comparing datetime64 costs three times as much. NaT
            # (an unknown day) is the smallest int64, below any cutoff, and masked anyway.
            days = values.astype("datetime64[D]", copy=False).view(np.int64)
            fresh = days >= np.datetime64(cutoff, "D").astype(np.int64)
            fresh &= days <= np.datetime64(as_of, "D").astype(np.int64)
            fresh &= known
        else:
            fresh = np.array([v is not None and cutoff <= v <= as_of for v in values], dtype=bool)
        # A stale or later date is undecided, never not met: 2 or 1.
        out = fresh.astype(np.int8)
        out += 1
        return out


def _scope(decl: Declaration) -> tuple[str | None, str | None]:
    """The scope, and the unit's name."""
    return decl.scope, decl.unit_name


@check
class WholeLegalPersonCheck(Memoised[WholeLegalPerson]):
    """The figures describe the tendering legal person as a whole (HFD 2021:48)."""

    kind = "whole_legal_person"
    __slots__ = ("unit_verdict",)

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return ("scope", "unit_name")

    def __init__(self, node: WholeLegalPerson, plan: Plan) -> None:
        super().__init__(node, plan, _scope)
        unit_data = self.value(node.unit_data)
        self.unit_verdict = Verdict.NOT_MET if unit_data == "not_met" else Verdict.UNDECIDED

    def judge(self, key: Any) -> Witness:
        """The legal person is met; a unit is the rule set's choice; unknown is undecided."""
        scope = key[0]
        evidence = ("legal_person_figures",)
        if scope == "legal_person":
            return self.witness(Verdict.MET, "scope.legal_person", (), key)
        if scope == "unit":
            return self.witness(self.unit_verdict, "scope.unit", evidence, key)
        return self.witness(Verdict.UNDECIDED, "scope.unknown", evidence, key)

    def explain(self, witness: Witness) -> Explanation:
        """The scope, and the unit where it is one."""
        scope, unit_name = witness.data
        if witness.code == "scope.legal_person":
            return self.explanation(witness, None, (Fact("scope", scope),))
        if witness.code == "scope.unit":
            unit = unit_name or ""  # masked as the declaration was read, like all its text
            facts = (Fact("scope", "unit"), Fact("unit_name", unit or None))
            return self.explanation(witness, {"unit": unit}, facts)
        return self.explanation(witness, None, (Fact("scope", None),))

    def columns(self, cols: Columns) -> Array:
        """Vectorised over a fixed-width text column."""
        unit = {Verdict.NOT_MET: NOT_MET, Verdict.UNDECIDED: UNDECIDED}[self.unit_verdict]
        coded = cols.codes("scope")
        if coded is not None:
            # One verdict per distinct text, then one lookup per row (unknown: the last).
            codes, texts = coded
            verdicts = [
                MET if t == "legal_person" else unit if t == "unit" else UNDECIDED for t in texts
            ]
            return np.array([*verdicts, UNDECIDED], dtype=np.int8)[codes]
        values, known = cols.column("scope")
        if values.dtype.kind == "U":
            whole = equals(values, "legal_person")
            whole &= known
            out = whole.astype(np.int8)
            out += UNDECIDED  # MET where the whole legal person, else UNDECIDED
            if unit != UNDECIDED:
                part = equals(values, "unit")
                part &= known
                out[part] = unit
            return out
        return np.array(
            [MET if v == "legal_person" else unit if v == "unit" else UNDECIDED for v in values],
            dtype=np.int8,
        )
