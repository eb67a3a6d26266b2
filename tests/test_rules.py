"""Rule nodes and rule sets: factories, reprs, operators, equality with the TOML files."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.checks import NODE_TYPES, AllOf
from reserverat.loading import list_rulesets, parse_ruleset

BUILTIN = [
    "lou-4-18",
    "lou-4-18-program",
    "asf-tillvaxtverket",
    "asf-skoopi",
    "botkyrka-2017",
    "lou-19-25",
    "lou-19-25a",
    "lov-1-2a",
    "ideburen-register",
    "iop",
    "luf-4-16",
    "luk-4-8",
    "luf-4-16-program",
    "luk-4-8-program",
]


def test_python_tree_equals_the_toml_file() -> None:
    lou = rr.load_ruleset("lou-4-18")
    lou_citation = {"instrument": "LOU (2016:1145)", "chapter": 4, "section": "18", "point": 1}
    built = [
        rr.whole_legal_person(unit_data=rr.param("unit_data")),
        rr.fact_is_true("purpose.sheltered_workshop")
        | rr.fact_is_true("purpose.integration_main_aim"),
        rr.share_at_least(
            rr.param("threshold"),
            basis=rr.param("basis"),
            forms=rr.param("forms"),
            undocumented_need=rr.param("undocumented_need"),
            declared_share=rr.param("declared_share"),
        ),
        rr.not_older_than("declared_on", months=rr.param("max_age_months"))
        & rr.not_older_than("workforce.reference_date", months=rr.param("max_age_months")),
    ]
    assert [c.check for c in lou.criteria] == built
    main_purpose = rr.criterion(
        "main-purpose",
        built[1],
        title={
            "sv": "Skyddad verkstad eller främsta syfte social och yrkesmässig integrering",
            "en": "Sheltered workshop or main aim of social and professional integration",
        },
        citation=lou_citation,
        basis="statute",
    )
    assert lou.criterion("main-purpose") == main_purpose
    assert hash(lou.criterion("main-purpose")) == hash(main_purpose)


def test_whole_ruleset_round_trips_through_its_data() -> None:
    for name in BUILTIN:
        rules = rr.load_ruleset(name)
        again = rr.RuleSet.model_validate(rules.model_dump())
        assert again == rules
        assert again.content_hash == rules.content_hash


@pytest.mark.parametrize("name", BUILTIN)
def test_repr_is_the_call_that_rebuilds_the_node(name: str) -> None:
    namespace = {k: getattr(rr, k) for k in rr.__all__} | {"Decimal": Decimal}
    for crit in rr.load_ruleset(name).criteria:
        assert eval(repr(crit.check), namespace) == crit.check


def test_operators_flatten_and_bool_refuses() -> None:
    a, b, c = (
        rr.fact_is_true(p)
        for p in (
            "purpose.integration_main_aim",
            "purpose.sheltered_workshop",
            "business.sells_goods_or_services",
        )
    )
    tree = a & b & c
    assert isinstance(tree, AllOf) and tree.of == (a, b, c)
    assert (a | b | c) == rr.any_of(a, b, c)
    assert ~a == rr.not_(a)
    assert (
        repr(a & ~b)
        == "all_of(fact_is_true('purpose.integration_main_aim'), not_(fact_is_true('purpose.sheltered_workshop')))"
    )
    with pytest.raises(TypeError, match="combine nodes with &"):
        bool(a)
    with pytest.raises(TypeError):
        _ = a and b


def test_every_node_kind_has_a_factory() -> None:
    # The compiled checks behind them: tests/test_registry.py.
    factories = {"not": "not_"}
    for kind in NODE_TYPES:
        assert factories.get(kind, kind) in rr.__all__, kind


def test_builtin_rule_sets_are_listed_with_aliases() -> None:
    infos = {i.id: i for i in list_rulesets()}
    assert set(infos) == set(BUILTIN)
    # LUF and LUK have rule files of their own that cite their own law, not LOU's.
    luk = rr.load_ruleset("luk-4-8")
    assert luk.extends == "lou-4-18"
    assert [c.short() for c in luk.legal_basis] == [
        "LUK (2016:1147) 4 kap. 8 § p. 1",
        "Directive 2014/23/EU art. 24",
    ]
    assert "LOU" not in luk.criterion("target-group-share").citation.instrument


def test_extends_inherits_and_adds() -> None:
    skoopi = rr.load_ruleset("asf-skoopi")
    base = rr.load_ruleset("asf-tillvaxtverket")
    assert skoopi.extends == "asf-tillvaxtverket"
    assert [c.id for c in skoopi.criteria][: len(base.criteria)] == [c.id for c in base.criteria]
    assert skoopi.parameters["reinvest_share"] == base.parameters["reinvest_share"]
    assert skoopi.legal_basis[: len(base.legal_basis)] == base.legal_basis


def test_content_hash_is_stable_and_sensitive() -> None:
    lou = rr.load_ruleset("lou-4-18")
    assert lou.content_hash == rr.load_ruleset("lou-4-18").content_hash
    assert lou.with_params(threshold=Decimal("0.30")).content_hash == lou.content_hash
    assert lou.with_params(threshold=0.3).content_hash == lou.content_hash
    assert lou.with_params(threshold="0.31").content_hash != lou.content_hash


def test_dated_parameter_values() -> None:
    lou = rr.load_ruleset("lou-4-18")
    data = lou.model_dump()
    data["parameters"]["threshold"]["values"] = [
        {"value": "0.3"},
        {"since": date(2025, 1, 1), "value": "0.4"},
    ]
    dated = rr.RuleSet.model_validate(data)
    assert dated.params_at(date(2024, 12, 31))["threshold"] == Decimal("0.3")
    assert dated.params_at(date(2025, 1, 1))["threshold"] == Decimal("0.4")
    decl = rr.Declaration(
        supplier="X",
        scope="legal_person",
        purpose={"integration_main_aim": True},
        declared_on=date(2024, 12, 1),
        workforce={
            "reference_date": date(2024, 12, 1),
            "employed": {"headcount": 10, "target_group": {"headcount": 3}},
            "trainees": {"headcount": 0},
            "work_training": {"headcount": 0},
            "other": {"headcount": 0},
        },
    )
    assert rr.evaluate(decl, dated, as_of=date(2024, 12, 31)).outcome is rr.Outcome.QUALIFIED
    later = rr.evaluate(
        decl.model_copy(update={"declared_on": date(2025, 1, 2)}), dated, as_of=date(2025, 1, 2)
    )
    assert later.finding("target-group-share").verdict is rr.Verdict.NOT_MET
    params = later.finding("target-group-share").explanation.parameters
    assert rr.Fact("threshold", Decimal("0.4")) in params


def test_guarded_criterion_is_not_applicable_when_the_guard_fails() -> None:
    crit = rr.criterion(
        "employs",
        rr.number_at_least("workforce.employed.target_group.headcount", 1),
        when=~rr.value_in("legal_form", ["stiftelse"]),
        title={"sv": "a", "en": "b"},
        citation={"instrument": "X"},
    )
    rules = rr.RuleSet(
        id="t",
        version="1",
        title={"sv": "t", "en": "t"},
        legal_basis=[{"instrument": "X"}],
        criteria=[crit],
    )
    foundation = rr.Declaration(supplier="S", legal_form="stiftelse")
    company = rr.Declaration(supplier="C", legal_form="aktiebolag")
    unknown = rr.Declaration(
        supplier="U", workforce={"employed": {"headcount": 2, "target_group": {"headcount": 1}}}
    )
    when = date(2020, 1, 1)
    assert (
        rr.evaluate(foundation, rules, as_of=when).findings[0].verdict is rr.Verdict.NOT_APPLICABLE
    )
    assert rr.evaluate(foundation, rules, as_of=when).outcome is rr.Outcome.QUALIFIED
    assert rr.evaluate(company, rules, as_of=when).findings[0].verdict is rr.Verdict.UNDECIDED
    # Guard undecided but the check met: (not G) or C is met.
    assert rr.evaluate(unknown, rules, as_of=when).findings[0].verdict is rr.Verdict.MET


def test_ruleset_not_in_force_warns() -> None:
    decl = rr.Declaration(supplier="X")
    result = rr.evaluate(decl, rr.load_ruleset("lou-4-18"), as_of=date(2016, 6, 1))
    assert [w.code for w in result.warnings] == ["ruleset.not_in_force.from"]
    assert result.outcome is rr.Outcome.NOT_QUALIFIED
    assert (
        rr.render_text(result, "sv").count(
            "Den rättsliga grunden gällde inte på bedömningsdagen 2016-06-01 (den gäller från "
            "2017-01-01): ingen kan kvalificeras enligt den."
        )
        == 1
    )


def test_the_version_index_reads_only_a_rule_file_head(tmp_path: Path) -> None:
    """The index of ids and versions parses the text before the first table; it agrees
    with the whole file, also where a multi-line string has a line starting with '['."""
    from reserverat.loading import _read_head, _read_toml, builtin_rules_dir

    keys = ("id", "version", "valid_from", "valid_to", "aliases", "extends")
    for path in sorted(builtin_rules_dir().glob("*.toml")):
        head, whole = _read_head(path), _read_toml(path)
        assert {k: head.get(k) for k in keys} == {k: whole.get(k) for k in keys}, path
    tricky = tmp_path / "tricky.toml"
    tricky.write_text(
        'note = """\n[not a table]\n"""\nid = "x"\nversion = "2"\n[parameters]\n',
        encoding="utf-8",
    )
    assert _read_head(tricky) == {
        "note": "[not a table]\n",
        "id": "x",
        "version": "2",
        "parameters": {},
    }


# ---- texts follow parameters ----------------------------------------------------------------

_PLACED = [
    (info.id, name)
    for info in list_rulesets()
    for name in sorted(
        {n for c in rr.load_ruleset(info.id).criteria for n in c.title.placeholders()}
    )
]


@pytest.mark.parametrize(("ruleset_id", "name"), _PLACED)
@settings(max_examples=15, deadline=None)
@given(steps=st.integers(min_value=1, max_value=60))
def test_a_variant_names_its_own_value_in_every_title(
    ruleset_id: str, name: str, steps: int
) -> None:
    """A title that names a parameter says the variant's value, never the rule set's own."""
    from reserverat.render.messages import fmt_as, param_spec

    rules = rr.load_ruleset(ruleset_id)
    when = rules.valid_from or date(2024, 3, 15)
    old = rules.params_at(when)[name]
    unit = rules.parameters[name].unit
    new = Decimal(steps) / 100 if unit == "share" else Decimal(steps) / 2
    if new == old:
        return
    variant = rules.with_params(**{name: new})
    result = rr.evaluate(rr.Declaration(supplier="Exempel AB"), variant, as_of=when)
    for lang in ("sv", "en"):
        was = fmt_as(old, param_spec(old, unit), lang)
        now = fmt_as(new, param_spec(new, unit), lang)
        titles = [
            f.title.get(lang)
            for f, c in zip(result.findings, variant.criteria, strict=True)
            if name in c.title.placeholders()
        ]
        # "9 km" is in "29 km": the old value counts only where no digit runs into it.
        old_there = re.compile(r"(?<![\d.,])" + re.escape(was))
        assert titles and all(now in t and not old_there.search(t) for t in titles), (lang, titles)


def test_a_text_may_name_only_parameters() -> None:
    data = {
        "id": "x",
        "version": "1",
        "title": {"sv": "X", "en": "X"},
        "legal_basis": [{"instrument": "LOU (2016:1145)"}],
        "parameters": {"threshold": {"values": [{"value": 0.3}]}},
        "criteria": [
            {
                "id": "c",
                "title": {"sv": "Minst {treshold}", "en": "At least {threshold}"},
                "citation": {"instrument": "LOU (2016:1145)"},
                "check": {"kind": "share_at_least", "threshold": {"param": "threshold"}},
            }
        ],
    }
    with pytest.raises(rr.RuleSetError) as info:
        parse_ruleset(data, source="x.toml")
    assert [(p.code, p.loc, p.rule, p.message("sv")) for p in info.value.problems] == [
        (
            "unknown_parameter",
            "criteria[0].title",
            "c",
            "texten nämner {treshold}, som inte är en parameter; menade du 'threshold'?",
        )
    ]
