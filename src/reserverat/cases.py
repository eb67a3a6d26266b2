"""Rule tests as data: case files a policy writer can add without writing Python.

A case file (TOML) names a rule set, an evaluation date, a declaration (a path to a
JSON file, relative to the case file, or an inline ``[declaration]`` table), optional
parameter overrides, and what is expected::

    description = "3 of 10 occupied is exactly 30 %: met"
    ruleset = "lou-4-18"
    as_of = 2017-12-11
    declaration = "../../examples/declarations/01-yalla-kooperativ.json"

    [parameters]          # optional: a policy variant
    threshold = 0.4

    [procurement]         # optional: the tender (CPV code, duration, start date ...)
    main_cpv = "85311000"

    [expected]
    outcome = "qualified"

    [expected.criteria.target-group-share]
    verdict = "met"
    reasons = ["share.met"]   # reason codes that must appear in the explanation

Each case file may instead hold ``[[case]]`` tables with the same keys, and a case may
give its declaration as JSON text (``declaration_json = '''{...}'''``), as the case files
shipped with the built-in rule sets do (``builtin_cases_dir()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from reserverat.declaration import Declaration, Procurement, parse_declaration, parse_procurement
from reserverat.engine import Stage
from reserverat.errors import (
    DeclarationError,
    Problem,
    ReserveratError,
    RuleSetError,
    did_you_mean_texts,
)
from reserverat.evaluate import evaluate, law_date
from reserverat.inputs import parse_json, parse_toml, read_text
from reserverat.loading import load_ruleset
from reserverat.result import Result
from reserverat.ruleset import RuleSet

__all__ = [
    "CASE_KEYS",
    "Case",
    "CaseOutcome",
    "Failure",
    "builtin_cases_dir",
    "load_cases",
    "run_case",
    "run_file",
]

CASE_KEYS = (
    "name",
    "description",
    "ruleset",
    "as_of",
    "declaration",
    "declaration_json",
    "parameters",
    "procurement",
    "stage",
    "expected",
)
"""The keys a case may have (a misspelt one is an error, not a key ignored)."""


@dataclass(frozen=True)
class Case:
    """One expected evaluation: inputs and the verdicts and reasons it must give."""

    name: str
    source: str
    ruleset: str
    as_of: date
    declaration: Declaration
    parameters: dict[str, Any]
    expected: dict[str, Any]
    procurement: Procurement | None = None
    stage: Stage = "qualification"


@dataclass(frozen=True)
class Failure:
    """One way a case's result differed from what it expects, in both languages."""

    code: str
    """``outcome``, ``verdict``, ``reason``, ``evidence``, ``argument`` or
    ``unknown_criterion``."""
    msg: str
    msg_sv: str

    def text(self, lang: str = "en") -> str:
        """The failure as a line in ``lang``."""
        return self.msg_sv if lang == "sv" else self.msg

    def __str__(self) -> str:
        return self.msg


@dataclass(frozen=True)
class CaseOutcome:
    """What running a case found: the result and every way it differed from expectation."""

    case: Case
    result: Result
    failures: tuple[Failure, ...]

    @property
    def passed(self) -> bool:
        """Whether the result matched every expectation."""
        return not self.failures


def _declaration(raw: Any, base: Path, source: str, embedded: str | None = None) -> Declaration:
    if embedded is not None:
        data = parse_json(str(embedded), source, DeclarationError, loc="declaration_json")
        if not isinstance(data, dict):
            raise DeclarationError(
                [
                    Problem(
                        source,
                        "declaration_json",
                        "wrong_type",
                        "expected a JSON object",
                        msg_sv="ett JSON-objekt väntades",
                    )
                ]
            )
        return parse_declaration(data, source=f"{source} [declaration_json]")
    if isinstance(raw, str):
        path = base / raw
        data = parse_json(read_text(path, DeclarationError), str(path), DeclarationError)
        if not isinstance(data, dict):
            raise DeclarationError(
                [
                    Problem(
                        str(path),
                        "",
                        "wrong_type",
                        "expected a JSON object",
                        msg_sv="ett JSON-objekt väntades",
                    )
                ]
            )
        return parse_declaration(data, source=str(path))
    if isinstance(raw, dict):
        return parse_declaration(raw, source=f"{source} [declaration]")
    raise DeclarationError(
        [
            Problem(
                source,
                "declaration",
                "wrong_type",
                "give a path or an inline table",
                msg_sv="ange en sökväg eller en tabell",
            )
        ]
    )


