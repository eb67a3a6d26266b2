"""The ``reserverat`` command: parse arguments, call the library, render.

Exit codes: 0 every declaration qualified (or a command that only reads or describes
files succeeded: rules, schema, import-espd, read-notice, notice-codes);
1 at least one declaration is not qualified or undecided; 2 bad input (unreadable
or invalid files, unknown rule set, bad options). Bad input prints located errors
on standard error; results for the other inputs are still printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reserverat._version import __version__
from reserverat.batch import BatchSummary, ResultWriter, rows_from, run_batch
from reserverat.cases import builtin_cases_dir, run_file
from reserverat.compare import Comparison, compare, parse_overrides, parse_sweep, sweep
from reserverat.declaration import Declaration, Procurement, load_declarations, load_procurement
from reserverat.eforms import describe_codes, lot_matches, read_notice
from reserverat.errors import (
    DeclarationError,
    EvaluationError,
    Problem,
    RegisterError,
    ReserveratError,
    problems_from_validation,
)
from reserverat.espd import read_espd
from reserverat.evaluate import EvaluationContext, MapLayer, evaluate, geography
from reserverat.geo import NominatimGeocoder
from reserverat.groups import GroupTender, evaluate_group, find_duplicates
from reserverat.identifiers import MASK, mask_personal_numbers, parse_identifier
from reserverat.inputs import parse_json, read_text, write_text_atomic
from reserverat.io import reading_warnings, write_template
from reserverat.loading import list_rulesets, load_ruleset
from reserverat.registry import load_register
from reserverat.render import FORMATS, Entry, render, render_group
from reserverat.render.html import ReportHeading
from reserverat.render.messages import OUTCOME_LABELS, fmt_value
from reserverat.render.request import letters, render_letters
from reserverat.result import Message, Outcome, Result
from reserverat.ruleset import RuleSet
from reserverat.schemas import KINDS, json_schema

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL_ERROR", "EXIT_NOT_ALL_QUALIFIED", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_NOT_ALL_QUALIFIED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: [bad_option] {message}\n")


def _date(text: str) -> date:
    from reserverat.declaration import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{text} is outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        )
    return day


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="reserverat", description="Explained checks for reserved public contracts in Sweden."
    )
    p.add_argument("--version", action="version", version=f"reserverat {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="evaluate declarations against a rule set")
    c.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="declarations: .json, .jsonl, .csv, .xlsx or an ESPD Response .xml",
    )
    c.add_argument(
        "--rules", required=True, metavar="ID|PATH", help="rule set id, alias or TOML file"
    )
    c.add_argument(
        "--rules-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="extra folder to find rule sets in (repeatable)",
    )
    where = c.add_mutually_exclusive_group()
    where.add_argument("--procurement", type=Path, metavar="FILE", help="procurement JSON file")
    where.add_argument(
        "--notice",
        type=Path,
        metavar="NOTICE.xml",
        help="take the procurement from an eForms notice",
    )
    c.add_argument("--lot", metavar="ID", help="the notice's lot (when it has several)")
    c.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="evaluation date (default: the procurement's submission date, else today)",
    )
    c.add_argument("--lang", choices=("sv", "en"), default="sv")
    c.add_argument("--format", choices=FORMATS, default="text")
    _assessor_option(c)
    _geocoder_options(c)
    _input_options(c)
    c.add_argument(
        "--register",
        action="append",
        default=[],
        metavar="ID=CSV",
        help="a supplier register for registered_in checks (repeatable)",
    )

    g = sub.add_parser("group", help="evaluate a group tender (members, subcontractors)")
    g.add_argument(
        "file",
        type=Path,
        metavar="GROUP.json",
        help="JSON: name, and members, each with a declaration (path or object), "
        "a role (member, subcontractor, capacity_provider) and relied_on",
    )
    g.add_argument("--rules", required=True, metavar="ID|PATH")
    g.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    g.add_argument("--procurement", type=Path, metavar="FILE")
    g.add_argument("--as-of", type=_date, metavar="DATE")
    g.add_argument("--lang", choices=("sv", "en"), default="sv")
    _geocoder_options(g)
    g.add_argument("--register", action="append", default=[], metavar="ID=CSV")

    b = sub.add_parser(
        "batch", help="evaluate files of declarations (JSON, JSONL, CSV, XLSX) to a file"
    )
    b.add_argument("files", nargs="+", type=Path, metavar="INPUT")
    b.add_argument("--rules", required=True, metavar="ID|PATH")
    b.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    b.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="results.jsonl, results.csv, results.xlsx or report.html",
    )
    b.add_argument("--procurement", type=Path, metavar="FILE")
    b.add_argument("--as-of", type=_date, metavar="DATE")
    b.add_argument("--lang", choices=("sv", "en"), default="sv")
    b.add_argument("--register", action="append", default=[], metavar="ID=CSV")
    _assessor_option(b)
    b.add_argument(
        "--compact",
        action="store_true",
        help="JSONL only: per criterion the verdict, reason codes and evidence, no explanations",
    )
    _input_options(b)
    b.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on standard error (default: when it is a terminal)",
    )

    q = sub.add_parser(
        "request",
        help="letters asking the suppliers whose result is undecided to supplement their tender",
    )
    q.add_argument("files", nargs="+", type=Path, metavar="INPUT")
    q.add_argument("--rules", required=True, metavar="ID|PATH")
    q.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    q.add_argument("--procurement", type=Path, metavar="FILE")
    q.add_argument("--as-of", type=_date, metavar="DATE")
    q.add_argument("--reply-by", type=_date, metavar="DATE", help="the date to answer by")
    q.add_argument("--date", type=_date, metavar="DATE", help="the letter's date (default today)")
    q.add_argument("--format", choices=("text", "markdown", "html"), default="text")
    q.add_argument("--lang", choices=("sv", "en"), default="sv")
    q.add_argument("--register", action="append", default=[], metavar="ID=CSV")
    _input_options(q)

    t = sub.add_parser(
        "template",
        help="write an empty sheet (XLSX or CSV): every column, or a rule set's own (--rules)",
    )
    t.add_argument("file", type=Path, metavar="FILE.xlsx|FILE.csv")
    t.add_argument("--rules", metavar="ID|PATH", help="only the columns this rule set reads")
    t.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    t.add_argument("--as-of", type=_date, metavar="DATE", help="the rule set version in force")
    t.add_argument("--lang", choices=("sv", "en"), default="sv")

    cmp_ = sub.add_parser(
        "compare", help="rule set A against B (or A with --set) over declarations"
    )
    cmp_.add_argument("files", nargs="+", type=Path, metavar="INPUT")
    cmp_.add_argument("--rules", required=True, metavar="ID|PATH", help="rule set A")
    cmp_.add_argument("--against", metavar="ID|PATH", help="rule set B (default: A with --set)")
    cmp_.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of B (or criterion.parameter=value), repeatable",
    )
    cmp_.add_argument(
        "--sweep", metavar="NAME=FROM:TO:STEP", help="outcome counts per parameter value"
    )
    cmp_.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    cmp_.add_argument("--procurement", type=Path, metavar="FILE")
    cmp_.add_argument("--as-of", type=_date, metavar="DATE")
    cmp_.add_argument("--format", choices=FORMATS, default="text")
    _input_options(cmp_)

    tc = sub.add_parser("test", help="run rule test cases (TOML case files) like a test runner")
    tc.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="case files or folders (default: the cases shipped with the built-in rule sets)",
    )

    r = sub.add_parser("rules", help="list, show or validate rule sets")
    rsub = r.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    rl = rsub.add_parser("list", help="list the known rule sets")
    rl.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    rl.add_argument("--lang", choices=("sv", "en"), default="sv")
    rs = rsub.add_parser("show", help="show a rule set's criteria and parameters")
    rs.add_argument("ref", metavar="ID|PATH")
    rs.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    rs.add_argument("--lang", choices=("sv", "en"), default="sv")
    rv = rsub.add_parser("validate", help="validate rule files; print every problem")
    rv.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    rv.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")

    e = sub.add_parser(
        "import-espd", help="read the sheltered-workshop answer of an ESPD Response (XML)"
    )
    e.add_argument("file", type=Path, metavar="FILE.xml")
    e.add_argument(
        "--out", type=Path, metavar="FILE.json", help="write the declaration here (default: stdout)"
    )
    e.add_argument(
        "--percent-scale",
        choices=("auto", "fraction", "points"),
        default="auto",
        help="how the tool wrote the percentage (default: from the ESPD version; v1 "
        "values in (0, 1] are ambiguous)",
    )

    nc = sub.add_parser(
        "notice-codes", help="the eForms codes (BT-71, BT-736) a rule set stands for"
    )
    nc.add_argument("rules", metavar="ID|PATH")
    nc.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    nc.add_argument("--lang", choices=("sv", "en"), default="sv")

    rn = sub.add_parser(
        "read-notice", help="read lots, BT-71, BT-736, CPV and buyer from an eForms notice"
    )
    rn.add_argument("file", type=Path, metavar="NOTICE.xml")
    rn.add_argument(
        "--rules", metavar="ID|PATH", help="also say whether each lot fits this rule set"
    )
    rn.add_argument("--rules-dir", action="append", default=[], type=Path, metavar="DIR")
    rn.add_argument("--format", choices=("text", "json"), default="text")

    s = sub.add_parser("schema", help="print the JSON Schema of an input or output")
    s.add_argument("what", choices=KINDS)
    s.add_argument("--out", type=Path, metavar="FILE", help="write it here (default: stdout)")
    return p


def _print_problems(problems: Sequence[Problem], lang: str = "sv") -> None:
    """Each problem once, on standard error, in ``lang`` where the problem has it."""
    prefix = "fel" if lang == "sv" else "error"
    for problem in problems:
        print(f"{prefix}: {problem.text(lang)}", file=sys.stderr)


def _evaluation_date(args: argparse.Namespace, procurement: Procurement | None) -> date:
    """--as-of, else the procurement's submission date, else today: and then it says so."""
    when = args.as_of or (procurement.submission_date if procurement else None)
    if when is not None:
        return when
    today = date.today()
    if _lang(args) == "sv":
        note = f"obs: ingen bedömningsdag angavs (--as-of eller upphandlingens sista anbudsdag): dagens datum {today.isoformat()} används"
    else:
        note = f"note: no evaluation date was given (--as-of or the procurement's submission date): today, {today.isoformat()}, is used"
    print(note, file=sys.stderr)
    return today


