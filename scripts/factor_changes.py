#!/usr/bin/env python3
"""Factor changes between consecutive DESNZ editions, as Markdown lines for the CHANGELOG.

Compares each installed ``desnz-YYYY`` edition with the previous one, factor by factor
(same category and same keys), and prints:

* the edition-level changes recorded in ``datapackage.json`` (GWP basis of the CO2e
  factors, radiative-forcing multiplier of the air factors);
* how many shared factors changed, and how many were added or dropped;
* the biggest changes among the *key factors* users meet first (:data:`KEY_FACTORS`: air
  by haul and class with RF, rail, cars, hotels in a few countries, natural gas, diesel,
  UK electricity), one line each, e.g.
  ``desnz-2023: long-haul economy with RF 0.20011 kgCO2e / passenger / km (2022: 0.14787,
  +35.3%)``.

Every number comes from the bundled editions through :func:`sem_carbon.load_factors`; the
CHANGELOG's factor section is this script's output, never hand-typed.

Usage::

    python scripts/factor_changes.py                 # print the Markdown
    python scripts/factor_changes.py --top 5         # at most 5 key-factor lines per edition
    python scripts/factor_changes.py --write CHANGELOG.md   # replace the marked section
    python scripts/factor_changes.py --check CHANGELOG.md   # exit 1 if the section is stale

The section of the CHANGELOG between ``<!-- factor-changes:start -->`` and
``<!-- factor-changes:end -->`` is what ``--write`` replaces and ``--check`` compares.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a source checkout without installing
    sys.path.insert(0, str(REPO))

import sem_carbon as sc  # noqa: E402
from sem_carbon.factors.catalogue import desnz_years  # noqa: E402

START = "<!-- factor-changes:start -->"
END = "<!-- factor-changes:end -->"

#: Key factors: (label, category, keys). Keys not given must be empty in the row.
KEY_FACTORS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("domestic flight, average passenger, with RF", "air",
     {"haul": "domestic", "cabin": "average", "radiative_forcing": "true"}),
    ("short-haul economy with RF", "air",
     {"haul": "short_haul", "cabin": "economy", "radiative_forcing": "true"}),
    ("short-haul business with RF", "air",
     {"haul": "short_haul", "cabin": "business", "radiative_forcing": "true"}),
    ("long-haul economy with RF", "air",
     {"haul": "long_haul", "cabin": "economy", "radiative_forcing": "true"}),
    ("long-haul premium economy with RF", "air",
     {"haul": "long_haul", "cabin": "premium_economy", "radiative_forcing": "true"}),
    ("long-haul business with RF", "air",
     {"haul": "long_haul", "cabin": "business", "radiative_forcing": "true"}),
    ("long-haul first with RF", "air",
     {"haul": "long_haul", "cabin": "first", "radiative_forcing": "true"}),
    ("international (non-UK) economy with RF", "air",
     {"haul": "international", "cabin": "economy", "radiative_forcing": "true"}),
    ("international (non-UK) business with RF", "air",
     {"haul": "international", "cabin": "business", "radiative_forcing": "true"}),
    ("national rail", "rail", {"kind": "national"}),
    ("international rail", "rail", {"kind": "international"}),
    ("average car, unknown fuel", "road",
     {"vehicle": "car", "size": "average", "fuel": "unknown", "basis": "vehicle_km"}),
    ("average car, diesel", "road",
     {"vehicle": "car", "size": "average", "fuel": "diesel", "basis": "vehicle_km"}),
    ("average car, petrol", "road",
     {"vehicle": "car", "size": "average", "fuel": "petrol", "basis": "vehicle_km"}),
    ("hotel night, Switzerland", "hotel", {"country": "CH"}),
    ("hotel night, United States", "hotel", {"country": "US"}),
    ("hotel night, France", "hotel", {"country": "FR"}),
    ("hotel night, Thailand", "hotel", {"country": "TH"}),
    ("hotel night, India", "hotel", {"country": "IN"}),
    ("natural gas per kWh (gross CV)", "fuel", {"fuel": "natural_gas", "basis": "energy_gross"}),
    ("natural gas per m3", "fuel", {"fuel": "natural_gas", "basis": "volume"}),
    ("diesel (average biofuel blend) per litre", "fuel", {"fuel": "diesel", "basis": "volume"}),
    ("UK grid electricity (generation)", "electricity",
     {"country": "GB", "component": "generation"}),
    ("UK electricity T&D losses", "electricity", {"country": "GB", "component": "td_losses"}),
)

#: Changes smaller than this [%] are not counted or listed (rounding-level differences:
#: the 2023 workbook holds unrounded formula results, the others 5-decimal values).
MIN_SHOWN_PCT = 0.1


def _key_columns(frame: pd.DataFrame) -> list[str]:
    from sem_carbon.factors.keys import STANDARD_COLUMNS

    return [c for c in frame.columns if c not in STANDARD_COLUMNS and c != "edition"]


def _indexed(fs: sc.FactorSet) -> pd.Series:
    """Factor values indexed by (category, key1=value1/key2=value2 ...)."""
    frame = fs.to_frame()
    keys = _key_columns(frame)
    texts = frame[keys].fillna("").astype(str)
    ident = [
        "/".join(f"{k}={v}" for k, v in zip(keys, row, strict=True) if v != "")
        for row in texts.itertuples(index=False)
    ]
    index = pd.MultiIndex.from_arrays([frame["category"].astype(str), ident],
                                      names=["category", "keys"])
    values = pd.Series(frame["value"].to_numpy(dtype=float), index=index)
    units = pd.Series(frame["unit"].astype(str).to_numpy(), index=index)
    return pd.concat({"value": values, "unit": units}, axis=1)


def _ident(keys: dict[str, str]) -> str:
    return "/".join(f"{k}={v}" for k, v in sorted(keys.items()))


def _sorted_ident(ident: str) -> str:
    return "/".join(sorted(ident.split("/"))) if ident else ident


def _fmt(value: float) -> str:
    """A factor rounded to 5 decimals (the precision DESNZ publishes; the 2023 workbook
    holds some unrounded formula results such as 0.20010828...)."""
    return np.format_float_positional(round(value, 5), trim="-")


def _meta(value: object) -> str:
    """An edition-level field as text; ``None`` (e.g. no RF multiplier derivable when an
    edition publishes with-RF air factors only) reads "none"."""
    return "none" if value is None else str(value)


def edition_lines(new: sc.FactorSet, old: sc.FactorSet, top: int | None) -> list[str]:
    """Markdown lines describing what changed from ``old`` to ``new``."""
    lines: list[str] = []
    meta = []
    for field, label in (("gwp", "GWP basis of the CO2e factors"),
                         ("rf_multiplier", "radiative-forcing multiplier on air CO2")):
        a, b = old.metadata.get(field), new.metadata.get(field)
        if a != b:
            meta.append(f"{label} {_meta(b)} ({old.year}: {_meta(a)})")
    if meta:
        lines.append(f"- {new.id}: " + "; ".join(meta))

    a, b = _indexed(old), _indexed(new)
    a.index = a.index.set_levels(a.index.levels[1].map(_sorted_ident), level=1)
    b.index = b.index.set_levels(b.index.levels[1].map(_sorted_ident), level=1)
    shared = a.index.intersection(b.index)
    old_v = a.loc[shared, "value"].to_numpy(dtype=float)
    new_v = b.loc[shared, "value"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(old_v != 0, np.abs(new_v - old_v) / np.abs(old_v),
                       np.where(new_v != 0, np.inf, 0.0))
    changed = int((rel >= MIN_SHOWN_PCT / 100.0).sum())
    over_10 = int((rel > 0.10).sum())
    added = len(b.index.difference(a.index))
    dropped = len(a.index.difference(b.index))
    lines.append(
        f"- {new.id}: {changed:,} of {len(shared):,} factors shared with {old.id} changed by "
        f"{MIN_SHOWN_PCT:g}% or more ({over_10:,} by more than 10%); {added:,} added, "
        f"{dropped:,} not published again")

    found: list[tuple[float, str]] = []
    for label, category, keys in KEY_FACTORS:
        key = (category, _ident(keys))
        in_old, in_new = key in a.index, key in b.index
        if in_new and in_old:
            v0, v1 = float(a.loc[key, "value"]), float(b.loc[key, "value"])
            if v0 == v1:
                continue
            change = (v1 - v0) / v0 * 100.0 if v0 else float("inf")
            if abs(change) < MIN_SHOWN_PCT:
                continue
            found.append((abs(change), f"- {new.id}: {label} {_fmt(v1)} {b.loc[key, 'unit']} "
                                       f"({old.year}: {_fmt(v0)}, {change:+.1f}%)"))
        elif in_new:
            found.append((float("inf"), f"- {new.id}: {label} {_fmt(float(b.loc[key, 'value']))} "
                                        f"{b.loc[key, 'unit']} (not published in {old.year})"))
        elif in_old:
            found.append((float("inf"), f"- {new.id}: {label} not published "
                                        f"({old.year}: {_fmt(float(a.loc[key, 'value']))} "
                                        f"{a.loc[key, 'unit']})"))
    found.sort(key=lambda item: -item[0])  # stable: ties keep the KEY_FACTORS order
    lines.extend(text for _, text in (found if top is None else found[:top]))
    return lines


def factor_changes(top: int | None = 8) -> str:
    """The Markdown block: one list per DESNZ edition, newest first."""
    years = desnz_years()
    blocks = []
    for older, newer in reversed(list(itertools.pairwise(years))):
        new, old = sc.load_factors(f"desnz-{newer}"), sc.load_factors(f"desnz-{older}")
        blocks.append(f"#### {new.id} (against {old.id})\n\n"
                      + "\n".join(edition_lines(new, old, top)))
    intro = (f"Generated by `python scripts/factor_changes.py` from the bundled editions "
             f"desnz-{years[0]} to desnz-{years[-1]}: edition-level changes, the count of "
             f"changed factors, then the key factors that changed most (at most "
             f"{top if top is not None else 'all'} per edition, largest relative change first; "
             f"changes under {MIN_SHOWN_PCT:g}% left out; air factors with radiative forcing; "
             "values rounded to 5 decimals, units as in the editions).")
    return intro + "\n\n" + "\n\n".join(blocks) + "\n"


def _section(text: str, path: Path) -> tuple[int, int]:
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, flags=re.S)
    if match is None:
        raise SystemExit(f"{path}: no '{START}' ... '{END}' section")
    return match.start(1), match.end(1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=8,
                        help="key-factor lines per edition (default 8; 0 for all)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="CHANGELOG",
                       help="replace the marked section of this file")
    group.add_argument("--check", type=Path, metavar="CHANGELOG",
                       help="exit 1 when the marked section differs from the output")
    args = parser.parse_args(argv)
    block = factor_changes(None if args.top == 0 else args.top)
    target = args.write or args.check
    if target is None:
        sys.stdout.write(block)
        return 0
    text = target.read_text(encoding="utf-8")
    start, end = _section(text, target)
    if args.check:
        if text[start:end] != block:
            print(f"{target}: the factor-changes section is stale; run "
                  f"python scripts/factor_changes.py --write {target}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
