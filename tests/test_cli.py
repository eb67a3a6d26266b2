"""The reserverat command: exact output in Swedish and English, exit codes, errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reserverat.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
DECL = EXAMPLES / "declarations"
EXPECTED = Path(__file__).parent / "expected"
PROC = str(EXAMPLES / "procurement.json")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.replace(str(ROOT) + "/", ""), err.replace(str(ROOT) + "/", "")


def _golden(name: str, text: str) -> None:
    path = EXPECTED / name
    if os.environ.get("RESERVERAT_REGENERATE"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_check_text_exact(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    code, out, err = _run(
        capsys,
        "check",
        str(DECL / "11-for-lag-andel.json"),
        "--rules",
        "lou-4-18",
        "--procurement",
        PROC,
        "--lang",
        lang,
    )
    assert (code, err) == (1, "")
    _golden(f"check-11-lou-4-18.{lang}.txt", out)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_check_markdown_exact(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    code, out, _ = _run(
        capsys,
        "check",
        str(DECL / "06-gammal-forsakran.json"),
        "--rules",
        "lou-4-18",
        "--as-of",
        "2017-12-11",
        "--lang",
        lang,
        "--format",
        "markdown",
    )
    assert code == 1
    _golden(f"check-06-lou-4-18.{lang}.md", out)


def test_check_json_is_canonical_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(DECL.glob("*.json"))]
    code, out, _ = _run(
        capsys,
        "check",
        *files,
        "--rules",
        "asf-tillvaxtverket",
        "--procurement",
        PROC,
        "--format",
        "json",
    )
    assert code == 1
    items = json.loads(out)
    assert [i["source"] for i in items] == [f"examples/declarations/{Path(f).name}" for f in files]
    assert {i["result"]["outcome"] for i in items} == {"qualified", "not_qualified", "undecided"}
    _, out2, _ = _run(
        capsys,
        "check",
        *files,
        "--rules",
        "asf-tillvaxtverket",
        "--procurement",
        PROC,
        "--format",
        "json",
    )
    assert out2 == out


def test_exit_zero_when_all_qualify(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "check",
        str(DECL / "01-yalla-kooperativ.json"),
        "--rules",
        "asf-skoopi",
        "--procurement",
        PROC,
    )
    assert code == 0
    assert "Utfall: KVALIFICERAD" in out


def test_bad_input_is_located_and_other_rows_survive(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"supplier": "A", "workforce": {"employed": {"headcount": -3}}},
                {"supplier": "B", "legal_form": "aktiebolagg"},
            ]
        ),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out, err = _run(
        capsys,
        "check",
        str(DECL / "01-yalla-kooperativ.json"),
        str(bad),
        str(broken),
        "--rules",
        "lou-4-18",
        "--as-of",
        "2017-12-11",
        "--lang",
        "en",
    )
    assert code == 2
    assert "Outcome: QUALIFIED" in out
    # Each error is printed once, in the report; standard error says how many.
    assert (
        f"ERROR: {bad}[0] at workforce.employed.headcount (Persons occupied › employees › "
        "headcount): [out_of_range]" in out
    )
    assert (
        f"ERROR: {bad}[1] at legal_form: [invalid] unknown legal form 'aktiebolagg'; did you mean 'aktiebolag'?"
        in out
    )
    assert f"ERROR: {broken} at line 1 column 2: [bad_json]" in out
    assert err == "error: 3 inputs could not be assessed; see the errors in the report\n"
    assert "Traceback" not in err + out
    # Every input is counted once: 1 result and 3 errors (two rows and one unreadable file).
    assert out.endswith(
        "Summary: 4 inputs: 1 qualified, 0 not qualified, 0 undecided, 3 with errors\n"
    )


def test_unknown_rules_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, "check", str(DECL / "01-yalla-kooperativ.json"), "--rules", "lou-4-81"
    )
    assert code == 2
    assert out == ""
    assert (
        err
        == "fel: <rules>: [unknown_ruleset] inget regelverk 'lou-4-81'; menade du 'lou-4-18'? "
        "(angivet 'lou-4-81')\n"
    )
    code, out, err = _run(
        capsys, "check", str(DECL / "01-yalla-kooperativ.json"), "--rules", "lou-4-81", "--lang", "en"
    )
    assert (code, out) == (2, "")
    assert err == (
        "error: <rules>: [unknown_ruleset] no rule set 'lou-4-81'; did you mean 'lou-4-18'? "
        "(got 'lou-4-81')\n"
    )


def test_bad_option_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "x.json", "--rules", "lou-4-18", "--as-of", "2017-13-01"])
    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        "reserverat check: fel: [bad_option] argument --as-of: inget datum (ÅÅÅÅ-MM-DD): "
        "'2017-13-01'\n"
    )
    with pytest.raises(SystemExit) as info:
        main(["check", "x.json", "--rules", "lou-4-18", "--as-of", "2017-13-01", "--lang", "en"])
    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        "reserverat check: error: [bad_option] argument --as-of: not a date (YYYY-MM-DD): "
        "'2017-13-01'\n"
    )


def test_rules_list_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "list", "--lang", "en")
    assert code == 0
    _golden("rules-list.en.txt", out)


def test_rules_show_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "show", "asf-skoopi", "--lang", "en")
    assert code == 0
    _golden("rules-show-asf-skoopi.en.txt", out)


def test_rules_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nversion = "1"\n', encoding="utf-8")
    code, out, err = _run(
        capsys, "rules", "validate", str(ROOT / "rules" / "lou-4-18.toml"), str(bad)
    )
    assert code == 2
    assert out.startswith("rules/lou-4-18.toml: ok (lou-4-18 2.0.1 sha256:")
    assert f"fel: {bad} vid title (Titel): [missing] uppgiften saknas" in err
    assert f"fel: {bad} vid criteria: [missing] uppgiften saknas" in err


@pytest.mark.parametrize("what", ["declaration", "procurement", "result"])
def test_schema(capsys: pytest.CaptureFixture[str], what: str) -> None:
    code, out, _ = _run(capsys, "schema", what)
    assert code == 0
    schema = json.loads(out)
    assert schema["type"] == "object"
    assert {"declaration": "supplier", "procurement": "submission_date", "result": "outcome"}[
        what
    ] in schema["properties"]


def test_installed_command_runs_as_a_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reserverat.cli", "rules", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("asf-skoopi ")


def test_group_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys,
        "group",
        str(EXAMPLES / "groups" / "tva-sociala-foretag.json"),
        "--rules",
        "lou-4-18",
        "--procurement",
        PROC,
        "--lang",
        "en",
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "Group tender: Kooperativet och Återbruket (gemensamt anbud)",
        "Outcome: QUALIFIED",
        "Group policy: each_member (every member the group relies on must meet the criterion)",
    ]
    assert (
        "[met] target-group-share: every member the group relies on must meet the criterion"
        in lines
    )
    assert "subcontractor: does not count: never carries the status for the tenderer" in lines


def test_group_command_bad_member(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    group = tmp_path / "g.json"
    group.write_text(
        json.dumps({"name": "G", "members": [{"declaration": "missing.json"}]}), encoding="utf-8"
    )
    code, out, err = _run(
        capsys, "group", str(group), "--rules", "lou-4-18", "--as-of", "2017-12-11"
    )
    assert (code, out) == (2, "")
    assert f"{tmp_path / 'missing.json'}" in err and "[not_found]" in err


def test_register_option_and_duplicate_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "reg.toml"
    rules.write_text(
        'id = "reg"\nversion = "1"\ntitle = { sv = "R", en = "R" }\nlegal_basis = [{ instrument = "X" }]\n'
        '[[criteria]]\nid = "in-register"\ntitle = { sv = "r", en = "r" }\ncitation = { instrument = "X" }\n'
        'check = { kind = "registered_in", register_id = "ideburna" }\n',
        encoding="utf-8",
    )
    twice = [str(DECL / "02-forening-second-hand.json"), str(DECL / "02-forening-second-hand.json")]
    register = f"ideburna={Path(__file__).parent / 'data' / 'ideburna-register.csv'}"
    code, out, err = _run(
        capsys,
        "check",
        *twice,
        "--rules",
        str(rules),
        "--as-of",
        "2024-01-01",
        "--register",
        register,
        "--lang",
        "en",
    )
    assert code == 0
    assert "In the register ideburna under organisation number 802456-7896" in out
    assert err == (
        "warning: possible duplicate supplier: examples/declarations/02-forening-second-hand.json and "
        "examples/declarations/02-forening-second-hand.json: same organisationsnummer\n"
    )
    code, _, err = _run(capsys, "check", *twice[:1], "--rules", str(rules), "--register", "nope")
    assert code == 2
    assert err == "fel: --register vid nope: [bad_option] skriv ID=SÖKVÄG.csv\n"


def test_check_botkyrka_exact(capsys: pytest.CaptureFixture[str]) -> None:
    bk = EXAMPLES / "botkyrka"
    code, out, err = _run(
        capsys,
        "check",
        str(bk / "22-norsborg-bara-postnummer.json"),
        "--rules",
        "botkyrka-2017",
        "--procurement",
        str(bk / "procurement.json"),
    )
    assert (code, err) == (1, "")
    _golden("check-22-botkyrka-2017.sv.txt", out)


def test_geocoder_needs_a_user_agent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys,
        "check",
        str(EXAMPLES / "botkyrka" / "20-fittja.json"),
        "--rules",
        "botkyrka-2017",
        "--as-of",
        "2017-12-11",
        "--geocoder",
        "nominatim",
    )
    assert (code, out) == (2, "")
    assert (
        err
        == "fel: --geocoder vid --user-agent: [missing] uppslag via internet kräver --user-agent "
        "(Nominatims villkor)\n"
    )


WELFARE_CASES = [
    ("lou-19-25", "31-ab-tidigare-tilldelning", "procurement-19-25"),
    ("lou-19-25a", "30-kvinnojour-stiftelse", "procurement-19-25a"),
    ("lov-1-2a", "30-kvinnojour-stiftelse", "procurement-19-25a"),
    ("ideburen-register", "30-kvinnojour-stiftelse", "procurement-19-25a"),
    ("iop", "34-iop-aldreboende", "procurement-19-25a"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    ("rules", "decl", "proc"), WELFARE_CASES, ids=[c[0] for c in WELFARE_CASES]
)
def test_welfare_texts_exact(
    capsys: pytest.CaptureFixture[str], rules: str, decl: str, proc: str, lang: str
) -> None:
    w = EXAMPLES / "welfare"
    code, out, err = _run(
        capsys,
        "check",
        str(w / f"{decl}.json"),
        "--rules",
        rules,
        "--procurement",
        str(w / f"{proc}.json"),
        "--lang",
        lang,
    )
    assert err == ""
    assert code in (0, 1)
    _golden(f"check-{decl[:2]}-{rules}.{lang}.txt", out)


def test_rules_validate_warns_where_a_text_states_a_parameters_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    child = tmp_path / "min.toml"
    child.write_text(
        'id = "min"\nversion = "1"\n'
        'title = { sv = "Min", en = "Mine" }\n'
        'legal_basis = [{ instrument = "LOU (2016:1145)" }]\n'
        "[parameters]\nthreshold = { values = [{ value = 0.3 }], unit = \"share\" }\n"
        "[[criteria]]\n"
        'id = "target-group-share"\n'
        'title = { sv = "Minst 30 % av de sysselsatta", en = "At least {threshold} of those occupied" }\n'
        'citation = { instrument = "LOU (2016:1145)", chapter = 4, section = "18" }\n'
        'check = { kind = "share_at_least", threshold = { param = "threshold" } }\n',
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "rules", "validate", str(child))
    assert code == 0
    assert out.startswith(f"{child}: ok (min 1 sha256:")
    assert err == (
        "varning: min regel 'target-group-share' vid criteria[0].title.sv: [text_states_value] "
        "texten anger 30\xa0%, värdet av parametern 'threshold': skriv {threshold} så att en "
        "variant anger sitt eget värde\n"
    )
    # The built-in rule sets name their values.
    code, _, err = _run(capsys, "rules", "validate", *map(str, sorted((ROOT / "src" / "reserverat" / "rules").glob("*.toml"))))
    assert (code, err) == (0, "")


def test_rules_diff_exact(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    variant = tmp_path / "lou-4-18-40.toml"
    variant.write_text(
        'id = "lou-4-18-40"\nversion = "1.0.0"\nextends = "lou-4-18"\n'
        'title = { sv = "LOU 4:18 med 40 %", en = "LOU 4:18 at 40 %" }\n'
        "[parameters]\nthreshold = 0.40\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "rules", "diff", "lou-4-18", str(variant))
    assert code == 0
    assert out == (
        "Skillnader från lou-4-18 2.0.1 till lou-4-18-40 1.0.0\n\n"
        "Ändrade parametrar:\n"
        "  threshold: 30\xa0% [lag] → 40\xa0% [lag]\n"
    )
    code, out, _ = _run(capsys, "rules", "diff", "lou-19-25@1.1.0", "lou-19-25@2.0.0", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[:4] == [
        "Differences from lou-19-25 1.1.0 to lou-19-25 2.0.0",
        "",
        "Criteria changed:",
        "  public-service-mission: The objective is a public-service mission linked to the "
        "service (source)",
    ]
    assert "    LOU (2016:1145) ch. 19 s. 6 a → LOU (2016:1145) ch. 19 s. 25" in lines
    assert lines[-6:] == [
        "Validity:",
        "  2019-01-01 – 2022-01-31 → 2022-02-01 – until further notice",
        "",
        "Legal basis:",
        "  only in lou-19-25 1.1.0: LOU (2016:1145) ch. 19 s. 6 a",
        "  only in lou-19-25 2.0.0: LOU (2016:1145) ch. 19 s. 25",
    ]
    code, out, _ = _run(capsys, "rules", "diff", "lou-4-18", "botkyrka-2017", "--format", "json")
    data = json.loads(out)
    assert [c["id"] for c in data["criteria"]["added"]] == [
        "integration-purpose",
        "reinvests-profits",
        "within-radius",
    ]
    assert sorted(data["parameters"]["added"]) == [
        "accounts_within_months",
        "centres",
        "radius_km",
        "reinvest_share",
        "window_years",
    ]
    assert data["validity"] == {
        "before": ["2017-01-01", None],
        "after": ["2017-01-01", "2020-05-31"],
        "changed": True,
    }
    code, out, _ = _run(capsys, "rules", "diff", "lou-4-18", "lou-4-18")
    assert out.endswith("Inga skillnader: regelverken bedömer och hänvisar lika.\n")


def test_compare_reads_as_a_comparison_for_people(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "utan-namn.json"
    bad.write_text('{"supplier": ""}', encoding="utf-8")
    files = [str(p) for p in sorted(DECL.glob("*.json"))]
    code, out, err = _run(
        capsys,
        "compare",
        *files,
        str(bad),
        "--rules",
        "lou-4-18",
        "--set",
        "threshold=0.40",
        "--as-of",
        "2017-12-11",
    )
    # The bad row is skipped and listed; the others are compared: exit 2 says it.
    assert code == 2
    assert out == "\n".join(
        [
            "A: lou-4-18 2.0.1",
            "B: lou-4-18 2.0.1 (threshold=0.40)",
            "",
            "utfall                     A       B",
            "KVALIFICERAD               6       6",
            "INTE KVALIFICERAD          1       2",
            "KAN INTE AVGÖRAS           4       3",
            "",
            "0 vinner, 1 förlorar (av 11 jämförda)",
            "",
            "Förlorar:",
            "  Skyddade Verkstäder Exempel AB [examples/declarations/10-espd-uppgiven-andel.json]: "
            "KAN INTE AVGÖRAS → INTE KVALIFICERAD",
            "    Minst 40\xa0% av de sysselsatta tillhör målgrupperna (target-group-share): "
            "uppfyllt → ej uppfyllt",
            "      A: Leverantören har försäkrat att 35\xa0% tillhör målgrupperna (uppgiven andel, "
            "inga antal); kravet är minst 30\xa0%.",
            "      B: Leverantören har försäkrat att 35\xa0% tillhör målgrupperna (uppgiven andel, "
            "inga antal); kravet är minst 40\xa0%.",
            "",
            "Kriterier som ändrades:",
            "  target-group-share: uppfyllt → ej uppfyllt: 1",
            "",
            "Hoppades över (fel i underlaget):",
            f"  {bad} vid supplier (Leverantör): [too_short] får inte vara tom (angivet '')",
            "",
        ]
    )
    assert err == f"fel: {bad} vid supplier (Leverantör): [too_short] får inte vara tom (angivet '')\n"


def test_a_sweep_names_the_outcomes_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(DECL.glob("*.json"))]
    args = ["compare", *files, "--rules", "lou-4-18", "--as-of", "2017-12-11"]
    code, out, _ = _run(capsys, *args, "--sweep", "threshold=0.2:0.4:0.1")
    assert code == 0
    assert out.splitlines()[:4] == [
        "threshold               KVALIFICERAD   INTE KVALIFICERAD    KAN INTE AVGÖRAS",
        "20\xa0%                               7                   0                   4",
        "30\xa0%                               6                   1                   4",
        "40\xa0%                               6                   2                   3",
    ]
    # Who changes at each step, with the criterion and both sides' numbers.
    assert out.splitlines()[4:11] == [
        "",
        "Ändringar per steg:",
        "",
        "20\xa0% → 30\xa0%: 0 vinner, 1 förlorar (av 11 jämförda)",
        "  Förlorar:",
        "    Fastighetsservice Exempelby AB [examples/declarations/11-for-lag-andel.json]: "
        "KVALIFICERAD → INTE KVALIFICERAD",
        "      Minst 30\xa0% av de sysselsatta tillhör målgrupperna (target-group-share): "
        "uppfyllt → ej uppfyllt",
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_compare_and_sweep_exact(capsys: pytest.CaptureFixture[str], lang: str, fmt: str) -> None:
    files = [str(p) for p in sorted(DECL.glob("*.json"))]
    args = ["compare", *files, "--rules", "lou-4-18", "--as-of", "2017-12-11"]
    args += ["--lang", lang, "--format", fmt]
    ext = "txt" if fmt == "text" else "md"
    code, out, err = _run(capsys, *args, "--set", "threshold=0.45", "--diff")
    assert (code, err) == (0, "")
    _golden(f"compare-lou-4-18-threshold.{lang}.{ext}", out)
    code, out, err = _run(capsys, *args, "--sweep", "threshold=0.3:0.5:0.05")
    assert (code, err) == (0, "")
    _golden(f"sweep-lou-4-18-threshold.{lang}.{ext}", out)
