#!/usr/bin/env python3
"""Build the ``ipcc-gwp`` factor edition: GWP-100 (AR4, AR5, AR6) and refrigerant blends.

Sources:

* GWP-100 values: the data file shipped inside the ``globalwarmingpotentials`` package
  (openclimatedata, CC0-1.0), columns ``AR4GWP100``, ``AR5GWP100`` (AR5 *without*
  climate-carbon feedback; the package's ``AR5CCFGWP100`` column is not used) and
  ``AR6GWP100``. The values are copied as the text of the CSV cell and cross-checked against the
  package's Python ``data`` dictionary.
* Blend compositions: ``scripts/data/refrigerant_blends.csv`` (ANSI/ASHRAE Standard 34
  designations, mass percent, with a citation per row). The composition string of every blend
  is parsed and checked against its component rows.
* Check only (nothing copied): the DESNZ 2019 full-set workbook, sheet "Refrigerant & other".
  The AR4 mass-weighted GWP of every blend DESNZ lists must round to DESNZ's published figure.

Writes ``emission_factors/ipcc-gwp/`` (or ``--out DIR``): ``gwp.csv``, ``blend_component.csv``
and ``datapackage.json``. Deterministic: a rerun gives byte-identical files. Unexpected layout
raises.

Usage::

    python scripts/build_ipcc_gwp.py [--out DIR] [--desnz FILE | --no-desnz-check]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "emission_factors" / "ipcc-gwp"
BLENDS_FILE = ROOT / "scripts" / "data" / "refrigerant_blends.csv"
BLENDS_REL = "scripts/data/refrigerant_blends.csv"
_DESNZ_FILE = "conversion-factors-2019-full-set-v01-02.xls"
# shared/ sits beside the repository (../shared/data/desnz)
DEFAULT_DESNZ = ROOT.parent / "shared" / "data" / "desnz" / _DESNZ_FILE
DESNZ_SHEET = "Refrigerant & other"
CREATED_BY = "scripts/build_ipcc_gwp.py"
PACKAGE = "globalwarmingpotentials"
PACKAGE_FILE = "globalwarmingpotentials.csv"

ASSESSMENTS = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}
UNIT = "kgCO2e / kg"
OUT_COLUMNS_GWP = [
    "category", "gas", "assessment", "value", "unit", "co2", "ch4", "n2o",
    "label", "source_table", "source_row", "notes",
]  # fmt: skip
OUT_COLUMNS_BLEND = [
    "category", "blend", "gas", "value", "unit", "co2", "ch4", "n2o",
    "label", "source_table", "source_row", "notes",
]  # fmt: skip
BLEND_COLUMNS = [
    "blend", "designation", "component", "gas", "mass_percent",
    "ashrae_composition", "reference", "reference_url",
]  # fmt: skip

# Perfluorocarbons: the package uses formulas, the key uses the PFC number (as DESNZ and the
# Kyoto basket do). The mapping is naming only; no value is involved.
PFC_KEYS = {
    "CF4": "pfc_14",
    "C2F6": "pfc_116",
    "C3F8": "pfc_218",
    "cC4F8": "pfc_318",
    "C4F10": "pfc_3_1_10",
    "C5F12": "pfc_4_1_12",
    "C6F14": "pfc_5_1_14",
    "C7F16": "pfc_6_1_16",
    "C8F18": "pfc_7_1_18",
    "C10F18": "pfc_9_1_18",
    "cC3F6": "pfc_c216",
}
SERIES = re.compile(r"^(CFC|HCFC|HFC|HFE|HCFE|Halon)(\d+)([a-z0-9]*)$")


class LayoutError(RuntimeError):
    """The inputs do not have the layout this script was written for."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gas_key(species: str) -> str:
    """snake_case key of a package species name (naming only)."""
    if species in PFC_KEYS:
        return PFC_KEYS[species]
    m = SERIES.match(species)
    if m:
        prefix, number, suffix = m.groups()
        if prefix in ("HFC", "HFE") and number.startswith("4310"):
            number = "43_10" + number[4:]  # HFC-43-10mee, HFE-43-10pccc124
        return f"{prefix.lower()}_{number}{suffix}"
    if re.fullmatch(r"[A-Za-z0-9]+", species):
        return species.lower()
    raise LayoutError(f"no key rule for species {species!r}")


