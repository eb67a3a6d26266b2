"""Declarations: what is accepted, what is refused, and where the refusal points."""

import json
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.declaration import load_declarations


def _codes(data: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(rr.DeclarationError) as info:
        rr.parse_declaration(data, source="d.json")
    assert all(p.source == "d.json" for p in info.value.problems)
    return [(p.code, p.loc) for p in info.value.problems]


def test_absent_is_not_zero() -> None:
    d = rr.Declaration(supplier="X", workforce={"employed": {"headcount": 3}})
    assert d.workforce is not None and d.workforce.trainees is None
    assert d.workforce.employed is not None and d.workforce.employed.target_group is None
    assert d.owners is None and rr.Declaration(supplier="X", owners=[]).owners == ()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"supplier": "X", "workforce": {"employed": {"headcount": -1}}},
            [("out_of_range", "workforce.employed.headcount")],
        ),
        (
            {
                "supplier": "X",
                "workforce": {"employed": {"headcount": 2, "target_group": {"headcount": 3}}},
            },
            [("invalid", "workforce.employed")],
        ),
        (
            {"supplier": "X", "workforce": {"declared_share": 1.2}},
            [("out_of_range", "workforce.declared_share")],
        ),
        ({"supplier": "X", "legal_form": "aktiebolaget"}, [("invalid", "legal_form")]),
        (
            {"supplier": "X", "organisationsnummer": "556987-6543"},
            [("invalid", "organisationsnummer")],
        ),
        (
            {
                "supplier": "X",
                "owners": [
                    {"name": "A", "capital_share": 0.7},
                    {"name": "B", "capital_share": 0.4},
                ],
            },
            [("invalid", "owners")],  # located at the list it is about
        ),
        (
            {"supplier": "X", "workforce": {"employed": {"headcount": "many"}}},
            [("wrong_type", "workforce.employed.headcount")],
        ),
        ({"supplier": "X", "wokforce": {}}, [("unknown_field", "wokforce")]),
        ({"workforce": {}}, [("missing", "supplier")]),
        ({"supplier": "X", "sites": [{"lat": 59.2}]}, [("invalid", "sites[0]")]),
        (
            {"supplier": "X", "salaries": {"lowest": 30000, "highest": 20000}},
            [("invalid", "salaries")],
        ),
        (
            {
                "supplier": "X",
                "workforce": {
                    "employed": {
                        "headcount": 4,
                        "target_group": {"headcount": 3, "by_category": {"disability": 1}},
                    }
                },
            },
            [("invalid", "workforce.employed.target_group")],
        ),
    ],
)
def test_bad_declarations_are_located(
    data: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert _codes(data) == expected


def test_every_problem_is_reported_at_once() -> None:
    codes = _codes(
        {"supplier": "", "legal_form": "bolag", "workforce": {"employed": {"headcount": -2}}}
    )
    assert [loc for _, loc in codes] == ["supplier", "legal_form", "workforce.employed.headcount"]


def test_unknown_legal_form_suggests_the_nearest() -> None:
    with pytest.raises(rr.DeclarationError) as info:
        rr.parse_declaration({"supplier": "X", "legal_form": "ekonomisk forenig"})
    assert "did you mean 'ekonomisk_forening'" in info.value.problems[0].msg


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("AB", "aktiebolag"),
        ("Ekonomisk förening", "ekonomisk_forening"),
        ("ideell förening", "ideell_forening"),
        ("enskild näringsidkare", "enskild_firma"),
        ("KB", "handelsbolag"),
        ("stiftelse", "stiftelse"),
    ],
)
def test_legal_form_spellings(given: str, expected: str) -> None:
    assert rr.Declaration(supplier="X", legal_form=given).legal_form == expected


def test_organisationsnummer_is_normalised() -> None:
    assert (
        rr.Declaration(supplier="X", organisationsnummer="165569876542").organisationsnummer
        == "556987-6542"
    )


def test_file_with_a_list_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    rows = [
        {"supplier": "A"},
        {"supplier": "B", "workforce": {"employed": {"headcount": -1}}},
        7,
        {"supplier": "C"},
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    out = load_declarations(path)
    assert [type(r.outcome).__name__ for r in out.rows] == [
        "Declaration",
        "DeclarationError",
        "DeclarationError",
        "Declaration",
    ]
    assert [r.source for r in out.rows] == [f"{path}[{i}]" for i in range(4)]
    assert [d.supplier for d in out.declarations] == ["A", "C"]
    assert len(out) == 4 and len(out.errors) == 2
    assert out.rows[1].name == "B" and out.rows[1].declaration is None
    err = out.rows[1].error
    assert isinstance(err, rr.DeclarationError)
    assert str(err.problems[0]).startswith(
        f"{path}[1] at workforce.employed.headcount (Persons occupied › employees › headcount): "
        "[out_of_range] Input should be greater than or equal to 0 (got -1)"
    )
    # Asking for a bad row by its place raises its located error: nothing is skipped.
    assert out[0].supplier == "A" and out[3].supplier == "C"
    with pytest.raises(rr.DeclarationError) as info:
        out[1]
    assert info.value is err
    with pytest.raises(rr.DeclarationError):
        list(out)
    assert [d.supplier for d in out[3:]] == ["C"]


@pytest.mark.parametrize(
    ("text", "code", "loc"),
    [
        ("{", "bad_json", "line 1 column 2"),
        ("", "bad_json", "line 1 column 1"),
        ('"x"', "wrong_type", ""),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, code: str, loc: str) -> None:
    path = tmp_path / "d.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rr.DeclarationError) as info:
        load_declarations(path)
    assert [(p.code, p.loc) for p in info.value.problems] == [(code, loc)]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"supplier": "Åre"}).encode())
    (d,) = load_declarations(path)
    assert isinstance(d, rr.Declaration) and d.supplier == "Åre"


def test_personnummer_never_echoed_in_errors() -> None:
    with pytest.raises(rr.DeclarationError) as info:
        rr.parse_declaration({"supplier": "X", "organisationsnummer": "19121212-1213"})
    text = str(info.value)
    assert "1212" not in text.replace("******-****", "")
    assert info.value.problems[0].to_dict()["input"] == "******-****"


def test_missing_evaluation_date_is_an_error() -> None:
    with pytest.raises(rr.EvaluationError) as info:
        rr.evaluate(rr.Declaration(supplier="X"), rr.load_ruleset("lou-4-18"))
    assert info.value.problems[0].code == "missing_date"
