"""Where facts come from: sources on declarations, a criterion's sources rule, registers'
reading day, and what the buyer can fetch itself."""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.cases import load_cases, run_file
from reserverat.cli import main
from reserverat.engine import EvaluationContext
from reserverat.registry import RegisterEntry, SupplierRegister
from reserverat.render.request import letters
from reserverat.ruleset import SourceRule

HERE = Path(__file__).parent / "sources"
WHEN = date(2024, 3, 1)

BASE = {
    "supplier": "Verkstaden AB",
    "scope": "legal_person",
    "purpose": {"integration_main_aim": True},
    "workforce": {
        "reference_date": "2024-02-01",
        "employed": {"headcount": 10, "target_group": {"headcount": 4}},
        "trainees": {"headcount": 0},
        "work_training": {"headcount": 0},
        "other": {"headcount": 0},
    },
}
STAFF_LIST = {
    "facts": ["workforce"],
    "kind": "document",
    "document": "staff_list",
    "reference": "Personalförteckning",
    "issued": "2024-02-01",
}


def _decl(**extra: object) -> rr.Declaration:
    return rr.parse_declaration({**BASE, **extra})


def test_the_golden_cases_pass() -> None:
    outcomes = run_file(HERE / "cases.toml")
    assert len(outcomes) == len(list(load_cases(HERE / "cases.toml"))) == 12
    failed = [(o.case.name, o.failures) for o in outcomes if not getattr(o, "passed", False)]
    assert failed == []


def test_a_finding_says_what_its_facts_rest_on_in_both_languages() -> None:
    rules = rr.load_ruleset(str(HERE / "kallor.toml"))
    result = rr.evaluate(_decl(sources=[STAFF_LIST]), rules, as_of=WHEN)
    share = result.finding("target-group-share")
    assert share.verdict is rr.Verdict.MET
    assert [(u.kind, u.document, u.dated) for u in share.sources] == [
        ("document", "staff_list", date(2024, 2, 1))
    ]
    # The purpose was not backed: the supplier's own word, said as such.
    assert [u.kind for u in result.finding("main-purpose").sources] == ["declared"]
    sv = rr.render_text(result)
    assert "    Underlag: personalförteckning (Personalförteckning), daterad 2024-02-01\n" in sv
    assert "    Underlag: enligt egen försäkran\n" in sv
    en = rr.render_text(result, "en")
    assert "    Facts rest on: staff list (Personalförteckning), dated 2024-02-01\n" in en
    assert "Underlag:</b> personalförteckning" in rr.render_html(result)


def test_a_stale_source_is_explained_with_the_day_it_went_stale() -> None:
    rules = rr.load_ruleset(str(HERE / "kallor.toml"))
    old = {**STAFF_LIST, "issued": "2023-01-10"}
    result = rr.evaluate(_decl(sources=[old]), rules, as_of=WHEN)
    share = result.finding("target-group-share")
    assert share.verdict is rr.Verdict.UNDECIDED
    assert share.explanation.kind == "sources"
    # The replaced decision is kept below: what the numbers say, and why they are not enough.
    assert share.explanation.children[0].verdict is rr.Verdict.MET
    assert share.sources[0].stale_since == date(2024, 1, 10)
    text = rr.render_text(result)
    assert (
        "Underlaget från 2023-01-10 är för gammalt: personalförteckning (Personalförteckning), "
        "daterad 2023-01-10 (högst 365 dagar gammalt godtas; inaktuellt sedan 2024-01-10)." in text
    )
    assert result.compact().criteria["target-group-share"].reasons == ("sources.stale",)
    # The limit is said in words; no field name or code reaches the buyer's page.
    assert "max_age_days" not in text and "max_age_days" not in rr.render_html(result)


def test_without_sources_or_a_rule_results_keep_their_bytes() -> None:
    rules = rr.load_ruleset("lou-4-18")
    plain = rr.evaluate(_decl(), rules, as_of=WHEN)
    assert '"sources"' not in plain.to_json() and '"stage"' not in plain.to_json()
    assert all(f.sources == () for f in plain.findings)
    assert "Underlag" not in rr.render_text(plain)


def test_json_round_trip_keeps_sources_and_stage() -> None:
    rules = rr.load_ruleset(str(HERE / "kallor.toml"))
    result = rr.evaluate(_decl(sources=[STAFF_LIST]), rules, as_of=WHEN, stage="follow_up")
    data = json.loads(result.to_json())
    assert data["provenance"]["stage"] == "follow_up"
    assert data["findings"][1]["sources"][0]["document"] == "staff_list"
    again = rr.result_from_json(result.to_json())
    assert again == result
    assert again.to_json() == result.to_json()
    assert result.to_json(indent=None) == json.dumps(
        result.to_dict(), sort_keys=True, ensure_ascii=False
    )


