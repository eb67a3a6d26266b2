"""Place: sites within a radius of a centre, inside a zone, or in a municipality.

Sites are placed offline from the gazetteer (coordinates given, a postal code, a
locality, a municipality's extent), or by a geocoder where the context has one. Every
position carries its uncertainty, and a site is decided only when the whole circle of
uncertainty falls on one side. The checks are :class:`~reserverat.engine.Eager`:
placing sites is the work, and the explanation is what each site was found to be.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from reserverat.checks import Centre, InMunicipality, InZone, WithinKm, _Node
from reserverat.columnar import CODES, Array, Columns
from reserverat.declaration import Declaration, Procurement, Site
from reserverat.engine import Eager, EvaluationContext, check, compile_plan
from reserverat.geo import (
    Gazetteer,
    Position,
    Unplaced,
    decide_distance,
    geodesic_m,
    locate,
    screen_within,
)
from reserverat.logic import Verdict, all_verdicts, any_verdicts
from reserverat.result import Explanation, Fact, Message
from reserverat.ruleset import RuleSet

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when a columnar path first runs

__all__ = [
    "InMunicipalityCheck",
    "InZoneCheck",
    "MapLayer",
    "MapPoint",
    "WithinKmCheck",
    "candidate_sites",
    "geography",
]

MET, NOT_MET, UNDECIDED = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED
N = TypeVar("N", bound=_Node)


def candidate_sites(decl: Declaration) -> list[tuple[int, Site]]:
    """The sites where the contract is performed: those marked so, else all not marked not."""
    sites = list(enumerate(decl.sites or ()))
    marked = [(i, s) for i, s in sites if s.performs_contract is True]
    return marked or [(i, s) for i, s in sites if s.performs_contract is not False]


def _site_label(i: int, site: Site) -> str:
    return site.name or site.address or site.locality or f"sites[{i}]"


def _position_fact(i: int, pos: Position | Unplaced) -> Fact:
    # Coordinates only: how the position was found is said, in words, by the message.
    if isinstance(pos, Unplaced):
        return Fact(f"sites[{i}]", None)
    return Fact(f"sites[{i}]", f"{pos.lat:.5f}, {pos.lon:.5f} (±{pos.uncertainty_m:.0f} m)")


def _unplaced_message(label: str, pos: Unplaced) -> Message:
    return Message(f"geo.unplaced.{pos.reason}", {"site": label, "detail": pos.detail})


def _placed_sites(
    candidates: list[tuple[int, Site]],
    context: EvaluationContext,
    facts: list[Fact],
    per_site: list[tuple[Verdict, Message]],
) -> Iterator[tuple[str, Position]]:
    """Each candidate site's label and position; an unplaced site is reported undecided."""
    gaz = context.places()
    for i, site in candidates:
        label = _site_label(i, site)
        pos = locate(site, gaz, context.geocoder)
        facts.append(_position_fact(i, pos))
        if isinstance(pos, Unplaced):
            per_site.append((UNDECIDED, _unplaced_message(label, pos)))
            continue
        yield label, pos


def _combine_sites(mode: str, verdicts: list[Verdict]) -> Verdict:
    return any_verdicts(verdicts) if mode == "any" else all_verdicts(verdicts)


def _decisive(verdict: Verdict, per_site: list[tuple[Verdict, Message]]) -> int:
    """Which site's message explains the combined verdict: the first site with that verdict."""
    for k, (v, _) in enumerate(per_site):
        if v is verdict:
            return k
    return 0


def _no_sites(kind: str, params: tuple[Fact, ...]) -> Explanation:
    return Explanation(
        kind,
        UNDECIDED,
        Message("geo.no_sites", {}),
        (Fact("sites", None),),
        params,
        ("site_location",),
    )


def _sites_result(
    kind: str,
    mode: str,
    per_site: list[tuple[Verdict, Message]],
    facts: tuple[Fact, ...],
    params: tuple[Fact, ...],
    gap: Message | None,
) -> Explanation:
    verdict = _combine_sites(mode, [v for v, _ in per_site])
    k = _decisive(verdict, per_site)
    reason = per_site[k][1]
    notes = tuple(m for j, (_, m) in enumerate(per_site) if j != k)
    evidence: tuple[str, ...] = ()
    if verdict is UNDECIDED:
        centre = reason.code == "geo.uncertain_centre"
        evidence = ("buyer_centre",) if centre else ("site_location",)
    return Explanation(
        kind, verdict, reason, facts, params, evidence, gap if verdict is NOT_MET else None, notes
    )


