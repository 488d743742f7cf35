#!/usr/bin/env python3
"""Build the ``ember-grid`` factor edition from the Ember snapshots republished by CO2.js.

Reads (read-only) the files in ``../shared/data/grid/`` (or ``--source DIR``):

* ``co2-intensities-ember-2020.csv`` and ``co2-intensities-ember-2021.csv``: one data year each;
* ``average-intensities.json``: the latest data year per country (2022, 2023 or 2024);
* ``SHA256SUMS``: checksums of the three files, verified before anything is read.

Writes ``emission_factors/ember-grid/`` (or ``--out DIR``): ``electricity.csv`` (category
``electricity``, keys ``country``/``year``/``component``) and ``datapackage.json``.

Every number is copied from the source text as published (the CSV cell or the JSON number
token), never re-formatted or rounded. The output is deterministic: running the script twice
gives byte-identical files. Any unexpected layout (columns, years, codes, values) raises.

Usage::

    python scripts/build_ember_grid.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the repository (../shared/data/grid)
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "grid"
DEFAULT_OUT = ROOT / "emission_factors" / "ember-grid"
CREATED_BY = "scripts/build_ember_grid.py"

CSV_SNAPSHOTS = {
    "co2-intensities-ember-2020.csv": 2020,
    "co2-intensities-ember-2021.csv": 2021,
}
JSON_SNAPSHOT = "average-intensities.json"
CSV_COLUMNS = [
    "country_code",
    "country_or_region",
    "year",
    "latest_year",
    "emissions_intensity_gco2_per_kwh",
]
JSON_FIELDS = {"country_code", "country_or_region", "year", "emissions_intensity_gco2_per_kwh"}
# Later snapshots win when two files hold the same (country, year): the JSON is the newest export.
SNAPSHOT_PRIORITY = {
    "co2-intensities-ember-2020.csv": 0,
    "co2-intensities-ember-2021.csv": 1,
    JSON_SNAPSHOT: 2,
}
# ISO 3166-1 has no code for Kosovo; Ember uses the user-assigned XKX, mapped to the widely used
# user-assigned alpha-2 XK (European Commission, IMF, airportsdata).
USER_ASSIGNED = {"XKX": ("XK", "Kosovo")}

OUT_COLUMNS = [
    "category",
    "country",
    "year",
    "component",
    "value",
    "unit",
    "co2",
    "ch4",
    "n2o",
    "label",
    "source_table",
    "source_row",
    "notes",
]
UNIT = "gCO2e / kWh"
RESOURCE = "electricity.csv"

SOURCE_URLS = {
    "co2-intensities-ember-2020.csv": (
        "https://github.com/thegreenwebfoundation/co2.js/blob/main/data/"
        "co2-intensities-ember-2020.csv"
    ),
    "co2-intensities-ember-2021.csv": (
        "https://github.com/thegreenwebfoundation/co2.js/blob/main/data/"
        "co2-intensities-ember-2021.csv"
    ),
    JSON_SNAPSHOT: (
        "https://github.com/thegreenwebfoundation/co2.js/blob/main/data/output/"
        "average-intensities.json"
    ),
}


class LayoutError(RuntimeError):
    """The source files do not have the layout this script was written for."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_checksums(source: Path) -> dict[str, str]:
    """Check SHA256SUMS against the files and return ``{file: sha256}``."""
    sums_file = source / "SHA256SUMS"
    if not sums_file.is_file():
        raise LayoutError(f"{sums_file} is missing")
    expected: dict[str, str] = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-f]{64})\s+\*?(\S+)", line.strip())
        if not m:
            raise LayoutError(f"unexpected line in SHA256SUMS: {line!r}")
        expected[m.group(2)] = m.group(1)
    needed = [*CSV_SNAPSHOTS, JSON_SNAPSHOT]
    for name in needed:
        if name not in expected:
            raise LayoutError(f"SHA256SUMS does not list {name}")
        actual = sha256_bytes((source / name).read_bytes())
        if actual != expected[name]:
            raise LayoutError(f"checksum mismatch for {name}: {actual} != {expected[name]}")
    return {name: expected[name] for name in needed}


