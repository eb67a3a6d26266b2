"""ESPD import: every version in the corpus, the three percentage encodings, answer states,
namespace handling, the declared-share rule, and safe XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.cli import main
from reserverat.espd import CRITERION_IDS, CRITERION_TYPE_CODES, read_espd
from reserverat.result import Verdict
from reserverat.xmlsafe import parse_xml

CORPUS = Path(__file__).parent / "data" / "corpus" / "espd"
V4 = CORPUS / "ESPD-Response.xml"
V2 = CORPUS / "BASIC-ESPDResponse-2.1.1.xml"
V2_NO = CORPUS / "espd-response-v2-with-alpha-true.xml"
V1 = CORPUS / "procurement_reserved_import.xml"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


# ---- the corpus oracles (ESPD-EFORMS.md §3.2) ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "version", "answer", "raw", "share", "scale", "category", "evidence", "issued"),
    [
        (
            V4,
            "4.1.0",
            "yes",
            Decimal("0.10"),
            Decimal("0.10"),
            "fraction",
            "Dummy Description",
            ("EVIDENCE-ID/C57_OT_shelt-worksh/QG2/QSG1/Q1/R1/R1/RES",),
            date(2025, 12, 9),
        ),
        (
            V2,
            "2.1.1",
            "yes",
            Decimal("0.7"),
            Decimal("0.7"),
            "fraction",
            "DUMMY_DESCRIPTION",
            ("EVIDENCE-00001",),
            date(2019, 11, 21),
        ),
        (V2_NO, "2.1.0", "no", None, None, None, None, (), date(2019, 4, 30)),
        (
            V1,
            "1",
            "yes",
            Decimal("11.11"),
            Decimal("0.1111"),
            "points",
            "Hodor",
            (),
            date(2016, 1, 20),
        ),
    ],
    ids=["v4.1.0", "v2.1.1", "v2.1.0-no", "v1"],
)
def test_corpus_answers(
    path: Path,
    version: str,
    answer: str,
    raw: Decimal | None,
    share: Decimal | None,
    scale: str | None,
    category: str | None,
    evidence: tuple[str, ...],
    issued: date,
) -> None:
    got = read_espd(path)
    assert got.answer == rr.EspdAnswer(
        version=version,
        answer=answer,  # type: ignore[arg-type]
        percent_raw=raw,
        percent_scale=scale,  # type: ignore[arg-type]
        category=category,
        evidence_ids=evidence,
        issued=issued,
    )
    assert got.share == share


def test_supplier_identity_and_role() -> None:
    v4 = read_espd(V4)
    assert (v4.supplier, v4.party_id, v4.role) == (
        "__Procurer Official Name__",
        "AD123456789",
        "group-mem",
    )
    assert v4.organisationsnummer is None  # not a Swedish number
    v2 = read_espd(V2)
    assert (v2.supplier, v2.party_id, v2.role) == ("__EoName", "DE153301871", None)


def test_declaration_from_espd() -> None:
    decl = read_espd(V2).declaration()
    assert decl.model_dump(mode="json", exclude_none=True) == {
        "supplier": "__EoName",
        "scope": "legal_person",
        "workforce": {"declared_share": "0.7"},
        "declared_on": "2019-11-21",
        "evidence": [],
        "espd": {
            "version": "2.1.1",
            "answer": "yes",
            "percent_raw": "0.7",
            "percent_scale": "fraction",
            "category": "DUMMY_DESCRIPTION",
            "evidence_ids": ["EVIDENCE-00001"],
            "issued": "2019-11-21",
            "lots": [],
        },
    }


def test_personal_data_of_the_representative_is_not_read() -> None:
    # BASIC 2.1.1 carries the representative's name and birth date; none of it is imported.
    text = read_espd(V2).declaration().model_dump_json()
    assert "EoRepres" not in text
    assert "1969-01-01" not in text


def test_request_is_refused() -> None:
    with pytest.raises(rr.DocumentError) as info:
        read_espd(CORPUS / "ESPD-Request.xml")
    (problem,) = info.value.problems
    assert (problem.code, problem.loc) == ("espd_request", "QualificationApplicationRequest")


def test_criterion_ids_agree_with_the_taxonomies() -> None:
    other = json.loads((CORPUS / "otherCriteria.json").read_text(encoding="utf-8"))
    (reserved,) = [c for c in other["criteria"] if c["uuid"] in CRITERION_IDS]
    assert reserved["name"] == "Procurement reserved"
    assert reserved["criterionType"]["code"] in CRITERION_TYPE_CODES
    request = (CORPUS / "ESPD-Request.xml").read_text(encoding="utf-8")
    assert ">C57_OT_shelt-worksh<" in request
    assert "<SimpleValue>shelt-worksh</SimpleValue>" in (CORPUS / "Criterion.gc").read_text(
        encoding="utf-8"
    )


# ---- answer states, made from the corpus files ----------------------------------------------


def _without_responses(path: Path, property_ids: set[str]) -> bytes:
    """The document with the responses to these properties removed (prefixes change too)."""
    root = ET.parse(path).getroot()
    for response in list(root.findall(f"{{{CAC}}}TenderingCriterionResponse")):
        prop = response.find(f"{{{CBC}}}ValidatedCriterionPropertyID")
        if prop is not None and (prop.text or "").strip() in property_ids:
            root.remove(response)
    return ET.tostring(root, encoding="utf-8")


def test_not_answered_differs_from_no(tmp_path: Path) -> None:
    open_v4 = tmp_path / "open.xml"
    open_v4.write_bytes(
        _without_responses(
            V4,
            {
                "C57_OT_shelt-worksh/QG1/Q1",
                "C57_OT_shelt-worksh/QG1/QSG1/Q1",
                "C57_OT_shelt-worksh/QG1/QSG1/Q2",
            },
        )
    )
    got = read_espd(open_v4)
    assert (got.answer.answer, got.answer.percent_raw, got.share) == ("not_answered", None, None)
    rules = rr.load_ruleset("lou-4-18")
    when = date(2026, 1, 10)
    unanswered = rr.evaluate(got.declaration(), rules, as_of=when)
    denied = rr.evaluate(read_espd(V2_NO).declaration(), rules, as_of=date(2019, 5, 1))
    assert unanswered.finding("main-purpose").verdict is Verdict.UNDECIDED
    assert denied.finding("main-purpose").verdict is Verdict.NOT_MET
    assert denied.outcome is rr.Outcome.NOT_QUALIFIED


def test_v1_empty_response_is_not_answered(tmp_path: Path) -> None:
    text = V1.read_text(encoding="utf-8")
    emptied = re.sub(r"<ccv:Response>.*?</ccv:Response>", "<ccv:Response/>", text, flags=re.S)
    path = tmp_path / "v1-open.xml"
    path.write_text(emptied, encoding="utf-8")
    got = read_espd(path)
    assert (got.answer.answer, got.answer.percent_raw, got.answer.category) == (
        "not_answered",
        None,
        None,
    )
    assert got.warnings[0].code == "espd.no_name"


def test_v3_shape_found_by_type_code(tmp_path: Path) -> None:
    # A v3.3 response: type code shelt-worksh, ResponseNumeric@format, a random criterion id.
    text = V2.read_text(encoding="utf-8")
    text = text.replace(
        "2043338f-a38a-490b-b3ec-2607cb25a017", "d1c6f0a7-0000-4000-8000-000000000000"
    )
    text = text.replace("CRITERION.OTHER.EO_DATA.SHELTERED_WORKSHOP", "shelt-worksh")
    text = text.replace('schemeVersionID="2.1.1">2.1.1</cbc:VersionID>', ">3.3.0</cbc:VersionID>")
    text = text.replace(
        '<cbc:ResponseQuantity unitCode="PERCENTAGE">0.7</cbc:ResponseQuantity>',
        '<cbc:ResponseNumeric format="PERCENTAGE">0.35</cbc:ResponseNumeric>',
    )
    path = tmp_path / "v3.xml"
    path.write_text(text, encoding="utf-8")
    got = read_espd(path)
    assert (got.answer.version, got.answer.answer, got.share) == ("3.3.0", "yes", Decimal("0.35"))


def test_version_in_v2_file_is_as_expected() -> None:
    # The v3 test above rewrites this version element; make sure it is really there.
    assert 'schemeVersionID="2.1.1">2.1.1</cbc:VersionID>' in V2.read_text(encoding="utf-8")


def test_absent_criterion_is_its_own_state(tmp_path: Path) -> None:
    text = V1.read_text(encoding="utf-8").replace(
        "2043338f-a38a-490b-b3ec-2607cb25a017", "00000000-0000-4000-8000-000000000000"
    )
    path = tmp_path / "other.xml"
    path.write_text(text, encoding="utf-8")
    got = read_espd(path)
    assert got.answer.answer == "absent"
    assert [w.code for w in got.warnings] == ["espd.criterion_absent", "espd.no_name"]


# ---- namespaces: URIs, never prefixes --------------------------------------------------------

_PREFIX = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(
    lambda p: not p.startswith("xml")
)


@settings(max_examples=25, deadline=None)
@given(cbc=_PREFIX, ccv=_PREFIX, ccvcbc=_PREFIX)
def test_v1_prefixes_do_not_matter(
    tmp_path_factory: pytest.TempPathFactory, cbc: str, ccv: str, ccvcbc: str
) -> None:
    if (
        len(
            {
                cbc,
                ccv,
                ccvcbc,
                "cac",
                "cev",
                "cev-cbc",
                "espd",
                "ext",
                "espd-cbc",
                "espd-cac",
                "espd-req",
            }
        )
        < 11
    ):
        return
    text = V1.read_text(encoding="utf-8")
    text = re.sub(r"(</?|xmlns:)ccv-cbc([:=])", rf"\g<1>{ccvcbc}\g<2>", text)
    text = re.sub(r"(</?|xmlns:)ccv([:=])", rf"\g<1>{ccv}\g<2>", text)
    text = re.sub(r"(</?|xmlns:)cbc([:=])", rf"\g<1>{cbc}\g<2>", text)
    path = tmp_path_factory.mktemp("ns") / "v1.xml"
    path.write_text(text, encoding="utf-8")
    assert read_espd(path).answer == read_espd(V1).answer


def test_default_namespace_for_cbc_as_tools_write_it(tmp_path: Path) -> None:
    # JAXB-style output: CBC is the default namespace and the root has a prefix.
    text = V2_NO.read_text(encoding="utf-8")
    text = text.replace(f'xmlns:cbc="{CBC}"', f'xmlns="{CBC}"')
    text = re.sub(r"(</?)cbc:", r"\1", text)
    text = re.sub(r"(</?|xmlns:)cac([:=])", r"\1ns3\2", text)
    path = tmp_path / "jaxb.xml"
    path.write_text(text, encoding="utf-8")
    assert read_espd(path).answer == read_espd(V2_NO).answer


def test_wrong_namespace_is_not_matched(tmp_path: Path) -> None:
    # Same local names in another namespace: not an ESPD criterion.
    text = V1.read_text(encoding="utf-8").replace(
        "urn:isa:names:specification:ubl:schema:xsd:CCV-CommonAggregateComponents-1",
        "urn:example:not-ccv",
    )
    path = tmp_path / "foreign.xml"
    path.write_text(text, encoding="utf-8")
    assert read_espd(path).answer.answer == "absent"


# ---- the percentage: three encodings, an ambiguous scale ------------------------------------


def _v1_with(tmp_path: Path, value: str) -> Path:
    text = V1.read_text(encoding="utf-8").replace(">11.11<", f">{value}<")
    path = tmp_path / f"v1-{value}.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _v2_with(tmp_path: Path, value: str) -> Path:
    text = V2.read_text(encoding="utf-8").replace(
        '<cbc:ResponseQuantity unitCode="PERCENTAGE">0.7<',
        f'<cbc:ResponseQuantity unitCode="PERCENTAGE">{value}<',
    )
    path = tmp_path / f"v2-{value}.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("dialect", "value", "option", "share", "scale", "codes"),
    [
        ("v1", "45.0", "auto", Decimal("0.45"), "points", []),
        ("v1", "0.05", "auto", None, "ambiguous", ["espd.ambiguous_percentage"]),
        ("v1", "1", "auto", None, "ambiguous", ["espd.ambiguous_percentage"]),
        ("v1", "0.05", "fraction", Decimal("0.05"), "fraction", []),
        ("v1", "0.05", "points", Decimal("0.0005"), "points", []),
        ("v1", "0", "auto", Decimal("0"), "fraction", ["espd.yes_with_zero"]),
        ("v1", "0.0", "auto", Decimal("0"), "fraction", ["espd.yes_with_zero"]),
        ("v1", "120", "auto", None, None, ["espd.bad_percentage"]),
        ("v1", "abc", "auto", None, None, ["espd.bad_percentage"]),
        ("v2", "0.3", "auto", Decimal("0.3"), "fraction", []),
        ("v2", "1", "auto", Decimal("1"), "fraction", []),
        ("v2", "30", "auto", Decimal("0.3"), "points", ["espd.points_encoding"]),
        ("v2", "30", "fraction", None, None, ["espd.bad_percentage"]),
        ("v2", "0.0", "auto", Decimal("0"), "fraction", ["espd.yes_with_zero"]),
    ],
)
def test_percentage_scales(
    tmp_path: Path,
    dialect: str,
    value: str,
    option: str,
    share: Decimal | None,
    scale: str | None,
    codes: list[str],
) -> None:
    path = _v1_with(tmp_path, value) if dialect == "v1" else _v2_with(tmp_path, value)
    got = read_espd(path, percent_scale=option)  # type: ignore[arg-type]
    assert got.share == share
    assert got.answer.percent_scale == scale
    assert [w.code for w in got.warnings if w.code != "espd.no_name"] == codes


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=1, places=3))
def test_v2_fractions_are_read_as_written(value: Decimal) -> None:
    from reserverat.espd import _interpret, _Reader

    reader = _Reader("<test>", "auto")
    share, scale = _interpret(value, "2.1.1", reader)
    assert (share, scale) == (value, "fraction")


# ---- declared against counted -----------------------------------------------------------------


def test_declared_share_accepted_or_undecided_by_parameter() -> None:
    decl = read_espd(V2).declaration()
    rules = rr.load_ruleset("lou-4-18")
    when = date(2020, 1, 10)
    accepted = rr.evaluate(decl, rules, as_of=when).finding("target-group-share")
    assert accepted.verdict is Verdict.MET
    assert accepted.explanation.reason.code == "share.declared_met"
    strict = rr.evaluate(decl, rules.with_params(declared_share="undecided"), as_of=when).finding(
        "target-group-share"
    )
    assert strict.verdict is Verdict.UNDECIDED
    assert strict.explanation.reason.code == "share.declared_not_accepted"
    assert strict.explanation.evidence == ("staff_list",)
    text = rr.render_text(
        rr.evaluate(decl, rules.with_params(declared_share="undecided"), as_of=when), lang="en"
    )
    assert "Ask for counts by category on the submission date." in text
    # No reference date in an ESPD: the figures' date stays undecided.
    assert rr.evaluate(decl, rules, as_of=when).finding("current-declaration").verdict is (
        Verdict.UNDECIDED
    )


def test_yes_with_zero_is_an_inconsistency_not_a_crash(tmp_path: Path) -> None:
    got = read_espd(_v2_with(tmp_path, "0.0"))
    assert [w.code for w in got.warnings] == ["espd.yes_with_zero"]
    result = rr.evaluate(got.declaration(), rr.load_ruleset("lou-4-18"), as_of=date(2020, 1, 10))
    finding = result.finding("target-group-share")
    assert finding.verdict is Verdict.NOT_MET
    assert [n.code for n in finding.explanation.notes] == ["share.espd_claim_below"]
    assert (
        "The ESPD answer is yes (the supplier says it is a sheltered workshop or social "
        "business), but the declared share is only 0%: the answer contradicts itself."
    ) in rr.render_text(result, lang="en")


def test_ambiguous_v1_share_is_explained(tmp_path: Path) -> None:
    got = read_espd(_v1_with(tmp_path, "0.5"))
    result = rr.evaluate(got.declaration(), rr.load_ruleset("lou-4-18"), as_of=date(2016, 2, 1))
    finding = result.finding("target-group-share")
    assert finding.verdict is Verdict.UNDECIDED
    assert (
        "The ESPD file (version 1) gives the percentage as 0.5; version 1 tools wrote either "
        "fractions or percent points, so it may mean 50% or 0.5%. It is not used: ask the supplier."
    ) in rr.render_text(result, lang="en")


def test_swedish_vat_number_becomes_organisationsnummer(tmp_path: Path) -> None:
    text = V2.read_text(encoding="utf-8").replace(">DE153301871<", ">SE556036079301<")
    path = tmp_path / "se.xml"
    path.write_text(text, encoding="utf-8")
    got = read_espd(path)
    assert got.organisationsnummer == "556036-0793"
    assert got.declaration().organisationsnummer == "556036-0793"


# ---- the command -------------------------------------------------------------------------------


def test_import_espd_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "decl.json"
    code = main(["import-espd", str(V1), "--out", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert err.splitlines() == [
        f"{V1}: ESPD 1, svar ja, uppgiven andel 11,11 %",
        f"varning: {V1} vid EconomicOperatorParty: [espd.no_name] svaret anger inget namn på "
        "leverantören",
    ]
    assert main(["import-espd", str(V1), "--out", str(out_file), "--lang", "en"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{V1}: ESPD 1, answer yes, declared share 11.11 %",
        f"warning: {V1} at EconomicOperatorParty: [espd.no_name] the response gives no supplier name",
    ]
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["workforce"] == {"declared_share": "0.1111"}
    assert rr.parse_declaration(data).espd == read_espd(V1).answer


def test_import_espd_bad_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<a><b></a>", encoding="utf-8")
    assert main(["import-espd", str(bad)]) == 2
    assert capsys.readouterr().err == (
        f"fel: {bad} vid rad 1 kolumn 9: [xml_malformed] felaktig XML: mismatched tag\n"
    )


def test_check_reads_espd_directly(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(V2), "--rules", "lou-4-18", "--as-of", "2020-01-10", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[3] == "Outcome: UNDECIDED"
    assert err == ""
    # The import's warnings reach the buyer in check too: in the report, like a cell's.
    main(["check", str(V2_NO), "--rules", "lou-4-18", "--as-of", "2020-01-10", "--lang", "en"])
    out, err = capsys.readouterr()
    assert err == ""
    assert (
        "Warning: The ESPD Response (EconomicOperatorParty): the response gives no supplier name."
        in out.splitlines()
    )
    main(["check", str(V2_NO), "--rules", "lou-4-18", "--as-of", "2020-01-10"])
    out, err = capsys.readouterr()
    assert err == ""
    assert (
        "Varning: ESPD-svaret (EconomicOperatorParty): svaret anger inget namn på leverantören."
        in out.splitlines()
    )


# ---- safe XML ----------------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<QualificationApplicationResponse
  xmlns="urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2">&secret;</QualificationApplicationResponse>"""


