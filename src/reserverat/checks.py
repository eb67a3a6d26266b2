"""The check vocabulary and its combinators: frozen values with lowercase factories.

Nodes hold parameters only; :mod:`reserverat.evaluate` holds the behaviour. A field
may hold a literal or a :func:`param` reference that the rule set resolves for the
evaluation date, so a policy variant changes a parameter, not the tree.

``&``, ``|`` and ``~`` build combinators (``a & b & c`` is one ``all_of``); ``bool()``
of a node raises, because ``and``/``or`` would silently drop one side.

>>> share_at_least(param("threshold")) & fact_is_true("purpose.integration_main_aim")
all_of(share_at_least(param('threshold')), fact_is_true('purpose.integration_main_aim'))
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from reserverat.declaration import OCCUPATION_FORMS, Declaration, Procurement
from reserverat.errors import InvalidValueError as _Invalid

__all__ = [
    "COMBINATOR_KINDS",
    "FACT_PATHS",
    "RECIPIENTS",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Centre",
    "Check",
    "Node",
    "Not",
    "Param",
    "all_of",
    "any_of",
    "at_least",
    "bounded_decimal",
    "canonical_decimal",
    "cpv_in",
    "fact_is_true",
    "in_municipality",
    "in_zone",
    "leaf_checks",
    "no_controlling_influence",
    "no_prior_award_within",
    "no_public_owner",
    "not_",
    "not_older_than",
    "number_at_least",
    "number_at_most",
    "param",
    "profits_mainly_reinvested",
    "public_share_at_most",
    "registered_in",
    "salary_ratio_at_most",
    "share_at_least",
    "transfers_only_to",
    "value_in",
    "whole_legal_person",
    "within_km",
]


def canonical_decimal(value: Decimal) -> Decimal:
    """One spelling per number (``0.30`` -> ``0.3``, ``1E+2`` -> ``100``), for stable hashes."""
    value = value.normalize()
    # Whole numbers written out, within the context's 28 digits (larger ones are refused
    # by the bounds of every field before they get here).
    if value.as_tuple().exponent > 0 and value.adjusted() < 27:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value


MAX_RULE_NUMBER = Decimal(10) ** 13


def bounded_decimal(value: Decimal, *, digits: int = 13, decimals: int = 6) -> bool:
    """Whether ``value`` is finite, below 10^``digits`` and has at most ``decimals`` decimals.

    Decided from the number's exponent alone, never by arithmetic, which a value such as
    ``1e999999999`` would overflow.
    """
    if not value.is_finite():
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return value.is_zero() or (value.adjusted() < digits and exponent >= -decimals)


Dec = Annotated[
    Decimal,
    Field(ge=-MAX_RULE_NUMBER, le=MAX_RULE_NUMBER, decimal_places=6, allow_inf_nan=False),
    AfterValidator(canonical_decimal),
]
ShareValue = Annotated[
    Decimal,
    Field(ge=0, le=1, decimal_places=6, allow_inf_nan=False),
    AfterValidator(canonical_decimal),
]
PositiveInt = Annotated[int, Field(gt=0, le=1000)]
Months = Annotated[int, Field(gt=0, le=1200)]
"""A number of months: 1 to 1,200 (a hundred years)."""
Years = Annotated[int, Field(gt=0, le=100)]
"""A number of years: 1 to 100."""


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        args = [a for a in get_args(ann) if a is not type(None)] if _is_union(ann) else [ann]
        inner = args[0] if len(args) == 1 else ann
        path = f"{prefix}{name}"
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out.update(_leaf_paths(inner, path + "."))
        elif get_origin(inner) is not tuple:
            out[path] = inner
    return out


def _is_union(ann: Any) -> bool:
    return get_origin(ann) in (Union, types.UnionType)


FACT_PATHS: dict[str, Any] = _leaf_paths(Declaration) | _leaf_paths(Procurement, "procurement.")
"""Every fact a check can name, by dotted path, with its Python type.

