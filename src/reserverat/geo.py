"""Where a site is, how sure we are, and whether it lies within a radius or a zone.

Positions come from a resolution chain (:func:`locate`): declared coordinates, then the
postal code, then the locality (with its municipality), then an optional geocoder.
Every position carries its source and an uncertainty in metres:

- declared coordinates: the site's own ``uncertainty_m``, else 25 m (a point picked on
  a map or geocoded from a street address);
- a municipality's seat from the gazetteer: 1,000 m (GeoNames rounds to about 1 km);
- a populated place: 2,000 m (the point is the place's centre; sites lie around it);
- a postal code or postal town: 5,000 m (every code of a postal town shares one point:
  a few km off in suburbs, more in the countryside; see the data's ATTRIBUTION.md).

A distance decides only when it decides with the uncertainty: inside when
``distance + uncertainty <= radius``, outside when ``distance - uncertainty > radius``,
undecided in between. Distances are geodesic on WGS84 (geopy) and compared at 1 mm, so
a site exactly 9.000 km away is within 9 km.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from reserverat.declaration import Site
from reserverat.registry import normalise_name

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when sites are first screened in columns

__all__ = [
    "DECLARED_UNCERTAINTY_M",
    "Gazetteer",
    "Geocoder",
    "Municipality",
    "NominatimGeocoder",
    "Position",
    "builtin_gazetteer",
    "decide_distance",
    "locate",
    "screen_within",
]

DECLARED_UNCERTAINTY_M = 25.0
SEAT_UNCERTAINTY_M = 1_000.0
PLACE_UNCERTAINTY_M = 2_000.0
POSTAL_UNCERTAINTY_M = 5_000.0
# A municipality's extent is estimated from the places the gazetteer holds in it; its border
# lies beyond the outermost of them, so the estimate is widened by a quarter and 5 km.
MUNICIPALITY_EXTENT_FACTOR = 1.25
MUNICIPALITY_EXTENT_MARGIN_M = 5_000.0


@dataclass(frozen=True, slots=True)
class Position:
    """A point (WGS84 degrees), how it was found, and how far off it may be (metres)."""

    lat: float
    lon: float
    uncertainty_m: float
    source: str
    detail: str


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality: SCB code, names, county and its seat (centralort)."""

    code: str
    name: str
    official_name: str
    county_code: str
    seat: str
    seat_lat: float
    seat_lon: float

    def seat_position(self) -> Position:
        """The seat as a position, with the gazetteer's uncertainty."""
        return Position(
            self.seat_lat,
            self.seat_lon,
            SEAT_UNCERTAINTY_M,
            "gazetteer_seat",
            f"{self.seat} ({self.name})",
        )


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    kind: str
    municipality_code: str
    lat: float
    lon: float


class Gazetteer:
    """Swedish places offline: municipalities, localities and postal codes (package data)."""

    def __init__(
        self,
        municipalities: Iterable[Municipality],
        places: Iterable[_Place],
        postcodes: Iterable[tuple[str, str, str]],
    ) -> None:
        self._municipalities = {m.code: m for m in municipalities}
        self._by_name: dict[str, Municipality] = {}
        for m in self._municipalities.values():
            for form in (m.name, m.official_name, f"{m.name} kommun"):
                self._by_name[normalise_name(form)] = m
        self._places: dict[str, list[_Place]] = {}
        for p in places:
            self._places.setdefault(normalise_name(p.name), []).append(p)
        self._postcodes = {code: (town, muni) for code, town, muni in postcodes}
        self._extents: dict[str, Position] = {}

    def municipality(self, ref: str) -> Municipality | None:
        """A municipality by SCB code (``0127``) or name (``Botkyrka``, ``Botkyrka kommun``)."""
        ref = ref.strip()
        if ref.isdigit():
            return self._municipalities.get(ref.zfill(4))
        return self._by_name.get(normalise_name(ref))

    def municipality_extent(self, ref: str) -> Position | None:
        """The whole municipality as a position: its seat, and how far from it the border
        may lie (the farthest place the gazetteer holds there, widened by
        ``MUNICIPALITY_EXTENT_FACTOR`` and ``MUNICIPALITY_EXTENT_MARGIN_M``)."""
        muni = self.municipality(ref)
        if muni is None:
            return None
        hit = self._extents.get(muni.code)
        if hit is None:
            far = max(
                (
                    geodesic_m(muni.seat_lat, muni.seat_lon, p.lat, p.lon)
                    for places in self._places.values()
                    for p in places
                    if p.municipality_code == muni.code
                ),
                default=0.0,
            )
            reach = far * MUNICIPALITY_EXTENT_FACTOR + MUNICIPALITY_EXTENT_MARGIN_M
            hit = self._extents[muni.code] = Position(
                muni.seat_lat, muni.seat_lon, round(reach), "municipality", muni.name
            )
        return hit

    def municipality_names(self) -> list[str]:
        """Every municipality's short name, for suggestions."""
        return sorted(m.name for m in self._municipalities.values())

    def postal_code(self, code: str) -> tuple[Position, str] | None:
        """The postal town's point for a postal code, and the code's municipality."""
        digits = code.replace(" ", "")
        hit = self._postcodes.get(digits)
        if hit is None:
            return None
        town, muni = hit
        place = self._place_in(town, muni)
        if place is None:
            return None
        pretty = f"{digits[:3]} {digits[3:]}"
        return (
            Position(
                place.lat,
                place.lon,
                POSTAL_UNCERTAINTY_M,
                "postal_code",
                f"{pretty} {town} ({self._municipalities[muni].name})",
            ),
            muni,
        )

    def postal_municipality(self, code: str) -> str | None:
        """The municipality code of a postal code, if known."""
        hit = self._postcodes.get(code.replace(" ", ""))
        return hit[1] if hit else None

    def _place_in(self, name: str, muni: str) -> _Place | None:
        for p in self._places.get(normalise_name(name), ()):
            if p.municipality_code == muni:
                return p
        return None

    def localities(self, name: str, municipality: str | None = None) -> list[tuple[Position, str]]:
        """Every place with this name (in the municipality, when given), with its municipality."""
        muni = self.municipality(municipality) if municipality else None
        out = []
        for p in self._places.get(normalise_name(name), ()):
            if muni is not None and p.municipality_code != muni.code:
                continue
            unc = PLACE_UNCERTAINTY_M if p.kind == "populated_place" else POSTAL_UNCERTAINTY_M
            m = self._municipalities[p.municipality_code]
            out.append(
                (
                    Position(p.lat, p.lon, unc, "locality", f"{p.name} ({m.name})"),
                    p.municipality_code,
                )
            )
        return out


