"""The ``reserverat`` command's options, with their help in Swedish (default) and English.

``reserverat --help`` and every subcommand's ``--help`` speak Swedish; with ``--lang en``
anywhere on the command line (or ``RESERVERAT_LANG=en``) they speak English. argparse's own
words (usage, headings, its error messages) are said in the same language.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from reserverat._version import __version__
from reserverat.formats import FORMATS, KINDS

__all__ = ["EXIT_BAD_INPUT", "help_language", "parser"]

EXIT_BAD_INPUT = 2

_LANG = ["sv"]
"""The language the parser being built speaks (set by :func:`parser`)."""


def help_language(argv: Sequence[str]) -> str:
    """The language of the help and of argparse's messages: ``--lang`` on the command line,
    else ``RESERVERAT_LANG``, else Swedish."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "sv"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "sv"
    return "en" if os.environ.get("RESERVERAT_LANG") == "en" else "sv"


def _h(sv: str, en: str) -> str:
    """The help text in the parser's language; ``%`` is literal (argparse formats help)."""
    return (sv if _LANG[0] == "sv" else en).replace("%", "%%")


# argparse's own messages in Swedish: pattern, replacement.
_ARGPARSE_SV = [
    (r"^the following arguments are required: (.*)$", r"dessa argument krävs: \1"),
    (r"^unrecognized arguments: (.*)$", r"okända argument: \1"),
    (
        r"^argument (.*?): invalid choice: (.*) \(choose from (.*)\)$",
        r"argument \1: ogiltigt val: \2 (välj bland \3)",
    ),
    (r"^argument (.*?): expected one argument$", r"argument \1: ett värde behövs"),
    (r"^argument (.*?): expected at least one argument$", r"argument \1: minst ett värde behövs"),
    (
        r"^argument (.*?): not allowed with argument (.*)$",
        r"argument \1: går inte att ange tillsammans med \2",
    ),
    (
        r"^argument (.*?): ignored explicit argument (.*)$",
        r"argument \1: tar inget värde (angivet \2)",
    ),
    (r"^argument (.*?): invalid (\w+) value: (.*)$", r"argument \1: ogiltigt värde: \3"),
    (r"^ambiguous option: (.*?) could match (.*)$", r"tvetydig flagga: \1 kan vara \2"),
    (r"^argument (.*?): sv\|(.*?)\|en\|.*$", r"argument \1: \2"),
]
_ARGPARSE_EN = [(r"^argument (.*?): sv\|.*?\|en\|(.*)$", r"argument \1: \2")]


def _translate(message: str) -> str:
    rules = _ARGPARSE_SV if _LANG[0] == "sv" else _ARGPARSE_EN
    for pattern, replacement in rules:
        new, n = re.subn(pattern, replacement, message)
        if n:
            return new
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        if prefix is None:
            prefix = "användning: " if _LANG[0] == "sv" else "usage: "
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _h("argument", "positional arguments")
        self._optionals.title = _h("flaggor", "options")
        self.add_argument(
            "-h", "--help", action="help", help=_h("visa den här hjälpen", "show this help")
        )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        word = "fel" if _LANG[0] == "sv" else "error"
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {word}: [bad_option] {_translate(message)}\n")


def _date(text: str) -> date:
    from reserverat.declaration import FIRST_DAY, LAST_DAY

    # Both languages travel in the message; the parser's error says the one it speaks.
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sv|inget datum (ÅÅÅÅ-MM-DD): {text!r}|en|not a date (YYYY-MM-DD): {text!r}"
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
        raise argparse.ArgumentTypeError(
            f"sv|{text} ligger utanför {first} till {last}|en|{text} is outside {first} to {last}"
        )
    return day


MAX_JOBS = 64
"""The most worker processes a batch starts."""


