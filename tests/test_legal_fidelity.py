"""The legal review's fixes (LEGAL-REVIEW.md §1-§3): each on both sides of its boundary."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.declaration import Salaries
from reserverat.loading import builtin_rules_dir, list_rulesets

RULES = builtin_rules_dir()


def _decl(**facts: Any) -> rr.Declaration:
    return rr.parse_declaration({"supplier": "X", **facts})


def _years(**transfers: str) -> list[dict[str, Any]]:
    base = {
        "to_owners": "0",
        "to_registered_ideburna": "0",
        "to_unregistered_ideburna": "0",
        "to_research": "0",
        "to_work_integration": "0",
        "to_other": "0",
    }
    return [
        {"end": f"{y}-12-31", "result": "100000", **base, **(transfers if y == 2023 else {})}
        for y in (2021, 2022, 2023)
    ]


IDEBUREN = {
    "legal_form": "ideell_forening",
    "statutes": {"exclusively_public_benefit": True, "mixed_commercial_purpose": False},
    "purpose": {"public_benefit": True, "contributes_to_service": True},
    "owners": [],
    "control": {"public_appoints_board_majority": False, "public_other_control": False},
    "financial_years": _years(),
}
WHEN = date(2024, 3, 15)
CARE = rr.Procurement(main_cpv="85311000", authority="Exempelby kommun")


def test_a_commercial_company_never_qualifies_under_19_25a() -> None:
    """The review's worst finding: an AB with mixed aims, tendering for office cleaning."""
    ab = _decl(
        **{
            **IDEBUREN,
            "legal_form": "aktiebolag",
            "statutes": {"exclusively_public_benefit": False, "mixed_commercial_purpose": True},
        }
    )
    cleaning = rr.Procurement(main_cpv="90910000")
    result = rr.evaluate(ab, rr.load_ruleset("lou-19-25a"), as_of=WHEN, procurement=cleaning)
    assert result.outcome is rr.Outcome.NOT_QUALIFIED
    assert result.finding("exclusively-public-benefit").verdict is rr.Verdict.NOT_MET
    # The CPV list is not verified against the SFS text: outside it, never met.
    cpv = result.finding("cpv-listed")
    assert (cpv.verdict, cpv.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "cpv.not_in_unverified",
    )
    assert cpv.evidence == ("cpv_list_check",)
    assert "Öppen rättsfråga: CPV-kod utanför den återgivna listan" in rr.render_text(result)


def test_an_ideburen_association_qualifies_under_19_25a_and_lov() -> None:
    decl = _decl(**IDEBUREN)
    assert rr.evaluate(
        decl, rr.load_ruleset("lou-19-25a"), as_of=WHEN, procurement=CARE
    ).outcome is (rr.Outcome.QUALIFIED)
    lov = rr.load_ruleset("lov-1-2a")
    choice = rr.Procurement(primary_care_choice_system=False)
    assert rr.evaluate(decl, lov, as_of=WHEN, procurement=choice).outcome is rr.Outcome.QUALIFIED
    # LOV has no service list and cites LOV, not LOU.
    assert all("LOU" not in c.citation.instrument for c in lov.criteria)
    assert "cpv-listed" not in [c.id for c in lov.criteria]


@pytest.mark.parametrize(
    ("transfer", "verdict"),
    [
        ({"to_registered_ideburna": "5000"}, rr.Verdict.MET),
        ({"to_research": "5000"}, rr.Verdict.MET),
        ({"to_unregistered_ideburna": "5000"}, rr.Verdict.NOT_MET),
        ({"to_other": "5000"}, rr.Verdict.NOT_MET),
        ({"to_owners": "5000"}, rr.Verdict.NOT_MET),
    ],
)
def test_value_transfers_under_19_25a(transfer: dict[str, str], verdict: rr.Verdict) -> None:
    decl = _decl(**{**IDEBUREN, "financial_years": _years(**transfer)})
    result = rr.evaluate(decl, rr.load_ruleset("lou-19-25a"), as_of=WHEN, procurement=CARE)
    assert result.finding("no-value-transfers").verdict is verdict


def test_an_old_declaration_with_to_ideburna_says_the_registration_is_unknown() -> None:
    years = _years()
    for fy in years:
        fy.pop("to_registered_ideburna")
        fy.pop("to_unregistered_ideburna")
    years[2]["to_ideburna"] = "5000"
    decl = _decl(**{**IDEBUREN, "financial_years": years})
    result = rr.evaluate(decl, rr.load_ruleset("lou-19-25a"), as_of=WHEN, procurement=CARE)
    f = result.finding("no-value-transfers")
    assert (f.verdict, f.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "money.ideburna_registration_unknown",
    )
    assert f.evidence == ("register_extract",)
    assert rr.render_text(result).count("det framgår inte om de är registrerade") == 1


