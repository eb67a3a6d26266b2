"""What a supplier declares about itself, and the tender it declares for.

Every fact is optional: ``None`` means *not stated* and is never read as zero or
false. Counts and money are exact (``int`` and ``Decimal``). Models are frozen and
reject unknown fields, so a misspelt column is an error, not a silently lost fact.
"""

from __future__ import annotations

import enum
import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar, get_args, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reserverat.errors import (
    DeclarationError,
    InvalidValueError,
    Problem,
    did_you_mean,
    did_you_mean_texts,
    problems_from_validation,
    swedish_number,
)
from reserverat.identifiers import MASK, mask_personal_numbers, parse_identifier
from reserverat.inputs import parse_json, read_text

__all__ = [
    "IOP",
    "Business",
    "Control",
    "Declaration",
    "EspdAnswer",
    "Evidence",
    "FinancialYear",
    "LegalForm",
    "Loaded",
    "OccupationGroup",
    "Owner",
    "OwnerKind",
    "Participation",
    "PriorAward",
    "Procurement",
    "Purpose",
    "Row",
    "Salaries",
    "Signatory",
    "Site",
    "Source",
    "Statutes",
    "TargetGroup",
    "Welfare",
    "Workforce",
    "fact_prefixes",
    "load_declarations",
    "parse_declaration",
]


class _Model(BaseModel):
    # Validators are built on first use: start-up pays only for the classes.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


