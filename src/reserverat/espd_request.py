"""ESPD Requests (ESPD-EDM v4.1.0) for reserved lots, written and read back.

A buyer's ESPD Request lists the criteria a supplier answers. For a lot reserved under
LOU 4 kap. 18 § (BT-71 ``res-ws``) or performed in sheltered employment programmes (BT-736
``yes``), the Request asks "Economic operator is a sheltered workshop" (criterion
``C57_OT_shelt-worksh``, copied unchanged from the ESPD-EDM v4.1.0 taxonomy shipped in
``reserverat/data``), referring to that lot; for a lot that is not reserved it does not ask
it. The document follows the structure of ESPD-EDM's own example Request (the same root,
header elements in its order, party, project, lots, then criteria); the XSDs are not
shipped (validating against them needs an XML Schema library the project does not use), so
the tests hold the output to that example's structure and read it back.
"""

from __future__ import annotations

import uuid as uuidlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from reserverat.declaration import Procurement
from reserverat.errors import DocumentError, Problem
from reserverat.ruleset import RuleSet
from reserverat.xmlsafe import child, local_name, namespace, parse_xml, text

__all__ = ["CRITERION_ID", "EspdRequest", "read_espd_request", "write_espd_request"]

_ROOT = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationRequest-2"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CRITERION_ID = "C57_OT_shelt-worksh"
"""The ESPD-EDM v4 id of "Economic operator is a sheltered workshop"."""
_CRITERION_V2 = "2043338f-a38a-490b-b3ec-2607cb25a017"
_OP = {"schemeAgencyID": "OP", "schemeVersionID": "4.1.0"}

ET.register_namespace("", _ROOT)
ET.register_namespace("cac", _CAC)
ET.register_namespace("cbc", _CBC)


def _reserved(rules: RuleSet, procurement: Procurement) -> bool:
    """Whether the lot is reserved on a basis the sheltered-workshop criterion answers."""
    codes = set(rules.reservation_codes or ())
    if not codes & {"res-ws", "bt-736:yes"}:
        return False
    if procurement.reservation in ("res-ws", "res-prog"):
        return True
    if "res-ws" in (procurement.reserved_participation or ()):
        return True
    return procurement.reserved_execution == "yes"


def _criterion() -> ET.Element:
    data = resources.files("reserverat").joinpath("data/espd-shelt-worksh-4.1.0.xml").read_bytes()
    holder = parse_xml(data, source="espd-shelt-worksh-4.1.0.xml")
    found = child(holder, "TenderingCriterion", (_CAC,))
    assert found is not None
    return found


