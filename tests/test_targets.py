"""Targets: status in carbon and budget, year to date, scenarios, restatement, LMDI.

Every expected figure is worked out by hand in the comments. Inventory rows are built
directly in the ``Inventory.data`` columns (``co2e_kg`` in kg, the status in tonnes).
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.entities import UNASSIGNED, Entities
from sem_carbon.errors import InputFormatError
from sem_carbon.targets import (
    CutTrips,
    EconomyBelow,
    RailInsteadOfFlights,
    Scenario,
    Target,
    VirtualMeetings,
    apply_scenario,
    decompose_change,
    entity_mapping,
    log_mean,
    restate_baseline,
    scenario_status,
    target_status,
)

TREE = pd.DataFrame({
    "id": ["HQ", "DIV", "RO", "CO1", "CO2"],
    "parent": ["", "HQ", "HQ", "RO", "RO"],
    "kind": ["hq", "division", "region", "country_office", "country_office"],
})


@pytest.fixture
def org() -> Entities:
    return Entities.from_frame(TREE)


def rows(*records: tuple, **extra: object) -> pd.DataFrame:
    """Inventory rows from (entity, year, category, co2e_kg[, cost]) tuples."""
    frame = pd.DataFrame([r + (0.0,) * (5 - len(r)) for r in records],
                         columns=["entity", "year", "category", "co2e_kg", "cost"])
    frame["currency"] = "USD"
    for key, value in extra.items():
        frame[key] = value
    return frame


def by_entity(status: pd.DataFrame) -> pd.DataFrame:
    return status.set_index("entity")


# ---------------------------------------------------------------------- Target
def test_target_defaults_and_parsing() -> None:
    t = Target()
    assert (t.baseline_year, t.target_year, t.reduction, t.categories, t.metric) == (
        2019, 2021, 0.5, ("travel",), "co2e")
    assert t.name == "travel -50% 2021 vs 2019 (co2e)"
    assert Target(reduction="50%").reduction == 0.5
    assert Target(reduction="0.25").reduction == 0.25
    assert Target(categories="air").categories == ("air",)
    assert sc.Target is Target and sc.target_status is target_status


@pytest.mark.parametrize("bad", [50, -0.1, "150%", "half", float("nan")])
def test_target_rejects_bad_reductions(bad: object) -> None:
    with pytest.raises(ValueError, match="reduction"):
        Target(reduction=bad)


def test_target_rejects_bad_years_metric_and_categories() -> None:
    with pytest.raises(ValueError, match="after"):
        Target(baseline_year=2021, target_year=2019)
    with pytest.raises(ValueError):
        Target(metric="euros")
    with pytest.raises(ValueError, match="unknown category"):
        Target(categories=("flights",))


# ---------------------------------------------------------------------- status
def test_met_exactly_at_and_around_the_line(org: Entities) -> None:
    # baseline 1,000 kg = 1 t each; 50% target = 0.5 t
    # DIV cut 49.9% -> 501 kg: not met, gap 0.001 t
    # CO1 cut 50.0% -> 500 kg: met (on the line counts as met), gap 0
    # CO2 cut 50.1% -> 499 kg: met
    inv = rows(("DIV", 2019, "air", 1000.0), ("DIV", 2021, "air", 501.0),
               ("CO1", 2019, "air", 1000.0), ("CO1", 2021, "air", 500.0),
               ("CO2", 2019, "air", 1000.0), ("CO2", 2021, "air", 499.0))
    s = by_entity(target_status(inv, Target(), entities=org))
    assert s.loc["DIV", "met"] == False  # noqa: E712 (numpy bool)
    assert s.loc["DIV", "gap"] == pytest.approx(0.001)
    assert s.loc["DIV", "change_pct"] == pytest.approx(-49.9)
    assert s.loc["CO1", "met"] and s.loc["CO1", "gap"] == 0.0
    assert s.loc["CO1", "change_pct"] == pytest.approx(-50.0)
    assert s.loc["CO2", "met"] and s.loc["CO2", "change_pct"] == pytest.approx(-50.1)
    # roll-ups: RO = CO1 + CO2: baseline 2 t, actual 0.999 t <= 1 t -> met
    assert s.loc["RO", "baseline"] == pytest.approx(2.0)
    assert s.loc["RO", "actual"] == pytest.approx(0.999)
    assert s.loc["RO", "met"]
    # HQ = everything: 3 t -> 1.5 t target; actual 1.5 t exactly -> met
    assert s.loc["HQ", "target"] == pytest.approx(1.5)
    assert s.loc["HQ", "actual"] == pytest.approx(1.5)
    assert s.loc["HQ", "met"]
    assert (s["unit"] == "tCO2e").all()
    assert s.index.tolist() == ["HQ", "DIV", "RO", "CO1", "CO2"]
    assert s.loc["CO1", "kind"] == "country_office" and s.loc["CO1", "depth"] == 2


def test_float_sum_on_the_line_counts_as_met() -> None:
    # 0.1 + 0.05 == 0.15000000000000002 > 0.3 x 0.5 == 0.15 in floats; the 1e-9 relative
    # tolerance makes it "on the line" -> met, gap 0
    inv = rows(("A", 2019, "air", 0.3), ("A", 2021, "air", 0.1), ("A", 2021, "air", 0.05))
    s = by_entity(target_status(inv, Target()))
    assert s.loc["A", "actual"] > s.loc["A", "target"]
    assert s.loc["A", "met"] and s.loc["A", "gap"] == 0.0


def test_gaps_and_categories(org: Entities) -> None:
    # travel target: air 800 + hotel 200 = 1 t baseline; 2021 air 600 + hotel 100 = 0.7 t
    # -> target 0.5 t, gap 0.2 t; electricity is not travel and is ignored
    inv = rows(("DIV", 2019, "air", 800.0), ("DIV", 2019, "hotel", 200.0),
               ("DIV", 2021, "air", 600.0), ("DIV", 2021, "hotel", 100.0),
               ("DIV", 2019, "electricity", 5000.0), ("DIV", 2021, "electricity", 9000.0))
    s = by_entity(target_status(inv, Target(), entities=org))
    assert s.loc["DIV", "baseline"] == pytest.approx(1.0)
    assert s.loc["DIV", "gap"] == pytest.approx(0.2)
    assert s.loc["DIV", "change_pct"] == pytest.approx(-30.0)
    # facilities target: 5 t -> 9 t, target 2.5 t, gap 6.5 t
    fac = by_entity(target_status(inv, Target(categories="facilities"), entities=org))
    assert fac.loc["DIV", "gap"] == pytest.approx(6.5)
    # air only: 0.8 -> 0.6 t, change -25%
    air = by_entity(target_status(inv, Target(categories="air"), entities=org))
    assert air.loc["DIV", "change_pct"] == pytest.approx(-25.0)


def test_zero_baselines(org: Entities) -> None:
    # CO1 starts travelling in 2021 (0 -> 0.2 t): change undefined, target 0, not met,
    # gap 0.2 t. CO2 has no activity at all: met (0 <= 0), change NaN, noted.
    inv = rows(("CO1", 2021, "air", 200.0), ("DIV", 2019, "air", 1000.0))
    s = by_entity(target_status(inv, Target(), entities=org))
    assert np.isnan(s.loc["CO1", "change_pct"])
    assert not s.loc["CO1", "met"] and s.loc["CO1", "gap"] == pytest.approx(0.2)
    assert s.loc["CO1", "target"] == 0.0
    assert np.isnan(s.loc["CO2", "change_pct"]) and s.loc["CO2", "met"]
    assert "no baseline" in s.loc["CO2", "note"]
    assert s.loc["DIV", "note"] == ""


def test_budget_divergence_both_ways(org: Entities) -> None:
    # DIV: carbon 1 -> 0.4 t (met); budget 100 -> 70 (-30%, not met)
    # CO1: carbon 1 -> 0.8 t (not met); budget 100 -> 40 (met)
    # CO2: carbon 1 -> 0.3 t, budget 100 -> 50: met in both
    inv = rows(("DIV", 2019, "air", 1000.0), ("DIV", 2021, "air", 400.0),
               ("CO1", 2019, "air", 1000.0), ("CO1", 2021, "air", 800.0),
               ("CO2", 2019, "air", 1000.0), ("CO2", 2021, "air", 300.0))
    budget = pd.DataFrame({"entity": ["DIV", "DIV", "CO1", "CO1", "CO2", "CO2"],
                           "year": [2019, 2021] * 3, "amount": [100, 70, 100, 40, 100, 50],
                           "currency": "USD"})
    s = by_entity(target_status(inv, Target(), entities=org, budget=budget))
    assert s.loc["DIV", "met"] and not s.loc["DIV", "budget_met"]
    assert s.loc["DIV", "divergent"]
    assert s.loc["DIV", "divergence"] == "met in carbon, not in budget"
    assert s.loc["DIV", "budget_gap"] == pytest.approx(20.0)  # 70 - 50
    assert s.loc["DIV", "budget_change_pct"] == pytest.approx(-30.0)
    assert not s.loc["CO1", "met"] and s.loc["CO1", "budget_met"]
    assert s.loc["CO1", "divergence"] == "met in budget, not in carbon"
    assert not s.loc["CO2", "divergent"] and s.loc["CO2", "divergence"] == "met in both"
    # RO = CO1 + CO2: carbon 2 -> 1.1 t (not met); budget 200 -> 90 (met)
    assert s.loc["RO", "divergence"] == "met in budget, not in carbon"
    assert s.loc["RO", "budget_currency"] == "USD"
    # the target's own metric decides target_met
    sb = by_entity(target_status(inv, Target(metric="budget"), entities=org, budget=budget))
    assert sb.loc["CO1", "target_met"] and not sb.loc["DIV", "target_met"]


def test_budget_from_inventory_cost() -> None:
    # cost 2019: 500 + 500; 2021: 450 -> -55%: met; carbon 1 -> 0.6 t: not met
    inv = rows(("A", 2019, "air", 600.0, 500.0), ("A", 2019, "hotel", 400.0, 500.0),
               ("A", 2021, "air", 600.0, 450.0))
    s = by_entity(target_status(inv, Target(), budget="cost"))
    assert s.loc["A", "budget_baseline"] == 1000.0 and s.loc["A", "budget_actual"] == 450.0
    assert s.loc["A", "budget_met"] and not s.loc["A", "met"]
    assert s.loc["A", "divergence"] == "met in budget, not in carbon"


def test_mixing_currencies_raises() -> None:
    inv = rows(("A", 2019, "air", 1.0, 10.0), ("A", 2021, "air", 1.0, 5.0))
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021], "amount": [1, 2],
                           "currency": ["USD", "CHF"]})
    with pytest.raises(InputFormatError, match="CHF, USD"):
        target_status(inv, Target(), budget=budget)
    inv.loc[1, "currency"] = "EUR"
    with pytest.raises(ValueError, match="mixes currencies"):
        target_status(inv, Target(), budget="cost")


def test_budget_amounts_as_a_finance_export_writes_them_are_read_or_refused() -> None:
    # "1,000,000" and "$ 700,000" were coerced to NaN, then to 0: a target-year budget of 0
    # read as a 100% cut ("met"); a line "n/a" or a year "FY2021" vanished the same way.
    inv = rows(("A", 2019, "air", 1000.0), ("A", 2021, "air", 400.0))
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                           "amount": ["1,000,000", "$ 700,000"], "currency": "USD"})
    s = by_entity(target_status(inv, Target(), budget=budget))
    assert s.loc["A", "budget_baseline"] == 1_000_000.0
    assert s.loc["A", "budget_actual"] == 700_000.0
    assert not s.loc["A", "budget_met"]  # -30% against a -50% target
    for column, cell, why in (("amount", "n/a", "'n/a' is not a number"),
                              ("amount", None, "is empty"),
                              ("year", "FY2021", "'FY2021' is not a number")):
        bad = budget.copy()
        bad[column] = bad[column].astype(object)
        bad.loc[1, column] = cell
        with pytest.raises(InputFormatError, match=f"row 2 .*{column} {why}"):
            target_status(inv, Target(), budget=bad)


def test_an_entity_without_budget_lines_is_not_silently_judged_met() -> None:
    # B has travel but no budget line: 0 -> 0 was "budget_met" with no word of why
    inv = rows(("A", 2019, "air", 1000.0), ("A", 2021, "air", 400.0),
               ("B", 2019, "air", 1000.0), ("B", 2021, "air", 900.0))
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                           "amount": [100.0, 40.0], "currency": "USD"})
    s = by_entity(target_status(inv, Target(), budget=budget))
    assert s.loc["B", "budget_baseline"] == 0.0
    assert "no baseline-year budget" in s.loc["B", "note"]
    assert not s.loc["B", "divergent"] and s.loc["B", "divergence"] == ""
    assert s.loc["A", "note"] == ""  # a budget on file: nothing to say


def test_inventory_cost_read_as_numbers_blank_noted_text_refused() -> None:
    inv = rows(("A", 2019, "air", 600.0, 500.0), ("A", 2019, "air", 400.0, 500.0),
               ("A", 2021, "air", 600.0, 450.0))
    inv["cost"] = pd.Series(["1,000", None, "$ 450"], dtype=object)
    inv["source_row"] = [2, 3, 4]
    s = by_entity(target_status(inv, Target(), budget="cost"))
    assert s.loc["A", "budget_baseline"] == 1000.0  # "1,000" and a blank counted 0
    assert s.loc["A", "budget_actual"] == 450.0
    assert "1 baseline or target-year rows without a cost (counted as 0)" in s.loc["A", "note"]
    inv.loc[2, "cost"] = "n/a"
    with pytest.raises(InputFormatError, match="source row 4, cost 'n/a'"):
        target_status(inv, Target(), budget="cost")


def test_an_amount_without_a_currency_beside_others_raises() -> None:
    # read in the others' currency (or the one converted to), it was a guess
    inv = rows(("A", 2019, "air", 1000.0), ("A", 2021, "air", 400.0))
    budget = pd.DataFrame({"entity": ["A", "A", "A"], "year": [2019, 2021, 2021],
                           "amount": [100.0, 40.0, 5.0], "currency": ["EUR", "EUR", ""]})
    for money in ({}, {"currency": "USD"}):
        with pytest.raises(InputFormatError, match="without a currency beside amounts in "
                                                   "EUR; first: row 3"):
            target_status(inv, Target(), budget=budget, **money)
    budget.loc[2, "amount"] = 0.0  # nothing to convert: nothing guessed
    assert by_entity(target_status(inv, Target(), budget=budget)).loc[
        "A", "budget_actual"] == 40.0
    costs = rows(("A", 2019, "air", 1.0, 10.0), ("A", 2021, "air", 1.0, 5.0))
    costs["currency"] = ["USD", None]
    with pytest.raises(InputFormatError, match="without a currency"):
        target_status(costs, Target(), budget="cost")


def test_headcount_passed_to_target_status_is_read_or_refused() -> None:
    inv = rows(("A", 2019, "air", 2000.0), ("A", 2021, "air", 600.0))
    heads = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                          "headcount": ["1,000", "500"]})
    s = by_entity(target_status(inv, Target(), headcount=heads))
    assert s.loc["A", "baseline_per_capita"] == pytest.approx(2.0 / 1000)
    for cell, why in (("ten", "'ten' is not a number"), ("-3", "negative headcount")):
        bad = heads.assign(headcount=["1,000", cell])
        with pytest.raises(InputFormatError, match=why):
            target_status(inv, Target(), headcount=bad)


def test_an_id_that_differs_only_in_case_from_the_tree_is_pointed_out() -> None:
    # the tree says co-ke, the activity CO-KE: co-ke showed 0 t and "met", silently
    org = Entities.from_frame(pd.DataFrame({"id": ["HQ", "co-ke", "CO-TH"],
                                            "parent": ["", "HQ", "HQ"]}))
    inv = rows(("CO-KE", 2019, "air", 1000.0), ("CO-KE", 2021, "air", 400.0),
               ("CO-TH", 2019, "air", 10.0), ("XX", 2019, "air", 5.0))
    s = by_entity(target_status(inv, Target(), entities=org))
    assert s.loc["co-ke", "baseline"] == 0.0
    assert s.loc["co-ke", "note"].endswith(
        "activity under 'CO-KE' (not in the entity tree) differs from this id only in case "
        "or spaces: it is not counted here")
    assert not s.loc["CO-KE", "assigned"]
    assert s.loc["CO-KE", "note"] == ("not in the entity tree, which has 'co-ke' (differs "
                                      "only in case or spaces)")
    assert s.loc["XX", "note"] == s.loc["CO-TH", "note"] == ""  # nothing alike: nothing said


def test_budget_metric_needs_a_budget() -> None:
    with pytest.raises(ValueError, match="budget"):
        target_status(rows(("A", 2019, "air", 1.0)), Target(metric="budget"))


def test_per_capita(org: Entities) -> None:
    # CO1: 2 t / 4 people = 0.5 t per person in 2019; 0.6 t / 3 = 0.2 in 2021
    # RO adds CO2 (no activity, 1 person): 2 t / 5 = 0.4
    inv = rows(("CO1", 2019, "air", 2000.0), ("CO1", 2021, "air", 600.0))
    heads = pd.DataFrame({"entity": ["CO1", "CO1", "CO2"], "year": [2019, 2021, 2019],
                          "headcount": [4, 3, 1]})
    s = by_entity(target_status(inv, Target(), entities=org.with_headcount(heads)))
    assert s.loc["CO1", "baseline_per_capita"] == pytest.approx(0.5)
    assert s.loc["CO1", "actual_per_capita"] == pytest.approx(0.2)
    assert s.loc["RO", "baseline_per_capita"] == pytest.approx(0.4)
    assert np.isnan(s.loc["DIV", "baseline_per_capita"])  # no headcount -> NaN
    # explicit headcount argument gives the same
    s2 = by_entity(target_status(inv, Target(), entities=org, headcount=heads))
    assert s2.loc["RO", "baseline_per_capita"] == pytest.approx(0.4)


def test_several_targets_long_frame() -> None:
    inv = rows(("A", 2019, "air", 1000.0), ("A", 2021, "air", 600.0))
    t1, t2 = Target(), Target(reduction=0.3)
    s = target_status(inv, [t1, t2])
    assert s["target_name"].tolist() == [t1.name, t2.name]
    # 0.6 t: -40% misses the -50% target, meets the -30% one
    assert s["met"].tolist() == [False, True]
    with pytest.raises(ValueError, match="unique"):
        target_status(inv, [t1, Target()])


def test_accepts_inventory_like_objects_and_by_none(org: Entities) -> None:
    inv = rows(("DIV", 2019, "air", 1000.0), ("GHOST", 2019, "air", 1000.0),
               ("DIV", 2021, "air", 400.0))
    s = target_status(SimpleNamespace(data=inv), Target(), by=None)
    assert s["entity"].tolist() == ["(all)"]
    assert s.loc[0, "baseline"] == pytest.approx(2.0)
    # unknown ids are kept, under (unassigned), and counted in the root
    t = by_entity(target_status(inv, Target(), entities=org))
    assert t.loc["HQ", "baseline"] == pytest.approx(2.0)
    assert t.loc[UNASSIGNED, "baseline"] == pytest.approx(1.0)
    assert not t.loc["GHOST", "assigned"]
    with pytest.raises(InputFormatError):
        target_status([1, 2, 3], Target())


# ---------------------------------------------------------------------- year to date
def test_year_to_date_seasonal_and_pro_rata() -> None:
    # A: baseline 2019 = 0.4 t on 1 March + 0.6 t on 1 September = 1 t
    #    by 30 June 2019 0.4 t had accrued -> seasonal share 0.4
    #    allowance = 0.5 t x 0.4 = 0.2 t; YTD actual 0.15 t (the August row is later)
    #    -> on track; change vs baseline to date = (0.15 - 0.4) / 0.4 = -62.5%
    #    elapsed fraction: 30 June 2021 is day 181 of 365
    #    linear projection 0.15 / (181/365) = 0.30249 t; seasonal 0.15 / 0.4 = 0.375 t
    # B: baseline undated (year only) -> pro-rata allowance 0.5 t x 181/365 = 0.24795 t;
    #    actual 0.3 t -> behind, gap 0.05205 t
    inv = pd.DataFrame({
        "entity": ["A", "A", "A", "A", "B", "B"],
        "date": pd.to_datetime(["2019-03-01", "2019-09-01", "2021-02-01", "2021-08-01", None,
                                "2021-05-05"]),
        "year": [2019, 2019, 2021, 2021, 2019, 2021],
        "category": "air",
        "co2e_kg": [400.0, 600.0, 150.0, 999.0, 1000.0, 300.0],
    })
    s = by_entity(target_status(inv, Target(), as_of="2021-06-30"))
    elapsed = 181 / 365
    assert s.loc["A", "elapsed_fraction"] == pytest.approx(elapsed)
    assert s.loc["A", "allowance_method"] == "seasonal"
    assert s.loc["A", "allowance"] == pytest.approx(0.2)
    assert s.loc["A", "actual"] == pytest.approx(0.15)
    assert s.loc["A", "met"] and s.loc["A", "gap"] == 0.0
    assert s.loc["A", "change_pct"] == pytest.approx(-62.5)
    assert s.loc["A", "projected"] == pytest.approx(0.15 / elapsed)
    assert s.loc["A", "projected_seasonal"] == pytest.approx(0.375)
    assert s.loc["A", "projected_met"]
    assert s.loc["A", "target"] == pytest.approx(0.5)  # the full-year target is unchanged
    assert s.loc["B", "allowance_method"] == "pro-rata"
    assert s.loc["B", "allowance"] == pytest.approx(0.5 * elapsed)
    assert not s.loc["B", "met"]
    assert s.loc["B", "gap"] == pytest.approx(0.3 - 0.5 * elapsed)
    # projection 0.3 / 0.49589 = 0.605 t > 0.5 t
    assert not s.loc["B", "projected_met"]
    assert np.isnan(s.loc["B", "projected_seasonal"])
    with pytest.raises(ValueError, match="target year"):
        target_status(inv, Target(), as_of="2020-06-30")


# ---------------------------------------------------------------------- scenarios
# DESNZ 2019 factors (methodology.md check values), kgCO2e per passenger-km:
LH_BUSINESS_RF, LH_ECONOMY_RF = 0.43446, 0.14981
LH_BUSINESS, LH_ECONOMY = 0.22969, 0.07920
RAIL_NATIONAL, RAIL_INTERNATIONAL = 0.04115, 0.00597


def air_row(trip: str, entity: str, dest: str, km: float, cabin: str, factor: float,
            rf: bool = True, year: int = 2021, round_trip: bool = True, haul: str = "long_haul",
            cost: float = 1000.0) -> dict:
    co2e = km * factor * (2 if round_trip else 1)
    return {"trip_id": trip, "entity": entity, "year": year, "date": pd.Timestamp(year, 5, 1),
            "category": "air", "mode": "air", "origin": "GVA", "destination": dest,
            "cabin": cabin, "haul": haul, "distance_km": km, "passengers": 1.0,
            "round_trip": round_trip, "co2e_kg": co2e, "rf_kg": co2e * 0.4 if rf else 0.0,
            "factor_id": "desnz-2019", "factor_value": factor, "cost": cost, "currency": "USD",
            "factor_key": f"air:{haul}/{cabin}/{'rf' if rf else 'no_rf'}", "nights": np.nan,
            "country": ""}


def hotel_row(trip: str, entity: str, nights: float, country: str, year: int = 2021) -> dict:
    return {"trip_id": trip, "entity": entity, "year": year, "date": pd.Timestamp(year, 5, 1),
            "category": "hotel", "mode": "hotel", "destination": "", "nights": nights,
            "country": country, "co2e_kg": 10.0 * nights, "rf_kg": 0.0, "cost": 100.0 * nights,
            "currency": "USD", "factor_id": "desnz-2019", "passengers": 1.0}


def test_rail_instead_of_flights() -> None:
    # GVA-CDG-like leg, 400 km great-circle, return: rail 400 x 1.2 = 480 km each way
    #   -> 480 x 2 x 0.04115 = 39.504 kgCO2e (was 400 x 2 x 0.15573 = 124.584)
    # an 800 km leg stays in the air
    inv = pd.DataFrame([air_row("t1", "A", "CDG", 400.0, "economy", 0.15573,
                                haul="short_haul"),
                        air_row("t2", "A", "FCO", 800.0, "economy", 0.15573,
                                haul="short_haul")])
    out = apply_scenario(inv, RailInsteadOfFlights(max_km=700, detour=1.2))
    assert out.loc[0, "co2e_kg"] == pytest.approx(480 * 2 * RAIL_NATIONAL)
    assert out.loc[0, "category"] == "rail" and out.loc[0, "mode"] == "rail"
    assert out.loc[0, "distance_km"] == pytest.approx(480.0)
    assert out.loc[0, "rf_kg"] == 0.0 and out.loc[0, "factor_key"] == "rail:national"
    assert out.loc[0, "co2e_kg_before"] == pytest.approx(124.584)
    assert out.loc[1, "co2e_kg"] == pytest.approx(800 * 2 * 0.15573)
    assert out.loc[1, "scenario_changes"] == ""
    assert "rail instead" in out.loc[0, "scenario_changes"]
    assert any("detour" in a for a in out.attrs["assumptions"])
    # "auto": different countries -> international rail (Eurostar factor)
    inv2 = inv.assign(origin_country="CH", destination_country=["FR", "IT"])
    auto = apply_scenario(inv2, RailInsteadOfFlights(rail_kind="auto", detour=1.0))
    assert auto.loc[0, "co2e_kg"] == pytest.approx(400 * 2 * RAIL_INTERNATIONAL)


def test_economy_below_hours_with_and_without_rf() -> None:
    # 6,200 km: 0.5 h + 6200/800 = 8.25 h < 9 h -> economy:
    #   RF on:  6200 x 2 x 0.14981 = 1857.644 (was 6200 x 2 x 0.43446 = 5387.304)
    #   RF off: 6200 x 2 x 0.07920 =  982.08  (was 6200 x 2 x 0.22969 = 2848.156)
    # 9,000 km: 11.75 h -> stays business
    inv = pd.DataFrame([
        air_row("t1", "A", "JFK", 6200.0, "business", LH_BUSINESS_RF),
        air_row("t2", "A", "JFK", 6200.0, "business", LH_BUSINESS, rf=False),
        air_row("t3", "A", "BKK", 9000.0, "business", LH_BUSINESS_RF),
        air_row("t4", "A", "JFK", 6200.0, "economy", LH_ECONOMY_RF),
    ])
    out = apply_scenario(inv, EconomyBelow(hours=9))
    # the lever recomputes the legs with the engine, on the route's great-circle distance
    # (6,201.2 km for GVA-JFK; the row's 6,200 km only decides the flight time)
    gc = sc.great_circle("GVA", "JFK").m_as("km")
    assert out.loc[0, "co2e_kg"] == pytest.approx(gc * 2 * LH_ECONOMY_RF, rel=1e-4)
    assert out.loc[1, "co2e_kg"] == pytest.approx(gc * 2 * LH_ECONOMY, rel=1e-4)
    assert out.loc[0, "method"].startswith("DESNZ distance-based (desnz-2019)")
    assert out.loc[2, "co2e_kg"] == pytest.approx(9000 * 2 * LH_BUSINESS_RF)
    assert out.loc[3, "co2e_kg"] == pytest.approx(6200 * 2 * LH_ECONOMY_RF)
    assert out.loc[0, "cabin"] == "economy" and out.loc[2, "cabin"] == "business"
    assert out.loc[0, "factor_key"] == "air:long_haul/economy/rf"
    assert out.loc[0, "cost"] == pytest.approx(350.0)  # 1000 x 0.35
    # by distance instead: under 7,000 km
    by_km = apply_scenario(inv, EconomyBelow(km=7000))
    assert by_km.loc[0, "cabin"] == "economy" and by_km.loc[2, "cabin"] == "business"
    with pytest.raises(ValueError, match="exactly one"):
        EconomyBelow()


def test_economy_below_matches_a_recalculation() -> None:
    # the lever gives the figure calculate() gives for the same legs booked in economy
    log = pd.DataFrame({"trip_id": ["a", "b"], "entity": "A",
                        "date": pd.to_datetime(["2019-04-01", "2024-04-01"]),
                        "mode": "air", "origin": "GVA", "destination": ["JFK", "NBO"],
                        "cabin": "business", "round_trip": True, "passengers": [1, 2]})
    inv = sc.calculate(log)
    lever = apply_scenario(inv, EconomyBelow(hours=9))
    again = sc.calculate(log.assign(cabin="economy"))
    np.testing.assert_allclose(lever["co2e_kg"], again.data["co2e_kg"], rtol=1e-9)


def test_cut_trips_and_virtual_meetings() -> None:
    inv = pd.DataFrame([
        air_row("t1", "A", "JFK", 6200.0, "economy", LH_ECONOMY_RF),   # 1857.644
        hotel_row("t1", "A", 2, "US"),                                  # 20
        air_row("t2", "A", "JFK", 6200.0, "economy", LH_ECONOMY_RF),
        hotel_row("t2", "A", 5, "US"),                                  # 50
        air_row("t3", "A", "BRU", 750.0, "economy", 0.15573, haul="short_haul"),  # 233.595
        hotel_row("t3", "A", 1, "BE"),
    ])
    cut = apply_scenario(inv, CutTrips(share=0.2))
    np.testing.assert_allclose(cut["co2e_kg"], inv["co2e_kg"] * 0.8)
    np.testing.assert_allclose(cut["cost"], inv["cost"] * 0.8)
    assert cut.loc[1, "nights"] == pytest.approx(1.6)
    air_only = apply_scenario(inv, CutTrips(share=0.5, categories="air"))
    assert air_only.loc[1, "co2e_kg"] == 20.0 and air_only.loc[0, "co2e_kg"] == pytest.approx(
        1857.644 / 2)
    # online: trips to JFK of at most 3 nights -> only t1 (2 nights), flight and hotel
    vm = apply_scenario(inv, VirtualMeetings(destinations=["jfk"], max_nights=3))
    assert vm.loc[0, "co2e_kg"] == 0.0 and vm.loc[1, "co2e_kg"] == 0.0
    np.testing.assert_allclose(vm.loc[2:, "co2e_kg"], inv.loc[2:, "co2e_kg"])
    # short stays anywhere, half of them: t1 (2 nights) and t3 (1 night) halved
    vm2 = apply_scenario(inv, VirtualMeetings(share=0.5, max_nights=2))
    assert vm2.loc[4, "co2e_kg"] == pytest.approx(233.595 * 0.5)
    assert vm2.loc[2, "co2e_kg"] == pytest.approx(1857.644)
    # by hotel country
    vm3 = apply_scenario(inv, VirtualMeetings(countries=["BE"]))
    assert vm3.loc[[4, 5], "co2e_kg"].sum() == 0.0
    with pytest.raises(InputFormatError, match="purpose"):
        apply_scenario(inv, VirtualMeetings(purposes=["conference"]))


def test_scenario_composition_status_and_assumptions(org: Entities) -> None:
    # CO1, baseline 2019: 1 t. 2021: a 400 km return flight (124.584 kg) + a long-haul
    # economy return 6200 km (1857.644 kg): actual 1.982228 t, target 0.5 t.
    # Scenario: rail < 700 km (detour 1.0: 400 x 2 x 0.04115 = 32.92 kg), then cut 75%:
    #   (32.92 + 1857.644) x 0.25 = 472.641 kg -> 0.472641 t <= 0.5 t: met
    # effect_1 (rail) = 124.584 - 32.92 = 91.664 kg
    # effect_2 (cut)  = (32.92 + 1857.644) x 0.75 = 1417.923 kg
    inv = pd.DataFrame([
        {"entity": "CO1", "year": 2019, "category": "air", "co2e_kg": 1000.0},
        air_row("t1", "CO1", "CDG", 400.0, "economy", 0.15573, haul="short_haul"),
        air_row("t2", "CO1", "JFK", 6200.0, "economy", LH_ECONOMY_RF),
    ])
    scenario = Scenario([RailInsteadOfFlights(detour=1.0), CutTrips(share=0.75)])
    assert scenario.name == "rail instead of flights < 700 km + cut 75% of travel trips"
    changed = apply_scenario(inv, scenario, year=2021)
    assert changed.loc[0, "co2e_kg"] == 1000.0  # baseline row untouched
    assert changed.loc[1, "scenario_changes"] == (
        "rail instead of flights < 700 km; cut 75% of travel trips")
    s = by_entity(scenario_status(inv, Target(), scenario, entities=org))
    assert s.loc["CO1", "actual"] == pytest.approx(1.982228)
    assert not s.loc["CO1", "met"]
    assert s.loc["CO1", "scenario"] == pytest.approx(0.472641)
    assert s.loc["CO1", "scenario_met"]
    assert s.loc["CO1", "effect_1"] == pytest.approx(0.091664)
    assert s.loc["CO1", "effect_2"] == pytest.approx(1.417923)
    assert s.loc["CO1", "lever_effect"] == pytest.approx(0.091664 + 1.417923)
    assert s.loc["HQ", "scenario"] == pytest.approx(0.472641)  # rolled up
    assert "detour" in s.loc["CO1", "assumptions"]
    assert s.loc["CO1", "levers"].startswith("1: rail instead")
    # basis "baseline": the 2019 row (no distance, so no rail) cut by 75% -> 0.25 t
    b = by_entity(scenario_status(inv, Target(), scenario, entities=org, basis="baseline"))
    assert b.loc["CO1", "scenario"] == pytest.approx(0.25)
    assert b.loc["CO1", "scenario_change_pct"] == pytest.approx(-75.0)


def test_a_baseline_scenario_of_an_entity_without_baseline_says_why_it_has_none() -> None:
    # NEW flew in 2021 only: a plan from its baseline behaviour has nothing to start from
    inv = pd.DataFrame([
        {"entity": "OLD", "year": 2019, "category": "air", "co2e_kg": 1000.0},
        {"entity": "OLD", "year": 2021, "category": "air", "co2e_kg": 600.0},
        {"entity": "NEW", "year": 2021, "category": "air", "co2e_kg": 400.0},
    ])
    b = by_entity(scenario_status(inv, Target(), CutTrips(share=0.5), basis="baseline"))
    assert b.loc["OLD", "scenario"] == pytest.approx(0.5) and b.loc["OLD", "note"] == ""
    assert np.isnan(b.loc["NEW", "scenario"]) and pd.isna(b.loc["NEW", "scenario_met"])
    assert "no baseline-year rows to apply the levers to" in b.loc["NEW", "note"]
    assert "no baseline-year activity" in b.loc["NEW", "note"]  # the target status's note
    t = by_entity(scenario_status(inv, Target(), CutTrips(share=0.5), basis="target"))
    assert t.loc["NEW", "scenario"] == pytest.approx(0.2)
    assert "no baseline-year rows to apply" not in t.loc["NEW", "note"]


# ---------------------------------------------------------------------- restatement
def test_restate_merge_and_split(org: Entities) -> None:
    # old structure: A 10 t, B 5 t, S 8 t, K 2 t (unchanged)
    # today: A and B merged into DIV; S split 75% CO1 / 25% CO2
    inv = rows(("A", 2019, "air", 10000.0), ("B", 2019, "air", 5000.0),
               ("S", 2019, "air", 8000.0), ("K", 2019, "air", 2000.0),
               ("A", 2020, "air", 999.0))
    mapping = {"A": "DIV", "B": "DIV", "S": {"CO1": 0.75, "CO2": 0.25}}
    out = restate_baseline(inv, mapping, year=2019).set_index("entity")
    assert out.loc["A", "as_reported"] == 10.0 and out.loc["A", "restated"] == 0.0
    assert out.loc["DIV", "restated"] == 15.0 and out.loc["DIV", "as_reported"] == 0.0
    assert out.loc["CO1", "restated"] == 6.0 and out.loc["CO2", "restated"] == 2.0
    assert out.loc["K", "restated"] == 2.0 and out.loc["K", "difference"] == 0.0
    assert out["as_reported"].sum() == out["restated"].sum() == 25.0
    assert out.loc["A", "restatement"] == "now in DIV"
    assert out.loc["S", "restatement"] == "now in CO1 (75%), CO2 (25%)"
    assert out.loc["DIV", "restatement"] == "from A, B"
    # rows keep their origin and can feed target_status
    restated = restate_baseline(inv, mapping, year=2019, level="rows")
    assert set(restated["entity_as_reported"]) == {"A", "B", "S", "K"}
    assert restated.loc[restated["entity"] == "CO2", "co2e_kg"].sum() == 2000.0
    # with today's tree, both columns roll up and the root totals reconcile (25 t)
    tree = restate_baseline(inv, mapping, year=2019, entities=org).set_index("entity")
    assert tree.loc["HQ", "as_reported"] == tree.loc["HQ", "restated"] == 25.0
    assert tree.loc["RO", "restated"] == 8.0


def test_restate_recompute() -> None:
    # today's method gives 10% less (e.g. a newer factor edition)
    inv = rows(("A", 2019, "air", 10000.0), ("B", 2019, "air", 5000.0))
    out = restate_baseline(inv, {"B": "A"},
                           recompute=lambda r: r.assign(co2e_kg=r["co2e_kg"] * 0.9))
    out = out.set_index("entity")
    assert out.loc["A", "as_reported"] == 10.0
    assert out.loc["A", "restated"] == pytest.approx(13.5)  # (10 + 5) x 0.9
    assert out.loc["A", "restatement"] == "from B; recomputed"
    # a precomputed inventory works too
    pre = inv.assign(co2e_kg=[1000.0, 1000.0])
    assert restate_baseline(inv, recompute=pre)["restated"].sum() == pytest.approx(2.0)


def test_entity_mapping_validation() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        entity_mapping({"S": {"X": 0.5, "Y": 0.4}})
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        entity_mapping({"S": {"X": 1.5, "Y": -0.5}})
    frame = entity_mapping(pd.DataFrame({"old": ["S", "S"], "new": ["X", "Y"],
                                         "share": [0.3, 0.7]}))
    assert frame["share"].sum() == pytest.approx(1.0)


# ---------------------------------------------------------------------- decomposition
def legs(entity: str, spec: list[tuple[str, str, float, float]], year: int) -> pd.DataFrame:
    """Air rows from (haul, cabin, passenger-km, kgCO2e) with one-way, 1-passenger legs."""
    return pd.DataFrame({
        "trip_id": [f"{entity}{year}{i}" for i in range(len(spec))], "entity": entity,
        "year": year, "category": "air", "mode": "air",
        "haul": [s[0] for s in spec], "cabin": [s[1] for s in spec],
        "distance_km": [s[2] for s in spec], "passengers": 1.0, "round_trip": False,
        "co2e_kg": [s[3] for s in spec]})


def check_sum(d: pd.DataFrame) -> None:
    terms = d["activity_effect"] + d["mix_effect"] + d["factor_effect"] + d["unallocated"]
    np.testing.assert_allclose(terms, d["total_change"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(d["trips_effect"] + d["distance_effect"], d["activity_effect"],
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(d["target"] - d["baseline"], d["total_change"], rtol=0,
                               atol=1e-9)


def test_log_mean() -> None:
    # L(2, 1) = 1 / ln 2; L(a, a) = a; 0 for non-positive arguments
    np.testing.assert_allclose(log_mean(np.array([2.0, 3.0, 0.0]), np.array([1.0, 3.0, 1.0])),
                               [1 / np.log(2), 3.0, 0.0])


def test_decomposition_pure_mix_hand_worked() -> None:
    # baseline: economy 1000 pkm / 100 kg, business 1000 pkm / 300 kg (F 0.1, 0.3)
    # target:   economy 1500 pkm / 150 kg, business  500 pkm / 150 kg (same F)
    # A = 2000 pkm in both years -> activity 0; F unchanged -> factor 0;
    # mix: economy w = L(0.15, 0.1) t, ln(S1/S0) = ln(0.75/0.5) = ln 1.5 -> +0.05 t
    #      business w = L(0.15, 0.3), ln(0.25/0.5) = ln 0.5 -> -0.15 t; sum -0.1 t = total
    b = legs("A", [("long_haul", "economy", 1000.0, 100.0),
                   ("long_haul", "business", 1000.0, 300.0)], 2019)
    t = legs("A", [("long_haul", "economy", 1500.0, 150.0),
                   ("long_haul", "business", 500.0, 150.0)], 2021)
    d = decompose_change(b, t).set_index("entity")
    assert d.loc["A", "total_change"] == pytest.approx(-0.1)
    assert d.loc["A", "mix_effect"] == pytest.approx(-0.1, abs=1e-12)
    assert d.loc["A", "activity_effect"] == pytest.approx(0.0, abs=1e-12)
    assert d.loc["A", "factor_effect"] == pytest.approx(0.0, abs=1e-12)
    check_sum(d)


def test_decomposition_factor_only_new_edition() -> None:
    # same trips, factors x1.1 for economy and x0.9 for business: all change is factor
    # total = 0.1 x 1.1 + 0.3 x 0.9 - 0.4 = 0.11 + 0.27 - 0.4 = -0.02 t
    b = legs("A", [("long_haul", "economy", 1000.0, 100.0),
                   ("long_haul", "business", 1000.0, 300.0)], 2019)
    t = b.assign(year=2021, co2e_kg=[110.0, 270.0])
    d = decompose_change(b, t).set_index("entity")
    assert d.loc["A", "total_change"] == pytest.approx(-0.02)
    assert d.loc["A", "activity_effect"] == 0.0
    assert d.loc["A", "mix_effect"] == 0.0
    assert d.loc["A", "factor_effect"] == pytest.approx(-0.02, abs=1e-12)
    check_sum(d)


def test_decomposition_factor_only_real_editions() -> None:
    # the same flights computed with the 2019 and the 2024 editions
    log = pd.DataFrame({"trip_id": ["a", "b", "c"], "entity": "A",
                        "date": pd.to_datetime(["2019-04-01"] * 3), "mode": "air",
                        "origin": "GVA", "destination": ["JFK", "BRU", "BKK"],
                        "cabin": ["economy", "economy", "business"], "round_trip": True,
                        "passengers": [1, 3, 1]})
    b = sc.calculate(log, factors="desnz-2019")
    t = sc.calculate(log, factors="desnz-2024")
    d = decompose_change(b, t).set_index("entity")
    assert d.loc["A", "activity_effect"] == 0.0 and d.loc["A", "mix_effect"] == 0.0
    assert d.loc["A", "factor_effect"] == pytest.approx(d.loc["A", "total_change"], abs=1e-9)
    assert d.loc["A", "total_change"] > 0  # long-haul factors rose in 2024
    check_sum(d)


def test_decomposition_activity_only() -> None:
    # every trip taken twice (same mix, same factors): all change is activity, all trips
    b = legs("A", [("long_haul", "economy", 1000.0, 100.0),
                   ("short_haul", "business", 300.0, 70.0)], 2019)
    t = pd.concat([b, b.assign(trip_id=b["trip_id"] + "x")]).assign(year=2021)
    d = decompose_change(b, t).set_index("entity")
    assert d.loc["A", "total_change"] == pytest.approx(0.17)
    assert d.loc["A", "activity_effect"] == pytest.approx(0.17, abs=1e-9)
    assert d.loc["A", "trips_effect"] == pytest.approx(0.17, abs=1e-9)
    assert d.loc["A", "distance_effect"] == pytest.approx(0.0, abs=1e-9)
    assert d.loc["A", "mix_effect"] == pytest.approx(0.0, abs=1e-9)
    assert d.loc["A", "factor_effect"] == pytest.approx(0.0, abs=1e-9)
    assert (d.loc["A", "trips_baseline"], d.loc["A", "trips_target"]) == (2, 4)
    check_sum(d)


def test_decomposition_zeros_new_segments_groups_and_unallocated(org: Entities) -> None:
    # A: a first-class segment appears (0.5 t), economy unchanged -> mix gets the part of
    #    the change due to the new segment; sum still exact
    # B: travels only in 2021 -> all activity
    # C: travels only in 2019 -> all activity (negative)
    # D: a row without distance (cannot be placed) -> unallocated
    b = pd.concat([legs("A", [("long_haul", "economy", 1000.0, 100.0)], 2019),
                   legs("C", [("long_haul", "economy", 500.0, 50.0)], 2019),
                   legs("D", [("long_haul", "economy", np.nan, 40.0)], 2019)])
    t = pd.concat([legs("A", [("long_haul", "economy", 1000.0, 100.0),
                              ("long_haul", "first", 1000.0, 500.0)], 2021),
                   legs("B", [("short_haul", "economy", 800.0, 120.0)], 2021),
                   legs("D", [("long_haul", "economy", np.nan, 10.0)], 2021)])
    d = decompose_change(b, t).set_index("entity")
    check_sum(d)
    assert d.loc["B", "activity_effect"] == pytest.approx(0.12)
    assert d.loc["C", "activity_effect"] == pytest.approx(-0.05)
    assert d.loc["D", "unallocated"] == pytest.approx(-0.03)
    # A: the new segment's 0.5 t is mix (limit of LMDI as its baseline share -> 0); the
    #    economy segment keeps its 0.1 t but its share halves while activity doubles:
    #    activity w ln 2 and mix w ln 0.5 cancel (w = L(0.1, 0.1) = 0.1)
    assert d.loc["A", "mix_effect"] == pytest.approx(0.5 - 0.1 * np.log(2))
    assert d.loc["A", "activity_effect"] == pytest.approx(0.1 * np.log(2))
    assert d.loc["A", "factor_effect"] == pytest.approx(0.0, abs=1e-12)
    # one total over everything, and over the tree (ids unknown to it go to unassigned)
    total = decompose_change(b, t, by=None)
    check_sum(total)
    assert total.loc[0, "total_change"] == pytest.approx(d["total_change"].sum())
    tree = decompose_change(b, t, entities=org).set_index("entity")
    check_sum(tree)
    assert tree.loc["HQ", "total_change"] == pytest.approx(d["total_change"].sum())


def test_decomposition_random_inventories_sum_exactly() -> None:
    rng = np.random.default_rng(7)
    hauls, cabins = ["domestic", "short_haul", "long_haul"], ["economy", "business", "first"]

    def random_rows(year: int, n: int) -> pd.DataFrame:
        return pd.DataFrame({
            "trip_id": [f"{year}-{i // 2}" for i in range(n)],
            "entity": rng.choice(["E1", "E2", "E3", "E4"], n), "year": year,
            "category": "air", "mode": "air", "haul": rng.choice(hauls, n),
            "cabin": rng.choice(cabins, n), "distance_km": rng.uniform(100, 12000, n),
            "passengers": rng.integers(1, 4, n), "round_trip": rng.random(n) < 0.8,
            "co2e_kg": rng.uniform(10, 20000, n)})

    d = decompose_change(random_rows(2019, 400), random_rows(2021, 250))
    check_sum(d)
    assert (d["unallocated"] == 0).all()


def test_a_target_year_without_rows_is_noted_and_warned_not_silently_met():
    # an inventory of 2019 and 2021 judged for 2030: every actual is 0, a "100% cut" met
    # by everyone; the verdict stays (the arithmetic is right) but it is said and warned
    rows = pd.DataFrame({"entity": ["A", "B", "A"], "year": [2019, 2019, 2021],
                         "category": "air", "co2e_kg": [1000.0, 500.0, 400.0]})
    with pytest.warns(sc.SemCarbonWarning, match=r"no travel rows in the target year 2030"):
        status = sc.target_status(rows, sc.Target(2019, 2030, 0.5))
    assert status["actual"].tolist() == [0.0, 0.0]
    assert status["met"].all()
    assert status["note"].str.startswith("no travel activity on file for 2030").all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status = sc.target_status(rows, sc.Target(2019, 2021, 0.5))
    assert status["note"].tolist() == ["", ""]
    assert status["met"].tolist() == [True, True]


def test_an_inventory_figure_that_is_no_number_or_an_unknown_category_is_refused() -> None:
    """Bug: co2e_kg "1,000" or blank counted 0 (baseline 0.5 t for 1.5 t on file), and a
    category 'flight' was left out of a travel target and counted as facilities."""
    target = Target(2019, 2021, 0.5)
    rows = pd.DataFrame({"entity": "A", "year": [2019, 2019, 2021, 2021],
                         "category": "air", "co2e_kg": ["1,000", "500", None, "400"]})
    with pytest.raises(InputFormatError, match=r"2 row\(s\) without a figure in co2e_kg; "
                                               r"first: row 1 .*'1,000' is not a finite"):
        target_status(rows, target)
    blank = rows.assign(co2e_kg=[1000.0, 500.0, np.nan, 400.0], source_row=[2, 3, 4, 5])
    with pytest.raises(InputFormatError, match="first: source row 4, co2e_kg is empty"):
        target_status(blank, target)
    with pytest.raises(InputFormatError, match="without a figure"):
        scenario_status(blank, target, CutTrips(share=0.5))
    flight = blank.assign(co2e_kg=[1000.0, 500.0, 100.0, 400.0],
                          category=["Air", "flight", "air", "AIR "])
    with pytest.raises(InputFormatError, match=r"1 row\(s\) whose category is not an "
                                               r"inventory category \('flight'\); first: "
                                               r"source row 3"):
        target_status(flight, target)
    with pytest.raises(InputFormatError, match="blank"):
        target_status(flight.assign(category=["air", None, "air", "air"]), target)
    # case and spaces aside, known categories are read as before
    ok = target_status(flight.assign(category=["Air", "air", "air", "AIR "]), target)
    assert ok.set_index("entity").loc["A", ["baseline", "actual"]].tolist() == [1.5, 0.5]


def test_a_negative_budget_line_is_refused_naming_its_row() -> None:
    # audit: a 2021 line of -1000 made the budget target "met" (-200% against -50%)
    inv = rows(("A", 2019, "air", 1000.0), ("A", 2021, "air", 400.0))
    for cell in (-1000, "-1000", "(1,000)"):
        budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                               "amount": [1000, cell], "currency": "USD"})
        with pytest.raises(InputFormatError, match=r"budget: 1 row\(s\) with a negative "
                                                   r"amount; first: row 2 .*is not negative"):
            target_status(inv, Target(), budget=budget)
    zero = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021], "amount": [1000, 0]})
    assert by_entity(target_status(inv, Target(), budget=zero)).loc["A", "budget_met"]
