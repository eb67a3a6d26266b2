"""Spreadsheets as Swedish buyers get them (issue 14, USER-TRIALS part A): values typed the
Swedish way, a title row above Swedish headers, Windows-1252 CSV, and a bad cell that
makes one fact unknown instead of losing the supplier."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import reserverat as rr
from reserverat.batch import ResultWriter, run_batch
from reserverat.cells import CellError, read_cell
from reserverat.io import header_path, read_rows


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("30 %", "share", Decimal("0.3")),
        ("30%", "share", Decimal("0.3")),
        ("0,3", "share", Decimal("0.3")),
        ("0,30", "share", Decimal("0.30")),
        ("21,5", "number", Decimal("21.5")),
        ("1 250", "count", 1250),
        ("1\u00a0250\u00a0000 kr", "number", Decimal("1250000")),
        ("12 st", "count", 12),
        ("\u22123,5", "number", Decimal("-3.5")),
        ("1.250.000", "number", Decimal("1250000")),
        ("15/2/2024", "date", date(2024, 2, 15)),
        ("15.2.2024", "date", date(2024, 2, 15)),
        ("2024-02-15", "date", date(2024, 2, 15)),
        ("20240215", "date", date(2024, 2, 15)),
        ("Ja ", "yes_no", True),
        ("x", "yes_no", True),
        ("NEJ", "yes_no", False),
        ("", "number", None),
    ],
)
def test_swedish_values_are_read(text: str, kind: str, value: object) -> None:
    assert read_cell(text, kind) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "code", "sv"),
    [
        (
            "30",
            "share",
            "cell.share_over_one",
            "läste '30', mer än 1: en andel skrivs 0,30 eller 30 %",
        ),
        (
            "1,250",
            "number",
            "cell.ambiguous_number",
            "läste '1,250', som kan betyda 1,25 eller 1 250: skriv tusental med mellanslag "
            "(1 250) och decimaler med komma (1,25)",
        ),
        ("12,5", "count", "cell.count", "läste '12,5': ett antal personer är ett heltal"),
        (
            "15/2/24",
            "date",
            "cell.short_year",
            "läste '15/2/24': skriv året med fyra siffror, t.ex. 2024-02-15",
        ),
        (
            "31/2/2024",
            "date",
            "cell.date",
            "läste '31/2/2024': skriv ett datum som 2024-02-15 eller 15/2/2024",
        ),
        ("kanske", "yes_no", "cell.yes_no", "läste 'kanske': skriv ja eller nej"),
        ("tio", "number", "cell.number", "läste 'tio': skriv ett tal, t.ex. 21,5 eller 1 250"),
        ("30 %", "number", "cell.percent", "läste '30 %': här skrivs ett tal utan %"),
    ],
)
def test_unreadable_values_say_what_to_write(text: str, kind: str, code: str, sv: str) -> None:
    with pytest.raises(CellError) as info:
        read_cell(text, kind)  # type: ignore[arg-type]
    assert (info.value.code, info.value.sv) == (code, sv)
    assert info.value.en.startswith(f"read {text!r}")


def _swedish(value: Decimal, space: str) -> str:
    sign, whole, frac = ("-" if value < 0 else ""), *f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + space.join(groups) + "," + frac


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
)
def test_a_number_written_the_swedish_way_reads_back(value: Decimal, space: str) -> None:
    assert read_cell(_swedish(value, space), "number") == value


@given(st.integers(0, 100))
def test_a_percentage_reads_as_its_share(points: int) -> None:
    assert read_cell(f"{points} %", "share") == Decimal(points) / 100
    assert read_cell(f"{points}%", "share") == Decimal(points) / 100


def test_headers_by_label_in_any_case_and_spacing() -> None:
    assert header_path(" Leverantör ") == "supplier"
    assert header_path("ORGANISATIONSNUMMER") == "organisationsnummer"
    assert header_path("Omfattning") == "scope"
    assert header_path("sysselsatta › anställda › antal personer") == "workforce.employed.headcount"
    assert header_path("persons occupied > employees > headcount") == "workforce.employed.headcount"
    assert header_path("workforce.employed.headcount") == "workforce.employed.headcount"


def _trial_workbook(path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Deklarationer"
    ws.append(["Anbud till Exempelby kommun, städning 2024"])
    ws.merge_cells("A1:H1")
    ws.append(
        [
            "Leverantör",
            "Organisationsnummer",
            "Omfattning",
            "sysselsatta › anställda › antal personer",
            "workforce.employed.target_group.headcount",
            "purpose.integration_main_aim",
            "Försäkrans datum",
            "workforce.reference_date",
            "sysselsatta › praktikanter › antal personer",
            "Sysselsatta › arbetsträning › antal personer",
            "sysselsatta › övriga › antal personer",
        ]
    )
    alfa = ["Alfa AB", "556811-2220", "legal_person", "12 st", "4", "Ja ", "15/2/2024"]
    ws.append([*alfa, "2024-01-31", "0", "0 st", 0])
    ws.append(["Beta AB", None, "legal_person", 10, "3,5", "x", "15/2/2024", "2024-01-31", 0, 0, 0])
    ws.append(
        ["Gamma AB", None, "legal_person", "10", "3", "kanske", "2024-02-15", "31/1/2024", 0, 0, 0]
    )
    ws.append([None, None, "legal_person", "10", "3", "ja", "2024-02-15", "2024-01-31", 0, 0, 0])
    book.save(path)


def test_a_swedish_workbook_assesses_every_supplier(tmp_path: Path) -> None:
    book = tmp_path / "anbud.xlsx"
    _trial_workbook(book)
    rows = list(read_rows(book))
    assert [r.name for r in rows] == ["Alfa AB", "Beta AB", "Gamma AB", None]
    assert [type(r.outcome).__name__ for r in rows] == ["Declaration"] * 3 + ["DeclarationError"]
    alfa = rows[0].outcome
    assert isinstance(alfa, rr.Declaration) and alfa.workforce and alfa.workforce.employed
    assert alfa.workforce.employed.headcount == 12 and alfa.declared_on == date(2024, 2, 15)
    assert [(w.loc, w.code) for w in rows[1].warnings] == [
        ("E4 (workforce.employed.target_group.headcount)", "cell.count")
    ]
    assert [(w.loc, w.code) for w in rows[2].warnings] == [
        ("F5 (purpose.integration_main_aim)", "cell.yes_no")
    ]
    # The batch: one line per row, names on every line, warnings in words, in Swedish.
    out = tmp_path / "resultat.csv"
    rules = rr.load_ruleset("lou-4-18")
    with ResultWriter(out, rules, "sv") as writer:
        summary = run_batch(rows, rules, writer, as_of=date(2024, 3, 1))
    assert (summary.rows, summary.results, summary.errors) == (4, 3, 1)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Swedish Excel reads UTF-8
    table = list(csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";"))
    assert [r["Leverantör"] for r in table] == ["Alfa AB", "Beta AB", "Gamma AB", ""]
    assert [r["Utfall"] for r in table] == [
        "KVALIFICERAD",
        "KAN INTE AVGÖRAS",
        "KAN INTE AVGÖRAS",
        "FEL",
    ]
    assert table[1]["Varningar"] == (
        "Cell E4 (workforce.employed.target_group.headcount): läste '3,5': ett antal personer "
        "är ett heltal; uppgiften räknas som okänd."
    )
    assert "raden har inget giltigt leverantörsnamn" in table[3]["Fel"]
    assert {r["Regelverk"] for r in table} == {"lou-4-18"}
    assert [r["Bedömningsdag"] for r in table] == ["2024-03-01"] * 3 + [""]
    # JSONL carries the warning in the result itself.
    jsonl = tmp_path / "resultat.jsonl"
    with ResultWriter(jsonl, rules, "sv") as writer:
        run_batch(list(read_rows(book)), rules, writer, as_of=date(2024, 3, 1))
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert lines[2]["result"]["warnings"][0]["code"] == "input.cell"
    assert lines[2]["result"]["warnings"][0]["args"]["where"] == "F5 (purpose.integration_main_aim)"


def test_a_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = (
        "Leverantör;Omfattning;workforce.employed.headcount\nÅkeriet i Älvsbyn AB;legal_person;5\n"
    )
    path.write_bytes(text.encode("cp1252"))
    (row,) = read_rows(path)
    assert isinstance(row.outcome, rr.Declaration)
    assert row.outcome.supplier == "Åkeriet i Älvsbyn AB"
    assert [(w.code, w.message("sv")) for w in row.warnings] == [
        (
            "cp1252",
            "inte UTF-8; lästes som Windows-1252 (så som svenska Excel sparar CSV): "
            "kontrollera å, ä och ö",
        )
    ]


def test_a_file_neither_utf8_nor_windows_1252_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"supplier\nA\x81B\n")
    with pytest.raises(rr.DeclarationError) as info:
        list(read_rows(path))
    (problem,) = info.value.problems
    assert (problem.code, problem.loc) == ("encoding", "line 2")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_ruleset_template_reads_back(tmp_path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    from reserverat.io import write_template

    for info in rr.list_rulesets():
        rules = rr.load_ruleset(info.id)
        path = tmp_path / f"{info.id}.xlsx"
        cols = write_template(path, lang, rules)
        book = load_workbook(path)
        sheet = book["Deklarationer"]
        labels = [c.value for c in sheet[1]]
        assert [header_path(label) for label in labels] == cols, info.id
        # Needed columns are yellow, and the instruction sheet says so.
        instructions = list(
            book["Instruktioner" if lang == "sv" else "Instructions"].iter_rows(values_only=True)
        )
        needed = {r[1] for r in instructions[2:] if r[3] in ("ja", "yes")}
        assert ("supplier" in needed and "organisationsnummer" not in needed) or info.id.startswith(
            "iop"
        )
        yellow = {cols[i] for i, c in enumerate(sheet[1]) if c.fill.fgColor.rgb == "00FFF2A8"}
        assert yellow == needed, info.id
        # A row filled with the instruction sheet's examples reads without a warning (list
        # items left empty: one example value in every year or owner is not a declaration).
        examples = {r[1]: None if "[" in r[1] else r[5] or None for r in instructions[2:]}
        sheet.append(["Exempel AB" if c == "supplier" else examples[c] for c in cols])
        book.save(path)
        (row,) = read_rows(path)
        assert isinstance(row.outcome, rr.Declaration), (info.id, row.outcome)
        assert row.warnings == (), (info.id, [w.text() for w in row.warnings])


def test_lou_template_asks_for_what_lou_reads() -> None:
    from reserverat.io import ruleset_columns

    cols, needed = ruleset_columns(rr.load_ruleset("lou-4-18"))
    assert cols == [
        "supplier",
        "id",
        "organisationsnummer",
        "scope",
        "unit_name",
        "declared_on",
        "purpose.sheltered_workshop",
        "purpose.integration_main_aim",
        "workforce.reference_date",
        *(
            f"workforce.{form}.{part}"
            for form in ("employed", "trainees", "work_training", "other")
            for part in ("headcount", "target_group.headcount")
        ),
    ]
    assert needed == set(cols) - {"id", "organisationsnummer"}


def test_no_traceback_for_the_trial_s_wrong_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reserverat.cli import main
    from reserverat.io import write_template

    decl = Path(__file__).parent.parent / "examples" / "declarations" / "01-yalla-kooperativ.json"
    # An .xlsx given as the procurement.
    sheet = tmp_path / "upphandling.xlsx"
    write_template(sheet)
    code = main(["check", str(decl), "--rules", "lou-4-18", "--procurement", str(sheet)])
    assert code == 2
    err = capsys.readouterr().err
    assert (
        "[unknown_format] en upphandling läses från en .json-fil (en eForms-annons: --notice)"
        in err
    )
    # A case file whose date is text: read if it is ISO, a located error otherwise.
    case = tmp_path / "fall.toml"
    lines = [
        "[[case]]",
        'name = "x"',
        'ruleset = "lou-4-18"',
        'as_of = "2017-12-11"',
        """declaration_json = '{"supplier": "X"}'""",
        "[case.expected]",
        'outcome = "undecided"',
    ]
    case.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["test", str(case)]) == 0
    case.write_text(case.read_text(encoding="utf-8").replace("2017-12-11", "11 dec"), "utf-8")
    assert main(["test", str(case)]) == 2
    out = capsys.readouterr().out
    assert "[wrong_type] as_of är ett datum, t.ex. as_of = 2017-12-11 (angivet '11 dec')" in out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=600),
    st.sampled_from([".json", ".jsonl", ".csv", ".xlsx", ".xml", ".toml"]),
    st.sampled_from(["declaration", "procurement", "rules", "cases"]),
)
def test_random_bytes_as_any_input_never_give_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, suffix: str, role: str
) -> None:
    from reserverat.cli import main

    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    decl = Path(__file__).parent.parent / "examples" / "declarations" / "01-yalla-kooperativ.json"
    argv = {
        "declaration": ["check", str(path), "--rules", "lou-4-18", "--as-of", "2024-01-01"],
        "procurement": ["check", str(decl), "--rules", "lou-4-18", "--procurement", str(path)],
        "rules": ["check", str(decl), "--rules", str(path), "--as-of", "2024-01-01"],
        "cases": ["test", str(path)],
    }[role]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in out + err and "internal error" not in err


def test_a_list_never_loses_one_item_so_the_rest_cannot_look_whole(tmp_path: Path) -> None:
    # An owner row the declaration cannot hold (no name) must not leave "no owners": the
    # owners become unknown, and "no public owner" is undecided, never met.
    path = tmp_path / "agare.csv"
    path.write_text(
        "supplier;owners[0].kind;owners[0].vote_share;owners[1].name;owners[1].kind\n"
        "Alfa AB;municipality;0,6;Anna Andersson;person\n",
        encoding="utf-8",
    )
    (row,) = read_rows(path)
    decl = row.outcome
    assert isinstance(decl, rr.Declaration)
    assert decl.owners is None
    assert [(w.loc, w.code) for w in row.warnings] == [("B2 (owners[0].kind)", "missing")]
    rules = rr.load_ruleset("asf-tillvaxtverket")
    finding = rr.evaluate(decl, rules, as_of=date(2024, 3, 1)).finding(
        "independent-of-public-sector"
    )
    assert finding.verdict is rr.Verdict.UNDECIDED


def test_the_report_says_when_today_is_the_evaluation_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reserverat.cli import main

    decl = Path(__file__).parent.parent / "examples" / "declarations" / "01-yalla-kooperativ.json"
    main(["check", str(decl), "--rules", "lou-4-18"])
    out, err = capsys.readouterr()
    today = date.today().isoformat()
    assert (
        "Varning: Ingen bedömningsdag angavs och upphandlingen anger ingen sista anbudsdag: "
        f"dagens datum {today} används."
    ) in out
    assert err.startswith("obs: ingen bedömningsdag angavs")
    main(["check", str(decl), "--rules", "lou-4-18", "--as-of", "2017-12-11"])
    out, err = capsys.readouterr()
    assert "bedömningsdag angavs" not in out + err


def test_closed_vocabularies_are_offered_and_read_in_words(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from reserverat.io import write_template

    for lang, words in (
        ("sv", '"hela den juridiska personen,en enhet"'),
        ("en", '"the whole legal person,a unit"'),
    ):
        book = tmp_path / f"mall-{lang}.xlsx"
        cols = write_template(book, lang, rr.load_ruleset("lou-4-18"))
        sheet = load_workbook(book)["Deklarationer"]
        letter = "ABCDEFGHIJKLMNOPQ"[cols.index("scope")]
        formulas = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
        assert formulas[f"{letter}2:{letter}1000"] == words
    path = tmp_path / "omfattning.csv"
    path.write_text(
        "Leverantör;Omfattning\nA;Hela den juridiska personen\nB;EN ENHET\nC;unit\nD;the whole "
        "legal person\nE;hela\nF;halva\n",
        encoding="utf-8",
    )
    rows = list(read_rows(path))
    assert [getattr(r.outcome, "scope", None) for r in rows] == [
        "legal_person",
        "unit",
        "unit",
        "legal_person",
        "legal_person",
        None,
    ]
    (warning,) = rows[-1].warnings
    assert (warning.code, warning.loc) == ("cell.choice", "B7 (Omfattning)")
    assert warning.message("sv") == (
        "läste 'halva': välj en av hela den juridiska personen; en enhet; uppgiften räknas som "
        "okänd"
    )
    assert warning.msg == (
        "read 'halva': choose one of the whole legal person; a unit; the fact counts as unknown"
    )
