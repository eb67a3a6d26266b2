"""eForms notices: the reservation codes a rule set stands for, and reading them back.

A notice says whether each lot is reserved with BT-71 "Reserved participation"
(``res-ws``: sheltered workshops and integration operators, art. 20; ``res-pub-ser``:
organisations with a public-service mission, art. 77; ``none``) and BT-736 "Reserved
execution" (``yes``: performed within sheltered employment programmes). A rule set
names the codes it stands for in ``reservation_codes``: ``res-ws``, ``res-pub-ser``
and ``bt-736:yes``; an empty list says that no eForms code exists for it (LOU 19 kap.
25 a §).

:func:`read_notice` reads lots, BT-71, BT-736, the main CPV, the duration and the
buyer from an eForms notice into :class:`~reserverat.declaration.Procurement`
objects, and flags what does not add up: ``res-pub-ser`` with a CPV outside the
art. 77 list or a term over three years (SDK rules BR-BT-00262-0200 and
BR-BT-00036-0150), ``res-ws`` together with BT-736 ``yes``, and BT-71 missing where
it is mandatory.

Code labels are from the eForms SDK 1.15.1 codelists ``reserved-procurement`` and
``reserved-execution`` (© European Union, CC BY 4.0).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reserverat.checks import CpvIn
from reserverat.declaration import Procurement, parse_procurement
from reserverat.errors import DeclarationError, DocumentError, Problem
from reserverat.ruleset import RuleSet
from reserverat.xmlsafe import (
    MAX_XML_BYTES,
    child,
    children,
    local_name,
    namespace,
    parse_xml,
    text,
)

__all__ = [
    "ART_77_CPV",
    "BT_71_LABELS",
    "BT_736_LABELS",
    "Notice",
    "describe_codes",
    "iso_day",
    "lot_matches",
    "months_between",
    "months_of_days",
    "read_notice",
    "reservation_basis",
]

BT_71_LABELS: dict[str, dict[str, str]] = {
    "res-ws": {
        "en": "Participation is reserved to sheltered workshops and economic operators aiming "
        "at the social and professional integration of disabled or disadvantaged persons.",
        "sv": "Deltagande förbehålls skyddade verkstäder och leverantörer vars mål är social "
        "och yrkesmässig integration av personer med funktionsnedsättning eller personer som "
        "är missgynnade.",
    },
    "res-pub-ser": {
        "en": "Participation is reserved to organisations pursuing a public service mission "
        "and fulfilling other relevant conditions in the legislation.",
        "sv": "Deltagande förbehålls organisationer med offentligt uppdrag som är kopplat till "
        "sådana tjänster som specificeras i upphandlingsdirektiven och som uppfyller andra "
        "relevanta villkor i lagstiftningen.",
    },
    "none": {"en": "Participation is not reserved.", "sv": "Deltagande är inte reserverat."},
}
"""BT-71 codes with the codelist's English and Swedish labels."""

BT_736_LABELS: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "sv": "Ja"},
    "no": {"en": "No", "sv": "Nej"},
    "not-known": {"en": "Not yet known", "sv": "Ännu ej känt"},
}
"""BT-736 codes with the codelist's English and Swedish labels."""

ART_77_CPV = CpvIn(
    codes=(
        "75121000",
        "75122000",
        "75123000",
        "79622000",
        "79624000",
        "79625000",
        "80110000",
        "80300000",
        "80420000",
        "80430000",
        "80511000",
        "80520000",
        "80590000",
        "92500000",
        "92600000",
        "98133000",
        "98133110",
    ),
    ranges=(("85000000", "85323000"),),
)
"""The CPV codes of directive 2014/24 art. 77(1), as the eForms SDK checks them."""

_UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC, _CAC = {_UBL_CBC}, {_UBL_CAC}
_EFAC = {"http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"}
_EFEXT = {"http://data.europa.eu/p27/eforms-ubl-extensions/1"}
_EXT = {"urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"}
_ROOTS = {
    f"urn:oasis:names:specification:ubl:schema:xsd:{kind}-2": kind
    for kind in ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice")
}
# Subtypes where BT-71-Lot is mandatory (eForms SDK fields.json).
_BT71_MANDATORY = range(7, 23)
_MONTHS = {"MONTH": 1, "YEAR": 12}