def _today_warning(
    args: argparse.Namespace, procurement: Procurement | None, as_of: date
) -> tuple[Message, ...]:
    """The report's own note that the evaluation date is today's, when nothing gave one."""
    if args.as_of is not None or (procurement is not None and procurement.submission_date):
        return ()
    return (Message("evaluation.today", {"as_of": as_of}),)


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", "sv"))


def _assessor_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--assessor", metavar="NAME", help="who assessed, named in the HTML report's header"
    )


def _heading(
    args: argparse.Namespace, procurement: Procurement | None, as_of: date
) -> ReportHeading:
    """The HTML report's header: the procurement, the evaluation date, the assessor, now."""
    return ReportHeading.of(
        procurement,
        as_of=as_of,
        assessor=getattr(args, "assessor", None),
        made=datetime.now().replace(microsecond=0),
    )


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sheet", metavar="NAME", help="the Excel sheet (default: Deklarationer, else the first)"
    )
    p.add_argument("--delimiter", metavar="CHAR", help="the CSV delimiter (default: detected)")
    p.add_argument(
        "--decimal-comma",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="numbers use a decimal comma (default: when the CSV uses semicolons)",
    )


def _input_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {"sheet": args.sheet, "delimiter": args.delimiter, "decimal_comma": args.decimal_comma}