def _words(codes: dict[str, dict[str, str]]) -> dict[str, str]:
    """Every way a case may name a code: the code, or its Swedish or English label."""
    out = {}
    for labels in codes.values():
        for code, label in labels.items():
            out[" ".join(label.casefold().split())] = code
            out[code] = code
    return out


def _problem(source: str, loc: str, code: str, en: str, sv: str, given: Any = None) -> Problem:
    extra = {} if given is None else {"input": given}
    return Problem(source, loc, code, en, msg_sv=sv, **extra)


def _unknown_keys(
    table: dict[str, Any], allowed: tuple[str, ...], at: str, source: str
) -> list[Problem]:
    out = []
    for key in table:
        if key in allowed:
            continue
        tip, tip_sv = did_you_mean_texts(str(key), allowed)
        out.append(
            _problem(
                source,
                f"{at}.{key}",
                "unknown_field",
                "unknown key" + tip,
                "okänd nyckel" + tip_sv,
            )
        )
    return out


def _code(
    value: Any,
    words: dict[str, str],
    at: str,
    source: str,
    en: str,
    sv: str,
    problems: list[Problem],
) -> str | None:
    """The code a case's word stands for, else a located problem (and None)."""
    text = " ".join(str(value).casefold().split())
    if text in words:
        return words[text]
    problems.append(_problem(source, at, "not_allowed", en, sv, value))
    return None


def check_expected(raw: Any, source: str, name: str) -> dict[str, Any]:
    """A case's ``expected`` table, checked and with the codes its words stand for.

    The outcome and verdicts may be written as codes (``not_met``) or as the Swedish or
    English words of the reports (``ej uppfyllt``); reason and evidence codes must be known.

    Raises:
        RuleSetError: every problem of the table, located (``cases[1].expected...``).
    """
    from reserverat.engine import EVIDENCE_CODES
    from reserverat.render.messages import (
        CATALOGUES,
        OUTCOME_LABELS,
        VERDICT_LABELS,
        message_arguments,
    )

    where = f"{name}.expected"
    if not isinstance(raw, dict):
        raise RuleSetError(
            [_problem(source, where, "wrong_type", "expected is a table", "expected är en tabell")]
        )
    problems = _unknown_keys(raw, ("outcome", "criteria"), where, source)
    out: dict[str, Any] = {}
    if "outcome" in raw:
        out["outcome"] = _code(
            raw["outcome"],
            _words(OUTCOME_LABELS),
            f"{where}.outcome",
            source,
            "write qualified, not_qualified or undecided (or the report's words)",
            "skriv qualified, not_qualified eller undecided (eller rapportens ord, som "
            "'kan inte avgöras')",
            problems,
        )
    known_reasons = set(CATALOGUES["sv"]) | set(CATALOGUES["en"])
    criteria: dict[str, Any] = {}
    for crit_id, want in (raw.get("criteria") or {}).items():
        at = f"{where}.criteria.{crit_id}"
        if not isinstance(want, dict):
            problems.append(_problem(source, at, "wrong_type", "a table", "en tabell"))
            continue
        checked = dict(want)
        problems += _unknown_keys(want, ("verdict", "reasons", "evidence", "args"), at, source)
        if "verdict" in want:
            checked["verdict"] = _code(
                want["verdict"],
                _words(VERDICT_LABELS),
                f"{at}.verdict",
                source,
                "write met, not_met, undecided or not_applicable (or the report's words)",
                "skriv met, not_met, undecided eller not_applicable (eller rapportens ord, "
                "som 'ej uppfyllt')",
                problems,
            )
        for key, known, what_en, what_sv in (
            ("reasons", known_reasons, "reason code", "orsakskod"),
            ("evidence", EVIDENCE_CODES, "evidence code", "underlagskod"),
        ):
            for code in want.get(key, []):
                if code not in known:
                    tip, tip_sv = did_you_mean_texts(str(code), sorted(known))
                    problems.append(
                        _problem(
                            source,
                            f"{at}.{key}",
                            f"unknown_{key.rstrip('s')}",
                            f"no {what_en} {code!r}{tip}",
                            f"ingen {what_sv} {code!r}{tip_sv}",
                            code,
                        )
                    )
        args = want.get("args", {})
        if isinstance(args, dict) and args:
            # An argument must be one the reasons asked for (else any reason) can carry.
            codes = [c for c in want.get("reasons", []) if c in known_reasons] or known_reasons
            names = sorted(set().union(*(message_arguments(c) for c in codes)))
            for key in args:
                if key not in names:
                    tip, tip_sv = did_you_mean_texts(str(key), names)
                    problems.append(
                        _problem(
                            source,
                            f"{at}.args.{key}",
                            "unknown_argument",
                            f"no reason {'given' if want.get('reasons') else 'at all'} has an "
                            f"argument {key!r}{tip}",
                            f"ingen {'angiven ' if want.get('reasons') else ''}orsak har "
                            f"argumentet {key!r}{tip_sv}",
                            key,
                        )
                    )
        elif "args" in want and not isinstance(args, dict):
            problems.append(
                _problem(source, f"{at}.args", "wrong_type", "args is a table", "args är en tabell")
            )
        criteria[str(crit_id)] = checked
    if criteria:
        out["criteria"] = criteria
    if problems:
        raise RuleSetError(problems)
    return out