# ---------------------------------------------------------------------------------------------
# GWP values from the package


def read_package() -> tuple[list[dict], dict]:
    version = importlib.metadata.version(PACKAGE)
    resource = importlib.resources.files(PACKAGE).joinpath(PACKAGE_FILE)
    raw = resource.read_bytes()
    text = raw.decode("utf-8")
    lines = text.splitlines()
    header_idx = next((i for i, ln in enumerate(lines) if not ln.startswith("#")), None)
    if header_idx is None:
        raise LayoutError(f"{PACKAGE_FILE}: no header line")
    reader = csv.reader(io.StringIO("\n".join(lines[header_idx:])))
    header = next(reader)
    if header[0] != "Species" or any(col not in header for col in ASSESSMENTS.values()):
        raise LayoutError(f"{PACKAGE_FILE}: unexpected columns {header}")
    col = {name: header.index(name) for name in ASSESSMENTS.values()}
    import globalwarmingpotentials as gwp_pkg

    api = gwp_pkg.data
    rows: list[dict] = []
    seen: set[str] = set()
    for offset, cells in enumerate(reader):
        line_no = header_idx + 2 + offset  # 1-based line in the file
        if len(cells) != len(header):
            raise LayoutError(f"{PACKAGE_FILE} line {line_no}: {len(cells)} cells")
        species = cells[0]
        values = {a: cells[col[c]].strip() for a, c in ASSESSMENTS.items()}
        if not any(values.values()):
            continue  # only in SAR/TAR columns
        key = gas_key(species)
        if key in seen:
            raise LayoutError(f"duplicate gas key {key!r} (species {species!r})")
        seen.add(key)
        for assessment, text_value in values.items():
            if not text_value:
                continue
            if not re.fullmatch(r"\d+(\.\d+)?", text_value):
                raise LayoutError(f"{PACKAGE_FILE} line {line_no}: value {text_value!r}")
            api_value = api.get(ASSESSMENTS[assessment], {}).get(species)
            if api_value is None or float(api_value) != float(text_value):
                raise LayoutError(
                    f"{species} {assessment}: CSV {text_value} != package data {api_value}"
                )
            rows.append(
                {
                    "category": "gwp",
                    "gas": key,
                    "assessment": assessment,
                    "value": text_value,
                    "unit": UNIT,
                    "co2": "",
                    "ch4": "",
                    "n2o": "",
                    "label": species,
                    "source_table": PACKAGE_FILE,
                    "source_row": str(line_no),
                    "notes": "AR5 without climate-carbon feedback (package column AR5GWP100)"
                    if assessment == "AR5"
                    else "",
                }
            )
    if len(seen) < 50:
        raise LayoutError(f"only {len(seen)} species with AR4/AR5/AR6 values")
    meta = {"version": version, "sha256": sha256_bytes(raw), "species": len(seen)}
    return rows, meta


def co2_rows() -> list[dict]:
    """CO2 is the reference gas (GWP 1 by definition); the package does not list it."""
    return [
        {
            "category": "gwp",
            "gas": "co2",
            "assessment": a,
            "value": "1",
            "unit": UNIT,
            "co2": "",
            "ch4": "",
            "n2o": "",
            "label": "CO2",
            "source_table": "definition",
            "source_row": "",
            "notes": "reference gas of the GWP metric (1 by definition); not listed in the package",
        }
        for a in ASSESSMENTS
    ]


# ---------------------------------------------------------------------------------------------
# Blend compositions


