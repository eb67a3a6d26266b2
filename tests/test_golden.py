"""Golden cases: every case in tests/golden/*.toml and the rule sets' own cases."""

from pathlib import Path

import pytest

from reserverat.cases import CaseOutcome, load_cases, run_case

GOLDEN = Path(__file__).parent / "golden"
CASES = [case for path in sorted(GOLDEN.glob("*.toml")) for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_case(case: object) -> None:
    outcome = run_case(case)  # type: ignore[arg-type]
    assert isinstance(outcome, CaseOutcome)
    assert outcome.failures == ()


def test_there_are_golden_cases_for_every_builtin_ruleset() -> None:
    assert {c.ruleset for c in CASES} >= {
        "lou-4-18",
        "lou-4-18-program",
        "asf-tillvaxtverket",
        "asf-skoopi",
    }


def test_shipped_cases_match_the_golden_files_and_pass(tmp_path: Path) -> None:
    """src/reserverat/rules/cases/ is tools/ship_cases.py's output: regenerate after edits."""
    import subprocess
    import sys

    from reserverat.cases import builtin_cases_dir, run_file

    shipped = {p.name: p.read_text(encoding="utf-8") for p in builtin_cases_dir().glob("*.toml")}
    assert set(shipped) == {p.name for p in GOLDEN.glob("*.toml")}
    root = Path(__file__).parent.parent
    copy = tmp_path / "repo"
    (copy / "tests").mkdir(parents=True)
    (copy / "tools").mkdir()
    (copy / "src" / "reserverat" / "rules" / "cases").mkdir(parents=True)
    import shutil

    shutil.copytree(GOLDEN, copy / "tests" / "golden")
    shutil.copytree(root / "examples", copy / "examples")
    shutil.copy(root / "tools" / "ship_cases.py", copy / "tools" / "ship_cases.py")
    subprocess.run(
        [sys.executable, str(copy / "tools" / "ship_cases.py")], check=True, capture_output=True
    )
    regenerated = {
        p.name: p.read_text(encoding="utf-8")
        for p in (copy / "src" / "reserverat" / "rules" / "cases").glob("*.toml")
    }
    assert regenerated == shipped
    outcomes = [o for p in builtin_cases_dir().glob("*.toml") for o in run_file(p)]
    assert len(outcomes) == len(CASES)
    assert all(isinstance(o, CaseOutcome) and o.passed for o in outcomes)
