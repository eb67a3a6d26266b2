"""The smallest set of evidence that decides an undecided result, found by playing it out.

For an undecided result, each piece of evidence asked for would supply facts that are now
unknown (a staff list: the workforce counts; statutes: the purpose). This module plays
those facts out on the declaration itself: for a set of evidence it looks for values of
the facts it would supply that make the supplier **qualified**, and values that make it
**not qualified**, evaluating each candidate with the rule set as any declaration is
evaluated. A set *decides* where it can end either way; the answer names the fewest
documents the supplier needs to qualify at all, and the single document that decides on
its own, if one does ("ett dokument avgör: personalförteckning").

Every claim is backed by the values that were evaluated (``witnesses``), so that a caller
or a test can evaluate them again. The search tries a few values per fact (yes and no;
none, one and many; every choice of a closed vocabulary) and moves one fact at a time
towards the goal, so a claim that a set *can* end a way is always true, but a set the
search did not find a way for may still have one (the answer says "could not be shown").
Evidence that no fact of the declaration stands for (a register extract, the tender's own
facts) is listed apart, as not played out.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, get_args, get_origin

from reserverat.errors import DeclarationError, EvaluationError, Problem
from reserverat.logic import Verdict
from reserverat.result import Outcome, Result

__all__ = ["DecidingEvidence", "Witness", "deciding_evidence", "render_deciding"]

_MAX_SETS = 64
"""Sets of evidence tried at most (all sets of up to four codes, then the whole)."""


@dataclass(frozen=True)
class Witness:
    """Values for the facts a set of evidence supplies, and the outcome they were shown to give."""

    evidence: tuple[str, ...]
    outcome: Outcome
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class DecidingEvidence:
    """What would settle an undecided result, ranked by how much it settles.

    ``fewest_to_qualify`` is the smallest set of evidence with which the supplier was shown
    to qualify (none: no set was found); ``decides_alone`` each single piece shown to end
    the result either way on its own; ``can_fail_alone`` each single piece shown able to
    end it not qualified; ``ranked`` every piece with the number of undecided criteria it
    bears on, most first; ``not_played`` evidence no fact of the declaration stands for.
    """

    fewest_to_qualify: tuple[str, ...] | None
    decides_alone: tuple[str, ...]
    can_fail_alone: tuple[str, ...]
    ranked: tuple[tuple[str, int], ...]
    not_played: tuple[str, ...]
    witnesses: tuple[Witness, ...]


def _type_of(path: str) -> Any:
    from reserverat.checks import FACT_PATHS

    return FACT_PATHS.get(path)


def _candidates(t: Any, as_of: date) -> tuple[Any, ...]:
    """A few values of a fact's type: the two ends and a middle, every choice of a vocabulary."""
    from reserverat.cells import kind_of

    inner = get_args(t)[0] if get_origin(t) is Annotated else t
    if get_origin(inner) is Literal:
        return get_args(inner)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return tuple(m.value for m in inner)
    by_kind: dict[str, tuple[Any, ...]] = {
        "yes_no": (True, False),
        "count": (0, 1, 1000),
        "share": ("0", "0.5", "1"),
        "number": ("0", "1000", "1000000"),
        "date": (as_of.isoformat(), date(as_of.year - 10, 1, 1).isoformat()),
    }
    return by_kind.get(kind_of(t), ())


