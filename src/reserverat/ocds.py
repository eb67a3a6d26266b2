"""OCDS 1.1 release and record packages, read and written.

Read: a contracting process's buyer, main CPV code, dates, term and reservation
(``tender.otherRequirements.reservedParticipation`` from the Other Requirements extension,
``contractTerms.reservedExecution`` from the Contract Terms extension, on the tender or a
lot) become a :class:`reserverat.Procurement`; the awards of earlier processes become the
:class:`reserverat.declaration.PriorAward` entries that ``lou-19-25``'s three-year test
reads. Write: the reservation fragment of a lot for a rule set (the OCDS side of the eForms
codes BT-71 and BT-736, as the OCDS for EU profile maps them).

A release package's releases of one process are merged in date order, each section the
latest release's (a record package's ``compiledRelease`` is used as it is): enough for the
fields read here, and not OCDS's full merge routine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reserverat.declaration import PriorAward, Procurement, parse_procurement
from reserverat.eforms import iso_day as _day
from reserverat.eforms import months_between, months_of_days, reservation_basis
from reserverat.errors import DeclarationError, DocumentError, Problem
from reserverat.inputs import parse_json, read_text
from reserverat.ruleset import RuleSet

__all__ = ["OcdsAward", "OcdsProcess", "ocds_lot", "prior_awards", "read_ocds"]

MAX_OCDS_BYTES = 50 * 2**20
"""The largest package read: 50 MiB."""

# OCDS for EU: BT-71 res-ws is shelteredWorkshop, res-pub-ser is publicService.
_PARTICIPATION = {"shelteredWorkshop": "res-ws", "publicService": "res-pub-ser"}
_CODES = {v: k for k, v in _PARTICIPATION.items()}


@dataclass(frozen=True)
class OcdsAward:
    """An award of a process: to whom, when, by whom and for what, and on which basis."""

    ocid: str
    supplier_id: str | None
    supplier_name: str | None
    awarded_on: date
    authority: str
    cpv: str | None
    reserved: str | None
    """res-pub-ser where the process was reserved for public-service organisations."""


@dataclass(frozen=True)
class OcdsProcess:
    """One contracting process read from a package."""

    ocid: str
    procurement: Procurement
    lots: tuple[str, ...]
    awards: tuple[OcdsAward, ...]
    warnings: tuple[Problem, ...] = ()


def _problem(source: str, loc: str, code: str, en: str, sv: str, *given: Any) -> Problem:
    # The value given, where there is one (a Problem without it says nothing of it).
    if given:
        return Problem(source, loc, code, en, given[0], msg_sv=sv)
    return Problem(source, loc, code, en, msg_sv=sv)


def _error(source: str, loc: str, code: str, en: str, sv: str) -> DocumentError:
    return DocumentError([_problem(source, loc, code, en, sv)])


def read_ocds(
    package: str | Path | Mapping[str, Any] | Any,
    *,
    ocid: str | None = None,
    lot: str | None = None,
    source: str | None = None,
) -> list[OcdsProcess]:
    """The contracting processes of an OCDS 1.1 release or record package.

    ``package`` is a file or the parsed JSON; each process comes with its Procurement (for
    ``lot``, when given) and its awards.

    Raises:
        DocumentError: not JSON, not a package (``not_ocds``), another OCDS version
            (``ocds_version``), no process ``ocid`` (``unknown_process``), no lot ``lot``
            (``unknown_lot``).
    """
    if isinstance(package, str | Path):
        where = str(package)
        data: Any = parse_json(
            read_text(Path(package), DocumentError, max_bytes=MAX_OCDS_BYTES), where, DocumentError
        )
    else:  # parsed JSON, of whatever shape: checked below
        data = package
        where = source or "<ocds>"
    if not isinstance(data, Mapping) or not (
        isinstance(data.get("releases"), list) or isinstance(data.get("records"), list)
    ):
        raise _error(
            where,
            "",
            "not_ocds",
            "not an OCDS release or record package (an object with releases or records)",
            "inget OCDS-paket (ett objekt med releases eller records)",
        )
    version = data.get("version")
    if not (isinstance(version, str) and version.split(".")[:2] == ["1", "1"]):
        raise _error(
            where,
            "version",
            "ocds_version",
            f'this reads OCDS 1.1 packages (version "1.1"), not {version!r}',
            f'detta läser OCDS 1.1-paket (version "1.1"), inte {version!r}',
        )
    compiled = _compiled(data, where)
    if ocid is not None:
        if ocid not in compiled:
            raise _error(
                where,
                "ocid",
                "unknown_process",
                f"no process {ocid!r} in the package (it has {', '.join(compiled) or 'none'})",
                f"ingen process {ocid!r} i paketet (det har {', '.join(compiled) or 'ingen'})",
            )
        compiled = {ocid: compiled[ocid]}
    return [_process(key, release, lot, where) for key, release in compiled.items()]


def _compiled(data: Mapping[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Each process's compiled release, by ocid, in the package's order."""
    out: dict[str, dict[str, Any]] = {}
    if isinstance(data.get("records"), list):
        for i, record in enumerate(data["records"]):
            if not isinstance(record, Mapping) or not isinstance(record.get("ocid"), str):
                raise _error(
                    where,
                    f"records[{i}]",
                    "not_ocds",
                    "a record has an ocid",
                    "en post har ett ocid",
                )
            release = record.get("compiledRelease")
            if not isinstance(release, Mapping):
                release = _merge(r for r in _list(record.get("releases")) if isinstance(r, Mapping))
            out[record["ocid"]] = dict(release)
        return out
    by_ocid: dict[str, list[Mapping[str, Any]]] = {}
    for i, release in enumerate(data["releases"]):
        if not isinstance(release, Mapping) or not isinstance(release.get("ocid"), str):
            raise _error(
                where,
                f"releases[{i}]",
                "not_ocds",
                "a release has an ocid",
                "en release har ett ocid",
            )
        by_ocid.setdefault(release["ocid"], []).append(release)
    return {key: _merge(releases) for key, releases in by_ocid.items()}


