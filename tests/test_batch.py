"""Batch work: readers, the flat column mapping, batch output, compare, sweep, rule tests."""

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import reserverat as rr
from reserverat.batch import BatchSummary, ResultWriter, run_batch
from reserverat.cli import main
from reserverat.io import COLUMNS, read_rows, row_to_data, write_template

ROOT = Path(__file__).parent.parent
DECL = ROOT / "examples" / "declarations"
HEADER = (
    "supplier;legal_form;purpose.integration_main_aim;declared_on;workforce.reference_date;"
    "workforce.employed.headcount;workforce.employed.fte;workforce.employed.target_group.headcount;"
    "workforce.trainees.headcount;workforce.work_training.headcount;workforce.other.headcount;"
    "owners[0].name;owners[0].vote_share;scope"
)


def test_row_to_data_nests_paths_and_lists() -> None:
    data = row_to_data(
        {
            "supplier": "A",
            "workforce.employed.headcount": "3",
            "owners[1].name": "B",
            "owners[0].name": "",
            "purpose.integration_main_aim": "Ja",
            "sites[0].lat": None,
        }
    )
    assert data == {
        "supplier": "A",
        "workforce": {"employed": {"headcount": "3"}},
        "owners": [{"name": "B"}],
        "purpose": {"integration_main_aim": True},
    }


def test_swedish_csv_with_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(
        "\ufeff".encode()
        + (
            HEADER + "\n"
            "Kooperativet;ekonomisk förening;ja;2017-12-01;2017-12-01;10;7,5;3;0;0;0;Exempelby kommun;0,01;legal_person\n"
        ).encode()
    )
    (row,) = read_rows(path)
    assert row.source == f"{path} row 2"
    decl = row.outcome
    assert isinstance(decl, rr.Declaration)
    assert decl.workforce is not None and decl.workforce.employed is not None
    assert str(decl.workforce.employed.fte) == "7.5"
    assert decl.owners is not None and str(decl.owners[0].vote_share) == "0.01"
    assert decl.legal_form == "ekonomisk_forening"


def test_a_bad_cell_makes_the_fact_unknown_not_the_row_lost(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER
        + "\n"
        + "\n".join(
            [
                "A;aktiebolag;ja;2017-12-01;2017-12-01;10;;3;0;0;0;;;legal_person",
                "B;bolag;ja;2017-12-01;2017-12-01;10;;3;0;0;0;;;legal_person",
                ";;;;;;;;;;;;;",
                "C;aktiebolag;kanske;2017-12-01;2017-12-01;-1;;;0;0;0;;;",
                "D;aktiebolag;nej;2017-12-01;2017-12-01;4;;5;0;0;0;;;unit",
                ";aktiebolag;nej;2017-12-01;2017-12-01;4;;5;0;0;0;;;unit",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    rows = list(read_rows(path))
    assert [r.source.rsplit(" ", 1)[1] for r in rows] == ["2", "3", "5", "6", "7"]
    assert [r.name for r in rows] == ["A", "B", "C", "D", None]
    kinds = [type(r.outcome).__name__ for r in rows]
    assert kinds == ["Declaration"] * 4 + ["DeclarationError"]
    # Each unreadable or refused cell is a located warning; the supplier keeps the rest.
    given = [
        [(w.loc, w.code, w.input if w.has_input() else None) for w in r.warnings] for r in rows
    ]
    assert given[:4] == [
        [],
        [("B3 (legal_form)", "invalid", "bolag")],
        [
            ("C5 (purpose.integration_main_aim)", "cell.yes_no", "kanske"),
            ("F5 (workforce.employed.headcount)", "out_of_range", "-1"),
        ],
        [("F6 (workforce.employed.headcount)", "invalid", None)],
    ]
    assert rows[2].warnings[0].message("sv") == (
        "läste 'kanske': skriv ja eller nej; uppgiften räknas som okänd"
    )
    c = rows[2].outcome
    assert isinstance(c, rr.Declaration)
    assert c.purpose is None and c.legal_form == "aktiebolag"  # its one purpose cell: unknown
    d = rows[3].outcome
    assert isinstance(d, rr.Declaration) and d.workforce is not None
    assert d.workforce.employed is None  # 5 of 4 in the target group: the group is unknown
    err = rows[4].outcome
    assert isinstance(err, rr.DeclarationError)
    assert [(p.loc, p.code, p.message("sv")) for p in err.problems] == [
        ("supplier", "missing", "raden har inget giltigt leverantörsnamn och kan inte bedömas")
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["", "x", "1", "-3", "ja", "2017-12-01", "0,5", "aktiebolag", '"', ";"]
            ),
            min_size=3,
            max_size=3,
        ),
        max_size=15,
    )
)
def test_fuzzed_csv_never_loses_a_row(
    tmp_path_factory: pytest.TempPathFactory, cells: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["supplier", "workforce.employed.headcount", "legal_form"])
        w.writerows(cells)
    nonblank = (
        sum(
            1
            for row in csv.reader(path.open(encoding="utf-8"), delimiter=";")
            if any(c.strip() for c in row)
        )
        - 1
    )
    rows = list(read_rows(path))
    assert len(rows) == nonblank
    results = sum(isinstance(r.outcome, rr.Declaration) for r in rows)
    errors = sum(isinstance(r.outcome, rr.DeclarationError) for r in rows)
    assert results + errors == len(rows)