def load_cases(path: str | Path) -> Iterator[Case]:
    """Read the cases in one case file.

    Raises:
        ReserveratError: the file is not TOML, or a case lacks a key or has a bad declaration.
    """
    path = Path(path)
    data = parse_toml(read_text(path, RuleSetError), str(path), RuleSetError)
    raw_cases: Any = data.get("case", [data])
    if not isinstance(raw_cases, list) or not all(isinstance(r, dict) for r in raw_cases):
        raise RuleSetError(
            [
                _problem(
                    str(path),
                    "case",
                    "wrong_type",
                    "cases are [[case]] tables",
                    "testfall skrivs som [[case]]-tabeller",
                )
            ]
        )
    for i, raw in enumerate(raw_cases):
        name = f"{path.stem}[{i}]" if "case" in data else path.stem
        allowed = CASE_KEYS if "case" in data else (*CASE_KEYS, "case")
        unknown = _unknown_keys(raw, allowed, name, str(path))
        if unknown:
            raise RuleSetError(unknown)
        missing = [k for k in ("ruleset", "as_of", "expected") if k not in raw]
        if "declaration" not in raw and "declaration_json" not in raw:
            missing.append("declaration")
        if missing:
            raise RuleSetError(
                [
                    Problem(
                        str(path),
                        name,
                        "missing",
                        f"case lacks {', '.join(missing)}",
                        msg_sv=f"testfallet saknar {', '.join(missing)}",
                    )
                ]
            )
        yield Case(
            name=raw.get("name", name),
            source=str(path),
            ruleset=_ruleset_ref(raw["ruleset"], path.parent),
            as_of=_as_of(raw["as_of"], str(path), name),
            declaration=_declaration(
                raw.get("declaration"), path.parent, str(path), raw.get("declaration_json")
            ),
            parameters=dict(raw.get("parameters", {})),
            expected=check_expected(raw["expected"], str(path), name),
            procurement=_procurement(raw.get("procurement"), str(path)),
            stage=_stage(raw.get("stage", "qualification"), str(path), name),
        )


def _ruleset_ref(raw: Any, folder: Path) -> Any:
    """A rule set by id as given; a rule file relative to the case file, as a declaration is."""
    if isinstance(raw, str) and raw.endswith(".toml") and not Path(raw).is_absolute():
        return str(folder / raw)
    return raw


def _stage(raw: Any, source: str, name: str) -> Stage:
    if raw in ("qualification", "follow_up"):
        return cast("Stage", raw)
    raise RuleSetError(
        [
            Problem(
                source,
                f"{name}.stage",
                "not_allowed",
                f"stage is 'qualification' or 'follow_up', not {raw!r}",
                msg_sv=f"stage är 'qualification' eller 'follow_up', inte {raw!r}",
            )
        ]
    )


