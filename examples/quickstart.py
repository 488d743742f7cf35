"""Quickstart: single activities, then the example office's travel log, then a target.

Run from anywhere (nothing is written)::

    python examples/quickstart.py

The page docs/quickstart.md shows this script and its output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import sem_carbon as sc
from sem_carbon.report.demo import example_data_dir


def data_dir() -> Path:
    """The example office's data: next to this script, else the copy in the package."""
    here = Path(__file__).resolve().parent / "data"
    return here if (here / "entities.csv").is_file() else example_data_dir()


def kg(q: sc.Q_) -> str:
    return f"{q.m_as('kgCO2e'):,.1f} kgCO2e"


def main(argv: list[str] | None = None) -> int:
    print("1. One return flight Geneva-New York, economy (newest DESNZ edition, RF on)")
    trip = sc.flight("GVA", "JFK", cabin="economy", round_trip=True)
    print(f"   {kg(trip.co2e)}, of which radiative forcing {kg(trip.radiative_forcing)}")
    print(f"   distance {trip.activity['distance'].m:,.0f} km one way, "
          f"haul band {trip.activity['haul']}, factor {trip.factor.describe()}")
    no_rf = sc.flight("GVA", "JFK", cabin="economy", round_trip=True, radiative_forcing=False)
    business = sc.flight("GVA", "JFK", cabin="business", round_trip=True)
    print(f"   without RF (as the UN inventory counts air): {kg(no_rf.co2e)}")
    print(f"   in business class: {kg(business.co2e)}")
    in_2019 = sc.flight("GVA", "JFK", cabin="economy", round_trip=True, year=2019)
    print(f"   with the 2019 edition (the baseline year): {kg(in_2019.co2e)}")

    print("\n2. Geneva-Paris and back: train or plane?")
    train = sc.rail(sc.Q_(540, "km"), round_trip=True)
    plane = sc.flight("GVA", "CDG", round_trip=True)
    print(f"   train {kg(train.co2e)} ({train.factor.describe()})")
    print(f"   plane {kg(plane.co2e)}")

    print("\n3. Three hotel nights in Nairobi (no DESNZ factor for Kenya: a recorded fallback)")
    stay = sc.hotel(3, "Kenya")
    print(f"   {kg(stay.co2e)}")
    for note in stay.notes:
        print(f"   note: {note}")

    print("\n4. The Geneva building in 2019")
    power = sc.electricity(sc.Q_(1.55, "GWh"), "CH", year=2019)
    gas = sc.fuel("natural gas", sc.Q_(1.45, "GWh"), year=2019)
    leak = sc.refrigerant("HFC-134a", sc.Q_(12, "kg"), gwp="AR5")
    print(f"   electricity 1.55 GWh: {power.co2e.m_as('tCO2e'):,.1f} tCO2e (scope {power.scope}); "
          f"{power.method}")
    print(f"   natural gas 1.45 GWh: {gas.co2e.m_as('tCO2e'):,.1f} tCO2e (scope {gas.scope})")
    print(f"   HFC-134a leak 12 kg: {leak.co2e.m_as('tCO2e'):,.1f} tCO2e (scope {leak.scope}, "
          f"GWP {leak.activity['gwp_value']:g} {leak.activity['gwp']})")
    print(f"   note on electricity: {power.notes[0]}")

    print("\n5. The example office's travel log, each row with the edition of its own year")
    folder = data_dir()
    log = sc.read_travel_log(folder / "travel_2010_2024.csv")
    counts = log.reconciliation()
    print(f"   rows read {counts['rows_read']:,}, computable {counts['rows_computable']:,}, "
          f"rejected {counts['rows_rejected']:,} (refunds netted with their tickets)")
    inv = sc.calculate(log)
    table = inv.by("year", "category")
    table = table[table["year"].between(2019, 2024)]
    wide = table.pivot(index="year", columns="category", values="tco2e")[
        ["air", "rail", "road", "hotel"]]
    wide["total"] = wide.sum(axis=1)
    print("   tCO2e by year and category:")
    print(wide.round(1).to_string().replace("\n", "\n   ").join(["   ", ""]))

    print("\n6. Target: travel -50% in 2021 against 2019, the whole office")
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    status = sc.target_status(inv, target, by=None)
    row = status.iloc[0]
    print(f"   {target.name}: baseline {row['baseline']:,.1f} t, 2021 {row['actual']:,.1f} t "
          f"({row['change_pct']:+.1f}%), target {row['target']:,.1f} t: "
          f"{'met' if row['met'] else 'not met'}")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    sys.exit(main(sys.argv[1:]))