def check_number(text: str, where: str) -> str:
    """Validate a published number (text) and return it unchanged."""
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise LayoutError(f"{where}: not a plain decimal number: {text!r}")
    value = float(text)
    if not math.isfinite(value) or value < 0 or value > 2000:
        raise LayoutError(f"{where}: implausible intensity {text} gCO2/kWh")
    return text


def country_from_code(code: str, name: str, where: str) -> tuple[str, str]:
    """Map an ISO alpha-3 code (or, when empty, a country name) to alpha-2.

    Returns ``(alpha2, "")`` for a country, ``("", reason)`` for an aggregate/unmappable row.
    """
    if code:
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise LayoutError(f"{where}: unexpected country code {code!r}")
        if code in USER_ASSIGNED:
            return USER_ASSIGNED[code][0], ""
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise LayoutError(f"{where}: {code!r} is not an ISO 3166-1 alpha-3 code")
        return country.alpha_2, ""
    # No code: an aggregate (World, EU, Africa ...) unless the name is exactly a country name.
    for field in ("name", "official_name", "common_name"):
        country = pycountry.countries.get(**{field: name})
        if country is not None:
            return country.alpha_2, ""
    return "", "aggregate"


def read_csv_snapshot(source: Path, name: str, year: int) -> list[dict]:
    text = (source / name).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    if header != CSV_COLUMNS:
        raise LayoutError(f"{name}: columns {header} != {CSV_COLUMNS}")
    rows = []
    for line_no, cells in enumerate(reader, start=2):  # spreadsheet numbering: header is row 1
        if len(cells) != len(CSV_COLUMNS):
            raise LayoutError(f"{name} row {line_no}: {len(cells)} cells")
        rec = dict(zip(CSV_COLUMNS, cells, strict=True))
        if rec["year"] != str(year):
            raise LayoutError(f"{name} row {line_no}: year {rec['year']} (expected {year})")
        if not re.fullmatch(r"\d{4}", rec["latest_year"]):
            raise LayoutError(f"{name} row {line_no}: latest_year {rec['latest_year']!r}")
        rows.append(
            {
                "file": name,
                "row": line_no,
                "code": rec["country_code"],
                "name": rec["country_or_region"],
                "year": year,
                "value": rec["emissions_intensity_gco2_per_kwh"],
                "latest_year": rec["latest_year"],
            }
        )
    if len(rows) < 100:
        raise LayoutError(f"{name}: only {len(rows)} rows")
    return rows


def read_json_snapshot(source: Path) -> list[dict]:
    text = (source / JSON_SNAPSHOT).read_text(encoding="utf-8")
    # Keep every number as its published text.
    data = json.loads(text, parse_float=str, parse_int=str)
    if not isinstance(data, dict) or len(data) < 100:
        raise LayoutError(f"{JSON_SNAPSHOT}: expected an object with one entry per country")
    lines = text.splitlines()
    key_line = {}
    for i, line in enumerate(lines, start=1):
        m = re.match(r'^  "([^"]+)": \{$', line)
        if m:
            key_line[m.group(1)] = i
    rows = []
    for key, rec in data.items():
        if not isinstance(rec, dict) or set(rec) != JSON_FIELDS:
            raise LayoutError(f"{JSON_SNAPSHOT}[{key!r}]: fields {sorted(rec)}")
        code = rec["country_code"]
        if code and key != code:
            raise LayoutError(f"{JSON_SNAPSHOT}[{key!r}]: key differs from code {code!r}")
        if not code and key != rec["country_or_region"]:
            raise LayoutError(f"{JSON_SNAPSHOT}[{key!r}]: key differs from name")
        year = rec["year"]
        if not (isinstance(year, str) and re.fullmatch(r"20\d\d", year)):
            raise LayoutError(f"{JSON_SNAPSHOT}[{key!r}]: year {year!r}")
        value = rec["emissions_intensity_gco2_per_kwh"]
        if not isinstance(value, str):
            raise LayoutError(f"{JSON_SNAPSHOT}[{key!r}]: value {value!r} is not a number")
        if key not in key_line:
            raise LayoutError(f"{JSON_SNAPSHOT}: cannot find the line of entry {key!r}")
        rows.append(
            {
                "file": JSON_SNAPSHOT,
                "row": key_line[key],
                "code": code,
                "name": rec["country_or_region"],
                "year": int(year),
                "value": value,
                "latest_year": "",
            }
        )
    return rows


