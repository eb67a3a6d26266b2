"""Geography: the gazetteer, positions with uncertainty, radius, zone and municipality checks."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.geo import decide_distance, geodesic_m
from strategies import one_criterion

CENTRE = (59.19858, 17.83317)  # Tumba
STATED = rr.Centre(name="Tumba", lat=CENTRE[0], lon=CENTRE[1])
WHEN = date(2024, 1, 1)


def _rules(check: Any) -> rr.RuleSet:
    return one_criterion(check, "geo")


def _finding(check: Any, sites: list[dict[str, Any]] | None, **context: Any) -> rr.Finding:
    decl = rr.Declaration(supplier="X", sites=sites)
    ctx = rr.EvaluationContext(**context)
    return rr.evaluate(decl, _rules(check), as_of=WHEN, context=ctx).findings[0]


def _at(km: float, bearing: float = 37.0) -> dict[str, Any]:
    p = geodesic(kilometers=km).destination(CENTRE, bearing)
    return {"name": f"{km} km", "lat": p.latitude, "lon": p.longitude, "uncertainty_m": 0}


@pytest.mark.parametrize(("km", "verdict"), [(9.0, "met"), (8.999, "met"), (9.001, "not_met")])
@pytest.mark.parametrize("bearing", [0.0, 37.0, 90.0, 200.0, 315.0])
def test_exact_radius_boundary(km: float, verdict: str, bearing: float) -> None:
    f = _finding(rr.within_km(9, [STATED]), [_at(km, bearing)])
    assert f.verdict.value == verdict


def test_uncertainty_straddling_the_boundary_is_undecided() -> None:
    site = {**_at(8.95), "uncertainty_m": 100}
    f = _finding(rr.within_km(9, [STATED]), [site])
    assert (f.verdict, f.explanation.reason.code) == (rr.Verdict.UNDECIDED, "geo.uncertain")
    assert f.explanation.reason.args["uncertainty"] == 100
    assert f.evidence == ("site_location",)
    assert (
        _finding(rr.within_km(9, [STATED]), [{**_at(8.85), "uncertainty_m": 100}]).verdict
        is rr.Verdict.MET
    )
    assert (
        _finding(rr.within_km(9, [STATED]), [{**_at(9.15), "uncertainty_m": 100}]).verdict
        is rr.Verdict.NOT_MET
    )


def test_explanation_names_centre_distance_uncertainty_and_source() -> None:
    f = _finding(
        rr.within_km(9, ["Botkyrka"]), [{"name": "Caféet", "lat": 59.2436, "lon": 17.8256}]
    )
    text = rr.render_text(
        rr.evaluate(
            rr.Declaration(
                supplier="X", sites=[{"name": "Caféet", "lat": 59.2436, "lon": 17.8256}]
            ),
            _rules(rr.within_km(9, ["Botkyrka"])),
            as_of=WHEN,
        ),
        "en",
    )
    assert f.verdict is rr.Verdict.MET
    assert (
        "Caféet is 5.034 km from Tumba (Botkyrka) (municipal seat from the gazetteer (GeoNames), may be ~1 km off); "
        "within 9 km even allowing for ±1,025 m (position: declared coordinates)."
    ) in text


def test_duplicate_locality_names_need_the_municipality() -> None:
    f = _finding(rr.within_km(9, ["Botkyrka"]), [{"name": "Butiken", "locality": "Alby"}])
    assert (f.verdict, f.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "geo.unplaced.ambiguous",
    )
    assert "Alby (Botkyrka), Alby (Ånge)" in f.explanation.reason.args["detail"]
    placed = _finding(
        rr.within_km(9, ["Botkyrka"]),
        [{"name": "Butiken", "locality": "Alby", "municipality": "Botkyrka"}],
    )
    assert placed.verdict is rr.Verdict.MET


def test_unknown_postal_code_and_no_sites() -> None:
    f = _finding(rr.within_km(9, ["Botkyrka"]), [{"name": "Lagret", "postal_code": "999 99"}])
    assert f.verdict is rr.Verdict.UNDECIDED
    assert f.explanation.reason.code == "geo.unplaced.postal_code"
    assert f.explanation.reason.args["detail"] == "999 99"
    none = _finding(rr.within_km(9, ["Botkyrka"]), None)
    assert (none.verdict, none.explanation.reason.code) == (rr.Verdict.UNDECIDED, "geo.no_sites")


def test_postal_code_positions_carry_five_km() -> None:
    gaz = rr.builtin_gazetteer()
    pos = rr.locate(rr.Declaration(supplier="X", sites=[{"postal_code": "14563"}]).sites[0], gaz)  # type: ignore[index]
    assert isinstance(pos, rr.Position)
    assert (pos.source, pos.uncertainty_m, pos.detail) == (
        "postal_code",
        5000.0,
        "145 63 Norsborg (Botkyrka)",
    )


def test_several_sites_any_and_all() -> None:
    sites = [_at(3), _at(30), {"name": "Okänd", "locality": "Alby"}]
    assert _finding(rr.within_km(9, [STATED]), sites).verdict is rr.Verdict.MET
    assert _finding(rr.within_km(9, [STATED], sites="all"), sites).verdict is rr.Verdict.NOT_MET
    assert (
        _finding(rr.within_km(9, [STATED], sites="all"), [_at(3), sites[2]]).verdict
        is rr.Verdict.UNDECIDED
    )
    # Sites marked as not performing the contract do not count.
    far_office = {**_at(30), "performs_contract": False}
    assert (
        _finding(rr.within_km(9, [STATED], sites="all"), [_at(3), far_office]).verdict
        is rr.Verdict.MET
    )


def test_fake_geocoder_through_the_interface() -> None:
    class Fake:
        def __init__(self) -> None:
            self.queries: list[str] = []

        def geocode(self, query: str) -> tuple[float, float, float] | None:
            self.queries.append(query)
            return (59.2436, 17.8256, 50.0)

    fake = Fake()
    site = {"name": "Okänd adress", "address": "Storgatan 1", "locality": "Ingenstans"}
    f = _finding(rr.within_km(9, ["Botkyrka"]), [site], geocoder=fake)
    assert f.verdict is rr.Verdict.MET
    assert fake.queries == ["Storgatan 1, Ingenstans, Sverige"]
    offline = _finding(rr.within_km(9, ["Botkyrka"]), [site])
    assert offline.verdict is rr.Verdict.UNDECIDED


def test_nominatim_answers_from_its_cache_without_going_online(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text(json.dumps({"Storgatan 1, Sverige": [59.0, 18.0]}), encoding="utf-8")
    geocoder = rr.NominatimGeocoder("reserverat-tests", cache, uncertainty_m=75)
    assert geocoder.geocode("Storgatan 1, Sverige") == (59.0, 18.0, 75)


def test_in_municipality() -> None:
    check = rr.in_municipality(["0127", "0126"])
    assert _finding(check, [{"postal_code": "145 63"}]).verdict is rr.Verdict.MET
    assert _finding(check, [{"municipality": "Södertälje"}]).verdict is rr.Verdict.NOT_MET
    unknown = _finding(check, [{"lat": 59.2, "lon": 17.8}])
    assert (unknown.verdict, unknown.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "municipality.unknown",
    )


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[17.80, 59.18], [17.90, 59.18], [17.90, 59.24], [17.80, 59.24], [17.80, 59.18]]
    ],
}


def test_in_zone_three_ways() -> None:
    zone = rr.in_zone("Testzonen", SQUARE)
    assert (
        _finding(zone, [{"lat": 59.21, "lon": 17.85, "uncertainty_m": 10}]).verdict
        is rr.Verdict.MET
    )
    assert (
        _finding(zone, [{"lat": 59.30, "lon": 17.85, "uncertainty_m": 10}]).verdict
        is rr.Verdict.NOT_MET
    )
    near_edge = _finding(zone, [{"lat": 59.2398, "lon": 17.85, "uncertainty_m": 500}])
    assert (near_edge.verdict, near_edge.explanation.reason.code) == (
        rr.Verdict.UNDECIDED,
        "zone.uncertain",
    )


def _zone_rules(tmp_path: Path, geometry: Any) -> list[tuple[str, str, str]]:
    (tmp_path / "zon.geojson").write_text(json.dumps(geometry), encoding="utf-8")
    (tmp_path / "z.toml").write_text(
        'id = "z"\nversion = "1"\ntitle = { sv = "Z", en = "Z" }\nlegal_basis = [{ instrument = "X" }]\n'
        '[[criteria]]\nid = "in-zone"\ntitle = { sv = "z", en = "z" }\ncitation = { instrument = "X" }\n'
        'check = { kind = "in_zone", file = "zon.geojson" }\n',
        encoding="utf-8",
    )
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset(tmp_path / "z.toml")
    return [(p.code, p.loc, p.msg) for p in info.value.problems]


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        (
            {"type": "Point", "coordinates": [17.8, 59.2]},
            "must be a Polygon or MultiPolygon, not 'Point'",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[17.8, 59.2], [17.9, 59.3], [17.9, 59.2], [17.8, 59.3], [17.8, 59.2]]
                ],
            },
            "invalid ring: Self-intersection",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[59.18, 17.80], [59.18, 17.90], [59.24, 17.90], [59.18, 17.80]]],
            },
            "look like latitude, longitude",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]],
            },
            "outside Sweden",
        ),
    ],
)
def test_geojson_errors_are_located(tmp_path: Path, geometry: Any, words: str) -> None:
    ((code, loc, msg),) = _zone_rules(tmp_path, geometry)
    assert (code, loc) == ("invalid", "criteria[0].check.geometry")
    assert words in msg


def test_zone_file_missing(tmp_path: Path) -> None:
    (tmp_path / "z.toml").write_text(
        'id = "z"\nversion = "1"\ntitle = { sv = "Z", en = "Z" }\nlegal_basis = [{ instrument = "X" }]\n'
        '[[criteria]]\nid = "in-zone"\ntitle = { sv = "z", en = "z" }\ncitation = { instrument = "X" }\n'
        'check = { kind = "in_zone", file = "saknas.geojson" }\n',
        encoding="utf-8",
    )
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset(tmp_path / "z.toml")
    assert [(p.code, p.loc, p.rule) for p in info.value.problems] == [
        ("not_found", "criteria[0].check.file", "in-zone")
    ]


def test_zone_file_loads_and_decides(tmp_path: Path) -> None:
    (tmp_path / "zon.geojson").write_text(
        json.dumps({"type": "Feature", "properties": {}, "geometry": SQUARE}), encoding="utf-8"
    )
    (tmp_path / "z.toml").write_text(
        'id = "z"\nversion = "1"\ntitle = { sv = "Z", en = "Z" }\nlegal_basis = [{ instrument = "X" }]\n'
        '[[criteria]]\nid = "in-zone"\ntitle = { sv = "z", en = "z" }\ncitation = { instrument = "X" }\n'
        'check = { kind = "in_zone", file = "zon.geojson" }\n',
        encoding="utf-8",
    )
    rules = rr.load_ruleset(tmp_path / "z.toml")
    assert rules.criteria[0].check == rr.in_zone("zon", SQUARE)
    decl = rr.Declaration(supplier="X", sites=[{"lat": 59.21, "lon": 17.85}])
    assert rr.evaluate(decl, rules, as_of=WHEN).outcome is rr.Outcome.QUALIFIED


def test_unknown_centre_municipality_is_a_rule_error() -> None:
    with pytest.raises(ValueError, match="did you mean 'Huddinge'"):
        rr.within_km(9, ["Hudinge"])


@settings(max_examples=60)
@given(st.floats(0, 20), st.floats(0, 20), st.floats(0, 360), st.floats(0, 3000))
def test_moving_a_site_closer_never_hurts(a: float, b: float, bearing: float, unc: float) -> None:
    near, far = sorted((a, b))
    rank = {rr.Verdict.NOT_MET: 0, rr.Verdict.UNDECIDED: 1, rr.Verdict.MET: 2}
    v_far = _finding(
        rr.within_km(9, [STATED]), [{**_at(far, bearing), "uncertainty_m": unc}]
    ).verdict
    v_near = _finding(
        rr.within_km(9, [STATED]), [{**_at(near, bearing), "uncertainty_m": unc}]
    ).verdict
    assert rank[v_near] >= rank[v_far]


CENTRES = [(59.23705, 17.98192, 1000.0), (59.19858, 17.83317, 1000.0), (59.2, 17.73333, 1000.0)]


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.floats(59.0, 59.45),
            st.floats(17.4, 18.3),
            st.sampled_from([0.0, 25.0, 2000.0, 5000.0]),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from([9000.0, 9000.5, 15000.0]),
)
def test_bulk_screening_equals_the_per_site_path(
    points: list[tuple[float, float, float]], radius: float
) -> None:
    lats, lons, uncs = zip(*points, strict=True)
    bulk = rr.screen_within(lats, lons, uncs, CENTRES, radius)
    for (lat, lon, unc), got in zip(points, bulk, strict=True):
        expected = max(
            decide_distance(geodesic_m(lat, lon, c[0], c[1]), unc + c[2], radius) for c in CENTRES
        )
        assert got == expected


def test_bulk_screening_at_the_exact_boundary() -> None:
    pts = [geodesic(kilometers=km).destination(CENTRE, 123.0) for km in (8.999, 9.0, 9.001)]
    got = rr.screen_within(
        [p.latitude for p in pts],
        [p.longitude for p in pts],
        [0, 0, 0],
        [(CENTRE[0], CENTRE[1], 0.0)],
        9000.0,
    )
    assert list(got) == [1, 1, -1]
    assert isinstance(got, np.ndarray)
