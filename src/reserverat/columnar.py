"""The columnar evaluator: verdicts for a whole corpus at once, with NumPy.

For policy questions over large corpora (``compare``, ``sweep``) only the verdicts are
needed, not their explanations. A :class:`Corpus` holds each fact as a column (values
and a known-mask, because absent is not zero); :func:`evaluate_columns` walks the rule
tree once per corpus with three-valued arrays.

Verdicts are int8 codes: 0 not met, 1 undecided, 2 met, 3 not applicable. The common
checks are vectorised; any other check kind, or an unusual configuration of a common
one, falls back row by row to the very evaluator the explained path uses. The verdicts
are therefore exactly the explained path's; a property test holds the vectorised checks
to that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from reserverat.declaration import OCCUPATION_FORMS, Declaration, Procurement, parse_declaration
from reserverat.evaluate import (
    _DEFAULT_CONTEXT,
    EVALUATORS,
    EvaluationContext,
    _candidate_sites,
    _centre_position,
    _Env,
    _getter,
    _months_before,
    law_date,
)
from reserverat.geo import Unplaced, locate, screen_within
from reserverat.logic import Verdict
from reserverat.ruleset import RuleSet

__all__ = ["CODES", "Corpus", "evaluate_columns", "outcome_codes"]

NOT_MET, UNDECIDED, MET, NA = 0, 1, 2, 3
CODES = {
    Verdict.NOT_MET: NOT_MET,
    Verdict.UNDECIDED: UNDECIDED,
    Verdict.MET: MET,
    Verdict.NOT_APPLICABLE: NA,
}
"""Verdict to int8 code."""

Array = np.ndarray[Any, Any]

# Columns that say whether a nested group is stated rather than hold a value.
_GROUP_PATHS = frozenset(
    {
        "workforce",
        "programme_workforce",
        *(f"{w}.{form}" for w in ("workforce", "programme_workforce") for form in OCCUPATION_FORMS),
        *(
            f"{w}.{form}.target_group"
            for w in ("workforce", "programme_workforce")
            for form in OCCUPATION_FORMS
        ),
        "purpose",
    }
)


@dataclass
class Corpus:
    """Declarations as columns. Built from declarations, or directly from arrays.

    ``columns[path]`` is (values, known). A corpus built from arrays alone has no
    declarations: where a check is not vectorised, or a row needs the explained path,
    that row is rebuilt as a Declaration from its known cells (:meth:`declaration`).
    """

    n: int
    declarations: Sequence[Declaration] | None = None
    columns: dict[str, tuple[Array, Array]] = field(default_factory=dict)
    sources: Sequence[str] | None = None
    """Where each row came from (file and row), for reports; row numbers by default."""

    @classmethod
    def from_declarations(cls, declarations: Sequence[Declaration]) -> Corpus:
        """A corpus whose columns are read from the declarations when first needed."""
        return cls(len(declarations), list(declarations))

    def source(self, i: int) -> str:
        """Row ``i``'s source."""
        return str(self.sources[i]) if self.sources is not None else f"row {i}"

    def declaration(self, i: int) -> Declaration:
        """Row ``i`` as a Declaration: the one given, or rebuilt from the known cells.

        A column holding a nested group (``workforce.employed``) says only whether the
        group is stated; a stated group with no known leaves becomes an empty object.

        Raises:
            DeclarationError: the row's cells do not make a valid declaration.
        """
        if self.declarations is not None:
            return self.declarations[i]
        data: dict[str, Any] = {}
        for path, (values, known) in sorted(self.columns.items()):
            if not known[i]:
                continue
            *parents, leaf = path.split(".")
            node = data
            for part in parents:
                node = node.setdefault(part, {})
            value = values[i]
            if isinstance(value, np.generic):
                value = value.item()
            if path in _GROUP_PATHS:
                if value:
                    node.setdefault(leaf, {})
                continue
            node[leaf] = str(value) if isinstance(value, float) else value
        data.setdefault("supplier", self.source(i))
        return parse_declaration(data, source=self.source(i))

    def column(self, path: str) -> tuple[Array, Array]:
        """The values and known-mask of one fact path (object dtype where values vary)."""
        hit = self.columns.get(path)
        if hit is None:
            if self.declarations is None:
                raise KeyError(f"the corpus has no column {path!r}")
            get = _getter(path)
            # fromiter, not slice assignment: assigning a list probes every element for
            # the array protocols, and on a pydantic model each probe is a slow miss.
            decls: Sequence[Any] = self.declarations
            values: Array = np.fromiter(
                (get(d, None) for d in decls),  # type: ignore[arg-type]
                dtype=object,
                count=self.n,
            )
            known = np.fromiter((v is not None for v in values), dtype=bool, count=self.n)
            hit = self.columns[path] = (values, known)
        return hit