def _register(read_on: date | None) -> EvaluationContext:
    entries = [RegisterEntry("556677-8899", "Verkstaden AB", 2)]
    return EvaluationContext(
        registers={"ideburna": SupplierRegister("ideburna", entries, "<test>", read_on)}
    )


def _register_rules(max_age: int | None) -> rr.RuleSet:
    text = f"""
id = "reg"
version = "1.0.0"
title = {{ sv = "Registrerad", en = "Registered" }}
[[legal_basis]]
instrument = "Lag (2022:900) om registrering av idéburna organisationer"
[[criteria]]
id = "registered"
title = {{ sv = "Registrerad som idéburen", en = "Registered as idéburen" }}
basis = "buyer"
citation = {{ instrument = "Lag (2022:900) om registrering av idéburna organisationer" }}
check = {{ kind = "registered_in", register_id = "ideburna" }}
{"" if max_age is None else f"sources = {{ qualification = 'register', max_age_days = {max_age} }}"}
"""
    return rr.parse_ruleset(tomllib.loads(text))


@pytest.mark.parametrize(
    ("read_on", "max_age", "verdict", "reason"),
    [
        (date(2024, 2, 1), 30, "met", "register.number"),  # 29 days: fresh
        (date(2024, 1, 31), 30, "undecided", "sources.stale"),  # 30 days: stale that day
        (None, 30, "undecided", "sources.undated"),
        (date(2020, 1, 1), None, "met", "register.number"),  # no rule: age is only shown
    ],
)
def test_a_register_reading_is_fresh_or_stale_by_the_day_it_was_read(
    read_on: date | None, max_age: int | None, verdict: str, reason: str
) -> None:
    decl = rr.parse_declaration({"supplier": "Verkstaden AB", "organisationsnummer": "5566778899"})
    result = rr.evaluate(decl, _register_rules(max_age), as_of=WHEN, context=_register(read_on))
    f = result.finding("registered")
    assert (f.verdict.value, f.explanation.reason.code) == (verdict, reason)
    assert [(u.kind, u.register_id, u.dated) for u in f.sources] == [
        ("register", "ideburna", read_on)
    ]
    if reason == "sources.stale":
        assert f.evidence == ("register_extract",)
        assert f.sources[0].stale_since == date(2024, 3, 1)


def test_the_command_line_takes_the_day_a_register_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "ideburna.csv"
    register.write_text("organisationsnummer,namn\n5566778899,Verkstaden AB\n", encoding="utf-8")
    rules = tmp_path / "reg.toml"
    decl = tmp_path / "d.json"
    decl.write_text(
        json.dumps({"supplier": "Verkstaden AB", "organisationsnummer": "5566778899"}),
        encoding="utf-8",
    )
    rules.write_text(_REGISTER_TOML, encoding="utf-8")
    args = ["check", str(decl), "--rules", str(rules), "--as-of", "2024-03-01"]
    assert main([*args, "--register", f"ideburna={register}@2024-02-20"]) == 0
    out = capsys.readouterr().out
    assert "Underlag: registret ideburna, läst 2024-02-20" in out
    assert main([*args, "--register", f"ideburna={register}@2024-01-01"]) == 1  # undecided
    out = capsys.readouterr().out
    assert "inaktuell sedan 2024-01-31" in out and "Utfall: KAN INTE AVGÖRAS" in out
    assert main([*args, "--register", f"ideburna={register}@igår"]) == 2
    err = capsys.readouterr().err
    assert "[bad_option]" in err and "efter '@' är inget datum" in err
    future = (date.today() + timedelta(days=2)).isoformat()
    assert main([*args, "--register", f"ideburna={register}@{future}"]) == 2
    err = capsys.readouterr().err
    assert "[future_date]" in err and "senare än i dag" in err


_REGISTER_TOML = """
id = "reg"
version = "1.0.0"
title = { sv = "Registrerad", en = "Registered" }
[[legal_basis]]
instrument = "Lag (2022:900) om registrering av idéburna organisationer"
[[criteria]]
id = "registered"
title = { sv = "Registrerad som idéburen", en = "Registered as idéburen" }
basis = "buyer"
citation = { instrument = "Lag (2022:900) om registrering av idéburna organisationer" }
check = { kind = "registered_in", register_id = "ideburna" }
sources = { qualification = "register", max_age_days = 30 }
"""


