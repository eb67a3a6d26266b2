"""Welfare-service reservations (LOU 19:25, 19:25 a, LOV 1:2 a), the register test and IOP."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import reserverat as rr
from strategies import one_criterion

ROOT = Path(__file__).parent.parent
WELFARE = ROOT / "examples" / "welfare"


def _award(
    awarded_on: str, cpv: str | None = "85311000-2", authority: str = "Exempelby kommun"
) -> rr.Declaration:
    return rr.Declaration(
        supplier="X", prior_awards=[{"authority": authority, "cpv": cpv, "awarded_on": awarded_on}]
    )


def _proc(**extra: Any) -> rr.Procurement:
    return rr.Procurement(
        **{
            "authority": "Exempelby kommun",
            "main_cpv": "85311000-2",
            "submission_date": "2024-03-15",
            **extra,
        }
    )


def _award_verdict(
    decl: rr.Declaration, as_of: date, proc: rr.Procurement | None = None, **check: Any
) -> str:
    rules = one_criterion(rr.no_prior_award_within(**check))
    return (
        rr.evaluate(decl, rules, procurement=proc or _proc(), as_of=as_of).findings[0].verdict.value
    )


@pytest.mark.parametrize(
    ("awarded_on", "as_of", "verdict"),
    [
        (
            "2021-03-15",
            date(2024, 3, 15),
            "not_met",
        ),  # exactly three years: still "the last three years"
        ("2021-03-14", date(2024, 3, 15), "met"),  # one day more than three years
        ("2024-03-15", date(2024, 3, 15), "not_met"),  # the same day
        ("2024-03-16", date(2024, 3, 15), "met"),  # after the evaluation date: not "the last" years
        ("2021-02-28", date(2024, 2, 29), "not_met"),  # 29 February counts back to 28 February
        ("2021-02-27", date(2024, 2, 29), "met"),
        (
            "2020-02-29",
            date(2023, 2, 28),
            "not_met",
        ),  # window opens 2020-02-28: a leap-day award is in
        ("2020-02-27", date(2023, 2, 28), "met"),
        ("2020-03-01", date(2023, 3, 1), "not_met"),
    ],
)
def test_three_year_boundary(awarded_on: str, as_of: date, verdict: str) -> None:
    assert _award_verdict(_award(awarded_on), as_of) == verdict


def test_other_authority_or_service_or_basis_does_not_count() -> None:
    when = date(2024, 3, 15)
    assert _award_verdict(_award("2023-01-01", authority="Grannby kommun"), when) == "met"
    assert _award_verdict(_award("2023-01-01", cpv="85312000-9"), when) == "met"
    assert (
        _award_verdict(_award("2023-01-01", cpv="85312000-9"), when, same_service_digits=4)
        == "not_met"
    )
    assert _award_verdict(_award("2023-01-01", cpv=None), when) == "undecided"
    other = rr.Declaration(
        supplier="X",
        prior_awards=[
            {
                "authority": "Exempelby kommun",
                "cpv": "85311000",
                "awarded_on": "2023-01-01",
                "basis": "other",
            }
        ],
    )
    assert _award_verdict(other, when) == "met"
    assert _award_verdict(rr.Declaration(supplier="X"), when) == "undecided"


@pytest.mark.parametrize(
    ("cpv", "verdict"),
    [
        ("85311000-2", "met"),
        ("85311000", "met"),
        ("85000000", "met"),
        ("85323000-9", "met"),
        ("85324000", "not_met"),
        ("84999999", "not_met"),
        ("98133110", "met"),
        ("45000000-7", "not_met"),
    ],
)
def test_article_77_cpv_list(cpv: str, verdict: str) -> None:
    rules = rr.load_ruleset("lou-19-25")
    result = rr.evaluate(
        rr.Declaration(supplier="X"),
        rules,
        procurement=_proc(main_cpv=cpv),
        as_of=date(2024, 3, 15),
    )
    assert result.finding("cpv-listed").verdict.value == verdict


@pytest.mark.parametrize(
    ("ranges", "words"),
    [
        ('["85000000-8532300"]', "'8532300' is not a CPV code"),
        ('["85323000-85000000"]', "runs backwards"),
        ('["85000000"]', "is not a CPV range"),
    ],
)
def test_cpv_errors_are_located(tmp_path: Path, ranges: str, words: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'id = "c"\nversion = "1"\ntitle = { sv = "C", en = "C" }\nlegal_basis = [{ instrument = "X" }]\n'
        '[[criteria]]\nid = "cpv"\ntitle = { sv = "c", en = "c" }\ncitation = { instrument = "X" }\n'
        f'check = {{ kind = "cpv_in", ranges = {ranges} }}\n',
        encoding="utf-8",
    )
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset(path)
    ((problem),) = info.value.problems
    assert (problem.code, problem.loc, problem.rule) == (
        "invalid",
        "criteria[0].check.ranges[0]",
        "cpv",
    )
    assert words in problem.msg


def test_lov_is_not_for_primary_care_choice() -> None:
    (decl,) = rr.load_declarations(WELFARE / "30-kvinnojour-stiftelse.json")
    assert isinstance(decl, rr.Declaration)
    lov = rr.load_ruleset("lov-1-2a")
    when = date(2024, 3, 15)
    assert (
        rr.evaluate(
            decl, lov, procurement=_proc(primary_care_choice_system=False), as_of=when
        ).outcome
        is rr.Outcome.QUALIFIED
    )
    primary = rr.evaluate(decl, lov, procurement=_proc(primary_care_choice_system=True), as_of=when)
    assert primary.finding("not-primary-care-choice").verdict is rr.Verdict.NOT_MET


def test_not_in_force_before_2023_warns() -> None:
    (decl,) = rr.load_declarations(WELFARE / "30-kvinnojour-stiftelse.json")
    assert isinstance(decl, rr.Declaration)
    result = rr.evaluate(decl, rr.load_ruleset("lou-19-25a"), as_of=date(2022, 6, 1))
    assert [w.code for w in result.warnings] == ["ruleset.not_in_force.from"]
    assert result.outcome is rr.Outcome.NOT_QUALIFIED


def test_iop_risk_levels() -> None:
    iop = rr.load_ruleset("iop")
    assert iop.risk is not None
    assert iop.risk.level([]) == "low"
    assert iop.risk.level(["initiative"]) == "elevated"
    assert iop.risk.level(["initiative", "joint-goal", "long-term"]) == "high"
    assert iop.risk.level(["no-market"]) == "high"
    (care,) = rr.load_declarations(WELFARE / "34-iop-aldreboende.json")
    assert isinstance(care, rr.Declaration)
    result = rr.evaluate(care, iop, as_of=date(2024, 3, 15))
    assert result.risk is not None
    assert (result.risk.level, result.risk.upper) == ("high", "high")
    assert result.risk.against == (
        "initiative",
        "co-financing",
        "no-market",
        "no-detailed-control",
        "long-term",
        "joint-goal",
    )
    half = care.model_copy(
        update={
            "iop": rr.Declaration.model_validate(
                {
                    "supplier": "x",
                    "iop": {
                        "initiative_from_organisation": False,
                        "organisation_share": 0.3,
                        "market_exists": False,
                        "public_detailed_control": False,
                        "term_years": 3,
                        "joint_follow_up": True,
                    },
                }
            ).iop
        }
    )
    partial = rr.evaluate(half, iop, as_of=date(2024, 3, 15))
    assert partial.risk is not None
    assert (partial.risk.level, partial.risk.upper, partial.risk.unknown) == (
        "elevated",
        "high",
        ("joint-goal", "no-profit"),
    )
    text = rr.render_text(partial, "sv")
    assert "Riskbedömning: FÖRHÖJD RISK" in text
    assert (
        "kan bli HÖG RISK: upphandla i stället när 2 indikatorer som inte kan avgöras är kända: joint-goal, no-profit"
        in text
    )
    assert "Detta är en riskbedömning, inte ett besked om att partnerskapet är lagligt." in text
    assert "laglig" not in text.replace("inte ett besked om att partnerskapet är lagligt", "")


def test_risk_scale_names_known_criteria(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        'id = "r"\nversion = "1"\ntitle = { sv = "R", en = "R" }\nlegal_basis = [{ instrument = "X" }]\n'
        'risk = { elevated_from = 1, high_from = 2, high_if_not_met = ["no-markt"] }\n'
        '[[criteria]]\nid = "no-market"\ntitle = { sv = "r", en = "r" }\ncitation = { instrument = "X" }\n'
        'check = { kind = "fact_is_true", path = "iop.market_exists" }\n',
        encoding="utf-8",
    )
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset(path)
    assert [(p.code, p.loc) for p in info.value.problems] == [
        ("unknown_criterion", "risk.high_if_not_met")
    ]
    assert "did you mean 'no-market'" in info.value.problems[0].msg