@dataclass(frozen=True)
class Notice:
    """An eForms notice: its kind, the buyer, and one Procurement per lot."""

    source: str
    kind: str
    subtype: str | None
    regulatory_domain: str | None
    notice_id: str | None
    issued: date | None
    buyer: str | None
    lots: tuple[Procurement, ...]
    problems: tuple[Problem, ...]

    def lot(self, lot_id: str | None = None) -> Procurement:
        """One lot's Procurement; ``lot_id`` may be left out when there is one lot.

        Raises:
            DocumentError: no such lot, or several lots and none chosen.
        """
        ids = [p.lot for p in self.lots]
        if lot_id is None:
            if len(self.lots) == 1:
                return self.lots[0]
            listed = ", ".join(map(str, ids))
            msg = f"the notice has {len(ids)} lots ({listed}); choose one"
            sv = f"annonsen har {len(ids)} delområden ({listed}); välj ett med --lot"
            raise DocumentError([Problem(self.source, "", "choose_lot", msg, msg_sv=sv)])
        for procurement in self.lots:
            if procurement.lot == lot_id:
                return procurement
        msg = f"no lot {lot_id!r}; the notice has {', '.join(map(str, ids))}"
        sv = f"inget delområde {lot_id!r}; annonsen har {', '.join(map(str, ids))}"
        raise DocumentError([Problem(self.source, "", "unknown_lot", msg, msg_sv=sv)])


def read_notice(path: str | Path, *, max_bytes: int = MAX_XML_BYTES) -> Notice:
    """Read an eForms contract notice, PIN or award notice.

    Raises:
        DocumentError: unsafe or malformed XML, or not an eForms notice.
    """
    source = str(path)
    root = parse_xml(path, max_bytes=max_bytes)
    kind = _ROOTS.get(namespace(root))
    if kind is None or local_name(root) != kind:
        raise DocumentError(
            [
                Problem(
                    source,
                    local_name(root),
                    "not_eforms",
                    "the root element is not an eForms ContractNotice, PriorInformationNotice "
                    "or ContractAwardNotice",
                    msg_sv="rotelementet är ingen eForms-annons (ContractNotice, "
                    "PriorInformationNotice eller ContractAwardNotice)",
                )
            ]
        )
    problems: list[Problem] = []
    subtype = _subtype(root)
    buyer = _buyer(root)
    issued = iso_day(text(child(root, "IssueDate", _CBC)))
    reference = text(child(root, "ContractFolderID", _CBC))
    # BT-21: the lot's own title, else the procedure's.
    procedure = child(root, "ProcurementProject", _CAC)
    procedure_title = _title(procedure) if procedure is not None else None
    lots: list[Procurement] = []
    for lot in children(root, "ProcurementProjectLot", _CAC):
        ident = child(lot, "ID", _CBC)
        if ident is None or ident.get("schemeName") not in ("Lot", "Part"):
            continue  # groups of lots (GLO-…) carry no reservation
        lot_id = text(ident) or "?"
        data = _lot(lot, lot_id, subtype, source, problems)
        data.update(authority=buyer, reference=reference)
        if procedure_title and "title" not in data:
            data["title"] = procedure_title
        try:
            lots.append(parse_procurement(data, source=f"{source} {lot_id}"))
        except DeclarationError as exc:
            raise DocumentError(exc.problems) from None
    return Notice(
        source=source,
        kind=kind,
        subtype=subtype,
        regulatory_domain=text(child(root, "RegulatoryDomain", _CBC)),
        notice_id=text(child(root, "ID", _CBC)),
        issued=issued,
        buyer=buyer,
        lots=tuple(lots),
        problems=tuple(problems),
    )