@pytest.mark.parametrize(
    ("source", "code", "loc", "sv"),
    [
        (
            {"facts": ["workforse"], "kind": "declared"},
            "unknown_fact",
            "sources[0].facts[0]",
            "'workforse' är ingen uppgift i en försäkran; menade du 'workforce'?",
        ),
        (
            {"facts": ["workforce"], "kind": "papper"},
            "not_allowed",
            "sources[0].kind",
            "ska vara 'declared', 'document' eller 'register'",
        ),
        (
            {"facts": ["legal_form"], "kind": "register", "register_id": "bolagsverket"},
            "source_incomplete",
            "sources[0]",
            "en källa av slaget register behöver read_on",
        ),
        (
            {
                "facts": ["workforce"],
                "kind": "document",
                "document": "staff_list",
                "issued": "2199-01-01",
            },
            "future_date",
            "sources[0].issued",
            "2199-01-01 är senare än i dag: ett dokument eller register kan inte ha lästs än",
        ),
    ],
)
def test_a_bad_source_is_a_located_error_in_both_languages(
    source: dict[str, object], code: str, loc: str, sv: str
) -> None:
    with pytest.raises(rr.DeclarationError) as caught:
        _decl(sources=[source])
    (problem,) = caught.value.problems
    assert (problem.code, problem.loc, problem.msg_sv) == (code, loc, sv)
    assert problem.msg and problem.msg != problem.msg_sv


def test_a_rule_file_with_an_unknown_source_kind_is_refused() -> None:
    bad = _REGISTER_TOML.replace('qualification = "register"', 'qualification = "rumour"')
    with pytest.raises(rr.RuleSetError) as caught:
        rr.parse_ruleset(tomllib.loads(bad))
    assert [p.code for p in caught.value.problems] == ["not_allowed"]
    assert caught.value.problems[0].loc.endswith("sources.qualification")


def test_the_buyer_fetches_what_a_register_gives_and_the_letter_does_not_ask_for_it() -> None:
    rules = rr.load_ruleset("lou-4-18")
    # An aktiebolag files its annual report with Bolagsverket; a non-profit does not.
    decl = rr.parse_declaration({**BASE, "supplier": "Utan form AB", "scope": None})
    result = rr.evaluate(decl, rules, as_of=WHEN)
    from reserverat.sources import buyer_fetches, fetchable

    assert fetchable("annual_report", "aktiebolag") and not fetchable(
        "annual_report", "ideell_forening"
    )
    assert fetchable("register_extract", None) and not fetchable("staff_list", "aktiebolag")
    assert buyer_fetches(result) == frozenset()
    ideburen = rr.load_ruleset("lou-19-25a")
    ab = rr.load_declarations(
        Path(__file__).parent.parent / "examples" / "declarations" / "03-ab-kommunal-agare.json"
    )[0]
    fetched = rr.evaluate(ab, ideburen, as_of=WHEN)
    own = buyer_fetches(fetched)
    assert own == {"annual_report"}  # an aktiebolag's, filed with Bolagsverket
    text = rr.render_text(fetched)
    assert "annual_report" not in {c for letter in letters([fetched]) for c, _ in letter.items}
    assert "Hämta själva ur offentliga register i stället för att begära in: årsredovisning" in (
        text
    )
    # The batch report's summary page says it apart too.
    from reserverat.render.html import summary_page, summary_row

    row = summary_row("ab.json", fetched, lang="sv", number=1)
    assert "annual_report" not in row.asks and row.fetch == ("annual_report",)
    page = summary_page([row], "sv")
    assert (
        '<p class="fetch">Hämta själva ur offentliga register i stället för att begära in: '
        "årsredovisning"
    ) in page


@settings(max_examples=60, deadline=None)
@given(
    target=st.integers(0, 10),
    kind=st.sampled_from(["declared", "document", "register"]),
    age=st.integers(0, 800),
    required=st.sampled_from(["declared", "document", "register"]),
    max_age=st.one_of(st.none(), st.integers(1, 700)),
)
def test_a_sources_rule_only_ever_turns_a_verdict_undecided(
    target: int, kind: str, age: int, required: str, max_age: int | None
) -> None:
    """Sources never make a criterion met or not met; without a rule they change nothing."""
    base = rr.load_ruleset(str(HERE / "kallor.toml"))
    crits = tuple(
        c.model_copy(update={"sources": None}) if c.id == "target-group-share" else c
        for c in base.criteria
    )
    bare = base.model_copy(update={"criteria": crits})
    ruled = base.model_copy(
        update={
            "criteria": tuple(
                c.model_copy(
                    update={"sources": SourceRule(qualification=required, max_age_days=max_age)}
                )
                if c.id == "target-group-share"
                else c
                for c in base.criteria
            )
        }
    )
    dated = (WHEN - timedelta(days=age)).isoformat()
    source: dict[str, object] = {"facts": ["workforce"], "kind": kind}
    if kind == "document":
        source |= {"document": "staff_list", "issued": dated}
    if kind == "register":
        source |= {"register_id": "af", "read_on": dated}
    workforce = dict(BASE["workforce"])  # type: ignore[arg-type]
    workforce["employed"] = {"headcount": 10, "target_group": {"headcount": target}}
    with_source = rr.parse_declaration({**BASE, "workforce": workforce, "sources": [source]})
    without = rr.parse_declaration({**BASE, "workforce": workforce})
    plain = rr.evaluate(without, bare, as_of=WHEN).finding("target-group-share").verdict
    assert rr.evaluate(with_source, bare, as_of=WHEN).finding("target-group-share").verdict is plain
    gated = rr.evaluate(with_source, ruled, as_of=WHEN).finding("target-group-share")
    assert gated.verdict in (plain, rr.Verdict.UNDECIDED)
    # The compact record, the explanation and the columnar path agree.
    compact = rr.evaluate(with_source, ruled, as_of=WHEN).compact().criteria
    assert compact["target-group-share"].verdict is gated.verdict
    from reserverat.columnar import CODES, Corpus, evaluate_columns

    codes = evaluate_columns(Corpus.from_declarations([with_source]), ruled, as_of=WHEN)
    assert codes[0][1] == CODES[gated.verdict]