def _jobs(text: str) -> int:
    # 0 asks for one worker per core; more than MAX_JOBS is surely a slip of the finger.
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"sv|ett heltal från 0 till {MAX_JOBS} väntades: {text!r}"
            f"|en|expected a whole number from 0 to {MAX_JOBS}: {text!r}"
        )
    if n:
        return n
    # The cores this process may run on, which a container or taskset can make fewer.
    if hasattr(os, "sched_getaffinity"):
        return min(MAX_JOBS, len(os.sched_getaffinity(0)))
    return min(MAX_JOBS, os.cpu_count() or 1)


def _file(p: Any, *names: str, sv: str, en: str, **kw: Any) -> None:
    p.add_argument(
        *names, type=Path, metavar=kw.pop("metavar", _h("FIL", "FILE")), help=_h(sv, en), **kw
    )


def _rules(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--rules",
        required=required,
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h(
            "regelverkets id eller alias (se 'reserverat rules list') eller en TOML-fil",
            "the rule set's id or alias (see 'reserverat rules list') or a TOML file",
        ),
    )
    _rules_dir(p)


def _rules_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rules-dir",
        action="append",
        default=[],
        type=Path,
        metavar=_h("MAPP", "DIR"),
        help=_h(
            "ytterligare mapp med regelverk (kan upprepas)",
            "an extra folder to find rule sets in (repeatable)",
        ),
    )


def _procurement(p: Any, required: bool = False) -> None:
    _file(
        p,
        "--procurement",
        sv="upphandlingen som JSON: myndighet, referens, titel, sista anbudsdag, CPV, avtalstid",
        en="the procurement as JSON: authority, reference, title, submission date, CPV, term",
        required=required,
    )


def _as_of(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as-of",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h(
            "bedömningsdag, ÅÅÅÅ-MM-DD (annars upphandlingens sista anbudsdag, annars i dag)",
            "evaluation date, YYYY-MM-DD (default: the procurement's submission date, else today)",
        ),
    )


def _lang(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        choices=("sv", "en"),
        default=_LANG[0],
        help=_h(
            "språk: sv (svenska, standard) eller en (standard kan sättas med RESERVERAT_LANG)",
            "language: sv (Swedish, the default) or en (RESERVERAT_LANG sets the default)",
        ),
    )


def _register(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--register",
        action="append",
        default=[],
        metavar="ID=CSV[@DAG]",
        help=_h(
            "ett leverantörsregister (CSV) för kriterier om registrering, med dagen det "
            "hämtades efter @ (ÅÅÅÅ-MM-DD; kan upprepas)",
            "a supplier register (CSV) for registered_in checks, with the day it was taken "
            "after @ (YYYY-MM-DD; repeatable)",
        ),
    )


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar=_h("FIL", "FILE"),
        help=_h(
            "leverantörernas uppgifter: .json, .jsonl, .csv, .xlsx eller ett ESPD-svar (.xml)",
            "the suppliers' declarations: .json, .jsonl, .csv, .xlsx or an ESPD Response (.xml)",
        ),
    )


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sheet",
        metavar=_h("NAMN", "NAME"),
        help=_h(
            "Excel-bladet (standard: Deklarationer, annars det första)",
            "the Excel sheet (default: Deklarationer, else the first)",
        ),
    )
    p.add_argument(
        "--delimiter",
        metavar=_h("TECKEN", "CHAR"),
        help=_h(
            "CSV-filens avgränsare (standard: upptäcks)", "the CSV delimiter (default: detected)"
        ),
    )
    p.add_argument(
        "--decimal-comma",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_h(
            "talen har decimalkomma (standard: när CSV-filen har semikolon)",
            "numbers use a decimal comma (default: when the CSV uses semicolons)",
        ),
    )


def _geocoder_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--geocoder",
        choices=("nominatim",),
        help=_h(
            "slå upp platser som inte kan placeras utan nät, via internet (frivilligt)",
            "opt in to online geocoding of sites that cannot be placed offline",
        ),
    )
    p.add_argument(
        "--user-agent",
        metavar=_h("TEXT", "TEXT"),
        help=_h(
            "vem du är, som Nominatims villkor kräver (med --geocoder)",
            "who you are, as Nominatim's usage policy requires (with --geocoder)",
        ),
    )
    p.add_argument(
        "--geocode-cache",
        type=Path,
        default=Path(".reserverat-geocode-cache.json"),
        metavar=_h("FIL", "FILE"),
        help=_h(
            "var svaren från uppslagen sparas mellan körningar",
            "where geocoding answers are kept between runs",
        ),
    )