@pytest.mark.parametrize(
    ("data", "code", "msg"),
    [
        (
            LAUGHS,
            "xml_entity",
            "the document declares entity 'lol'; entity declarations are refused because they "
            "can expand without bound (the 'billion laughs' attack)",
        ),
        (
            XXE,
            "xml_external_entity",
            "the document declares entity 'secret' that refers to 'file:///etc/passwd'; "
            "external entities are never loaded",
        ),
        (
            b'<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>',
            "xml_dtd",
            "the document has a document type declaration (<!DOCTYPE>); DTDs are refused and "
            "never loaded (ESPD and eForms documents have none)",
        ),
        (b"", "empty", "the file is empty"),
        (b"<a><b></a>", "xml_malformed", "mismatched tag"),
    ],
    ids=["billion-laughs", "xxe", "external-dtd", "empty", "malformed"],
)
def test_unsafe_or_broken_xml(tmp_path: Path, data: bytes, code: str, msg: str) -> None:
    path = tmp_path / "doc.xml"
    path.write_bytes(data)
    with pytest.raises(rr.DocumentError) as info:
        read_espd(path)
    (problem,) = info.value.problems
    assert (problem.source, problem.code, problem.msg) == (str(path), code, msg)


def test_size_limit(tmp_path: Path) -> None:
    with pytest.raises(rr.DocumentError) as info:
        read_espd(V1, max_bytes=1000)
    assert info.value.problems[0].code == "too_large"
    assert (
        info.value.problems[0].msg
        == "the file is 4,300 bytes; the limit is 1,000 bytes (max_bytes)"
    )


def test_not_an_espd(tmp_path: Path) -> None:
    path = tmp_path / "notice.xml"
    path.write_bytes(b'<ContractNotice xmlns="urn:example"/>')
    with pytest.raises(rr.DocumentError) as info:
        read_espd(path)
    assert info.value.problems[0].code == "not_espd"


def test_parse_xml_accepts_bytes() -> None:
    assert parse_xml(b"<a/>").tag == "a"


def test_example_response() -> None:
    example = Path(__file__).parent.parent / "examples" / "espd" / "verkstan-v4.xml"
    got = read_espd(example)
    assert (got.supplier, got.organisationsnummer, got.role, got.share, got.warnings) == (
        "Verkstan i Exempelby ekonomisk förening",
        "769600-2018",
        "sole-tenderer",
        Decimal("0.42"),
        (),
    )
    result = rr.evaluate(got.declaration(), rr.load_ruleset("lou-4-18"), as_of=date(2017, 12, 11))
    assert [(f.criterion, f.verdict.value) for f in result.findings] == [
        ("whole-legal-person", "met"),
        ("main-purpose", "undecided"),
        ("target-group-share", "met"),
        ("current-declaration", "undecided"),
    ]
