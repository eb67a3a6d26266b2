"""A criterion renamed between versions keeps its old id as an alias: results, case files,
--set, comparisons and diffs still find it by either name."""

import json
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cases import run_file
from reserverat.compare import compare, parse_overrides
from reserverat.errors import ReserveratError, RuleSetError, UnknownCriterionError
from reserverat.rulediff import diff_rulesets, render_diff

ROOT = Path(__file__).parent.parent
BOTKYRKA = ROOT / "src" / "reserverat" / "rules" / "botkyrka-2017.toml"
AS_OF = date(2017, 12, 11)


def _version_2(tmp_path: Path) -> rr.RuleSet:
    """The rule set as it was before 3.0.0: the criterion named after its radius."""
    text = BOTKYRKA.read_text(encoding="utf-8")
    text = text.replace('version = "3.0.0"', 'version = "2.0.0"')
    text = text.replace('id = "within-radius"', 'id = "within-9-km"')
    text = text.replace('aliases = ["within-9-km"]\n', "")
    path = tmp_path / "botkyrka-2017-v2.toml"
    path.write_text(text, encoding="utf-8")
    return rr.load_ruleset(str(path))


def _decl(lat: float, lon: float) -> rr.Declaration:
    data = json.loads((ROOT / "examples" / "botkyrka" / "23-tumba.json").read_text("utf-8"))
    data["sites"] = [{"name": "Verkstaden", "lat": lat, "lon": lon, "uncertainty_m": 10}]
    return rr.parse_declaration(data)


def test_the_old_id_finds_the_criterion_in_a_new_result() -> None:
    rules = rr.load_ruleset("botkyrka-2017")
    assert rules.version == "3.0.0"
    assert rules.criterion("within-9-km").id == "within-radius"
    result = rr.evaluate(_decl(59.20, 17.80), rules, as_of=AS_OF)
    assert result.finding("within-9-km") is result.finding("within-radius")


def test_the_new_id_finds_the_criterion_in_a_stored_old_result(tmp_path: Path) -> None:
    stored = rr.evaluate(_decl(59.20, 17.80), _version_2(tmp_path), as_of=AS_OF)
    rr.load_ruleset("botkyrka-2017")  # the current version tells the names apart
    assert stored.finding("within-radius").criterion == "within-9-km"
    assert stored.finding("within-radius").verdict is rr.Verdict.MET


def test_an_unknown_criterion_is_a_key_error_with_did_you_mean() -> None:
    result = rr.evaluate(_decl(59.20, 17.80), rr.load_ruleset("botkyrka-2017"), as_of=AS_OF)
    with pytest.raises(UnknownCriterionError) as info:
        result.finding("within-radious")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ReserveratError)
    assert str(info.value) == (
        "<python>: [unknown_criterion] no criterion 'within-radious' in botkyrka-2017; "
        "did you mean 'within-radius'? (got 'within-radious')"
    )
    assert info.value.problems[0].msg_sv == (
        "inget kriterium 'within-radious' i botkyrka-2017; menade du 'within-radius'?"
    )
    with pytest.raises(KeyError):
        rr.load_ruleset("botkyrka-2017").criterion("nope")


def test_a_diff_of_the_versions_names_the_rename_not_an_addition(tmp_path: Path) -> None:
    d = diff_rulesets(_version_2(tmp_path), rr.load_ruleset("botkyrka-2017"))
    assert (d.added, d.removed) == ((), ())
    assert [(c.before.id, c.id, c.parts) for c in d.changed] == [
        ("within-9-km", "within-radius", ("id",))
    ]
    assert render_diff(d, lang="en").splitlines()[2:5] == [
        "Criteria changed:",
        "  within-radius: A site within 9 km of the centre of Huddinge, Botkyrka (Tumba) or "
        "Salem (Rönninge) (id)",
        "    within-9-km → within-radius",
    ]


def test_a_comparison_of_the_versions_sees_no_change(tmp_path: Path) -> None:
    decls = [("a.json", _decl(59.20, 17.80)), ("b.json", _decl(59.40, 17.30))]
    c = compare(decls, _version_2(tmp_path), rr.load_ruleset("botkyrka-2017"), as_of=AS_OF)
    assert (c.gain_count, c.loss_count, c.criterion_flips, c.detailed) == (0, 0, {}, 0)


def test_set_and_case_files_accept_the_old_id(tmp_path: Path) -> None:
    rules = rr.load_ruleset("botkyrka-2017")
    assert parse_overrides(rules, ["within-9-km.radius_km=15"]) == {"radius_km": 15}
    case = tmp_path / "cases.toml"
    case.write_text(
        """
[[case]]
name = "gammalt id"
ruleset = "botkyrka-2017"
as_of = 2017-12-11
[case.declaration]
supplier = "Verkstaden ekonomisk förening"
legal_form = "ekonomisk_forening"
sites = [{ name = "Verkstaden", lat = 59.20, lon = 17.80, uncertainty_m = 10 }]
[case.expected.criteria.within-9-km]
verdict = "uppfyllt"
""",
        encoding="utf-8",
    )
    [outcome] = run_file(case)
    assert not isinstance(outcome, ReserveratError)
    assert (outcome.passed, outcome.failures) == (True, ())


def test_an_alias_may_not_be_another_criterion_id(tmp_path: Path) -> None:
    text = BOTKYRKA.read_text(encoding="utf-8").replace(
        'aliases = ["within-9-km"]', 'aliases = ["reinvests-profits"]'
    )
    path = tmp_path / "dup.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        rr.load_ruleset(str(path))
    [problem] = info.value.problems
    assert (problem.code, problem.loc, problem.rule) == (
        "duplicate_id",
        "criteria[2].aliases[0]",
        "within-radius",
    )