def _slug(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "_".join(text.replace("-", " ").replace("/", " ").split())


class LegalForm(enum.StrEnum):
    """The closed vocabulary of legal forms (Swedish terms of art)."""

    AKTIEBOLAG = "aktiebolag"
    SVB_AKTIEBOLAG = "svb_aktiebolag"
    EKONOMISK_FORENING = "ekonomisk_forening"
    IDEELL_FORENING = "ideell_forening"
    STIFTELSE = "stiftelse"
    ENSKILD_FIRMA = "enskild_firma"
    HANDELSBOLAG = "handelsbolag"
    REGISTRERAT_TROSSAMFUND = "registrerat_trossamfund"
    FOREIGN = "foreign"
    OTHER = "other"


_LEGAL_FORM_ALIASES = {
    "ab": "aktiebolag",
    "svb": "svb_aktiebolag",
    "aktiebolag_med_sarskild_vinstutdelningsbegransning": "svb_aktiebolag",
    "ek_for": "ekonomisk_forening",
    "ekonomisk_forening": "ekonomisk_forening",
    "ideell_forening": "ideell_forening",
    "enskild_naringsidkare": "enskild_firma",
    "hb": "handelsbolag",
    "kb": "handelsbolag",
    "kommanditbolag": "handelsbolag",
    "handelsbolag_kommanditbolag": "handelsbolag",
    "trossamfund": "registrerat_trossamfund",
    "utlandsk_juridisk_person": "foreign",
    "foreign_legal_person": "foreign",
}


def _legal_form(value: object) -> object:
    if not isinstance(value, str):
        return value
    slug = _slug(value)
    slug = _LEGAL_FORM_ALIASES.get(slug, slug)
    valid = [f.value for f in LegalForm]
    if slug not in valid:
        hint = did_you_mean(slug, valid)
        raise InvalidValueError(
            f"unknown legal form {value!r}"
            + (f"; did you mean {hint!r}?" if hint else f"; expected one of {', '.join(valid)}"),
            f"okänd juridisk form {value!r}"
            + (f"; menade du {hint!r}?" if hint else f"; välj en av {', '.join(valid)}"),
        )
    return slug


class OwnerKind(enum.StrEnum):
    """What kind of party an owner is; the last five are public."""

    PERSON = "person"
    COMPANY = "company"
    IDEBUREN = "ideburen"
    OTHER = "other"
    MUNICIPALITY = "municipality"
    REGION = "region"
    STATE = "state"
    PUBLIC_COMPANY = "public_company"
    PUBLIC_ASSOCIATION = "public_association"

    @property
    def is_public(self) -> bool:
        """Whether the kind belongs to the public sector."""
        return self in _PUBLIC_KINDS


_PUBLIC_KINDS = frozenset(
    {
        OwnerKind.MUNICIPALITY,
        OwnerKind.REGION,
        OwnerKind.STATE,
        OwnerKind.PUBLIC_COMPANY,
        OwnerKind.PUBLIC_ASSOCIATION,
    }
)


def _orgnr(value: str) -> str:
    return parse_identifier(value).number


def _unmasked_or_none(value: object) -> object:
    # A number masked by an earlier output (import-espd, a result) is not known any more.
    return None if isinstance(value, str) and value.strip() == MASK else value


OrgNr = Annotated[str, AfterValidator(_orgnr)]
MaskedOrgNr = Annotated[OrgNr | None, BeforeValidator(_unmasked_or_none)]

FreeText = Annotated[str, Field(max_length=10_000), AfterValidator(mask_personal_numbers)]
"""Text people write (names, descriptions, references): identity numbers in it are masked
as it enters, so no output can show them."""
# Every number is bounded where it enters, so no later arithmetic can overflow, hang or blow
# up memory (README, "Bounds"): a count of persons, an amount in SEK, a share, a date.
MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal(10) ** 13
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
Count = Annotated[int, Field(ge=0, le=MAX_COUNT, strict=False)]
Amount = Annotated[
    Decimal,
    Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, max_digits=20, decimal_places=4, allow_inf_nan=False),
]
NonNegAmount = Annotated[
    Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=20, decimal_places=4, allow_inf_nan=False)
]
Share = Annotated[Decimal, Field(ge=0, le=1, decimal_places=6, allow_inf_nan=False)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A date between 1900-01-01 and 2199-12-31 (evaluation dates are bounded the same way)."""
Category = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]

STANDARD_CATEGORIES = ("disability", "long_term_unemployed", "newly_arrived", "other")


class TargetGroup(_Model):
    """How many of an occupation group belong to the target groups.

    Each person is counted once, in ``by_category`` under their main category.
    """

    headcount: Count | None = None
    fte: NonNegAmount | None = None
    by_category: dict[Category, Count] | None = None
    documented_need: Count | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TargetGroup:
        if self.by_category is not None:
            total = sum(self.by_category.values())
            if self.headcount is None:
                object.__setattr__(self, "headcount", total)
            elif total != self.headcount:
                raise InvalidValueError(
                    f"by_category adds up to {total} but headcount is {self.headcount}; "
                    "count each person once, under their main category",
                    f"personerna per kategori blir {total}, men antalet personer är "
                    f"{self.headcount}; räkna varje person en gång, under sin huvudsakliga "
                    "kategori",
                )
            # Equal declarations must hash equal whatever order the categories came in.
            object.__setattr__(self, "by_category", dict(sorted(self.by_category.items())))
        if (
            self.documented_need is not None
            and self.headcount is not None
            and self.documented_need > self.headcount
        ):
            raise InvalidValueError(
                f"documented_need ({self.documented_need}) exceeds the target-group "
                f"headcount ({self.headcount})",
                f"antalet med dokumenterat stödbehov ({self.documented_need}) är större än "
                f"antalet i målgrupperna ({self.headcount})",
            )
        return self


class OccupationGroup(_Model):
    """Persons occupied in one form (employed, trainees, work training, other)."""

    headcount: Count | None = None
    fte: NonNegAmount | None = None
    target_group: TargetGroup | None = None

    @model_validator(mode="after")
    def _target_within_group(self) -> OccupationGroup:
        tg = self.target_group
        if tg is None:
            return self
        if (
            tg.headcount is not None
            and self.headcount is not None
            and tg.headcount > self.headcount
        ):
            raise InvalidValueError(
                f"target_group.headcount ({tg.headcount}) exceeds headcount ({self.headcount})",
                f"antalet i målgrupperna ({tg.headcount}) är större än antalet personer "
                f"({self.headcount})",
            )
        if tg.fte is not None and self.fte is not None and tg.fte > self.fte:
            raise InvalidValueError(
                f"target_group.fte ({tg.fte}) exceeds fte ({self.fte})",
                f"heltidsekvivalenterna i målgrupperna ({swedish_number(tg.fte)}) är fler än "
                f"alla heltidsekvivalenter ({swedish_number(self.fte)})",
            )
        return self


OCCUPATION_FORMS = ("employed", "trainees", "work_training", "other")


class Workforce(_Model):
    """Who is occupied at the supplier on a reference date, by form of occupation.

    Trainees (praktik) and work-training participants count on both sides of the
    30 % fraction. ``declared_share`` is a share stated without counts (as in ESPD).
    """

    reference_date: Day | None = None
    employed: OccupationGroup | None = None
    trainees: OccupationGroup | None = None
    work_training: OccupationGroup | None = None
    other: OccupationGroup | None = None
    declared_share: Share | None = None


class Purpose(_Model):
    """The supplier's aim, and where it is stated."""

    integration_main_aim: bool | None = None
    sheltered_workshop: bool | None = None
    public_service_mission: bool | None = Field(
        default=None,
        description="Its objective is a public-service mission linked to the service (LOU 19:25).",
    )
    public_benefit: bool | None = Field(
        default=None, description="It has a public-benefit purpose."
    )
    contributes_to_service: bool | None = Field(
        default=None,
        description="That purpose contributes to the purpose of the service (LOU 19:25 a).",
    )
    link_category: FreeText | None = Field(
        default=None, description="How the purpose links to the service."
    )
    stated_in: FreeText | None = None
    description: FreeText | None = None


class Statutes(_Model):
    """What the statutes say (lag 2022:900 om registrering av idéburna organisationer)."""

    exclusively_public_benefit: bool | None = Field(
        default=None, description="The statutes state an exclusively public-benefit purpose."
    )
    mixed_commercial_purpose: bool | None = None
    dissolution_clause: bool | None = Field(
        default=None,
        description="On dissolution, remaining assets go only where value may be transferred.",
    )
    purpose_clause: FreeText | None = None


class PriorAward(_Model):
    """A contract the supplier was awarded earlier under a reservation."""

    authority: FreeText = Field(min_length=1)
    cpv: Annotated[str, Field(pattern=r"^\d{8}(-\d)?$")] | None = None
    awarded_on: Day
    basis: Literal["lou-19-25", "other"] = "lou-19-25"


class Welfare(_Model):
    """Publicly funded welfare the organisation runs (lag 2022:900)."""

    publicly_funded: Literal["runs", "intends", "no"] | None = None
    description: FreeText | None = None


class IOP(_Model):
    """Facts about a proposed idéburet offentligt partnerskap (IOP)."""

    initiative_from_organisation: bool | None = None
    organisation_share: Share | None = Field(
        default=None,
        description="The organisation's share of all contributions (money, premises, work).",
    )
    contributions: FreeText | None = None
    market_exists: bool | None = Field(
        default=None, description="A market or competitive situation exists for this activity."
    )
    market_analysis_documented: bool | None = None
    public_detailed_control: bool | None = None
    term_years: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None
    joint_follow_up: bool | None = None
    joint_goal: bool | None = None
    profit_on_activity: bool | None = None


class FinancialYear(_Model):
    """One closed financial year: result and where value went (SEK).

    A value transfer (lag 2022:900 2 §) is any transaction that lowers the organisation's
    assets and is not purely commercial: a dividend, a gift, a deal below market price,
    pay above the market. ``to_ideburna`` is the older field that does not say whether
    the recipient is registered; the explanation says so where it matters.
    """

    end: Day
    result: Amount | None = None
    to_owners: NonNegAmount | None = Field(
        default=None, description="Value transferred to owners or members."
    )
    to_registered_ideburna: NonNegAmount | None = Field(
        default=None,
        description="To idéburna organisations registered with Kammarkollegiet (lag 2022:900).",
    )
    to_unregistered_ideburna: NonNegAmount | None = Field(
        default=None, description="To idéburna organisations that are not registered."
    )
    to_ideburna: NonNegAmount | None = Field(
        default=None,
        description="To idéburna organisations, registration not stated (older declarations).",
    )
    to_research: NonNegAmount | None = None
    to_work_integration: NonNegAmount | None = Field(
        default=None,
        description="To other work-integration activity outside the organisation.",
    )
    to_other: NonNegAmount | None = Field(
        default=None,
        description="To anyone else: gifts, deals below market price, pay above the market.",
    )
    solidarity_bonus: NonNegAmount | None = None
    reinvested: NonNegAmount | None = None


class Owner(_Model):
    """An owner or member with a stake, as declared."""

    name: FreeText = Field(min_length=1)
    organisationsnummer: MaskedOrgNr = None
    kind: OwnerKind | None = None
    capital_share: Share | None = None
    vote_share: Share | None = None
    appoints_board_majority: bool | None = None
    other_control: bool | None = Field(
        default=None,
        description="Other legal control (statute, agreement, veto) over the supplier.",
    )


class Control(_Model):
    """How the public side controls the supplier other than through owned shares."""

    public_appoints_board_majority: bool | None = None
    public_other_control: bool | None = None
    description: FreeText | None = None


class Participation(_Model):
    """How workers take part in decisions (ASF: ownership, agreement or documented other way)."""

    mechanism: Literal["ownership", "agreement", "other_documented", "none"] | None = None
    users_or_stakeholders: bool | None = Field(
        default=None, description="Users or stakeholders take active part in governance."
    )
    participatory_distribution: bool | None = Field(
        default=None, description="Any distribution of profit rests on participatory grounds."
    )
    description: FreeText | None = None


class Business(_Model):
    """Business activity: whether and how much the supplier sells (SEK per year)."""

    sells_goods_or_services: bool | None = None
    sales_revenue: NonNegAmount | None = None
    total_revenue: NonNegAmount | None = None

    @model_validator(mode="after")
    def _sales_within_total(self) -> Business:
        if (
            self.sales_revenue is not None
            and self.total_revenue is not None
            and self.sales_revenue > self.total_revenue
        ):
            raise InvalidValueError(
                "sales_revenue exceeds total_revenue",
                "intäkterna från försäljning är större än de totala intäkterna",
            )
        return self


class Salaries(_Model):
    """Lowest and highest monthly full-time salary (SEK)."""

    lowest: Annotated[Decimal, Field(gt=0, le=10**8, decimal_places=4)] | None = None
    highest: Annotated[Decimal, Field(gt=0, le=10**8, decimal_places=4)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Salaries:
        if self.lowest is not None and self.highest is not None and self.lowest > self.highest:
            raise InvalidValueError(
                f"lowest ({self.lowest}) exceeds highest ({self.highest})",
                f"lägsta lönen ({swedish_number(self.lowest)}) är högre än den högsta "
                f"({swedish_number(self.highest)})",
            )
        return self


class Site(_Model):
    """A place where the supplier works; coordinates are WGS84 degrees."""

    name: FreeText | None = None
    address: FreeText | None = None
    postal_code: Annotated[str, Field(pattern=r"^\d{3} ?\d{2}$")] | None = None
    locality: FreeText | None = None
    municipality: FreeText | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    uncertainty_m: Annotated[float, Field(ge=0, le=1_000_000)] | None = Field(
        default=None, description="How far off the declared coordinates may be, in metres."
    )
    performs_contract: bool | None = None

    @model_validator(mode="after")
    def _both_coordinates(self) -> Site:
        if (self.lat is None) != (self.lon is None):
            raise InvalidValueError(
                "give both lat and lon, or neither",
                "ange både latitud och longitud, eller ingen av dem",
            )
        return self


class Signatory(_Model):
    """Who signed the declaration."""

    name: FreeText | None = None
    role: FreeText | None = None


class EspdAnswer(_Model):
    """The supplier's ESPD answer to "Economic operator is a sheltered workshop"."""

    version: str = Field(
        description="The ESPD-EDM version the document follows (1, 2.1.1, 4.1.0 ...)."
    )
    answer: Literal["yes", "no", "not_answered", "absent"] = Field(
        description="yes or no; not_answered when the question is left open; absent when "
        "the response does not contain the criterion."
    )
    percent_raw: Decimal | None = Field(
        default=None, description="The percentage exactly as written in the document."
    )
    percent_scale: Literal["fraction", "points", "ambiguous"] | None = Field(
        default=None,
        description="How the percentage was read: a fraction (0.3), percent points (30), or "
        "ambiguous (a v1 value in (0, 1], not used).",
    )
    category: FreeText | None = Field(
        default=None, description="The category of disabled or disadvantaged workers, as written."
    )
    evidence_ids: tuple[str, ...] = Field(
        default=(), description="References to evidence available electronically."
    )
    issued: Day | None = Field(default=None, description="The ESPD's issue date.")
    lots: tuple[str, ...] = Field(default=(), description="The lots the answer refers to.")


class Evidence(_Model):
    """A document that backs the declaration."""

    kind: Literal[
        "statutes",
        "annual_report",
        "staff_list",
        "support_decision",
        "truth_declaration",
        "ownership_register",
        "other",
    ]
    issued: Day | None = None
    reference: FreeText | None = None


DocumentKind = Literal[
    "annual_report",
    "basis_decision",
    "legal_person_figures",
    "other",
    "ownership_register",
    "participation_documents",
    "prior_awards_statement",
    "register_extract",
    "registration_certificate",
    "salary_statement",
    "site_location",
    "staff_list",
    "statutes",
    "support_decision",
    "truth_declaration",
]
"""The kinds of document a fact may rest on (the evidence codes a finding asks for)."""

SOURCE_RANK = {"declared": 0, "document": 1, "register": 2}
"""How strongly each kind of source backs a fact: the supplier's word, a document, a register."""


def _not_future(value: date | None) -> date | None:
    # Today, not the evaluation date: a fact read after the evaluation date is normal (a
    # register read while tenders are assessed); one read after today cannot have been.
    if value is not None and value > date.today():
        raise PydanticCustomError(
            "future_date",
            "{day} is later than today: a document or register cannot have been read yet",
            {"day": value.isoformat()},
        )
    return value


PastDay = Annotated[Day, AfterValidator(_not_future)]


def _known_fact(path: str) -> str:
    known = fact_prefixes()
    if path in known:
        return path
    tip, tip_sv = did_you_mean_texts(path, sorted(known))
    raise PydanticCustomError(
        "unknown_fact",
        "'{path}' is not a fact of a declaration{hint}",
        {"path": path, "hint": tip, "hint_sv": tip_sv},
    )


FactPrefix = Annotated[str, Field(max_length=200), AfterValidator(_known_fact)]


@lru_cache(maxsize=1)
def fact_prefixes() -> frozenset[str]:
    """Every path a source may name: each declaration field and each beginning of one."""
    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if not prefix and name in ("sources", "evidence", "espd"):
                continue  # about the declaration, not facts a criterion reads
            path = prefix + name
            out.add(path)
            for inner in _models_in(info.annotation):
                walk(inner, path + ".")

    walk(Declaration, "")
    return frozenset(out)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds: ``X | None`` and ``tuple[X, ...]`` both give X."""
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        ann = stack.pop()
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            found.append(ann)
        else:
            stack.extend(a for a in get_args(ann) if a is not type(None) and a is not Ellipsis)
    return found


class Source(_Model):
    """Where some facts come from: the supplier's word, a document, or a register read on a day.

    ``facts`` names fields or their beginnings: ``workforce`` covers every workforce
    figure, ``business.sales_revenue`` one fact; the most specific source of a fact wins,
    and a fact no source names is the supplier's own word (``declared``).
    """

    facts: tuple[FactPrefix, ...] = Field(
        min_length=1,
        max_length=200,
        description="The facts it backs: field paths or their beginnings ('workforce').",
    )
    kind: Literal["declared", "document", "register"] = Field(
        description="declared: the supplier's word; document: a document the buyer holds; "
        "register: a register the buyer or the platform read."
    )
    document: DocumentKind | None = Field(default=None, description="Which kind of document.")
    reference: FreeText | None = Field(
        default=None, description="The document's or record's name, e.g. 'Årsredovisning 2024'."
    )
    issued: PastDay | None = Field(default=None, description="The document's date.")
    register_id: FreeText | None = Field(
        default=None, description="Which register was read (the id a rule set names it by)."
    )
    record: FreeText | None = Field(
        default=None, description="The record's identifier in the register."
    )
    read_on: PastDay | None = Field(default=None, description="When the register was read.")

    @model_validator(mode="after")
    def _complete(self) -> Source:
        needs = {"document": ("document",), "register": ("register_id", "read_on")}
        missing = [name for name in needs.get(self.kind, ()) if getattr(self, name) is None]
        if missing:
            raise PydanticCustomError(
                "source_incomplete",
                "a {kind} source needs {fields}",
                {
                    "kind": self.kind,
                    "fields": " and ".join(missing),
                    "kind_sv": {"document": "dokument", "register": "register"}[self.kind],
                    "fields_sv": " och ".join(missing),
                },
            )
        return self

    @property
    def rank(self) -> int:
        """0 for the supplier's word, 1 for a document, 2 for a register."""
        return SOURCE_RANK[self.kind]

    @property
    def dated(self) -> date | None:
        """The day the source speaks for: a document's date, a register's reading."""
        return self.read_on if self.kind == "register" else self.issued


class Declaration(_Model):
    """A supplier's declaration about itself; the input to :func:`evaluate`."""

    supplier: FreeText = Field(min_length=1, description="The tendering legal person's name.")
    id: FreeText | None = Field(default=None, description="The caller's own reference.")
    organisationsnummer: MaskedOrgNr = None
    legal_form: Annotated[LegalForm, BeforeValidator(_legal_form)] | None = None
    scope: Literal["legal_person", "unit"] | None = Field(
        default=None, description="Whether the figures describe the whole legal person or a unit."
    )
    unit_name: FreeText | None = None
    founded: Day | None = None
    purpose: Purpose | None = None
    workforce: Workforce | None = None
    programme_workforce: Workforce | None = Field(
        default=None, description="Persons occupied in a sheltered-employment programme."
    )
    financial_years: tuple[FinancialYear, ...] | None = None
    owners: tuple[Owner, ...] | None = None
    control: Control | None = None
    statutes: Statutes | None = None
    welfare: Welfare | None = None
    prior_awards: tuple[PriorAward, ...] | None = None
    iop: IOP | None = None
    participation: Participation | None = None
    business: Business | None = None
    salaries: Salaries | None = None
    sites: tuple[Site, ...] | None = None
    declared_on: Day | None = None
    signatory: Signatory | None = None
    evidence: tuple[Evidence, ...] = ()
    espd: EspdAnswer | None = Field(
        default=None, description="The ESPD answer this declaration was imported from."
    )
    sources: tuple[Source, ...] | None = Field(
        default=None,
        description="Where facts come from; a fact no source names is the supplier's word.",
    )

    _hash: str | None = PrivateAttr(default=None)

    def __copy__(self) -> Self:
        """A copy without the cached hash (``model_copy(update=...)`` may change its facts)."""
        return _unhashed(super().__copy__())

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A deep copy without the cached hash."""
        return _unhashed(super().__deepcopy__(memo))

    @property
    def content_hash(self) -> str:
        """``sha256:`` of the declaration's JSON without unstated facts (cached).

        Unstated facts are left out so that a schema that grows new optional fields
        gives old declarations the same hash.
        """
        # Read the private dict directly: pydantic's __getattr__ is slow on this hot path.
        private = self.__pydantic_private__
        assert private is not None
        if private["_hash"] is None:
            text = self.model_dump_json(exclude_none=True)
            private["_hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        return private["_hash"]  # type: ignore[no-any-return]

    # Field validators, not a model validator: the error is located at the list it is about,
    # so a spreadsheet row can leave that list out and keep the rest.
    @field_validator("owners")
    @classmethod
    def _owner_shares(cls, owners: tuple[Owner, ...] | None) -> tuple[Owner, ...] | None:
        for attr in ("capital_share", "vote_share"):
            total = sum(
                (getattr(o, attr) for o in owners or () if getattr(o, attr) is not None),
                Decimal(0),
            )
            if total > 1:
                what = "kapitalandelar" if attr == "capital_share" else "röstandelar"
                raise InvalidValueError(
                    f"owners' {attr} add up to {total}, more than 1 (100 %)",
                    f"ägarnas {what} blir tillsammans {swedish_number(total)}, mer än 1 (100 %)",
                )
        return owners

    @field_validator("financial_years")
    @classmethod
    def _distinct_years(
        cls, years: tuple[FinancialYear, ...] | None
    ) -> tuple[FinancialYear, ...] | None:
        ends = [fy.end for fy in years or ()]
        if len(set(ends)) != len(ends):
            raise InvalidValueError(
                "two financial years end on the same date",
                "två räkenskapsår slutar samma dag",
            )
        return years


def _unhashed(copied: DeclarationT) -> DeclarationT:
    private = copied.__pydantic_private__
    assert private is not None
    private["_hash"] = None
    return copied


DeclarationT = TypeVar("DeclarationT", bound=BaseModel)


class Procurement(_Model):
    """The tender a declaration is evaluated for; supplies the default evaluation date."""

    authority: FreeText | None = None
    reference: FreeText | None = None
    title: FreeText | None = Field(
        default=None, description="The procurement's name, as in the notice (eForms BT-21)."
    )
    submission_date: Day | None = None
    started_on: Day | None = Field(
        default=None,
        description="When the procurement was begun (the notice was sent): picks the version "
        "of a rule set whose law changed (LOU 19 kap. from 2022-02-01).",
    )
    main_cpv: Annotated[str, Field(pattern=r"^\d{8}(-\d)?$")] | None = None
    duration_months: Annotated[int, Field(gt=0, le=1200)] | None = None
    reservation: Literal["res-ws", "res-pub-ser", "res-prog", "lou-19-25a", "none"] | None = Field(
        default=None,
        description="The basis the contract is reserved under: eForms BT-71 res-ws or "
        "res-pub-ser, res-prog for BT-736 (sheltered employment programmes), lou-19-25a "
        "(no eForms code), or none.",
    )
    lot: FreeText | None = Field(
        default=None, description="The lot, as the notice names it (LOT-0001)."
    )
    reserved_participation: tuple[Literal["res-ws", "res-pub-ser", "none"], ...] | None = Field(
        default=None, description="eForms BT-71 codes on the lot, as published."
    )
    reserved_execution: Literal["yes", "no", "not-known"] | None = Field(
        default=None,
        description="eForms BT-736: performed within sheltered employment programmes.",
    )
    primary_care_choice_system: bool | None = Field(
        default=None, description="A region's choice system for primary care (LOV)."
    )


_TAGS = frozenset({"function-after", "function-before"})


def parse_declaration(data: Mapping[str, Any], *, source: str = "<python>") -> Declaration:
    """Validate a mapping into a Declaration, raising one error that lists every problem.

    Raises:
        DeclarationError: with one located :class:`Problem` per invalid field.
    """
    try:
        return Declaration.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(problems_from_validation(exc, source=source, tags=_TAGS)) from None


def parse_procurement(data: Mapping[str, Any], *, source: str = "<python>") -> Procurement:
    """Validate a mapping into a Procurement, raising one error that lists every problem."""
    try:
        return Procurement.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(problems_from_validation(exc, source=source, tags=_TAGS)) from None


def _read_json(path: Path) -> Any:
    return parse_json(read_text(path, DeclarationError), str(path), DeclarationError)


@dataclass(frozen=True)
class Row:
    """One input row: its source, its Declaration or located error, and its warnings.

    The warnings are those of reading it (an imported ESPD's, for example).
    """

    source: str
    outcome: Declaration | DeclarationError
    warnings: tuple[Problem, ...] = ()
    name: str | None = None
    """The supplier's name as the row gives it, also where the row is an error."""

    def __post_init__(self) -> None:
        # The source names a file, and file names can hold identity numbers.
        object.__setattr__(self, "source", mask_personal_numbers(self.source))
        if self.name is not None:
            object.__setattr__(self, "name", mask_personal_numbers(self.name))
        elif isinstance(self.outcome, Declaration):
            object.__setattr__(self, "name", self.outcome.supplier)

    @property
    def declaration(self) -> Declaration | None:
        """The row's Declaration, or None where the row is an error."""
        return self.outcome if isinstance(self.outcome, Declaration) else None

    @property
    def error(self) -> DeclarationError | None:
        """The row's located error, or None where it was read."""
        return self.outcome if isinstance(self.outcome, DeclarationError) else None


class Loaded(Sequence[Declaration]):
    """The declarations of one file, in order, with the rows that could not be read.

    ``loaded[i]`` is the i-th row's Declaration, and raises that row's located
    :class:`DeclarationError` where it could not be read: so iterating or unpacking a
    file with a bad row never skips it silently. :attr:`declarations` and :attr:`errors`
    give the two apart, :attr:`rows` every row with its source.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows: tuple[Row, ...] = tuple(rows)

    @overload
    def __getitem__(self, index: int) -> Declaration: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Declaration]: ...
    def __getitem__(self, index: int | slice) -> Declaration | Sequence[Declaration]:
        if isinstance(index, slice):
            return Loaded(self.rows[index])
        outcome = self.rows[index].outcome
        if isinstance(outcome, DeclarationError):
            raise outcome
        return outcome

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def declarations(self) -> list[Declaration]:
        """The rows that were read, in order."""
        return [r.outcome for r in self.rows if isinstance(r.outcome, Declaration)]

    @property
    def errors(self) -> list[DeclarationError]:
        """The rows that could not be read, each a located error, in order."""
        return [r.outcome for r in self.rows if isinstance(r.outcome, DeclarationError)]

    def __repr__(self) -> str:
        return f"<Loaded {len(self.declarations)} declarations, {len(self.errors)} errors>"


def load_declarations(path: str | Path) -> Loaded:
    """Read a JSON file holding one declaration or a list of them.

    Returns every entry of the file, in order, as a :class:`Loaded`: ``[i]`` is a
    Declaration (or raises the entry's located error), ``.declarations`` and ``.errors``
    give them apart. A file that cannot be read or parsed at all raises.

    Raises:
        DeclarationError: the file is unreadable, not JSON, or not an object or list.
    """
    path = Path(path)
    data = _read_json(path)
    if isinstance(data, dict):
        items: list[Any] = [data]
        located = False
    elif isinstance(data, list):
        items = data
        located = True
    else:
        raise DeclarationError(
            [Problem(str(path), "", "wrong_type", "expected a JSON object or a list of objects")]
        )
    rows: list[Row] = []
    for i, item in enumerate(items):
        source = f"{path}[{i}]" if located else str(path)
        if not isinstance(item, dict):
            rows.append(
                Row(
                    source,
                    DeclarationError([Problem(source, "", "wrong_type", "expected a JSON object")]),
                )
            )
            continue
        try:
            rows.append(Row(source, parse_declaration(item, source=source)))
        except DeclarationError as exc:
            name = item.get("supplier")
            rows.append(Row(source, exc, name=name if isinstance(name, str) else None))
    return Loaded(rows)


def load_procurement(path: str | Path) -> Procurement:
    """Read a Procurement from a JSON file.

    Raises:
        DeclarationError: the file is unreadable, not JSON or not a valid procurement.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv", ".xml"):
        raise DeclarationError(
            [
                Problem(
                    str(path),
                    "",
                    "unknown_format",
                    "a procurement is read from a .json file (an eForms notice: --notice)",
                    msg_sv="en upphandling läses från en .json-fil (en eForms-annons: --notice)",
                )
            ]
        )
    data = _read_json(path)
    if not isinstance(data, dict):
        raise DeclarationError([Problem(str(path), "", "wrong_type", "expected a JSON object")])
    return parse_procurement(data, source=str(path))
