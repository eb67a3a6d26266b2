"""The columnar evaluator: verdicts for a whole corpus at once, with NumPy.

For policy questions over large corpora (``compare``, ``sweep``) only the verdicts are
needed, not their explanations. A :class:`Corpus` holds each fact as a column (values
and a known-mask, because absent is not zero); :func:`evaluate_columns` walks the rule
tree once per corpus with three-valued arrays.

Verdicts are int8 codes: 0 not met, 1 undecided, 2 met, 3 not applicable. A compiled
check with a ``columns`` method (its kernel, kept in its subject module beside its
decision) is vectorised; any other check, or rows an unusual configuration of a common
one, fall back row by row to the very decision the explained path uses. A property test
holds the kernels to the explained path's verdicts.

What depends only on the corpus is made once and kept with it: text facts as codes into
their few distinct texts (:meth:`Corpus.codes`), counts as the narrowest integers that hold
them (:meth:`Corpus.counts`). The first evaluation of a corpus pays for them; ``compare``
and ``sweep``, which evaluate it again and again, do not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reserverat.declaration import OCCUPATION_FORMS, Declaration, Procurement, parse_declaration
from reserverat.engine import (
    Compiled,
    CompiledCombinator,
    CompiledCriterion,
    EvaluationContext,
    Plan,
    compile_plan,
    law_date,
    reader,
)
from reserverat.logic import Verdict
from reserverat.ruleset import RuleSet

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = [
    "CODES",
    "Columns",
    "Corpus",
    "compare_exact",
    "equals",
    "evaluate_columns",
    "outcome_codes",
    "tri",
]

_T = TypeVar("_T")

NOT_MET, UNDECIDED, MET, NA = 0, 1, 2, 3
CODES = {
    Verdict.NOT_MET: NOT_MET,
    Verdict.UNDECIDED: UNDECIDED,
    Verdict.MET: MET,
    Verdict.NOT_APPLICABLE: NA,
}
"""Verdict to int8 code."""

if TYPE_CHECKING:
    Array = np.ndarray[Any, Any]
else:
    Array = Any  # numpy's array type; numpy itself loads when a column is first made

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
    rebuilt: dict[int, Declaration] = field(default_factory=dict)
    """Rows kept as the Declaration the readers made of them (:meth:`from_file`)."""
    complete: bool = False
    """Every fact without a column is unknown in every row (a file holds no other facts)."""
    derived: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Forms of a column made once per corpus (:meth:`codes`, :meth:`counts`): a corpus is
    evaluated once per rule set, and ``compare`` and ``sweep`` evaluate it again and again.
    They are not made again if a column is replaced: change no column once evaluated."""

    @classmethod
    def from_declarations(cls, declarations: Sequence[Declaration]) -> Corpus:
        """A corpus whose columns are read from the declarations when first needed."""
        return cls(len(declarations), list(declarations))

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        sheet: str | None = None,
        delimiter: str | None = None,
        decimal_comma: bool | None = None,
    ) -> Corpus:
        """A CSV or XLSX of declarations read straight into columns, each cell checked
        against its field of the model, without a Declaration per row
        (:mod:`reserverat.sheets`); every row decides as the explained path decides it.

        Raises:
            DeclarationError: the file cannot be read, or some rows cannot be tied to a
                supplier.
        """
        from reserverat.sheets import read_corpus

        return read_corpus(path, sheet=sheet, delimiter=delimiter, decimal_comma=decimal_comma)

    @classmethod
    def from_columns(
        cls,
        values_by_path: dict[str, list[Any]],
        group_paths: frozenset[str],
        sources: Sequence[str],
        rebuilt: dict[int, Declaration],
    ) -> Corpus:
        """Typed facts by path, one list per column (None where unknown), as a corpus; a
        group is stated where a fact under it is (or, for a rebuilt row, where its
        Declaration has the group)."""
        n = len(sources)
        paths = sorted(values_by_path)
        columns: dict[str, tuple[Array, Array]] = {}
        for path in paths:
            # fromiter: a slice assignment would unpack any value that is a sequence.
            values = np.fromiter(values_by_path[path], dtype=object, count=n)
            known = np.fromiter((v is not None for v in values), dtype=bool, count=n)
            columns[path] = (values, known)
        for group in group_paths:
            under = [columns[p][1] for p in paths if p.startswith(group + ".")]
            if not under:
                continue
            known = np.logical_or.reduce(under)
            for i, decl in rebuilt.items():
                known[i] = reader(group)(decl) is not None
            columns[group] = (known.astype(object), known)
        return cls(n, None, columns, list(sources), dict(rebuilt), complete=True)

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
        if i in self.rebuilt:
            return self.rebuilt[i]
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
        if hit is None and self.complete:
            unknown = np.full(self.n, None, dtype=object)
            hit = self.columns[path] = (unknown, np.zeros(self.n, dtype=bool))
        if hit is None:
            if self.declarations is None:
                raise KeyError(f"the corpus has no column {path!r}")
            read = reader(path)
            # fromiter, not slice assignment: assigning a list probes every element for
            # the array protocols, and on a pydantic model each probe is a slow miss.
            decls: Sequence[Any] = self.declarations
            values: Array = np.fromiter(
                (read(d) for d in decls),
                dtype=object,
                count=self.n,
            )
            known = np.fromiter((v is not None for v in values), dtype=bool, count=self.n)
            hit = self.columns[path] = (values, known)
        return hit

    def codes(self, path: str) -> tuple[Array, tuple[str, ...]] | None:
        """A text fact as int8 codes into its distinct texts (-1 where unknown), made once.

        None where a known value is not text, or where there are more than
        :data:`MAX_LABELS` distinct texts: a kernel then reads the values themselves.
        """
        key = ("codes", path)
        if key not in self.derived:
            self.derived[key] = _encode(*self.column(path))
        hit: tuple[Array, tuple[str, ...]] | None = self.derived[key]
        return hit

    def counts(self, path: str) -> tuple[Array, int] | None:
        """A whole-number fact as integers, 0 where unknown, made once: int32 where every
        known value fits, else int64, with a bound on the known values' magnitudes.

        None where a known value is not a whole number, or is too large for int64: a kernel
        then decides row by row.
        """
        key = ("counts", path)
        if key not in self.derived:
            self.derived[key] = _integers(*self.column(path))
        hit: tuple[Array, int] | None = self.derived[key]
        return hit