def _geocoder_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--geocoder",
        choices=("nominatim",),
        help="opt in to online geocoding of sites that cannot be placed offline",
    )
    p.add_argument(
        "--user-agent",
        metavar="TEXT",
        help="who you are, as Nominatim's usage policy requires (with --geocoder)",
    )
    p.add_argument(
        "--geocode-cache",
        type=Path,
        default=Path(".reserverat-geocode-cache.json"),
        metavar="FILE",
        help="where geocoding answers are kept between runs",
    )


def _geocoder(args: argparse.Namespace) -> NominatimGeocoder | None:
    if getattr(args, "geocoder", None) is None:
        return None
    if not args.user_agent:
        raise EvaluationError(
            [
                Problem(
                    "--geocoder",
                    "--user-agent",
                    "missing",
                    "online geocoding needs --user-agent (Nominatim's policy)",
                )
            ]
        )
    return NominatimGeocoder(args.user_agent, args.geocode_cache)


def _context(specs: Sequence[str], geocoder: NominatimGeocoder | None = None) -> EvaluationContext:
    registers = {}
    for spec in specs:
        rid, sep, path = spec.partition("=")
        if not sep or not rid or not path:
            raise RegisterError([Problem("--register", spec, "bad_option", "expected ID=PATH.csv")])
        registers[rid] = load_register(path, rid)
    return EvaluationContext(registers=registers, geocoder=geocoder)


def _load_rules(
    args: argparse.Namespace, procurement: Procurement | None, ref: str | None = None
) -> RuleSet:
    """The rule set named on the command line, in the version in force for the procurement:
    on the day it was begun if known, else on the evaluation date."""
    when = (procurement.started_on if procurement else None) or args.as_of
    if when is None and procurement is not None:
        when = procurement.submission_date
    return load_ruleset(ref or args.rules, search=args.rules_dir, as_of=when)


