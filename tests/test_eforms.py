"""eForms: reading BT-71, BT-736, CPV and buyer from notices, the consistency flags, the
codes each rule set stands for, and the commands."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.eforms import ART_77_CPV, BT_71_LABELS, BT_736_LABELS, lot_matches, read_notice
from reserverat.loading import parse_ruleset
from reserverat.xmlsafe import child, children, parse_xml, text

CORPUS = Path(__file__).parent / "data" / "corpus" / "eforms"
PIN = CORPUS / "pin-cfc-social_24.xml"
CN = CORPUS / "cn_24_maximal.xml"


def test_pin_lot() -> None:
    notice = read_notice(PIN)
    assert (notice.kind, notice.subtype, notice.regulatory_domain, notice.issued) == (
        "PriorInformationNotice",
        "12",
        "32014L0024",
        date(2023, 5, 26),
    )
    assert notice.buyer == "ZenithNova Innovations Ltd."
    assert notice.lots == (
        rr.Procurement(
            authority="ZenithNova Innovations Ltd.",
            reference="7a0d92d2-de31-4c7d-9baa-023a9a2db87b",
            title="Title vol3",
            main_cpv="85000000",
            reservation="res-ws",
            lot="LOT-0001",
            reserved_participation=("res-ws",),
            reserved_execution="not-known",
        ),
    )
    assert notice.problems == ()


def test_contract_notice_lots_and_flags() -> None:
    notice = read_notice(CN)
    assert [
        (p.lot, p.reserved_participation, p.reserved_execution, p.reservation) for p in notice.lots
    ] == [
        ("LOT-0001", ("res-pub-ser",), "yes", None),
        ("LOT-0002", ("none",), "yes", "res-prog"),
    ]
    first = notice.lot("LOT-0001")
    assert (first.main_cpv, first.duration_months, first.submission_date) == (
        "75121000",
        5,
        date(2023, 5, 22),
    )
    assert first.authority == "Financial Adinistration for ..."
    assert [(p.loc, p.code) for p in notice.problems] == [
        ("LOT-0001", "eforms.reserved_and_programme")
    ]


def _edited(tmp_path: Path, source: Path, *pairs: tuple[str, str]) -> Path:
    content = source.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in content, old
        content = content.replace(old, new, 1)
    path = tmp_path / source.name
    path.write_text(content, encoding="utf-8")
    return path


def test_res_pub_ser_outside_art_77_and_too_long(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        CN,
        (
            '<cbc:ItemClassificationCode listName="cpv">75121000<',
            '<cbc:ItemClassificationCode listName="cpv">45000000<',
        ),
        (
            "<cbc:EndDate>2023-05-23+01:00</cbc:EndDate>",
            "<cbc:EndDate>2027-05-23+01:00</cbc:EndDate>",
        ),
        ('listName="reserved-execution">yes<', 'listName="reserved-execution">no<'),
    )
    notice = read_notice(path)
    lot = notice.lot("LOT-0001")
    assert (lot.main_cpv, lot.duration_months, lot.reservation) == ("45000000", 53, "res-pub-ser")
    assert [(p.loc, p.code) for p in notice.problems] == [
        ("LOT-0001", "eforms.res_pub_ser_cpv"),
        ("LOT-0001", "eforms.res_pub_ser_duration"),
    ]
    assert notice.problems[0].msg == (
        "res-pub-ser, but the main CPV 45000000 is not among the art. 77 services (BR-BT-00262-0200)"
    )


def test_res_ws_with_programme_is_flagged(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        PIN,
        ('listName="reserved-execution">not-known<', 'listName="reserved-execution">yes<'),
    )
    notice = read_notice(path)
    assert notice.lots[0].reservation is None
    assert [p.code for p in notice.problems] == ["eforms.ws_and_programme"]


def test_missing_and_unknown_codes(tmp_path: Path) -> None:
    # Subtype 16 makes BT-71 mandatory; an unknown code is not a code.
    path = _edited(
        tmp_path,
        PIN,
        ('listName="notice-subtype">12<', 'listName="notice-subtype">16<'),
        ('listName="reserved-procurement">res-ws<', 'listName="reserved-procurement">res-xx<'),
    )
    notice = read_notice(path)
    assert notice.lots[0].reserved_participation is None
    assert [p.code for p in notice.problems] == ["eforms.unknown_code", "eforms.bt71_missing"]


def test_lot_choice_errors() -> None:
    notice = read_notice(CN)
    with pytest.raises(rr.DocumentError) as info:
        notice.lot()
    assert info.value.problems[0].code == "choose_lot"
    with pytest.raises(rr.DocumentError) as info:
        notice.lot("LOT-0009")
    assert info.value.problems[0].msg == "no lot 'LOT-0009'; the notice has LOT-0001, LOT-0002"


def test_not_a_notice() -> None:
    with pytest.raises(rr.DocumentError) as info:
        read_notice(CORPUS.parent / "espd" / "ESPD-Response.xml")
    assert info.value.problems[0].code == "not_eforms"


# ---- the codelists and the art. 77 list agree with their sources -----------------------------


def _codelist(path: Path) -> dict[str, dict[str, str]]:
    root = parse_xml(path)
    out = {}
    ns = {""}
    for table in children(root, "SimpleCodeList", ns):
        for row in children(table, "Row", ns):
            values = {
                v.get("ColumnRef"): text(child(v, "SimpleValue", ns))
                for v in children(row, "Value", ns)
            }
            out[str(values["code"])] = {
                "en": str(values["eng_label"]),
                "sv": str(values["swe_label"]),
            }
    return out


def test_labels_match_the_sdk_codelists() -> None:
    assert _codelist(CORPUS / "reserved-procurement.gc") == BT_71_LABELS
    assert _codelist(CORPUS / "applicability_reserved-execution.gc") == BT_736_LABELS


def test_art_77_list_matches_the_rule_set() -> None:
    rules = rr.load_ruleset("lou-19-25")
    check = next(c.check for c in rules.criteria if c.id == "cpv-listed")
    assert (check.codes, check.ranges) == (ART_77_CPV.codes, ART_77_CPV.ranges)  # type: ignore[union-attr]
    assert ART_77_CPV.contains("85311000-2")
    assert ART_77_CPV.contains("85323000")
    assert not ART_77_CPV.contains("85324000")
    assert not ART_77_CPV.contains("79710000")


# ---- rule sets and codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ruleset", "codes"),
    [
        ("lou-4-18", ("res-ws",)),
        ("botkyrka-2017", ("res-ws",)),
        ("lou-4-18-program", ("bt-736:yes",)),
        ("lou-19-25", ("res-pub-ser",)),
        ("lou-19-25a", ()),
        ("lov-1-2a", ()),
        ("asf-tillvaxtverket", None),
        ("asf-skoopi", None),
        ("ideburen-register", None),
        ("iop", None),
    ],
)
def test_every_rule_set_states_its_codes(ruleset: str, codes: tuple[str, ...] | None) -> None:
    assert rr.load_ruleset(ruleset).reservation_codes == codes


def test_lot_matches() -> None:
    notice = read_notice(CN)
    one, two = notice.lots
    assert lot_matches(rr.load_ruleset("lou-19-25"), one) is True
    assert lot_matches(rr.load_ruleset("lou-4-18"), one) is False
    assert lot_matches(rr.load_ruleset("lou-4-18-program"), two) is True
    assert lot_matches(rr.load_ruleset("lou-4-18"), rr.Procurement()) is None


def test_unknown_reservation_code_is_a_located_rule_error() -> None:
    text_ = """
