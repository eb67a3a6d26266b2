"""The commands of ``reserverat``: each ``_cmd_NAME`` runs one subcommand on parsed
arguments and returns the exit code (:mod:`reserverat.cli` parses and dispatches)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from reserverat.batch import rows_from
from reserverat.declaration import Declaration, Procurement, load_declarations, load_procurement
from reserverat.errors import (
    DeclarationError,
    EvaluationError,
    Problem,
    RegisterError,
    ReserveratError,
    RuleSetError,
    problems_from_validation,
)
from reserverat.evaluate import EvaluationContext, MapLayer, evaluate, geography
from reserverat.identifiers import MASK, mask_personal_numbers, parse_identifier
from reserverat.inputs import parse_json, read_text, write_text_atomic
from reserverat.io import reading_warnings, write_template
from reserverat.loading import list_rulesets, load_ruleset
from reserverat.registry import load_register
from reserverat.render import Entry, render
from reserverat.render.messages import OUTCOME_LABELS, fmt_value
from reserverat.result import Message, Outcome, Result
from reserverat.ruleset import RuleSet

if TYPE_CHECKING:
    # Each command imports what only it uses, so that a check of one file starts quickly.
    from reserverat.batch import BatchSummary, ResultWriter
    from reserverat.geo import NominatimGeocoder
    from reserverat.groups import GroupTender
    from reserverat.render.html import ReportHeading

from reserverat.cli import EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR, EXIT_NOT_ALL_QUALIFIED, EXIT_OK

__all__: list[str] = []  # the command line is reserverat.cli


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


def _heading(
    args: argparse.Namespace, procurement: Procurement | None, as_of: date
) -> ReportHeading:
    """The HTML report's header: the procurement, the evaluation date, the assessor, now."""
    from reserverat.render.html import ReportHeading

    return ReportHeading.of(
        procurement,
        as_of=as_of,
        assessor=getattr(args, "assessor", None),
        made=datetime.now().replace(microsecond=0),
    )


def _input_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {"sheet": args.sheet, "delimiter": args.delimiter, "decimal_comma": args.decimal_comma}


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
                    msg_sv="uppslag via internet kräver --user-agent (Nominatims villkor)",
                )
            ]
        )
    from reserverat.geo import NominatimGeocoder

    return NominatimGeocoder(args.user_agent, args.geocode_cache)


def _context(specs: Sequence[str], geocoder: NominatimGeocoder | None = None) -> EvaluationContext:
    registers = {}
    for spec in specs:
        rid, sep, path = spec.partition("=")
        if not sep or not rid or not path:
            raise RegisterError(
                [
                    Problem(
                        "--register",
                        spec,
                        "bad_option",
                        "expected ID=PATH.csv",
                        msg_sv="skriv ID=SÖKVÄG.csv",
                    )
                ]
            )
        file, read_on = _register_read(path, spec)
        registers[rid] = load_register(file, rid, read_on)
    return EvaluationContext(registers=registers, geocoder=geocoder)


def _register_read(path: str, spec: str) -> tuple[str, date | None]:
    """``PATH.csv@YYYY-MM-DD``: the file, and the day the register was read (if given)."""
    head, sep, day = path.rpartition("@")
    if not sep or not head:
        return path, None
    try:
        return head, date.fromisoformat(day)
    except ValueError:
        raise RegisterError(
            [
                Problem(
                    "--register",
                    spec,
                    "bad_option",
                    f"{day!r} after '@' is not a date (YYYY-MM-DD): the day the register was read",
                    msg_sv=f"{day!r} efter '@' är inget datum (ÅÅÅÅ-MM-DD): dagen registret lästes",
                )
            ]
        ) from None


def _load_rules(
    args: argparse.Namespace, procurement: Procurement | None, ref: str | None = None
) -> RuleSet:
    """The rule set named on the command line, in the version in force for the procurement:
    on the day it was begun if known, else on the evaluation date."""
    when = (procurement.started_on if procurement else None) or getattr(args, "as_of", None)
    if when is None and procurement is not None:
        when = procurement.submission_date
    return load_ruleset(ref or args.rules, search=args.rules_dir, as_of=when)


