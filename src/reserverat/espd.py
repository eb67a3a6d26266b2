"""Reading the reserved-contract answer from an ESPD Response, every version.

The ESPD criterion "Economic operator is a sheltered workshop" asks whether the
supplier is a sheltered workshop or a social business, or will perform the contract
in sheltered employment programmes, and what share of its workers are disabled or
disadvantaged. :func:`read_espd` finds the criterion by its id or type code (v1 to
v4), finds its questions by structure (property ids are random per document in v2
and v3), joins the answers, and reads the percentage in whichever of its three
encodings the document uses.

What an answer becomes in a :class:`~reserverat.declaration.Declaration`:

* the percentage becomes ``workforce.declared_share``, a share *declared* without
  counts or a reference date; each rule set's ``declared_share`` parameter says
  whether such a share may satisfy the 30 % criterion;
* the document's issue date becomes ``declared_on``, and ``scope`` is the legal
  person, since the ESPD is the tendering economic operator's own declaration;
* a "no" denies every route the question bundles, so ``purpose.sheltered_workshop``
  and ``purpose.integration_main_aim`` become false; a "yes" does not say which route
  applies, so it sets neither;
* the answer itself is kept in ``espd`` (version, yes/no/not answered, the raw
  percentage and how it was read), so the evaluation can explain it.

A percentage can be ambiguous: v2 and later define it as a fraction (0.3 is 30 %),
but v1 tools wrote either fractions or percent points. A v1 value in (0, 1] is
therefore not used unless the caller says which scale the tool wrote
(``percent_scale``); the import warns, and the share stays undecided.

Source: the ESPD-EDM (OP-TED/ESPD-EDM v2.1.1 to v4.1.0) and the EU ESPD service (v1).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from reserverat.declaration import Declaration, EspdAnswer, parse_declaration
from reserverat.errors import DocumentError, Problem, swedish_number
from reserverat.identifiers import parse_identifier
from reserverat.xmlsafe import (
    MAX_XML_BYTES,
    child,
    children,
    local_name,
    namespace,
    parse_xml,
    text,
)

__all__ = ["CRITERION_IDS", "CRITERION_TYPE_CODES", "EspdImport", "read_espd"]

CRITERION_IDS = frozenset({"2043338f-a38a-490b-b3ec-2607cb25a017", "C57_OT_shelt-worksh"})
"""The criterion's id: a UUID in v1 to v3, a path-like tag in v4."""

CRITERION_TYPE_CODES = frozenset({"shelt-worksh", "CRITERION.OTHER.EO_DATA.SHELTERED_WORKSHOP"})
"""The criterion's type code: v3 and v4, and v1.0.2 and v2."""

_CBC = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "urn:X-test:UBL:Pre-award:CommonBasic",
}
_CAC = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "urn:X-test:UBL:Pre-award:CommonAggregate",
}
_ROOT_V2 = {
    "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2",
    "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationRequest-2",
    "urn:X-test:UBL:Pre-award:QualificationApplicationResponse",
    "urn:X-test:UBL:Pre-award:QualificationApplicationRequest",
}
_ROOT_V1 = {
    "urn:grow:names:specification:ubl:schema:xsd:ESPDResponse-1",
    "urn:grow:names:specification:ubl:schema:xsd:ESPDRequest-1",
}
_CCV = {"urn:isa:names:specification:ubl:schema:xsd:CCV-CommonAggregateComponents-1"}
_CCV_CBC = {"urn:isa:names:specification:ubl:schema:xsd:CCV-CommonBasicComponents-1"}
_ESPD_CAC = {"urn:grow:names:specification:ubl:schema:xsd:ESPD-CommonAggregateComponents-1"}

# Stable group ids: "Your answer" and "available electronically" (v1-v3, v4 paths).
_ANSWER_GROUPS = {"6febbe4a-e715-427c-a2b1-19cfabadaef0", "C57_OT_shelt-worksh/QG1"}
_ELECTRONIC_GROUPS = {"7458d42a-e581-4640-9283-34ceb3ad4345", "C57_OT_shelt-worksh/QG2"}

PercentScale = Literal["auto", "fraction", "points"]
_PROFILE = re.compile(r"EDM-?v?(\d+(?:\.\d+){0,2})")
_NUMBERED = re.compile(r"[2-9](?:\.\d+){1,2}")