def test_jsonl_bad_lines_are_located(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"supplier": "A"}\n\n{"supplier": \n[1]\n{"supplier": "B", "legal_form": "x"}\n',
        encoding="utf-8",
    )
    rows = list(read_rows(path))
    assert [r.source.rsplit(" ", 1)[1] for r in rows] == ["1", "3", "4", "5"]
    assert [type(r.outcome).__name__ for r in rows] == [
        "Declaration",
        "DeclarationError",
        "DeclarationError",
        "DeclarationError",
    ]
    assert rows[1].outcome.problems[0].code == "bad_json"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b"\n\n", "empty"), (b"name,other\nA,1\n", "missing_column")],
)
def test_unreadable_files(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with pytest.raises(rr.DeclarationError) as info:
        list(read_rows(path))
    assert info.value.problems[0].code == code


def test_unknown_column_suggests(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("supplier,workforce.employed.headcont\nA,1\n", encoding="utf-8")
    with pytest.raises(rr.DeclarationError) as info:
        list(read_rows(path))
    (problem,) = info.value.problems
    assert (problem.code, problem.loc) == ("unknown_column", "B1 (workforce.employed.headcont)")
    assert "did you mean 'workforce.employed.headcount'" in problem.msg


def _book(tmp_path: Path) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Deklarationer"
    ws.append(
        ["supplier", "workforce.employed.headcount", "workforce.employed.target_group.headcount"]
    )
    ws.append(["A", 10, 3])
    ws.append(["B", "=2*5", 3])
    ws.append(["C", 10, 3])
    ws.append(["D", 4, 1])
    ws.merge_cells("A4:A5")
    path = tmp_path / "d.xlsx"
    book.save(path)
    return path


def test_excel_formulas_and_merged_cells_are_located(tmp_path: Path) -> None:
    rows = list(read_rows(_book(tmp_path)))
    assert len(rows) == 4
    assert isinstance(rows[0].outcome, rr.Declaration)
    formula = rows[1].outcome
    assert isinstance(formula, rr.DeclarationError)
    assert [(p.loc, p.code) for p in formula.problems] == [
        ("B3 (workforce.employed.headcount)", "formula")
    ]
    merged = rows[2].outcome
    assert isinstance(merged, rr.DeclarationError) and merged.problems[0].code == "merged_cell"


def test_excel_wrong_sheet(tmp_path: Path) -> None:
    with pytest.raises(rr.DeclarationError) as info:
        list(read_rows(_book(tmp_path), sheet="Blad2"))
    assert info.value.problems[0].code == "unknown_sheet"
    assert "Deklarationer" in info.value.problems[0].msg


def test_template_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "mall.xlsx"
    cols = write_template(path)
    assert cols[0] == "supplier" and set(COLUMNS) <= set(cols)
    book = load_workbook(path)
    sheet = book["Deklarationer"]
    assert [c.value for c in sheet[1]][:3] == ["supplier", "id", "organisationsnummer"]
    assert book["Kolumner"]["B2"].value == "leverantörens namn (den juridiska personen)"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"ja,nej"' in formulas and any("ekonomisk_forening" in f for f in formulas)
    sheet.append(["Mallföretaget AB"])
    book.save(path)
    (row,) = read_rows(path)
    assert isinstance(row.outcome, rr.Declaration) and row.outcome.supplier == "Mallföretaget AB"
    csv_path = tmp_path / "mall.csv"
    write_template(csv_path)
    assert csv_path.read_text(encoding="utf-8").startswith("supplier,id,organisationsnummer,")
    assert (tmp_path / "mall.kolumner.csv").exists()


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "xlsx"])
def test_batch_writes_every_row(tmp_path: Path, suffix: str) -> None:
    rules = rr.load_ruleset("lou-4-18")
    rows = list(read_rows(DECL / "11-for-lag-andel.json")) + list(read_rows(_book(tmp_path)))
    out = tmp_path / f"out.{suffix}"
    with ResultWriter(out, rules, "en") as writer:
        summary = run_batch(rows, rules, writer, as_of=rr.date(2017, 12, 11))
    assert (summary.rows, summary.results, summary.errors) == (5, 2, 3)  # A4:A5 merged: two rows
    if suffix == "jsonl":
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [("result" in x, "errors" in x) for x in lines] == [(True, False)] * 2 + [
            (False, True)
        ] * 3
    elif suffix == "csv":
        assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # English: no BOM, commas
        table = list(csv.DictReader(out.open(encoding="utf-8")))
        assert [r["Outcome"] for r in table] == [
            "NOT QUALIFIED",
            "UNDECIDED",
            "ERROR",
            "ERROR",
            "ERROR",
        ]
        share = "At least 30% of the persons occupied belong to the target groups"
        assert table[0][share] == "not met"
        assert "8 of 33 persons occupied" in table[0]["Reasons"]
        assert table[0]["Rule set"] == "lou-4-18" and table[0]["Evaluation date"] == "2017-12-11"
    else:
        book = load_workbook(out)
        sheet = book["Results"]
        assert sheet.max_row == 6
        assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:S6"
        assert sheet["A1"].font.b and sheet["D2"].fill.fgColor.rgb == "00FFC7CE"  # not qualified
        provenance = {r[0]: r[1] for r in book["Provenance"].iter_rows(values_only=True)}
        assert provenance["Rule set version"] == rules.version
        assert provenance["Rule set hash"] == rules.content_hash
        assert provenance["Evaluation date"] == "2017-12-11"
        assert provenance["Rows"] == "5"
        notes = list(book["Warnings and errors"].iter_rows(values_only=True))
        assert len(notes) == 1 + 3 and notes[0] == ("Source", "Supplier", "Where", "Message")