class _SitesCheck(Eager[N]):
    """A check of where the contract is performed: it reads the sites."""

    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        fields = ("name", "address", "postal_code", "locality", "municipality", "lat", "lon")
        return (*(f"sites[].{f}" for f in fields), "sites[].performs_contract")


def _km(metres: float) -> Decimal:
    return Decimal(round(metres)) / 1000


@check
class WithinKmCheck(_SitesCheck[WithinKm]):
    """The sites are within the radius of a centre, allowing for uncertainty."""

    kind = "within_km"
    __slots__ = ()

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        kind = self.kind
        node = self.node
        candidates = candidate_sites(decl)
        if not candidates:
            return _no_sites(kind, self.params)
        gaz = self.plan.context.places()
        centres = [_centre_position(c, gaz) for c in self.value(node.of)]
        radius_m = float(self.value(node.radius_km)) * 1000
        per_site: list[tuple[Verdict, Message]] = []
        facts = [
            Fact(
                f"centre[{j}]",
                f"{p.detail}: {p.lat:.5f}, {p.lon:.5f} (±{p.uncertainty_m:.0f} m)",
            )
            for j, p in enumerate(centres)
        ]
        shortfall: tuple[float, str, float] | None = None
        for label, pos in _placed_sites(candidates, self.plan.context, facts, per_site):
            best: tuple[int, float, float, Position] | None = None
            for centre in centres:
                d = geodesic_m(pos.lat, pos.lon, centre.lat, centre.lon)
                u = pos.uncertainty_m + centre.uncertainty_m
                decision = decide_distance(d, u, radius_m)
                if best is None or (decision, -d) > (best[0], -best[1]):
                    best = (decision, d, u, centre)
            assert best is not None
            decision, d, u, centre = best
            code = {1: "geo.within", -1: "geo.outside", 0: "geo.uncertain"}[decision]
            if decision == 0 and centre.uncertainty_m > pos.uncertainty_m:
                # What is missing is the buyer's own point for the centre, not the site's.
                code = "geo.uncertain_centre"
            verdict = {1: MET, -1: NOT_MET, 0: UNDECIDED}[decision]
            per_site.append(
                (
                    verdict,
                    Message(
                        code,
                        {
                            "site": label,
                            "distance": _km(d),
                            "radius": Decimal(self.value(node.radius_km)),
                            "centre": centre.detail,
                            "centre_source": centre.source,
                            "uncertainty": round(u),
                            "source": pos.source,
                            "place": pos.detail,
                        },
                    ),
                )
            )
            if decision == -1:
                # Within means distance + uncertainty <= radius: that is how much closer to pass.
                closer = d + u - radius_m
                if shortfall is None or closer < shortfall[0]:
                    shortfall = (closer, centre.detail, u)
        gap = None
        if shortfall is not None:
            closer, nearest, unc = shortfall
            args = {"distance": _km(closer), "centre": nearest, "uncertainty": round(unc)}
            gap = Message("gap.km", args)
        return _sites_result(kind, self.value(node.sites), per_site, tuple(facts), self.params, gap)

    def columns(self, cols: Columns) -> Array:
        """Every placed site of every row screened at once, combined per row (any or all)."""
        node = self.node
        gaz = self.plan.context.places()
        centres = [_centre_position(c, gaz) for c in self.value(node.of)]
        every = self.value(node.sites) == "all"
        lats, lons, uncs, owner = [], [], [], []
        # Per row: sites placed, and whether any site could not be placed.
        unplaced = np.zeros(cols.n, dtype=bool)
        no_sites = np.zeros(cols.n, dtype=bool)
        for i in range(cols.n):
            sites = candidate_sites(cols.declaration(i))
            if not sites:
                no_sites[i] = True
            for _, site in sites:
                pos = locate(site, gaz, self.plan.context.geocoder)
                if isinstance(pos, Unplaced):
                    unplaced[i] = True
                    continue
                lats.append(pos.lat)
                lons.append(pos.lon)
                uncs.append(pos.uncertainty_m)
                owner.append(i)
        # Per row, over its placed sites: the best and the worst decision (1, 0, -1).
        best = np.full(cols.n, -2, dtype=np.int8)
        worst = np.full(cols.n, 2, dtype=np.int8)
        if owner:
            decided = screen_within(
                lats,
                lons,
                uncs,
                [(c.lat, c.lon, c.uncertainty_m) for c in centres],
                float(self.value(node.radius_km)) * 1000,
            ).astype(np.int8)
            rows = np.array(owner)
            np.maximum.at(best, rows, decided)
            np.minimum.at(worst, rows, decided)
        met, not_met, undecided = CODES[MET], CODES[NOT_MET], CODES[UNDECIDED]
        out = np.full(cols.n, undecided, dtype=np.int8)
        if every:
            # All sites: not met if any is outside; met only if every site is placed and within.
            out[(worst == 1) & ~unplaced] = met
            out[worst == -1] = not_met
        else:
            # Any site: met if one is within; not met only if every site is placed and outside.
            out[(best == -1) & ~unplaced] = not_met
            out[best == 1] = met
        out[no_sites] = undecided
        return out


