"""Bad input to compare, --sweep and case files: each a located error with a stable code,
in Swedish and English, and exit code 2."""

from pathlib import Path

import pytest

from reserverat.cli import main

ROOT = Path(__file__).parent.parent
DECL = str(ROOT / "examples" / "declarations" / "01-yalla-kooperativ.json")

TABLE = [
    (
        ["--sweep", "threshold=0.5:0.3:0.1"],
        "--sweep vid threshold=0.5:0.3:0.1: [sweep_reversed] FRÅN (0,5) är större än TILL "
        "(0,3): skriv det mindre värdet först (angivet 'threshold=0.5:0.3:0.1')",
        "--sweep at threshold=0.5:0.3:0.1: [sweep_reversed] FROM (0.5) is greater than TO "
        "(0.3): write the smaller value first (got 'threshold=0.5:0.3:0.1')",
    ),
    (
        ["--sweep", "threshold=0.3:0.5:0"],
        "--sweep vid threshold=0.3:0.5:0: [sweep_empty] STEG ska vara större än 0: intervallet "
        "skulle aldrig gå framåt (angivet 'threshold=0.3:0.5:0')",
        "--sweep at threshold=0.3:0.5:0: [sweep_empty] STEP must be greater than 0: the range "
        "would never move (got 'threshold=0.3:0.5:0')",
    ),
    (
        ["--sweep", "threshold=0:1000:0.5"],
        "--sweep vid threshold=0:1000:0.5: [sweep_too_large] intervallet har 2\xa0001 värden; "
        "ett svep prövar högst 1\xa0000 (välj ett större STEG) (angivet 'threshold=0:1000:0.5')",
        "--sweep at threshold=0:1000:0.5: [sweep_too_large] the range has 2,001 values; a sweep "
        "evaluates at most 1,000 (use a larger STEP) (got 'threshold=0:1000:0.5')",
    ),
    (
        ["--sweep", "threshold"],
        "--sweep vid threshold: [bad_option] skriv namn=FRÅN:TILL:STEG (angivet 'threshold')",
        "--sweep at threshold: [bad_option] expected name=FROM:TO:STEP (got 'threshold')",
    ),
    (
        ["--sweep", "threshold=a:b:c"],
        "--sweep vid threshold=a:b:c: [bad_option] FRÅN, TILL och STEG ska vara tal "
        "(namn=FRÅN:TILL:STEG) (angivet 'threshold=a:b:c')",
        "--sweep at threshold=a:b:c: [bad_option] FROM, TO and STEP must be numbers "
        "(name=FROM:TO:STEP) (got 'threshold=a:b:c')",
    ),
    (
        ["--sweep", "radius=1:3:1"],
        "--sweep vid radius: [unknown_parameter] lou-4-18 har ingen parameter 'radius' "
        "(angivet 'radius')",
        "--sweep at radius: [unknown_parameter] lou-4-18 has no parameter 'radius' "
        "(got 'radius')",
    ),
    (
        ["--set", "threshold=abc"],
        "--set regel 'target-group-share' vid threshold=abc: [bad_parameter] ska vara ett tal "
        "(används vid criteria[2].check.threshold) (angivet 'abc')",
        "--set rule 'target-group-share' at threshold=abc: [bad_parameter] Input should be a "
        "valid decimal (used at criteria[2].check.threshold) (got 'abc')",
    ),
    (
        ["--against", "iop"],
        "--against vid iop: [nothing_in_common] lou-4-18 2.0.1 och iop 1.1.0 har inget "
        "kriterium gemensamt, så varje leverantör skulle räknas som ändrad; jämför versioner "
        "eller varianter av ett regelverk, eller ett som bygger på det andra",
        "--against at iop: [nothing_in_common] lou-4-18 2.0.1 and iop 1.1.0 have no criterion "
        "in common, so every supplier would count as changed; compare versions or variants of "
        "one rule set, or one that extends the other",
    ),
]


@pytest.mark.parametrize(("args", "sv", "en"), TABLE, ids=[" ".join(t[0]) for t in TABLE])
def test_bad_compare_input_is_a_located_error(
    capsys: pytest.CaptureFixture[str], args: list[str], sv: str, en: str
) -> None:
    base = ["compare", DECL, "--rules", "lou-4-18", "--as-of", "2020-01-01", *args]
    for lang, want in (("sv", f"fel: {sv}"), ("en", f"error: {en}")):
        assert main([*base, "--lang", lang]) == 2
        out, err = capsys.readouterr()
        assert (out, err) == ("", want + "\n")


def test_a_swept_value_of_the_wrong_type_names_the_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["compare", DECL, "--rules", "botkyrka-2017", "--as-of", "2017-12-11"]
    assert main([*args, "--sweep", "centres=1:2:1"]) == 2
    assert capsys.readouterr().err == (
        "fel: --sweep regel 'within-radius' vid centres: [bad_parameter] ska vara en lista "
        "(används vid criteria[6].check.of) (angivet '1')\n"
    )


def test_a_case_naming_no_rule_set_is_located_at_the_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.toml"
    cases.write_text(
        """
[[case]]
name = "först"
ruleset = "lou-4-18"
as_of = 2020-01-01
declaration = { supplier = "X" }
expected = { outcome = "kan inte avgöras" }

[[case]]
name = "fel id"
ruleset = "lou-4-81"
as_of = 2020-01-01
declaration = { supplier = "X" }
expected = { outcome = "kvalificerad" }
""",
        encoding="utf-8",
    )
    assert main(["test", str(cases), "--lang", "en"]) == 2
    out = capsys.readouterr().out
    # The case before it still runs and is reported.
    assert out.splitlines() == [
        "ok    först",
        f"ERROR {cases}",
        f"    {cases} at fel id.ruleset: [unknown_ruleset] no rule set 'lou-4-81'; did you "
        "mean 'lou-4-18'? (got 'lou-4-81')",
        "1 passed, 1 failed",
    ]