MAX_LABELS = 64
"""The most distinct texts a column is coded with (scopes, legal forms: a handful)."""


def _encode(values: Array, known: Array) -> tuple[Array, tuple[str, ...]] | None:
    if values.dtype.kind == "U":
        return _encode_fixed(values, known)
    if values.dtype == object:
        return _encode_objects(values, known)
    return None


def _encode_fixed(values: Array, known: Array) -> tuple[Array, tuple[str, ...]] | None:
    n = len(values)
    # One comparison per distinct text, block by block so that the text stays in the
    # processor's cache: a sort (np.unique) of a million fixed-width strings costs a
    # hundred times more for the few texts a fact has.
    codes = np.full(n, -1, dtype=np.int8)
    index: dict[str, int] = {}
    for start in range(0, n, BLOCK_ROWS):
        block = values[start : start + BLOCK_ROWS]
        out = codes[start : start + BLOCK_ROWS]
        left = known[start : start + BLOCK_ROWS].copy()
        seen = iter(list(index))  # the texts of earlier blocks first: most likely again
        while left.any():
            label = next(seen, None)
            if label is None:  # a text no earlier block had: the first row left holds it
                if len(index) == MAX_LABELS:
                    return None
                label = str(block[int(np.argmax(left))])
            hit = equals(block, label)
            hit &= left
            np.copyto(out, index.setdefault(label, len(index)), where=hit)
            left ^= hit  # hit lies within left
    return codes, tuple(index)