def _centre_position(centre: Centre, gaz: Gazetteer) -> Position:
    if centre.municipality is not None:
        muni = gaz.municipality(centre.municipality)
        assert muni is not None  # checked when the rule set was built
        pos = muni.seat_position()
        return (
            pos
            if centre.name is None
            else Position(pos.lat, pos.lon, pos.uncertainty_m, pos.source, centre.name)
        )
    # A centre without a municipality has coordinates (checked when the rule set was built).
    assert centre.lat is not None and centre.lon is not None
    return Position(
        centre.lat,
        centre.lon,
        centre.uncertainty_m,
        "stated_by_buyer",
        centre.name or f"{centre.lat}, {centre.lon}",
    )


@lru_cache(maxsize=64)
def _zone_shape(geometry: str) -> Any:
    from shapely.geometry import shape

    return shape(json.loads(geometry))


def _boundary_distance_m(zone: Any, lat: float, lon: float) -> tuple[bool, float]:
    """Whether the point is inside the (closed) zone, and its distance to the boundary.

    Measured in a local plane around the point (an equirectangular projection), which is
    accurate to well under a metre per kilometre at Swedish latitudes and zone sizes.
    """
    from shapely.affinity import affine_transform
    from shapely.geometry import Point

    kx = 111_320.0 * math.cos(math.radians(lat))
    ky = 110_574.0
    local = affine_transform(zone, [kx, 0, 0, ky, -kx * lon, -ky * lat])
    origin = Point(0, 0)
    return bool(local.covers(origin)), float(local.boundary.distance(origin))


@check
class InZoneCheck(_SitesCheck[InZone]):
    """The sites are inside the zone, allowing for uncertainty."""

    kind = "in_zone"
    __slots__ = ()

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        kind = self.kind
        node = self.node
        candidates = candidate_sites(decl)
        if not candidates:
            return _no_sites(kind, self.params)
        zone = _zone_shape(node.geometry)
        per_site: list[tuple[Verdict, Message]] = []
        facts: list[Fact] = []
        shortfall: float | None = None
        for label, pos in _placed_sites(candidates, self.plan.context, facts, per_site):
            inside, d = _boundary_distance_m(zone, pos.lat, pos.lon)
            u = pos.uncertainty_m
            if inside and round(d * 1000) >= round(u * 1000):
                verdict, code = MET, "zone.inside"
            elif not inside and round(d * 1000) > round(u * 1000):
                verdict, code = NOT_MET, "zone.outside"
                # Inside for certain means boundary distance >= uncertainty: move d + u inwards.
                shortfall = d + u if shortfall is None else min(shortfall, d + u)
            else:
                verdict, code = UNDECIDED, "zone.uncertain"
            per_site.append(
                (
                    verdict,
                    Message(
                        code,
                        {
                            "site": label,
                            "zone": node.name,
                            "boundary": _km(d),
                            "uncertainty": round(u),
                            "source": pos.source,
                        },
                    ),
                )
            )
        gap = None
        if shortfall is not None:
            gap = Message("gap.zone", {"distance": _km(shortfall), "zone": node.name})
        return _sites_result(kind, self.value(node.sites), per_site, tuple(facts), self.params, gap)


def _site_municipality(site: Site, gaz: Gazetteer) -> tuple[str | None, str]:
    if site.municipality:
        muni = gaz.municipality(site.municipality)
        if muni is not None:
            return muni.code, "declared"
    if site.postal_code:
        code = gaz.postal_municipality(site.postal_code)
        if code is not None:
            return code, "postal_code"
    if site.locality:
        matches = gaz.localities(site.locality)
        codes = {m for _, m in matches}
        if len(codes) == 1:
            return codes.pop(), "locality"
    return None, "unknown"