# ---- Kleene logic over arrays -----------------------------------------------------------


def _all(children: list[Array]) -> Array:
    # With not met 0 < undecided 1 < met 2 < not applicable 3, Kleene's conjunction with a
    # neutral "not applicable" is exactly the elementwise minimum.
    out = children[0]
    for child in children[1:]:
        out = np.minimum(out, child)
    return out


def _any(children: list[Array]) -> Array:
    # The dual: the maximum, with "not applicable" counted below "not met".
    lowered = [np.where(c == NA, np.int8(-1), c) for c in children]
    out = lowered[0]
    for child in lowered[1:]:
        out = np.maximum(out, child)
    return np.where(out == -1, np.int8(NA), out).astype(np.int8)


_NEGATE = np.array([MET, UNDECIDED, NOT_MET, NA], dtype=np.int8)


def _not(child: Array) -> Array:
    return _NEGATE[child]


def _at_least(n: int, children: list[Array]) -> Array:
    stack = np.stack(children)
    met = (stack == MET).sum(axis=0)
    undecided = (stack == UNDECIDED).sum(axis=0)
    applicable = (stack != NA).sum(axis=0)
    out = np.full(stack.shape[1], UNDECIDED, dtype=np.int8)
    out[met + undecided < n] = NOT_MET
    out[met >= n] = MET
    out[applicable == 0] = NA
    return out


# ---- leaves ----------------------------------------------------------------------------


class _Ctx:
    def __init__(self, corpus: Corpus, env: _Env) -> None:
        self.corpus = corpus
        self.env = env

    def column(self, path: str) -> tuple[Array, Array]:
        """A fact's column; a fact about the tender is the same for every row."""
        if not path.startswith("procurement."):
            return self.corpus.column(path)
        value = _getter(path)(None, self.env)  # type: ignore[arg-type]
        values = np.full(self.corpus.n, value, dtype=object)
        return values, np.full(self.corpus.n, value is not None)

    def fallback(self, node: Any, rows: Array | None = None) -> Array:
        """The explained path's verdicts for ``node``, row by row (all rows by default)."""
        run = EVALUATORS[node.kind]
        out = np.full(self.corpus.n, NA, dtype=np.int8)
        idx = range(self.corpus.n) if rows is None else np.flatnonzero(rows)
        row = self.corpus.declaration
        for i in idx:
            out[i] = CODES[run(node, row(int(i)), self.env).verdict]
        return out


def _tri(known: Array, ok: Array) -> Array:
    """MET where known and ok, NOT_MET where known and not ok, else UNDECIDED (int8).

    Computed as known * (2 * ok - 1) + 1 on one-byte arrays, in place: no masked
    assignment and no wide temporaries, which at a million rows cost more than the logic.
    """
    out = ok.astype(np.int8)
    out *= 2
    out -= 1
    out *= known.view(np.int8)
    out += 1
    return out


def _equals(values: Array, text: str) -> Array:
    """Where a fixed-width string column equals ``text``, comparing whole words at once."""
    width = values.dtype.itemsize // 4
    if len(text) > width:
        return np.zeros(len(values), dtype=bool)
    target = np.array([text], dtype=values.dtype)
    word = np.uint64 if values.dtype.itemsize % 8 == 0 else np.uint32
    rows = np.ascontiguousarray(values).view(word).reshape(len(values), -1)
    want = target.view(word)
    # One word column at a time: a strided compare is far cheaper than a reduction
    # over a short axis.
    out: Array = rows[:, 0] == want[0]
    for j in range(1, rows.shape[1]):
        out &= rows[:, j] == want[j]
    return out


def _fact_is_true(node: Any, ctx: _Ctx) -> Array:
    values, known = ctx.column(node.path)
    if values.dtype != object:
        return _tri(known, values.astype(bool))
    return _tri(known, np.array([bool(v) for v in values], dtype=bool))


def _value_in(node: Any, ctx: _Ctx) -> Array:
    values, known = ctx.column(node.path)
    allowed = set(node.values)
    return _tri(known, np.array([v is not None and str(v) in allowed for v in values], dtype=bool))


def _number(at_least: bool, field_name: str) -> Callable[[Any, _Ctx], Array]:
    def run(node: Any, ctx: _Ctx) -> Array:
        node, _ = ctx.env.resolve(node)
        limit = Decimal(getattr(node, field_name))
        values, known = ctx.column(node.path)
        kind = values.dtype.kind
        if kind in "iub":
            # Whole numbers: v >= L exactly when v >= ceil(L), and v <= L when v <= floor(L).
            bound = math.ceil(limit) if at_least else math.floor(limit)
            ok = values >= bound if at_least else values <= bound
        else:
            # Decimal(float) is exact, so a float column compares as its stored value.
            ok = np.zeros(len(values), dtype=bool)
            for i in np.flatnonzero(known):
                v = values[i]
                d = Decimal(float(v)) if kind == "f" else Decimal(v)
                ok[i] = d >= limit if at_least else d <= limit
        return _tri(known, np.asarray(ok, dtype=bool))

    return run