def test_compare_and_sweep_api() -> None:
    lou = rr.load_ruleset("lou-4-18")
    decls = [
        (p.name, d)
        for p in sorted(DECL.glob("*.json"))
        for d in rr.load_declarations(p)
        if isinstance(d, rr.Declaration)
    ]
    result = rr.compare(decls, lou, lou.with_params(threshold="0.25"), as_of=rr.date(2017, 12, 11))
    assert [f.source for f in result.gains] == []
    assert result.compared == len(decls)
    looser = rr.compare(decls, lou.with_params(threshold="0.25"), lou, as_of=rr.date(2017, 12, 11))
    assert looser.counts_a["qualified"] >= looser.counts_b["qualified"]
    rows = rr.sweep(
        [d for _, d in decls], lou, "threshold", ["0.2", "0.3", "0.5"], as_of=rr.date(2017, 12, 11)
    )
    qualified = [c["qualified"] for _, c in rows]
    assert qualified == sorted(qualified, reverse=True)


def test_compare_command(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(DECL.glob("*.json"))]
    assert (
        main(
            [
                "compare",
                *files,
                "--rules",
                "lou-4-18",
                "--set",
                "threshold=0.40",
                "--as-of",
                "2017-12-11",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {
        "a": {"qualified": 6, "not_qualified": 1, "undecided": 4},
        "b": {"qualified": 6, "not_qualified": 2, "undecided": 3},
    }
    assert [(x["before"], x["after"]) for x in data["losses"]] == [("undecided", "not_qualified")]
    assert data["criterion_flips"]["target-group-share"] == [
        {"after": "not_met", "before": "met", "count": 1}
    ]
    assert main(["compare", *files, "--rules", "lou-4-18", "--set", "treshold=0.4"]) == 2
    assert (
        "fel: --set vid treshold=0.4: [unknown_parameter] lou-4-18 har ingen parameter "
        "'treshold'; menade du 'threshold'?" in capsys.readouterr().err
    )


def test_test_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["test", str(ROOT / "tests" / "golden")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(", underkända: 0")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'ruleset = "lou-4-18"\nas_of = 2017-12-11\ndeclaration = { supplier = "X" }\n'
        '[expected]\noutcome = "qualified"\n',
        encoding="utf-8",
    )
    assert main(["test", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"AVVIK bad ({bad})",
        "    utfall: qualified väntades, blev undecided",
        "godkända: 0, underkända: 1",
    ]
    assert main(["test", str(bad), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"FAIL  bad ({bad})",
        "    outcome: expected qualified, got undecided",
        "0 passed, 1 failed",
    ]


def _dup_summary(tmp_path: Path, rows: list[dict[str, str]]) -> BatchSummary:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    rules = rr.load_ruleset("lou-4-18")
    with ResultWriter(tmp_path / "out.jsonl", rules) as writer:
        return run_batch(read_rows(src), rules, writer, as_of=rr.date(2017, 12, 11))


def _dup_batch(tmp_path: Path, rows: list[dict[str, str]]) -> list[tuple[str, str, str, int]]:
    summary = _dup_summary(tmp_path, rows)
    return [
        (a.rsplit(" ", 1)[-1], b.rsplit(" ", 1)[-1], d.reason, round(d.score))
        for a, b, d in summary.duplicates
    ]


DUP_ROWS = [
    {"supplier": "Alfa Arbete AB", "organisationsnummer": "556036-0793"},
    {"supplier": "Beta Bygg AB", "organisationsnummer": "556036-0793"},
    {"supplier": "alfa arbete ab"},
    {"supplier": "Gamma Grönt ekonomisk förening"},
    {"supplier": "Gamma Gront ekonomisk forening"},
    {"supplier": "Delta Däck AB", "organisationsnummer": "556036-0793"},
]


def test_batch_flags_duplicates(tmp_path: Path) -> None:
    # Same organisationsnummer (rows 2 and 6 with row 1), same normalised name (row 3 with
    # row 1) and, in a small batch, similar names (row 5 with row 4).
    assert _dup_batch(tmp_path, DUP_ROWS) == [
        ("1", "2", "organisationsnummer", 100),
        ("1", "3", "name", 100),
        ("1", "6", "organisationsnummer", 100),
        ("4", "5", "name", 93),
    ]


def test_batch_duplicates_beyond_the_fuzzy_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past FUZZY_LIMIT rows only exact keys are compared, whatever the batch's length.
    monkeypatch.setattr("reserverat.batch.FUZZY_LIMIT", 3)
    assert _dup_batch(tmp_path, DUP_ROWS) == [
        ("1", "2", "organisationsnummer", 100),
        ("1", "3", "name", 100),
        ("1", "6", "organisationsnummer", 100),
    ]


@pytest.mark.parametrize("fuzzy_limit", [5_000, 3])
def test_batch_counts_every_duplicate_and_lists_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fuzzy_limit: int
) -> None:
    monkeypatch.setattr("reserverat.batch.FUZZY_LIMIT", fuzzy_limit)
    monkeypatch.setattr("reserverat.batch.MAX_PAIRS", 2)
    summary = _dup_summary(tmp_path, DUP_ROWS)
    assert summary.duplicate_count == (4 if fuzzy_limit > 3 else 3)
    assert [b.rsplit(" ", 1)[-1] for _, b, _ in summary.duplicates] == ["2", "3"]


def test_batch_summary_says_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("reserverat.batch.MAX_PAIRS", 1)
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in DUP_ROWS), encoding="utf-8"
    )
    main(
        [
            "batch",
            str(src),
            "--rules",
            "lou-4-18",
            "--as-of",
            "2017-12-11",
            "--out",
            str(tmp_path / "o.csv"),
            "--lang",
            "en",
            "--no-progress",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if "duplicate" in line] == [
        f"  possible duplicate: {src} line 1 ~ {src} line 2 (organisationsnummer)",
        "  … 3 more possible duplicates",
    ]


def test_batch_compact_writes_verdicts_reasons_and_evidence(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "batch",
            str(DECL / "11-for-lag-andel.json"),
            str(DECL / "06-gammal-forsakran.json"),
            "--rules",
            "lou-4-18",
            "--as-of",
            "2017-12-11",
            "--out",
            str(out),
            "--compact",
        ]
    )
    assert code == 1  # not everyone qualified
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = lines[0]["result"]
    assert first["outcome"] == "not_qualified"
    assert first["criteria"]["target-group-share"] == {
        "verdict": "not_met",
        "reasons": ["share.below"],
        "evidence": [],
    }
    assert first["supplier"]["name"] == "Fastighetsservice Exempelby AB"
    assert (first["ruleset_id"], first["as_of"]) == ("lou-4-18", "2017-12-11")
    stale = lines[1]["result"]
    assert stale["criteria"]["current-declaration"]["verdict"] == "undecided"
    assert stale["criteria"]["current-declaration"]["reasons"] == ["age.stale"]
    assert stale["evidence"] == ["truth_declaration", "staff_list"]
    # The compact line is the full result's compact form.
    full = rr.evaluate(
        rr.load_declarations(DECL / "06-gammal-forsakran.json")[0],
        rr.load_ruleset("lou-4-18"),
        as_of=rr.date(2017, 12, 11),
    )
    assert stale == json.loads(full.compact().to_json())


def test_batch_compact_is_jsonl_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    args = ["batch", str(DECL / "11-for-lag-andel.json"), "--rules", "lou-4-18", "--compact"]
    code = main([*args, "--out", str(out)])
    assert code == 2
    assert "[compact_jsonl_only]" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_an_error_line_carries_the_message_in_both_languages(tmp_path: Path) -> None:
    rows = tmp_path / "anbud.jsonl"
    rows.write_text('{"supplier": "A AB", "founded": "2020-13-01"}\n', encoding="utf-8")
    out = tmp_path / "resultat.jsonl"
    assert main(["batch", str(rows), "--rules", "lou-4-18", "--as-of", "2024-01-01", "--out", str(out), "--no-progress"]) == 2
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    (problem,) = line["errors"]
    assert (problem["code"], problem["loc"], problem["msg_sv"]) == (
        "wrong_type",
        "founded",
        "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    )
    assert problem["msg"].startswith("Input should be a valid date")


def test_the_provenance_names_each_input_file_once(tmp_path: Path) -> None:
    """A JSONL's lines and a JSON list's items are rows of one file, as a sheet's rows are
    (the set kept one entry per line before, and grew with the batch)."""
    from openpyxl import load_workbook

    lines = tmp_path / "anbud.jsonl"
    lines.write_text('{"supplier": "A"}\n{"supplier": "B"}\n', encoding="utf-8")
    many = tmp_path / "fler.json"
    many.write_text('[{"supplier": "C"}, {"supplier": "D"}]', encoding="utf-8")
    out = tmp_path / "resultat.xlsx"
    args = ["--rules", "lou-4-18", "--as-of", "2024-01-01", "--out", str(out), "--no-progress"]
    assert main(["batch", str(lines), str(many), *args]) == 1
    info = dict(load_workbook(out)["Underlag"].iter_rows(values_only=True))
    assert info["Indatafiler"] == f"{lines}, {many}"