def _lot(
    lot: ET.Element, lot_id: str, subtype: str | None, source: str, problems: list[Problem]
) -> dict[str, Any]:
    def flag(code: str, msg: str, sv: str) -> None:
        problems.append(Problem(source, lot_id, f"eforms.{code}", msg, msg_sv=sv))

    terms = child(lot, "TenderingTerms", _CAC)
    participation: list[str] = []
    execution: str | None = None
    if terms is not None:
        for request in children(terms, "TendererQualificationRequest", _CAC):
            for req in children(request, "SpecificTendererRequirement", _CAC):
                for code in children(req, "TendererRequirementTypeCode", _CBC):
                    if code.get("listName") == "reserved-procurement" and text(code):
                        participation.append(text(code) or "")
        for req in children(terms, "ContractExecutionRequirement", _CAC):
            for code in children(req, "ExecutionRequirementCode", _CBC):
                if code.get("listName") == "reserved-execution":
                    execution = text(code)
    for unknown in [c for c in participation if c not in BT_71_LABELS]:
        flag(
            "unknown_code",
            f"BT-71 code {unknown!r} is not in the reserved-procurement codelist",
            f"BT-71-koden {unknown!r} finns inte i kodlistan reserved-procurement",
        )
    participation = [c for c in participation if c in BT_71_LABELS]
    if execution is not None and execution not in BT_736_LABELS:
        flag(
            "unknown_code",
            f"BT-736 code {execution!r} is not in the reserved-execution codelist",
            f"BT-736-koden {execution!r} finns inte i kodlistan reserved-execution",
        )
        execution = None

    project = child(lot, "ProcurementProject", _CAC)
    cpv = None
    months = None
    title = None
    if project is not None:
        title = _title(project)
        main = child(project, "MainCommodityClassification", _CAC)
        cpv = text(child(main, "ItemClassificationCode", _CBC)) if main is not None else None
        period = child(project, "PlannedPeriod", _CAC)
        months = _duration(period)
        measure = child(period, "DurationMeasure", _CBC) if period is not None else None
        if months is None and measure is not None and text(measure):
            flag(
                "bad_duration",
                f"the lot's duration {text(measure)!r} is not a term in months",
                f"delområdets löptid {text(measure)!r} är ingen avtalstid i månader",
            )

    reserved = set(participation) - {"none"}
    if "none" in participation and reserved:
        flag(
            "none_and_reserved",
            f"BT-71 says both none and {', '.join(sorted(reserved))}",
            f"BT-71 anger både none och {', '.join(sorted(reserved))}",
        )
    if len(reserved) > 1:
        flag(
            "several_codes",
            "BT-71 reserves the lot both for sheltered workshops (res-ws, art. 20) and for "
            "public-service organisations (res-pub-ser, art. 77); these are different rules",
            "BT-71 reserverar delområdet både för skyddade verkstäder (res-ws, art. 20) och för "
            "organisationer med uppdrag av allmänt intresse (res-pub-ser, art. 77); det är "
            "olika regler",
        )
    if reserved and execution == "yes":
        codes = " and ".join(sorted(reserved))
        flag(
            "ws_and_programme" if "res-ws" in reserved else "reserved_and_programme",
            f"BT-71 {codes} and BT-736 yes: the lot is both reserved for certain suppliers "
            "and to be performed within sheltered employment programmes; the evaluation "
            "needs to know which route applies",
            f"BT-71 {codes.replace(' and ', ' och ')} och BT-736 yes: delområdet är både "
            "reserverat för vissa leverantörer och ska utföras inom program för skyddad "
            "anställning; bedömningen behöver veta vilken väg som gäller",
        )
    if "res-pub-ser" in reserved:
        if cpv is not None and not ART_77_CPV.contains(cpv):
            flag(
                "res_pub_ser_cpv",
                f"res-pub-ser, but the main CPV {cpv} is not among the art. 77 services "
                "(BR-BT-00262-0200)",
                f"res-pub-ser, men huvud-CPV-koden {cpv} hör inte till tjänsterna i art. 77 "
                "(BR-BT-00262-0200)",
            )
        if months is not None and months > 36:
            flag(
                "res_pub_ser_duration",
                f"res-pub-ser, but the lot runs {months} months; art. 77(3) allows at most "
                "3 years (BR-BT-00036-0150)",
                f"res-pub-ser, men delområdet löper {months} månader; art. 77.3 tillåter högst "
                "3 år (BR-BT-00036-0150)",
            )
    mandatory = subtype is not None and subtype.isdigit() and int(subtype) in _BT71_MANDATORY
    if not participation and mandatory:
        flag(
            "bt71_missing",
            f"BT-71 is mandatory in notice subtype {subtype} but absent",
            f"BT-71 är obligatorisk i annonstyp {subtype} men saknas",
        )

    data: dict[str, Any] = {"lot": lot_id, "main_cpv": cpv, "duration_months": months}
    if title:
        data["title"] = title
    if participation:
        data["reserved_participation"] = tuple(participation)
    data["reserved_execution"] = execution
    data["reservation"] = reservation_basis(reserved, participation, execution)
    submission = _submission_date(lot)
    if submission is not None:
        data["submission_date"] = submission
    return data


