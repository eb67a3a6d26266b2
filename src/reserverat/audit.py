"""Audit samples anyone can repeat: which accepted suppliers to ask for documents.

A buyer checks a sample of the suppliers it accepted on their own word. The draw is
weighted towards the suppliers most worth checking and is exactly reproducible: the same
results and seed give the same sample on any machine and Python version, because every step
is integer arithmetic on SHA-256 digests (no floating point, no library random generator).

The method, which the README states too:

1. The candidates are the results whose outcome is *qualified*. One whose rule set verified
   a criterion against a register (a ``registered_in`` check met), or whose every met
   criterion rests on register readings (its findings' sources), is **exempt**: the buyer
   already holds the evidence.
2. Each candidate's weight starts at 1 and grows, in thousandths, for what makes a check
   worth doing: a share **close to its threshold** (up to +2 within 10 percentage points,
   linearly), a share the supplier **declared without counts** (+1), **facts on the
   supplier's own word** where the findings say what their facts rest on (+1, once), and
   **old dated facts** (a declaration, workforce figures or a document from 3 months or
   more before the evaluation date, up to +1 at 12 months; the oldest counts once). A
   result whose findings name no sources weighs as before sources existed.
3. The sample size is the rate times the candidates, rounded up, within ``--min`` and
   ``--max``, and never more than the suppliers not exempt.
4. Suppliers are drawn one at a time without replacement. At draw *k*, the number
   ``int(sha256("seed:k"))`` modulo the total weight left picks the supplier whose interval
   of the cumulative weights holds it, the candidates ordered by their input hash (so the
   order of the files does not matter).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from reserverat.errors import Problem, ReserveratError
from reserverat.result import Result

__all__ = [
    "AuditError",
    "Candidate",
    "Sample",
    "audit_candidates",
    "draw_sample",
    "read_results",
    "render_sample",
]

_UNIT = 1000
"""Weights are integers in thousandths."""


class AuditError(ReserveratError, ValueError):
    """A bad rate, bound or seed for an audit sample."""


@dataclass(frozen=True)
class Candidate:
    """An accepted supplier, its weight for the draw and what the weight is made of."""

    key: str
    """The result's input hash: the candidate's place in the draw, whatever the file order."""
    supplier: str
    source: str
    weight: int
    """In thousandths (1000 is the base weight); 0 where exempt."""
    parts: tuple[tuple[str, int], ...]
    """(reason, thousandths) that raised the weight: ``close_call``, ``declared_share``,
    ``declared_facts``, ``old_date``."""
    exempt: str | None = None
    """``register_verified`` where a criterion was verified against a register."""


@dataclass(frozen=True)
class Sample:
    """A drawn sample: the inputs of the draw, every candidate, and the ones drawn."""

    seed: int
    rate: Fraction
    size: int
    candidates: tuple[Candidate, ...]
    drawn: tuple[Candidate, ...]


def _share_parts(explanation: Any) -> list[tuple[str, int]]:
    out = []
    for node in explanation.walk():
        code, args = node.reason.code, node.reason.args
        if code in ("share.met", "share.met_at_least") and "threshold" in args:
            margin = Fraction(args["share"]) - Fraction(args["threshold"])
            tenth = Fraction(1, 10)
            if margin < tenth:
                out.append(("close_call", int(2 * _UNIT * (1 - margin / tenth))))
        elif code == "share.declared_met":
            out.append(("declared_share", _UNIT))
        elif code == "age.fresh" and "date" in args and "as_of" in args:
            out.extend(_old_date((_day(args["as_of"]) - _day(args["date"])).days))
    return out


def _old_date(days: int) -> list[tuple[str, int]]:
    """The weight of a fact this many days old: from 3 months on, up to +1 at 12."""
    return [("old_date", min(_UNIT, _UNIT * days // 365))] if days >= 91 else []


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def audit_candidates(results: Iterable[tuple[str, Result]]) -> list[Candidate]:
    """The accepted suppliers of ``(source, result)`` pairs, weighted for the draw."""
    out = []
    for source, result in results:
        if result.outcome.value != "qualified":
            continue
        kinds = {
            node.kind
            for f in result.findings
            if f.verdict.value == "met"
            for node in f.explanation.walk()
            if node.verdict.value == "met"
        }
        supplier = result.supplier.name
        key = result.provenance.input_hash
        met = [f for f in result.findings if f.verdict.value == "met"]
        # Where the findings say what their facts rest on (the declaration named sources,
        # or the rule set asked for them), those read from a register need no check.
        on_register = bool(met) and all(
            f.sources and all(u.kind == "register" for u in f.sources) for f in met
        )
        if "registered_in" in kinds or on_register:
            out.append(Candidate(key, supplier, source, 0, (), "register_verified"))
            continue
        parts: list[tuple[str, int]] = []
        for f in result.findings:
            parts.extend(_share_parts(f.explanation))
        if any(u.kind == "declared" for f in met for u in f.sources):
            parts.append(("declared_facts", _UNIT))
        for f in met:
            for u in f.sources:
                if u.kind == "document" and u.dated is not None:
                    parts.extend(_old_date((result.provenance.as_of - u.dated).days))
        # One old date counts once: the oldest.
        ages = [p for p in parts if p[0] == "old_date"]
        parts = [p for p in parts if p[0] != "old_date"]
        if ages:
            parts.append(max(ages, key=lambda p: p[1]))
        weight = _UNIT + sum(v for _, v in parts)
        out.append(Candidate(key, supplier, source, weight, tuple(parts)))
    return out


def _check(rate: Any, minimum: int, maximum: int, seed: Any) -> Fraction:
    from decimal import Decimal, InvalidOperation

    from reserverat.checks import bounded_decimal

    problems = []
    fraction = Fraction(-1)
    if isinstance(rate, Fraction):
        fraction = rate
    else:
        # Through a bounded Decimal: Fraction("1e-999999999") would build a huge number.
        try:
            value = Decimal(str(rate).strip().replace(",", ".")[:40])
        except InvalidOperation:
            value = Decimal(-1)
        if bounded_decimal(value):
            fraction = Fraction(value)
    if not 0 < fraction <= 1:
        problems.append(
            Problem(
                "--rate",
                str(rate)[:40],
                "bad_rate",
                "the rate is a share above 0 and at most 1 (0.2 is one in five)",
                str(rate)[:40],
                msg_sv="andelen ska vara över 0 och högst 1 (0,2 är var femte)",
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or abs(seed) >= 10**40:
        problems.append(
            Problem(
                "--seed",
                str(seed)[:40],
                "bad_seed",
                "the seed is a whole number (at most 40 digits), so that the draw can be repeated",
                str(seed)[:40],
                msg_sv="fröet ska vara ett heltal (högst 40 siffror), så att dragningen kan "
                "upprepas",
            )
        )
    if minimum < 0 or maximum < 1 or minimum > maximum:
        problems.append(
            Problem(
                "--min",
                f"{minimum}..{maximum}",
                "bad_bounds",
                "min is 0 or more and at most max; max is 1 or more",
                msg_sv="min ska vara 0 eller mer och högst max; max ska vara 1 eller mer",
            )
        )
    if problems:
        raise AuditError(problems)
    return fraction


def _number(seed: int, k: int) -> int:
    return int(hashlib.sha256(f"{seed}:{k}".encode()).hexdigest(), 16)


def draw_sample(
    candidates: Sequence[Candidate],
    *,
    rate: Fraction | str | float,
    seed: int,
    minimum: int = 2,
    maximum: int = 20,
) -> Sample:
    """Draw a sample, reproducibly (the module docstring states the method).

    Raises:
        AuditError: a rate outside (0, 1] (``bad_rate``), a seed that is not a whole number
            (``bad_seed``), bounds that do not fit (``bad_bounds``).
    """
    fraction = _check(rate, minimum, maximum, seed)
    ordered = sorted(
        candidates, key=lambda c: (c.key, c.source, c.supplier, c.weight, c.exempt or "")
    )
    pool = [c for c in ordered if c.exempt is None and c.weight > 0]
    wanted = -(-len(ordered) * fraction.numerator // fraction.denominator)  # rounded up
    size = min(max(wanted, minimum), maximum, len(pool))
    drawn: list[Candidate] = []
    for k in range(size):
        total = sum(c.weight for c in pool)
        point = _number(seed, k) % total
        for i, candidate in enumerate(pool):
            if point < candidate.weight:
                drawn.append(pool.pop(i))
                break
            point -= candidate.weight
    return Sample(seed, fraction, size, tuple(ordered), tuple(drawn))


def read_results(paths: Iterable[str | Path]) -> list[tuple[str, Result]]:
    """The results stored in files: the JSONL of ``batch`` (error lines are not results) or
    the JSON of ``check --format json`` or of ``Result.to_json()``.

    Raises:
        AuditError: a file that cannot be read, or holds something else (``not_results``).
    """
    from pydantic import ValidationError

    from reserverat.inputs import parse_json, read_text
    from reserverat.result import result_from_json

    out: list[tuple[str, Result]] = []
    for path in map(Path, paths):
        text = read_text(path, AuditError)
        if path.suffix.lower() == ".jsonl":
            items = [
                (f"{path} line {n}", parse_json(line, f"{path} line {n}", AuditError))
                for n, line in enumerate(text.splitlines(), start=1)
                if line.strip()
            ]
        else:
            data = parse_json(text, str(path), AuditError)
            items = [(str(path), d) for d in (data if isinstance(data, list) else [data])]
        for where, item in items:
            if isinstance(item, dict) and "error" in item and "result" not in item:
                continue  # an input that could not be read: nobody to audit
            body = item.get("result", item) if isinstance(item, dict) else None
            source = item.get("source", where) if isinstance(item, dict) else where
            try:
                result = result_from_json(json.dumps(body))
            except (ValidationError, TypeError, ValueError):
                raise AuditError(
                    [
                        Problem(
                            where,
                            "",
                            "not_results",
                            "not a result (the JSONL of batch, or the JSON of check)",
                            msg_sv="inget bedömningsresultat (JSONL från batch eller JSON "
                            "från check)",
                        )
                    ]
                ) from None
            out.append((str(source), result))
    return out


_WORDS = {
    "sv": {
        "close_call": "nära gränsen",
        "declared_share": "uppgiven andel utan antal",
        "declared_facts": "uppgifter på egen försäkran",
        "old_date": "gamla uppgifter",
        "register_verified": "styrkt mot register, undantagen",
        "head": "Stickprov för dokumentkontroll",
        "seed": "frö",
        "rate": "andel",
        "size": "antal dragna",
        "of": "av",
        "accepted": "godkända",
        "drawn": "Dragna",
        "weights": "Vikter (1 är grundvikten)",
        "base": "grundvikt",
        "method": "Metoden: se README (reserverat.audit); samma underlag och frö ger samma urval.",
    },
    "en": {
        "close_call": "close to the threshold",
        "declared_share": "a share declared without counts",
        "declared_facts": "facts on the supplier's own word",
        "old_date": "old dated facts",
        "register_verified": "verified against a register, exempt",
        "head": "Sample for document checks",
        "seed": "seed",
        "rate": "rate",
        "size": "drawn",
        "of": "of",
        "accepted": "accepted",
        "drawn": "Drawn",
        "weights": "Weights (1 is the base weight)",
        "base": "base weight",
        "method": "The method: see the README (reserverat.audit); the same input and seed "
        "give the same sample.",
    },
}


def _weight_text(thousandths: int, lang: str) -> str:
    from reserverat.render.messages import fmt_number

    return fmt_number(Fraction(thousandths, _UNIT), lang, 3)


def _why(c: Candidate, lang: str) -> str:
    w = _WORDS[lang]
    if c.exempt:
        return w[c.exempt]
    parts = [f"{w['base']} 1"] + [f"{w[code]} +{_weight_text(v, lang)}" for code, v in c.parts]
    return ", ".join(parts)


def render_sample(sample: Sample, fmt: str = "text", lang: str = "sv") -> str:
    """A sample as text or JSON: the seed, the rate, every weight and why each was drawn."""
    from reserverat.identifiers import mask_personal_numbers

    if fmt == "json":

        def item(c: Candidate) -> dict[str, Any]:
            return {
                "supplier": c.supplier,
                "source": c.source,
                "key": c.key,
                "weight": str(Fraction(c.weight, _UNIT)),
                "parts": {code: str(Fraction(v, _UNIT)) for code, v in c.parts},
                "exempt": c.exempt,
            }

        data = {
            "seed": sample.seed,
            "rate": str(sample.rate),
            "size": sample.size,
            "drawn": [item(c) for c in sample.drawn],
            "candidates": [item(c) for c in sample.candidates],
        }
        return mask_personal_numbers(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    w = _WORDS[lang]
    from reserverat.render.messages import fmt_share

    rate = fmt_share(sample.rate, lang)
    lines = [
        w["head"],
        f"{w['seed']}: {sample.seed}; {w['rate']}: {rate}; "
        f"{w['size']}: {sample.size} {w['of']} {len(sample.candidates)} {w['accepted']}",
        w["method"],
        "",
        f"{w['drawn']}:",
    ]
    lines += [
        f"  {n}. {c.supplier} [{c.source}]: {_weight_text(c.weight, lang)} ({_why(c, lang)})"
        for n, c in enumerate(sample.drawn, start=1)
    ]
    lines += ["", f"{w['weights']}:"]
    lines += [
        f"  {c.supplier} [{c.source}]: "
        + (_why(c, lang) if c.exempt else f"{_weight_text(c.weight, lang)} ({_why(c, lang)})")
        for c in sample.candidates
    ]
    return mask_personal_numbers("\n".join(lines)) + "\n"
