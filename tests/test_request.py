"""Request letters (reserverat request): only undecided suppliers, only what could change
the verdict, the provision that allows asking, in Swedish by default."""

from __future__ import annotations

from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.render.request import Letter, fetch_provision, letters, provision, render_letters

ROOT = Path(__file__).parent.parent
DECL = ROOT / "examples" / "declarations"
PROCUREMENT = ROOT / "examples" / "procurement.json"


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(
        [
            "request",
            *sorted(str(p) for p in DECL.glob("*.json")),
            "--rules",
            "lou-4-18",
            "--procurement",
            str(PROCUREMENT),
            "--reply-by",
            "2018-01-15",
            "--date",
            "2017-12-12",
            *extra,
        ]
    )
    assert code == 0
    return capsys.readouterr().out


def test_a_letter_for_each_undecided_supplier_only(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys)
    rules = rr.load_ruleset("lou-4-18")
    results = [
        rr.evaluate(d, rules, procurement=rr.load_procurement(PROCUREMENT))
        for p in sorted(DECL.glob("*.json"))
        for d in rr.load_declarations(p)
        if isinstance(d, rr.Declaration)
    ]
    undecided = [r for r in results if r.outcome is rr.Outcome.UNDECIDED]
    assert undecided and len(undecided) < len(results)
    assert text.count("Begäran om komplettering och förtydligande av anbud") == len(undecided)
    for r in results:
        assert (f"Till: {r.supplier.name}" in text) == (r.outcome is rr.Outcome.UNDECIDED)


def test_the_letter_to_nystart_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys)
    letter = next(part for part in text.split("-" * 72) if "Nystart Exempelby AB" in part)
    assert letter.strip() == "\n".join(
        [
            "Begäran om komplettering och förtydligande av anbud",
            "",
            "Till: Nystart Exempelby AB (559200-6661)",
            "Från: Exempelby kommun",
            "Upphandling: EXB-2017-0042",
            "Datum: 2017-12-12",
            "Svara senast: 2018-01-15",
            "",
            "Vi har granskat ert anbud mot villkoren för reserverad upphandling (Reserverat "
            "kontrakt enligt LOU 4 kap. 18 § första stycket 1, lou-4-18 2.0.1). För att kunna "
            "bedöma om villkoren är uppfyllda behöver vi följande från er:",
            "",
            "  1. anonymiserad förteckning över sysselsatta per anställningsform och "
            "målgruppskategori på referensdagen (behövs för: Minst 30\xa0% av de sysselsatta "
            "tillhör målgrupperna)",
            "",
            "Begäran görs med stöd av LOU (2016:1145) 4 kap. 9 §. Kompletteringen eller "
            "förtydligandet får inte ändra anbudet i sak, och samma möjlighet ges alla "
            "leverantörer.",
        ]
    )


def test_html_letters_print_one_per_page(capsys: pytest.CaptureFixture[str]) -> None:
    page = _run(capsys, "--format", "html", "--lang", "en")
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    # One <title>, and one heading per letter.
    assert page.count('<section class="letter">') == page.count("<h1>Request to supplement")
    assert (
        "break-after:page" in page
        and "This request is made under LOU (2016:1145) ch. 4 s. 9." in page
    )


def test_no_letter_where_no_supplement_could_change_the_outcome() -> None:
    rules = rr.load_ruleset("lou-4-18")
    below = rr.load_declarations(DECL / "11-for-lag-andel.json")[0]
    assert isinstance(below, rr.Declaration)
    result = rr.evaluate(below, rules, as_of=rr.date(2017, 12, 11))
    assert result.outcome is rr.Outcome.NOT_QUALIFIED
    assert letters([result]) == []


def test_the_provision_follows_the_law_of_the_rule_set() -> None:
    assert provision(rr.load_ruleset("lou-4-18")) == "LOU (2016:1145) 4 kap. 9 §"
    assert provision(rr.load_ruleset("lou-19-25@2.0.0")) == "LOU (2016:1145) 19 kap. 15 §"
    assert provision(rr.load_ruleset("lou-19-25@1.1.0")) == (
        "LOU (2016:1145) 4 kap. 9 § och 19 kap. 2 §"
    )
    assert provision(rr.load_ruleset("luf-4-16")) == "LUF (2016:1146) 4 kap. 9 §"


def test_the_letter_names_the_procurement_by_title_and_reference() -> None:
    from datetime import date

    from reserverat.render.request import render_letters

    rules = rr.load_ruleset("lou-4-18")
    procurement = rr.Procurement(
        authority="Exempelby kommun", title="Skötsel av grönytor", reference="2024/117"
    )
    (decl,) = rr.load_declarations(DECL / "11-for-lag-andel.json")
    assert isinstance(decl, rr.Declaration)
    undecided = decl.model_copy(update={"workforce": None})
    result = rr.evaluate(undecided, rules, procurement=procurement, as_of=date(2017, 12, 11))
    text = render_letters(letters([result]), rules, procurement, today=date(2017, 12, 12), reply_by=None)
    assert "Upphandling: Skötsel av grönytor (2024/117)\n" in text
    untitled = procurement.model_copy(update={"title": None})
    text = render_letters(letters([result]), rules, untitled, today=date(2017, 12, 12), reply_by=None)
    assert "Upphandling: 2024/117\n" in text


def test_what_the_buyer_fetches_names_15_kap_5_only_above_the_thresholds() -> None:
    from datetime import date

    letter = Letter(
        "Exempel AB",
        None,
        (("staff_list", ("Andelen",)),),
        fetched=(("annual_report", ("Vinsten",)),),
    )
    above = rr.load_ruleset("lou-4-18")
    assert fetch_provision(above, "en") == "LOU (2016:1145) ch. 15 s. 5"
    text = render_letters([letter], above, None, today=date(2024, 3, 15), reply_by=None)
    assert (
        "Följande behöver ni inte skicka: vi hämtar det själva ur offentliga register "
        "(LOU (2016:1145) 15 kap. 5 §): årsredovisningar eller verksamhetsberättelser för de "
        "senaste räkenskapsåren.\n"
    ) in text
    # Chapter 19 (and LUF) has no such provision that the tool knows: no citation at all.
    for rule_id in ("lou-19-25a", "luf-4-16"):
        rules = rr.load_ruleset(rule_id)
        assert fetch_provision(rules) is None
        text = render_letters([letter], rules, None, today=date(2024, 3, 15), reply_by=None)
        assert (
            "Följande behöver ni inte skicka: vi hämtar det själva ur offentliga register: "
            "årsredovisningar eller verksamhetsberättelser för de senaste räkenskapsåren.\n"
        ) in text
        english = render_letters(
            [letter], rules, None, today=date(2024, 3, 15), reply_by=None, lang="en"
        )
        assert (
            "You need not send the following: we fetch it ourselves from public registers: "
            "annual reports for the most recent financial years.\n"
        ) in english