def _encode_objects(values: Array, known: Array) -> tuple[Array, tuple[str, ...]] | None:
    texts: dict[str, int] = {}
    coded: list[int] = []
    for value, k in zip(values, known.tolist(), strict=True):
        if not k:
            coded.append(-1)
            continue
        if not isinstance(value, str):
            return None
        code = texts.get(value)
        if code is None:
            if len(texts) == MAX_LABELS:
                return None
            code = texts[value] = len(texts)
        coded.append(code)
    return np.array(coded, dtype=np.int8), tuple(texts)


def _integers(values: Array, known: Array) -> tuple[Array, int] | None:
    kind = values.dtype.kind
    if kind in "iub" and len(values):
        # The whole column's bound first: what unknown rows hold can only make it larger,
        # and most count columns fit 32 bits, so one pass makes them, 0 where unknown.
        bound = max(-int(values.min()), int(values.max()))
        if bound < 2**31:
            narrow = values.astype(np.int32)
            narrow *= known.view(np.int8)  # twice as fast as a mixed-type multiply
            return narrow, bound
    if kind in "iub" or kind == "f":
        # What an unknown row holds is no count: 0 (and a NaN would not convert).
        whole = np.where(known, values, 0)
        bound = max(-int(whole.min()), int(whole.max())) if len(whole) else 0
        if kind == "f":
            if not np.isfinite(whole).all() or (whole != np.floor(whole)).any():
                return None
            if bound >= 2**53:  # beyond that a float no longer holds every whole number
                return None
        if bound >= 2**63:
            return None
        return whole.astype(np.int32 if bound < 2**31 else np.int64, copy=False), bound
    if kind != "O":
        return None
    cells = [value if k else 0 for value, k in zip(values, known.tolist(), strict=True)]
    if not all(isinstance(value, int) for value in cells):  # bool is an int, as counts take
        return None
    try:
        wide = np.array(cells, dtype=np.int64)
    except OverflowError:  # beyond int64: no count a kernel can add up
        return None
    bound = max(-int(wide.min()), int(wide.max())) if len(wide) else 0
    if bound >= 2**63:
        return None
    return (wide.astype(np.int32) if bound < 2**31 else wide), bound


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


@cache
def _negate() -> Array:
    return np.array([MET, UNDECIDED, NOT_MET, NA], dtype=np.int8)


def _not(child: Array) -> Array:
    return _negate()[child]


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


# ---- what the kernels share ------------------------------------------------------------


class Columns:
    """What a kernel sees: a block of the corpus's rows as columns, the plan, and the
    row-by-row fallback. Row ``i`` of the block is row ``start + i`` of the corpus."""

    __slots__ = ("corpus", "n", "plan", "start")

    def __init__(self, corpus: Corpus, plan: Plan, start: int = 0, stop: int | None = None) -> None:
        self.corpus = corpus
        self.plan = plan
        self.start = start
        self.n = (corpus.n if stop is None else stop) - start

    def column(self, path: str) -> tuple[Array, Array]:
        """A fact's column over the block; a fact about the tender is the same in every row."""
        if not path.startswith("procurement."):
            values, known = self.corpus.column(path)  # built and kept for the whole corpus
            return self._view(values), self._view(known)  # views, not copies
        value = self.plan.getter(path)(None)  # type: ignore[arg-type]
        values = np.full(self.n, value, dtype=object)
        return values, np.full(self.n, value is not None)

    def codes(self, path: str) -> tuple[Array, tuple[str, ...]] | None:
        """A text fact's codes over the block and its texts (:meth:`Corpus.codes`)."""
        return self._block(path, self.corpus.codes)

    def counts(self, path: str) -> tuple[Array, int] | None:
        """A whole-number fact over the block and its bound (:meth:`Corpus.counts`)."""
        return self._block(path, self.corpus.counts)

    def _block(
        self, path: str, made: Callable[[str], tuple[Array, _T] | None]
    ) -> tuple[Array, _T] | None:
        # A fact about the tender has no column: the kernel reads its values instead.
        whole = None if path.startswith("procurement.") else made(path)
        return None if whole is None else (self._view(whole[0]), whole[1])

    def _view(self, whole: Array) -> Array:
        return whole if self.n == len(whole) else whole[self.start : self.start + self.n]

    def declaration(self, i: int) -> Declaration:
        """The block's row ``i`` as a declaration."""
        return self.corpus.declaration(self.start + i)

    def fallback(self, compiled: Compiled[Any], rows: Array | None = None) -> Array:
        """The explained path's verdicts for one check, row by row (all rows by default)."""
        out = np.full(self.n, NA, dtype=np.int8)
        idx = range(self.n) if rows is None else np.flatnonzero(rows)
        row = self.declaration
        for i in idx:
            out[i] = CODES[compiled.decide(row(int(i))).verdict]
        return out