def build_rows(raw: list[dict]) -> tuple[list[dict], dict]:
    """Turn raw source rows into output rows; return them with bookkeeping for the notes."""
    skipped_aggregates: dict[str, set[int]] = {}
    skipped_empty: list[str] = []
    chosen: dict[tuple[str, int], dict] = {}
    duplicates: list[str] = []
    world: dict[int, str] = {}
    for rec in raw:
        where = f"{rec['file']} row {rec['row']}"
        alpha2, reason = country_from_code(rec["code"], rec["name"], where)
        if reason == "aggregate":
            skipped_aggregates.setdefault(rec["name"], set()).add(rec["year"])
            if rec["name"] == "World":
                world[rec["year"]] = rec["value"]
            continue
        if rec["value"] == "":
            skipped_empty.append(f"{rec['name']} ({rec['code']}) {rec['year']} in {rec['file']}")
            continue
        check_number(rec["value"], where)
        out = {
            "category": "electricity",
            "country": alpha2,
            "year": str(rec["year"]),
            "component": "generation",
            "value": rec["value"],
            "unit": UNIT,
            "co2": "",
            "ch4": "",
            "n2o": "",
            "label": rec["name"],
            "source_table": rec["file"],
            "source_row": str(rec["row"]),
            "notes": row_note(rec, alpha2),
            "_priority": SNAPSHOT_PRIORITY[rec["file"]],
        }
        key = (alpha2, rec["year"])
        if key in chosen:
            old = chosen[key]
            keep, drop = (out, old) if out["_priority"] > old["_priority"] else (old, out)
            duplicates.append(
                f"{alpha2} {rec['year']}: kept {keep['value']} from {keep['source_table']} "
                f"row {keep['source_row']}, dropped {drop['value']} from "
                f"{drop['source_table']} row {drop['source_row']}"
            )
            chosen[key] = keep
        else:
            chosen[key] = out
    rows = sorted(chosen.values(), key=lambda r: (r["country"], int(r["year"])))
    for r in rows:
        del r["_priority"]
    info = {
        "aggregates": {k: sorted(v) for k, v in sorted(skipped_aggregates.items())},
        "empty": skipped_empty,
        "duplicates": duplicates,
        "world": dict(sorted(world.items())),
    }
    return rows, info


def row_note(rec: dict, alpha2: str) -> str:
    notes = []
    if rec["file"] in CSV_SNAPSHOTS:
        notes.append(
            "pre-2024 Ember methodology (earlier CO2.js export); "
            f"snapshot latest_year={rec['latest_year']}; see datapackage basis"
        )
    else:
        notes.append("latest Ember data year for this country in the CO2.js snapshot")
    if rec["code"] in USER_ASSIGNED:
        notes.append(f"{rec['code']} mapped to the user-assigned code {alpha2} (not ISO 3166-1)")
    return "; ".join(notes)