id = "x"
version = "1"
title = { sv = "x", en = "x" }
reservation_codes = ["res-sw"]
[[legal_basis]]
instrument = "LOU (2016:1145)"
[[criteria]]
id = "a"
title = { sv = "a", en = "a" }
citation = { instrument = "LOU (2016:1145)" }
check = { kind = "fact_is_true", path = "purpose.integration_main_aim" }
"""
    with pytest.raises(rr.RuleSetError) as info:
        parse_ruleset(tomllib.loads(text_), source="x.toml")
    (problem,) = info.value.problems
    assert (problem.source, problem.loc, problem.code) == (
        "x.toml",
        "reservation_codes[0]",
        "not_allowed",
    )


# ---- commands ---------------------------------------------------------------------------------


def test_notice_codes_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notice-codes", "lou-4-18", "--lang", "sv"]) == 0
    assert capsys.readouterr().out == (
        "lou-4-18 2.0.1: Reserverat kontrakt enligt LOU 4 kap. 18 § första stycket 1\n"
        "  BT-71 (reserverat deltagande): res-ws. Deltagande förbehålls skyddade verkstäder och "
        "leverantörer vars mål är social och yrkesmässig integration av personer med "
        "funktionsnedsättning eller personer som är missgynnade.\n"
    )
    assert main(["notice-codes", "lou-19-25a", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "  No eForms code exists for this rule set: notices show none or res-pub-ser and "
        "describe the reservation in free text."
    )
    assert main(["notice-codes", "iop", "--lang", "en"]) == 0
    assert "not a basis for reserving" in capsys.readouterr().out


def test_read_notice_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read-notice", str(CN), "--rules", "lou-19-25"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{CN}: ContractNotice, annonstyp 16, 32014L0024, köpare Financial Adinistration for ...",
        "  LOT-0001: BT-71 res-pub-ser; BT-736 yes; CPV 75121000; reservation oklar; "
        "lou-19-25: passar",
        "  LOT-0002: BT-71 none; BT-736 yes; CPV 75121000; reservation res-prog; "
        "lou-19-25: passar inte",
    ]
    assert err.startswith(f"varning: {CN} vid LOT-0001: [eforms.reserved_and_programme]")
    assert main(["read-notice", str(CN), "--rules", "lou-19-25", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{CN}: ContractNotice, subtype 16, 32014L0024, buyer Financial Adinistration for ...",
        "  LOT-0001: BT-71 res-pub-ser; BT-736 yes; CPV 75121000; reservation unclear; lou-19-25: fits",
        "  LOT-0002: BT-71 none; BT-736 yes; CPV 75121000; reservation res-prog; lou-19-25: does not fit",
    ]
    assert err.startswith(f"warning: {CN} at LOT-0001: [eforms.reserved_and_programme]")


def test_check_with_notice(capsys: pytest.CaptureFixture[str]) -> None:
    decl = str(
        Path(__file__).parent.parent / "examples" / "welfare" / "30-kvinnojour-stiftelse.json"
    )
    code = main(["check", decl, "--rules", "lou-4-18", "--notice", str(PIN), "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 1
    # The notice gives no submission date: the command says it used today's.
    today = rr.date.today().isoformat()
    assert err == (
        "note: no evaluation date was given (--as-of or the procurement's submission date): "
        f"today, {today}, is used\n"
    )
    code = main(
        [
            "check",
            decl,
            "--rules",
            "lou-4-18",
            "--notice",
            str(CN),
            "--lot",
            "LOT-0001",
            "--lang",
            "en",
        ]
    )
    out, err = capsys.readouterr()
    assert out.splitlines()[2] == "Evaluation date: 2023-05-22"
    assert err == (
        f"warning: {CN} at LOT-0001: [notice_lacks_reservation] the lot's BT-71 is "
        "res-pub-ser, not res-ws: a contract reserved under lou-4-18 must say so in the call "
        "for competition (directive 2014/24 art. 20)\n"
    )


@pytest.mark.parametrize(
    ("ruleset_id", "values"),
    [
        ("lou-4-18", {"BT-71": "res-ws", "BT-736": "no"}),
        ("lou-19-25", {"BT-71": "res-pub-ser", "BT-736": "no"}),
        ("lou-4-18-program", {"BT-71": "none", "BT-736": "yes"}),
        ("lou-19-25a", {"BT-71": None, "BT-736": None}),
    ],
)
def test_the_values_a_reserved_lot_carries(ruleset_id: str, values: dict[str, str | None]) -> None:
    from reserverat.eforms import lot_values, notice_problems

    rules = rr.load_ruleset(ruleset_id)
    assert lot_values(rules) == values
    # A lot that carries them passes; one that says nothing fails with a located code.
    said = rr.parse_procurement(
        {
            "lot": "LOT-0001",
            "reserved_participation": [values["BT-71"] or "none"],
            "reserved_execution": values["BT-736"] or "no",
        }
    )
    assert notice_problems(rules, said) == []
    silent = rr.parse_procurement({"lot": "LOT-0001", "reserved_participation": ["none"]})
    codes = [p.code for p in notice_problems(rules, silent, "annons.xml")]
    want = []
    if values["BT-71"] not in (None, "none"):
        want.append("notice_lacks_reservation")
    if values["BT-736"] == "yes":
        want.append("notice_lacks_reserved_execution")
    assert codes == want
    with pytest.raises(rr.RuleSetError):
        lot_values(rr.load_ruleset("iop"))