def test_lou_19_25_has_dated_versions() -> None:
    old = rr.load_ruleset("lou-19-25", as_of=date(2021, 6, 1))
    new = rr.load_ruleset("lou-19-25", as_of=date(2022, 2, 1))
    assert (old.version, old.legal_basis[0].section) == ("1.1.0", "6 a")
    assert (new.version, new.legal_basis[0].section) == ("2.0.0", "25")
    assert rr.load_ruleset("lou-19-25@1.1.0") == old
    # Before 2019 neither version was in force: the newest is loaded and qualifies nobody.
    before = rr.load_ruleset("lou-19-25", as_of=date(2018, 6, 1))
    assert not before.in_force(date(2018, 6, 1))
    with pytest.raises(rr.RuleSetError) as err:
        rr.load_ruleset("lou-19-25@9.9.9")
    assert err.value.problems[0].code == "unknown_version"


def test_skoopi_salary_ratio_is_advisory() -> None:
    (decl,) = rr.load_declarations("examples/declarations/01-yalla-kooperativ.json")
    assert isinstance(decl, rr.Declaration)
    wide = decl.model_copy(update={"salaries": Salaries(lowest=20000, highest=60000)})
    skoopi = rr.load_ruleset("asf-skoopi")
    result = rr.evaluate(wide, skoopi, as_of=date(2017, 12, 11))
    assert result.finding("salary-ratio").verdict is rr.Verdict.NOT_MET
    assert result.finding("salary-ratio").advisory
    assert result.outcome is rr.Outcome.QUALIFIED
    assert [w.code for w in result.warnings] == ["criterion.advisory_not_met"]
    strict = skoopi.with_params(salary_ratio_severity="required")
    assert rr.evaluate(wide, strict, as_of=date(2017, 12, 11)).outcome is rr.Outcome.NOT_QUALIFIED


def test_figures_dated_after_the_evaluation_date_are_not_current() -> None:
    rules = rr.load_ruleset("lou-4-18")
    later = _decl(declared_on="2024-04-01")
    f = rr.evaluate(later, rules, as_of=WHEN).finding("current-declaration")
    assert f.verdict is rr.Verdict.UNDECIDED
    assert f.explanation.children[0].reason.code == "age.after_as_of"
    same_day = _decl(declared_on="2024-03-15", workforce={"reference_date": "2024-03-15"})
    assert rr.evaluate(same_day, rules, as_of=WHEN).finding("current-declaration").verdict is (
        rr.Verdict.MET
    )


def _share(documented: int) -> rr.Declaration:
    return _decl(
        workforce={
            "employed": {
                "headcount": 10,
                "target_group": {"headcount": 3, "documented_need": documented},
            },
            "trainees": {"headcount": 0},
            "work_training": {"headcount": 0},
            "other": {"headcount": 0},
        }
    )


def test_a_documented_need_below_the_count_is_never_ignored() -> None:
    rules = rr.load_ruleset("lou-4-18")
    short = rr.evaluate(_share(2), rules, as_of=WHEN).finding("target-group-share")
    assert (short.verdict, short.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "share.undocumented_need",
    )
    assert short.evidence == ("support_decision",)
    assert rr.evaluate(_share(3), rules, as_of=WHEN).finding("target-group-share").verdict is (
        rr.Verdict.MET
    )
    exclude = rules.with_params(undocumented_need="exclude")
    assert rr.evaluate(_share(2), exclude, as_of=WHEN).finding("target-group-share").verdict is (
        rr.Verdict.NOT_MET
    )


@pytest.mark.parametrize(
    ("municipality", "verdict"),
    [("Kiruna", rr.Verdict.NOT_MET), ("Huddinge", rr.Verdict.UNDECIDED)],
)
def test_a_site_known_only_by_its_municipality(municipality: str, verdict: rr.Verdict) -> None:
    decl = _decl(sites=[{"name": "Verkstaden", "municipality": municipality}])
    result = rr.evaluate(decl, rr.load_ruleset("botkyrka-2017"), as_of=date(2017, 12, 11))
    f = result.finding("within-9-km")  # the id before 3.0.0 still finds it
    assert f.criterion == "within-radius"
    assert f.verdict is verdict
    if verdict is rr.Verdict.NOT_MET:
        assert f.gaps[0].code == "gap.km"
        assert "hela kommunens yta" in rr.render_text(result)


def test_radius_gap_is_the_distance_that_passes() -> None:
    decl = _decl(sites=[{"name": "Verkstaden", "lat": 59.40, "lon": 17.30}])
    f = rr.evaluate(decl, rr.load_ruleset("botkyrka-2017"), as_of=date(2017, 12, 11)).finding(
        "within-radius"
    )
    assert f.verdict is rr.Verdict.NOT_MET
    message = f.explanation.reason
    distance = message.args["distance"]
    uncertainty = message.args["uncertainty"]
    closer = f.gaps[0].args["distance"]
    assert isinstance(distance, type(closer))
    # Within means distance + uncertainty <= radius: the gap is what moves it there.
    assert closer == distance + type(closer)(uncertainty) / 1000 - 9