def _municipality_label(gaz: Gazetteer, code: str) -> str:
    muni = gaz.municipality(code)
    return f"{muni.name} ({code})" if muni is not None else code


@check
class InMunicipalityCheck(_SitesCheck[InMunicipality]):
    """The sites are in one of the municipalities."""

    kind = "in_municipality"
    __slots__ = ()

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        kind = self.kind
        node = self.node
        candidates = candidate_sites(decl)
        if not candidates:
            return _no_sites(kind, self.params)
        gaz = self.plan.context.places()
        wanted = ", ".join(_municipality_label(gaz, c) for c in node.codes)
        per_site: list[tuple[Verdict, Message]] = []
        facts = []
        for i, site in candidates:
            label = _site_label(i, site)
            code, how = _site_municipality(site, gaz)
            facts.append(Fact(f"sites[{i}].municipality", code))
            if code is None:
                per_site.append((UNDECIDED, Message("municipality.unknown", {"site": label})))
                continue
            args = {
                "site": label,
                "municipality": _municipality_label(gaz, code),
                "how": how,
                "wanted": wanted,
            }
            verdict = MET if code in node.codes else NOT_MET
            per_site.append(
                (verdict, Message(f"municipality.{'in' if verdict is MET else 'not_in'}", args))
            )
        return _sites_result(
            kind, self.value(node.sites), per_site, tuple(facts), self.params, None
        )


# ---- the shapes behind the geographic criteria (for maps) -------------------------------


@dataclass(frozen=True)
class MapPoint:
    """A labelled point (WGS84 degrees) and how far off it may be, in metres."""

    label: str
    lat: float
    lon: float
    uncertainty_m: float


@dataclass(frozen=True)
class MapLayer:
    """One geographic check of a criterion: its centres and radius, or its zone, and the sites.

    ``zone`` is a shapely geometry in lon/lat order; ``unplaced`` names the sites that
    could not be placed.
    """

    criterion: str
    kind: str
    sites: tuple[MapPoint, ...]
    unplaced: tuple[str, ...] = ()
    centres: tuple[MapPoint, ...] = ()
    radius_km: float | None = None
    zone_name: str | None = None
    zone: Any = None


def _geo_nodes(node: _Node) -> Iterator[WithinKm | InZone]:
    if isinstance(node, WithinKm | InZone):
        yield node
        return
    of = getattr(node, "of", None)
    if isinstance(of, tuple) and of and not isinstance(of[0], Centre):
        for child in of:
            yield from _geo_nodes(child)
    elif of is not None and not isinstance(of, tuple):
        yield from _geo_nodes(of)


def geography(
    declaration: Declaration,
    ruleset: RuleSet,
    *,
    as_of: date,
    context: EvaluationContext | None = None,
    procurement: Procurement | None = None,
) -> tuple[MapLayer, ...]:
    """The centres, radii, zones and sites that the rule set's geographic checks use.

    Positions are found exactly as :func:`reserverat.evaluate` finds them, so a map drawn
    from these layers shows what the verdict was based on.
    """
    plan = compile_plan(ruleset, as_of, context, procurement)
    gaz = plan.context.places()
    layers: list[MapLayer] = []
    for crit in ruleset.criteria:
        for node in _geo_nodes(crit.check):
            compiled = plan.compile(node)
            sites: list[MapPoint] = []
            unplaced: list[str] = []
            for i, site in candidate_sites(declaration):
                label = _site_label(i, site)
                pos = locate(site, gaz, plan.context.geocoder)
                if isinstance(pos, Unplaced):
                    unplaced.append(label)
                else:
                    sites.append(MapPoint(label, pos.lat, pos.lon, pos.uncertainty_m))
            shape: dict[str, Any]
            if isinstance(compiled, WithinKmCheck):
                centres = (_centre_position(c, gaz) for c in compiled.value(compiled.node.of))
                shape = {
                    "centres": tuple(
                        MapPoint(p.detail, p.lat, p.lon, p.uncertainty_m) for p in centres
                    ),
                    "radius_km": float(compiled.value(compiled.node.radius_km)),
                }
            else:
                assert isinstance(node, InZone)
                shape = {"zone_name": node.name, "zone": _zone_shape(node.geometry)}
            layers.append(MapLayer(crit.id, node.kind, tuple(sites), tuple(unplaced), **shape))
    return tuple(layers)