def write_csv(path: Path, rows: list[dict]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=OUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(data)
    return data


def datapackage(rows: list[dict], info: dict, sums: dict[str, str], csv_sha: str) -> dict:
    years = sorted({int(r["year"]) for r in rows})
    by_year = {y: sum(1 for r in rows if int(r["year"]) == y) for y in years}
    aggregates = "; ".join(
        f"{name} ({', '.join(str(y) for y in ys)})" for name, ys in info["aggregates"].items()
    )
    notes = [
        "No 2019 figures: none of the snapshots holds data year 2019. Callers needing 2019 use the "
        "nearest year present for the country and must record that substitution.",
        f"Rows per data year: {', '.join(f'{y}: {n}' for y, n in by_year.items())}. "
        "average-intensities.json holds only the latest year per country (2022, 2023 or 2024), "
        "so 2022-2024 coverage is one row per country.",
        "Methodology break: the 2022-2024 figures (average-intensities.json) follow Ember's "
        "current lifecycle CO2e method; the 2020 and 2021 figures come from CO2.js exports "
        "(2022-2023) made with Ember's earlier method and are not directly comparable with "
        "the later years "
        "(World, from the skipped aggregate rows: "
        + ", ".join(f"{y}: {v}" for y, v in info["world"].items())
        + " gCO2/kWh as labelled in the files).",
        "Skipped aggregate rows (no ISO country; kept out of the edition): " + aggregates + ".",
        "Skipped rows with an empty intensity: " + ("; ".join(info["empty"]) or "none") + ".",
        "Duplicate (country, year) across snapshots: "
        + ("; ".join(info["duplicates"]) or "none found")
        + " (rule: the newer snapshot wins, JSON over 2021 over 2020).",
        "Country codes: ISO alpha-3 codes in the files mapped to alpha-2 with pycountry; Kosovo "
        "(XKX) is mapped to the user-assigned code XK, which is not part of ISO 3166-1.",
        "source_row: for the CSV files the 1-based row in the file (header = row 1); for "
        "average-intensities.json the 1-based line of the country's entry.",
        "The files label the column gCO2/kWh. The unit here is gCO2e / kWh because Ember's "
        "current method reports lifecycle CO2-equivalent (all gases, 100-year GWP); see basis.",
        "Licence: CO2.js states CC BY-SA 4.0 for the Ember data it republishes; that licence is "
        "applied here. Third-party listings (e.g. Climatiq) give CC BY 4.0 for Ember's yearly "
        "data; the stricter CO2.js terms are kept.",
    ]
    return {
        "id": "ember-grid",
        "title": "Ember country average carbon intensity of electricity generation (via CO2.js)",
        "publisher": "Ember (via Green Web Foundation CO2.js)",
        "year": years[-1],
        "kind": "grid-intensity",
        "version": "CO2.js data snapshot of 2026-06-29 (average-intensities.json); "
        "co2-intensities-ember-2020/2021.csv exported by CO2.js in 2022-2023",
        "basis": (
            "Average carbon intensity of electricity generation in each country (production "
            "based: domestic generation, imports excluded, no transmission and distribution "
            "losses), gCO2e per kWh generated. For 2022-2024 (average-intensities.json) Ember "
            "states full lifecycle emissions (upstream methane, supply chain, manufacturing), "
            "all gases, converted to CO2 equivalent over 100 years (Ember Global Electricity "
            "Review 2024, supporting material). The 2020 and 2021 files predate that "
            "methodology update; their basis could not be verified from an Ember document and "
            "CO2.js labels them gCO2/kWh. Treat them as Ember's published intensity for that "
            "year, with a methodology break against 2022+."
        ),
        "licenses": [
            {
                "name": "CC-BY-SA-4.0",
                "title": "Creative Commons Attribution-ShareAlike 4.0 International",
                "path": "https://creativecommons.org/licenses/by-sa/4.0/",
            }
        ],
        "attribution": (
            "Electricity carbon intensity: Ember, Yearly Electricity Data "
            "(https://ember-energy.org/data/yearly-electricity-data/), as republished by the "
            "Green Web Foundation in CO2.js (https://github.com/thegreenwebfoundation/co2.js), "
            "licensed CC BY-SA 4.0."
        ),
        "sources": [
            {
                "title": f"Ember grid intensity, CO2.js data file {name}",
                "path": SOURCE_URLS[name],
                "file": name,
                "sha256": sums[name],
            }
            for name in [*CSV_SNAPSHOTS, JSON_SNAPSHOT]
        ],
        "resources": [
            {"name": "electricity", "path": RESOURCE, "format": "csv", "sha256": csv_sha}
        ],
        "created_by": CREATED_BY,
        "notes": notes,
    }


def build(source: Path, out: Path) -> dict:
    sums = verify_checksums(source)
    raw: list[dict] = []
    for name, year in CSV_SNAPSHOTS.items():
        raw.extend(read_csv_snapshot(source, name, year))
    raw.extend(read_json_snapshot(source))
    rows, info = build_rows(raw)
    if len(rows) < 300:
        raise LayoutError(f"only {len(rows)} country rows built")
    out.mkdir(parents=True, exist_ok=True)
    csv_bytes = write_csv(out / RESOURCE, rows)
    dp = datapackage(rows, info, sums, sha256_bytes(csv_bytes))
    (out / "datapackage.json").write_text(
        json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {"rows": len(rows), **info}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = build(args.source, args.out)
    print(
        f"ember-grid: {result['rows']} rows written to {args.out} "
        f"({len(result['aggregates'])} aggregates skipped, {len(result['empty'])} empty values "
        f"skipped, {len(result['duplicates'])} duplicates resolved)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
