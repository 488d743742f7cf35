"""Embedding sem-carbon: your own factor editions, overrides, year-matched editions, jobs.

1. write an edition of your own with ``sc.write_factor_set`` (here: hotel factors for the
   office's duty stations that DESNZ does not publish, derived from DESNZ's own figures
   for neighbouring countries, a documented regional proxy);
2. make it available by id: ``sc.add_factor_folder`` in a program,
   ``SEM_CARBON_FACTOR_PATH`` for every process (here: the command line);
3. override factors of a bundled edition with ``FactorSet.with_overrides``;
4. year-matched editions: each row with the edition of its year, or one edition for all;
5. a scheduled job: the ``sem-carbon`` command computing an inventory and a target.

Usage::

    python examples/embedding.py            # files in a temporary folder, then deleted
    python examples/embedding.py OUT_DIR    # keep the edition, log and inventory in OUT_DIR

The page docs/guide-embedding.md shows this script and its output.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

import sem_carbon as sc
from sem_carbon.report.demo import example_data_dir

#: Duty stations without a DESNZ hotel factor -> DESNZ countries of the same region whose
#: median stands in for them (a documented choice of this example, not a DESNZ method).
REGIONAL_PROXIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "East Africa": (("KE", "UG"), ("EG", "ZA")),
    "South and South-East Asia": (("KH", "NP"), ("IN", "TH", "VN")),
    "Central America": (("GT", "HN", "PA"), ("CO", "CR", "MX")),
    "Middle East and North Africa": (("LB", "TN", "YE"), ("EG", "JO")),
}
EDITION = "office-hotel-proxies-2024"


def data_dir() -> Path:
    """The example office's data: next to this script, else the copy in the package."""
    here = Path(__file__).resolve().parent / "data"
    return here if (here / "entities.csv").is_file() else example_data_dir()


