"""Generators, mutators and checks for every input surface, shared by the quick property
tests (``test_fuzz_quick.py``, in CI) and the long campaign (``python -m tests.fuzz.campaign``).

Each surface takes a ``random.Random`` and a scratch folder, makes one input, runs it
through the command in-process, and returns the violations it found (empty: all held):

- only ``ReserveratError`` escapes the library; the command never prints a traceback or
  an internal error, and exits 0, 1 or 2;
- no input takes more than ``MAX_SECONDS``;
- rows in = rows out, and the outputs are valid (JSON parses, XLSX opens, CSV rows count
  right, no formula cells);
- no identity number planted in the input appears in any output, in any written form.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import reserverat as rr
from reserverat.cli import main

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples"
RULES = ROOT / "src" / "reserverat" / "rules"
CORPUS = ROOT / "tests" / "data" / "corpus"

MAX_SECONDS = 5.0

DECLARATIONS = sorted(EXAMPLES.glob("*/[0-9]*.json")) + sorted(EXAMPLES.glob("seeds/*-*.json"))
RULESET_IDS = sorted({i.id for i in rr.list_rulesets()})

# Values that broke readers before, and their relatives.
HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    10**40,
    "9" * 5000,
    1e308,
    -1e308,
    "NaN",
    "Infinity",
    "-inf",
    "sNaN",
    "1e999999999",
    "1E-999999999",
    "1e606054",
    "0,3",
    "30 %",
    "",
    " ",
    "\x00",
    "\f",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "0001-01-01",
    "9999-12-31",
    "2017-02-30",
    [],
    {},
    [1, 2],
    {"a": 1},
    "ä" * 20_000,
]

_SEPARATORS = ["-", "\u2013", "\u2212", "\u2011", " ", "\u00a0", " - ", "+", ""]


def personnummer(rng: random.Random) -> tuple[str, str]:
    """A plausible personnummer in a random written form, and its 10 bare digits."""
    from stdnum import luhn

    born = date(1930, 1, 1) + timedelta(days=rng.randrange(30_000))
    serial = born.strftime("%y%m%d") + f"{rng.randrange(1000):03d}"
    tail = serial[6:] + luhn.calc_check_digit(serial)  # valid, so it passes as an identifier
    digits = born.strftime("%y%m%d") + tail
    century = born.strftime("%Y")[:2] if rng.random() < 0.3 else ""
    text = century + digits[:6] + rng.choice(_SEPARATORS) + tail
    return text, digits


def leaks(output: str, digits: str) -> bool:
    """Whether the 10 digits appear in ``output`` in any written form."""
    head, tail = digits[:6], digits[6:]
    pattern = re.escape(head) + r"[\s\-\u2010-\u2015\u2212+]*" + re.escape(tail)
    return re.search(r"(?<!\d)" + pattern + r"(?!\d)", output) is not None


@dataclass
class Outcome:
    """What one run of the command did."""

    code: int
    out: str
    err: str
    seconds: float


def run(argv: list[str]) -> Outcome:
    """The command in-process, with its standard output and error captured."""
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse refusing an option
            code = int(exc.code or 0)
    return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - start)


def command_violations(o: Outcome, allowed: set[int] = frozenset({0, 1, 2})) -> list[str]:  # type: ignore[assignment]
    """The violations every run of the command is checked for."""
    found = []
    if "Traceback" in o.out + o.err:
        found.append("traceback")
    if "internal error" in o.err:
        found.append(f"internal error: {o.err.strip()[:300]}")
    if o.code not in allowed:
        found.append(f"exit {o.code}")
    if o.seconds > MAX_SECONDS:
        found.append(f"took {o.seconds:.1f} s")
    return found


# ---- mutators -------------------------------------------------------------------------


def _paths(value: Any) -> list[tuple[Any, ...]]:
    """Every path into the tree, not below depth 12 (a planted deep nest stays whole)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        prefix, node = stack.pop()
        if prefix:
            out.append(prefix)
        if len(prefix) >= 12:
            continue
        if isinstance(node, dict):
            stack.extend(((*prefix, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*prefix, i), v) for i, v in enumerate(node))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def mutate_tree(rng: random.Random, data: Any, n: int = 3) -> Any:
    """The tree with up to ``n`` leaves or branches replaced by hostile values."""
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, n)):
        paths = _paths(data)
        if not paths:
            break
        path = rng.choice(paths)
        roll = rng.random()
        if roll < 0.15 and isinstance(path[-1], str):
            parent = data
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif roll < 0.25:
            _set(data, path, _nest(rng.randint(20, 150)))
        else:
            _set(data, path, copy.deepcopy(rng.choice(HOSTILE)))
    return data


