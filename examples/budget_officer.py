"""Budget officer: is "cut 2019 travel by 50% in 2021" met, in carbon and in budget?

Uses the example office (planning-entity tree, headcount, travel budget, travel log):

1. target status per entity, rolled up the tree, in tCO2e and in budget;
2. where the two verdicts disagree, and why (cost per tonne, business-class share);
3. scenarios: what rail, economy class and online meetings would have changed;
4. year to date: a 2024 target checked on 30 June with a seasonal allowance;
5. why 2023 emissions rose while trips fell: activity, mix and factor effects.

Run from anywhere (nothing is written)::

    python examples/budget_officer.py

The page docs/guide-budget-officer.md shows this script and its output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import sem_carbon as sc
from sem_carbon.report.demo import example_data_dir
from sem_carbon.targets import (
    EconomyBelow,
    RailInsteadOfFlights,
    VirtualMeetings,
    decompose_change,
    scenario_status,
)


def data_dir() -> Path:
    """The example office's data: next to this script, else the copy in the package."""
    here = Path(__file__).resolve().parent / "data"
    return here if (here / "entities.csv").is_file() else example_data_dir()


def show(frame: pd.DataFrame, indent: str = "   ") -> None:
    text = frame.to_string(index=False, float_format=lambda v: f"{v:,.1f}")
    print(indent + text.replace("\n", "\n" + indent))


def main(argv: list[str] | None = None) -> int:
    folder = data_dir()
    headcount = pd.read_csv(folder / "headcount.csv", dtype={"entity": str})
    org = sc.Entities.from_csv(folder / "entities.csv", headcount=headcount)
    budget = pd.read_csv(folder / "budget.csv", dtype={"entity": str})
    inv = sc.calculate(sc.read_travel_log(folder / "travel_2010_2024.csv"))
    print(f"The office: {org!r}; travel inventory {inv.total().m:,.0f} tCO2e over "
          f"{inv.data['year'].min()}-{inv.data['year'].max()}")

    print("\n1. Target 'travel -50% in 2021 against 2019', per entity (each with its "
          "descendants)")
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5,
                       categories=("travel",))
    status = sc.target_status(inv, target, entities=org, budget=budget)
    view = status[["entity", "baseline", "actual", "change_pct", "met",
                   "budget_change_pct", "budget_met", "divergence"]].copy()
    indented = ["  " * d + e for d, e in zip(status["depth"], status["entity"], strict=True)]
    view["entity"] = [text.ljust(max(map(len, indented))) for text in indented]
    show(view.rename(columns={"baseline": "2019 t", "actual": "2021 t", "change_pct": "carbon %",
                              "budget_change_pct": "budget %"}))

    print("\n2. Carbon and budget disagree for:")
    divergent = status[status["divergent"]]
    data = inv.data
    air = data["category"] == "air"
    for _, row in divergent.iterrows():
        rows = data["entity"].isin(org.descendants(row["entity"]))
        parts = []
        for year in (2019, 2021):
            here = rows & (data["year"] == year)
            tonnes = data.loc[here, "co2e_kg"].sum() / 1000.0
            spent = budget.loc[budget["entity"].isin(org.descendants(row["entity"]))
                               & (budget["year"] == year), "amount"].sum()
            business = data.loc[here & air & (data["cabin"] == "business"), "co2e_kg"].sum()
            share = business / data.loc[here & air, "co2e_kg"].sum() * 100.0
            parts.append(f"{year}: {spent / tonnes:>5,.0f} USD of budget per tCO2e, business "
                         f"class {share:3.0f}% of air carbon")
        print(f"   {row['entity']:<6} {row['divergence']}")
        for part in parts:
            print(f"          {part}")

    print("\n3. Scenarios on the 2021 trips of the entities that missed the target in carbon")
    levers = [RailInsteadOfFlights(max_km=700), EconomyBelow(hours=11),
              VirtualMeetings(share=0.5, purposes=("conference", "meeting"))]
    what_if = scenario_status(inv, target, levers, entities=org)
    missed = what_if[~what_if["met"] & (what_if["depth"] > 0)]
    show(missed[["entity", "actual", "target", "scenario", "scenario_change_pct", "scenario_met",
                 "effect_1", "effect_2", "effect_3"]].rename(columns={
                     "actual": "2021 t", "scenario": "scenario t",
                     "scenario_change_pct": "vs 2019 %", "scenario_met": "met",
                     "effect_1": "rail", "effect_2": "economy", "effect_3": "online"}))
    print("   assumptions:")
    for assumption in what_if["assumptions"].iloc[0].split("; "):
        print(f"   - {assumption}")

    print("\n4. Year to date: 'travel -40% in 2024 against 2019', as of 30 June 2024")
    ytd_target = sc.Target(baseline_year=2019, target_year=2024, reduction=0.4)
    ytd = sc.target_status(inv, ytd_target, entities=org, as_of="2024-06-30")
    top = ytd[ytd["depth"] <= 1]
    show(top[["entity", "baseline_to_date", "allowance", "actual", "met", "projected",
              "projected_met"]].rename(columns={
                  "baseline_to_date": "2019 to 30 Jun", "allowance": "allowed", "actual":
                  "2024 to 30 Jun", "met": "on track", "projected": "2024 projected",
                  "projected_met": "projected met"}))
    print(f"   allowance: {ytd['allowance_method'].iloc[0]} (the 2019 share of the year's "
          f"emissions by 30 June: {ytd['baseline_to_date'].iloc[0] / ytd['baseline'].iloc[0]:.1%})")

    print("\n5. Air travel 2019 -> 2023, whole office: why emissions fell less than trips")
    rows = inv.data
    change = decompose_change(rows[rows["year"] == 2019], rows[rows["year"] == 2023], by=None)
    c = change.iloc[0]
    print(f"   {c['baseline']:,.0f} -> {c['target']:,.0f} tCO2e ({c['total_change']:+,.0f}): "
          f"activity {c['activity_effect']:+,.0f} (trips {c['trips_effect']:+,.0f}, distance "
          f"{c['distance_effect']:+,.0f}), mix {c['mix_effect']:+,.0f}, emission factors "
          f"{c['factor_effect']:+,.0f}")
    pkm = c["pkm_target"] / c["pkm_baseline"] - 1.0
    print(f"   passenger-km {pkm:+.0%}; the factor effect is the DESNZ 2023 edition "
          "(see the CHANGELOG)")
    assert np.isclose(c["activity_effect"] + c["mix_effect"] + c["factor_effect"]
                      + c["unallocated"], c["total_change"])
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 140)
    sys.exit(main(sys.argv[1:]))