def _cmd_check(args: argparse.Namespace) -> int:
    try:
        procurement: Procurement | None = (
            load_procurement(args.procurement) if args.procurement else None
        )
        if args.notice:
            from reserverat.eforms import notice_problems, read_notice

            procurement = read_notice(args.notice).lot(args.lot)
        rules = _load_rules(args, procurement)
        if args.notice:
            assert procurement is not None
            if rules.reservation_codes is not None:
                # What the call for competition must say for this rule set, located.
                for problem in notice_problems(rules, procurement, str(args.notice)):
                    _warn(problem.text(_lang(args)), _lang(args))
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
                _warn(warning.text(_lang(args)), _lang(args))
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
    _warn_duplicates(
        [(e.source, e.declaration) for e in entries if e.declaration is not None], args.lang
    )
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


def _warn(text: str, lang: str) -> None:
    """A warning on standard error, in ``lang``."""
    print(f"{'varning' if lang == 'sv' else 'warning'}: {text}", file=sys.stderr)


def _warn_duplicates(decls: list[tuple[str, Declaration]], lang: str = "sv") -> None:
    from reserverat.groups import find_duplicates

    for dup in find_duplicates([d for _, d in decls]):
        first, second = decls[dup.first][0], decls[dup.second][0]
        if lang == "sv":
            how = (
                "samma organisationsnummer"
                if dup.reason == "organisationsnummer"
                else f"liknande namn (likhet {dup.score:.0f})"
            )
            _warn(f"kanske samma leverantör två gånger: {first} och {second}: {how}", lang)
        else:
            how = (
                "same organisationsnummer"
                if dup.reason == "organisationsnummer"
                else f"similar names (score {dup.score:.0f})"
            )
            _warn(f"possible duplicate supplier: {first} and {second}: {how}", lang)


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
    from reserverat.render.request import letters, render_letters

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
            _warn(problem.text(_lang(args)), _lang(args))
        for info in infos:
            aliases = f" (= {', '.join(info.aliases)})" if info.aliases else ""
            print(f"{info.id:<22} {info.version:<8} {info.title.get(args.lang)}{aliases}")
        return EXIT_OK
    if args.rules_command == "diff":
        from reserverat.rulediff import diff_rulesets, render_diff

        try:
            a = load_ruleset(args.a, search=args.rules_dir)
            b = load_ruleset(args.b, search=args.rules_dir)
        except ReserveratError as exc:
            _print_problems(exc.problems, _lang(args))
            return EXIT_BAD_INPUT
        sys.stdout.write(render_diff(diff_rulesets(a, b), args.format, args.lang))
        return EXIT_OK
    if args.rules_command == "show":
        try:
            rules = load_ruleset(args.ref, search=args.rules_dir, as_of=args.as_of)
        except ReserveratError as exc:
            _print_problems(exc.problems, _lang(args))
            return EXIT_BAD_INPUT
        if args.format == "text":
            sys.stdout.write(_show(rules, args.lang))
            return EXIT_OK
        from reserverat.loading import ruleset_versions
        from reserverat.render.ruledoc import render_ruleset

        versions = ruleset_versions(rules.id, args.rules_dir)
        sys.stdout.write(render_ruleset(rules, args.format, args.lang, args.as_of, versions))
        return EXIT_OK
    failed = False
    for path in args.paths:
        try:
            rules = load_ruleset(path, search=args.rules_dir)
            print(f"{path}: ok ({rules.id} {rules.version} {rules.content_hash})")
            from reserverat.engine import stated_values

            for warning in stated_values(rules, rules.valid_from or date.today()):
                _warn(warning.text(_lang(args)), _lang(args))
        except ReserveratError as exc:
            failed = True
            _print_problems(exc.problems, _lang(args))
    return EXIT_BAD_INPUT if failed else EXIT_OK


_SHOW_WORDS = {
    "sv": {
        "hash": "kontrollsumma",
        "extends": "bygger på",
        "aliases": "andra namn",
        "group": "grupper av leverantörer",
        "basis": "rättslig grund",
        "parameters": "parametrar",
        "criteria": "kriterier",
        "authority": "myndighetens eget villkor",
        "from": "från",
        "when": "när",
    },
    "en": {
        "hash": "hash",
        "extends": "extends",
        "aliases": "aliases",
        "group": "group policy",
        "basis": "legal basis",
        "parameters": "parameters",
        "criteria": "criteria",
        "authority": "authority-specific",
        "from": "from",
        "when": "when",
    },
}