@dataclass(frozen=True)
class EspdImport:
    """What one ESPD Response says about reserved status, and who said it."""

    source: str
    answer: EspdAnswer
    supplier: str | None
    party_id: str | None
    organisationsnummer: str | None
    role: str | None
    share: Decimal | None
    warnings: tuple[Problem, ...] = field(default=())

    def declaration(self) -> Declaration:
        """The supplier's declaration as far as the ESPD states it."""
        # The ESPD is the tendering economic operator's own declaration: the legal person.
        data: dict[str, Any] = {
            "supplier": self.supplier or f"ESPD {Path(self.source).name}",
            "scope": "legal_person",
            "espd": self.answer.model_dump(exclude_none=True),
        }
        if self.organisationsnummer:
            data["organisationsnummer"] = self.organisationsnummer
        if self.answer.issued:
            data["declared_on"] = self.answer.issued
        if self.share is not None:
            data["workforce"] = {"declared_share": self.share}
        if self.answer.answer == "no":
            data["purpose"] = {"sheltered_workshop": False, "integration_main_aim": False}
        return parse_declaration(data, source=self.source)


class _Reader:
    def __init__(self, source: str, scale: PercentScale) -> None:
        self.source = source
        self.scale = scale
        self.warnings: list[Problem] = []

    def warn(self, loc: str, code: str, msg: str, value: Any = None, *, sv: str) -> None:
        given = {} if value is None else {"input": value}
        self.warnings.append(Problem(self.source, loc, f"espd.{code}", msg, msg_sv=sv, **given))


def read_espd(
    path: str | Path,
    *,
    percent_scale: PercentScale = "auto",
    max_bytes: int = MAX_XML_BYTES,
) -> EspdImport:
    """Read the sheltered-workshop answer from an ESPD Response of any version.

    ``percent_scale`` says how the percentage is written: ``auto`` (v2+ fractions,
    v1 values above 1 as percent points, v1 values in (0, 1] ambiguous), or
    ``fraction`` / ``points`` when the tool that wrote the file is known.

    Raises:
        DocumentError: the file is unsafe or malformed XML, not an ESPD document, or
            an ESPD Request (which holds questions, not answers).
    """
    source = str(path)
    root = parse_xml(path, max_bytes=max_bytes)
    reader = _Reader(source, percent_scale)
    ns, name = namespace(root), local_name(root)
    if ns in _ROOT_V1 and name in ("ESPDResponse", "ESPDRequest"):
        dialect = 1
    elif ns in _ROOT_V2 and name in (
        "QualificationApplicationResponse",
        "QualificationApplicationRequest",
    ):
        dialect = 2
    else:
        raise DocumentError(
            [
                Problem(
                    source,
                    name,
                    "not_espd",
                    f"the root element is {{{ns}}}{name}, not an ESPD Response "
                    "(QualificationApplicationResponse, or ESPDResponse in v1)",
                    msg_sv=f"rotelementet är {{{ns}}}{name}, inte ett ESPD-svar "
                    "(QualificationApplicationResponse, eller ESPDResponse i v1)",
                )
            ]
        )
    if name.endswith("Request"):
        raise DocumentError(
            [
                Problem(
                    source,
                    name,
                    "espd_request",
                    "this is an ESPD Request, the buyer's questions; read the supplier's "
                    "ESPD Response instead",
                    msg_sv="det här är en ESPD-begäran, upphandlarens frågor; läs leverantörens "
                    "ESPD-svar i stället",
                )
            ]
        )
    if dialect == 1:
        version = "1"
        answer = _read_v1(root, reader)
    else:
        answer = _read_v2(root, reader)
        version = _version_v2(root, answer.get("criterion_id"))
    issued = _issue_date(root, reader)
    share, scale = _interpret(answer.get("percent"), version, reader)
    state = answer["state"]
    _consistency(state, answer.get("percent_given", False), share, reader)
    party = _party(root)
    orgnr = _orgnr(party.get("id"))
    espd = EspdAnswer(
        version=version,
        answer=state,
        percent_raw=answer.get("percent"),
        percent_scale=scale,
        category=answer.get("category"),
        evidence_ids=tuple(answer.get("evidence", ())),
        issued=issued,
        lots=tuple(answer.get("lots", ())),
    )
    if not party.get("name"):
        reader.warn(
            "EconomicOperatorParty",
            "no_name",
            "the response gives no supplier name",
            sv="svaret anger inget namn på leverantören",
        )
    return EspdImport(
        source=source,
        answer=espd,
        supplier=party.get("name"),
        party_id=party.get("id"),
        organisationsnummer=orgnr,
        role=party.get("role"),
        share=share,
        warnings=tuple(reader.warnings),
    )