def _as_of(raw: Any, source: str, name: str) -> date:
    """A case's evaluation date: a TOML date, or its ISO text (2017-12-11)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise RuleSetError(
        [
            Problem(
                source,
                f"{name}.as_of",
                "wrong_type",
                f"as_of is a date, such as as_of = 2017-12-11 (got {raw!r})",
                msg_sv=f"as_of är ett datum, t.ex. as_of = 2017-12-11 (angivet {raw!r})",
            )
        ]
    )


def _procurement(raw: Any, source: str) -> Procurement | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problem = Problem(
            source,
            "procurement",
            "wrong_type",
            "give an inline table",
            msg_sv="ange en tabell",
        )
        raise DeclarationError([problem])
    return parse_procurement(raw, source=f"{source} [procurement]")


def run_case(case: Case, loaded: dict[str, RuleSet] | None = None) -> CaseOutcome:
    """Evaluate a case and compare the result with what it expects.

    ``loaded`` keeps rule sets already read, so the cases of one file share them.

    Raises:
        ReserveratError: the rule set cannot be loaded or an override is invalid.
    """
    if loaded is None:
        loaded = {}
    # The version of the rule set in force for the case: on the procurement's start date
    # when it gives one, else on the evaluation date.
    when = law_date(case.as_of, case.procurement)
    key = f"{case.ruleset}@{when.isoformat()}"
    if key not in loaded:
        try:
            loaded[key] = load_ruleset(case.ruleset, as_of=when)
        except RuleSetError as exc:
            if exc.problems[0].code not in ("unknown_ruleset", "unknown_version"):
                raise
            # Located at the case that names it, not at the rule search path.
            raise RuleSetError(
                [
                    replace(p, source=case.source, loc=f"{case.name}.ruleset", input=case.ruleset)
                    for p in exc.problems
                ]
            ) from None
    rules = loaded[key]
    if case.parameters:
        rules = rules.with_params(**case.parameters)
    result = evaluate(
        case.declaration,
        rules,
        procurement=case.procurement,
        as_of=case.as_of,
        stage=case.stage,
    )
    failures: list[Failure] = []
    want_outcome = case.expected.get("outcome")
    if want_outcome is not None and result.outcome.value != want_outcome:
        got = result.outcome.value
        failures.append(
            Failure(
                "outcome",
                f"outcome: expected {want_outcome}, got {got}",
                f"utfall: {want_outcome} väntades, blev {got}",
            )
        )
    for crit_id, want in case.expected.get("criteria", {}).items():
        try:
            finding = result.finding(crit_id)
        except KeyError:
            tip, tip_sv = did_you_mean_texts(crit_id, [f.criterion for f in result.findings])
            failures.append(
                Failure(
                    "unknown_criterion",
                    f"{crit_id}: no such criterion in {rules.id}" + tip,
                    f"{crit_id}: inget sådant kriterium i {rules.id}" + tip_sv,
                )
            )
            continue
        if "verdict" in want and finding.verdict.value != want["verdict"]:
            got, why = finding.verdict.value, finding.explanation.reason.code
            failures.append(
                Failure(
                    "verdict",
                    f"{crit_id}: expected {want['verdict']}, got {got} ({why})",
                    f"{crit_id}: {want['verdict']} väntades, blev {got} ({why})",
                )
            )
        codes = {n.reason.code for n in finding.explanation.walk()}
        codes |= {m.code for n in finding.explanation.walk() for m in n.notes}
        codes |= {n.gap.code for n in finding.explanation.walk() if n.gap is not None}
        for code in want.get("reasons", []):
            if code not in codes:
                failures.append(
                    Failure(
                        "reason",
                        f"{crit_id}: reason {code} not given (got {sorted(codes)})",
                        f"{crit_id}: orsaken {code} gavs inte (gavs: {sorted(codes)})",
                    )
                )
        for code in want.get("evidence", []):
            if code not in finding.evidence:
                asked = list(finding.evidence)
                failures.append(
                    Failure(
                        "evidence",
                        f"{crit_id}: evidence {code} not requested (got {asked})",
                        f"{crit_id}: underlaget {code} begärdes inte (begärdes: {asked})",
                    )
                )
        for key, value in want.get("args", {}).items():
            got_arg = finding.explanation.reason.args.get(key)
            if str(got_arg) != str(value):
                failures.append(
                    Failure(
                        "argument",
                        f"{crit_id}: argument {key} expected {value}, got {got_arg}",
                        f"{crit_id}: argumentet {key}: {value} väntades, blev {got_arg}",
                    )
                )
    return CaseOutcome(case, result, tuple(failures))


def builtin_cases_dir() -> Path:
    """The folder of case files shipped with the built-in rule sets."""
    from reserverat.loading import builtin_rules_dir

    return builtin_rules_dir() / "cases"


def run_file(path: str | Path) -> list[CaseOutcome | ReserveratError]:
    """Run every case in a file; a case that cannot run is returned as its error."""
    out: list[CaseOutcome | ReserveratError] = []
    loaded: dict[str, RuleSet] = {}
    try:
        for case in load_cases(path):
            try:
                out.append(run_case(case, loaded))
            except ReserveratError as exc:
                out.append(exc)
    except ReserveratError as exc:
        out.append(exc)
    return out
