"""The synthetic example office: reproducible, parseable, shaped as documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "examples" / "data"
SCRIPT = REPO / "examples" / "generate_example_data.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_example_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("run1")
    second = tmp_path_factory.mktemp("run2")
    gen.main(["--out", str(first)])
    gen.write(gen.generate(gen.SEED), second)
    return first, second


def test_generator_is_deterministic(two_runs: tuple[Path, Path]) -> None:
    first, second = two_runs
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(gen.FILES.values())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_committed_files_are_the_generator_output(two_runs: tuple[Path, Path]) -> None:
    first, _ = two_runs
    for name in gen.FILES.values():
        assert (DATA / name).read_bytes() == (first / name).read_bytes(), (
            f"examples/data/{name} is stale: run python examples/generate_example_data.py")
    assert (DATA / "README.md").is_file()


def test_files_parse_and_row_counts_are_in_range() -> None:
    travel = pd.read_csv(DATA / "travel_2010_2024.csv", keep_default_na=False)
    assert 20_000 <= len(travel) <= 40_000
    assert (DATA / "travel_2010_2024.csv").stat().st_size < 5_000_000
    years = travel["date"].str[:4].astype(int)
    assert years.min() == 2010 and years.max() == 2024
    assert set(travel["mode"]) == {"air", "rail", "road", "hotel"}
    assert set(travel.loc[travel["mode"] == "air", "cabin"]) == {"economy", "business"}
    assert (travel["currency"] == "USD").all()
    facilities = pd.read_csv(DATA / "facilities_2019_2024.csv", keep_default_na=False)
    assert set(facilities["kind"]) == {"electricity", "natural_gas", "district_heat", "diesel",
                                       "refrigerant", "water", "waste"}
    assert 300 <= len(facilities) <= 2_000
    budget = pd.read_csv(DATA / "budget.csv")
    assert set(budget["currency"]) == {"USD"} and (budget["amount"] > 0).all()


def test_tree_headcount_and_budget_refer_to_known_entities() -> None:
    org = sc.Entities.from_csv(DATA / "entities.csv", headcount=DATA / "headcount.csv")
    assert 18 <= len(org) <= 24 and org.root == "OFFICE"
    kinds = org.to_frame()["kind"].value_counts()
    assert kinds["region"] == 4 and kinds["division"] >= 4 and kinds["country_office"] >= 6
    travel = pd.read_csv(DATA / "travel_2010_2024.csv", keep_default_na=False)
    budget = pd.read_csv(DATA / "budget.csv")
    assert org.unknown(travel["entity"]) == []
    assert org.unknown(budget["entity"]) == []


@pytest.fixture(scope="module")
def inventory() -> sc.Inventory:
    log = sc.read_travel_log(DATA / "travel_2010_2024.csv")
    fac = sc.read_facilities(DATA / "facilities_2019_2024.csv")
    return sc.calculate([log, fac])


def test_library_reads_everything_and_2020_air_collapses(inventory: sc.Inventory) -> None:
    inv = inventory
    # nothing rejected except the documented refund pairs (netted out)
    reasons = inv.rejected["reason"].astype(str)
    assert reasons.str.startswith("refunded").all()
    assert len(inv.rejected) == int((pd.read_csv(DATA / "travel_2010_2024.csv")["cost"] < 0)
                                    .sum()) * 2
    air = inv.data[inv.data["category"] == "air"].groupby("year")["co2e_kg"].sum()
    change = air / air[2019] - 1
    assert -0.65 <= change[2020] <= -0.45  # the 2020 collapse
    assert -0.65 <= change[2021] <= -0.45  # 2021: partial
    assert -0.50 <= change[2022] <= -0.30  # rebound
    # growth up to 2019, in activity: emissions of 2010-2018 use each year's own factors,
    # which move on their own (2018's air factors are above 2019's)
    air_rows = inv.data[inv.data["category"] == "air"]
    pkm = (air_rows["distance_km"] * air_rows["passengers"].astype(float)
           * np.where(air_rows["round_trip"].astype(bool), 2.0, 1.0)).groupby(
        air_rows["year"]).sum()
    assert (pkm.loc[2010:2018] < pkm[2019]).all()
    assert (change.loc[2010:2017] < 0).all()
    # Geneva (divisions + the shared building): 4-6 t per person, travel-dominated
    geneva = ["OFFICE", "EXD", "DPS", "DTE", "DFO", "DTB", "DMS"]
    hq = inv.data[(inv.data["year"] == 2019) & inv.data["entity"].isin(geneva)]
    heads = pd.read_csv(DATA / "headcount.csv")
    staff = heads[(heads["year"] == 2019) & heads["entity"].isin(geneva)]["headcount"].sum()
    assert 4.0 <= hq["co2e_kg"].sum() / 1000 / staff <= 6.0
    assert hq.loc[hq["category"] == "air", "co2e_kg"].sum() / hq["co2e_kg"].sum() > 0.65


def test_intended_2021_verdicts_hold(inventory: sc.Inventory) -> None:
    inv = inventory
    org = sc.Entities.from_csv(DATA / "entities.csv", headcount=DATA / "headcount.csv")
    budget = pd.read_csv(DATA / "budget.csv")
    status = sc.target_status(inv, sc.Target(), entities=org, budget=budget).set_index(
        "entity")
    for entity, (carbon, money) in gen.EXPECTED_2021.items():
        row = status.loc[entity]
        assert (bool(row["met"]), bool(row["budget_met"])) == (carbon, money), entity
    assert status["met"].any() and not status["met"].all()
    divergence = set(status["divergence"])
    assert {"met in budget, not in carbon", "met in carbon, not in budget"} <= divergence
    # per-capita columns come with the headcount carried by the tree
    assert np.isfinite(status.loc["OFFICE", "baseline_per_capita"])