# ---- v2, v3, v4 ------------------------------------------------------------------------


def _criterion_v2(root: ET.Element) -> ET.Element | None:
    for crit in children(root, "TenderingCriterion", _CAC):
        if text(child(crit, "ID", _CBC)) in CRITERION_IDS:
            return crit
        if text(child(crit, "CriterionTypeCode", _CBC)) in CRITERION_TYPE_CODES:
            return crit
    return None


def _properties(crit: ET.Element) -> dict[str, str]:
    """Map the role of each question ('indicator', 'percent', ...) to its property id."""
    roles: dict[str, str] = {}
    groups = list(children(crit, "TenderingCriterionPropertyGroup", _CAC))
    for position, group in enumerate(groups):
        group_id = text(child(group, "ID", _CBC))
        if group_id in _ANSWER_GROUPS or (group_id not in _ELECTRONIC_GROUPS and position == 0):
            top = {"INDICATOR": "indicator"}
            sub = {"PERCENTAGE": "percent", "DESCRIPTION": "category"}
        else:
            top = {"INDICATOR": "electronic"}
            sub = {"EVIDENCE_IDENTIFIER": "evidence"}
        _collect(group, top, roles)
        for subgroup in children(group, "SubsidiaryTenderingCriterionPropertyGroup", _CAC):
            _collect(subgroup, sub, roles)
    return roles


def _collect(group: ET.Element, wanted: dict[str, str], roles: dict[str, str]) -> None:
    for prop in children(group, "TenderingCriterionProperty", _CAC):
        kind = text(child(prop, "ValueDataTypeCode", _CBC))
        prop_id = text(child(prop, "ID", _CBC))
        if kind in wanted and prop_id and wanted[kind] not in roles:
            roles[wanted[kind]] = prop_id


def _read_v2(root: ET.Element, reader: _Reader) -> dict[str, Any]:
    crit = _criterion_v2(root)
    if crit is None:
        reader.warn(
            "TenderingCriterion",
            "criterion_absent",
            "the response does not contain the sheltered-workshop criterion",
            sv="svaret innehåller inte kriteriet om skyddad verksamhet",
        )
        return {"state": "absent"}
    criterion_id = text(child(crit, "ID", _CBC))
    roles = _properties(crit)
    by_property: dict[str, list[ET.Element]] = {}
    for response in children(root, "TenderingCriterionResponse", _CAC):
        prop = text(child(response, "ValidatedCriterionPropertyID", _CBC))
        if prop:
            by_property.setdefault(prop, []).append(response)
    out: dict[str, Any] = {"criterion_id": criterion_id}
    out["lots"] = sorted({lot for lot in (_lot_id(e) for e in crit.iter()) if lot})

    def values(role: str, element: str) -> list[str]:
        # The value sits in cac:ResponseValue (v2.1+) or, in early tools, in the response.
        found: list[str] = []
        for response in by_property.get(roles.get(role, "\0"), []):
            for holder in (response, *children(response, "ResponseValue", _CAC)):
                found.extend(v for v in map(text, children(holder, element, _CBC)) if v)
        return found

    indicators = values("indicator", "ResponseIndicator")
    if not indicators:
        out["state"] = "not_answered"
    else:
        out["state"] = _indicator(indicators, roles["indicator"], reader)
    percents = values("percent", "ResponseNumeric") + values("percent", "ResponseQuantity")
    if percents:
        out["percent_given"] = True
        out["percent"] = _decimal(percents, roles["percent"], reader)
    categories = values("category", "Description")
    if categories:
        out["category"] = categories[0]
    evidence: list[str] = []
    for response in by_property.get(roles.get("evidence", "\0"), []):
        for supplied in children(response, "EvidenceSupplied", _CAC):
            ref = text(child(supplied, "ID", _CBC))
            if ref:
                evidence.append(ref)
    out["evidence"] = evidence
    return out


def _lot_id(element: ET.Element) -> str | None:
    if local_name(element) != "ProcurementProjectLotReference":
        return None
    return text(child(element, "ID", _CBC))