def tri(known: Array, ok: Array) -> Array:
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


def equals(values: Array, text: str) -> Array:
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


def compare_exact(values: Array, rows: Array, limit: Decimal | Fraction, at_least: bool) -> Array:
    """Where ``values >= limit`` (or ``<=``) exactly, on the rows marked (others False).

    A float cell means the decimal it prints as (a spreadsheet's 0.3 is 0.3, as
    :meth:`Corpus.declaration` reads it). Printing is monotone in the float, so where the
    limit itself prints back from its nearest float, comparing with that float is exact.
    """
    wanted = Fraction(limit)
    if values.dtype.kind == "f":
        f = float(limit)
        if Fraction(Decimal(repr(f))) == wanted:
            with np.errstate(invalid="ignore"):  # NaN (unknown) compares false, as it must
                ok = values >= f if at_least else values <= f
            return np.asarray(ok & rows, dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(rows):
        v = values[i]
        got = Fraction(Decimal(repr(float(v)))) if isinstance(v, float) else Fraction(v)
        out[i] = got >= wanted if at_least else got <= wanted
    return out


# ---- the walk ---------------------------------------------------------------------------


def _run(compiled: Compiled[Any], cols: Columns) -> Array:
    if isinstance(compiled, CompiledCombinator):
        children = [_run(c, cols) for c in compiled.children]
        kind = compiled.kind
        if kind == "all_of":
            return _all(children)
        if kind == "any_of":
            return _any(children)
        if kind == "not":
            return _not(children[0])
        return _at_least(compiled.n, children)
    kernel = getattr(compiled, "columns", None)
    return kernel(cols) if kernel is not None else cols.fallback(compiled)


def evaluate_columns(
    corpus: Corpus,
    ruleset: RuleSet,
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
) -> Array:
    """Verdict codes, one row per declaration and one column per criterion (int8)."""
    plan = compile_plan(ruleset, as_of, context, procurement)
    # Criterion by criterion in memory (the transpose of a row-major array): each block's
    # verdicts are written in one run, not one byte in every few.
    out = np.empty((len(plan.criteria), corpus.n), dtype=np.int8).T
    row = corpus.declaration
    for j, crit in enumerate(plan.criteria):
        if crit.rule is not None:
            # What the facts rest on is read per declaration: this criterion row by row.
            out[:, j] = [CODES[crit.decide(row(i))[0]] for i in range(corpus.n)]
    # Block by block: a kernel's dozens of passes then run over arrays that stay in the
    # processor's cache, about a third faster at a million rows than whole columns.
    for start in range(0, corpus.n, BLOCK_ROWS):
        cols = Columns(corpus, plan, start, min(corpus.n, start + BLOCK_ROWS))
        for j, crit in enumerate(plan.criteria):
            if crit.rule is None:
                out[start : start + cols.n, j] = _criterion(crit, cols)
    return out


BLOCK_ROWS = 32_768
"""Rows the kernels take at a time (a few hundred kB a column)."""


def _criterion(crit: CompiledCriterion, cols: Columns) -> Array:
    verdict = _run(crit.check, cols)
    if crit.when is not None:
        guard = _run(crit.when, cols)
        # "when G then C" is (not G) or C; where G fails the criterion does not apply.
        verdict = np.where(
            guard == NOT_MET,
            NA,
            np.where(guard == UNDECIDED, _any([_not(guard), verdict]), verdict),
        )
    return verdict


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