def read_blends() -> tuple[list[dict], dict[str, dict[str, Decimal]], bytes]:
    raw = BLENDS_FILE.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    if reader.fieldnames != BLEND_COLUMNS:
        raise LayoutError(f"{BLENDS_REL}: columns {reader.fieldnames} != {BLEND_COLUMNS}")
    rows: list[dict] = []
    comp: dict[str, dict[str, Decimal]] = {}
    parts: dict[str, list[tuple[str, Decimal]]] = {}
    strings: dict[str, str] = {}
    for line_no, rec in enumerate(reader, start=2):
        blend = rec["blend"]
        if not re.fullmatch(r"r\d{3}[a-z]?", blend):
            raise LayoutError(f"{BLENDS_REL} row {line_no}: blend key {blend!r}")
        if rec["designation"].replace("-", "").lower() != blend:
            raise LayoutError(f"{BLENDS_REL} row {line_no}: designation/key mismatch")
        if not re.fullmatch(r"[a-z0-9_]+", rec["gas"]):
            raise LayoutError(f"{BLENDS_REL} row {line_no}: gas key {rec['gas']!r}")
        if not rec["reference"] or not rec["reference_url"].startswith("https://"):
            raise LayoutError(f"{BLENDS_REL} row {line_no}: missing citation")
        pct = Decimal(rec["mass_percent"])
        if not 0 < pct <= 100:
            raise LayoutError(f"{BLENDS_REL} row {line_no}: mass_percent {pct}")
        if rec["gas"] in comp.setdefault(blend, {}):
            raise LayoutError(f"{BLENDS_REL} row {line_no}: {rec['gas']} twice in {blend}")
        comp[blend][rec["gas"]] = pct / 100
        parts.setdefault(blend, []).append((rec["component"], pct))
        if strings.setdefault(blend, rec["ashrae_composition"]) != rec["ashrae_composition"]:
            raise LayoutError(f"{BLENDS_REL} row {line_no}: composition differs within {blend}")
        fraction = pct / 100
        rows.append(
            {
                "category": "blend_component",
                "blend": blend,
                "gas": rec["gas"],
                "value": format(fraction.normalize(), "f"),
                "unit": "dimensionless",
                "co2": "",
                "ch4": "",
                "n2o": "",
                "label": f"{rec['designation']}: {rec['ashrae_composition']}",
                "source_table": BLENDS_REL,
                "source_row": str(line_no),
                "notes": f"{rec['component']} {rec['mass_percent']} % by mass; "
                f"{rec['reference']} {rec['reference_url']}",
            }
        )
    # Each blend's ASHRAE string must agree with its component rows, and sum to 100 %.
    for blend, items in parts.items():
        m = re.fullmatch(r"R-?([\w()/-]+) \(([\d./]+)\)", strings[blend])
        if not m:
            raise LayoutError(f"{blend}: cannot parse composition {strings[blend]!r}")
        names = m.group(1).split("/")
        pcts = [Decimal(p) for p in m.group(2).split("/")]
        if len(names) != len(pcts):
            raise LayoutError(f"{blend}: cannot parse composition {strings[blend]!r}")
        expected = [
            (n if n.startswith("R-") else "R-" + n, p) for n, p in zip(names, pcts, strict=True)
        ]
        if expected != items:
            raise LayoutError(f"{blend}: rows {items} disagree with {strings[blend]!r}")
        if sum(pcts) != 100:
            raise LayoutError(f"{blend}: mass percentages sum to {sum(pcts)}")
    return rows, comp, raw


# ---------------------------------------------------------------------------------------------
# DESNZ check


def desnz_check(path: Path, comp: dict, gwp_rows: list[dict]) -> tuple[list[str], str]:
    """Check AR4 blend GWPs against DESNZ 2019; return (lines for the notes, sha256)."""
    import xlrd

    raw = path.read_bytes()
    book = xlrd.open_workbook(file_contents=raw)
    sheet = book.sheet_by_name(DESNZ_SHEET)
    section = ""
    blends: dict[str, tuple[float, int]] = {}
    singles: dict[str, float] = {}
    for r in range(sheet.nrows):
        cells = sheet.row_values(r)
        if len(cells) < 5:
            continue
        if isinstance(cells[1], str) and cells[1].strip():
            section = cells[1].strip()
        label, unit, value = cells[2], cells[3], cells[4]
        if unit != "kg" or not isinstance(value, float) or not isinstance(label, str):
            continue
        m = re.fullmatch(r"R(\d{3}[A-Z]?)", label.strip())
        if "blends" in section.lower() and m:
            blends["r" + m.group(1).lower()] = (value, r + 1)
        # hydrocarbon components have no GWP in the package: use DESNZ's own figure in the check
        m = re.match(r"R(290|600A) = ", label.strip())
        if m:
            singles["r" + m.group(1).lower()] = value
    if len(blends) < 8:
        raise LayoutError(f"{path.name}: found only {len(blends)} blends in {DESNZ_SHEET!r}")
    ar4 = {r["gas"]: Decimal(r["value"]) for r in gwp_rows if r["assessment"] == "AR4"}
    lines = []
    for blend, (published, row) in sorted(blends.items()):
        if blend not in comp:
            lines.append(f"{blend}: in DESNZ (row {row}) but not in the blend table")
            continue
        total = Decimal(0)
        borrowed = []
        for gas, frac in comp[blend].items():
            if gas in ar4:
                total += frac * ar4[gas]
            elif gas in singles:
                total += frac * Decimal(str(singles[gas]))
                borrowed.append(gas)
            else:
                raise LayoutError(f"{blend}: no AR4 GWP for component {gas}")
        rounded = total.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if rounded != Decimal(str(published)).quantize(Decimal(1)):
            raise LayoutError(
                f"{blend}: AR4 mass-weighted GWP {total} does not reproduce DESNZ {published}"
            )
        extra = f" (with DESNZ's {', '.join(borrowed)} figure)" if borrowed else ""
        lines.append(f"{blend} {format(total.normalize(), 'f')} -> {rounded}{extra}")
    return lines, sha256_bytes(raw)