def _indicator(values: list[str], loc: str, reader: _Reader) -> str:
    states = set()
    for value in values:
        lowered = value.lower()
        if lowered in ("true", "1"):
            states.add("yes")
        elif lowered in ("false", "0"):
            states.add("no")
        else:
            reader.warn(
                f"property {loc}",
                "bad_indicator",
                "not a true/false answer",
                value,
                sv="inget ja- eller nej-svar",
            )
    if len(states) > 1:
        reader.warn(
            f"property {loc}",
            "conflicting_answers",
            "the response answers both yes and no; read as not answered",
            sv="svaret är både ja och nej; läses som obesvarat",
        )
        return "not_answered"
    return states.pop() if states else "not_answered"


def _decimal(values: list[str], loc: str, reader: _Reader) -> Decimal | None:
    numbers: set[Decimal] = set()
    for value in values:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        # NaN, infinities and absurd exponents (1E-999999999) are refused before any
        # arithmetic: a percentage has at most a few decimals.
        exponent = number.as_tuple().exponent
        if not number.is_finite() or not isinstance(exponent, int) or not -10 <= exponent <= 3:
            reader.warn(
                f"property {loc}",
                "bad_percentage",
                "the percentage is not a number between 0 and 100",
                value[:40],
                sv="procentsatsen är inget tal mellan 0 och 100",
            )
            return None
        numbers.add(number)
    if len(numbers) > 1:
        reader.warn(
            f"property {loc}",
            "conflicting_answers",
            "the response gives several different percentages; the first is used",
            values[0],
            sv="svaret anger flera olika procentsatser; den första används",
        )
    return Decimal(values[0].strip())


def _version_v2(root: ET.Element, criterion_id: str | None) -> str:
    profile = child(root, "ProfileExecutionID", _CBC)
    match = _PROFILE.search(text(profile) or "")
    if match:
        return match.group(1)
    for candidate in (
        profile.get("schemeVersionID") if profile is not None else None,
        text(child(root, "VersionID", _CBC)),
    ):
        if candidate and _NUMBERED.fullmatch(candidate):
            return candidate
    # No version stated: UBL 2.2 is ESPD v2; of UBL 2.3, only v4 names the criterion C57.
    ubl = text(child(root, "UBLVersionID", _CBC))
    if ubl == "2.2":
        return "2"
    if criterion_id == "C57_OT_shelt-worksh":
        return "4"
    return "3" if ubl == "2.3" else "2"


# ---- v1 ----------------------------------------------------------------------------------


def _read_v1(root: ET.Element, reader: _Reader) -> dict[str, Any]:
    crit = None
    for candidate in children(root, "Criterion", _CCV):
        if (
            text(child(candidate, "ID", _CBC)) in CRITERION_IDS
            or text(child(candidate, "TypeCode", _CBC)) in CRITERION_TYPE_CODES
        ):
            crit = candidate
            break
    if crit is None:
        reader.warn(
            "Criterion",
            "criterion_absent",
            "the response does not contain the sheltered-workshop criterion",
            sv="svaret innehåller inte kriteriet om skyddad verksamhet",
        )
        return {"state": "absent"}
    out: dict[str, Any] = {"criterion_id": text(child(crit, "ID", _CBC)), "state": "not_answered"}
    for requirement in crit.iter():
        if local_name(requirement) != "Requirement" or namespace(requirement) not in _CCV:
            continue
        kind = requirement.get("responseDataType")
        req_id = text(child(requirement, "ID", _CBC)) or "?"
        response = child(requirement, "Response", _CCV)
        if response is None:
            continue
        if kind == "INDICATOR":
            value = text(child(response, "Indicator", _CCV_CBC))
            if value is not None:
                out["state"] = _indicator([value], req_id, reader)
        elif kind == "PERCENTAGE":
            value = text(child(response, "Percent", _CBC))
            if value is not None:
                out["percent_given"] = True
                out["percent"] = _decimal([value], req_id, reader)
        elif kind == "DESCRIPTION":
            value = text(child(response, "Description", _CBC))
            if value is not None:
                out["category"] = value
    return out


# ---- shared ------------------------------------------------------------------------------