def test_a_spreadsheet_names_its_sources_in_numbered_columns(tmp_path: Path) -> None:
    from reserverat.io import describe, read_rows

    sheet = tmp_path / "anbud.csv"
    header = [
        "supplier",
        "scope",
        "purpose.integration_main_aim",
        "workforce.reference_date",
        "workforce.employed.headcount",
        "workforce.employed.target_group.headcount",
        "workforce.trainees.headcount",
        "workforce.work_training.headcount",
        "workforce.other.headcount",
        "sources[0].facts",
        "sources[0].kind",
        "sources[0].document",
        describe("sources[0].reference", "sv"),  # a Swedish header is read as well
        "sources[0].issued",
        "sources[1].facts",
        "sources[1].kind",
    ]
    rows = [
        [
            "Verkstaden AB",
            "legal_person",
            "ja",
            "2024-02-01",
            "10",
            "4",
            "0",
            "0",
            "0",
            "workforce; purpose",
            "dokument",
            "personalförteckning",
            "Personalförteckning",
            "2024-02-01",
            "",
            "",
        ],
        [
            "Fel AB",
            "legal_person",
            "ja",
            "2024-02-01",
            "10",
            "4",
            "0",
            "0",
            "0",
            "workforce",
            "documnet",
            "",
            "",
            "",
            "purpose",
            "declared",
        ],
    ]
    sheet.write_text(
        "\n".join(",".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\n", encoding="utf-8"
    )
    good, bad = list(read_rows(sheet))
    assert isinstance(good.outcome, rr.Declaration)
    (source,) = good.outcome.sources or ()
    assert (source.facts, source.kind, source.document, source.reference, source.issued) == (
        ("workforce", "purpose"),
        "document",
        "staff_list",
        "Personalförteckning",
        date(2024, 2, 1),
    )
    rules = rr.load_ruleset(HERE / "kallor.toml")
    finding = rr.evaluate(good.outcome, rules, as_of=WHEN).finding("target-group-share")
    assert finding.verdict is rr.Verdict.MET
    # A spreadsheet row keeps its other facts: the list it could not read counts as unknown,
    # and one warning on the cell says so (not a second one for the item left without it).
    assert isinstance(bad.outcome, rr.Declaration) and bad.outcome.sources is None
    assert [(w.loc, w.code) for w in bad.warnings] == [("K3 (sources[0].kind)", "cell.choice")]
    assert bad.warnings[0].msg_sv == (
        "läste 'documnet': välj en av egen försäkran; dokument; register (hela listan räknas "
        "som okänd); uppgiften räknas som okänd"
    )
    assert bad.warnings[0].msg == (
        "read 'documnet': choose one of own declaration; document; register (the whole "
        "list counts as unknown); the fact counts as unknown"
    )
    assert bad.source == f"{sheet} row 3"


def test_a_template_for_a_rule_set_that_asks_for_sources_offers_their_columns(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    from reserverat.io import write_template

    cols = write_template(tmp_path / "mall.xlsx", "sv", rr.load_ruleset(HERE / "kallor.toml"))
    assert cols[-16:-8] == [
        "sources[0].facts",
        "sources[0].kind",
        "sources[0].document",
        "sources[0].reference",
        "sources[0].issued",
        "sources[0].register_id",
        "sources[0].record",
        "sources[0].read_on",
    ]
    sheet = load_workbook(tmp_path / "mall.xlsx").worksheets[0]
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    # The kind is offered in words; the kinds of document are too many for Excel's list
    # (255 characters) and are on the instruction sheet only.
    assert '"egen försäkran,dokument,register"' in lists
    assert all(len(f) <= 257 for f in lists)
    assert "sources[0].facts" not in write_template(
        tmp_path / "lou.csv", "sv", rr.load_ruleset("lou-4-18")
    )