def _title(project: ET.Element) -> str | None:
    """BT-21, in Swedish where the notice gives it in several languages."""
    names = list(children(project, "Name", _CBC))
    for name in names:
        if (name.get("languageID") or "").upper() == "SWE" and text(name):
            return text(name)
    return next((text(n) for n in names if text(n)), None)


def reservation_basis(
    reserved: set[str], codes: Iterable[str], execution: str | None
) -> str | None:
    """The one basis a lot is reserved under, or None when its codes leave it open.

    ``reserved`` are its BT-71 codes other than ``none``, ``codes`` all of them, and
    ``execution`` its BT-736 value. (Shared by the OCDS reader, whose fields are the same.)
    """
    if len(reserved) == 1 and execution != "yes":
        return next(iter(reserved))
    if not reserved and execution == "yes":
        return "res-prog"
    if not reserved and "none" in codes and execution in ("no", None):
        return "none"
    return None


def _subtype(root: ET.Element) -> str | None:
    for extensions in children(root, "UBLExtensions", _EXT):
        for extension in children(extensions, "UBLExtension", _EXT):
            for content in children(extension, "ExtensionContent", _EXT):
                for eforms in children(content, "EformsExtension", _EFEXT):
                    sub = child(eforms, "NoticeSubType", _EFAC)
                    if sub is not None:
                        return text(child(sub, "SubTypeCode", _CBC))
    return None


def _buyer(root: ET.Element) -> str | None:
    """The first contracting party's official name, looked up among the organisations."""
    party = child(root, "ContractingParty", _CAC)
    inner = child(party, "Party", _CAC) if party is not None else None
    ident = child(inner, "PartyIdentification", _CAC) if inner is not None else None
    org_id = text(child(ident, "ID", _CBC)) if ident is not None else None
    if org_id is None:
        return None
    for company in root.iter(f"{{{next(iter(_EFAC))}}}Company"):
        ids = [text(child(i, "ID", _CBC)) for i in children(company, "PartyIdentification", _CAC)]
        if org_id in ids:
            name = child(company, "PartyName", _CAC)
            return text(child(name, "Name", _CBC)) if name is not None else None
    return None


def iso_day(value: Any) -> date | None:
    """The day an ISO date or date-time text begins with, or None (also for a non-text)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def months_of_days(days: float) -> int:
    """A term given in days, in whole months, rounded up."""
    return math.ceil(days * 12 / 365)


def months_between(start: date | None, end: date | None) -> int | None:
    """A term from its first to its last day, in whole months (a part month counts whole),
    or None where a day is unknown or the end comes first."""
    if start is None or end is None or end < start:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(1, months + (1 if end.day > start.day else 0))


def _duration(period: ET.Element | None) -> int | None:
    """The lot's term in whole months, rounded up (BT-36, else BT-536 to BT-537)."""
    if period is None:
        return None
    measure = child(period, "DurationMeasure", _CBC)
    if measure is not None and text(measure):
        try:
            amount = float(text(measure) or "")
        except ValueError:
            return None
        if not math.isfinite(amount) or not 0 < amount <= 1200:
            return None  # NaN, inf or absurd: the term is unknown (and flagged by the caller)
        unit = measure.get("unitCode", "MONTH")
        if unit in _MONTHS:
            return math.ceil(amount * _MONTHS[unit])
        if unit == "DAY":
            return months_of_days(amount)
        return None
    start = iso_day(text(child(period, "StartDate", _CBC)))
    end = iso_day(text(child(period, "EndDate", _CBC)))
    return months_between(start, end)


def _submission_date(lot: ET.Element) -> date | None:
    process = child(lot, "TenderingProcess", _CAC)
    if process is None:
        return None
    for name in ("TenderSubmissionDeadlinePeriod", "ParticipationRequestReceptionPeriod"):
        period = child(process, name, _CAC)
        if period is not None:
            return iso_day(text(child(period, "EndDate", _CBC)))
    return None