def _sub(
    parent: ET.Element, ns: str, name: str, value: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if value is not None:
        element.text = value
    return element


def write_espd_request(
    rules: RuleSet,
    procurement: Procurement,
    *,
    issued: date,
    document_id: str | None = None,
) -> tuple[str, list[Problem]]:
    """The ESPD Request (XML text) for one lot of ``procurement`` under ``rules``, and warnings.

    It asks the sheltered-workshop criterion only where the lot is reserved on a basis the
    criterion answers (BT-71 ``res-ws``, BT-736 ``yes``), and says so otherwise.
    """
    lot = procurement.lot or "LOT-0000"
    root = ET.Element(f"{{{_ROOT}}}QualificationApplicationRequest")
    _sub(root, _CBC, "UBLVersionID", "2.3", schemeAgencyID="OASIS-UBL-TC")
    _sub(root, _CBC, "ProfileExecutionID", "ESPD-EDMv4.1.0", **_OP)
    ident = document_id or f"ESPDREQ-{uuidlib.uuid4()}"
    _sub(root, _CBC, "ID", ident, schemeAgencyID="reserverat")
    _sub(root, _CBC, "CopyIndicator", "false")
    _sub(
        root,
        _CBC,
        "UUID",
        str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"reserverat:{ident}")),
        schemeID="ISO/IEC 9834-8:2008 - 4UUID",
        schemeAgencyID="reserverat",
        schemeVersionID="4.1.0",
    )
    if procurement.reference:
        _sub(root, _CBC, "ContractFolderID", procurement.reference, schemeAgencyID="reserverat")
    _sub(root, _CBC, "IssueDate", issued.isoformat())
    _sub(root, _CBC, "VersionID", "4.1.0", **_OP)
    party = _sub(_sub(root, _CAC, "ContractingParty"), _CAC, "Party")
    _sub(_sub(party, _CAC, "PartyName"), _CBC, "Name", procurement.authority or "-")
    project = _sub(root, _CAC, "ProcurementProject")
    if procurement.title:
        _sub(project, _CBC, "Name", procurement.title)
    if procurement.main_cpv:
        classification = _sub(project, _CAC, "MainCommodityClassification")
        _sub(classification, _CBC, "ItemClassificationCode", procurement.main_cpv, listID="cpv")
    _sub(_sub(root, _CAC, "ProcurementProjectLot"), _CBC, "ID", lot, schemeID="Criterion", **_OP)
    warnings = []
    if _reserved(rules, procurement):
        criterion = _criterion()
        # The lot it asks for, where ESPD-EDM's example puts a criterion's lot: after its
        # description.
        reference = ET.Element(f"{{{_CAC}}}ProcurementProjectLotReference")
        _sub(reference, _CBC, "ID", lot, schemeID="Criterion", **_OP)
        place = [local_name(e) for e in criterion].index("Description") + 1
        criterion.insert(place, reference)
        root.append(criterion)
    else:
        warnings.append(
            Problem(
                rules.id,
                "reservation",
                "not_reserved",
                f"lot {lot} is not reserved on a basis the sheltered-workshop criterion "
                "answers (BT-71 res-ws or BT-736 yes): the Request does not ask it",
                msg_sv=f"delområde {lot} är inte reserverat på en grund som kriteriet om "
                "skyddad verkstad besvarar (BT-71 res-ws eller BT-736 yes): begäran frågar "
                "inte efter det",
            )
        )
    ET.indent(root, "  ")
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n", warnings


@dataclass(frozen=True)
class EspdRequest:
    """What an ESPD Request asks about reservation: its lots, and those asked it.

    ``sheltered_lots`` are the lots asked the sheltered-workshop criterion.
    """

    source: str
    version: str
    lots: tuple[str, ...]
    sheltered_lots: tuple[str, ...]

    @property
    def asks_sheltered(self) -> bool:
        """Whether any lot is asked the sheltered-workshop criterion."""
        return bool(self.sheltered_lots)


def read_espd_request(path: str | Path | bytes, *, source: str | None = None) -> EspdRequest:
    """Read an ESPD Request (v2 to v4): its lots, and the lots asked about sheltered work.

    A sheltered-workshop criterion that names no lot asks it of every lot.

    Raises:
        DocumentError: unsafe or malformed XML, or not an ESPD Request (``not_espd_request``).
    """
    where = source or (str(path) if not isinstance(path, bytes) else "<bytes>")
    root = parse_xml(path, source=where)
    if (namespace(root), local_name(root)) != (_ROOT, "QualificationApplicationRequest"):
        raise DocumentError(
            [
                Problem(
                    where,
                    local_name(root),
                    "not_espd_request",
                    "not an ESPD Request (QualificationApplicationRequest, ESPD-EDM v2 or later)",
                    msg_sv="ingen ESPD-begäran (QualificationApplicationRequest, ESPD-EDM v2 "
                    "eller senare)",
                )
            ]
        )
    lots = tuple(
        value
        for lot in root.findall(f"{{{_CAC}}}ProcurementProjectLot")
        if (value := text(child(lot, "ID", (_CBC,))))
    )
    asked: list[str] = []
    for criterion in root.findall(f"{{{_CAC}}}TenderingCriterion"):
        ident = text(child(criterion, "ID", (_CBC,)))
        kind = text(child(criterion, "CriterionTypeCode", (_CBC,)))
        if ident not in (CRITERION_ID, _CRITERION_V2) and kind != "shelt-worksh":
            continue
        refs = [
            value
            for ref in criterion.findall(f"{{{_CAC}}}ProcurementProjectLotReference")
            if (value := text(child(ref, "ID", (_CBC,))))
        ]
        asked.extend(refs or lots or ["LOT-0000"])
    version = text(child(root, "VersionID", (_CBC,))) or "?"
    return EspdRequest(where, version, lots, tuple(dict.fromkeys(asked)))