def _assessor(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--assessor",
        metavar=_h("NAMN", "NAME"),
        help=_h(
            "vem som bedömde; står i HTML-rapportens sidhuvud",
            "who assessed, named in the HTML report's header",
        ),
    )


def _format(p: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    p.add_argument(
        "--format",
        choices=choices,
        default="text",
        help=_h(
            f"utdata: {', '.join(choices)} (standard: text)",
            f"output: {', '.join(choices)} (default: text)",
        ),
    )


def parser(lang: str = "sv") -> argparse.ArgumentParser:
    """The command's argument parser, its help in ``lang``."""
    _LANG[0] = lang
    p = _Parser(
        prog="reserverat",
        description=_h(
            "Förklarade bedömningar av reserverade offentliga kontrakt i Sverige.",
            "Explained checks for reserved public contracts in Sweden.",
        ),
        epilog=_h(
            "Hjälp om ett kommando: reserverat KOMMANDO --help. På engelska: lägg till --lang en.",
            "Help on a command: reserverat COMMAND --help. In Swedish: leave out --lang en.",
        ),
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"reserverat {__version__}",
        help=_h("visa programmets version", "show the program's version"),
    )
    # Every command's messages follow the language, also those without a --lang of their own.
    p.set_defaults(lang=lang)
    sub = p.add_subparsers(
        dest="command",
        required=True,
        parser_class=_Parser,
        title=_h("kommandon", "commands"),
        metavar=_h("KOMMANDO", "COMMAND"),
    )

    c = sub.add_parser(
        "check",
        help=_h(
            "bedöm leverantörers uppgifter mot ett regelverk",
            "evaluate declarations against a rule set",
        ),
        description=_h(
            "Bedömer varje leverantör mot regelverket och skriver en förklarad rapport.",
            "Evaluates each supplier against the rule set and writes an explained report.",
        ),
    )
    _inputs(c)
    _rules(c)
    where = c.add_mutually_exclusive_group()
    _procurement(where)
    _file(
        where,
        "--notice",
        metavar=_h("ANNONS.xml", "NOTICE.xml"),
        sv="ta upphandlingen från en eForms-annons (XML)",
        en="take the procurement from an eForms notice (XML)",
    )
    c.add_argument(
        "--lot",
        metavar="ID",
        help=_h(
            "annonsens delområde (när den har flera)", "the notice's lot (when it has several)"
        ),
    )
    _as_of(c)
    _lang(c)
    _format(c, FORMATS)
    _assessor(c)
    _geocoder_options(c)
    _input_options(c)
    _register(c)

    g = sub.add_parser(
        "group",
        help=_h(
            "bedöm ett anbud från en grupp (medlemmar, underleverantörer)",
            "evaluate a group tender (members, subcontractors)",
        ),
    )
    _file(
        g,
        "file",
        metavar=_h("GRUPP.json", "GROUP.json"),
        sv="JSON: name och members, var och en med declaration (sökväg eller objekt), role "
        "(member, subcontractor, capacity_provider) och relied_on",
        en="JSON: name, and members, each with a declaration (path or object), a role "
        "(member, subcontractor, capacity_provider) and relied_on",
    )
    _rules(g)
    _procurement(g)
    _as_of(g)
    _lang(g)
    _geocoder_options(g)
    _register(g)

    b = sub.add_parser(
        "batch",
        help=_h(
            "bedöm filer med leverantörers uppgifter (JSON, JSONL, CSV, XLSX) till en fil",
            "evaluate files of declarations (JSON, JSONL, CSV, XLSX) to a file",
        ),
    )
    _inputs(b)
    _rules(b)
    _file(
        b,
        "--out",
        required=True,
        sv="resultat.jsonl, resultat.csv, resultat.xlsx eller rapport.html",
        en="results.jsonl, results.csv, results.xlsx or report.html",
    )
    _procurement(b)
    _as_of(b)
    _lang(b)
    _register(b)
    _assessor(b)
    b.add_argument(
        "--compact",
        action="store_true",
        help=_h(
            "bara JSONL: per kriterium bedömning, orsakskoder och underlag, utan förklaringar",
            "JSONL only: per criterion the verdict, reason codes and evidence, no explanations",
        ),
    )
    b.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help=_h(
            "JSONL till JSONL: bedöm i N processer, 0 = en per kärna (standard: 1); "
            "utdata blir desamma",
            "JSONL into JSONL: evaluate in N processes, 0 = one per core (default: 1); "
            "the output is the same",
        ),
    )
    _input_options(b)
    b.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_h(
            "visa förlopp på standard error (standard: när det är en terminal)",
            "show a progress bar on standard error (default: when it is a terminal)",
        ),
    )

    q = sub.add_parser(
        "request",
        help=_h(
            "brev som ber leverantörer vars resultat inte kan avgöras att komplettera",
            "letters asking the suppliers whose result is undecided to supplement their tender",
        ),
    )
    _inputs(q)
    _rules(q)
    _procurement(q)
    _as_of(q)
    q.add_argument(
        "--reply-by",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h("sista dag att svara", "the date to answer by"),
    )
    q.add_argument(
        "--date",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h("brevets datum (standard: i dag)", "the letter's date (default: today)"),
    )
    _format(q, ("text", "markdown", "html"))
    _lang(q)
    _register(q)
    _input_options(q)

    t = sub.add_parser(
        "template",
        help=_h(
            "skriv ett tomt formulär (XLSX eller CSV): alla kolumner eller ett regelverks "
            "(--rules)",
            "write an empty sheet (XLSX or CSV): every column, or a rule set's own (--rules)",
        ),
    )
    _file(
        t,
        "file",
        metavar=_h("FIL.xlsx|FIL.csv", "FILE.xlsx|FILE.csv"),
        sv="formuläret att skriva",
        en="the sheet to write",
    )
    t.add_argument(
        "--rules",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h("bara de kolumner regelverket läser", "only the columns this rule set reads"),
    )
    _rules_dir(t)
    t.add_argument(
        "--as-of",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h("den version av regelverket som gäller den dagen", "the rule set version in force"),
    )
    _lang(t)

    cmp_ = sub.add_parser(
        "compare",
        help=_h(
            "regelverk A mot B (eller A med --set) över leverantörers uppgifter",
            "rule set A against B (or A with --set) over declarations",
        ),
    )
    _inputs(cmp_)
    cmp_.add_argument(
        "--rules",
        required=True,
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h("regelverk A", "rule set A"),
    )
    cmp_.add_argument(
        "--against",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h("regelverk B (standard: A med --set)", "rule set B (default: A with --set)"),
    )
    cmp_.add_argument(
        "--set",
        action="append",
        default=[],
        metavar=_h("NAMN=VÄRDE", "NAME=VALUE"),
        help=_h(
            "en parameter i B (eller kriterium.parameter=värde), kan upprepas",
            "a parameter of B (or criterion.parameter=value), repeatable",
        ),
    )
    cmp_.add_argument(
        "--sweep",
        metavar=_h("NAMN=FRÅN:TILL:STEG", "NAME=FROM:TO:STEP"),
        help=_h(
            "antal utfall per parametervärde, och vilka som ändras vid varje steg "
            "(högst 1 000 värden)",
            "outcome counts per parameter value, and who changes at each step "
            "(at most 1,000 values)",
        ),
    )
    cmp_.add_argument(
        "--diff",
        action="store_true",
        help=_h(
            "skriv först skillnaderna mellan regelverken (som rules diff)",
            "print the rule sets' differences first (as rules diff)",
        ),
    )
    _rules_dir(cmp_)
    _procurement(cmp_)
    _as_of(cmp_)
    _format(cmp_, FORMATS)
    _lang(cmp_)
    _input_options(cmp_)

    srv = sub.add_parser(
        "serve",
        help=_h(
            "kör HTTP-tjänsten (kräver reserverat[server])",
            "run the HTTP service (needs reserverat[server])",
        ),
    )
    srv.add_argument(
        "--host",
        default="127.0.0.1",
        help=_h("adressen att lyssna på (standard: 127.0.0.1)", "address to listen on"),
    )
    srv.add_argument(
        "--port", type=int, default=8000, help=_h("porten (standard: 8000)", "the port")
    )
    srv.add_argument(
        "--workers",
        type=int,
        default=1,
        help=_h("antal arbetsprocesser (standard: 1)", "worker processes (default: 1)"),
    )
    srv.add_argument(
        "--max-body",
        type=int,
        default=None,
        metavar=_h("BYTE", "BYTES"),
        help=_h(
            "största begäran i byte (standard: 5 MiB; en batch tio gånger så stor)",
            "largest request body in bytes (default: 5 MiB; a batch ten times that)",
        ),
    )
    srv.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar=_h("SEKUNDER", "SECONDS"),
        help=_h(
            "längsta tid för en begäran (standard: 30 s; en batch tio gånger så lång)",
            "longest time for one request (default: 30 s; a batch ten times that)",
        ),
    )
    _lang(srv)

    tc = sub.add_parser(
        "test",
        help=_h(
            "kör regelverkens testfall (TOML-filer) som en testkörare",
            "run rule test cases (TOML case files) like a test runner",
        ),
    )
    tc.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar=_h("SÖKVÄG", "PATH"),
        help=_h(
            "testfallsfiler eller mappar (standard: de inbyggda regelverkens testfall)",
            "case files or folders (default: the cases shipped with the built-in rule sets)",
        ),
    )
    _lang(tc)

    r = sub.add_parser(
        "rules",
        help=_h(
            "lista, visa, jämför eller validera regelverk",
            "list, show, compare or validate rule sets",
        ),
    )
    rsub = r.add_subparsers(
        dest="rules_command",
        required=True,
        parser_class=_Parser,
        title=_h("kommandon", "commands"),
        metavar=_h("KOMMANDO", "COMMAND"),
    )
    rl = rsub.add_parser("list", help=_h("lista de kända regelverken", "list the known rule sets"))
    _rules_dir(rl)
    _lang(rl)
    rs = rsub.add_parser(
        "show",
        help=_h(
            "visa ett regelverks kriterier och parametrar",
            "show a rule set's criteria and parameters",
        ),
    )
    rs.add_argument(
        "ref",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h("regelverkets id, alias eller TOML-fil", "the rule set's id, alias or TOML file"),
    )
    _rules_dir(rs)
    rs.add_argument(
        "--format",
        choices=("text", "markdown", "html"),
        default="text",
        help=_h(
            "text (för utvecklare), markdown eller html (ett dokument för människor)",
            "text (for developers), markdown or html (a document for people)",
        ),
    )
    rs.add_argument(
        "--as-of",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h(
            "versionen och värdena som gäller den dagen",
            "the version and the values in force that day",
        ),
    )
    _lang(rs)
    rd = rsub.add_parser(
        "diff",
        help=_h(
            "vad som skiljer två regelverk eller två versioner åt",
            "what differs between two rule sets or two versions",
        ),
    )
    for name, sv, en in (("a", "det första", "the first"), ("b", "det andra", "the second")):
        rd.add_argument(
            name,
            metavar=_h("ID|SÖKVÄG", "ID|PATH"),
            help=_h(
                f"{sv} regelverket: id, id@version eller TOML-fil",
                f"{en} rule set: id, id@version or TOML file",
            ),
        )
    _rules_dir(rd)
    _format(rd, ("text", "markdown", "json"))
    _lang(rd)
    rv = rsub.add_parser(
        "validate",
        help=_h(
            "validera regelfiler; skriv ut varje problem",
            "validate rule files; print every problem",
        ),
    )
    rv.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar=_h("SÖKVÄG", "PATH"),
        help=_h("regelfiler eller mappar", "rule files or folders"),
    )
    _rules_dir(rv)

    e = sub.add_parser(
        "import-espd",
        help=_h(
            "läs svaret om skyddad verksamhet ur ett ESPD-svar (XML)",
            "read the sheltered-workshop answer of an ESPD Response (XML)",
        ),
    )
    _file(e, "file", metavar=_h("FIL.xml", "FILE.xml"), sv="ESPD-svaret", en="the ESPD Response")
    _file(
        e,
        "--out",
        metavar=_h("FIL.json", "FILE.json"),
        sv="skriv leverantörens uppgifter hit (standard: i terminalen)",
        en="write the declaration here (default: stdout)",
    )
    e.add_argument(
        "--percent-scale",
        choices=("auto", "fraction", "points"),
        default="auto",
        help=_h(
            "hur verktyget skrev procentsatsen (standard: enligt ESPD-versionen; i v1 är "
            "värden i (0, 1] tvetydiga)",
            "how the tool wrote the percentage (default: from the ESPD version; v1 values "
            "in (0, 1] are ambiguous)",
        ),
    )
    _lang(e)

    nc = sub.add_parser(
        "notice-codes",
        help=_h(
            "de eForms-koder (BT-71, BT-736) ett regelverk svarar mot",
            "the eForms codes (BT-71, BT-736) a rule set stands for",
        ),
    )
    nc.add_argument(
        "rules",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h("regelverkets id, alias eller TOML-fil", "the rule set's id, alias or TOML file"),
    )
    _rules_dir(nc)
    nc.add_argument(
        "--ocds",
        metavar=_h("DELOMRÅDE", "LOT"),
        help=_h(
            "skriv i stället delområdets reservation som OCDS (JSON)",
            "write the lot's reservation as OCDS (JSON) instead",
        ),
    )
    _lang(nc)

    au = sub.add_parser(
        "audit-sample",
        help=_h(
            "dra ett stickprov av godkända leverantörer för dokumentkontroll, som kan upprepas",
            "draw a repeatable sample of accepted suppliers for document checks",
        ),
    )
    au.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar=_h("RESULTAT", "RESULTS"),
        help=_h(
            "resultat: JSONL från batch eller JSON från check --format json",
            "results: the JSONL of batch or the JSON of check --format json",
        ),
    )
    au.add_argument(
        "--rate", required=True, help=_h("andel att dra, t.ex. 0.2", "share to draw, e.g. 0.2")
    )
    au.add_argument(
        "--seed", required=True, help=_h("fröet (ett heltal)", "the seed (a whole number)")
    )
    au.add_argument(
        "--min", type=int, default=2, help=_h("minst (standard: 2)", "at least (default: 2)")
    )
    au.add_argument(
        "--max", type=int, default=20, help=_h("högst (standard: 20)", "at most (default: 20)")
    )
    _format(au, ("text", "json"))
    _lang(au)

    fu = sub.add_parser(
        "follow-up",
        help=_h(
            "följ upp ett kontrakt: håller villkoren fortfarande, sedan när inte, och vem "
            "behöver åtgärd nu",
            "follow a contract up: do the conditions still hold, since when not, and who "
            "needs action now",
        ),
        description=_h(
            "Lägger varje leverantörs försäkringar i tidsordning och bedömer var och en på sin "
            "dag, mot regelverket som kontraktet tilldelades enligt.",
            "Puts each supplier's declarations in date order and evaluates each on its own "
            "date, against the rule set the contract was awarded under.",
        ),
    )
    fu.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar=_h("MAPP|FIL", "DIR|FILE"),
        help=_h(
            "försäkringar: filer (.json, .jsonl, .csv, .xlsx, .xml) eller mappar med sådana",
            "declarations: files (.json, .jsonl, .csv, .xlsx, .xml) or folders of them",
        ),
    )
    _file(
        fu,
        "--contract",
        required=True,
        metavar=_h("KONTRAKT.toml", "CONTRACT.toml"),
        sv="kontraktet (TOML eller JSON): id, rules (regelverket vid tilldelningen), awarded, "
        "start, end, follow_up_every_months, suppliers, amendments",
        en="the contract (TOML or JSON): id, rules (the rule set at award), awarded, start, "
        "end, follow_up_every_months, suppliers, amendments",
    )
    fu.add_argument(
        "--rules",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h(
            "ett nyare regelverk att jämföra med: visar vad det skulle ändra, historiken "
            "bedöms alltid mot kontraktets",
            "a newer rule set to compare with: shows what it would change; history is always "
            "assessed against the contract's",
        ),
    )
    _rules_dir(fu)
    fu.add_argument(
        "--as-of",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h("uppföljningsdag, ÅÅÅÅ-MM-DD (standard: i dag)", "follow-up date (default: today)"),
    )
    _format(fu, ("text", "json", "html"))
    _lang(fu)
    _input_options(fu)
    _register(fu)

    er = sub.add_parser(
        "espd-request",
        help=_h(
            "skriv en ESPD-begäran (v4.1.0) som frågar efter skyddad verkstad för ett "
            "reserverat delområde",
            "write an ESPD Request (v4.1.0) that asks the sheltered-workshop criterion for a "
            "reserved lot",
        ),
    )
    _rules(er)
    _procurement(er, required=True)
    er.add_argument(
        "--issued",
        type=_date,
        metavar=_h("DATUM", "DATE"),
        help=_h("begärans datum (standard: i dag)", "the Request's date (default: today)"),
    )
    _file(
        er,
        "--out",
        sv="skriv begäran hit (standard: i terminalen)",
        en="write the Request here (default: stdout)",
    )
    _lang(er)

    ro = sub.add_parser(
        "read-ocds",
        help=_h(
            "läs upphandlingen och tidigare tilldelningar ur ett OCDS-paket",
            "read the procurement and earlier awards from an OCDS package",
        ),
    )
    _file(ro, "file", metavar=_h("PAKET.json", "PACKAGE.json"), sv="paketet", en="the package")
    ro.add_argument("--ocid", help=_h("processen (standard: alla)", "the process (default: all)"))
    ro.add_argument("--lot", help=_h("delområdet", "the lot"))
    ro.add_argument(
        "--supplier",
        metavar=_h("ID", "ID"),
        help=_h(
            "skriv leverantörens tidigare tilldelningar (dess OCDS-id) som prior_awards",
            "write the supplier's earlier awards (its OCDS id) as prior_awards",
        ),
    )
    _lang(ro)

    rn = sub.add_parser(
        "read-notice",
        help=_h(
            "läs delområden, BT-71, BT-736, CPV och köpare ur en eForms-annons",
            "read lots, BT-71, BT-736, CPV and buyer from an eForms notice",
        ),
    )
    _file(rn, "file", metavar=_h("ANNONS.xml", "NOTICE.xml"), sv="annonsen", en="the notice")
    rn.add_argument(
        "--rules",
        metavar=_h("ID|SÖKVÄG", "ID|PATH"),
        help=_h(
            "säg också om varje delområde passar regelverket",
            "also say whether each lot fits this rule set",
        ),
    )
    _rules_dir(rn)
    _format(rn, ("text", "json"))
    _lang(rn)

    s = sub.add_parser(
        "schema",
        help=_h(
            "skriv ut JSON Schema för indata, utdata, regelfiler eller testfall",
            "print the JSON Schema of an input, an output, a rule file or a case file",
        ),
    )
    s.add_argument("what", choices=KINDS, help=_h("vilket schema", "which schema"))
    _file(
        s,
        "--out",
        sv="skriv det hit (standard: i terminalen)",
        en="write it here (default: stdout)",
    )
    return p