def _rows(name: str) -> list[dict[str, str]]:
    raw = (resources.files("reserverat") / "data" / name).read_bytes()
    return list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))


@cache
def builtin_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (GeoNames, CC BY 4.0, and SCB; see ATTRIBUTION.md)."""
    municipalities = [
        Municipality(
            r["code"],
            r["name"],
            r["official_name"],
            r["county_code"],
            r["centre_name"],
            float(r["centre_lat"]),
            float(r["centre_lon"]),
        )
        for r in _rows("se_municipalities.csv.gz")
    ]
    places = [
        _Place(r["name"], r["kind"], r["municipality_code"], float(r["lat"]), float(r["lon"]))
        for r in _rows("se_localities.csv.gz")
    ]
    postcodes = [
        (r["postal_code"], r["postal_town"], r["municipality_code"])
        for r in _rows("se_postcodes.csv.gz")
    ]
    return Gazetteer(municipalities, places, postcodes)


class Geocoder(Protocol):
    """Anything that turns an address into (lat, lon, uncertainty in metres), or None."""

    def geocode(self, query: str) -> tuple[float, float, float] | None:
        """Look up ``query``; None when nothing is found."""
        ...


class NominatimGeocoder:
    """Online geocoding through geopy's Nominatim, rate-limited, with a local cache file.

    Used only when the caller asks for it; nothing else in reserverat goes online.
    """

    def __init__(
        self,
        user_agent: str,
        cache_file: str | Path | None = None,
        min_delay_seconds: float = 1.0,
        uncertainty_m: float = 100.0,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self._geocode = RateLimiter(
            Nominatim(user_agent=user_agent).geocode, min_delay_seconds=min_delay_seconds
        )
        self._cache_file = Path(cache_file) if cache_file else None
        self._uncertainty = uncertainty_m
        self._cache: dict[str, list[float] | None] = {}
        if self._cache_file and self._cache_file.exists():
            self._cache = json.loads(self._cache_file.read_text(encoding="utf-8"))

    def geocode(self, query: str) -> tuple[float, float, float] | None:
        """Look ``query`` up (cached), limited to Sweden."""
        if query not in self._cache:
            found = self._geocode(query, country_codes="se")
            self._cache[query] = None if found is None else [found.latitude, found.longitude]
            if self._cache_file:
                self._cache_file.write_text(
                    json.dumps(self._cache, ensure_ascii=False, indent=1), encoding="utf-8"
                )
        hit = self._cache[query]
        return None if hit is None else (hit[0], hit[1], self._uncertainty)


@dataclass(frozen=True, slots=True)
class Unplaced:
    """Why a site could not be placed: a stable code and what was looked up.

    ``reason`` is one of ``nothing`` (no coordinates, postal code, locality or
    municipality), ``postal_code`` (unknown code), ``locality`` (unknown place),
    ``ambiguous`` (a name shared by several places; ``detail`` lists them) or
    ``geocoder`` (the geocoder found nothing).
    """

    reason: str
    detail: str


def locate(
    site: Site, gazetteer: Gazetteer, geocoder: Geocoder | None = None
) -> Position | Unplaced:
    """Where a site is: coordinates, postal code, locality, a geocoder, else its municipality.

    The whole municipality is wide, but decides where it lies wholly inside or outside.
    """
    if site.lat is not None and site.lon is not None:
        unc = site.uncertainty_m if site.uncertainty_m is not None else DECLARED_UNCERTAINTY_M
        return Position(site.lat, site.lon, unc, "declared", "declared coordinates")
    failed: list[Unplaced] = []
    if site.postal_code:
        found = gazetteer.postal_code(site.postal_code)
        if found is not None:
            return found[0]
        failed.append(Unplaced("postal_code", site.postal_code))
    if site.locality:
        matches = gazetteer.localities(site.locality, site.municipality)
        if len(matches) == 1:
            return matches[0][0]
        if len(matches) > 1:
            where = ", ".join(sorted(p.detail for p, _ in matches))
            failed.append(Unplaced("ambiguous", f"{site.locality}: {where}"))
        else:
            failed.append(Unplaced("locality", site.locality))
    if geocoder is not None:
        query = ", ".join(
            x
            for x in (site.address, site.postal_code, site.locality, site.municipality, "Sverige")
            if x
        )
        hit = geocoder.geocode(query)
        if hit is not None:
            return Position(hit[0], hit[1], hit[2], "geocoder", query)
        failed.append(Unplaced("geocoder", query))
    if site.municipality:
        whole = gazetteer.municipality_extent(site.municipality)
        if whole is not None:
            return whole
    return failed[0] if failed else Unplaced("nothing", "")


def decide_distance(distance_m: float, uncertainty_m: float, radius_m: float) -> int:
    """1 inside, -1 outside, 0 undecided; compared at 1 mm so exactly the radius is inside."""
    near = round((distance_m + uncertainty_m) * 1000)
    far = round((distance_m - uncertainty_m) * 1000)
    limit = round(radius_m * 1000)
    if near <= limit:
        return 1
    if far > limit:
        return -1
    return 0


@lru_cache(maxsize=100_000)
def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The WGS84 geodesic distance in metres (geopy)."""
    # Imported here: importing geopy loads all its geocoders, a cost no start-up should pay.
    from geopy.distance import geodesic

    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)