def test_a_foundation_guard_reads_in_words() -> None:
    decl = _decl(legal_form="stiftelse")
    result = rr.evaluate(decl, rr.load_ruleset("ideburen-register"), as_of=WHEN)
    assert result.finding("dissolution-clause").verdict is rr.Verdict.NOT_APPLICABLE
    assert "Gäller inte stiftelser (lag 2022:900 3 § andra stycket)." in rr.render_text(result)
    assert "Does not apply to foundations" in rr.render_text(result, "en")


def test_one_owner_is_singular() -> None:
    decl = _decl(owners=[{"name": "Anna Andersson", "kind": "person"}])
    text = rr.render_text(rr.evaluate(decl, rr.load_ruleset("asf-tillvaxtverket"), as_of=WHEN))
    assert "Den enda ägaren är inte offentlig." in text
    assert "de 1 ägarna" not in text


def _builtin_files() -> list[Path]:
    return sorted(RULES.glob("*.toml"))


@pytest.mark.parametrize("path", _builtin_files(), ids=lambda p: p.stem)
def test_every_criterion_and_parameter_has_a_source_or_a_mark(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for crit in data.get("criteria", []):
        assert "basis" in crit, (path.name, crit["id"])
        assert crit.get("citation", {}).get("instrument"), (path.name, crit["id"])
        if crit["basis"] in ("tool-default", "open", "buyer"):
            assert "basis_note" in crit or crit.get("citation", {}).get("note"), crit["id"]
    for name, param in (data.get("parameters") or {}).items():
        if not isinstance(param, dict):
            continue  # a bare override keeps the parent's mark
        assert "basis" in param, (path.name, name)
        assert "label" in param, (path.name, name)
        if param["basis"] in ("statute", "guidance", "case-law"):
            assert "source" in param, (path.name, name)
        else:
            assert "note" in param, (path.name, name)


IDS = sorted({i.id for i in list_rulesets()})


@settings(max_examples=60, deadline=None)
@given(
    ruleset=st.sampled_from(IDS),
    when=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
)
def test_outside_its_validity_no_rule_set_qualifies_anyone(ruleset: str, when: date) -> None:
    rules = rr.load_ruleset(ruleset, as_of=when)
    everything = _decl(**IDEBUREN)
    result = rr.evaluate(everything, rules, as_of=when, procurement=CARE)
    if not rules.in_force(when):
        assert result.outcome is rr.Outcome.NOT_QUALIFIED
        assert result.warnings[0].code.startswith("ruleset.not_in_force")


@pytest.mark.parametrize(
    ("lang", "counts", "line"),
    [
        (
            "sv",
            (1, 0, 0, 0),
            "1 underlag: 1 kvalificerad, 0 inte kvalificerade, 0 kan inte avgöras, 0 med fel",
        ),
        (
            "sv",
            (2, 1, 0, 0),
            "3 underlag: 2 kvalificerade, 1 inte kvalificerad, 0 kan inte avgöras, 0 med fel",
        ),
        ("en", (1, 0, 0, 0), "1 input: 1 qualified, 0 not qualified, 0 undecided, 0 with errors"),
    ],
)
def test_count_lines_agree_in_number(lang: str, counts: tuple[int, ...], line: str) -> None:
    from reserverat.render import count_line

    keys = ("qualified", "not_qualified", "undecided", "errors")
    assert count_line(dict(zip(keys, counts, strict=True)), lang) == line


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("sv", "48\u00a0månader är mer än 36\u00a0månader (Upphandlingen › avtalstid (månader))."),
        ("en", "48 months is more than 36 months (The procurement › term (months))."),
    ],
)
def test_durations_carry_their_unit(lang: str, text: str) -> None:
    long = rr.Procurement(main_cpv="85311000", duration_months=48)
    result = rr.evaluate(_decl(), rr.load_ruleset("lou-19-25"), as_of=WHEN, procurement=long)
    assert text in rr.render_text(result, lang)


def test_a_procurement_begun_before_the_change_keeps_the_old_law() -> None:
    begun = rr.Procurement(
        authority="Exempelby kommun",
        main_cpv="85311000",
        duration_months=36,
        started_on=date(2021, 12, 1),
    )
    rules = rr.load_ruleset("lou-19-25", as_of=rr.law_date(date(2022, 2, 15), begun))
    assert rules.version == "1.1.0"
    result = rr.evaluate(_decl(), rules, as_of=date(2022, 2, 15), procurement=begun)
    assert not [w for w in result.warnings if w.code.startswith("ruleset.not_in_force")]
    assert result.finding("cpv-listed").citation.section == "6 a"
