"""Policy tools: rule set A against rule set B over a corpus, and sweeps of one parameter.

A policy writer asks "what if the threshold were 40 %, or the radius 15 km?": who gains,
who loses, and which criterion flipped for them, with the reason it gives now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, overload

from reserverat._version import __version__
from reserverat.checks import bounded_decimal
from reserverat.columnar import Corpus
from reserverat.declaration import Declaration, Procurement
from reserverat.engine import titles_at
from reserverat.errors import (
    Problem,
    RuleSetError,
    did_you_mean_texts,
    swedish_number,
)
from reserverat.evaluate import EvaluationContext, evaluate
from reserverat.inputs import parse_json
from reserverat.result import Message, message_json
from reserverat.ruleset import RuleSet, Text, same_criteria

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = [
    "Comparison",
    "ComparisonProvenance",
    "Flip",
    "Sweep",
    "SweepStep",
    "compare",
    "parse_overrides",
    "parse_sweep",
    "sweep",
]

_RANK = {"not_qualified": 0, "undecided": 1, "qualified": 2}


@dataclass(frozen=True)
class Flip:
    """One supplier whose outcome changed, and the criteria that changed with it."""

    source: str
    supplier: str
    before: str
    after: str
    criteria: tuple[tuple[str, str, str, str], ...]  # id, verdict before, after, reason code after
    reasons: tuple[tuple[Message | None, Message | None], ...] = ()
    """Per changed criterion, the reason under A and under B (with the numbers they used)."""
    titles: tuple[Text | None, ...] = ()
    """Per changed criterion, its title under B (else A), with B's values filled in."""