def _not_older_than(node: Any, ctx: _Ctx) -> Array:
    node, _ = ctx.env.resolve(node)
    cutoff = _months_before(ctx.env.as_of, node.months)
    values, known = ctx.column(node.path)
    as_of = ctx.env.as_of
    if values.dtype.kind == "M":
        fresh = values >= np.datetime64(cutoff, "D")
        fresh &= values <= np.datetime64(as_of, "D")
        fresh &= known
    else:
        fresh = np.array([v is not None and cutoff <= v <= as_of for v in values], dtype=bool)
    # A stale or later date is undecided, never not met (as in the explained path): 2 or 1.
    out = fresh.astype(np.int8)
    out += 1
    return out


def _whole_legal_person(node: Any, ctx: _Ctx) -> Array:
    node, _ = ctx.env.resolve(node)
    values, known = ctx.column("scope")
    unit = NOT_MET if node.unit_data == "not_met" else UNDECIDED
    if values.dtype.kind == "U":
        whole = _equals(values, "legal_person")
        whole &= known
        out = whole.astype(np.int8)
        out += UNDECIDED  # MET where the whole legal person, else UNDECIDED
        if unit != UNDECIDED:
            part = _equals(values, "unit")
            part &= known
            out[part] = unit
        return out
    return np.array(
        [MET if v == "legal_person" else unit if v == "unit" else UNDECIDED for v in values],
        dtype=np.int8,
    )


def _ints(values: Array, known: Array) -> Array:
    """Counts as int64. A typed column is used as it is, whatever it holds where unknown:
    callers mask those rows; an object column is converted, unknown counts as 0."""
    if values.dtype != object:
        return values.astype(np.int64, copy=False)
    return np.array([v if k else 0 for v, k in zip(values, known, strict=True)], dtype=np.int64)


def _share_at_least(node: Any, ctx: _Ctx) -> Array:
    node, _ = ctx.env.resolve(node)
    simple = (
        node.basis == "headcount"
        and tuple(node.forms) == OCCUPATION_FORMS
        and node.categories is None
        and not node.documented_need_only
        and node.undocumented_need == "ask"
    )
    if not simple:
        return ctx.fallback(node)
    prefix = "workforce" if node.workforce == "supplier" else "programme_workforce"
    c = ctx.corpus
    n = c.n
    columns = []
    missing = np.zeros(n, dtype=bool)
    no_groups = np.ones(n, dtype=bool)
    for form in OCCUPATION_FORMS:
        _, group_known = c.column(f"{prefix}.{form}")
        heads, heads_known = c.column(f"{prefix}.{form}.headcount")
        targets, targets_known = c.column(f"{prefix}.{form}.target_group.headcount")
        no_groups &= ~group_known
        missing |= ~group_known
        missing |= ~heads_known
        columns.append((_ints(heads, heads_known), _ints(targets, targets_known), targets_known))
    # Every row as if all its counts were known; rows with an unknown headcount are
    # undecided anyway (missing), and rows with an unknown target count are redone below.
    occupied = columns[0][0] + columns[1][0]
    low = columns[0][1] + columns[1][1]
    open_count = ~columns[0][2]
    for h, t, _ in columns[2:]:
        occupied += h
        low += t
    for _, _, known in columns[1:]:
        open_count |= ~known
    threshold = Fraction(node.threshold)
    p, q = threshold.numerator, threshold.denominator
    invalid = missing
    invalid |= occupied == 0
    need = occupied  # in place: a fresh million-row array costs more than the arithmetic
    need *= p
    low *= q
    met = low >= need
    out = met.astype(np.int8)
    out *= MET  # decided rows: met or not met
    # Rows with an unknown target count: the count lies between 0 and the form's headcount.
    rows = np.flatnonzero(open_count)
    if len(rows):
        lo = np.zeros(len(rows), dtype=np.int64)
        hi = np.zeros(len(rows), dtype=np.int64)
        for h, t, known in columns:
            k = known[rows]
            tr = np.where(k, t[rows], 0)
            lo += tr
            hi += np.where(k, tr, h[rows])
        nr = need[rows]
        sub = np.full(len(rows), UNDECIDED, dtype=np.int8)
        sub[lo * q >= nr] = MET
        sub[hi * q < nr] = NOT_MET
        out[rows] = sub
    if invalid.any():
        out[invalid] = UNDECIDED
    # Rows that give only a declared share, or no workforce at all: the explained path.
    _, wf_known = c.column(prefix)
    _declared, declared_known = c.column(f"{prefix}.declared_share")
    special = ~wf_known | (no_groups & declared_known)
    for form in OCCUPATION_FORMS:
        # A stated documented need may change the verdict (undocumented_need): explained path.
        try:
            _, need_known = c.column(f"{prefix}.{form}.target_group.documented_need")
        except KeyError:  # a corpus built from columns that never state it
            continue
        special |= need_known
    if special.any():
        out[special] = ctx.fallback(node, special)[special]
    return out