def _cmd_check(args: argparse.Namespace) -> int:
    try:
        procurement: Procurement | None = (
            load_procurement(args.procurement) if args.procurement else None
        )
        if args.notice:
            procurement = read_notice(args.notice).lot(args.lot)
        rules = _load_rules(args, procurement)
        if args.notice:
            assert procurement is not None
            fits = lot_matches(rules, procurement)
            if fits is False:
                codes = ", ".join(rules.reservation_codes or ()) or "no code"
                print(
                    f"warning: {args.notice} {procurement.lot}: the notice's reservation codes "
                    f"do not match rule set {rules.id} ({codes})",
                    file=sys.stderr,
                )
        context = _context(args.register, _geocoder(args))
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    as_of = _evaluation_date(args, procurement)
    today = _today_warning(args, procurement, as_of)
    entries: list[Entry] = []
    for row in rows_from(args.files, **_input_kwargs(args)):
        for warning in row.warnings:
            if warning.msg_sv is None:  # the others are in the result, and so in the output
                print(f"warning: {warning}", file=sys.stderr)
        decl = row.outcome if isinstance(row.outcome, Declaration) else None
        outcome = _evaluate_one(row.outcome, rules, procurement, as_of, context)
        if isinstance(outcome, Result):
            outcome = outcome.with_warnings(today + reading_warnings(row))
        layers: tuple[MapLayer, ...] = ()
        if args.format == "html" and decl is not None:
            layers = geography(decl, rules, as_of=as_of, context=context, procurement=procurement)
        entries.append(Entry(row.source, outcome, decl, layers, row.name))
    heading = _heading(args, procurement, as_of) if args.format == "html" else None
    sys.stdout.write(render(entries, args.format, args.lang, heading))
    _warn_duplicates([(e.source, e.declaration) for e in entries if e.declaration is not None])
    bad = [e.outcome for e in entries if isinstance(e.outcome, ReserveratError)]
    if bad:
        # The errors are in the report itself: say here only that there are some, once.
        sv = args.lang == "sv"
        n = len(bad)
        if sv:
            what = f"{n} av indata kunde inte bedömas; se felen i rapporten"
        else:
            what = f"{n} {'input' if n == 1 else 'inputs'} could not be assessed; see the errors in the report"
        print(f"{'fel' if sv else 'error'}: {what}", file=sys.stderr)
        return EXIT_BAD_INPUT
    results = [e.outcome for e in entries if isinstance(e.outcome, Result)]
    if all(r.outcome is Outcome.QUALIFIED for r in results):
        return EXIT_OK
    return EXIT_NOT_ALL_QUALIFIED


def _warn_duplicates(decls: list[tuple[str, Declaration]]) -> None:
    for dup in find_duplicates([d for _, d in decls]):
        first, second = decls[dup.first][0], decls[dup.second][0]
        how = (
            "same organisationsnummer"
            if dup.reason == "organisationsnummer"
            else (f"similar names (score {dup.score:.0f})")
        )
        print(f"warning: possible duplicate supplier: {first} and {second}: {how}", file=sys.stderr)


def _evaluate_one(
    item: Declaration | ReserveratError,
    rules: RuleSet,
    procurement: Procurement | None,
    as_of: date,
    context: EvaluationContext,
) -> Result | ReserveratError:
    if isinstance(item, ReserveratError):
        return item
    return evaluate(item, rules, procurement=procurement, as_of=as_of, context=context)