Paths into the declaration start at its fields (``purpose.public_benefit``); facts about
the tender start with ``procurement.`` (``procurement.duration_months``).
"""


def _base(t: Any) -> Any:
    return get_args(t)[0] if get_origin(t) is Annotated else t


_BOOL_PATHS = sorted(p for p, t in FACT_PATHS.items() if _base(t) is bool)
_DATE_PATHS = sorted(p for p, t in FACT_PATHS.items() if _base(t) is date)


def _number_type(t: Any) -> bool:
    return _base(t) in (int, Decimal, float)


_NUMBER_PATHS = sorted(p for p, t in FACT_PATHS.items() if _number_type(t))


def _check_path(value: str, allowed: list[str], what: str) -> str:
    if value in allowed:
        return value
    from reserverat.errors import did_you_mean_texts

    tip, tip_sv = did_you_mean_texts(value, allowed)
    kinds = {"numeric": "ett tal", "date": "ett datum", "yes/no": "ja eller nej"}
    what_sv = f"med {kinds[what]}" if what in kinds else "som finns"
    raise _Invalid(
        f"{value!r} is not a {what} field of a declaration" + tip,
        f"{value!r} är inget fält {what_sv} i leverantörens uppgifter" + tip_sv,
    )


# Path fields name one declaration (or tender) fact of the right type, checked once on load.
# Their schemas list the paths, so that an editor offers them as completions.
BoolPath = Annotated[
    str,
    AfterValidator(partial(_check_path, allowed=_BOOL_PATHS, what="yes/no")),
    WithJsonSchema({"type": "string", "enum": _BOOL_PATHS}),
]
DatePath = Annotated[
    str,
    AfterValidator(partial(_check_path, allowed=_DATE_PATHS, what="date")),
    WithJsonSchema({"type": "string", "enum": _DATE_PATHS}),
]
NumberPath = Annotated[
    str,
    AfterValidator(partial(_check_path, allowed=_NUMBER_PATHS, what="numeric")),
    WithJsonSchema({"type": "string", "enum": _NUMBER_PATHS}),
]
AnyPath = Annotated[
    str,
    AfterValidator(partial(_check_path, allowed=sorted(FACT_PATHS), what="known")),
    WithJsonSchema({"type": "string", "enum": sorted(FACT_PATHS)}),
]


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    # Names of fields printed positionally in the repr, in factory-argument order.
    _positional: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        parts = []
        for name in self._positional:
            parts.append(_repr_value(getattr(self, name)))
        for name, info in type(self).model_fields.items():
            if name == "kind" or name in self._positional:
                continue
            value = getattr(self, name)
            if value != info.default:
                parts.append(f"{name}={_repr_value(value)}")
        return f"{self._factory_name()}({', '.join(parts)})"

    def _factory_name(self) -> str:
        return str(getattr(self, "kind", type(self).__name__))

    __str__ = __repr__


def _repr_value(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return "(" + ", ".join(repr(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


class Param(_Base):
    """A reference to a rule-set parameter, resolved for the evaluation date."""

    param: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    _positional = ("param",)

    def _factory_name(self) -> str:
        return "param"


def param(name: str) -> Param:
    """Refer to the rule-set parameter ``name``.

    >>> param("threshold")
    param('threshold')
    """
    return Param(param=name)


class _Node(_Base):
    """Base of checks and combinators: ``&``, ``|``, ``~`` build trees, ``bool()`` refuses."""

    def __and__(self, other: Node) -> AllOf:
        return all_of(self, other)  # type: ignore[arg-type]

    def __or__(self, other: Node) -> AnyOf:
        return any_of(self, other)  # type: ignore[arg-type]

    def __invert__(self) -> Not:
        return not_(self)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        raise TypeError(
            "a rule node has no truth value; combine nodes with & (all_of), | (any_of) "
            "and ~ (not_) instead of `and`, `or` and `not`"
        )


# ---- checks -----------------------------------------------------------------------

Form = Literal["employed", "trainees", "work_training", "other"]
Recipient = Literal[
    "owners",
    "registered_ideburna",
    "unregistered_ideburna",
    "research",
    "work_integration",
    "other",
]
"""Who value went to: owners or members; idéburna organisations registered under lag
(2022:900) or not; research; other work-integration activity outside the organisation
(Skoopi); anyone else (gifts, below-market deals, excessive pay)."""

RECIPIENTS: tuple[str, ...] = get_args(Recipient)


def _recipients(value: Any) -> Any:
    # "ideburna" in rule files written before registration mattered: any idéburen recipient.
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        out: list[str] = []
        for v in value:
            out.extend(
                ("registered_ideburna", "unregistered_ideburna") if v == "ideburna" else (v,)
            )
        return tuple(dict.fromkeys(out))
    return value  # anything else is refused, located, by the tuple's own validation


Recipients = Annotated[tuple[Recipient, ...], BeforeValidator(_recipients)]


class ShareAtLeast(_Node):
    """At least ``threshold`` (inclusive) of the persons occupied belong to the target groups.

    Counts are compared as exact fractions: 3 of 10 meets 0.3, 2 999 of 10 000 does not.
    Where a declaration states fewer persons with a documented need of support than it
    counts in the target groups, ``undocumented_need`` decides: ``ask`` leaves the share
    undecided when the difference could change the verdict, ``exclude`` counts only the
    documented (as ``documented_need_only`` does).
    """

    kind: Literal["share_at_least"] = "share_at_least"
    threshold: ShareValue | Param
    basis: Literal["headcount", "fte", "unspecified"] | Param = "headcount"
    workforce: Literal["supplier", "programme"] = "supplier"
    forms: tuple[Form, ...] | Param = OCCUPATION_FORMS  # type: ignore[assignment]
    categories: tuple[str, ...] | Param | None = None
    documented_need_only: bool | Param = False
    undocumented_need: Literal["ask", "exclude"] | Param = "ask"
    declared_share: Literal["accept", "undecided"] | Param = "accept"
    _positional = ("threshold",)


class FactIsTrue(_Node):
    """The yes/no fact at ``path`` is stated and is yes."""

    kind: Literal["fact_is_true"] = "fact_is_true"
    path: BoolPath
    _positional = ("path",)


class ValueIn(_Node):
    """The value at ``path`` is stated and is one of ``values``."""

    kind: Literal["value_in"] = "value_in"
    path: AnyPath
    values: tuple[str, ...]
    _positional = ("path", "values")


class NumberAtLeast(_Node):
    """The number at ``path`` is stated and is at least ``minimum`` (inclusive)."""

    kind: Literal["number_at_least"] = "number_at_least"
    path: NumberPath
    minimum: Dec | Param
    _positional = ("path", "minimum")


Score = Annotated[int, Field(ge=0, le=100)]


class NumberAtMost(_Node):
    """The number at ``path`` is stated and is at most ``maximum`` (inclusive)."""

    kind: Literal["number_at_most"] = "number_at_most"
    path: NumberPath
    maximum: Dec | Param
    _positional = ("path", "maximum")


def _cpv8(value: str) -> str:
    digits = value.split("-", 1)[0]
    if len(digits) != 8 or not digits.isdigit():
        raise _Invalid(
            f"{value!r} is not a CPV code (8 digits, optionally -check digit)",
            f"{value!r} är ingen CPV-kod (8 siffror, ev. -kontrollsiffra)",
        )
    return digits


def _cpv_range(value: Any) -> Any:
    if isinstance(value, str) and "-" in value and len(value) > 10:
        low, _, high = value.partition("-")
        value = (low.strip(), high.strip())
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = _cpv8(str(value[0])), _cpv8(str(value[1]))
        if low > high:
            raise _Invalid(
                f"CPV range {low}-{high} runs backwards",
                f"CPV-intervallet {low}-{high} är baklänges",
            )
        return (low, high)
    raise _Invalid(
        f"{value!r} is not a CPV range ('85000000-85323000')",
        f"{value!r} är inget CPV-intervall ('85000000-85323000')",
    )


_CPV = r"\d{8}(-[^-]*)?"
CpvCode = Annotated[
    str, AfterValidator(_cpv8), WithJsonSchema({"type": "string", "pattern": f"^{_CPV}$"})
]
CpvRange = Annotated[
    tuple[str, str],
    BeforeValidator(_cpv_range),
    # A file writes a range as "85000000-85323000" or as a pair.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d{8}\s*-\s*\d{8}\s*$"},
                {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
            ]
        }
    ),
]


class CpvIn(_Node):
    """The tender's main CPV code is one of ``codes`` or lies in one of ``ranges`` (inclusive).

    Codes are compared on their 8 digits; the check digit is ignored. A code outside the
    list is ``unlisted``: not met, or undecided where the list itself is not verified.
    """

    kind: Literal["cpv_in"] = "cpv_in"
    codes: tuple[CpvCode, ...] = ()
    ranges: tuple[CpvRange, ...] = ()
    unlisted: Literal["not_met", "undecided"] | Param = "not_met"

    def contains(self, cpv: str) -> bool:
        """Whether a CPV code (check digit optional) is listed."""
        code = cpv.split("-", 1)[0]
        return code in self.codes or any(low <= code <= high for low, high in self.ranges)


class NoPriorAwardWithin(_Node):
    """No contract under this basis from the same authority for the same services within
    ``years`` calendar years before the evaluation date (both ends inclusive).

    "The same services": the first ``same_service_digits`` digits of the CPV codes agree.
    """

    kind: Literal["no_prior_award_within"] = "no_prior_award_within"
    years: Years | Param = 3
    basis: Literal["lou-19-25", "other"] = "lou-19-25"
    same_service_digits: Annotated[int, Field(ge=2, le=8)] | Param = 8


class NoPublicOwner(_Node):
    """No owner is the state, a region, a municipality or a publicly owned body.

    Owners whose kind is not declared are classified by name against the public-body
    register: a rapidfuzz score of at least ``accept`` (inclusive) decides, one of at
    least ``grey`` (inclusive) makes the check undecided and asks for the number.
    """

    kind: Literal["no_public_owner"] = "no_public_owner"
    accept: Score | Param = 90
    grey: Score | Param = 80


class PublicShareAtMost(_Node):
    """Public owners together hold at most ``maximum`` (inclusive) of the votes or capital."""

    kind: Literal["public_share_at_most"] = "public_share_at_most"
    maximum: ShareValue | Param
    of: Literal["votes", "capital"] = "votes"
    accept: Score | Param = 90
    grey: Score | Param = 80
    _positional = ("maximum",)


class NoControllingInfluence(_Node):
    """The state, a region or a municipality has no legal controlling influence.

    Control is more than ``votes_above`` of the votes (default: more than half), the right
    to appoint a board majority, or other legal control. ``aggregate`` adds the public owners' votes
    together; ``board`` says what an unstated board right means: it follows the votes
    (the companies act's default) or leaves the check undecided.
    """

    kind: Literal["no_controlling_influence"] = "no_controlling_influence"
    votes_above: ShareValue | Param = Decimal("0.5")
    aggregate: bool | Param = True
    board: Literal["follows_votes", "undecided"] | Param = "follows_votes"
    accept: Score | Param = 90
    grey: Score | Param = 80


class RegisteredIn(_Node):
    """The supplier is in the register ``register`` handed to the evaluation.

    Matched on organisationsnummer; a name scoring at least ``accept`` (inclusive) with
    no number to compare makes the check undecided and asks for the number.
    """

    kind: Literal["registered_in"] = "registered_in"
    register_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    accept: Score | Param = 90
    _positional = ("register_id",)


class ProfitsMainlyReinvested(_Node):
    """Over the last ``years`` closed years, at least ``share`` (inclusive) of profit stayed in.

    Loss years add no profit; value transferred in them still counts against. The latest
    closed year must end at most ``accounts_within_months`` before the evaluation date.
    """

    kind: Literal["profits_mainly_reinvested"] = "profits_mainly_reinvested"
    share: ShareValue | Param = Decimal("0.5")
    years: Years | Param = 3
    accounts_within_months: Annotated[int, Field(ge=1, le=120)] | Param = 18
    distributed_to: Recipients | Param = ("owners",)


class TransfersOnlyTo(_Node):
    """Over the last ``years`` closed years, value went to no recipient outside ``allowed``.

    Recipients: ``owners``, ``registered_ideburna``, ``unregistered_ideburna``,
    ``research``, ``work_integration``, ``other`` (``ideburna`` in older files means both
    idéburna kinds).
    """

    kind: Literal["transfers_only_to"] = "transfers_only_to"
    allowed: Recipients | Param
    years: Years | Param = 3
    accounts_within_months: Annotated[int, Field(ge=1, le=120)] | Param = 18
    _positional = ("allowed",)


class SalaryRatioAtMost(_Node):
    """The highest salary is at most ``ratio`` (inclusive) times the lowest."""

    kind: Literal["salary_ratio_at_most"] = "salary_ratio_at_most"
    ratio: (
        Annotated[
            Decimal,
            Field(gt=0, le=1000, decimal_places=6, allow_inf_nan=False),
            AfterValidator(canonical_decimal),
        ]
        | Param
    )
    _positional = ("ratio",)


class NotOlderThan(_Node):
    """The date at ``path`` is at most ``months`` calendar months before the evaluation date."""

    kind: Literal["not_older_than"] = "not_older_than"
    path: DatePath = "declared_on"
    months: Months | Param = 12
    _positional = ("path",)


class WholeLegalPerson(_Node):
    """The figures describe the tendering legal person as a whole (HFD 2021:48)."""

    kind: Literal["whole_legal_person"] = "whole_legal_person"
    unit_data: Literal["undecided", "not_met"] | Param = "undecided"


class Centre(_Base):
    """A centre for a radius: a municipality's seat (from the gazetteer) or stated coordinates.

    A buyer's own points are better than the gazetteer's, which can be about 1 km off.
    """

    name: str | None = None
    municipality: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    uncertainty_m: Annotated[float, Field(ge=0, le=1_000_000)] = 0.0

    def _factory_name(self) -> str:
        return "Centre"

    @model_validator(mode="after")
    def _one_way(self) -> Centre:
        stated = self.lat is not None and self.lon is not None
        if (self.lat is None) != (self.lon is None):
            raise _Invalid(
                "give both lat and lon, or a municipality",
                "ange både latitud och longitud, eller en kommun",
            )
        if stated == (self.municipality is not None):
            raise _Invalid(
                "give either a municipality or lat and lon",
                "ange antingen en kommun eller latitud och longitud",
            )
        if self.municipality is not None:
            from reserverat.geo import builtin_gazetteer

            gaz = builtin_gazetteer()
            if gaz.municipality(self.municipality) is None:
                from reserverat.errors import did_you_mean_texts

                tip, tip_sv = did_you_mean_texts(self.municipality, gaz.municipality_names())
                raise _Invalid(
                    f"unknown municipality {self.municipality!r}" + tip,
                    f"okänd kommun {self.municipality!r}" + tip_sv,
                )
        return self


Sites = Literal["any", "all"]


class WithinKm(_Node):
    """A site where the contract is performed lies within ``radius_km`` (inclusive) of a centre.

    ``sites``: ``any`` (default) or ``all`` of the sites that perform the contract. The
    centres ``of`` may be a parameter, so a buyer can put its own points in a variant.
    """

    kind: Literal["within_km"] = "within_km"
    radius_km: (
        Annotated[
            Decimal, Field(gt=0, le=2000, decimal_places=3), AfterValidator(canonical_decimal)
        ]
        | Param
    )
    of: Annotated[tuple[Centre, ...], Field(min_length=1)] | Param
    sites: Sites | Param = "any"
    _positional = ("radius_km",)


def _canonical_geometry(value: Any) -> str:
    """GeoJSON geometry as canonical JSON text, checked: polygons only, valid, lon/lat order."""
    try:
        return _geometry_text(value)
    except (KeyError, TypeError, IndexError, AttributeError, RecursionError):
        # A malformed geometry, whatever its shape: a located error, never a crash.
        raise _Invalid(
            "not a GeoJSON Polygon or MultiPolygon with coordinates",
            "ingen GeoJSON-polygon (Polygon eller MultiPolygon) med koordinater",
        ) from None


def _geometry_text(value: Any) -> str:
    import json

    from shapely.geometry import shape
    from shapely.validation import explain_validity

    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise _Invalid(
            "a zone is a GeoJSON geometry object", "en zon är ett GeoJSON-geometriobjekt"
        )
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise _Invalid(
                "a zone FeatureCollection must hold exactly one feature",
                "en zon som FeatureCollection ska ha exakt ett objekt (feature)",
            )
        value = features[0].get("geometry") or {}
    if value.get("type") not in ("Polygon", "MultiPolygon"):
        raise _Invalid(
            f"a zone must be a Polygon or MultiPolygon, not {value.get('type')!r}",
            f"en zon ska vara Polygon eller MultiPolygon, inte {value.get('type')!r}",
        )
    from shapely.errors import ShapelyError

    try:
        geometry = shape(value)
    except (ValueError, TypeError, AttributeError, IndexError, ShapelyError) as exc:
        raise _Invalid(f"not a valid polygon: {exc}", f"ingen giltig polygon: {exc}") from None
    xs, ys = zip(*_all_points(value["coordinates"]), strict=True)
    if all(55 <= x <= 70 for x in xs) and all(10 <= y <= 25 for y in ys):
        raise _Invalid(
            "the coordinates look like latitude, longitude: GeoJSON writes longitude first",
            "koordinaterna ser ut att vara latitud, longitud: GeoJSON skriver longitud först",
        )
    if not (all(10 <= x <= 25 for x in xs) and all(55 <= y <= 70 for y in ys)):
        raise _Invalid(
            "the zone lies outside Sweden (longitude 10-25, latitude 55-70)",
            "zonen ligger utanför Sverige (longitud 10–25, latitud 55–70)",
        )
    if not geometry.is_valid:
        why = explain_validity(geometry)
        raise _Invalid(f"invalid ring: {why}", f"ogiltig ring: {why}")
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _all_points(coords: Any) -> list[tuple[float, float]]:
    if coords and isinstance(coords[0], int | float):
        return [(float(coords[0]), float(coords[1]))]
    out: list[tuple[float, float]] = []
    for c in coords:
        out.extend(_all_points(c))
    return out


class InZone(_Node):
    """A site where the contract is performed lies inside the zone (a closed polygon)."""

    kind: Literal["in_zone"] = "in_zone"
    name: str = Field(min_length=1)
    geometry: Annotated[str, BeforeValidator(_canonical_geometry)]
    sites: Sites | Param = "any"
    _positional = ("name",)

    def __repr__(self) -> str:
        return f"in_zone({self.name!r}, ...)"


class InMunicipality(_Node):
    """A site where the contract is performed lies in one of these municipalities (SCB codes)."""

    kind: Literal["in_municipality"] = "in_municipality"
    codes: tuple[Annotated[str, Field(pattern=r"^\d{4}$")], ...] = Field(min_length=1)
    sites: Sites | Param = "any"
    _positional = ("codes",)


# ---- combinators -------------------------------------------------------------------


class AllOf(_Node):
    """Every child is met (Kleene conjunction)."""

    kind: Literal["all_of"] = "all_of"
    of: tuple[Node, ...] = Field(min_length=1)

    def __repr__(self) -> str:
        return f"all_of({', '.join(repr(c) for c in self.of)})"


class AnyOf(_Node):
    """At least one child is met (Kleene disjunction)."""

    kind: Literal["any_of"] = "any_of"
    of: tuple[Node, ...] = Field(min_length=1)

    def __repr__(self) -> str:
        return f"any_of({', '.join(repr(c) for c in self.of)})"


class Not(_Node):
    """The child is not met (Kleene negation; undecided stays undecided)."""

    kind: Literal["not"] = "not"
    of: Node

    def __repr__(self) -> str:
        return f"not_({self.of!r})"


class AtLeast(_Node):
    """At least ``n`` children are met."""

    kind: Literal["at_least"] = "at_least"
    n: PositiveInt
    of: tuple[Node, ...] = Field(min_length=1)

    def __repr__(self) -> str:
        return f"at_least({self.n}, {', '.join(repr(c) for c in self.of)})"


Check = (
    ShareAtLeast
    | FactIsTrue
    | ValueIn
    | NumberAtLeast
    | NoPublicOwner
    | PublicShareAtMost
    | ProfitsMainlyReinvested
    | TransfersOnlyTo
    | SalaryRatioAtMost
    | NotOlderThan
    | WholeLegalPerson
    | NoControllingInfluence
    | RegisteredIn
    | WithinKm
    | InZone
    | InMunicipality
    | NumberAtMost
    | CpvIn
    | NoPriorAwardWithin
)
Node = Annotated[Check | AllOf | AnyOf | Not | AtLeast, Field(discriminator="kind")]

# The combinators' forward reference to Node resolves when they are first built (models
# here defer building their validators to first use, which keeps start-up short).

NODE_TYPES: dict[str, type[_Node]] = {
    typing.get_args(cls.model_fields["kind"].annotation)[0]: cls
    for cls in (*get_args(Check), AllOf, AnyOf, Not, AtLeast)
}
"""Every node kind, mapped to its class: the registry the evaluator and messages follow."""

COMBINATOR_KINDS = frozenset({"all_of", "any_of", "not", "at_least"})


def leaf_checks(node: Any, params: Mapping[str, Any]) -> Iterator[Any]:
    """Each check under ``node`` that is no combinator, with its parameters resolved.

    ``param()`` fields take their values from ``params``, so that what a check reads (for
    a template, or for the sources of its facts) follows the values in force.
    """
    updates = {
        name: params[value.param]
        for name in type(node).model_fields
        if isinstance(value := getattr(node, name), Param)
    }
    resolved = node.model_copy(update=updates) if updates else node
    if resolved.kind not in COMBINATOR_KINDS:
        yield resolved
        return
    of = resolved.of
    for child in of if isinstance(of, tuple) else (of,):
        yield from leaf_checks(child, params)


# ---- factories ---------------------------------------------------------------------


def share_at_least(threshold: Decimal | str | float | Param, **options: Any) -> ShareAtLeast:
    """At least ``threshold`` (inclusive) of the occupied persons are in the target groups."""
    return ShareAtLeast(threshold=threshold, **options)


def fact_is_true(path: str) -> FactIsTrue:
    """The yes/no fact at ``path`` is stated and is yes."""
    return FactIsTrue(path=path)


def value_in(path: str, values: tuple[str, ...] | list[str]) -> ValueIn:
    """The value at ``path`` is stated and is one of ``values``."""
    return ValueIn(path=path, values=tuple(values))


def number_at_least(path: str, minimum: Decimal | int | str | Param) -> NumberAtLeast:
    """The number at ``path`` is stated and is at least ``minimum`` (inclusive)."""
    return NumberAtLeast(path=path, minimum=minimum)


def number_at_most(path: str, maximum: Decimal | int | str | Param) -> NumberAtMost:
    """The number at ``path`` is stated and is at most ``maximum`` (inclusive)."""
    return NumberAtMost(path=path, maximum=maximum)


def cpv_in(codes: Sequence[str] = (), ranges: Sequence[Any] = (), **options: Any) -> CpvIn:
    """The tender's main CPV code is in ``codes`` or ``ranges`` (``"85000000-85323000"``)."""
    return CpvIn(codes=tuple(codes), ranges=tuple(ranges), **options)


def no_prior_award_within(**options: Any) -> NoPriorAwardWithin:
    """No award from the same authority for the same services within ``years`` (inclusive)."""
    return NoPriorAwardWithin(**options)


def no_public_owner(**options: Any) -> NoPublicOwner:
    """No owner belongs to the public sector."""
    return NoPublicOwner(**options)


def public_share_at_most(
    maximum: Decimal | str | float | Param,
    of: Literal["votes", "capital"] = "votes",
    **options: Any,
) -> PublicShareAtMost:
    """Public owners together hold at most ``maximum`` (inclusive)."""
    return PublicShareAtMost(maximum=maximum, of=of, **options)


def no_controlling_influence(**options: Any) -> NoControllingInfluence:
    """No legal controlling influence by the state, a region or a municipality."""
    return NoControllingInfluence(**options)


def within_km(
    radius_km: Decimal | int | str | Param,
    of: Sequence[Centre | dict[str, Any] | str] | Param,
    **options: Any,
) -> WithinKm:
    """A site lies within ``radius_km`` (inclusive) of a centre; a str names a municipality."""
    if isinstance(of, Param):
        return WithinKm(radius_km=radius_km, of=of, **options)
    centres = [Centre(municipality=c) if isinstance(c, str) else c for c in of]
    return WithinKm(radius_km=radius_km, of=centres, **options)


def in_zone(name: str, geometry: dict[str, Any] | str, **options: Any) -> InZone:
    """A site lies inside the GeoJSON polygon ``geometry`` (longitude, latitude)."""
    return InZone(name=name, geometry=geometry, **options)


def in_municipality(codes: Sequence[str], **options: Any) -> InMunicipality:
    """A site lies in one of the municipalities with these SCB codes."""
    return InMunicipality(codes=tuple(codes), **options)


def registered_in(register: str, **options: Any) -> RegisteredIn:
    """The supplier is in the register handed to the evaluation under ``register``."""
    return RegisteredIn(register_id=register, **options)


def profits_mainly_reinvested(**options: Any) -> ProfitsMainlyReinvested:
    """At least ``share`` (default 0.5, inclusive) of the window's profit was not distributed."""
    return ProfitsMainlyReinvested(**options)


def transfers_only_to(
    allowed: tuple[str, ...] | list[str] | Param, **options: Any
) -> TransfersOnlyTo:
    """Value was transferred only to the ``allowed`` recipients."""
    return TransfersOnlyTo(
        allowed=allowed if isinstance(allowed, Param) else tuple(allowed), **options
    )


def salary_ratio_at_most(ratio: Decimal | str | float | Param) -> SalaryRatioAtMost:
    """The highest salary is at most ``ratio`` (inclusive) times the lowest."""
    return SalaryRatioAtMost(ratio=ratio)


def not_older_than(path: str = "declared_on", *, months: int | Param = 12) -> NotOlderThan:
    """The date at ``path`` is at most ``months`` months before the evaluation date."""
    return NotOlderThan(path=path, months=months)


def whole_legal_person(**options: Any) -> WholeLegalPerson:
    """The figures describe the whole tendering legal person (HFD 2021:48)."""
    return WholeLegalPerson(**options)


def all_of(*nodes: Node) -> AllOf:
    """Every node is met; nested ``all_of`` children are flattened into one."""
    return AllOf(of=_flatten(AllOf, nodes))


def any_of(*nodes: Node) -> AnyOf:
    """At least one node is met; nested ``any_of`` children are flattened into one."""
    return AnyOf(of=_flatten(AnyOf, nodes))


def not_(node: Node) -> Not:
    """The node is not met; undecided stays undecided."""
    return Not(of=node)


def at_least(n: int, *nodes: Node) -> AtLeast:
    """At least ``n`` of the nodes are met."""
    return AtLeast(n=n, of=tuple(nodes))


def _flatten(cls: type[AllOf] | type[AnyOf], nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, cls):
            out.extend(node.of)
        else:
            out.append(node)
    return tuple(out)