def _merge(releases: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The sections of a process's releases, the latest of each (by release date)."""
    out: dict[str, Any] = {}
    awards: dict[str, Any] = {}
    for release in sorted(releases, key=lambda r: str(r.get("date", ""))):
        for key, value in release.items():
            if key == "awards":
                for award in _list(value):
                    if isinstance(award, Mapping):
                        awards[str(award.get("id", len(awards)))] = award
            else:
                out[key] = value
    if awards:
        out["awards"] = list(awards.values())
    return out


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: a field of another shape holds no items."""
    return value if isinstance(value, list) else []


def _cpv(items: Any, lot: str | None) -> str | None:
    """The main CPV code: the first CPV-classified item (of the lot, when one is named)."""
    for item in items if isinstance(items, list) else []:
        if lot is not None and _get(item, "relatedLot") not in (lot, None):
            continue
        classification = _get(item, "classification")
        if str(_get(classification, "scheme") or "").upper() == "CPV":
            code = str(_get(classification, "id") or "").split("-")[0]
            if len(code) == 8 and code.isdigit():
                return code
    return None


def _months(period: Any) -> int | None:
    """A contract period's term in whole months, rounded up (durationInDays, else its dates)."""
    days = _get(period, "durationInDays")
    if isinstance(days, int | float) and not isinstance(days, bool) and math.isfinite(days):
        return months_of_days(days) if 0 < days <= 36500 else None
    return months_between(_day(_get(period, "startDate")), _day(_get(period, "endDate")))


def _process(key: str, release: dict[str, Any], lot: str | None, where: str) -> OcdsProcess:
    tender = release.get("tender") if isinstance(release.get("tender"), Mapping) else {}
    lots = [x for x in _list(_get(tender, "lots")) if isinstance(x, Mapping)]
    lot_ids = tuple(str(x.get("id")) for x in lots if x.get("id") is not None)
    chosen: Mapping[str, Any] | None = None
    if lot is not None:
        chosen = next((x for x in lots if str(x.get("id")) == lot), None)
        if chosen is None:
            raise _error(
                where,
                f"{key}.tender.lots",
                "unknown_lot",
                f"process {key} has no lot {lot!r} (it has {', '.join(lot_ids) or 'none'})",
                f"processen {key} har inget delområde {lot!r} (den har "
                f"{', '.join(lot_ids) or 'inga'})",
            )
    warnings: list[Problem] = []
    if lots and chosen is None:
        warnings.append(
            _problem(
                where,
                f"{key}.tender.lots",
                "lot_not_chosen",
                f"process {key} has lots ({', '.join(lot_ids)}): name one to read its "
                "reservation, term and CPV code",
                f"processen {key} har delområden ({', '.join(lot_ids)}): ange ett för att "
                "läsa dess reservation, avtalstid och CPV-kod",
            )
        )
    participation = _get(chosen, "otherRequirements", "reservedParticipation")
    if participation is None:
        participation = _get(tender, "otherRequirements", "reservedParticipation")
    reserved: tuple[str, ...] | None = None
    if isinstance(participation, list):
        codes = [c if isinstance(c, str) else repr(c)[:40] for c in participation]
        known = [_PARTICIPATION[c] for c in codes if c in _PARTICIPATION]
        for code in codes:
            if code not in _PARTICIPATION:
                warnings.append(
                    _problem(
                        where,
                        f"{key}.tender.otherRequirements.reservedParticipation",
                        "unknown_code",
                        f"reservedParticipation {code!r} is not in the codelist "
                        "(shelteredWorkshop, publicService): left out",
                        f"reservedParticipation {code!r} finns inte i kodlistan "
                        "(shelteredWorkshop, publicService): utelämnad",
                        code,
                    )
                )
        reserved = tuple(dict.fromkeys(known)) or ("none",)
    execution_flag = _get(chosen, "contractTerms", "reservedExecution")
    if execution_flag is None:
        execution_flag = _get(tender, "contractTerms", "reservedExecution")
    execution = (
        {True: "yes", False: "no"}.get(execution_flag) if isinstance(execution_flag, bool) else None
    )
    period = _get(chosen, "contractPeriod") or _get(tender, "contractPeriod")
    buyer = _get(release, "buyer", "name")
    data: dict[str, Any] = {
        "authority": buyer if isinstance(buyer, str) else None,
        "reference": _get(tender, "id") if isinstance(_get(tender, "id"), str) else key,
        "title": (_get(chosen, "title") if chosen else None) or _get(tender, "title"),
        "submission_date": _day(_get(tender, "tenderPeriod", "endDate")),
        "started_on": _day(_get(tender, "tenderPeriod", "startDate")),
        "main_cpv": _cpv(_get(tender, "items"), lot) or _cpv([tender], None),
        "duration_months": _months(period),
        "lot": lot,
        "reserved_participation": reserved,
        "reserved_execution": execution,
        "reservation": reservation_basis(
            {c for c in reserved or () if c != "none"}, reserved or (), execution
        ),
    }
    data = {k: v for k, v in data.items() if v is not None and v != ""}
    try:
        procurement = parse_procurement(data, source=f"{where} [{key}]")
    except DeclarationError as exc:
        raise DocumentError(exc.problems) from None
    authority = data.get("authority") or key
    awards = []
    for award in _list(release.get("awards")):
        awarded_on = _day(_get(award, "date"))
        if awarded_on is None or _get(award, "status") in ("cancelled", "unsuccessful"):
            continue
        cpv = _cpv(_get(award, "items"), None) or data.get("main_cpv")
        for supplier in _list(_get(award, "suppliers")) or [{}]:
            awards.append(
                OcdsAward(
                    key,
                    _get(supplier, "id") if isinstance(_get(supplier, "id"), str) else None,
                    _get(supplier, "name") if isinstance(_get(supplier, "name"), str) else None,
                    awarded_on,
                    str(authority),
                    cpv,
                    "res-pub-ser" if reserved and "res-pub-ser" in reserved else None,
                )
            )
    return OcdsProcess(key, procurement, lot_ids, tuple(awards), tuple(warnings))


def prior_awards(
    processes: Iterable[OcdsProcess],
    *,
    supplier_id: str | None = None,
    supplier_name: str | None = None,
) -> list[PriorAward]:
    """The earlier awards to one supplier, as a declaration's ``prior_awards``.

    The supplier is found by its OCDS party id, else its exact name. ``basis`` is
    ``lou-19-25`` where the process was reserved for public-service organisations (BT-71
    res-pub-ser), else ``other``.

    Raises:
        DocumentError: an award that cannot be a prior award (its buyer has no name).
    """
    from pydantic import ValidationError

    from reserverat.errors import problems_from_validation

    out = []
    for process in processes:
        for award in process.awards:
            if supplier_id is not None and award.supplier_id != supplier_id:
                continue
            if supplier_id is None and (
                supplier_name is None or award.supplier_name != supplier_name
            ):
                continue
            try:
                out.append(
                    PriorAward(
                        authority=award.authority,
                        cpv=award.cpv,
                        awarded_on=award.awarded_on,
                        basis="lou-19-25" if award.reserved == "res-pub-ser" else "other",
                    )
                )
            except ValidationError as exc:
                # An award the package describes too poorly to count (no buyer's name).
                raise DocumentError(
                    problems_from_validation(exc, source=f"{process.ocid} awards")
                ) from None
    return out


def ocds_lot(rules: RuleSet, lot_id: str = "1") -> tuple[dict[str, Any], list[Problem]]:
    """The reservation fragment of an OCDS lot for a rule set, and warnings.

    The fragment holds ``otherRequirements`` (``reservedParticipation``) and
    ``contractTerms`` (``reservedExecution``); a warning says where OCDS has no code for
    the rule set (the reservation is then described in text).

    Raises:
        RuleSetError: the rule set is no basis for reserving (``not_a_reservation``).
    """
    codes = rules.reservation()
    lot: dict[str, Any] = {"id": lot_id}
    participation = [_CODES[c] for c in codes if c in _CODES]
    if participation:
        lot["otherRequirements"] = {"reservedParticipation": participation}
    if "bt-736:yes" in codes:
        lot["contractTerms"] = {"reservedExecution": True}
    warnings = []
    if not codes:
        warnings.append(
            Problem(
                rules.id,
                "reservation_codes",
                "no_code",
                f"OCDS has no code for {rules.id}: describe the reservation in the lot's "
                "description or the procurement documents",
                msg_sv=f"OCDS har ingen kod för {rules.id}: beskriv reservationen i "
                "delområdets beskrivning eller i upphandlingsdokumenten",
            )
        )
    return lot, warnings
