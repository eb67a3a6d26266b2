"""The buyer's trial, end to end (USER-TRIALS.md part A): a rule set's template, filled as
people fill it, batch to XLSX, CSV and HTML; every supplier assessed or warned about."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from reserverat.cli import main

# A field path as the code writes it (as in test_labels): snake_case parts joined by dots.
PATH = re.compile(r"\b[a-z]{2,}(?:_[a-z]+)*(?:\[\d+\])?\.[a-z]{2,}(?:_[a-z]+)*\b")

# The template's Swedish headers, shortened for the table below.
H = {
    "name": "Leverantör",
    "org": "Organisationsnummer",
    "scope": "Omfattning",
    "unit": "Enhetens namn",
    "declared": "Försäkrans datum",
    "sheltered": "Syfte › skyddad verkstad (ja/nej)",
    "aim": "Syfte › främsta syfte: social och yrkesmässig integrering (ja/nej)",
    "refdate": "Sysselsatta › referensdag",
    "emp": "Sysselsatta › anställda › antal personer",
    "emp_tg": "Sysselsatta › anställda › i målgrupperna › antal personer",
    "trn": "Sysselsatta › praktikanter › antal personer",
    "trn_tg": "Sysselsatta › praktikanter › i målgrupperna › antal personer",
    "wt": "Sysselsatta › arbetsträning › antal personer",
    "wt_tg": "Sysselsatta › arbetsträning › i målgrupperna › antal personer",
    "oth": "Sysselsatta › övriga › antal personer",
    "oth_tg": "Sysselsatta › övriga › i målgrupperna › antal personer",
}

_BASE = {
    "scope": "Hela den juridiska personen",
    "declared": "2024-02-15",
    "sheltered": "nej",
    "aim": "Ja",
    "refdate": "15/2/2024",
    "trn": 0,
    "trn_tg": 0,
    "wt": 0,
    "wt_tg": 0,
    "oth": 0,
    "oth_tg": 0,
}

# Twenty suppliers as people type them, and the outcome each must get (with the reason).
SUPPLIERS: list[tuple[dict[str, Any], str]] = [
    ({"name": "Alfa Arbetsintegrering AB", "org": "556677-0011", "emp": "12 st", "emp_tg": "5"}, "KVALIFICERAD"),  # 5 of 12
    ({"name": "Beta Service AB", "org": "556677-0029", "emp": 12, "emp_tg": 3}, "INTE KVALIFICERAD"),  # 25 %
    ({"name": "Gamma Kooperativ ekonomisk förening", "org": "769600-1010", "emp": 10, "emp_tg": 3}, "KVALIFICERAD"),  # 30 %, the limit counts
    ({"name": "Delta Fastighet AB", "org": "556677-0037", "scope": None, "emp": 10, "emp_tg": 5}, "KAN INTE AVGÖRAS"),  # scope left blank
    ({"name": "Epsilon Tjänster AB", "org": "556677-0045", "emp": 10, "emp_tg": "3,5"}, "KAN INTE AVGÖRAS"),  # half a person
    ({"name": "Zeta Grönyta AB", "org": "556677-0052", "aim": "x", "emp": 8, "emp_tg": 4}, "KVALIFICERAD"),  # x for yes
    ({"name": "Eta Park AB", "org": "556677-0060", "aim": "Ja ", "emp": 20, "emp_tg": 6}, "KVALIFICERAD"),  # "Ja " with a space
    ({"name": "Theta Miljö AB", "org": "556677-0078", "aim": "jaa", "emp": 10, "emp_tg": 5}, "KAN INTE AVGÖRAS"),  # a typo in yes/no
    ({"name": "Iota Städ AB", "org": "556677-0087", "emp": 10, "emp_tg": 4}, "KVALIFICERAD"),  # wrong check digit: only the number is lost
    ({"name": "Kappa Service AB", "org": "556677-0094", "emp": 10, "emp_tg": 4, "oth": None, "oth_tg": None}, "KAN INTE AVGÖRAS"),  # "övriga" left blank
    ({"name": "Lambda Tvätt AB", "org": "556677-0102", "declared": "2022-01-10", "emp": 10, "emp_tg": 4}, "KAN INTE AVGÖRAS"),  # an old declaration: ask for a current one
    ({"name": "My Omsorg ideell förening", "org": "802400-1110", "scope": "en enhet", "unit": "Café Solen", "emp": 10, "emp_tg": 4}, "KAN INTE AVGÖRAS"),  # one unit's figures
    ({"name": "Ny Verkstad AB", "org": "556677-0110", "sheltered": "ja", "aim": None, "emp": 6, "emp_tg": 6}, "KVALIFICERAD"),  # a sheltered workshop
    ({"name": "Xi Trädgård AB", "org": "556677-0128", "emp": "21,5", "emp_tg": 8}, "KAN INTE AVGÖRAS"),  # 21.5 persons
    ({"name": "Omikron Måleri AB", "org": "556677-0136", "emp": 5, "emp_tg": 6}, "KAN INTE AVGÖRAS"),  # more in the groups than in all
    ({"name": "Pi Fastighetsskötsel AB", "org": "556677-0144", "refdate": "2024-01-31", "emp": 15, "emp_tg": 5}, "KVALIFICERAD"),  # 33 %
    ({"name": "Rho Tvätteri AB", "org": "556677-0151", "emp": 10, "emp_tg": 1, "trn": 4, "trn_tg": 4}, "KVALIFICERAD"),  # 5 of 14, trainees count
    ({"name": "Sigma Café ideell förening", "org": "802400-1128", "aim": "JA", "emp": 2, "emp_tg": 0, "wt": 3, "wt_tg": 3}, "KVALIFICERAD"),  # 3 of 5 in work training
    ({"name": "Tau Bygg AB", "org": "556677-0169", "aim": "nej", "emp": 10, "emp_tg": 5}, "INTE KVALIFICERAD"),  # no such purpose
    ({"name": "Ypsilon Städ AB", "org": "556677-0177", "refdate": "2022-12-01", "emp": 10, "emp_tg": 5}, "KAN INTE AVGÖRAS"),  # old workforce figures: ask again
]  # fmt: skip


def _fill(book: Path) -> None:
    """The template as a person fills it: a merged title row above the header, the rows,
    an empty row in the middle and a =SUMMA() row at the end."""
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb["Deklarationer"]
    header = [c.value for c in ws[1]]
    assert set(H.values()) <= set(header)
    ws.insert_rows(1)
    ws["A1"] = "Anbud: skötsel av grönytor, dnr 2024/117"
    ws.merge_cells("A1:F1")
    for n, (row, _) in enumerate(SUPPLIERS):
        values = {**_BASE, **row}
        ws.append([values.get(key) for key in (_key(h) for h in header)])
        if n == 9:
            ws.append([None] * len(header))  # an empty row: skipped, not an error
    emp = header.index(H["emp"])
    total = [None] * len(header)
    total[emp] = f"=SUMMA({_col(emp)}3:{_col(emp)}23)"
    ws.append(total)
    wb.save(book)


def _key(header: Any) -> str:
    return next((k for k, v in H.items() if v == header), "")


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("trial")
    book = folder / "anbud.xlsx"
    assert main(["template", str(book), "--rules", "lou-4-18"]) == 0
    _fill(book)
    procurement = folder / "upphandling.json"
    procurement.write_text(
        json.dumps(
            {
                "authority": "Exempelby kommun",
                "title": "Skötsel av grönytor",
                "reference": "2024/117",
                "submission_date": "2024-03-15",
                "main_cpv": "77314000",
            }
        ),
        encoding="utf-8",
    )
    codes = {}
    for suffix in ("xlsx", "csv", "html"):
        out = folder / f"resultat.{suffix}"
        codes[suffix] = main(
            [
                "batch",
                str(book),
                "--rules",
                "lou-4-18",
                "--procurement",
                str(procurement),
                "--assessor",
                "Anna Andersson",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
    return {"folder": folder, "book": book, "codes": codes}


EXPECTED = [outcome for _, outcome in SUPPLIERS] + ["FEL"]
NAMES = [row["name"] for row, _ in SUPPLIERS] + [""]


def test_every_supplier_is_assessed_and_the_sum_row_is_an_error(trial: dict[str, Any]) -> None:
    # Exit 2: one row (the sum) is bad input; every other row is still written.
    assert trial["codes"] == {"xlsx": 2, "csv": 2, "html": 2}
    table = list(
        csv.DictReader(
            (trial["folder"] / "resultat.csv").open(encoding="utf-8-sig"), delimiter=";"
        )
    )
    assert [r["Leverantör"] for r in table] == NAMES
    assert [r["Utfall"] for r in table] == EXPECTED
    counts = {k: EXPECTED.count(k) for k in set(EXPECTED)}
    assert counts == {
        "KVALIFICERAD": 9,
        "INTE KVALIFICERAD": 2,
        "KAN INTE AVGÖRAS": 9,
        "FEL": 1,
    }
    # The sum row says where and why, in Swedish.
    assert table[-1]["Källa"].endswith("anbud.xlsx blad Deklarationer rad 24")
    assert "[formula] en formel, inget värde: klistra in värdena (Klistra in värden)" in (
        table[-1]["Fel"]
    )


def test_each_unreadable_cell_is_warned_about_where_it_is(trial: dict[str, Any]) -> None:
    table = list(
        csv.DictReader(
            (trial["folder"] / "resultat.csv").open(encoding="utf-8-sig"), delimiter=";"
        )
    )
    warned = {r["Leverantör"]: r["Varningar"] for r in table if r["Varningar"]}
    assert warned == {
        "Epsilon Tjänster AB": (
            f"Cell K7 ({H['emp_tg']}): läste '3,5': ett antal personer är ett heltal; "
            "uppgiften räknas som okänd."
        ),
        "Theta Miljö AB": (
            f"Cell H10 ({H['aim']}): läste 'jaa': skriv ja eller nej; uppgiften räknas som okänd."
        ),
        "Iota Städ AB": (
            f"Cell C11 ({H['org']}): kontrollsiffran stämmer inte (det kan vara en "
            "felskrivning); uppgiften räknas som okänd."
        ),
        "Xi Trädgård AB": (
            f"Cell J17 ({H['emp']}): läste '21,5': ett antal personer är ett heltal; "
            "uppgiften räknas som okänd."
        ),
        "Omikron Måleri AB": (
            f"Cell J18 ({H['emp']}): antalet i målgrupperna (6) är större än antalet personer "
            "(5); uppgiften räknas som okänd."
        ),
    }


def test_the_result_workbook_has_swedish_headers_and_its_provenance(
    trial: dict[str, Any],
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(trial["folder"] / "resultat.xlsx")
    assert wb.sheetnames == ["Resultat", "Underlag", "Varningar och fel"]
    rows = list(wb["Resultat"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:5] == ["Källa", "Leverantör", "Organisationsnummer", "Utfall", "Risk"]
    assert "Minst 30\xa0% av de sysselsatta tillhör målgrupperna" in header
    assert [r[1] or "" for r in rows[1:]] == NAMES
    assert [r[3] for r in rows[1:]] == EXPECTED
    info = dict(wb["Underlag"].iter_rows(values_only=True))
    assert info["Regelverk"] == "lou-4-18: Reserverat kontrakt enligt LOU 4 kap. 18 § första stycket 1"
    assert info["Bedömningsdag"] == "2024-03-15"
    assert info["Upphandling"] == "2024/117"
    assert str(info["Regelverkets kontrollsumma"]).startswith("sha256:")
    assert info["Rader"] == "21"
    notes = list(wb["Varningar och fel"].iter_rows(values_only=True))
    assert [n[1] or "" for n in notes[1:]] == [
        "Epsilon Tjänster AB",
        "Theta Miljö AB",
        "Iota Städ AB",
        "Xi Trädgård AB",
        "Omikron Måleri AB",
        "",
    ]


def test_the_csv_is_what_swedish_excel_opens(trial: dict[str, Any]) -> None:
    data = (trial["folder"] / "resultat.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfK\xc3\xa4lla;Leverant\xc3\xb6r;")  # BOM, semicolons
    assert b"\r\n" in data


def test_the_html_report_is_for_people(trial: dict[str, Any]) -> None:
    page = (trial["folder"] / "resultat.html").read_text(encoding="utf-8")
    header = page[page.index('<header class="report">') : page.index("</header>")]
    assert re.findall(r">([^<]+)<", header)[:11] == [
        "Bedömning av reserverat kontrakt",
        "Upphandlande organisation",
        "Exempelby kommun",
        "Upphandling",
        "Skötsel av grönytor",
        "Diarienummer eller referens",
        "2024/117",
        "Huvudsaklig CPV-kod",
        "77314000",
        "Bedömningsdag",
        "2024-03-15",
    ]
    assert "<dt>Bedömd av</dt><dd>Anna Andersson</dd>" in header
    assert "21 underlag: 9 kvalificerade, 2 inte kvalificerade, 9 kan inte avgöras, 1 med fel" in (
        page
    )
    assert page.count('<section class="page result"') == 20
    assert page.count('<section class="page error"') == 1
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    # The input file's own name is the only dotted word (it says where the sum row is).
    assert sorted(set(PATH.findall(text))) == ["anbud.xlsx"]
    for english in ("Outcome", "Criteria", "Evidence to ask for", "not met", "undecided"):
        assert english not in text