@dataclass(frozen=True)
class ComparisonProvenance:
    """What reproduces a comparison: both rule sets exactly, the date and the library."""

    a: tuple[str, str, str]
    """Rule set A's id, version and content hash."""
    b: tuple[str, str, str]
    as_of: date
    library_version: str
    procurement: str | None = None
    """The procurement's reference, where it has one."""
    input_hash: str | None = None
    """``sha256:`` over the declarations' own hashes in order, where the corpus holds
    declarations (a corpus of bare columns has none to hash)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "input_hash": self.input_hash,
            "a": dict(zip(("id", "version", "hash"), self.a, strict=True)),
            "b": dict(zip(("id", "version", "hash"), self.b, strict=True)),
            "as_of": self.as_of.isoformat(),
            "library_version": self.library_version,
            "procurement": self.procurement,
        }


@dataclass
class Comparison:
    """Rule set A against B over one corpus."""

    a: str
    b: str
    counts_a: Counter[str] = field(default_factory=Counter)
    counts_b: Counter[str] = field(default_factory=Counter)
    gains: list[Flip] = field(default_factory=list)
    losses: list[Flip] = field(default_factory=list)
    criterion_flips: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    criterion_reasons: dict[str, Counter[str]] = field(default_factory=dict)
    compared: int = 0
    gain_count: int = 0
    loss_count: int = 0
    detailed: int = 0
    """How many changed suppliers are listed with reasons (at most ``detail_limit``)."""
    titles: dict[str, Text] = field(default_factory=dict)
    """Each criterion's title (B's, else A's) with its rule set's values filled in."""
    provenance: ComparisonProvenance | None = None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per changed supplier listed (:func:`reserverat.tables.comparison_records`)."""
        from reserverat.tables import comparison_records

        return comparison_records(self)

    def to_pandas(self) -> Any:
        """The records as a pandas DataFrame (the ``[frames]`` extra)."""
        from reserverat.tables import to_pandas

        return to_pandas(self)

    def to_polars(self) -> Any:
        """The records as a polars DataFrame (the ``[frames]`` extra)."""
        from reserverat.tables import to_polars

        return to_polars(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""

        def flips(items: list[Flip]) -> list[dict[str, Any]]:
            return [
                {
                    "source": f.source,
                    "supplier": f.supplier,
                    "before": f.before,
                    "after": f.after,
                    "criteria": [
                        {
                            "criterion": c,
                            "before": b,
                            "after": a,
                            "reason": r,
                            "reason_a": message_json(f.reasons[k][0])
                            if k < len(f.reasons)
                            else None,
                            "reason_b": message_json(f.reasons[k][1])
                            if k < len(f.reasons)
                            else None,
                        }
                        for k, (c, b, a, r) in enumerate(f.criteria)
                    ],
                }
                for f in items
            ]

        return {
            "a": self.a,
            "b": self.b,
            "compared": self.compared,
            "gain_count": self.gain_count,
            "loss_count": self.loss_count,
            "detailed": self.detailed,
            "counts": {"a": dict(self.counts_a), "b": dict(self.counts_b)},
            "gains": flips(self.gains),
            "losses": flips(self.losses),
            "criterion_flips": {
                c: [{"before": b, "after": a, "count": n} for (b, a), n in sorted(counter.items())]
                for c, counter in sorted(self.criterion_flips.items())
            },
            "criterion_reasons": {
                c: dict(sorted(r.items())) for c, r in sorted(self.criterion_reasons.items())
            },
            "titles": {c: t.model_dump(mode="json") for c, t in sorted(self.titles.items())},
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }


def compare(
    declarations: Iterable[tuple[str, Declaration]] | Corpus,
    a: RuleSet,
    b: RuleSet,
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
    label_a: str | None = None,
    label_b: str | None = None,
    detail_limit: int = 1000,
) -> Comparison:
    """Evaluate each (source, declaration) or Corpus row under A and B; count what changed.

    Criteria are matched by id or alias, so two versions that renamed one still compare it
    with itself.

    Counts and per-criterion flips cover everyone (columnar path); the first
    ``detail_limit`` changed suppliers are listed with the reasons for each flip. A
    corpus of typed columns is the fast way in for large generated or exported data.

    Raises:
        RuleSetError: ``nothing_in_common`` when A and B share no criterion.
    """
    corpus = _corpus(declarations)
    columns = _Columns(corpus, as_of, procurement, context)
    return _compare(
        corpus,
        a,
        b,
        columns,
        _corpus_hash(corpus),
        as_of=as_of,
        procurement=procurement,
        context=context,
        label_a=label_a,
        label_b=label_b,
        detail_limit=detail_limit,
    )


def _corpus(declarations: Iterable[tuple[str, Declaration]] | Corpus) -> Corpus:
    if isinstance(declarations, Corpus):
        return declarations
    items = list(declarations)
    return Corpus(len(items), [d for _, d in items], sources=[source for source, _ in items])


class _Columns:
    """Each rule set's verdict columns and outcome codes over one corpus, computed once:
    a sweep compares each value with the one before, so it uses every value twice."""

    def __init__(
        self,
        corpus: Corpus,
        as_of: date,
        procurement: Procurement | None,
        context: EvaluationContext | None,
    ) -> None:
        self.corpus, self.as_of, self.procurement, self.context = (
            corpus,
            as_of,
            procurement,
            context,
        )
        self._done: dict[int, tuple[RuleSet, Any, Any]] = {}

    def __call__(self, rules: RuleSet) -> tuple[Any, Any]:
        done = self._done.get(id(rules))
        if done is None:
            from reserverat.columnar import evaluate_columns, outcome_codes

            verdicts = evaluate_columns(
                self.corpus,
                rules,
                as_of=self.as_of,
                procurement=self.procurement,
                context=self.context,
            )
            codes = outcome_codes(verdicts, rules, as_of=self.as_of, procurement=self.procurement)
            # The rule set is kept with its columns, so that its id is never reused.
            done = self._done[id(rules)] = (rules, verdicts, codes)
        return done[1], done[2]


def _compare(
    corpus: Corpus,
    a: RuleSet,
    b: RuleSet,
    columns: _Columns,
    input_hash: str | None,
    *,
    as_of: date,
    procurement: Procurement | None,
    context: EvaluationContext | None,
    label_a: str | None,
    label_b: str | None,
    detail_limit: int,
) -> Comparison:
    """:func:`compare` over a corpus, the columns computed once per rule set."""
    n = corpus.n
    out = Comparison(label_a or f"{a.id} {a.version}", label_b or f"{b.id} {b.version}")
    out.compared = n
    out.provenance = ComparisonProvenance(
        (a.id, a.version, a.content_hash),
        (b.id, b.version, b.content_hash),
        as_of,
        __version__,
        procurement.reference if procurement is not None else None,
        input_hash,
    )
    for rules in (a, b):  # B's titles win: they name B's values
        out.titles.update(zip([c.id for c in rules.criteria], titles_at(rules, as_of), strict=True))
    # A criterion renamed between versions (an alias on either side) is still itself.
    same = same_criteria(a, b)
    if not same:
        raise RuleSetError(
            [
                Problem(
                    "<compare>",
                    "b",
                    "nothing_in_common",
                    f"{out.a} and {out.b} have no criterion in common, so every supplier "
                    "would count as changed; compare versions or variants of one rule set, "
                    "or one that extends the other",
                    msg_sv=f"{out.a} och {out.b} har inget kriterium gemensamt, så varje "
                    "leverantör skulle räknas som ändrad; jämför versioner eller varianter av "
                    "ett regelverk, eller ett som bygger på det andra",
                )
            ]
        )
    if not n:
        return out
    # Verdicts for everyone from the columnar path; explanations only for those who changed.
    va, oa = columns(a)
    vb, ob = columns(b)
    names = ("not_qualified", "undecided", "qualified")
    for code, name in enumerate(names):
        out.counts_a[name] = int((oa == code).sum())
        out.counts_b[name] = int((ob == code).sum())
    out.counts_a, out.counts_b = +out.counts_a, +out.counts_b  # drop zero counts
    ids_a = [c.id for c in a.criteria]
    ids_b = [c.id for c in b.criteria]
    shared = [i for i in ids_b if i in same]
    cols_a = va[:, [ids_a.index(same[i]) for i in shared]] if shared else np.zeros((n, 0), np.int8)
    cols_b = vb[:, [ids_b.index(i) for i in shared]] if shared else np.zeros((n, 0), np.int8)
    differs = (
        (oa != ob)
        | (cols_a != cols_b).any(axis=1)
        | (len(ids_a) != len(shared))
        | (len(ids_b) != len(shared))
    )
    out.gain_count = int((ob > oa).sum())
    out.loss_count = int((ob < oa).sum())
    names_v = ("not_met", "undecided", "met", "not_applicable")
    for k, crit_id in enumerate(shared):
        moved = cols_a[:, k] != cols_b[:, k]
        if moved.any():
            pairs = Counter(zip(cols_a[moved, k].tolist(), cols_b[moved, k].tolist(), strict=True))
            out.criterion_flips[crit_id] = Counter(
                {(names_v[x], names_v[y]): n for (x, y), n in pairs.items()}
            )
    for crit_id in ids_b:
        if crit_id not in same:
            out.criterion_flips[crit_id] = Counter(
                ("absent", names_v[v]) for v in vb[:, ids_b.index(crit_id)].tolist()
            )
    for crit_id in ids_a:
        if crit_id not in same.values():
            out.criterion_flips[crit_id] = Counter(
                (names_v[v], "absent") for v in va[:, ids_a.index(crit_id)].tolist()
            )
    a_of_b = {i: same.get(i, i) for i in ids_b}
    for row in np.flatnonzero(differs)[:detail_limit]:
        out.detailed += 1
        source, decl = corpus.source(int(row)), corpus.declaration(int(row))
        ra = evaluate(decl, a, procurement=procurement, as_of=as_of, context=context)
        rb = evaluate(decl, b, procurement=procurement, as_of=as_of, context=context)
        before = {f.criterion: f for f in ra.findings}
        changed = []
        reasons: list[tuple[Message | None, Message | None]] = []
        titles: list[Text | None] = []
        for fb in rb.findings:
            fa = before.get(a_of_b[fb.criterion]) if fb.criterion in same else None
            verdict_a = fa.verdict.value if fa is not None else "absent"
            if verdict_a != fb.verdict.value:
                changed.append(
                    (fb.criterion, verdict_a, fb.verdict.value, fb.explanation.reason.code)
                )
                reasons.append((fa.explanation.reason if fa else None, fb.explanation.reason))
                titles.append(fb.title)
                out.criterion_reasons.setdefault(fb.criterion, Counter())[
                    fb.explanation.reason.code
                ] += 1
        for crit_id in sorted(before.keys() - set(same.values())):
            changed.append((crit_id, before[crit_id].verdict.value, "absent", "-"))
            reasons.append((before[crit_id].explanation.reason, None))
            titles.append(before[crit_id].title)
        rank_a, rank_b = _RANK[ra.outcome.value], _RANK[rb.outcome.value]
        if rank_a != rank_b:
            flip = Flip(
                source,
                decl.supplier,  # masked as the declaration was read
                ra.outcome.value,
                rb.outcome.value,
                tuple(changed),
                tuple(reasons),
                tuple(titles),
            )
            (out.gains if rank_b > rank_a else out.losses).append(flip)
    return out


def _corpus_hash(corpus: Corpus) -> str | None:
    if corpus.declarations is None:
        return None
    import hashlib

    digest = hashlib.sha256()
    for decl in corpus.declarations:
        digest.update(decl.content_hash.encode() + b"\n")
    return "sha256:" + digest.hexdigest()


def _value(text: str) -> Any:
    """A command-line value: JSON where it parses (numbers, true, lists), else the text.

    Raises:
        RuleSetError: NaN, Infinity or an overlong number (``bad_option``).
    """
    try:
        return parse_json(text, "--set", RuleSetError)
    except RuleSetError as exc:
        if exc.problems[0].code == "bad_json":
            return text
        problem = exc.problems[0]
        raise RuleSetError(
            [
                Problem(
                    "--set", text[:40], "bad_option", problem.msg, text[:40], msg_sv=problem.msg_sv
                )
            ]
        ) from None


def parse_overrides(rules: RuleSet, specs: Sequence[str]) -> dict[str, Any]:
    """``name=value`` or ``criterion.name=value`` pairs, checked against the rule set.

    Raises:
        RuleSetError: a malformed pair, an unknown criterion or parameter.
    """
    out: dict[str, Any] = {}
    problems = []
    ids = [name for c in rules.criteria for name in (c.id, *c.aliases)]
    for spec in specs:
        key, sep, raw = spec.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(
                Problem(
                    "--set", spec, "bad_option", "expected name=value", msg_sv="skriv namn=värde"
                )
            )
            continue
        crit, dot, name = key.rpartition(".")
        if dot and crit not in ids:
            tip, tip_sv = did_you_mean_texts(crit, ids)
            problems.append(
                Problem(
                    "--set",
                    spec,
                    "unknown_criterion",
                    f"no criterion {crit!r}" + tip,
                    msg_sv=f"inget kriterium {crit!r}" + tip_sv,
                )
            )
            continue
        if name not in rules.parameters:
            tip, tip_sv = did_you_mean_texts(name, rules.parameters)
            problems.append(
                Problem(
                    "--set",
                    spec,
                    "unknown_parameter",
                    f"{rules.id} has no parameter {name!r}" + tip,
                    msg_sv=f"{rules.id} har ingen parameter {name!r}" + tip_sv,
                )
            )
            continue
        value = _value(raw.strip())
        try:
            rules.with_params(**{name: value})  # the value must fit the parameter's uses
        except RuleSetError as exc:
            problems.extend(_moved(exc.problems, "--set", spec))
            continue
        out[name] = value
    if problems:
        raise RuleSetError(problems)
    return out


def _moved(problems: Iterable[Problem], option: str, spec: str) -> list[Problem]:
    """A variant's problems, located at the option that asked for the variant."""
    return [
        # A swept value is a Decimal: the reader typed 1, not Decimal('1').
        replace(p, source=option, loc=spec, input=str(p.input))
        if isinstance(p.input, Decimal)
        else replace(p, source=option, loc=spec)
        for p in problems
    ]


MAX_SWEEP_VALUES = 1000
"""The most values one sweep evaluates: each is a whole evaluation of the corpus, and a
sweep's report lists the changes at every step."""


def _sweep_error(spec: str, code: str, en: str, sv: str) -> RuleSetError:
    return RuleSetError([Problem("--sweep", spec, code, en, spec[:80], msg_sv=sv)])


def parse_sweep(spec: str) -> tuple[str, list[Decimal]]:
    """``name=FROM:TO:STEP`` to a parameter name and its values (both ends included).

    Raises:
        RuleSetError: ``bad_option`` for a malformed range, ``sweep_empty`` for a range
            with no step forward, ``sweep_reversed`` for FROM above TO, ``sweep_too_large``
            for more than :data:`MAX_SWEEP_VALUES` values.
    """
    name, sep, rng = spec.partition("=")
    parts = rng.split(":")
    name = name.strip().rpartition(".")[2]
    if not sep or not name or len(parts) != 3:
        raise _sweep_error(
            spec, "bad_option", "expected name=FROM:TO:STEP", "skriv namn=FRÅN:TILL:STEG"
        )
    try:
        start, stop, step = (Decimal(p.strip().replace(",", ".")) for p in parts)
    except (ValueError, InvalidOperation):
        raise _sweep_error(
            spec,
            "bad_option",
            "FROM, TO and STEP must be numbers (name=FROM:TO:STEP)",
            "FRÅN, TILL och STEG ska vara tal (namn=FRÅN:TILL:STEG)",
        ) from None
    for value in (start, stop, step):
        # Bounded before any arithmetic: 1e-999999999 would overflow the division below.
        if not bounded_decimal(value):
            raise _sweep_error(
                spec,
                "bad_option",
                "FROM, TO and STEP must be numbers within ±10^13 with at most 6 decimals",
                "FRÅN, TILL och STEG ska vara tal inom ±10^13 med högst 6 decimaler",
            )
    if step <= 0:
        raise _sweep_error(
            spec,
            "sweep_empty",
            "STEP must be greater than 0: the range would never move",
            "STEG ska vara större än 0: intervallet skulle aldrig gå framåt",
        )
    if stop < start:
        raise _sweep_error(
            spec,
            "sweep_reversed",
            f"FROM ({start}) is greater than TO ({stop}): write the smaller value first",
            f"FRÅN ({swedish_number(start)}) är större än TILL "
            f"({swedish_number(stop)}): skriv det mindre värdet först",
        )
    count = int((stop - start) / step) + 1
    if count > MAX_SWEEP_VALUES:
        raise _sweep_error(
            spec,
            "sweep_too_large",
            f"the range has {count:,} values; a sweep evaluates at most "
            f"{MAX_SWEEP_VALUES:,} (use a larger STEP)",
            f"intervallet har {swedish_number(count)} värden; ett svep prövar högst "
            f"{swedish_number(MAX_SWEEP_VALUES)} (välj ett större STEG)",
        )
    values, v = [], start
    while v <= stop:
        values.append(v)
        v += step
    return name, values


@dataclass(frozen=True)
class SweepStep:
    """One value of a swept parameter: the outcome counts, and who changed since the value
    before it (``change`` is None for the first value)."""

    value: Any
    counts: Counter[str]
    change: Comparison | None = None


@dataclass(frozen=True)
class Sweep:
    """Outcome counts for each value of one parameter, and who changes at each step.

    Iterating gives ``(value, counts)`` pairs, as the first sweeps did.
    """

    parameter: str
    ruleset: tuple[str, str]
    """The swept rule set's id and version."""
    steps: tuple[SweepStep, ...]
    provenance: ComparisonProvenance | None = None
    """The swept rule set (at its first value), the date, the library and the input."""

    def __iter__(self) -> Iterator[tuple[Any, Counter[str]]]:
        return iter([(s.value, s.counts) for s in self.steps])

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, Counter[str]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, Counter[str]]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[Any, Counter[str]] | list[tuple[Any, Counter[str]]]:
        pairs = list(self)
        return pairs[index]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: per value, the counts and the suppliers that changed."""
        return {
            "parameter": self.parameter,
            "rules": {"id": self.ruleset[0], "version": self.ruleset[1]},
            "provenance": self.provenance.to_dict() if self.provenance else None,
            "steps": [
                {
                    "value": str(step.value),
                    "counts": dict(step.counts),
                    "change": None if step.change is None else step.change.to_dict(),
                }
                for step in self.steps
            ],
        }


def sweep(
    declarations: Sequence[Declaration] | Sequence[tuple[str, Declaration]] | Corpus,
    rules: RuleSet,
    name: str,
    values: Sequence[Any],
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
    detail_limit: int = 100,
) -> Sweep:
    """Outcome counts for each value of one parameter, and who changes at each step.

    Per step, the suppliers whose outcome changed from the value before are listed, the
    first ``detail_limit`` with reasons.

    ``declarations`` may be (source, declaration) pairs, so that the changes name the file.

    Raises:
        RuleSetError: the parameter does not exist or a value does not fit it.
    """
    if isinstance(declarations, Corpus):
        corpus = declarations
    else:
        corpus = _corpus(
            d if isinstance(d, tuple) else (f"#{k + 1}", d) for k, d in enumerate(declarations)
        )
    columns = _Columns(corpus, as_of, procurement, context)
    input_hash = _corpus_hash(corpus)
    try:
        variants = [rules.with_params(**{name: value}) for value in values]
    except RuleSetError as exc:
        raise RuleSetError(_moved(exc.problems, "--sweep", name)) from None
    steps: list[SweepStep] = []
    provenance = None
    for k, variant in enumerate(variants):
        before = variants[k - 1] if k else variant
        change = _compare(
            corpus,
            before,
            variant,
            columns,
            input_hash,
            as_of=as_of,
            procurement=procurement,
            context=context,
            label_a=f"{name} = {values[k - 1]}" if k else None,
            label_b=f"{name} = {values[k]}",
            detail_limit=detail_limit,
        )
        steps.append(SweepStep(values[k], change.counts_b, change if k else None))
        provenance = provenance or change.provenance
    return Sweep(name, (rules.id, rules.version), tuple(steps), provenance)