def _cmd_request(args: argparse.Namespace) -> int:
    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        rules = _load_rules(args, procurement)
        context = _context(args.register)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    as_of = _evaluation_date(args, procurement)
    results: list[Result] = []
    bad: list[ReserveratError] = []
    for row in rows_from(args.files, **_input_kwargs(args)):
        outcome = _evaluate_one(row.outcome, rules, procurement, as_of, context)
        if isinstance(outcome, Result):
            results.append(outcome)
        else:
            bad.append(outcome)
    text = render_letters(
        letters(results, args.lang),
        rules,
        procurement,
        today=args.date or date.today(),
        reply_by=args.reply_by,
        fmt=args.format,
        lang=args.lang,
    )
    sys.stdout.write(text)
    for error in bad:
        _print_problems(error.problems, _lang(args))
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        broken: list[Problem] = []
        infos = list_rulesets(args.rules_dir, problems=broken)
        for problem in broken:
            print(f"warning: {problem}", file=sys.stderr)
        for info in infos:
            aliases = f" (= {', '.join(info.aliases)})" if info.aliases else ""
            print(f"{info.id:<22} {info.version:<8} {info.title.get(args.lang)}{aliases}")
        return EXIT_OK
    if args.rules_command == "show":
        try:
            rules = load_ruleset(args.ref, search=args.rules_dir)
        except ReserveratError as exc:
            _print_problems(exc.problems, _lang(args))
            return EXIT_BAD_INPUT
        sys.stdout.write(_show(rules, args.lang))
        return EXIT_OK
    failed = False
    for path in args.paths:
        try:
            rules = load_ruleset(path, search=args.rules_dir)
            print(f"{path}: ok ({rules.id} {rules.version} {rules.content_hash})")
        except ReserveratError as exc:
            failed = True
            _print_problems(exc.problems, _lang(args))
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _show(rules: RuleSet, lang: str) -> str:
    out = [f"{rules.id} {rules.version}: {rules.title.get(lang)}", f"hash: {rules.content_hash}"]
    if rules.extends:
        out.append(f"extends: {rules.extends}")
    if rules.aliases:
        out.append(f"aliases: {', '.join(rules.aliases)}")
    out.append(f"group policy: {rules.group_policy}")
    out.append("legal basis:")
    out.extend(f"  {c.short(lang)}" + (f" ({c.note})" if c.note else "") for c in rules.legal_basis)
    out.append("parameters:")
    for name, p in rules.parameters.items():
        values = ", ".join(
            _shown(dv.value) + (f" from {dv.since.isoformat()}" if dv.since else "")
            for dv in p.values
        )
        desc = f"  {p.description.get(lang)}" if p.description else ""
        out.append(f"  {name} = {values}{desc}")
    out.append("criteria:")
    for c in rules.criteria:
        mark = " [authority-specific]" if c.authority_specific else ""
        mark += f" [{c.basis}]" if c.basis else ""
        out.append(f"  {c.id}{mark}: {c.title.get(lang)}")
        out.append(f"    {c.check!r}")
        if c.when is not None:
            out.append(f"    when {c.when!r}")
        out.append(f"    {c.citation.short(lang)}")
    out.extend(_open_points(rules, lang))
    return "\n".join(out) + "\n"


def _shown(value: Any, lang: str = "en") -> str:
    """A parameter value as written in a rule file, lists of centres by their names."""
    if isinstance(value, bool):
        return fmt_value(value, lang)
    if isinstance(value, tuple):
        return (
            "["
            + ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
            + "]"
        )
    return str(value)


def _open_points(rules: RuleSet, lang: str) -> list[str]:
    """Every place the rule set is the buyer's choice, the tool's reading or an open point."""
    from reserverat.evaluate import PRINTED_MARKS
    from reserverat.render.messages import BASIS_WORDS

    words = BASIS_WORDS[lang]
    lines = []
    for c in rules.criteria:
        if c.basis in PRINTED_MARKS:
            note = f": {c.basis_note.get(lang)}" if c.basis_note else ""
            lines.append(f"  [{words[c.basis]}] {c.id}{note}")
    for name, p in rules.parameters.items():
        if p.basis in PRINTED_MARKS:
            values = ", ".join(_shown(dv.value, lang) for dv in p.values)
            note = f" {p.note.get(lang)}" if p.note else ""
            lines.append(
                f"  [{words[p.basis]}] {name} = {values} ({p.display_label(lang, name)}).{note}"
            )
    for point in rules.open_points:
        lines.append(f"  [{words[point.basis]}] {point.subject}: {point.text.get(lang)}")
    title = (
        "öppna punkter och verktygets val:"
        if lang == "sv"
        else "open points and the tool's choices:"
    )
    return [title, *lines] if lines else []


def _cmd_import_espd(args: argparse.Namespace) -> int:
    imported = read_espd(args.file, percent_scale=args.percent_scale)
    declaration = imported.declaration()
    data = declaration.model_dump(mode="json", exclude_none=True)
    number = data.get("organisationsnummer")
    if number and parse_identifier(number).kind == "personnummer":
        # A sole trader's number is the owner's personnummer: never written out. A
        # declaration read back from this file has no organisationsnummer.
        data["organisationsnummer"] = MASK
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    answer = imported.answer
    share = f"{(imported.share * 100).normalize():f} %" if imported.share is not None else "none"
    print(
        mask_personal_numbers(
            f"{args.file}: ESPD {answer.version}, answer {answer.answer}, declared share {share}"
        ),
        file=sys.stderr,
    )
    for warning in imported.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.out:
        write_text_atomic(args.out, text, DeclarationError)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_notice_codes(args: argparse.Namespace) -> int:
    rules = load_ruleset(args.rules, search=args.rules_dir)
    print(f"{rules.id} {rules.version}: {rules.title.get(args.lang)}")
    for line in describe_codes(rules, args.lang):
        print(f"  {line}")
    return EXIT_OK