def _interpret(
    raw: Decimal | None, version: str, reader: _Reader
) -> tuple[Decimal | None, Literal["fraction", "points", "ambiguous"] | None]:
    """The share as a fraction, and how the raw value was read."""
    if raw is None:
        return None, None
    loc = "percentage"
    if raw < 0 or raw > 100:
        reader.warn(
            loc,
            "bad_percentage",
            "a percentage must lie between 0 and 100",
            str(raw),
            sv="en procentsats ska ligga mellan 0 och 100",
        )
        return None, None
    if reader.scale == "fraction":
        if raw > 1:
            reader.warn(
                loc,
                "bad_percentage",
                "read as a fraction, the value is above 1",
                str(raw),
                sv="läst som en andel är värdet större än 1",
            )
            return None, None
        return raw, "fraction"
    if reader.scale == "points" or raw > 1:
        if raw > 1 and version != "1" and reader.scale == "auto":
            reader.warn(
                loc,
                "points_encoding",
                f"ESPD v{version} defines the percentage as a fraction (0.3 = 30 %), but "
                f"{raw} is above 1; read as percent points ({raw} %)",
                str(raw),
                sv=f"ESPD v{version} anger procentsatsen som en andel (0,3 = 30 %), men "
                f"{swedish_number(raw)} är större än 1; läses som procent "
                f"({swedish_number(raw)} %)",
            )
        return raw / 100, "points"
    if raw == 0 or version != "1":
        return raw, "fraction"
    reader.warn(
        loc,
        "ambiguous_percentage",
        f"ESPD v1 tools wrote either fractions or percent points, so {raw} may mean "
        f"{(raw * 100).normalize():f} % or {raw} %; the share is not used "
        "(set percent_scale to decide)",
        str(raw),
        sv="verktyg för ESPD v1 skrev antingen andelar eller procent, så "
        f"{swedish_number(raw)} kan betyda {swedish_number((raw * 100).normalize())} % eller "
        f"{swedish_number(raw)} %; andelen används inte (ange --percent-scale för att avgöra)",
    )
    return None, "ambiguous"


def _consistency(state: str, given: bool, share: Decimal | None, reader: _Reader) -> None:
    if state == "yes" and not given:
        reader.warn(
            "percentage",
            "yes_without_percentage",
            "the answer is yes but no percentage is given (the ESPD requires one)",
            sv="svaret är ja men ingen procentsats anges (ESPD kräver en)",
        )
    elif state == "yes" and share == 0:
        reader.warn(
            "percentage",
            "yes_with_zero",
            "the answer claims reserved status but declares 0 % disabled or disadvantaged workers",
            "0",
            sv="svaret anger skyddad verksamhet men 0 % arbetstagare med funktionsnedsättning "
            "eller som är missgynnade",
        )
    elif state == "no" and given:
        reader.warn(
            "percentage",
            "no_with_percentage",
            "the answer is no but a percentage is given anyway (the ESPD forbids it); "
            "the percentage is kept as declared",
            sv="svaret är nej men en procentsats anges ändå (ESPD tillåter det inte); "
            "procentsatsen behålls som den angavs",
        )
    elif state == "not_answered" and given:
        reader.warn(
            "indicator",
            "percentage_without_answer",
            "a percentage is given but the yes/no question is not answered",
            sv="en procentsats anges men frågan om ja eller nej är obesvarad",
        )


def _issue_date(root: ET.Element, reader: _Reader) -> date | None:
    value = text(child(root, "IssueDate", _CBC))
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        reader.warn(
            "IssueDate",
            "bad_date",
            "the issue date is not a date",
            value,
            sv="utfärdandedagen är inget datum",
        )
        return None


def _party(root: ET.Element) -> dict[str, str | None]:
    party_block = next(
        (
            e
            for e in root
            if local_name(e) == "EconomicOperatorParty" and namespace(e) in _CAC | _ESPD_CAC
        ),
        None,
    )
    if party_block is None:
        return {}
    party = child(party_block, "Party", _CAC)
    out: dict[str, str | None] = {}
    role = child(party_block, "EconomicOperatorRole", _CAC)
    out["role"] = text(child(role, "RoleCode", _CBC)) if role is not None else None
    if party is not None:
        ident = child(party, "PartyIdentification", _CAC)
        out["id"] = text(child(ident, "ID", _CBC)) if ident is not None else None
        name = child(party, "PartyName", _CAC)
        out["name"] = text(child(name, "Name", _CBC)) if name is not None else None
    return out


def _orgnr(value: str | None) -> str | None:
    """A Swedish organisationsnummer from a party id, also in VAT form (SE…01)."""
    if not value:
        return None
    compact = re.sub(r"[\s-]", "", value).upper()
    if compact.startswith("SE"):
        compact = compact[2:]
        if len(compact) == 12 and compact.endswith("01"):
            compact = compact[:10]
    if not compact.isdigit():
        return None
    try:
        return parse_identifier(compact).number
    except ValueError:
        return None
