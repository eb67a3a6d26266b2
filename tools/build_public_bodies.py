"""Build src/reserverat/data/public_bodies.csv from the SCB municipality and county lists.

Run from the repository root: python tools/build_public_bodies.py [SHARED_DATA_DIR]
(default ../shared/data). The output is committed; nothing reads the shared folder at run
time. Regions and state bodies come from the curated tables below: extend them here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).parent.parent / "src" / "reserverat" / "data" / "public_bodies.csv"

# The 21 regions by county code, with the older landsting names people still write.
REGIONS = {
    "01": (
        "Region Stockholm",
        ["Stockholms läns landsting", "Landstinget i Stockholms län", "SLL"],
    ),
    "03": ("Region Uppsala", ["Landstinget i Uppsala län"]),
    "04": ("Region Sörmland", ["Landstinget Sörmland"]),
    "05": ("Region Östergötland", ["Landstinget i Östergötland"]),
    "06": ("Region Jönköpings län", ["Landstinget i Jönköpings län"]),
    "07": ("Region Kronoberg", ["Landstinget Kronoberg"]),
    "08": ("Region Kalmar län", ["Landstinget i Kalmar län"]),
    "09": ("Region Gotland", []),
    "10": ("Region Blekinge", ["Landstinget Blekinge"]),
    "12": ("Region Skåne", []),
    "13": ("Region Halland", []),
    "14": ("Västra Götalandsregionen", ["Region Västra Götaland"]),
    "17": ("Region Värmland", ["Landstinget i Värmland"]),
    "18": ("Region Örebro län", ["Örebro läns landsting"]),
    "19": ("Region Västmanland", ["Landstinget Västmanland"]),
    "20": ("Region Dalarna", ["Landstinget Dalarna"]),
    "21": ("Region Gävleborg", ["Landstinget Gävleborg"]),
    "22": ("Region Västernorrland", ["Landstinget Västernorrland"]),
    "23": ("Region Jämtland Härjedalen", ["Jämtlands läns landsting"]),
    "24": ("Region Västerbotten", ["Västerbottens läns landsting"]),
    "25": ("Region Norrbotten", ["Norrbottens läns landsting"]),
}

# The state, a curated list of state agencies, and companies the state owns (wholly or
# mostly). Kind "state" for the state and its agencies, "public_company" for companies.
STATE = [
    (
        "Staten",
        "state",
        ["Svenska staten", "Konungariket Sverige", "Regeringen", "Regeringskansliet"],
    ),
    ("Arbetsförmedlingen", "state", ["Af", "Statens arbetsförmedling"]),
    ("Försäkringskassan", "state", []),
    ("Skatteverket", "state", []),
    ("Kammarkollegiet", "state", []),
    ("Upphandlingsmyndigheten", "state", []),
    ("Tillväxtverket", "state", []),
    ("Migrationsverket", "state", []),
    ("Kriminalvården", "state", []),
    ("Statens institutionsstyrelse", "state", ["SiS"]),
    ("Socialstyrelsen", "state", []),
    ("Trafikverket", "state", []),
    ("Polismyndigheten", "state", ["Polisen"]),
    ("Försvarsmakten", "state", []),
    ("Myndigheten för delaktighet", "state", []),
    ("Statens fastighetsverk", "state", []),
    ("Skolverket", "state", []),
    ("Folkhälsomyndigheten", "state", []),
    ("Boverket", "state", []),
    ("Länsstyrelsen", "state", []),
    ("Samhall AB", "public_company", ["Samhall"]),
    ("Vattenfall AB", "public_company", ["Vattenfall"]),
    ("Akademiska Hus AB", "public_company", ["Akademiska Hus"]),
    ("Specialfastigheter Sverige AB", "public_company", ["Specialfastigheter"]),
    ("Jernhusen AB", "public_company", ["Jernhusen"]),
    ("Systembolaget AB", "public_company", ["Systembolaget"]),
    ("Apoteket AB", "public_company", ["Apoteket"]),
    ("SJ AB", "public_company", ["SJ"]),
    ("Swedavia AB", "public_company", ["Swedavia"]),
    ("Sveaskog AB", "public_company", ["Sveaskog"]),
    ("Luossavaara-Kiirunavaara AB", "public_company", ["LKAB"]),
    ("PostNord AB", "public_company", ["PostNord"]),
    ("Svenska kraftnät", "state", []),
    ("Almi Företagspartner AB", "public_company", ["Almi"]),
    ("Statens bostadsomvandling AB", "public_company", ["Sbo"]),
    # An association of every municipality and region; we treat it as public (see README).
    (
        "Sveriges Kommuner och Regioner",
        "public_association",
        ["SKR", "Sveriges Kommuner och Landsting", "SKL"],
    ),
    ("Adda Inköpscentral AB", "public_company", ["Adda", "SKL Kommentus Inköpscentral AB"]),
]

# Municipalities that call themselves "stad" in their own name.
STAD = {
    "Stockholm",
    "Göteborg",
    "Malmö",
    "Helsingborg",
    "Västerås",
    "Solna",
    "Sundbyberg",
    "Lidingö",
    "Vaxholm",
    "Borås",
    "Trollhättan",
    "Landskrona",
    "Mölndal",
    "Haparanda",
    "Uppsala",
    "Norrköping",
    "Linköping",
}


def genitive(name: str) -> str:
    """Swedish genitive: add s unless the name ends in s, x or z."""
    return name if name[-1] in "sxz" else name + "s"


def main() -> None:
    """Write the register."""
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")
    rows: list[tuple[str, str, str, str]] = []  # name form, kind, code, canonical name
    with (shared / "se_municipalities.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            canonical = r["official_name"]
            forms = {
                canonical,
                f"{r['name']} kommun",
                f"{genitive(r['name'])} kommun",
                f"Kommunen {r['name']}",
            }
            if r["name"] in STAD:
                forms |= {f"{genitive(r['name'])} stad", f"{r['name']} stad"}
            for form in sorted(forms):
                rows.append((form, "municipality", r["code"], canonical))
    with (shared / "se_counties.csv").open(encoding="utf-8") as f:
        counties = {r["county_code"]: r for r in csv.DictReader(f)}
    for code, (name, older) in REGIONS.items():
        assert code in counties, code
        county = counties[code]["county_name"]
        forms = {
            name,
            f"{county}s landsting" if not county.endswith("s") else f"{county} landsting",
            *older,
        }
        for form in sorted(forms):
            rows.append((form, "region", code, name))
    for name, kind, aliases in STATE:
        for form in sorted({name, *aliases}):
            rows.append((form, kind, "", name))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "kind", "code", "canonical"])
        w.writerows(sorted(set(rows)))
    print(f"wrote {len(set(rows))} name forms to {OUT}")


if __name__ == "__main__":
    main()