def _cmd_read_notice(args: argparse.Namespace) -> int:
    notice = read_notice(args.file)
    rules = load_ruleset(args.rules, search=args.rules_dir) if args.rules else None
    fits = {p.lot: lot_matches(rules, p) for p in notice.lots} if rules else {}
    if args.format == "json":
        data: dict[str, Any] = {
            "source": notice.source,
            "kind": notice.kind,
            "subtype": notice.subtype,
            "regulatory_domain": notice.regulatory_domain,
            "buyer": notice.buyer,
            "lots": [p.model_dump(mode="json", exclude_none=True) for p in notice.lots],
            "problems": [p.to_dict() for p in notice.problems],
        }
        if rules:
            data["fits"] = {"rules": rules.id, "lots": fits}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(
            f"{notice.source}: {notice.kind}, subtype {notice.subtype or '?'}, "
            f"{notice.regulatory_domain or '?'}, buyer {notice.buyer or '?'}"
        )
        for p in notice.lots:
            bt71 = ", ".join(p.reserved_participation or ()) or "-"
            line = (
                f"  {p.lot}: BT-71 {bt71}; BT-736 {p.reserved_execution or '-'}; "
                f"CPV {p.main_cpv or '-'}; reservation {p.reservation or 'unclear'}"
            )
            if rules:
                fit = fits[p.lot]
                verdict = {True: "fits", False: "does not fit", None: "not published"}[fit]
                line += f"; {rules.id}: {verdict}"
            print(line)
    for problem in notice.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(args.what), indent=2, ensure_ascii=False, sort_keys=True)
    if args.out:
        write_text_atomic(args.out, text + "\n", DeclarationError)
    else:
        print(text)
    return EXIT_OK


def _load_group(path: Path) -> GroupTender:
    data = parse_json(read_text(path, DeclarationError), str(path), DeclarationError)
    if not isinstance(data, dict) or not isinstance(data.get("members"), list):
        raise DeclarationError(
            [Problem(str(path), "members", "missing", "expected an object with members")]
        )
    problems: list[Problem] = []
    members = []
    for i, given in enumerate(data["members"]):
        member = dict(given) if isinstance(given, dict) else {}
        ref = member.get("declaration")
        if isinstance(ref, str):
            try:
                (loaded,) = load_declarations(path.parent / ref)
            except (ReserveratError, ValueError) as exc:
                problems.extend(
                    getattr(exc, "problems", ())
                    or [Problem(str(path), f"members[{i}].declaration", "invalid", str(exc))]
                )
                continue
            if isinstance(loaded, ReserveratError):
                problems.extend(loaded.problems)
                continue
            member["declaration"] = loaded
        members.append(member)
    if problems:
        raise DeclarationError(problems)
    try:
        return GroupTender.model_validate({**data, "members": members})
    except ValidationError as exc:
        raise DeclarationError(problems_from_validation(exc, source=str(path))) from None


def _cmd_group(args: argparse.Namespace) -> int:
    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        rules = _load_rules(args, procurement)
        context = _context(args.register, _geocoder(args))
        group = _load_group(args.file)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    as_of = _evaluation_date(args, procurement)
    result = evaluate_group(group, rules, procurement=procurement, as_of=as_of, context=context)
    sys.stdout.write(render_group(result, args.lang))
    return EXIT_OK if result.outcome is Outcome.QUALIFIED else EXIT_NOT_ALL_QUALIFIED