_EARTH_M = 6_371_008.8
# Haversine on a sphere differs from the WGS84 geodesic by under 0.56 %; with this margin
# a haversine decision can never disagree with the geodesic one.
_RELATIVE_MARGIN = 0.006
_ABSOLUTE_MARGIN_M = 1.0


def screen_within(
    lats: Sequence[float] | np.ndarray[Any, Any],
    lons: Sequence[float] | np.ndarray[Any, Any],
    uncertainties_m: Sequence[float] | np.ndarray[Any, Any],
    centres: Sequence[tuple[float, float, float]],
    radius_m: float,
) -> np.ndarray[Any, Any]:
    """Decide many sites at once: 1 within some centre, -1 outside all, 0 undecided.

    Gives exactly the decisions of :func:`decide_distance` on geodesic distances: a
    vectorised haversine brackets each geodesic distance by a safe margin, which settles
    every pair whose ``d + u`` and ``d - u`` both lie clear of the radius; only the others
    are measured geodesically.
    """
    lat_deg = np.asarray(lats, dtype=float)
    lon_deg = np.asarray(lons, dtype=float)
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    unc = np.asarray(uncertainties_m, dtype=float)
    best = np.full(lat.shape, -1, dtype=np.int8)
    for clat_deg, clon_deg, cunc in centres:
        clat, clon = math.radians(clat_deg), math.radians(clon_deg)
        a = (
            np.sin((lat - clat) / 2) ** 2
            + np.cos(lat) * math.cos(clat) * np.sin((lon - clon) / 2) ** 2
        )
        hav = 2 * _EARTH_M * np.arcsin(np.sqrt(a))
        margin = hav * _RELATIVE_MARGIN + _ABSOLUTE_MARGIN_M
        u = unc + cunc
        low, high = hav - margin, hav + margin  # the geodesic distance lies in [low, high]
        r = radius_m
        inside = high + u <= r - 0.001
        outside = low - u > r + 0.001
        # d + u surely over the radius and d - u surely under it: undecided, no matter where.
        straddles = (low + u > r + 0.001) & (high - u <= r - 0.001)
        decision = np.zeros(lat.shape, dtype=np.int8)
        decision[inside] = 1
        decision[outside] = -1
        for i in np.flatnonzero(~(inside | outside | straddles)):
            d = geodesic_m(float(lat_deg[i]), float(lon_deg[i]), clat_deg, clon_deg)
            decision[i] = decide_distance(d, float(u[i]), radius_m)
        best = np.maximum(best, decision)
    return best
