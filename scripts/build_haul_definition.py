"""Extract DESNZ's flight-haul definition (country -> Domestic / Short Haul / Long Haul).

Reads the "Haul definition" sheet of the DESNZ 2024 condensed workbook and writes
``sem_carbon/travel/data/desnz_haul_definition.csv`` plus a ``.json`` sidecar recording
the source file, its sha256 and the licence. Used by ``haul="desnz"`` in
:func:`sem_carbon.flight`: a flight with one end in the UK is domestic, short-haul or
long-haul by the country of the other end; a flight with no UK end is "international".

Usage: ``python scripts/build_haul_definition.py [--source DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path

import openpyxl
import pycountry

REPO = Path(__file__).resolve().parents[1]
WORKBOOK = "ghg-conversion-factors-2024_condensed_set__for_most_users_.xlsx"
SHEET = "Haul definition"
HAULS = {"Domestic": "domestic", "Short Haul": "short_haul", "Long Haul": "long_haul"}
# ISO3 codes in the sheet that ISO 3166-1 does not list (user-assigned codes)
EXTRA_ALPHA3 = {"XKX": "XK"}


def alpha2(alpha3: str) -> str:
    """ISO alpha-2 for an alpha-3 code, failing loudly when unknown."""
    if alpha3 in EXTRA_ALPHA3:
        return EXTRA_ALPHA3[alpha3]
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        raise SystemExit(f"{SHEET}: unknown ISO3 code {alpha3!r}")
    return country.alpha_2


def read_rows(path: Path) -> list[dict[str, object]]:
    """Rows of the haul table, validated against its header."""
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True)[SHEET]
    rows: list[dict[str, object]] = []
    header_seen = False
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [c for c in cells if c is not None]
        if values == ["Territory", "ISO3_Country_Code", "Haul"]:
            header_seen = True
            continue
        if not header_seen or len(values) != 3:
            continue
        territory, iso3, haul = (str(v).strip() for v in values)
        if haul not in HAULS:
            raise SystemExit(f"{SHEET} row {number}: unexpected haul {haul!r}")
        rows.append({"country": alpha2(iso3), "iso3": iso3, "territory": territory,
                     "haul": HAULS[haul], "source_row": number})
    if not header_seen or len(rows) < 200:
        raise SystemExit(f"{SHEET}: header not found or too few rows ({len(rows)})")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "data" / "desnz")
    parser.add_argument("--out", type=Path, default=REPO / "sem_carbon" / "travel" / "data")
    args = parser.parse_args()
    source = args.source / WORKBOOK
    rows = read_rows(source)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "desnz_haul_definition.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (str(r["country"]), int(r["source_row"]))))
    sidecar = {
        "title": "DESNZ haul definition (UK flights by destination country)",
        "publisher": "UK Department for Energy Security and Net Zero (DESNZ)",
        "source": {
            "title": "Greenhouse gas reporting: conversion factors 2024, condensed set, "
                     f"sheet '{SHEET}'",
            "path": "https://www.gov.uk/government/publications/"
                    "greenhouse-gas-reporting-conversion-factors-2024",
            "file": WORKBOOK,
            "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        },
        "license": "Open Government Licence v3.0",
        "attribution": "Contains public sector information licensed under the "
                       "Open Government Licence v3.0.",
        "created_by": "scripts/build_haul_definition.py",
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "rows": len(rows),
    }
    (args.out / "desnz_haul_definition.json").write_text(
        json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} territories to {target}")


if __name__ == "__main__":
    main()