def _cmd_batch(args: argparse.Namespace) -> int:
    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        rules = _load_rules(args, procurement)
        context = _context(args.register)
        writer = ResultWriter(args.out, rules, args.lang, compact=args.compact)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    as_of = _evaluation_date(args, procurement)
    writer.heading = _heading(args, procurement, as_of)
    show = sys.stderr.isatty() if args.progress is None else args.progress
    rows = rows_from(args.files, **_input_kwargs(args))
    options: dict[str, Any] = {
        "as_of": as_of,
        "procurement": procurement,
        "context": context,
        "warnings": _today_warning(args, procurement, as_of),
    }
    with writer:
        if show:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            with Progress(
                SpinnerColumn(), TextColumn("{task.completed:,} rows"), transient=True
            ) as bar:
                task = bar.add_task("rows", total=None)
                summary = run_batch(
                    rows,
                    rules,
                    writer,
                    progress=lambda n: bar.update(task, completed=n),
                    **options,
                )
        else:
            summary = run_batch(rows, rules, writer, **options)
    if not writer.written == summary.rows == summary.results + summary.errors:
        # Never report success over a file that lacks rows: this is a bug, say so.
        raise RuntimeError(
            f"{summary.rows} rows read, {writer.written} written, "
            f"{summary.results} results and {summary.errors} errors"
        )
    sys.stdout.write(_batch_summary(summary, args.out, args.lang))
    if summary.errors:
        return EXIT_BAD_INPUT
    return (
        EXIT_OK if summary.outcomes.get("qualified", 0) == summary.rows else EXIT_NOT_ALL_QUALIFIED
    )


def _batch_summary(summary: BatchSummary, out: Path, lang: str) -> str:
    words = OUTCOME_LABELS[lang]
    sv = lang == "sv"
    lines = [
        f"{'Rader' if sv else 'Rows'}: {summary.rows}  ->  {out}",
        *(
            f"  {words[k]:<20} {summary.outcomes.get(k, 0):>8}"
            for k in ("qualified", "not_qualified", "undecided")
        ),
        f"  {'FEL' if sv else 'ERRORS':<20} {summary.errors:>8}",
    ]
    for first, second, dup in summary.duplicates:
        how = (
            "organisationsnummer"
            if dup.reason == "organisationsnummer"
            else f"{'namn' if sv else 'name'} {dup.score:.0f}"
        )
        lines.append(
            f"  {'möjlig dubblett' if sv else 'possible duplicate'}: {first} ~ {second} ({how})"
        )
    more = summary.duplicate_count - len(summary.duplicates)
    if more > 0:
        lines.append(
            f"  … {more} {'möjliga dubbletter till' if sv else 'more possible duplicates'}"
        )
    return "\n".join(lines) + "\n"


def _cmd_template(args: argparse.Namespace) -> int:
    if args.file.suffix.lower() not in (".xlsx", ".csv"):
        _print_problems(
            [Problem(str(args.file), "", "unknown_format", "write .xlsx or .csv")], _lang(args)
        )
        return EXIT_BAD_INPUT
    if not args.file.parent.is_dir():
        raise DeclarationError(
            [Problem(str(args.file), "", "unwritable", f"no such folder: {args.file.parent}")]
        )
    rules = None
    if args.rules:
        try:
            rules = load_ruleset(args.rules, search=args.rules_dir, as_of=args.as_of)
        except ReserveratError as exc:
            _print_problems(exc.problems, _lang(args))
            return EXIT_BAD_INPUT
    cols = write_template(args.file, args.lang, rules)
    words = "kolumner" if args.lang == "sv" else "columns"
    print(f"{args.file}: {len(cols)} {words}")
    return EXIT_OK


def _declarations(files: Sequence[Path], args: argparse.Namespace) -> list[tuple[str, Declaration]]:
    decls: list[tuple[str, Declaration]] = []
    problems: list[Problem] = []
    for row in rows_from(files, **_input_kwargs(args)):
        if isinstance(row.outcome, Declaration):
            decls.append((row.source, row.outcome))
        else:
            problems.extend(row.outcome.problems)
    if problems:
        raise DeclarationError(problems)
    return decls


def _cmd_compare(args: argparse.Namespace) -> int:
    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        a = _load_rules(args, procurement)
        decls = _declarations(args.files, args)
        as_of = _evaluation_date(args, procurement)
        if args.sweep:
            name, values = parse_sweep(args.sweep)
            rows = sweep(
                [d for _, d in decls], a, name, values, as_of=as_of, procurement=procurement
            )
            sys.stdout.write(_render_sweep(name, rows, args.format))
            return EXIT_OK
        b = _load_rules(args, procurement, args.against) if args.against else a
        overrides = parse_overrides(b, args.set)
        if overrides:
            b = b.with_params(**overrides)
        label_b = f"{b.id} {b.version}" + (f" ({', '.join(args.set)})" if args.set else "")
        result = compare(decls, a, b, as_of=as_of, procurement=procurement, label_b=label_b)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    sys.stdout.write(_render_comparison(result, args.format))
    return EXIT_OK