def _with(data: dict[str, Any], values: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The declaration's data with each dotted fact set (its parents made where absent)."""
    import copy

    out = copy.deepcopy(data)
    for path, value in values:
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    return out


def deciding_evidence(result: Result) -> DecidingEvidence:
    """The evidence that would settle ``result``, played out on its declaration.

    Raises:
        EvaluationError: the result is not undecided, or has no declaration behind it (one
            read back from JSON): evaluate the declaration again.
    """
    record = result.record
    if record is None or result.outcome is not Outcome.UNDECIDED:
        why = "not undecided" if record is not None else "read back without its declaration"
        why_sv = "inte obestämt" if record is not None else "inläst utan sin försäkran"
        raise EvaluationError(
            [
                Problem(
                    "<python>",
                    "result",
                    "not_undecided" if record is not None else "no_declaration",
                    f"the smallest deciding evidence is found for an undecided result: this "
                    f"one is {why}",
                    msg_sv=f"minsta avgörande underlag tas fram för ett obestämt utfall: detta "
                    f"är {why_sv}",
                )
            ]
        )
    from reserverat.declaration import parse_declaration
    from reserverat.engine import evaluate, evidence_for

    plan, decl = record.plan, record.decl
    undecided = [
        (c, f)
        for c, f in zip(plan.criteria, result.findings, strict=True)
        if f.verdict is Verdict.UNDECIDED and not f.advisory
    ]
    wanted = tuple(dict.fromkeys(code for _, f in undecided for code in f.evidence))
    facts: dict[str, list[str]] = {code: [] for code in wanted}
    bearing: dict[str, int] = dict.fromkeys(wanted, 0)
    for compiled, f in undecided:
        for code in f.evidence:
            bearing[code] += 1
        for read in compiled.sources.reads:
            code = evidence_for(read.path)
            known = code in facts and not read.stated(decl) and read.path not in facts[code]
            if known and _candidates(_type_of(read.path), plan.as_of):
                facts[code].append(read.path)
    played = tuple(c for c in wanted if facts[c])
    not_played = tuple(c for c in wanted if not facts[c])
    data = decl.model_dump(mode="json", exclude_none=True)

    def outcome_of(values: Sequence[tuple[str, Any]]) -> tuple[Outcome, int] | None:
        try:
            candidate = parse_declaration(_with(data, values))
        except DeclarationError:  # a combination the schema refuses is no candidate
            return None
        made = evaluate(
            candidate,
            plan.rules,
            as_of=plan.as_of,
            context=plan.context,
            procurement=plan.procurement,
            stage=plan.stage,
        )
        met = sum(1 for f in made.compact().criteria.values() if f.verdict is Verdict.MET)
        return made.outcome, met

    def search(codes: tuple[str, ...], goal: Outcome) -> Witness | None:
        paths = [p for c in codes for p in facts[c]]
        options = {p: _candidates(_type_of(p), plan.as_of) for p in paths}
        # Start from each fact's first candidate, then move one fact at a time towards the goal.
        current = {p: options[p][0] for p in paths}
        best = outcome_of(list(current.items()))
        for _ in range(3):
            changed = False
            for p in paths:
                for value in options[p]:
                    if value == current[p]:
                        continue
                    trial = {**current, p: value}
                    got = outcome_of(list(trial.items()))
                    if got is None:
                        continue
                    if best is None or _closer(got, best, goal):
                        current, best, changed = trial, got, True
                if best is not None and best[0] is goal:
                    return Witness(codes, goal, tuple(current.items()))
            if not changed:
                break
        if best is not None and best[0] is goal:
            return Witness(codes, goal, tuple(current.items()))
        return None

    sets: list[tuple[str, ...]] = []
    for size in range(1, min(4, len(played)) + 1):
        sets.extend(itertools.combinations(played, size))
        if len(sets) >= _MAX_SETS:
            break
    if played and tuple(played) not in sets:
        sets.append(tuple(played))
    witnesses: list[Witness] = []
    fewest: tuple[str, ...] | None = None
    decides: list[str] = []
    fails: list[str] = []
    for codes in sets[:_MAX_SETS]:
        single = len(codes) == 1
        if fewest is not None and len(codes) > len(fewest) and not single:
            break
        good = search(codes, Outcome.QUALIFIED)
        if good is not None:
            witnesses.append(good)
            if fewest is None:
                fewest = codes
        if single:
            bad = search(codes, Outcome.NOT_QUALIFIED)
            if bad is not None:
                witnesses.append(bad)
                fails.append(codes[0])
                if good is not None:
                    decides.append(codes[0])
    ranked = tuple(sorted(bearing.items(), key=lambda kv: (-kv[1], wanted.index(kv[0]))))
    return DecidingEvidence(
        fewest, tuple(decides), tuple(fails), ranked, not_played, tuple(witnesses)
    )


def _closer(got: tuple[Outcome, int], best: tuple[Outcome, int], goal: Outcome) -> bool:
    """Whether ``got`` is nearer the goal than ``best``: the goal reached, else more criteria
    met (towards qualified) or fewer (towards not qualified)."""
    if (got[0] is goal) != (best[0] is goal):
        return got[0] is goal
    return got[1] > best[1] if goal is Outcome.QUALIFIED else got[1] < best[1]


_WORDS = {
    "sv": {
        "alone": "Ett dokument avgör: {items}.",
        "fewest": "Minsta underlag för att kunna kvalificera sig: {items}.",
        "none": "Inget underlag som går att pröva här räcker för att kvalificera sig.",
        "fail": "Kan ensamt ge ej kvalificerad: {items}.",
        "ranked": "Underlaget, efter hur många obestämda kriterier det gäller: {items}.",
        "not_played": "Prövas inte här (ingen uppgift i försäkran motsvarar det): {items}.",
        "and": " och ",
    },
    "en": {
        "alone": "One document decides: {items}.",
        "fewest": "The least evidence with which the supplier can qualify: {items}.",
        "none": "No evidence that can be played out here is enough to qualify.",
        "fail": "Can on its own end not qualified: {items}.",
        "ranked": "The evidence, by how many undecided criteria it bears on: {items}.",
        "not_played": "Not played out here (no fact of the declaration stands for it): {items}.",
        "and": " and ",
    },
}


def render_deciding(found: DecidingEvidence, lang: str = "sv") -> list[str]:
    """The deciding evidence as sentences, in the language asked for."""
    from reserverat.render.messages import EVIDENCE

    w = _WORDS[lang]

    def words(codes: Iterable[str]) -> str:
        items = [EVIDENCE[lang][c] for c in codes]
        return ", ".join(items[:-1]) + w["and"] + items[-1] if len(items) > 1 else items[0]

    lines = []
    if found.decides_alone:
        lines.append(w["alone"].format(items=words(found.decides_alone)))
    if found.fewest_to_qualify is not None:
        lines.append(w["fewest"].format(items=words(found.fewest_to_qualify)))
    else:
        lines.append(w["none"])
    if found.can_fail_alone:
        lines.append(w["fail"].format(items=words(found.can_fail_alone)))
    if found.ranked:
        counted = ", ".join(f"{EVIDENCE[lang][c]} ({n})" for c, n in found.ranked)
        lines.append(w["ranked"].format(items=counted))
    if found.not_played:
        lines.append(w["not_played"].format(items=words(found.not_played)))
    return lines
