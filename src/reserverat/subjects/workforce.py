"""The workforce: the share of the persons occupied who belong to the target groups.

LOU 4 kap. 18 §, LUF 4 kap. 16 §, LUK 4 kap. 8 § and art. 20 of directive 2014/24 ask
that at least 30 % of the persons occupied belong to the target groups. Counting is exact:
headcounts are ints, full-time equivalents Decimals, shares Fractions. Where some counts
are unknown, the share has bounds (unknown membership counted as outside, then as
inside); the check is decided when both bounds fall on the same side of the threshold.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from reserverat.checks import Param, ShareAtLeast, canonical_decimal
from reserverat.columnar import MET, NOT_MET, UNDECIDED, Array, Columns, compare_exact
from reserverat.declaration import (
    OCCUPATION_FORMS,
    Declaration,
    EspdAnswer,
    OccupationGroup,
    Workforce,
)
from reserverat.engine import Compiled, Plan, Witness, cents, check
from reserverat.logic import Verdict
from reserverat.result import Explanation, Fact, Message, share_fragment

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = ["ShareAtLeastCheck"]

Number = int | Decimal
ZERO = Decimal(0)
MET_V, NOT_MET_V, UNDECIDED_V = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED


class _Paths:
    """The fact paths of one form of occupation on one basis, written once per plan."""

    __slots__ = ("by_category", "count", "form", "group", "need", "target", "target_count")

    def __init__(self, prefix: str, form: str, basis: str) -> None:
        self.form = form
        self.group = f"{prefix}.{form}"
        self.count = f"{self.group}.{basis}"
        self.target = f"{self.group}.target_group"
        self.target_count = f"{self.target}.{basis}"
        self.by_category = f"{self.target}.by_category"
        self.need = f"{self.target}.documented_need"


class _Tally:
    """Persons occupied on one basis, and the bounds of how many are in the target groups.

    ``low`` counts unknown target-group membership as outside, ``high`` as inside; when
    they are equal the share is known exactly. ``facts`` are what was read, as
    (path, value) pairs: the explanation makes them Facts if it is ever asked for.
    """

    __slots__ = (
        "facts",
        "folded",
        "high",
        "low",
        "missing",
        "missing_groups",
        "occupied",
        "other",
        "undocumented",
        "wf",
    )

    def __init__(self, wf: Workforce) -> None:
        self.wf = wf
        self.occupied: Number = 0
        self.low: Number = 0
        self.high: Number = 0
        self.missing: list[str] = []
        self.missing_groups: list[str] = []
        self.facts: list[tuple[str, Any]] = []
        # Documented need (see ShareAtLeastCheck._undocumented), when counted on the way.
        self.folded = False
        self.undocumented: tuple[int, int, list[tuple[str, Any]]] | None = None
        # The other basis's tally, when the decision needed it.
        self.other: _Tally | None = None

    @property
    def exact(self) -> bool:
        """Whether the share is known exactly."""
        return self.low == self.high


def _target_bounds(
    group: OccupationGroup,
    n: Number,
    headcount_basis: bool,
    categories: tuple[str, ...] | None,
    need_only: bool,
    paths: _Paths,
    tally: _Tally,
    facts: list[tuple[str, Any]] | None,
) -> tuple[Number, Number]:
    tg = group.target_group
    if not n:
        return 0, 0
    if tg is None:
        tally.missing.append(paths.target)
        return 0, n
    total: Number | None = tg.headcount if headcount_basis else tg.fte
    if total is None:
        tally.missing.append(paths.target_count)
        return 0, n
    if facts is not None:
        facts.append((paths.target_count, total))
    low, high = total, total
    if categories is not None:
        by_cat = tg.by_category
        if by_cat is None:
            tally.missing.append(paths.by_category)
            low = 0
        else:
            if facts is not None:
                facts.append((paths.by_category, by_cat))
            inside = sum(v for k, v in by_cat.items() if k in categories)
            outside = sum(v for k, v in by_cat.items() if k not in categories)
            if headcount_basis:
                low = high = inside
            elif not inside:
                low = high = 0
            elif outside:
                # FTE is not broken down by category, so only bounds are known.
                low = 0
    if need_only:
        documented, headcount = tg.documented_need, tg.headcount
        if documented is None or headcount is None:
            tally.missing.append(paths.need)
            low = 0
        else:
            if facts is not None:
                facts.append((paths.need, documented))
            if headcount_basis:
                low = max(0, low - (headcount - documented))
                high = min(high, documented)
            elif documented < headcount:
                low = 0
    return low, high


def _verdict_of(t: _Tally, p: int, q: int) -> Verdict:
    """MET if even the low bound reaches p/q, NOT_MET if even the high one misses."""
    # low / occupied >= p / q, compared without division: exact for ints and Decimals.
    if t.low * q >= p * t.occupied:
        return MET_V
    if t.high * q < p * t.occupied:
        return NOT_MET_V
    return UNDECIDED_V


_RATIOS: dict[tuple[int, int], Fraction] = {}


def _ratio(part: Number, whole: Number) -> Fraction:
    """part / whole, exactly. Shares of small headcounts recur: those are kept, not remade."""
    if type(part) is int and type(whole) is int:
        hit = _RATIOS.get((part, whole))
        if hit is None:
            if len(_RATIOS) >= 100_000:
                _RATIOS.clear()
            hit = _RATIOS[(part, whole)] = Fraction(part, whole)
        return hit
    return Fraction(part) / Fraction(whole)


def _num(value: Number) -> int | Decimal:
    return value if isinstance(value, int) else canonical_decimal(value)


_FACTS: dict[tuple[str, int], Fact] = {}


def _fact(path: str, value: Any) -> Fact:
    if type(value) is int:
        # Counts recur across declarations: one Fact per path and count.
        hit = _FACTS.get((path, value))
        if hit is None:
            if len(_FACTS) >= 100_000:
                _FACTS.clear()
            hit = _FACTS[(path, value)] = share_fragment(Fact(path, value))
        return hit
    if isinstance(value, dict):  # a breakdown by category, written as the buyer reads it
        return Fact(path, ", ".join(f"{k}={v}" for k, v in value.items()))
    return Fact(path, value)


class _Stated:
    """What the share check used where no counts were given: the workforce and the ESPD."""

    __slots__ = ("espd", "wf")

    def __init__(self, wf: Workforce | None, espd: EspdAnswer | None) -> None:
        self.wf = wf
        self.espd = espd


@check
class ShareAtLeastCheck(Compiled[ShareAtLeast]):
    """At least the threshold (inclusive) of the persons occupied are in the target groups."""

    kind = "share_at_least"
    __slots__ = (
        "basis",
        "categories",
        "declared_policy",
        "forms",
        "need_only",
        "other",
        "p",
        "paths",
        "prefix",
        "primary",
        "q",
        "supplier",
        "threshold",
    )

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        prefix = "workforce" if node.workforce == "supplier" else "programme_workforce"
        forms = OCCUPATION_FORMS if isinstance(node.forms, Param) else node.forms
        bases = ("headcount",) if node.basis == "headcount" else ("headcount", "fte")
        out = [f"{prefix}.reference_date"]
        for form in forms:
            for basis in bases:
                out += [f"{prefix}.{form}.{basis}", f"{prefix}.{form}.target_group.{basis}"]
        if isinstance(node.categories, tuple):
            out += [
                f"{prefix}.{form}.target_group.by_category.{c}"
                for form in forms
                for c in node.categories
            ]
        return tuple(out)

    def __init__(self, node: ShareAtLeast, plan: Plan) -> None:
        super().__init__(node, plan)
        self.threshold = Fraction(self.value(node.threshold))
        self.p, self.q = self.threshold.numerator, self.threshold.denominator
        self.basis = self.value(node.basis)
        self.forms: tuple[str, ...] = tuple(self.value(node.forms))
        self.categories: tuple[str, ...] | None = self.value(node.categories)
        self.supplier = node.workforce == "supplier"
        self.prefix = "workforce" if self.supplier else "programme_workforce"
        self.primary = "fte" if self.basis == "fte" else "headcount"
        self.other = "fte" if self.primary == "headcount" else "headcount"
        self.need_only = bool(self.value(node.documented_need_only)) or (
            self.value(node.undocumented_need) == "exclude"
        )
        self.declared_policy = self.value(node.declared_share)
        self.paths = {
            basis: tuple(_Paths(self.prefix, form, basis) for form in self.forms)
            for basis in ("headcount", "fte")
        }

    def _tally(self, wf: Workforce, basis: str, need_only: bool, with_facts: bool) -> _Tally:
        tally = _Tally(wf)
        # The basis that does not decide is only summarised in a note: no facts for it.
        facts = tally.facts if with_facts else None
        headcount_basis = basis == "headcount"
        categories = self.categories
        if categories is None and not need_only:
            self._plain_tally(wf, headcount_basis, tally, facts)
        else:
            self._general_tally(wf, headcount_basis, need_only, tally, facts)
        return tally

    def _general_tally(
        self,
        wf: Workforce,
        headcount_basis: bool,
        need_only: bool,
        tally: _Tally,
        facts: list[tuple[str, Any]] | None,
    ) -> None:
        """The tally with categories or documented-need limits (see :func:`_target_bounds`)."""
        categories = self.categories
        for paths in self.paths["headcount" if headcount_basis else "fte"]:
            group: OccupationGroup | None = getattr(wf, paths.form)
            if group is None:
                tally.missing_groups.append(paths.group)
                continue
            n: Number | None = group.headcount if headcount_basis else group.fte
            if n is None and not headcount_basis and group.headcount == 0:
                n = ZERO
            if n is None:
                tally.missing_groups.append(paths.count)
                continue
            if facts is not None:
                facts.append((paths.count, n))
            low, high = _target_bounds(
                group, n, headcount_basis, categories, need_only, paths, tally, facts
            )
            tally.occupied += n
            tally.low += low
            tally.high += high

    def _plain_tally(
        self,
        wf: Workforce,
        headcount_basis: bool,
        tally: _Tally,
        facts: list[tuple[str, Any]] | None,
    ) -> None:
        """The tally without categories or documented-need limits: the common case, inlined.

        The same counting as :meth:`_general_tally` with neither option (a property test,
        tests/test_properties.py, holds the two equal), written out because it runs for
        every declaration.
        """
        occupied: Number = 0
        low: Number = 0
        high: Number = 0
        # On the headcount basis, the documented need is counted on the way, as
        # _undocumented counts it.
        documented = counted = 0
        short = False
        need_facts: list[tuple[str, Any]] = []
        for paths in self.paths["headcount" if headcount_basis else "fte"]:
            group: OccupationGroup | None = getattr(wf, paths.form)
            if group is None:
                tally.missing_groups.append(paths.group)
                continue
            tg = group.target_group
            if headcount_basis and tg is not None and tg.headcount is not None:
                counted += tg.headcount
                need = tg.documented_need
                if need is None:
                    documented += tg.headcount
                else:
                    documented += need
                    need_facts.append((paths.need, need))
                    short = short or need < tg.headcount
            n: Number | None = group.headcount if headcount_basis else group.fte
            if n is None and not headcount_basis and group.headcount == 0:
                n = ZERO
            if n is None:
                tally.missing_groups.append(paths.count)
                continue
            if facts is not None:
                facts.append((paths.count, n))
            occupied += n
            if not n:
                continue
            if tg is None:
                tally.missing.append(paths.target)
                high += n
                continue
            total: Number | None = tg.headcount if headcount_basis else tg.fte
            if total is None:
                tally.missing.append(paths.target_count)
                high += n
                continue
            if facts is not None:
                facts.append((paths.target_count, total))
            low += total
            high += total
        tally.occupied, tally.low, tally.high = occupied, low, high
        if headcount_basis:
            tally.folded = True
            tally.undocumented = (documented, counted, need_facts) if short else None

    def _undocumented(self, wf: Workforce) -> tuple[int, int, list[tuple[str, Any]]] | None:
        """Documented and counted target-group persons, where some form states fewer documented."""
        documented = counted = 0
        short = False
        facts: list[tuple[str, Any]] = []
        for paths in self.paths["headcount"]:
            group: OccupationGroup | None = getattr(wf, paths.form)
            tg = group.target_group if group is not None else None
            if tg is None or tg.headcount is None:
                continue
            counted += tg.headcount
            if tg.documented_need is None:
                documented += tg.headcount
                continue
            documented += tg.documented_need
            facts.append((paths.need, tg.documented_need))
            short = short or tg.documented_need < tg.headcount
        return (documented, counted, facts) if short else None

    def _other_tally(self, wf: Workforce) -> _Tally:
        return self._tally(wf, self.other, self.need_only, with_facts=False)

    def decide(self, decl: Declaration) -> Witness:
        """Count, bound and compare; nothing is written down but the counts."""
        wf = decl.workforce if self.supplier else decl.programme_workforce
        if wf is None:
            espd = decl.espd if self.supplier else None
            return self.witness(
                UNDECIDED_V, "share.no_workforce", ("staff_list",), _Stated(None, espd)
            )
        if wf.declared_share is not None and all(getattr(wf, f) is None for f in self.forms):
            stated = _Stated(wf, decl.espd)
            if self.declared_policy == "undecided":
                return self.witness(
                    UNDECIDED_V, "share.declared_not_accepted", ("staff_list",), stated
                )
            if Fraction(wf.declared_share) >= self.threshold:
                return self.witness(MET_V, "share.declared_met", (), stated)
            return self.witness(NOT_MET_V, "share.declared_below", (), stated)

        tally = data = self._tally(wf, self.primary, self.need_only, with_facts=True)
        if tally.missing_groups:
            return self.witness(UNDECIDED_V, "share.missing_counts", ("staff_list",), data)
        if not tally.occupied:
            return self.witness(UNDECIDED_V, "share.no_occupied", ("staff_list",), data)
        p, q = self.p, self.q
        verdict = _verdict_of(tally, p, q)
        if not self.need_only:
            if not tally.folded:
                tally.undocumented = self._undocumented(wf)
            if tally.undocumented is not None:
                need_tally = self._tally(wf, self.primary, True, with_facts=False)
                if _verdict_of(need_tally, p, q) is not verdict:
                    # UHM: each person counted must have a real need of support; never ignore it.
                    return self.witness(
                        UNDECIDED_V, "share.undocumented_need", ("support_decision",), data
                    )
        if self.basis == "unspecified":
            other = data.other = self._other_tally(wf)
            decided = not other.missing_groups and other.occupied
            if decided and _verdict_of(other, p, q) is not verdict:
                return self.witness(UNDECIDED_V, "share.basis_ambiguous", ("basis_decision",), data)
        if verdict is MET_V:
            return self.witness(
                MET_V, "share.met" if tally.exact else "share.met_at_least", (), data
            )
        if verdict is NOT_MET_V:
            code = "share.below" if tally.exact else "share.below_even_if"
            return self.witness(NOT_MET_V, code, (), data)
        return self.witness(UNDECIDED_V, "share.unknown_targets", ("staff_list",), data)

    # ---- the explanation, from the witness --------------------------------------------

    def explain(self, witness: Witness) -> Explanation:
        """The counts, the share, both bases where both are known, and the distance to pass."""
        data: _Stated | _Tally = witness.data
        if isinstance(data, _Stated):
            if data.wf is None:
                return self._no_workforce(witness, data.espd)
            return self._declared(witness, data.wf, data.espd)
        tally = data
        wf = tally.wf
        prefix = self.prefix
        facts = [_fact(path, value) for path, value in tally.facts]
        if wf.reference_date is not None:
            facts.insert(0, Fact(f"{prefix}.reference_date", wf.reference_date))
        if witness.code == "share.missing_counts":
            missing = {"missing": ", ".join(tally.missing_groups)}
            return self.explanation(witness, missing, tuple(facts))
        if witness.code == "share.no_occupied":
            return self.explanation(witness, {"basis": self.primary}, tuple(facts))
        share = _ratio(tally.low, tally.occupied)
        args: dict[str, Any] = {
            "basis": self.primary,
            "occupied": _num(tally.occupied),
            "target": _num(tally.low),
            "target_high": _num(tally.high),
            "share": share,
            "share_high": share if tally.exact else _ratio(tally.high, tally.occupied),
            "threshold": self.threshold,
        }
        notes: list[Message] = []
        other = tally.other if tally.other is not None else self._other_tally(wf)
        if not other.missing_groups and other.occupied and other.exact:
            # The other basis, so the buyer sees both readings.
            notes.append(
                Message(
                    "share.other_basis",
                    {
                        "basis": self.other,
                        "share": _ratio(other.low, other.occupied),
                        "occupied": _num(other.occupied),
                        "target": _num(other.low),
                        "verdict": _verdict_of(other, self.p, self.q).value,
                    },
                )
            )
        if wf.declared_share is not None and tally.exact:
            facts.append(Fact(f"{prefix}.declared_share", wf.declared_share))
            # ESPD percentages are rounded to whole points; more than half a point apart disagrees.
            if abs(Fraction(wf.declared_share) - share) > Fraction(1, 200):
                notes.append(
                    Message(
                        "share.declared_mismatch",
                        {"declared": Fraction(wf.declared_share), "share": share},
                    )
                )
        if tally.undocumented is not None:
            documented, listed, need_facts = tally.undocumented
            facts.extend(Fact(path, value) for path, value in need_facts)
            need_args: dict[str, Any] = {"documented": documented, "target": listed}
            if witness.code == "share.undocumented_need":
                return self.explanation(witness, args | need_args, tuple(facts), notes=tuple(notes))
            notes.append(Message("share.documented_need_same", need_args))
        gap = None
        if witness.verdict is NOT_MET_V:
            gap = self._gap(tally)
        elif witness.code == "share.unknown_targets":
            args["missing"] = ", ".join(tally.missing)
        return self.explanation(witness, args, tuple(facts), gap=gap, notes=tuple(notes))

    def _gap(self, t: _Tally) -> Message:
        threshold = self.threshold
        points = threshold - _ratio(t.high, t.occupied)
        if self.primary == "headcount":
            needed = -((-threshold * int(t.occupied)) // 1) - int(t.high)  # ceil(threshold*N) - T
            return Message(
                "gap.share_headcount",
                {"persons": int(needed), "occupied": int(t.occupied), "points": points},
            )
        fte = threshold * Fraction(t.occupied) - Fraction(t.high)
        return Message("gap.share_fte", {"fte": cents(fte), "points": points})

    def _no_workforce(self, witness: Witness, espd: EspdAnswer | None) -> Explanation:
        notes: tuple[Message, ...] = ()
        if espd is not None and espd.percent_scale == "ambiguous":
            raw = Fraction(espd.percent_raw or 0)
            notes = (
                Message(
                    "share.espd_ambiguous",
                    {"raw": espd.percent_raw, "as_fraction": raw, "as_points": raw / 100},
                ),
            )
        prefix = self.prefix
        return self.explanation(witness, {"path": prefix}, (Fact(prefix, None),), notes=notes)

    def _declared(self, witness: Witness, wf: Workforce, espd: EspdAnswer | None) -> Explanation:
        assert wf.declared_share is not None
        declared = Fraction(wf.declared_share)
        facts = (Fact(f"{self.prefix}.declared_share", wf.declared_share),)
        args = {"share": declared, "threshold": self.threshold}
        notes: tuple[Message, ...] = ()
        if espd is not None and espd.answer == "yes" and declared < self.threshold:
            # A "yes" claims reserved status; a share below the threshold contradicts it.
            notes = (Message("share.espd_claim_below", {"share": declared}),)
        gap = None
        if witness.verdict is MET_V:
            notes = ()
        elif witness.verdict is NOT_MET_V:
            gap = Message("gap.share_points", {"points": self.threshold - declared})
        return self.explanation(witness, args, facts, gap=gap, notes=notes)

    # ---- the columnar kernel ----------------------------------------------------------

    def columns(self, cols: Columns) -> Array:
        """Vectorised for the common configuration: headcount, every form, no categories."""
        simple = (
            self.basis == "headcount"
            and self.forms == OCCUPATION_FORMS
            and self.categories is None
            and not self.need_only
        )
        if not simple:
            return cols.fallback(self)
        prefix = self.prefix
        counted: list[tuple[str, tuple[Array, int], tuple[Array, int]]] = []
        for form in OCCUPATION_FORMS:
            head_counts = cols.counts(f"{prefix}.{form}.headcount")
            target_counts = cols.counts(f"{prefix}.{form}.target_group.headcount")
            if head_counts is None or target_counts is None:  # not whole numbers
                return cols.fallback(self)
            counted.append((form, head_counts, target_counts))
        p, q = self.p, self.q
        # The largest sum the arithmetic below can reach, from the largest known counts:
        # 32-bit integers where it fits (twice the rows per instruction), else 64-bit.
        reach = sum(max(h[1], t[1]) for _, h, t in counted) * max(p, q)
        if reach >= 2**63:
            return cols.fallback(self)
        narrow = reach < 2**31 and all(
            c[0].dtype == np.int32 for _, heads, targets in counted for c in (heads, targets)
        )
        kind = np.int32 if narrow else np.int64
        n = cols.n
        stated = np.zeros(n, dtype=bool)  # some form's group is stated
        counted_all = np.ones(n, dtype=bool)  # every form's group and headcount are stated
        occupied: Array = np.zeros(n, dtype=kind)
        low: Array = np.zeros(n, dtype=kind)  # the target group, counting unknown counts as 0
        open_heads: Array = np.zeros(n, dtype=kind)  # headcounts of forms with unknown counts
        for form, (heads, _), (targets, _) in counted:
            _, group_known = cols.column(f"{prefix}.{form}")
            _, heads_known = cols.column(f"{prefix}.{form}.headcount")
            _, targets_known = cols.column(f"{prefix}.{form}.target_group.headcount")
            stated |= group_known
            counted_all &= group_known
            counted_all &= heads_known
            h = heads.astype(kind, copy=False)
            occupied += h
            low += targets.astype(kind, copy=False)  # 0 where unknown (Corpus.counts)
            # An unknown target count lies between 0 and the form's headcount.
            open_heads += np.where(targets_known, 0, h)
        # Rows with an unknown headcount count it as 0; they are set undecided below,
        # whatever these sums say.
        invalid = ~counted_all
        invalid |= occupied == 0
        need = occupied  # in place: a fresh array costs more than the arithmetic
        need *= p
        high = open_heads
        high += low
        high *= q
        low *= q
        # Met if met at the least the counts can be, not met if not met at the most; since
        # low <= high, the two tests add up to NOT_MET (0), UNDECIDED (1) or MET (2).
        out = (low >= need).view(np.int8)
        out += (high >= need).view(np.int8)
        np.copyto(out, UNDECIDED, where=invalid)
        _, wf_known = cols.column(prefix)
        declared, declared_known = cols.column(f"{prefix}.declared_share")
        # Rows that give only a declared share: compared with the threshold, exactly.
        only_declared = wf_known & ~stated & declared_known
        if only_declared.any():
            if self.declared_policy == "undecided":
                out[only_declared] = UNDECIDED
            else:
                ok = compare_exact(declared, only_declared, self.threshold, True)
                out[only_declared] = np.where(ok[only_declared], MET, NOT_MET)
        # Rows with no workforce at all are undecided (as above, every count is missing).
        special = np.zeros(n, dtype=bool)
        for form in OCCUPATION_FORMS:
            # A stated documented need may change the verdict (undocumented_need): explained path.
            try:
                _, need_known = cols.column(f"{prefix}.{form}.target_group.documented_need")
            except KeyError:  # a corpus built from columns that never state it
                continue
            special |= need_known
        special &= ~only_declared
        if special.any():
            out[special] = cols.fallback(self, special)[special]
        return out