def _show(rules: RuleSet, lang: str) -> str:
    w = _SHOW_WORDS[lang]
    out = [
        f"{rules.id} {rules.version}: {rules.title.get(lang)}",
        f"{w['hash']}: {rules.content_hash}",
    ]
    if rules.extends:
        out.append(f"{w['extends']}: {rules.extends}")
    if rules.aliases:
        out.append(f"{w['aliases']}: {', '.join(rules.aliases)}")
    out.append(f"{w['group']}: {rules.group_policy}")
    out.append(f"{w['basis']}:")
    out.extend(f"  {c.short(lang)}" + (f" ({c.note})" if c.note else "") for c in rules.legal_basis)
    out.append(f"{w['parameters']}:")
    for name, p in rules.parameters.items():
        values = ", ".join(
            _shown(dv.value, lang) + (f" {w['from']} {dv.since.isoformat()}" if dv.since else "")
            for dv in p.values
        )
        desc = f"  {p.description.get(lang)}" if p.description else ""
        out.append(f"  {name} = {values}{desc}")
    out.append(f"{w['criteria']}:")
    from reserverat.engine import titles_at

    # Titles as today's results say them (the values in force today filled in).
    titles = titles_at(rules, date.today())
    for c, title in zip(rules.criteria, titles, strict=True):
        mark = f" [{w['authority']}]" if c.authority_specific else ""
        mark += f" [{c.basis}]" if c.basis else ""
        out.append(f"  {c.id}{mark}: {title.get(lang)}")
        out.append(f"    {c.check!r}")
        if c.when is not None:
            out.append(f"    {w['when']} {c.when!r}")
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
    from reserverat.espd import read_espd

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
    sv = _lang(args) == "sv"
    if imported.share is None:
        share = "ingen" if sv else "none"
    else:
        share = f"{(imported.share * 100).normalize():f} %"
        share = share.replace(".", ",") if sv else share
    if sv:
        answer_sv = {"yes": "ja", "no": "nej"}.get(str(answer.answer), "obesvarad")
        line = f"{args.file}: ESPD {answer.version}, svar {answer_sv}, uppgiven andel {share}"
    else:
        line = f"{args.file}: ESPD {answer.version}, answer {answer.answer}, declared share {share}"
    print(mask_personal_numbers(line), file=sys.stderr)
    for warning in imported.warnings:
        _warn(warning.text(_lang(args)), _lang(args))
    if args.out:
        write_text_atomic(args.out, text, DeclarationError)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_notice_codes(args: argparse.Namespace) -> int:
    rules = load_ruleset(args.rules, search=args.rules_dir)
    if args.ocds is not None:
        from reserverat.ocds import ocds_lot

        lot, warnings = ocds_lot(rules, args.ocds)
        for warning in warnings:
            _warn(warning.text(_lang(args)), _lang(args))
        print(json.dumps(lot, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{rules.id} {rules.version}: {rules.title.get(args.lang)}")
    from reserverat.eforms import describe_codes

    for line in describe_codes(rules, args.lang):
        print(f"  {line}")
    return EXIT_OK


def _cmd_audit_sample(args: argparse.Namespace) -> int:
    from reserverat.audit import audit_candidates, draw_sample, read_results, render_sample

    try:
        # A seed of more than 40 digits stays text and is refused (int() of thousands of
        # digits is refused by Python itself).
        text = args.seed.strip()
        digits = text.removeprefix("-")
        seed: Any = (
            int(text) if digits.isascii() and digits.isdigit() and len(digits) <= 40 else text
        )
        candidates = audit_candidates(read_results(args.files))
        sample = draw_sample(
            candidates, rate=args.rate, seed=seed, minimum=args.min, maximum=args.max
        )
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    sys.stdout.write(render_sample(sample, args.format, _lang(args)))
    return EXIT_OK


_DECLARATION_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".xlsx", ".xlsm", ".xml")


def _declaration_files(paths: Sequence[Path], lang: str) -> list[Path]:
    """Files as given; a folder's declaration files, in name order, through its subfolders
    (one per supplier, say). A file in a folder that is no declaration is named, not read."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        for found in sorted(path.rglob("*")):
            if not found.is_file() or any(
                part.startswith(".") for part in found.relative_to(path).parts
            ):
                continue
            if found.suffix.lower() in _DECLARATION_SUFFIXES:
                out.append(found)
            elif lang == "sv":
                _warn(f"{found}: ingen försäkran (okänd filtyp), läses inte", lang)
            else:
                _warn(f"{found}: not a declaration (unknown file type), not read", lang)
    return out


def _cmd_follow_up(args: argparse.Namespace) -> int:
    from reserverat.followup import follow_up, load_contract, load_requirements
    from reserverat.render.followup import render_follow_up

    lang = _lang(args)
    try:
        contract = load_contract(args.contract)
        requirements, warnings = load_requirements(
            contract, args.rules_dir, source=str(args.contract)
        )
        procurement = load_procurement(contract.procurement) if contract.procurement else None
        newer = load_ruleset(args.rules, search=args.rules_dir) if args.rules else None
        context = _context(args.register)
    except ReserveratError as exc:
        _print_problems(exc.problems, lang)
        return EXIT_BAD_INPUT
    as_of = args.as_of or date.today()
    pairs = [
        (row.source, row.outcome)
        for row in rows_from(_declaration_files(args.files, lang), **_input_kwargs(args))
    ]
    done = follow_up(
        pairs,
        contract,
        as_of=as_of,
        requirements=requirements,
        warnings=warnings,
        newer=newer,
        procurement=procurement,
        context=context,
    )
    sys.stdout.write(render_follow_up(done, args.format, lang))
    if done.errors:
        _print_problems(done.errors, lang)
        return EXIT_BAD_INPUT
    return EXIT_NOT_ALL_QUALIFIED if done.needing_action else EXIT_OK


def _cmd_espd_request(args: argparse.Namespace) -> int:
    from reserverat.espd_request import write_espd_request

    try:
        procurement = load_procurement(args.procurement)
        rules = _load_rules(args, procurement)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    xml, warnings = write_espd_request(rules, procurement, issued=args.issued or date.today())
    for warning in warnings:
        _warn(warning.text(_lang(args)), _lang(args))
    if args.out is not None:
        write_text_atomic(args.out, xml, DeclarationError)
    else:
        sys.stdout.write(xml)
    return EXIT_OK


def _cmd_read_ocds(args: argparse.Namespace) -> int:
    from reserverat.ocds import prior_awards, read_ocds

    processes = read_ocds(args.file, ocid=args.ocid, lot=args.lot)
    for process in processes:
        for warning in process.warnings:
            _warn(warning.text(_lang(args)), _lang(args))
    if args.supplier is not None:
        awards = prior_awards(processes, supplier_id=args.supplier)
        data: Any = [a.model_dump(mode="json", exclude_none=True) for a in awards]
    else:
        data = [
            {
                "ocid": p.ocid,
                "lots": list(p.lots),
                "procurement": p.procurement.model_dump(mode="json", exclude_none=True),
                "awards": [
                    {
                        "supplier_id": a.supplier_id,
                        "supplier_name": a.supplier_name,
                        "awarded_on": a.awarded_on.isoformat(),
                        "cpv": a.cpv,
                        "reserved": a.reserved,
                    }
                    for a in p.awards
                ],
            }
            for p in processes
        ]
    print(mask_personal_numbers(json.dumps(data, indent=2, ensure_ascii=False)))
    return EXIT_OK


def _cmd_read_notice(args: argparse.Namespace) -> int:
    from reserverat.eforms import lot_matches, read_notice

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
        sv = _lang(args) == "sv"
        words = (
            ("annonstyp", "köpare", "reservation", "oklar", "passar", "passar inte", "ej angivet")
            if sv
            else (
                "subtype",
                "buyer",
                "reservation",
                "unclear",
                "fits",
                "does not fit",
                "not published",
            )
        )
        print(
            f"{notice.source}: {notice.kind}, {words[0]} {notice.subtype or '?'}, "
            f"{notice.regulatory_domain or '?'}, {words[1]} {notice.buyer or '?'}"
        )
        for p in notice.lots:
            bt71 = ", ".join(p.reserved_participation or ()) or "-"
            line = (
                f"  {p.lot}: BT-71 {bt71}; BT-736 {p.reserved_execution or '-'}; "
                f"CPV {p.main_cpv or '-'}; {words[2]} {p.reservation or words[3]}"
            )
            if rules:
                verdict = {True: words[4], False: words[5], None: words[6]}[fits[p.lot]]
                line += f"; {rules.id}: {verdict}"
            print(line)
    for problem in notice.problems:
        _warn(problem.text(_lang(args)), _lang(args))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from reserverat.schemas import json_schema

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
            member["declaration"] = loaded
        members.append(member)
    if problems:
        raise DeclarationError(problems)
    try:
        from reserverat.groups import GroupTender

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
    from reserverat.groups import evaluate_group
    from reserverat.render import render_group

    result = evaluate_group(group, rules, procurement=procurement, as_of=as_of, context=context)
    sys.stdout.write(render_group(result, args.lang))
    return EXIT_OK if result.outcome is Outcome.QUALIFIED else EXIT_NOT_ALL_QUALIFIED


def _cmd_batch(args: argparse.Namespace) -> int:
    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        rules = _load_rules(args, procurement)
        context = _context(args.register)
        from reserverat.batch import ResultWriter, WorkerStoppedError, can_work_in_parallel

        # The date the results will carry (said aloud below): the headers name its titles.
        when = args.as_of or (procurement.submission_date if procurement else None)
        writer = ResultWriter(
            args.out, rules, args.lang, compact=args.compact, as_of=when or date.today()
        )
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    as_of = _evaluation_date(args, procurement)
    writer.heading = _heading(args, procurement, as_of)
    if args.jobs > 1 and not can_work_in_parallel(writer):
        sv = args.lang == "sv"
        _warn(
            # Windows is the system without fork, which the workers need.
            "--jobs gäller bara JSONL till JSONL och inte i Windows; bedömningen görs i en process"
            if sv
            else "--jobs applies to JSONL into JSONL only, and not on Windows; "
            "evaluating in one process",
            args.lang,
        )
    show = sys.stderr.isatty() if args.progress is None else args.progress
    options: dict[str, Any] = {
        "as_of": as_of,
        "jobs": args.jobs,
        "procurement": procurement,
        "context": context,
        "warnings": _today_warning(args, procurement, as_of),
        **_input_kwargs(args),
    }
    try:
        summary = _run_batch(args, rules, writer, show, options)
    except WorkerStoppedError as exc:
        print(f"{'fel' if args.lang == 'sv' else 'error'}: {exc.text(args.lang)}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
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


def _run_batch(
    args: argparse.Namespace,
    rules: RuleSet,
    writer: ResultWriter,
    show: bool,
    options: dict[str, Any],
) -> BatchSummary:
    from reserverat.batch import batch_files

    with writer:
        if show:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            with Progress(
                SpinnerColumn(),
                TextColumn("{task.completed:,} " + ("rader" if args.lang == "sv" else "rows")),
                transient=True,
            ) as bar:
                task = bar.add_task("rows", total=None)
                summary = batch_files(
                    args.files,
                    rules,
                    writer,
                    progress=lambda n: bar.update(task, completed=n),
                    **options,
                )
        else:
            summary = batch_files(args.files, rules, writer, **options)
    return summary


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
            [
                Problem(
                    str(args.file),
                    "",
                    "unknown_format",
                    "write .xlsx or .csv",
                    msg_sv="skriv en .xlsx- eller .csv-fil",
                )
            ],
            _lang(args),
        )
        return EXIT_BAD_INPUT
    if not args.file.parent.is_dir():
        raise DeclarationError(
            [
                Problem(
                    str(args.file),
                    "",
                    "unwritable",
                    f"no such folder: {args.file.parent}",
                    msg_sv=f"mappen finns inte: {args.file.parent}",
                )
            ]
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


def _declarations(
    files: Sequence[Path], args: argparse.Namespace, *, keep_going: bool = False
) -> tuple[list[tuple[str, Declaration]], list[Problem]]:
    """The declarations read, and the problems of the rows that could not be read (raised
    as one error unless ``keep_going``)."""
    decls: list[tuple[str, Declaration]] = []
    problems: list[Problem] = []
    for row in rows_from(files, **_input_kwargs(args)):
        if isinstance(row.outcome, Declaration):
            decls.append((row.source, row.outcome))
        else:
            problems.extend(row.outcome.problems)
    if problems and not keep_going:
        raise DeclarationError(problems)
    return decls, problems


def _cmd_compare(args: argparse.Namespace) -> int:
    from reserverat.render.comparison import render_comparison, render_sweep

    try:
        procurement = load_procurement(args.procurement) if args.procurement else None
        a = _load_rules(args, procurement)
        # A row with errors is skipped and listed, never a reason to refuse the comparison.
        decls, skipped = _declarations(args.files, args, keep_going=True)
        as_of = _evaluation_date(args, procurement)
        from reserverat.compare import compare, parse_overrides, parse_sweep, sweep

        if args.sweep:
            name, values = parse_sweep(args.sweep)
            swept = sweep(decls, a, name, values, as_of=as_of, procurement=procurement)
            text = render_sweep(swept, args.format, _lang(args), skipped)
        else:
            b = _load_rules(args, procurement, args.against) if args.against else a
            overrides = parse_overrides(b, args.set)
            if overrides:
                b = b.with_params(**overrides)
            label_b = f"{b.id} {b.version}" + (f" ({', '.join(args.set)})" if args.set else "")
            try:
                result = compare(decls, a, b, as_of=as_of, procurement=procurement, label_b=label_b)
            except RuleSetError as exc:
                # The library names rule set B; the command line names its option.
                raise RuleSetError(
                    [replace(p, source="--against", loc=args.against or "") for p in exc.problems]
                ) from None
            diff = None
            if args.diff:
                from reserverat.rulediff import diff_rulesets

                diff = diff_rulesets(a, b)
            text = render_comparison(result, args.format, _lang(args), skipped, diff)
    except ReserveratError as exc:
        _print_problems(exc.problems, _lang(args))
        return EXIT_BAD_INPUT
    sys.stdout.write(text)
    if skipped:
        _print_problems(skipped, _lang(args))
        return EXIT_BAD_INPUT
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        import reserverat.server  # noqa: F401  (fails early, and says what to install)
    except ImportError:
        _print_problems(
            [
                Problem(
                    "serve",
                    "",
                    "not_installed",
                    "the HTTP service needs its extra: pip install 'reserverat[server]'",
                    msg_sv="HTTP-tjänsten behöver sitt tillägg: pip install 'reserverat[server]'",
                )
            ],
            _lang(args),
        )
        return EXIT_BAD_INPUT
    import os

    # Each worker process builds its own app from the environment (uvicorn's factory).
    if args.max_body is not None:
        os.environ["RESERVERAT_MAX_BODY"] = str(args.max_body)
    if args.timeout is not None:
        os.environ["RESERVERAT_TIMEOUT"] = str(args.timeout)
    uvicorn.run(
        "reserverat.server:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
    )
    return EXIT_OK


def _cmd_test(args: argparse.Namespace) -> int:
    files: list[Path] = []
    from reserverat.cases import builtin_cases_dir, run_file

    for p in args.paths or [builtin_cases_dir()]:
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    lang = _lang(args)
    # A test runner's words, in the reader's language (columns kept aligned).
    ok, fail, error = ("ok   ", "AVVIK", "FEL  ") if lang == "sv" else ("ok   ", "FAIL ", "ERROR")
    passed = failed = broken = 0
    for path in files:
        for outcome in run_file(path):
            if isinstance(outcome, ReserveratError):
                failed += 1
                broken += 1
                print(f"{error} {path}")
                for problem in outcome.problems:
                    print(f"    {problem.text(lang)}")
            elif outcome.passed:
                passed += 1
                print(f"{ok} {outcome.case.name}")
            else:
                failed += 1
                print(f"{fail} {outcome.case.name} ({path})")
                for failure in outcome.failures:
                    print(f"    {failure.text(lang)}")
    if lang == "sv":
        print(f"godkända: {passed}, underkända: {failed}")
    else:
        print(f"{passed} passed, {failed} failed")
    if broken:
        return EXIT_BAD_INPUT  # a case file that cannot be read is bad input, not a failure
    return EXIT_OK if failed == 0 else EXIT_NOT_ALL_QUALIFIED