# ---------------------------------------------------------------------------------------------
# Output


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(data)
    return data


def build(out: Path, desnz: Path | None) -> dict:
    pkg_rows, meta = read_package()
    gwp_rows = co2_rows() + pkg_rows
    blend_rows, comp, blends_raw = read_blends()
    known = {r["gas"] for r in gwp_rows}
    no_gwp = sorted({g for c in comp.values() for g in c} - known)
    check_lines, desnz_sha = desnz_check(desnz, comp, gwp_rows) if desnz else ([], "")

    out.mkdir(parents=True, exist_ok=True)
    gwp_sha = sha256_bytes(write_csv(out / "gwp.csv", OUT_COLUMNS_GWP, gwp_rows))
    blend_sha = sha256_bytes(write_csv(out / "blend_component.csv", OUT_COLUMNS_BLEND, blend_rows))
    counts = {a: sum(1 for r in gwp_rows if r["assessment"] == a) for a in ASSESSMENTS}
    missing = {
        a: sorted(
            {r["label"] for r in pkg_rows} - {r["label"] for r in pkg_rows if r["assessment"] == a}
        )
        for a in ASSESSMENTS
    }
    notes = [
        "GWP-100 values are copied from the data file of the globalwarmingpotentials package "
        f"(version {meta['version']}, file {PACKAGE}/{PACKAGE_FILE}). Its sources: AR4 and AR5 "
        "from the GHG Protocol 'Global Warming Potential Values' table (Feb 2016), AR6 from "
        "IPCC AR6 WGI Chapter 7 Supplementary Material Table 7.SM.7.",
        "AR5 values are the AR5 GWP-100 WITHOUT climate-carbon feedback (package column "
        "AR5GWP100), as used by the GHG Protocol and national inventories; the with-feedback "
        "column AR5CCFGWP100 is not included.",
        "CO2 (gas co2) is the reference gas, GWP 1 by definition; it is not listed in the "
        "package and carries source_table 'definition'.",
        f"Rows per assessment: {', '.join(f'{a}: {n}' for a, n in counts.items())} "
        f"({meta['species']} species from the package plus co2).",
        "Species with a value in some but not all of AR4/AR5/AR6 in the package (no row for the "
        "missing assessment): "
        + "; ".join(f"missing {a}: {', '.join(v)}" for a, v in missing.items() if v)
        + ". IPCC AR4 (WGI Table 2.14) does publish GWP-100 values for several of the gases "
        "missing AR4 here (DESNZ 2019, for example, lists AR4 figures for HFC-41, HFC-134, "
        "HFC-143, HFC-152, HFC-161, HFC-236cb, HFC-236ea, HFC-245ca, HCFC-21, PFC-9-1-18 and "
        "perfluorocyclopropane); they are absent from the package, so from this edition.",
        "Labels are the package's species names; keys are snake_case of the ASHRAE/IPCC "
        "numbering (hfc_134a, hfc_43_10mee), and perfluorocarbons use the PFC number "
        "(CF4 = pfc_14, C2F6 = pfc_116, C3F8 = pfc_218, cC4F8 = pfc_318, C4F10 = pfc_3_1_10, "
        "C5F12 = pfc_4_1_12, C6F14 = pfc_5_1_14, C7F16 = pfc_6_1_16, C8F18 = pfc_7_1_18, "
        "C10F18 = pfc_9_1_18, cC3F6 = pfc_c216).",
        "Blend compositions (blend_component.csv) are not in the GWP package: they come from "
        f"the table {BLENDS_REL} (ANSI/ASHRAE Standard 34 designations, mass percent, cited per "
        "row), converted exactly to mass fractions. A blend's GWP is the mass-fraction-weighted "
        "sum of its components' GWPs.",
        "Blend components with no GWP in this edition (not in the package): "
        + ", ".join(no_gwp)
        + ". These hydrocarbons, HFOs and similar have GWP-100 of a few units or less; the "
        "caller must decide how to treat them and record it (DESNZ 2019 lists small values for "
        "propane and isobutane and '< 1' for R1234yf/R1234ze).",
    ]
    if desnz:
        notes.append(
            "Check against DESNZ 2019 full set, sheet 'Refrigerant & other' (AR4 blend GWPs, "
            "rounded half up to the published integer); every DESNZ blend reproduced: "
            + "; ".join(check_lines)
            + "."
        )
    else:
        notes.append("The DESNZ 2019 blend-GWP check was not run for this build.")
    sources = [
        {
            "title": f"globalwarmingpotentials {meta['version']} (openclimatedata), data file",
            "path": "https://github.com/openclimatedata/globalwarmingpotentials",
            "file": f"{PACKAGE}/{PACKAGE_FILE}",
            "sha256": meta["sha256"],
        },
        {
            "title": "Refrigerant blend compositions (ANSI/ASHRAE Standard 34 designations)",
            "path": "https://www.ashrae.org/technical-resources/standards-and-guidelines/"
            "ashrae-refrigerant-designations",
            "file": BLENDS_REL,
            "sha256": sha256_bytes(blends_raw),
        },
    ]
    if desnz:
        sources.append(
            {
                "title": "UK Government GHG Conversion Factors for Company Reporting 2019, full "
                "set (used only to check blend GWPs; no value copied)",
                "path": "https://www.gov.uk/government/publications/"
                "greenhouse-gas-reporting-conversion-factors-2019",
                "file": desnz.name,
                "sha256": desnz_sha,
            }
        )
    dp = {
        "id": "ipcc-gwp",
        "title": "IPCC GWP-100 (AR4, AR5, AR6) and refrigerant blend compositions",
        "publisher": "IPCC, compiled by openclimatedata (globalwarmingpotentials package)",
        "year": 2021,
        "kind": "gwp",
        "version": f"globalwarmingpotentials {meta['version']}",
        "basis": "100-year global warming potentials relative to CO2 (kg CO2e per kg of gas); "
        "year = publication year of the latest assessment included (AR6 WGI, 2021).",
        "licenses": [
            {
                "name": "CC0-1.0",
                "title": "Creative Commons Zero v1.0 Universal",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            }
        ],
        "attribution": "GWP-100 values from the IPCC Fourth, Fifth and Sixth Assessment Reports "
        "(WGI), as compiled in the globalwarmingpotentials package by openclimatedata (CC0 1.0); "
        "refrigerant blend compositions per ANSI/ASHRAE Standard 34 designations.",
        "sources": sources,
        "resources": [
            {"name": "gwp", "path": "gwp.csv", "format": "csv", "sha256": gwp_sha},
            {
                "name": "blend_component",
                "path": "blend_component.csv",
                "format": "csv",
                "sha256": blend_sha,
            },
        ],
        "created_by": CREATED_BY,
        "notes": notes,
    }
    (out / "datapackage.json").write_text(
        json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {"gwp_rows": len(gwp_rows), "blend_rows": len(blend_rows), "blends": len(comp),
            "checked": len(check_lines)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--desnz", type=Path, default=DEFAULT_DESNZ)
    parser.add_argument("--no-desnz-check", action="store_true")
    args = parser.parse_args(argv)
    desnz = None if args.no_desnz_check else args.desnz
    if desnz is not None and not desnz.is_file():
        raise SystemExit(f"{desnz} not found (use --desnz FILE or --no-desnz-check)")
    result = build(args.out, desnz)
    print(
        f"ipcc-gwp: {result['gwp_rows']} gwp rows, {result['blend_rows']} blend_component rows "
        f"({result['blends']} blends), {result['checked']} DESNZ blend checks, written to "
        f"{args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
