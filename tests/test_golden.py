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