def describe_codes(rules: RuleSet, lang: str = "sv") -> list[str]:
    """Lines describing the eForms codes a notice under this rule set should carry."""
    lines = []
    for code in rules.reservation_codes or ():
        if code == "bt-736:yes":
            field = (
                "BT-736 (reserverat genomförande)"
                if lang == "sv"
                else "BT-736 (reserved execution)"
            )
            label = (
                "Ja: kontraktet ska fullgöras inom ramen för program för skyddad anställning."
                if lang == "sv"
                else "Yes: the contract is performed within sheltered employment programmes."
            )
            lines.append(f"{field}: yes. {label}")
        else:
            field = (
                "BT-71 (reserverat deltagande)"
                if lang == "sv"
                else "BT-71 (reserved participation)"
            )
            lines.append(f"{field}: {code}. {BT_71_LABELS[code][lang]}")
    if rules.reservation_codes is None:
        lines.append(
            "Regelverket är ingen grund för att reservera ett kontrakt (det är en definition "
            "eller en bedömning), så ingen annonskod hör till det."
            if lang == "sv"
            else "The rule set is not a basis for reserving a contract (it is a definition or "
            "an assessment), so no notice code belongs to it."
        )
    elif not lines:
        lines.append(
            "Ingen eForms-kod finns för detta regelverk: annonsen visar none eller res-pub-ser "
            "och beskriver reservationen i fritext."
            if lang == "sv"
            else "No eForms code exists for this rule set: notices show none or res-pub-ser "
            "and describe the reservation in free text."
        )
    return lines


def lot_matches(rules: RuleSet, lot: Procurement) -> bool | None:
    """Whether a lot's published codes are among the rule set's; None when not published."""
    published: set[str] = {c for c in lot.reserved_participation or () if c != "none"}
    if lot.reserved_execution == "yes":
        published.add("bt-736:yes")
    if lot.reserved_participation is None and lot.reserved_execution is None:
        return None
    return bool(published & set(rules.reservation_codes or ()))


def lot_values(rules: RuleSet) -> dict[str, str | None]:
    """The eForms values a lot reserved under ``rules`` carries: BT-71 (reserved
    participation) and BT-736 (reserved execution); None where no code exists for it.

    Raises:
        RuleSetError: the rule set is not a basis for reserving (``not_a_reservation``).
    """
    codes = rules.reservation()
    participation = next((c for c in codes if c in ("res-ws", "res-pub-ser")), None)
    if "bt-736:yes" in codes:
        return {"BT-71": participation or "none", "BT-736": "yes"}
    if participation is not None:
        return {"BT-71": participation, "BT-736": "no"}
    return {"BT-71": None, "BT-736": None}  # no code exists: the notice says it in words


def notice_problems(rules: RuleSet, lot: Procurement, source: str = "<notice>") -> list[Problem]:
    """What a published lot fails to say that a reservation under ``rules`` needs: the
    call for competition must name the reservation (directive 2014/24 art. 20(2) and
    77(4)), so a code missing or another code is a located problem. Empty when the lot
    says it, or when no code exists for the rule set."""
    values = lot_values(rules)
    where = lot.lot or ""
    out: list[Problem] = []
    participation = set(lot.reserved_participation or ())
    want71, want736 = values["BT-71"], values["BT-736"]
    if want71 not in (None, "none") and want71 not in participation:
        said = ", ".join(sorted(participation)) or "nothing"
        out.append(
            Problem(
                source,
                where,
                "notice_lacks_reservation",
                f"the lot's BT-71 is {said}, not {want71}: a contract reserved under "
                f"{rules.id} must say so in the call for competition (directive 2014/24 "
                f"art. {20 if want71 == 'res-ws' else 77})",
                msg_sv=f"delområdets BT-71 är {said.replace('nothing', 'inget')}, inte "
                f"{want71}: ett kontrakt som reserveras enligt {rules.id} ska ange det i "
                f"annonsen (direktiv 2014/24 art. {20 if want71 == 'res-ws' else 77})",
            )
        )
    if want736 == "yes" and lot.reserved_execution != "yes":
        out.append(
            Problem(
                source,
                where,
                "notice_lacks_reserved_execution",
                f"the lot's BT-736 is {lot.reserved_execution or 'not given'}, not yes: "
                f"a contract performed in sheltered employment programmes under {rules.id} "
                "must say so in the call for competition (directive 2014/24 art. 20(2))",
                msg_sv=f"delområdets BT-736 är {lot.reserved_execution or 'inte angivet'}, "
                f"inte yes: ett kontrakt som ska utföras inom program för skyddad "
                f"anställning enligt {rules.id} ska ange det i annonsen (direktiv 2014/24 "
                "art. 20.2)",
            )
        )
    return out
