"""Issue 20: a trip computed alone carries exactly the inventory row of the table path.

Every result column (figures and provenance: edition, factor key and value, method, notes,
haul band and rule, RF flag and multiplier) is compared, over generated rows of all modes
and years 2010-2025 (so edition substitutions and category fallbacks are exercised).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sem_carbon as sc
from sem_carbon.schema import TRAVEL_RESULTS

AIRPORTS = ["GVA", "JFK", "NBO", "BKK", "LHR", "MAN", "EDI", "BRU", "DKR", "IST", "SYD", "GRU"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
years = st.integers(2010, 2026)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)  # type: ignore[arg-type]
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


def _assert_rows_equal(scalar: sc.Emission, table: pd.DataFrame) -> None:
    row = table.iloc[0]
    assert len(scalar.rows) == len(table) == 1
    for name in TRAVEL_RESULTS:
        got, want = scalar.rows[0][name], row[name]
        want = want.item() if isinstance(want, np.generic) else want
        assert _same(got, want), (name, got, want)
    assert scalar.co2e.m == pytest.approx(row["co2e_kg"], rel=1e-12)


@SETTINGS
@given(st.sampled_from(AIRPORTS), st.sampled_from(AIRPORTS),
       st.sampled_from(["economy", "premium economy", "business", "first", "average"]),
       years, st.sampled_from(["distance", "desnz", "smooth"]), st.booleans(), st.booleans(),
       st.integers(1, 4))
def test_flight_row_equals_table_row(a, b, cabin, year, haul, rf, co2_only, pax):
    if a == b:
        return
    date = f"{year}-06-15"
    scalar = sc.flight(a, b, cabin=cabin, date=date, haul=haul, radiative_forcing=rf,
                       co2_only=co2_only, passengers=pax)
    table = pd.DataFrame({"mode": ["air"], "origin": [a], "destination": [b], "cabin": [cabin],
                          "date": [date], "passengers": [pax]})
    inv = sc.calculate(table, haul=haul, radiative_forcing=rf, co2_only=co2_only)
    _assert_rows_equal(scalar, inv.data)


@SETTINGS
@given(st.floats(1, 5000), st.sampled_from(["national", "international", "light rail"]), years,
       st.integers(1, 3), st.booleans())
def test_rail_row_equals_table_row(km, kind, year, pax, round_trip):
    scalar = sc.rail(sc.Q_(km, "km"), kind=kind, year=year, passengers=pax,
                     round_trip=round_trip)
    table = pd.DataFrame({"mode": ["rail"], "distance_km": [km], "rail_kind": [kind],
                          "year": [year], "passengers": [pax], "round_trip": [round_trip]})
    _assert_rows_equal(scalar, sc.calculate(table).data)


@SETTINGS
@given(st.floats(1, 2000), st.sampled_from(["car", "taxi", "bus", "coach", "motorbike"]),
       st.sampled_from([None, "diesel", "petrol"]), years, st.integers(1, 3))
def test_road_row_equals_table_row(km, vehicle, fuel, year, pax):
    if fuel is not None and vehicle != "car":
        return
    scalar = sc.road(sc.Q_(km, "km"), vehicle=vehicle, fuel=fuel, year=year, passengers=pax)
    table = pd.DataFrame({"mode": ["road"], "distance_km": [km], "vehicle": [vehicle],
                          "fuel": [fuel or ""], "year": [year], "passengers": [pax]})
    _assert_rows_equal(scalar, sc.calculate(table).data)


@SETTINGS
@given(st.integers(1, 30), st.sampled_from(["CH", "US", "KE", "TH", "AT", "GB"]), years,
       st.sampled_from([None, 1, 2, 3, 7]))
def test_hotel_row_equals_table_row(nights, country, year, rooms):
    # rooms: the table path computed one room whatever the rows said (sc.hotel multiplied)
    scalar = sc.hotel(nights, country, year=year, rooms=rooms or 1)
    table = pd.DataFrame({"mode": ["hotel"], "nights": [nights], "country": [country],
                          "year": [year]})
    if rooms is not None:
        table["rooms"] = [rooms]
    _assert_rows_equal(scalar, sc.calculate(table).data)
    read = sc.calculate(sc.read_travel_log(table.assign(Rooms=table.pop("rooms"))
                                           if rooms is not None else table))
    _assert_rows_equal(scalar, read.data)


def test_multi_leg_flight_rows_are_the_legs_of_a_routing() -> None:
    scalar = sc.flight("GVA", "NBO", via=["ADD"], cabin="business", date="2019-03-05")
    table = pd.DataFrame({"mode": ["air", "air"], "origin": ["GVA", "ADD"],
                          "destination": ["ADD", "NBO"], "cabin": "business",
                          "date": "2019-03-05", "leg": [0, 1], "source_row": [2, 2]})
    inv = sc.calculate(table)
    assert len(scalar.rows) == 2
    for i in range(2):
        for name in TRAVEL_RESULTS:
            want = inv.data.iloc[i][name]
            want = want.item() if isinstance(want, np.generic) else want
            assert _same(scalar.rows[i][name], want), (i, name)
    assert sum(r["co2e_kg"] for r in scalar.rows) == pytest.approx(scalar.co2e.m, rel=1e-12)


def test_rail_lever_calls_the_engine() -> None:
    """The lever's rail rows are what calculate gives for the same rail trip."""
    from sem_carbon.targets import RailInsteadOfFlights, apply_scenario

    log = pd.DataFrame({"trip_id": ["a"], "entity": "A", "date": ["2019-04-01"],
                        "mode": "air", "origin": "GVA", "destination": "ZRH",
                        "round_trip": True, "passengers": [2]})
    inv = sc.calculate(log)
    lever = apply_scenario(inv, RailInsteadOfFlights(max_km=700, detour=1.2))
    km = inv.data["distance_km"].iloc[0] * 1.2
    rail = sc.rail(sc.Q_(km, "km"), kind="national", passengers=2, round_trip=True,
                   year=2019)
    row = lever.iloc[0]
    for name in TRAVEL_RESULTS:
        want = rail.rows[0][name]
        got = row[name].item() if isinstance(row[name], np.generic) else row[name]
        assert _same(got, want), (name, got, want)


def test_levers_raise_sem_carbon_errors() -> None:
    from sem_carbon.targets import CutTrips, EconomyBelow, RailInsteadOfFlights

    for make in (lambda: EconomyBelow(), lambda: CutTrips(share=2.0),
                 lambda: RailInsteadOfFlights(max_km=-1)):
        with pytest.raises(sc.SemCarbonError):
            make()
