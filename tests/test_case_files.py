"""Case files that check themselves: the expected table is validated before a case runs,
its words may be the reports' Swedish or English, and a broken case never hides the cases
before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reserverat.cli import main

DECL = Path(__file__).parent.parent / "examples" / "declarations" / "01-yalla-kooperativ.json"
HEAD = f'ruleset = "lou-4-18"\nas_of = 2017-12-11\ndeclaration = "{DECL}"\n'


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "fall.toml"
    path.write_text(body, encoding="utf-8")
    code = main(["test", str(path)])
    return code, capsys.readouterr().out.replace(str(path), "fall.toml")


def test_the_reports_words_may_stand_for_the_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        HEAD
        + '[expected]\noutcome = "Kvalificerad"\n'
        + '[expected.criteria.target-group-share]\nverdict = "uppfyllt"\n'
        + '[expected.criteria.main-purpose]\nverdict = "met"\n'
    )
    code, out = _run(tmp_path, capsys, body)
    assert (code, out.splitlines()) == (0, ["ok    fall", "godkända: 1, underkända: 0"])


@pytest.mark.parametrize(
    ("expected", "lines"),
    [
        (
            '[expected]\noutcome = "godkänd"\n',
            [
                "    fall.toml vid fall.expected.outcome: [not_allowed] skriv qualified, "
                "not_qualified eller undecided (eller rapportens ord, som 'kan inte avgöras') "
                "(angivet 'godkänd')",
            ],
        ),
        (
            '[expected]\noutcomes = "qualified"\n',
            [
                "    fall.toml vid fall.expected.outcomes: [unknown_field] okänd nyckel; "
                "menade du 'outcome'?",
            ],
        ),
        (
            '[expected.criteria.target-group-share]\nverdict = "uppfylld"\n'
            'reasons = ["share.mett"]\nevidence = ["staff_lists"]\n',
            [
                "    fall.toml vid fall.expected.criteria.target-group-share.verdict: "
                "[not_allowed] skriv met, not_met, undecided eller not_applicable (eller "
                "rapportens ord, som 'ej uppfyllt') (angivet 'uppfylld')",
                "    fall.toml vid fall.expected.criteria.target-group-share.reasons: "
                "[unknown_reason] ingen orsakskod 'share.mett'; menade du 'share.met'? "
                "(angivet 'share.mett')",
                "    fall.toml vid fall.expected.criteria.target-group-share.evidence: "
                "[unknown_evidence] ingen underlagskod 'staff_lists'; menade du 'staff_list'? "
                "(angivet 'staff_lists')",
            ],
        ),
        (
            'expected = "qualified"\n',
            ["    fall.toml vid fall.expected: [wrong_type] expected är en tabell"],
        ),
        (
            '[expected.criteria.target-group-share]\nreasons = ["share.met"]\n'
            "args = { target = 4, ocupied = 10 }\n",
            [
                "    fall.toml vid fall.expected.criteria.target-group-share.args.ocupied: "
                "[unknown_argument] ingen angiven orsak har argumentet 'ocupied'; menade du "
                "'occupied'? (angivet 'ocupied')",
            ],
        ),
        (
            "[expected.criteria.target-group-share]\nargs = { treshold = 0.3 }\n",
            [
                "    fall.toml vid fall.expected.criteria.target-group-share.args.treshold: "
                "[unknown_argument] ingen orsak har argumentet 'treshold'; menade du "
                "'threshold'? (angivet 'treshold')",
            ],
        ),
        (
            'rulset = "lou-4-18"\n[expected]\noutcome = "qualified"\n',
            ["    fall.toml vid fall.rulset: [unknown_field] okänd nyckel; menade du 'ruleset'?"],
        ),
    ],
)
def test_a_broken_expected_table_is_a_located_error_in_swedish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expected: str, lines: list[str]
) -> None:
    code, out = _run(tmp_path, capsys, HEAD + expected)
    assert code == 2
    assert out.splitlines() == ["FEL   fall.toml", *lines, "godkända: 0, underkända: 1"]


def test_a_date_that_is_no_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = HEAD.replace("as_of = 2017-12-11", 'as_of = "2017-13-01"') + "[expected]\n"
    code, out = _run(tmp_path, capsys, body)
    assert code == 2
    assert out.splitlines()[1] == (
        "    fall.toml vid fall.as_of: [wrong_type] as_of är ett datum, t.ex. "
        "as_of = 2017-12-11 (angivet '2017-13-01')"
    )


def test_cases_that_are_not_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, capsys, "case = 5\n")
    assert code == 2
    assert out.splitlines() == [
        "FEL   fall.toml",
        "    fall.toml vid case: [wrong_type] testfall skrivs som [[case]]-tabeller",
        "godkända: 0, underkända: 1",
    ]


def test_a_broken_case_keeps_the_results_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = "[[case]]\nname = \"bra\"\n" + HEAD + '[case.expected]\noutcome = "qualified"\n'
    bad = "[[case]]\nname = \"trasig\"\n" + HEAD + '[case.expected]\noutcome = "ja"\n'
    code, out = _run(tmp_path, capsys, good + bad)
    assert code == 2
    assert out.splitlines()[0] == "ok    bra"
    assert out.splitlines()[1] == "FEL   fall.toml"
    assert out.splitlines()[-1] == "godkända: 1, underkända: 1"


def test_a_criterion_the_rule_set_lacks_is_named_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = HEAD + '[expected.criteria.target-group-shares]\nverdict = "met"\n'
    code, out = _run(tmp_path, capsys, body)
    assert code == 1
    assert out.splitlines() == [
        "AVVIK fall (fall.toml)",
        "    target-group-shares: inget sådant kriterium i lou-4-18; menade du "
        "'target-group-share'?",
        "godkända: 0, underkända: 1",
    ]
