"""The examples: every script runs, every declaration is valid and exercises every verdict."""

import runpy
from pathlib import Path

import pytest

import reserverat as rr

EXAMPLES = Path(__file__).parent.parent / "examples"
DECLS = sorted((EXAMPLES / "declarations").glob("*.json"))
BOTKYRKA = sorted((EXAMPLES / "botkyrka").glob("2*.json"))
WELFARE = sorted((EXAMPLES / "welfare").glob("3*.json"))
AS_OF = rr.date(2017, 12, 11)


SCRIPTS = {
    "api_tour.py": "Grönt Arbete i Exempelby AB -> not_qualified",
    "policy_invariant.py": "policy invariants hold",
}


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_script_runs(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert SCRIPTS[script.name] in out


@pytest.mark.parametrize(
    "rules_id", ["lou-4-18", "lou-4-18-program", "asf-tillvaxtverket", "asf-skoopi"]
)
def test_examples_exercise_every_outcome(rules_id: str) -> None:
    rules = rr.load_ruleset(rules_id)
    outcomes = set()
    for path in DECLS:
        (decl,) = rr.load_declarations(path)
        assert isinstance(decl, rr.Declaration)
        outcomes.add(rr.evaluate(decl, rules, as_of=AS_OF).outcome)
    assert outcomes == set(rr.Outcome)


def test_botkyrka_examples_exercise_every_outcome_of_the_radius() -> None:
    rules = rr.load_ruleset("botkyrka-2017")
    verdicts, outcomes = set(), set()
    for path in BOTKYRKA:
        (decl,) = rr.load_declarations(path)
        assert isinstance(decl, rr.Declaration)
        result = rr.evaluate(decl, rules, as_of=AS_OF)
        verdicts.add(result.finding("within-radius").verdict)
        outcomes.add(result.outcome)
        assert all(f.authority_specific for f in result.findings[-3:])
    assert verdicts == {rr.Verdict.MET, rr.Verdict.NOT_MET, rr.Verdict.UNDECIDED}
    assert outcomes == set(rr.Outcome)
