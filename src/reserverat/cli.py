"""The ``reserverat`` command: parse arguments, call the library, render.

Exit codes: 0 every declaration qualified (or a rules/schema command succeeded);
1 at least one declaration is not qualified or undecided; 2 bad input (unreadable
or invalid files, unknown rule set, bad options). Bad input prints located errors
on standard error; results for the other inputs are still printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reserverat._version import __version__
from reserverat.declaration import Declaration, Procurement, load_declarations, load_procurement
from reserverat.errors import Problem, ReserveratError
from reserverat.evaluate import evaluate
from reserverat.loading import list_rulesets, load_ruleset
from reserverat.render import FORMATS, Entry, render
from reserverat.result import Outcome, Result, result_json_schema
from reserverat.ruleset import RuleSet

__all__ = ["EXIT_BAD_INPUT", "EXIT_NOT_ALL_QUALIFIED", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_NOT_ALL_QUALIFIED = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="reserverat", description="Explained checks for reserved public contracts in Sweden."
    )
    p.add_argument("--version", action="version", version=f"reserverat {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="evaluate declarations against a rule set")
    c.add_argument("files", nargs="+", type=Path, metavar="FILE", help="declaration JSON files")
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
    c.add_argument("--procurement", type=Path, metavar="FILE", help="procurement JSON file")
    c.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="evaluation date (default: the procurement's submission date, else today)",
    )
    c.add_argument("--lang", choices=("sv", "en"), default="sv")
    c.add_argument("--format", choices=FORMATS, default="text")

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

    s = sub.add_parser("schema", help="print the JSON Schema of an input or output")
    s.add_argument("what", choices=("declaration", "procurement", "result"))
    return p


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)


def _cmd_check(args: argparse.Namespace) -> int:
    try:
        rules = load_ruleset(args.rules, search=args.rules_dir)
        procurement: Procurement | None = (
            load_procurement(args.procurement) if args.procurement else None
        )
    except ReserveratError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    as_of = args.as_of or (procurement.submission_date if procurement else None) or date.today()
    entries: list[Entry] = []
    for path in args.files:
        try:
            loaded = load_declarations(path)
        except ReserveratError as exc:
            entries.append(Entry(str(path), exc))
            continue
        for i, item in enumerate(loaded):
            source = str(path) if len(loaded) == 1 else f"{path}[{i}]"
            entries.append(Entry(source, _evaluate_one(item, rules, procurement, as_of)))
    sys.stdout.write(render(entries, args.format, args.lang))
    bad = [e for e in entries if isinstance(e.outcome, ReserveratError)]
    for e in bad:
        _print_problems(e.outcome.problems)  # type: ignore[union-attr]
    if bad:
        return EXIT_BAD_INPUT
    results = [e.outcome for e in entries if isinstance(e.outcome, Result)]
    if all(r.outcome is Outcome.QUALIFIED for r in results):
        return EXIT_OK
    return EXIT_NOT_ALL_QUALIFIED


def _evaluate_one(
    item: Declaration | ReserveratError,
    rules: RuleSet,
    procurement: Procurement | None,
    as_of: date,
) -> Result | ReserveratError:
    if isinstance(item, ReserveratError):
        return item
    return evaluate(item, rules, procurement=procurement, as_of=as_of)


def _cmd_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        for info in list_rulesets(args.rules_dir):
            aliases = f" (= {', '.join(info.aliases)})" if info.aliases else ""
            print(f"{info.id:<22} {info.version:<8} {info.title.get(args.lang)}{aliases}")
        return EXIT_OK
    if args.rules_command == "show":
        try:
            rules = load_ruleset(args.ref, search=args.rules_dir)
        except ReserveratError as exc:
            _print_problems(exc.problems)
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
            _print_problems(exc.problems)
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _show(rules: RuleSet, lang: str) -> str:
    out = [f"{rules.id} {rules.version}: {rules.title.get(lang)}", f"hash: {rules.content_hash}"]
    if rules.extends:
        out.append(f"extends: {rules.extends}")
    if rules.aliases:
        out.append(f"aliases: {', '.join(rules.aliases)}")
    out.append("legal basis:")
    out.extend(f"  {c.short(lang)}" + (f" ({c.note})" if c.note else "") for c in rules.legal_basis)
    out.append("parameters:")
    for name, p in rules.parameters.items():
        values = ", ".join(
            f"{dv.value}" + (f" from {dv.since.isoformat()}" if dv.since else "") for dv in p.values
        )
        desc = f"  {p.description.get(lang)}" if p.description else ""
        out.append(f"  {name} = {values}{desc}")
    out.append("criteria:")
    for c in rules.criteria:
        mark = " [authority-specific]" if c.authority_specific else ""
        out.append(f"  {c.id}{mark}: {c.title.get(lang)}")
        out.append(f"    {c.check!r}")
        if c.when is not None:
            out.append(f"    when {c.when!r}")
        out.append(f"    {c.citation.short(lang)}")
    return "\n".join(out) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.what == "declaration":
        schema = Declaration.model_json_schema()
    elif args.what == "procurement":
        schema = Procurement.model_json_schema()
    else:
        schema = result_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands = {"check": _cmd_check, "rules": _cmd_rules, "schema": _cmd_schema}
    try:
        return commands[args.command](args)
    except ReserveratError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
