"""ESPD Requests written for reserved lots: the structure of ESPD-EDM's own example Request,
the criterion copied unchanged, asked only where the lot is reserved, and read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.errors import DocumentError
from reserverat.espd_request import CRITERION_ID, read_espd_request, write_espd_request
from reserverat.xmlsafe import local_name, parse_xml

CORPUS = Path(__file__).parent / "data" / "corpus" / "espd" / "ESPD-Request.xml"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def _lot(**reservation: object) -> rr.Procurement:
    return rr.parse_procurement(
        {
            "authority": "Exempelby kommun",
            "reference": "KS 2024/052",
            "title": "Skötsel av grönytor",
            "main_cpv": "77311000",
            "lot": "LOT-0002",
            **reservation,
        }
    )


RESERVED = {"reservation": "res-ws", "reserved_participation": ["res-ws"]}


def _tree(element: ET.Element) -> object:
    """An element as comparable data: tag, attributes, text and children, whitespace aside."""
    return (
        element.tag,
        dict(element.attrib),
        (element.text or "").strip(),
        [_tree(c) for c in element],
    )


def _criterion(root: ET.Element) -> ET.Element:
    for criterion in root.findall(f"{CAC}TenderingCriterion"):
        if (criterion.findtext(f"{CBC}ID") or "").strip() == CRITERION_ID:
            return criterion
    raise AssertionError("no sheltered-workshop criterion")


def test_a_reserved_lot_is_asked_the_criterion_as_the_taxonomy_writes_it() -> None:
    xml, warnings = write_espd_request(
        rr.load_ruleset("lou-4-18"), _lot(**RESERVED), issued=date(2024, 2, 1), document_id="R-1"
    )
    assert warnings == []
    ours, theirs = parse_xml(xml.encode()), parse_xml(CORPUS)
    assert ours.tag == theirs.tag  # QualificationApplicationRequest, UBL 2.3
    # The header in the example's order (a subsequence of its top-level elements).
    names = [local_name(e) for e in ours]
    example = [local_name(e) for e in theirs]
    assert names == [
        "UBLVersionID",
        "ProfileExecutionID",
        "ID",
        "CopyIndicator",
        "UUID",
        "ContractFolderID",
        "IssueDate",
        "VersionID",
        "ContractingParty",
        "ProcurementProject",
        "ProcurementProjectLot",
        "TenderingCriterion",
    ]
    positions = [example.index(n) for n in names]
    assert positions == sorted(positions)
    # The criterion is the taxonomy's, unchanged but for the lot it refers to.
    criterion = _criterion(ours)
    [reference] = criterion.findall(f"{CAC}ProcurementProjectLotReference")
    assert reference.findtext(f"{CBC}ID") == "LOT-0002"
    criterion.remove(reference)
    assert _tree(criterion) == _tree(_criterion(theirs))
    assert ours.findtext(f"{CBC}ContractFolderID") == "KS 2024/052"
    assert ours.findtext(f"{CAC}ContractingParty/{CAC}Party/{CAC}PartyName/{CBC}Name") == (
        "Exempelby kommun"
    )


@pytest.mark.parametrize(
    ("ruleset_id", "reservation", "asked"),
    [
        ("lou-4-18", RESERVED, True),
        ("lou-4-18-program", {"reservation": "res-prog", "reserved_execution": "yes"}, True),
        ("lou-4-18", {"reservation": "none", "reserved_participation": ["none"]}, False),
        ("lou-4-18", {}, False),
        (
            "lou-19-25",
            {"reservation": "res-pub-ser", "reserved_participation": ["res-pub-ser"]},
            False,
        ),
        ("lou-19-25a", RESERVED, False),
    ],
)
def test_asked_only_where_the_lot_is_reserved_and_read_back(
    ruleset_id: str, reservation: dict[str, object], asked: bool, tmp_path: Path
) -> None:
    xml, warnings = write_espd_request(
        rr.load_ruleset(ruleset_id), _lot(**reservation), issued=date(2024, 2, 1)
    )
    request = read_espd_request(xml.encode(), source="begaran.xml")
    assert (request.version, request.lots) == ("4.1.0", ("LOT-0002",))
    assert request.sheltered_lots == (("LOT-0002",) if asked else ())
    assert [w.code for w in warnings] == ([] if asked else ["not_reserved"])
    # The Response reader knows it for a Request: the buyer's questions, not answers.
    path = tmp_path / "begaran.xml"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        rr.read_espd(path)
    assert info.value.problems[0].code == "espd_request"


def test_the_example_request_reads_as_asking_the_criterion() -> None:
    request = read_espd_request(CORPUS)
    assert (request.lots, request.sheltered_lots) == (("LOT-0000",), ("LOT-0000",))
    with pytest.raises(DocumentError) as info:
        read_espd_request(Path(__file__).parent / "data" / "corpus" / "espd" / "ESPD-Response.xml")
    assert info.value.problems[0].code == "not_espd_request"


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    procurement = tmp_path / "upphandling.json"
    procurement.write_text(
        '{"authority": "Exempelby kommun", "lot": "LOT-0002", "reservation": "res-ws", '
        '"reserved_participation": ["res-ws"], "submission_date": "2024-03-15"}',
        encoding="utf-8",
    )
    out = tmp_path / "begaran.xml"
    args = ["espd-request", "--rules", "lou-4-18", "--procurement", str(procurement)]
    assert main([*args, "--issued", "2024-02-01", "--out", str(out)]) == 0
    assert read_espd_request(out).sheltered_lots == ("LOT-0002",)
    assert main(["espd-request", "--rules", "lou-19-25", "--procurement", str(procurement)]) == 0
    assert "[not_reserved]" in capsys.readouterr().err