def _nest(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Bytes flipped, cut, repeated or spliced with hostile text."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            data.extend(b"x")
        roll = rng.random()
        i = rng.randrange(len(data))
        if roll < 0.3:
            data[i] = rng.randrange(256)
        elif roll < 0.45:
            del data[i:]
        elif roll < 0.6:
            data[i:i] = data[i : i + rng.randint(1, 200)] * rng.randint(1, 50)
        else:
            token = rng.choice(HOSTILE)
            data[i:i] = str(token).encode("utf-8", "surrogatepass")[:6000]
    return bytes(data)


# ---- surfaces ---------------------------------------------------------------------------


def _plant(rng: random.Random, data: dict[str, Any]) -> str:
    """Put a personnummer into the declaration's name and owners; return its digits."""
    text, digits = personnummer(rng)
    data["supplier"] = f"{data.get('supplier', 'X')} {text}"
    if rng.random() < 0.5:
        data["owners"] = [{"name": f"Ägaren {text}", "kind": "person"}]
    if rng.random() < 0.3:
        data["organisationsnummer"] = text
        data["legal_form"] = "enskild_firma"
    return digits


RULE_HEAD = (
    'id = "r"\nversion = "1"\ntitle = { sv = "r", en = "r" }\n'
    'legal_basis = [{ instrument = "x" }]\n'
)
"""The head of a minimal rule file: id, version, title, legal basis."""

CRITERION = (
    '[[criteria]]\nid = "c"\ntitle = { sv = "c", en = "c" }\ncitation = { instrument = "x" }\n'
)
"""A criterion without its check; ``check = …`` follows."""


def one_criterion_rule(check: str) -> str:
    """The text of a rule file with one criterion whose check is the inline table ``check``."""
    return f"{RULE_HEAD}{CRITERION}check = {check}\n"


def _example(rng: random.Random) -> dict[str, Any]:
    """One of the example declarations, as a dict to mutate."""
    while True:
        base = json.loads(rng.choice(DECLARATIONS).read_text(encoding="utf-8"))
        if isinstance(base, dict):
            return base


def surface_declaration(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated example declaration through ``check`` in every format."""
    base = _example(rng)
    digits = _plant(rng, base)
    data = mutate_tree(rng, base) if rng.random() < 0.8 else base
    name_text, name_digits = personnummer(rng)
    path = tmp / f"anbud-{name_text}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    fmt = rng.choice(["text", "json", "markdown", "html"])
    o = run(
        [
            "check",
            str(path),
            "--rules",
            rng.choice(RULESET_IDS),
            "--as-of",
            "2024-03-15",
            "--format",
            fmt,
        ]
    )
    found = command_violations(o)
    for planted in (digits, name_digits):
        if leaks(o.out + o.err, planted):
            found.append(f"identity number in {fmt} output")
    if fmt == "json" and o.code in (0, 1):
        try:
            json.loads(o.out)
        except json.JSONDecodeError as exc:
            found.append(f"invalid JSON: {exc}")
    return found


def surface_library(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated declaration through the API: only ReserveratError escapes; JSON round-trips."""
    data = mutate_tree(rng, _example(rng))
    try:
        decl = rr.parse_declaration(data)
        rules = rr.load_ruleset(rng.choice(RULESET_IDS))
        result = rr.evaluate(decl, rules, as_of=date(2024, 3, 15))
        text = result.to_json()
        if rr.result_from_json(text) != result:
            return ["JSON round trip changed the result"]
        rr.render_text(result, rng.choice(["sv", "en"]))
        rr.render_markdown(result, rng.choice(["sv", "en"]))
    except rr.ReserveratError:
        return []
    except Exception as exc:
        return [f"{type(exc).__name__}: {str(exc)[:200]}"]
    return []


def _rows(rng: random.Random, n: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(n):
        row: dict[str, Any] = {
            "supplier": rng.choice(["Kooperativet", "=1+1", "@x", "A\fB", "Bolaget AB", ""]),
            "legal_form": rng.choice(["ab", "ekonomisk förening", "x", ""]),
            "workforce.employed.headcount": rng.choice(["10", "-1", "1e99", "", "x", "2" * 30]),
            "workforce.employed.target_group.headcount": rng.choice(["3", "20", ""]),
            "declared_on": rng.choice(["2024-01-01", "0001-01-01", "x", ""]),
        }
        rows.append(row)
    return rows


def surface_batch(rng: random.Random, tmp: Path) -> list[str]:
    """A CSV or JSONL batch to CSV, JSONL or XLSX: rows in = rows out, outputs valid."""
    n = rng.randint(1, 25)
    rows = _rows(rng, n)
    text, digits = personnummer(rng)
    rows[0]["supplier"] = f"Enskilda {text}"
    src_kind = rng.choice(["csv", "jsonl"])
    src = tmp / f"in.{src_kind}"
    if src_kind == "csv":
        # A row with every cell empty is no input (the reader skips blank rows).
        n = sum(1 for r in rows if any(str(v).strip() for v in r.values()))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        src.write_text(buf.getvalue(), encoding="utf-8")
    else:
        lines = [json.dumps({k.split(".")[0]: v for k, v in r.items() if "." not in k}) for r in rows]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_kind = rng.choice(["csv", "jsonl", "xlsx"])
    out = tmp / f"out.{out_kind}"
    o = run(["batch", str(src), "--rules", "lou-4-18", "--as-of", "2024-03-15", "--out", str(out)])
    found = command_violations(o)
    if o.code == 2 and not out.exists():
        return found  # the file as a whole was refused, with a located error
    if not out.exists():
        return [*found, "no output file"]
    if out_kind == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(out)
        sheet = book["Resultat"]
        written = sheet.max_row - 1
        formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        if formulas:
            found.append(f"formula cells {formulas[:3]}")
        body = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
    elif out_kind == "csv":
        table = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
        written = len(table) - 1
        starts = [c for r in table[1:] for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        if starts:
            found.append(f"formula-like cells {starts[:3]}")
        body = out.read_text(encoding="utf-8")
    else:
        lines = out.read_text(encoding="utf-8").splitlines()
        written = len(lines)
        for line in lines:
            try:
                json.loads(line)
            except json.JSONDecodeError:
                found.append("invalid JSONL line")
                break
        body = "\n".join(lines)
    if written != n:
        found.append(f"{n} rows in, {written} out")
    if leaks(body + o.out + o.err, digits):
        found.append("identity number in batch output")
    return found


def _mutated_file(rng: random.Random, tmp: Path, source: Path, suffix: str) -> Path:
    data = source.read_bytes()
    path = tmp / f"m{suffix}"
    path.write_bytes(mutate_bytes(rng, data) if rng.random() < 0.9 else data)
    return path


def surface_rule_file(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated built-in rule file through ``rules validate`` and ``rules show``."""
    source = rng.choice(sorted(RULES.glob("*.toml")))
    if rng.random() < 0.5:
        path = _mutated_file(rng, tmp, source, ".toml")
    else:
        import tomllib

        data = mutate_tree(rng, tomllib.loads(source.read_text(encoding="utf-8")))
        path = tmp / "m.toml"
        path.write_text(_to_toml(data), encoding="utf-8")
    found = command_violations(run(["rules", "validate", str(path)]), {0, 2})
    fmt = rng.choice(["text", "markdown", "html"])
    return found + command_violations(run(["rules", "show", str(path), "--format", fmt]), {0, 2})


def _to_toml(data: Any) -> str:
    """A small TOML writer for mutated rule files: inline tables throughout."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v) if isinstance(v, int) or not math.isnan(v) else "nan"
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(str(k))} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if v is None:
            return '""'
        return json.dumps(str(v), ensure_ascii=False)

    if not isinstance(data, dict):
        return f"x = {value(data)}\n"
    return "".join(f"{json.dumps(str(k))} = {value(v)}\n" for k, v in data.items())


def surface_espd(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated ESPD Response through ``import-espd`` and ``check``."""
    sources = sorted((CORPUS / "espd").glob("*.xml")) + sorted((EXAMPLES / "espd").glob("*.xml"))
    path = _mutated_file(rng, tmp, rng.choice(sources), ".xml")
    o = run(["import-espd", str(path)])
    found = command_violations(o, {0, 2})
    if o.code == 0:
        try:
            json.loads(o.out)
        except json.JSONDecodeError:
            found.append("import-espd wrote invalid JSON")
    return found + command_violations(run(["check", str(path), "--rules", "lou-4-18", "--as-of", "2024-03-15"]))


def surface_eforms(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated eForms notice through ``read-notice``."""
    path = _mutated_file(rng, tmp, rng.choice(sorted((CORPUS / "eforms").glob("*.xml"))), ".xml")
    return command_violations(run(["read-notice", str(path), "--format", rng.choice(["text", "json"])]), {0, 2})


def surface_ocds(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated OCDS package (the standard's examples, the Swedish one) through ``read-ocds``."""
    sources = [*sorted((ROOT / "tests" / "data" / "ocds").glob("*.json")), EXAMPLES / "ocds" / "reserverad-upphandling.json"]
    source = rng.choice(sources)
    if rng.random() < 0.5:
        path = _mutated_file(rng, tmp, source, ".json")
    else:
        data = mutate_tree(rng, json.loads(source.read_text(encoding="utf-8")))
        path = tmp / "ocds.json"
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    argv = ["read-ocds", str(path)]
    argv += rng.choice([[], ["--lot", "1"], ["--supplier", "SE-ORG-769600-0137"], ["--ocid", "x"]])
    return command_violations(run(argv), {0, 2})


_RESULTS: list[str] = []


def surface_audit(rng: random.Random, tmp: Path) -> list[str]:
    """Mutated result files (the JSONL of batch) and hostile options through ``audit-sample``."""
    if not _RESULTS:
        import reserverat as rr

        rules = rr.load_ruleset("lou-4-18")
        for p in sorted((EXAMPLES / "declarations").glob("*.json")):
            for d in rr.load_declarations(p).declarations:
                result = rr.evaluate(d, rules, as_of=date(2017, 12, 11))
                _RESULTS.append(json.dumps({"source": p.name, "result": result.to_dict()}))
    source = tmp / "r.jsonl"
    source.write_text("\n".join(_RESULTS) + "\n", encoding="utf-8")
    path = _mutated_file(rng, tmp, source, ".jsonl") if rng.random() < 0.7 else source
    token = str(rng.choice(HOSTILE))[:200]
    rate, seed = rng.choice([("0.5", "7"), (token, "7"), ("0.5", token), ("1", "-3")])
    argv = ["audit-sample", str(path), "--rate", rate, "--seed", seed]
    argv += rng.choice([[], ["--format", "json"], ["--min", "3", "--max", "1"]])
    return command_violations(run(argv), {0, 2})


def surface_raw_bytes(rng: random.Random, tmp: Path) -> list[str]:
    """Random bytes given as any input file the command reads."""
    suffix = rng.choice([".json", ".jsonl", ".csv", ".xlsx", ".xml", ".toml"])
    path = tmp / f"r{suffix}"
    path.write_bytes(rng.randbytes(rng.randint(0, 3000)))
    if suffix == ".toml":
        return command_violations(run(["rules", "validate", str(path)]), {0, 2})
    argv = ["check", str(path), "--rules", "lou-4-18", "--as-of", "2024-03-15"]
    if rng.random() < 0.3:
        argv = ["check", str(EXAMPLES / "declarations" / "01-yalla-kooperativ.json"), "--rules", "lou-4-18", "--procurement", str(path)]
    return command_violations(run(argv))


def surface_options(rng: random.Random, tmp: Path) -> list[str]:
    """Hostile command-line values: dates, --set, --sweep."""
    decl = str(EXAMPLES / "declarations" / "01-yalla-kooperativ.json")
    token = str(rng.choice(HOSTILE))[:5000]
    argv = rng.choice(
        [
            ["check", decl, "--rules", "lou-4-18", "--as-of", token],
            ["compare", decl, "--rules", "lou-4-18", "--as-of", "2017-12-11", "--set", f"threshold={token}"],
            ["compare", decl, "--rules", "botkyrka-2017", "--as-of", "2017-12-11", "--set", f"radius_km={token}"],
            ["compare", decl, "--rules", "lou-4-18", "--as-of", "2017-12-11", "--sweep", f"threshold=0.1:{token}:0.1"],
            ["compare", decl, "--rules", "lou-4-18", "--as-of", "2017-12-11", "--sweep", f"threshold=0.1:0.5:{token}"],
            ["compare", decl, "--rules", "lou-4-18", "--as-of", "2017-12-11", "--against", token],
        ]
    )
    if argv[0] == "compare":
        argv += rng.choice([[], ["--format", "html"], ["--format", "markdown", "--diff"]])
    return command_violations(run(argv))


_HEADERS = [
    "supplier",
    "legal_form",
    "owners[0].name",
    "owners[7].vote_share",
    "owners[99].kind",
    "owners[100].name",
    "owners[99999999].name",
    "workforce.employed.headcount",
    "workforce.employed.target_group.by_category.disability",
    "supplier.target_group.by_category",
    "workforce.employed",
    "workforce.employed.headcount.x",
    "financial_years[0].end",
    "financial_years[0].to_other",
    "sites[0].lat",
    "Leverantör",
    "",
    "=cmd",
    "a" * 300,
]


def surface_spreadsheet(rng: random.Random, tmp: Path) -> list[str]:
    """CSV and XLSX files with hostile headers and cells through ``check`` and ``batch``."""
    header = ["supplier", *rng.sample(_HEADERS, rng.randint(0, 6))]
    if rng.random() < 0.1:
        header = header[1:]
    rows = [[str(rng.choice(HOSTILE))[:300] for _ in header] for _ in range(rng.randint(0, 8))]
    text, digits = personnummer(rng)
    if rows and header:
        rows[0][0] = f"Firma {text}"
    if rng.random() < 0.5:
        path = tmp / "s.csv"
        sep = rng.choice([",", ";", "\t"])
        path.write_text(
            "\n".join(sep.join(r) for r in [header, *rows]) + "\n", encoding="utf-8"
        )
    else:
        from openpyxl import Workbook

        path = tmp / "s.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Deklarationer"
        for row in [header, *rows]:
            sheet.append([_xlsx_safe(v) for v in row])
        if rows and rng.random() < 0.2:
            sheet.merge_cells("A2:B2")
        book.save(path)
    o = run(["check", str(path), "--rules", "lou-4-18", "--as-of", "2024-03-15"])
    found = command_violations(o)
    if leaks(o.out + o.err, digits):
        found.append("identity number in check output")
    out = tmp / "out.xlsx"
    b = run(["batch", str(path), "--rules", "lou-4-18", "--as-of", "2024-03-15", "--out", str(out)])
    return found + command_violations(b)


def _xlsx_safe(value: str) -> str:
    # The test file itself must be writable by openpyxl: no control characters in it.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)


def surface_group(rng: random.Random, tmp: Path) -> list[str]:
    """A group tender file with hostile members through ``group``."""
    members: list[Any] = []
    for _ in range(rng.randint(0, 4)):
        member: dict[str, Any] = {
            "declaration": rng.choice(
                [str(p) for p in DECLARATIONS[:5]] + ["missing.json", "", "../../etc/passwd"]
            ),
            "role": rng.choice(["member", "subcontractor", "capacity_provider", "boss", None]),
        }
        if rng.random() < 0.3:
            member["relied_on"] = rng.choice(HOSTILE)
        members.append(member)
    data: Any = {"name": rng.choice(["Gruppen", "", None]), "members": members}
    if rng.random() < 0.3:
        data = mutate_tree(rng, data)
    path = tmp / "g.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return command_violations(
        run(["group", str(path), "--rules", rng.choice(RULESET_IDS), "--as-of", "2024-03-15"])
    )


def surface_register(rng: random.Random, tmp: Path) -> list[str]:
    """A supplier register with hostile rows through ``check --register``."""
    lines = [rng.choice(["organisationsnummer,name", "orgnr;namn", "name", "x,y"])]
    for _ in range(rng.randint(0, 6)):
        lines.append(",".join(str(rng.choice(HOSTILE))[:100] for _ in range(2)))
    path = tmp / "reg.csv"
    path.write_bytes(mutate_bytes(rng, "\n".join(lines).encode()) if rng.random() < 0.3 else "\n".join(lines).encode())
    rules = tmp / "reg.toml"
    rules.write_text(
        one_criterion_rule('{ kind = "registered_in", register_id = "kk" }'), encoding="utf-8"
    )
    decl = str(rng.choice(DECLARATIONS))
    return command_violations(
        run(["check", decl, "--rules", str(rules), "--as-of", "2024-03-15", "--register", f"kk={path}"])
    )


def surface_cases(rng: random.Random, tmp: Path) -> list[str]:
    """A mutated shipped case file through ``reserverat test``."""
    source = rng.choice(sorted((RULES / "cases").glob("*.toml")))
    path = _mutated_file(rng, tmp, source, ".toml")
    return command_violations(run(["test", str(path)]))


def surface_zone(rng: random.Random, tmp: Path) -> list[str]:
    """A rule file naming a zone file: hostile paths and hostile GeoJSON."""
    zone = tmp / "zone.geojson"
    geometry: Any = {
        "type": "Polygon",
        "coordinates": [[[17.8, 59.2], [17.9, 59.2], [17.9, 59.3], [17.8, 59.2]]],
    }
    if rng.random() < 0.7:
        geometry = mutate_tree(rng, geometry)
    zone.write_text(json.dumps(geometry), encoding="utf-8")
    ref = rng.choice(["zone.geojson", "../zone.geojson", "/etc/hostname", "zone.geojson/x", "", "nope.json"])
    (tmp / "sub").mkdir()
    folder = tmp if rng.random() < 0.7 else tmp / "sub"
    rules = folder / "z.toml"
    rules.write_text(
        one_criterion_rule(f'{{ kind = "in_zone", file = {json.dumps(ref)} }}'), encoding="utf-8"
    )
    found = command_violations(run(["rules", "validate", str(rules)]), {0, 2})
    decl = str(EXAMPLES / "botkyrka" / "21-hallunda.json")
    return found + command_violations(run(["check", decl, "--rules", str(rules), "--as-of", "2024-03-15"]))


SURFACES: dict[str, Callable[[random.Random, Path], list[str]]] = {
    "spreadsheet": surface_spreadsheet,
    "group": surface_group,
    "register": surface_register,
    "cases": surface_cases,
    "zone": surface_zone,
    "declaration": surface_declaration,
    "library": surface_library,
    "batch": surface_batch,
    "rule_file": surface_rule_file,
    "espd": surface_espd,
    "eforms": surface_eforms,
    "ocds": surface_ocds,
    "audit": surface_audit,
    "raw_bytes": surface_raw_bytes,
    "options": surface_options,
}
"""Every surface by name, for the quick tests and the campaign."""
