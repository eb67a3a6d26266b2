"""Policy tools: rule set A against rule set B over a corpus, and sweeps of one parameter.

A policy writer asks "what if the threshold were 40 %, or the radius 15 km?": who gains,
who loses, and which criterion flipped for them, with the reason it gives now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from reserverat.checks import bounded_decimal
from reserverat.columnar import Corpus
from reserverat.declaration import Declaration, Procurement
from reserverat.errors import Problem, RuleSetError, did_you_mean
from reserverat.evaluate import EvaluationContext, evaluate
from reserverat.inputs import parse_json
from reserverat.result import Message
from reserverat.ruleset import RuleSet, Text, same_criteria

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = ["Comparison", "Flip", "compare", "parse_overrides", "parse_sweep", "sweep"]

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
                        {"criterion": c, "before": b, "after": a, "reason": r}
                        for c, b, a, r in f.criteria
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

    Counts and per-criterion flips cover everyone (columnar path); the first
    ``detail_limit`` changed suppliers are listed with the reasons for each flip. A
    corpus of typed columns is the fast way in for large generated or exported data.
    """
    from reserverat.columnar import evaluate_columns, outcome_codes

    if isinstance(declarations, Corpus):
        corpus = declarations
    else:
        items = list(declarations)
        corpus = Corpus(len(items), [d for _, d in items], sources=[source for source, _ in items])
    n = corpus.n
    out = Comparison(label_a or f"{a.id} {a.version}", label_b or f"{b.id} {b.version}")
    out.compared = n
    if not n:
        return out
    # Verdicts for everyone from the columnar path; explanations only for those who changed.
    va = evaluate_columns(corpus, a, as_of=as_of, procurement=procurement, context=context)
    vb = evaluate_columns(corpus, b, as_of=as_of, procurement=procurement, context=context)
    oa = outcome_codes(va, a, as_of=as_of, procurement=procurement)
    ob = outcome_codes(vb, b, as_of=as_of, procurement=procurement)
    names = ("not_qualified", "undecided", "qualified")
    for code, name in enumerate(names):
        out.counts_a[name] = int((oa == code).sum())
        out.counts_b[name] = int((ob == code).sum())
    out.counts_a, out.counts_b = +out.counts_a, +out.counts_b  # drop zero counts
    ids_a = [c.id for c in a.criteria]
    ids_b = [c.id for c in b.criteria]
    # A criterion renamed between versions (an alias on either side) is still itself.
    same = same_criteria(a, b)
    shared = [i for i in ids_b if i in same]
    cols_a = (
        va[:, [ids_a.index(same[i]) for i in shared]] if shared else np.zeros((n, 0), np.int8)
    )
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
            hint = did_you_mean(crit, ids)
            problems.append(
                Problem(
                    "--set",
                    spec,
                    "unknown_criterion",
                    f"no criterion {crit!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                    msg_sv=f"inget kriterium {crit!r}" + (f"; menade du {hint!r}?" if hint else ""),
                )
            )
            continue
        if name not in rules.parameters:
            hint = did_you_mean(name, rules.parameters)
            problems.append(
                Problem(
                    "--set",
                    spec,
                    "unknown_parameter",
                    f"{rules.id} has no parameter {name!r}"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                    msg_sv=f"{rules.id} har ingen parameter {name!r}"
                    + (f"; menade du {hint!r}?" if hint else ""),
                )
            )
            continue
        out[name] = _value(raw.strip())
    if problems:
        raise RuleSetError(problems)
    return out


def parse_sweep(spec: str) -> tuple[str, list[Decimal]]:
    """``name=FROM:TO:STEP`` to a parameter name and its values (both ends included).

    Raises:
        RuleSetError: a malformed range.
    """
    name, sep, rng = spec.partition("=")
    parts = rng.split(":")
    try:
        start, stop, step = (Decimal(p.strip().replace(",", ".")) for p in parts)
    except (ValueError, InvalidOperation):
        raise RuleSetError(
            [
                Problem(
                    "--sweep",
                    spec,
                    "bad_option",
                    "expected name=FROM:TO:STEP",
                    msg_sv="skriv namn=FRÅN:TILL:STEG",
                )
            ]
        ) from None
    for value in (start, stop, step):
        # Bounded before any arithmetic: 1e-999999999 would overflow the division below.
        if not bounded_decimal(value):
            raise RuleSetError(
                [
                    Problem(
                        "--sweep",
                        spec,
                        "bad_option",
                        "FROM, TO and STEP must be numbers within ±10^13 with at most 6 decimals",
                        msg_sv="FRÅN, TILL och STEG ska vara tal inom ±10^13 med högst 6 decimaler",
                    )
                ]
            )
    if not sep or len(parts) != 3 or step <= 0 or stop < start or (stop - start) / step > 1000:
        raise RuleSetError(
            [
                Problem(
                    "--sweep",
                    spec,
                    "bad_option",
                    "expected name=FROM:TO:STEP with FROM <= TO, STEP > 0, at most 1,000 steps",
                    msg_sv="skriv namn=FRÅN:TILL:STEG med FRÅN <= TILL, STEG > 0, "
                    "högst 1\u00a0000 steg",
                )
            ]
        )
    values, v = [], start
    while v <= stop:
        values.append(v)
        v += step
    return name.strip().rpartition(".")[2], values


def sweep(
    declarations: Sequence[Declaration] | Corpus,
    rules: RuleSet,
    name: str,
    values: Sequence[Any],
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
) -> list[tuple[Any, Counter[str]]]:
    """Outcome counts for each value of one parameter.

    Raises:
        RuleSetError: the parameter does not exist or a value does not fit it.
    """
    from reserverat.columnar import evaluate_columns, outcome_codes

    corpus = (
        declarations
        if isinstance(declarations, Corpus)
        else Corpus.from_declarations(list(declarations))
    )
    out = []
    names = ("not_qualified", "undecided", "qualified")
    for value in values:
        variant = rules.with_params(**{name: value})
        codes = outcome_codes(
            evaluate_columns(
                corpus, variant, as_of=as_of, procurement=procurement, context=context
            ),
            variant,
            as_of=as_of,
            procurement=procurement,
        )
        counts: Counter[str] = Counter({n: int((codes == c).sum()) for c, n in enumerate(names)})
        out.append((value, +counts))
    return out