def _within_km(node: Any, ctx: _Ctx) -> Array:
    node, _ = ctx.env.resolve(node)
    corpus = ctx.corpus
    decls = corpus.declarations or [corpus.declaration(i) for i in range(corpus.n)]
    gaz = ctx.env.context.places()
    centres = [_centre_position(c, gaz) for c in node.of]
    lats, lons, uncs, rows = [], [], [], []
    special = np.zeros(ctx.corpus.n, dtype=bool)
    for i, d in enumerate(decls):
        sites = _candidate_sites(d)
        if len(sites) != 1:
            special[i] = True
            continue
        pos = locate(sites[0][1], gaz, ctx.env.context.geocoder)
        if isinstance(pos, Unplaced):
            special[i] = True
            continue
        lats.append(pos.lat)
        lons.append(pos.lon)
        uncs.append(pos.uncertainty_m)
        rows.append(i)
    out = np.full(ctx.corpus.n, UNDECIDED, dtype=np.int8)
    if rows:
        decided = screen_within(
            lats,
            lons,
            uncs,
            [(c.lat, c.lon, c.uncertainty_m) for c in centres],
            float(node.radius_km) * 1000,
        )
        out[np.array(rows)] = np.select([decided == 1, decided == -1], [MET, NOT_MET], UNDECIDED)
    if special.any():
        out[special] = ctx.fallback(node, special)[special]
    return out


_VECTORISED: dict[str, Callable[[Any, _Ctx], Array]] = {
    "fact_is_true": _fact_is_true,
    "value_in": _value_in,
    "number_at_least": _number(True, "minimum"),
    "number_at_most": _number(False, "maximum"),
    "not_older_than": _not_older_than,
    "whole_legal_person": _whole_legal_person,
    "share_at_least": _share_at_least,
    "within_km": _within_km,
}


def _run(node: Any, ctx: _Ctx) -> Array:
    kind = node.kind
    if kind == "all_of":
        return _all([_run(c, ctx) for c in node.of])
    if kind == "any_of":
        return _any([_run(c, ctx) for c in node.of])
    if kind == "not":
        return _not(_run(node.of, ctx))
    if kind == "at_least":
        return _at_least(node.n, [_run(c, ctx) for c in node.of])
    vectorised = _VECTORISED.get(kind)
    return vectorised(node, ctx) if vectorised is not None else ctx.fallback(node)


def evaluate_columns(
    corpus: Corpus,
    ruleset: RuleSet,
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
) -> Array:
    """Verdict codes, one row per declaration and one column per criterion (int8)."""
    env = _Env(as_of, ruleset, context or _DEFAULT_CONTEXT, procurement)
    ctx = _Ctx(corpus, env)
    columns = []
    for crit in ruleset.criteria:
        verdict = _run(crit.check, ctx)
        if crit.when is not None:
            guard = _run(crit.when, ctx)
            # "when G then C" is (not G) or C; where G fails the criterion does not apply.
            verdict = np.where(
                guard == NOT_MET,
                NA,
                np.where(guard == UNDECIDED, _any([_not(guard), verdict]), verdict),
            )
        columns.append(verdict.astype(np.int8))
    return np.stack(columns, axis=1) if columns else np.zeros((corpus.n, 0), dtype=np.int8)


def outcome_codes(
    verdicts: Array,
    ruleset: RuleSet | None = None,
    *,
    as_of: date | None = None,
    procurement: Procurement | None = None,
) -> Array:
    """Each row's outcome: 0 not qualified, 1 undecided, 2 qualified (all not applicable: 2).

    Given the rule set and date, as :func:`reserverat.evaluate` does: advisory criteria do
    not decide, and outside the rule set's validity nobody qualifies.
    """
    n = verdicts.shape[0]
    columns = list(range(verdicts.shape[1]))
    if ruleset is not None and as_of is not None:
        if not ruleset.in_force(law_date(as_of, procurement)):
            return np.full(n, NOT_MET, dtype=np.int8)
        advisory = ruleset.advisory_at(as_of)
        columns = [j for j, c in enumerate(ruleset.criteria) if c.id not in advisory]
    if not columns:
        return np.full(n, MET, dtype=np.int8)
    combined = _all([verdicts[:, j] for j in columns])
    return np.where(combined == NA, MET, combined).astype(np.int8)