def show(frame: pd.DataFrame, indent: str = "   ") -> None:
    text = frame.to_string(index=False, float_format=lambda v: f"{v:,.1f}")
    print(indent + text.replace("\n", "\n" + indent))


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the ``sem-carbon`` command of this Python environment; return its stdout."""
    exe = Path(sys.executable).with_name("sem-carbon")
    command = [str(exe)] if exe.exists() else (
        [shutil.which("sem-carbon")] if shutil.which("sem-carbon") else
        [sys.executable, "-c", "import sys; from sem_carbon.cli import main; sys.exit(main())"])
    done = subprocess.run([*command, *args], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"sem-carbon {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def write_proxy_edition(folder: Path) -> sc.FactorSet:
    """Hotel factors for duty stations DESNZ lacks, as a factor edition of our own."""
    desnz = sc.load_factors("desnz-2024")
    published = desnz.table("hotel")
    published = published[published["city"] == ""].set_index("country")["value"]
    rows = []
    for region, (stations, proxies) in REGIONAL_PROXIES.items():
        value = float(published.loc[list(proxies)].median())
        for country in stations:
            rows.append({
                "category": "hotel", "country": country, "value": value,
                "unit": "kgCO2e / room_night", "label": f"{region} proxy",
                "source_table": "Hotel stay (desnz-2024), median of " + ", ".join(proxies),
                "notes": f"no DESNZ factor for {country}; regional proxy"})
    metadata = {
        "id": EDITION,
        "title": "Hotel-stay proxies for the office's duty stations (derived from DESNZ 2024)",
        "publisher": "Example office, sustainability team",
        "year": 2024,
        "kind": "emission-factors",
        "licenses": desnz.metadata["licenses"],
        "attribution": desnz.metadata.get("attribution", ""),
        "sources": desnz.metadata["sources"],
        "created_by": "examples/embedding.py",
        "notes": ["Each value is the median of the DESNZ 2024 hotel-stay factors of the "
                  "neighbouring countries named in source_table: a regional proxy chosen by "
                  "the office, not a DESNZ figure."],
    }
    return sc.write_factor_set(folder / EDITION, metadata, {"hotel": pd.DataFrame(rows)})


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv:
        out = Path(argv[0])
        out.mkdir(parents=True, exist_ok=True)
        return run(out)
    with tempfile.TemporaryDirectory(prefix="sem-carbon-embedding-") as tmp:
        return run(Path(tmp))


def run(out: Path) -> int:
    factors_dir = out / "factors"
    print("1. An edition of our own, written and validated by sc.write_factor_set")
    own = write_proxy_edition(factors_dir)
    print(f"   {own!r}; files: {sorted(p.name for p in (factors_dir / EDITION).iterdir())}")
    show(own.table("hotel")[["country", "value", "unit", "label", "source_table"]])

    print("\n2. Available by id: sc.add_factor_folder() here, SEM_CARBON_FACTOR_PATH elsewhere")
    sc.add_factor_folder(factors_dir)
    sets = sc.factor_sets()
    show(sets[sets["id"].isin(["desnz-2024", EDITION])][["id", "kind", "year", "factors",
                                                          "default"]])
    env = {**os.environ, "SEM_CARBON_FACTOR_PATH": str(factors_dir)}
    listed = cli("factors", "list", "--format", "csv", env=env).splitlines()
    print(f"   sem-carbon factors list (with SEM_CARBON_FACTOR_PATH): {len(listed) - 1} "
          f"editions, ours included: {any(line.startswith(EDITION) for line in listed)}")

    print("\n3. Override DESNZ 2024 with our rows: FactorSet.with_overrides")
    office = sc.load_factors("desnz-2024").with_overrides(
        own.table("hotel"), new_id="desnz-2024+office-hotels")
    print(f"   {office!r}")
    for factors in ("desnz-2024", office):
        stay = sc.hotel(3, "Kenya", factors=factors)
        print(f"   3 nights in Kenya with {stay.factor.edition}: {stay.co2e.m:,.1f} kgCO2e; "
              f"notes: {list(stay.notes) or 'none'}")

    print("\n4. Year-matched editions")
    for year in (2018, 2019, 2024, 2026):
        edition, note = sc.edition_for_year(year)
        print(f"   activity of {year} -> {edition}{'  (' + note + ')' if note else ''}")
    log = pd.read_csv(data_dir() / "travel_2010_2024.csv", dtype=str, keep_default_na=False)
    log = log[log["date"].str[:4].isin(["2019", "2024"])]
    table = sc.read_travel_log(log)
    matched = sc.calculate(table)  # factors=None: each row with its own year's edition
    one = sc.calculate(table, factors="desnz-2024")  # the 2019 baseline restated
    per_year = []  # year-matched, with our override on each year's edition
    for year, rows in table.data.groupby("year"):
        edition = sc.load_factors(sc.edition_for_year(int(year))[0])
        fs = edition.with_overrides(own.table("hotel"), new_id=f"{edition.id}+office-hotels")
        per_year.append(sc.calculate(rows, factors=fs))
    overridden = sc.Inventory.concat(per_year)
    compare = pd.DataFrame({
        "year-matched": matched.by("year").set_index("year")["tco2e"],
        "all desnz-2024": one.by("year").set_index("year")["tco2e"],
        "year-matched + our hotels": overridden.by("year").set_index("year")["tco2e"],
    }).reset_index()
    show(compare)
    used = overridden.data.groupby(["year", "factor_id"]).size().rename("rows").reset_index()
    print("   rows per edition (hotel fallbacks keep the edition they came from):")
    show(used)

    print("\n5. A scheduled job: the command line, as cron or a CI pipeline would run it")
    log_path = out / "travel_2019_2024.csv"
    log.to_csv(log_path, index=False, lineterminator="\n")
    inventory = out / "inventory.parquet"
    cli("calc", str(log_path), "-o", str(inventory), "--format", "csv")
    print(f"   sem-carbon calc {log_path.name} -o {inventory.name}: "
          f"{len(sc.Inventory.read_parquet(inventory)):,} inventory rows")
    status = cli("targets", str(inventory), "--baseline", "2019", "--target", "2024",
                 "--reduction", "40%", "--entities", str(data_dir() / "entities.csv"),
                 "--format", "csv")
    print("   sem-carbon targets inventory.parquet --baseline 2019 --target 2024 "
          "--reduction 40% --entities entities.csv --format csv")
    frame = pd.read_csv(io.StringIO(status))
    print(f"   {len(frame)} rows x {len(frame.columns)} columns; the first six:")
    show(frame[["entity", "baseline", "actual", "change_pct", "met", "gap"]].head(6))
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 140)
    sys.exit(main())
