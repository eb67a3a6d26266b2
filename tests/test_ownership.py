"""Ownership, control and identity: who is public, who controls, who is registered."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reserverat as rr
from reserverat.identifiers import parse_identifier
from strategies import one_criterion, personnummer

DATA = Path(__file__).parent / "data"
REG = rr.builtin_register()

# (name, kind, public): public None means "ask" (grey zone or a weak pattern).
TABLE: list[tuple[str, str | None, bool | None]] = [
    ("Botkyrka kommun", "municipality", True),
    ("Huddinge Kommun", "municipality", True),
    ("HUDDINGE KOMMUN", "municipality", True),
    ("Stockholms stad", "municipality", True),
    ("Göteborgs Stad", "municipality", True),
    ("Malmö stad", "municipality", True),
    ("Kommunen Salem", "municipality", True),
    ("Salems kommun", "municipality", True),
    ("Botkyrka komun", "municipality", True),
    ("Hudinge kommun", "municipality", True),
    ("Region Skåne", "region", True),
    ("Regin Skåne", "region", True),
    ("Region Stockholm", "region", True),
    ("Stockholms läns landsting", "region", True),
    ("Västra Götalandsregionen", "region", True),
    ("Svenska staten", "state", True),
    ("Arbetsförmedlingen", "state", True),
    ("Försäkringskassan", "state", True),
    ("Samhall AB", "public_company", True),
    ("Vattenfall AB", "public_company", True),
    ("Botkyrkabyggen AB", "public_company", True),
    ("Huddingehem AB", "public_company", True),
    ("Botkyrka Kommun AB", "public_company", True),
    ("Sveriges Kommuner och Regioner", "public_association", True),
    ("Kommunal", "ideburen", False),
    ("Svenska kyrkan", "ideburen", False),
    ("Svenska kyrkan i Botkyrka", "ideburen", False),
    ("Botkyrka församling", "ideburen", False),
    ("Stockholms Stadsmission", "ideburen", False),
    ("Göteborgs Stadsmission", "ideburen", False),
    ("Coompanion Skåne", "ideburen", False),
    ("Famna", "ideburen", False),
    ("Riksbyggen", "company", False),
    ("HSB Stockholm", "company", False),
    ("Anna Svensson", None, False),
    ("Stiftelsen Grön Framtid", None, False),
    ("Botkyrka Bygg & Måleri AB", "company", False),
    ("Tvätteriet i Tumba AB", "company", False),
    ("Södertälje Energi AB", None, None),
    ("Botkyrka", None, None),
    ("Region Skånes vänner", None, False),  # a friends association: scores 75, below grey
]


@pytest.mark.parametrize(("name", "kind", "public"), TABLE, ids=[t[0] for t in TABLE])
def test_owner_classification_table(name: str, kind: str | None, public: bool | None) -> None:
    c = REG.classify(name)
    assert (c.kind, c.public) == (kind, public), c.describe()


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 30
    assert len(REG) > 1000


def test_classification_says_why() -> None:
    c = REG.classify("Botkyrka Kommun AB")
    assert (c.reason, c.matched, c.score) == ("company_named", "Botkyrka kommun", 100.0)
    near = REG.classify("Botkyrka komun")
    assert (near.reason, near.matched) == ("matched", "Botkyrka kommun")
    assert near.score is not None and 90 <= near.score < 100
    union = REG.classify("Kommunal")
    assert union.why is not None and "trade union" in union.why[1]


def test_group_digit_is_a_hint_only() -> None:
    # A name nobody knows, with a group-2 number: ask, do not decide.
    c = REG.classify("Exempelby samfällighet", "212000-0142")
    assert (c.public, c.reason) == (None, "group_2")
    # A company stays a company whatever its number says.
    assert REG.classify("Exempel AB", "212000-0142").public is False


def _decl(owners: list[dict[str, Any]] | None, **extra: Any) -> rr.Declaration:
    return rr.Declaration(supplier="Leverantören AB", owners=owners, **extra)


def _check(check: Any, decl: rr.Declaration, **context: Any) -> rr.Finding:
    rules = one_criterion(check)
    ctx = rr.EvaluationContext(**context)
    return rr.evaluate(decl, rules, as_of=date(2024, 1, 1), context=ctx).findings[0]


def test_no_public_owner_classifies_undeclared_owners() -> None:
    decl = _decl(
        [{"name": "Botkyrkabyggen AB", "capital_share": "0.01"}, {"name": "Anna Svensson"}]
    )
    f = _check(rr.no_public_owner(), decl)
    assert f.verdict is rr.Verdict.NOT_MET
    assert f.explanation.reason.code == "owners.public"
    codes = [n.code for n in f.explanation.notes]
    assert codes == ["owner.municipal_company", "owner.no_match"]
    text = rr.render_text(
        rr.evaluate(decl, _rules(rr.no_public_owner()), as_of=date(2024, 1, 1)), "en"
    )
    assert (
        "Botkyrkabyggen AB: the name of a municipal housing or property company (Botkyrka kommun)."
        in text
    )


def _rules(check: Any) -> rr.RuleSet:
    return one_criterion(check)


def test_declared_kind_is_used_unless_the_name_contradicts_it() -> None:
    declared_private = _decl([{"name": "Huddinge kommun", "kind": "company"}])
    f = _check(rr.no_public_owner(), declared_private)
    assert f.verdict is rr.Verdict.NOT_MET
    assert f.explanation.notes[0].code == "owner.declared_contradicted"
    consistent = _decl([{"name": "Stiftelsen Grön Framtid", "kind": "ideburen"}])
    assert _check(rr.no_public_owner(), consistent).verdict is rr.Verdict.MET


def test_grey_zone_asks_for_the_number() -> None:
    f = _check(rr.no_public_owner(), _decl([{"name": "Södertälje Energi AB"}]))
    assert f.verdict is rr.Verdict.UNDECIDED
    assert f.evidence == ("ownership_register",)


def test_thresholds_come_from_the_rule_set() -> None:
    decl = _decl([{"name": "Hudinge kommun"}])  # scores about 97
    assert _check(rr.no_public_owner(accept=90), decl).verdict is rr.Verdict.NOT_MET
    assert _check(rr.no_public_owner(accept=99, grey=90), decl).verdict is rr.Verdict.UNDECIDED
    assert _check(rr.no_public_owner(accept=100, grey=99), decl).verdict is rr.Verdict.MET


OWNER_POOL = [
    "Anna Svensson",
    "Exempel Holding AB",
    "Stiftelsen Grön Framtid",
    "Kommunal",
    "Botkyrka kommun",
    "Södertälje Energi AB",
    "Region Skåne",
    "Riksbyggen",
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(OWNER_POOL),
            st.sampled_from([None, "person", "company", "municipality"]),
        ),
        max_size=4,
    ),
    st.sampled_from(["Per Persson", "Nybygge Holding AB", "Kommunal", "Coompanion Väst"]),
)
def test_adding_a_private_owner_never_changes_the_verdict(
    owners: list[tuple[str, str | None]], private: str
) -> None:
    base = [{"name": n, "kind": k} for n, k in owners]
    before = _check(rr.no_public_owner(), _decl(base)).verdict
    after = _check(rr.no_public_owner(), _decl([*base, {"name": private}])).verdict
    if base or before is not rr.Verdict.MET:
        assert after is before
    else:
        assert after is rr.Verdict.MET


@given(
    st.sampled_from(["802456-7896", "8024567896", "16802456-7896", "168024567896", "802456 7896"])
)
def test_orgnr_normalisation_round_trips(given_form: str) -> None:
    first = parse_identifier(given_form)
    assert first.number == "802456-7896"
    assert parse_identifier(first.number) == first


@given(personnummer())
def test_personnummer_is_recognised_and_masked(pnr: str) -> None:
    ident = parse_identifier(pnr)
    assert ident.kind == "personnummer"
    assert ident.masked() == "******-****"
    assert parse_identifier("19" + pnr if int(pnr[:2]) > 24 else "20" + pnr).number == ident.number


# ---- control ---------------------------------------------------------------------------

MUNI_1PCT = [
    {"name": "Stiftelsen Grön Framtid", "kind": "ideburen", "vote_share": "0.99"},
    {"name": "Exempelby kommun", "kind": "municipality", "vote_share": "0.01"},
]
# The supplier's statement that no public body appoints its board or controls it otherwise.
STATED = {"public_appoints_board_majority": False, "public_other_control": False}


@pytest.mark.parametrize(
    ("owners", "control", "check", "verdict", "code"),
    [
        (MUNI_1PCT, STATED, rr.no_controlling_influence(), "met", "control.none"),
        # Control needs no ownership (a foundation a municipality set up appoints its own
        # board): unless the supplier says there is none, nothing is met.
        (MUNI_1PCT, None, rr.no_controlling_influence(), "undecided", "control.public_unstated"),
        ([], None, rr.no_controlling_influence(), "undecided", "control.public_unstated"),
        (
            [],
            {"public_appoints_board_majority": False},
            rr.no_controlling_influence(),
            "undecided",
            "control.public_unstated",
        ),
        ([], STATED, rr.no_controlling_influence(), "met", "control.no_public_owners"),
        (
            [{"name": "Botkyrka kommun", "vote_share": "0.51"}],
            None,
            rr.no_controlling_influence(),
            "not_met",
            "control.majority",
        ),
        (
            [{"name": "Botkyrka kommun", "vote_share": "0.50"}],
            STATED,
            rr.no_controlling_influence(),
            "met",
            "control.none",
        ),
        (
            [
                {"name": "Botkyrka kommun", "vote_share": "0.3"},
                {"name": "Huddinge kommun", "vote_share": "0.3"},
            ],
            None,
            rr.no_controlling_influence(),
            "not_met",
            "control.majority",
        ),
        (
            [
                {"name": "Botkyrka kommun", "vote_share": "0.3"},
                {"name": "Huddinge kommun", "vote_share": "0.3"},
            ],
            STATED,
            rr.no_controlling_influence(aggregate=False),
            "met",
            "control.none",
        ),
        (
            [{"name": "Botkyrka kommun", "vote_share": "0.1", "appoints_board_majority": True}],
            None,
            rr.no_controlling_influence(),
            "not_met",
            "control.board",
        ),
        (
            [{"name": "Region Skåne", "vote_share": "0.1", "other_control": True}],
            None,
            rr.no_controlling_influence(),
            "not_met",
            "control.other",
        ),
        (
            [],
            {"public_appoints_board_majority": True},
            rr.no_controlling_influence(),
            "not_met",
            "control.board",
        ),
        (
            MUNI_1PCT,
            STATED,
            rr.no_controlling_influence(board="undecided"),
            "undecided",
            "control.board_unknown",
        ),
        (
            [{"name": "Botkyrka kommun"}],
            None,
            rr.no_controlling_influence(),
            "undecided",
            "owners.kind_unknown",
        ),
        (None, None, rr.no_controlling_influence(), "undecided", "owners.unknown"),
    ],
)
def test_controlling_influence(
    owners: Any, control: Any, check: Any, verdict: str, code: str
) -> None:
    f = _check(check, _decl(owners, control=control))
    assert (f.verdict.value, f.explanation.reason.code) == (verdict, code)


def test_one_percent_municipal_owner_three_regimes() -> None:
    (decl,) = rr.load_declarations(
        Path(__file__).parent.parent / "examples" / "declarations" / "03-ab-kommunal-agare.json"
    )
    assert isinstance(decl, rr.Declaration)
    when = date(2017, 12, 11)
    assert (
        rr.evaluate(decl, rr.load_ruleset("lou-4-18"), as_of=when).outcome is rr.Outcome.QUALIFIED
    )
    asf = rr.evaluate(decl, rr.load_ruleset("asf-tillvaxtverket"), as_of=when)
    assert asf.finding("independent-of-public-sector").verdict is rr.Verdict.NOT_MET
    control = _check(rr.no_controlling_influence(), decl)
    assert control.verdict is rr.Verdict.MET
    assert [n.code for n in control.explanation.notes][-1] == "control.board_assumed"


# ---- registers -------------------------------------------------------------------------


def test_register_lookup() -> None:
    reg = rr.load_register(DATA / "ideburna-register.csv", "ideburna")
    assert (reg.id, len(reg)) == ("ideburna", 3)
    check = rr.registered_in("ideburna")
    ctx = {"registers": {"ideburna": reg}}
    by_number = _check(
        check, rr.Declaration(supplier="Annat namn", organisationsnummer="802456-7896"), **ctx
    )
    assert (by_number.verdict, by_number.explanation.reason.code) == (
        rr.Verdict.MET,
        "register.number",
    )
    by_name = _check(check, rr.Declaration(supplier="Stiftelsen utan nummer"), **ctx)
    assert (by_name.verdict, by_name.explanation.reason.code) == (rr.Verdict.MET, "register.name")
    near = _check(
        check,
        rr.Declaration(
            supplier="Föreningen Återbruket Exempelby", organisationsnummer="556987-6542"
        ),
        **ctx,
    )
    assert (near.verdict, near.explanation.reason.code) == (rr.Verdict.UNDECIDED, "register.near")
    absent = _check(
        check, rr.Declaration(supplier="Helt annan AB", organisationsnummer="556987-6542"), **ctx
    )
    assert (absent.verdict, absent.explanation.reason.code) == (
        rr.Verdict.NOT_MET,
        "register.absent",
    )
    missing = _check(check, rr.Declaration(supplier="X"))
    assert (missing.verdict, missing.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "register.not_supplied",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("empty", "")]),
        ("namn\nX\n", [("missing_column", "row 1")]),
        (
            "orgnr,name\n802456-7896,A\n802456-7897,B\n,\n,C\n",
            [("invalid", "row 3 column organisationsnummer")],
        ),
        ("orgnr;name\n802456-7896;\n", [("missing", "row 2 column name")]),
    ],
)
def test_malformed_register(tmp_path: Path, text: str, expected: list[tuple[str, str]]) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rr.RegisterError) as info:
        rr.load_register(path)
    assert [(p.code, p.loc) for p in info.value.problems] == expected


# ---- duplicates and groups ------------------------------------------------------------------


def test_duplicates() -> None:
    decls = [
        rr.Declaration(supplier="Återbruket ideell förening", organisationsnummer="802456-7896"),
        rr.Declaration(supplier="Cykelverkstan AB"),
        rr.Declaration(supplier="Föreningen Återbruket", organisationsnummer="802456-7896"),
        rr.Declaration(supplier="Cykelverkstan  AB."),
        rr.Declaration(supplier="Städbolaget AB"),
    ]
    found = rr.find_duplicates(decls)
    assert [(d.first, d.second, d.reason) for d in found] == [
        (0, 2, "organisationsnummer"),
        (1, 3, "name"),
    ]
    assert found[1].score == 100.0


def _member(headcount: int, target: int, **extra: Any) -> dict[str, Any]:
    return {
        "declaration": {
            "supplier": f"Medlem {headcount}-{target}",
            "scope": "legal_person",
            "purpose": {"integration_main_aim": True},
            "declared_on": "2017-12-01",
            "workforce": {
                "reference_date": "2017-12-01",
                "employed": {"headcount": headcount, "target_group": {"headcount": target}},
                "trainees": {"headcount": 0},
                "work_training": {"headcount": 0},
                "other": {"headcount": 0},
            },
        },
        **extra,
    }


def test_group_each_member_and_combined() -> None:
    group = rr.GroupTender(name="Gruppen", members=[_member(10, 5), _member(10, 2)])
    lou = rr.load_ruleset("lou-4-18")
    each = rr.evaluate_group(group, lou, as_of=date(2017, 12, 11))
    assert (each.policy, each.outcome) == ("each_member", rr.Outcome.NOT_QUALIFIED)
    combined_rules = rr.RuleSet.model_validate(
        {**lou.model_dump(), "group_policy": "combined_workforce"}
    )
    combined = rr.evaluate_group(group, combined_rules, as_of=date(2017, 12, 11))
    assert combined.outcome is rr.Outcome.QUALIFIED  # 7 of 20 = 35 %
    share = {f.criterion: f for f in combined.findings}["target-group-share"]
    assert (share.verdict, share.source) == (rr.Verdict.MET, "combined")
    assert combined.combined is not None
    assert combined.combined.finding("target-group-share").explanation.reason.args["occupied"] == 20


def test_subcontractor_never_carries_the_status() -> None:
    group = rr.GroupTender(
        name="Anbudsgivaren",
        members=[
            _member(10, 0),
            _member(10, 10, role="subcontractor"),
            _member(10, 10, role="capacity_provider"),
        ],
    )
    result = rr.evaluate_group(group, rr.load_ruleset("lou-4-18"), as_of=date(2017, 12, 11))
    assert result.outcome is rr.Outcome.NOT_QUALIFIED
    assert [m.counts for m in result.members] == [True, False, False]
    with pytest.raises(ValueError, match="at least one member"):
        rr.GroupTender(name="X", members=[_member(1, 1, role="subcontractor")])


def test_public_share_at_most_uses_classification() -> None:
    decl = _decl(
        [
            {"name": "Botkyrka kommun", "vote_share": "0.2"},
            {"name": "Anna Svensson", "vote_share": "0.8"},
        ]
    )
    assert _check(rr.public_share_at_most("0.25"), decl).verdict is rr.Verdict.MET
    f = _check(rr.public_share_at_most("0.1"), decl)
    assert f.verdict is rr.Verdict.NOT_MET
    assert f.gaps[0].args["points"] == Decimal("0.1")


@given(
    st.lists(
        st.sampled_from(
            [n for n, _, _ in TABLE] + ["Botkyrka kommun 12", "Hudinge komun", "Per Persson"]
        ),
        max_size=12,
    ),
    st.sampled_from([(90, 80), (95, 85), (100, 99)]),
)
def test_bulk_classification_equals_one_by_one(names: list[str], scores: tuple[int, int]) -> None:
    accept, grey = scores
    bulk = rr.PublicBodyRegister.__new__(rr.PublicBodyRegister)
    bulk.__dict__.update(REG.__dict__)
    bulk._cache, bulk._best_cache = {}, {}
    single = rr.PublicBodyRegister.__new__(rr.PublicBodyRegister)
    single.__dict__.update(REG.__dict__)
    single._cache, single._best_cache = {}, {}
    assert bulk.classify_many(names, accept=accept, grey=grey) == [
        single.classify(n, accept=accept, grey=grey) for n in names
    ]