def _render_sweep(name: str, rows: list[tuple[Any, Any]], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps([{"value": str(v), **dict(c)} for v, c in rows], indent=2, sort_keys=True)
            + "\n"
        )
    keys = ("qualified", "not_qualified", "undecided")
    if fmt == "markdown":
        lines = [f"| {name} | " + " | ".join(keys) + " |", "|---|---|---|---|"]
        lines += [f"| {v} | " + " | ".join(str(c.get(k, 0)) for k in keys) + " |" for v, c in rows]
    else:
        lines = [f"{name:<16}" + "".join(f"{k:>15}" for k in keys)]
        lines += [f"{v!s:<16}" + "".join(f"{c.get(k, 0):>15}" for k in keys) for v, c in rows]
    return "\n".join(lines) + "\n"


def _render_comparison(c: Comparison, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(c.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    keys = ("qualified", "not_qualified", "undecided")
    md = fmt == "markdown"
    lines = [f"{'## ' if md else ''}A: {c.a}", f"{'## ' if md else ''}B: {c.b}", ""]
    if md:
        lines += ["| outcome | A | B |", "|---|---|---|"]
        lines += [f"| {k} | {c.counts_a.get(k, 0)} | {c.counts_b.get(k, 0)} |" for k in keys]
    else:
        lines += [f"{'outcome':<16}{'A':>8}{'B':>8}"]
        lines += [f"{k:<16}{c.counts_a.get(k, 0):>8}{c.counts_b.get(k, 0):>8}" for k in keys]
    lines += ["", f"gain: {c.gain_count}, lose: {c.loss_count} (of {c.compared})"]
    if c.detailed < c.gain_count + c.loss_count:
        lines.append(f"(suppliers listed with reasons: the first {c.detailed} that changed)")
    for title, flips in (("gains", c.gains), ("losses", c.losses)):
        if flips:
            lines += ["", f"{'### ' if md else ''}{title}:"]
            for f in flips:
                why = "; ".join(f"{cid} {b} -> {a} ({r})" for cid, b, a, r in f.criteria)
                lines.append(
                    f"{'- ' if md else '  '}{f.supplier} [{f.source}]: {f.before} -> {f.after}: {why}"
                )
    if c.criterion_flips:
        lines += ["", f"{'### ' if md else ''}criterion flips:"]
        for crit, counter in sorted(c.criterion_flips.items()):
            changes = ", ".join(f"{b} -> {a}: {n}" for (b, a), n in sorted(counter.items()))
            reasons = ", ".join(
                f"{r} {n}" for r, n in sorted(c.criterion_reasons.get(crit, {}).items())
            )
            lines.append(
                f"{'- ' if md else '  '}{crit}: {changes}"
                + (f" (now: {reasons})" if reasons else "")
            )
    return "\n".join(lines) + "\n"


def _cmd_test(args: argparse.Namespace) -> int:
    files: list[Path] = []
    for p in args.paths or [builtin_cases_dir()]:
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    passed = failed = broken = 0
    for path in files:
        for outcome in run_file(path):
            if isinstance(outcome, ReserveratError):
                failed += 1
                broken += 1
                print(f"ERROR {path}")
                for problem in outcome.problems:
                    print(f"    {problem}")
            elif outcome.passed:
                passed += 1
                print(f"ok    {outcome.case.name}")
            else:
                failed += 1
                print(f"FAIL  {outcome.case.name} ({path})")
                for failure in outcome.failures:
                    print(f"    {failure}")
    print(f"{passed} passed, {failed} failed")
    if broken:
        return EXIT_BAD_INPUT  # a case file that cannot be read is bad input, not a failure
    return EXIT_OK if failed == 0 else EXIT_NOT_ALL_QUALIFIED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands = {
        "batch": _cmd_batch,
        "check": _cmd_check,
        "request": _cmd_request,
        "compare": _cmd_compare,
        "group": _cmd_group,
        "import-espd": _cmd_import_espd,
        "notice-codes": _cmd_notice_codes,
        "read-notice": _cmd_read_notice,
        "rules": _cmd_rules,
        "schema": _cmd_schema,
        "template": _cmd_template,
        "test": _cmd_test,
    }
    try:
        return commands[args.command](args)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("reserverat: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("RESERVERAT_DEBUG"):
            raise
        what = mask_personal_numbers(f"{type(exc).__name__}: {exc}")[:500]
        print(
            f"reserverat: internal error ({what}). This is a bug in reserverat, not in your "
            "input: please report it with the command and, if you can, the input file. "
            "Set RESERVERAT_DEBUG=1 to see where it happened.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
