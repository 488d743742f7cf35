"""The 2010-2018 and 2025 DESNZ editions, and the year matching that falls back per category.

Check values are workbook cells: each is given with its sheet and address, compared with
the shipped edition and, when the source workbooks are present (``../shared/data/desnz``),
with the cell itself. The fallback tests run the calculators on rows whose year's edition
lacks the row's category (no travel factors in 2010 and 2011, air with RF only in
2012-2015, no rail, taxis, buses or coaches before 2017, no hotels before 2019).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.factors.catalogue import air_edition, edition_with
from sem_carbon.report import tables as report_tables

REPO = Path(__file__).resolve().parents[1]
EDITIONS_DIR = REPO / "emission_factors"
SOURCE = REPO.parent / "shared" / "data" / "desnz"
NEW_IDS = (*(f"desnz-{y}" for y in range(2010, 2019)), "desnz-2025")


def descriptor(edition: str) -> dict:
    return json.loads((EDITIONS_DIR / edition / "datapackage.json").read_text(encoding="utf-8"))


def table(edition: str, category: str) -> pd.DataFrame:
    path = EDITIONS_DIR / edition / f"{category}.csv"
    if not path.is_file():
        return pd.DataFrame()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("value", "co2", "ch4", "n2o"):
        frame[column] = pd.to_numeric(frame[column].replace("", float("nan")))
    return frame


def rows(edition: str, category: str, **keys: str) -> pd.DataFrame:
    frame = table(edition, category)
    if frame.empty:
        return frame
    mask = pd.Series(True, index=frame.index)
    for key, value in keys.items():
        mask &= frame[key] == value
    return frame[mask]


# --------------------------------------------------------------------------- check values
AIR_LH_ECO = {"haul": "long_haul", "cabin": "economy"}
ELEC = {"country": "GB", "component": "generation"}
GAS = {"fuel": "natural_gas", "basis": "energy_gross"}
#: (edition, category, keys, sheet, cell, value as stored in the cell); a key "field"
#: names a per-gas column instead of the value
CELLS = [
    ("desnz-2010", "electricity", ELEC, "UK electricity", "F21", 0.48531),
    ("desnz-2010", "electricity", {**ELEC, "field": "co2"}, "UK electricity", "G21", 0.48219),
    ("desnz-2010", "electricity", {"country": "GB", "component": "td_losses"},
     "Transmission and distribution", "F18", 0.03908),
    ("desnz-2011", "electricity", ELEC, "UK electricity", "F21", 0.45205),
    ("desnz-2011", "electricity", {**ELEC, "field": "co2"}, "UK electricity", "G21", 0.44917),
    ("desnz-2011", "electricity", {"country": "GB", "component": "td_losses"},
     "Transmission and distribution", "F18", 0.03863),
    ("desnz-2012", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F31", 0.16396216),
    ("desnz-2012", "electricity", ELEC, "UK electricity", "F21", 0.46002),
    ("desnz-2012", "fuel", GAS, "Fuels", "E40", 0.18521),
    ("desnz-2013", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F31", 0.165362),
    ("desnz-2013", "electricity", ELEC, "UK electricity", "F21", 0.44548),
    ("desnz-2013", "fuel", GAS, "Fuels", "E40", 0.18404),
    ("desnz-2014", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F31", 0.15054),
    ("desnz-2014", "electricity", ELEC, "UK electricity", "F21", 0.49426),
    ("desnz-2014", "fuel", GAS, "Fuels", "E40", 0.18497300300000002),
    ("desnz-2015", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F31", 0.15175),
    ("desnz-2015", "electricity", ELEC, "UK electricity", "F21", 0.46219),
    ("desnz-2015", "fuel", GAS, "Fuels", "E40", 0.18445),
    ("desnz-2016", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F27", 0.14678000000000002),
    ("desnz-2016", "air", {**AIR_LH_ECO, "radiative_forcing": "false"}, "Business travel- air",
     "J27", 0.07760999999999998),
    ("desnz-2016", "electricity", ELEC, "UK electricity", "F23", 0.41204999999999997),
    ("desnz-2016", "fuel", GAS, "Fuels", "E38", 0.1839968181812754),
    ("desnz-2017", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F27", 0.15119000000000002),
    ("desnz-2017", "air", {**AIR_LH_ECO, "radiative_forcing": "false"}, "Business travel- air",
     "J27", 0.07993),
    ("desnz-2017", "electricity", ELEC, "UK electricity", "F23", 0.35156),
    ("desnz-2017", "fuel", GAS, "Fuels", "E38", 0.1841639890773745),
    ("desnz-2018", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "F28", 0.16279000000000002),
    ("desnz-2018", "air", {**AIR_LH_ECO, "radiative_forcing": "false"}, "Business travel- air",
     "J28", 0.08607000000000001),
    ("desnz-2018", "electricity", ELEC, "UK electricity", "F23", 0.28307),
    ("desnz-2018", "fuel", GAS, "Fuels", "E38", 0.18396),
    ("desnz-2025", "air", {**AIR_LH_ECO, "radiative_forcing": "true"}, "Business travel- air",
     "E28", 0.11704),
    ("desnz-2025", "air", {**AIR_LH_ECO, "radiative_forcing": "false"}, "Business travel- air",
     "I28", 0.06926),
    ("desnz-2025", "electricity", ELEC, "UK electricity", "E26", 0.177),
    ("desnz-2025", "fuel", GAS, "Fuels", "D42", 0.18296),
]


@pytest.mark.parametrize(("edition", "category", "keys", "sheet", "cell", "expected"), CELLS)
def test_check_values_are_the_workbook_cells(edition: str, category: str, keys: dict,
                                            sheet: str, cell: str, expected: float) -> None:
    keys = dict(keys)
    field = keys.pop("field", "value")
    hit = rows(edition, category, **keys)
    assert len(hit) == 1, (edition, category, keys)
    assert hit.iloc[0][field] == expected  # written with repr precision: no rounding
    assert hit.iloc[0]["source_table"] == sheet
    assert hit.iloc[0]["source_row"] == "".join(ch for ch in cell if ch.isdigit())


@pytest.mark.parametrize("edition", NEW_IDS)
def test_every_new_edition_has_three_checked_cells(edition: str) -> None:
    assert sum(1 for c in CELLS if c[0] == edition) >= 3


@cache
def _script() -> ModuleType:
    pytest.importorskip("xlrd")
    spec = importlib.util.spec_from_file_location("build_desnz", REPO / "scripts" /
                                                  "build_desnz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_desnz"] = module
    spec.loader.exec_module(module)
    return module


@cache
def _workbook(name: str) -> object:
    return _script().read_workbook(SOURCE / name)


@pytest.mark.slow
@pytest.mark.skipif(not SOURCE.is_dir(), reason="source workbooks (../shared/data/desnz) absent")
@pytest.mark.parametrize("edition", NEW_IDS)
def test_check_cells_read_from_the_workbooks(edition: str) -> None:
    wb = _workbook(descriptor(edition)["sources"][0]["file"])
    for _, _, _, sheet, cell, expected in (c for c in CELLS if c[0] == edition):
        col = "".join(ch for ch in cell if ch.isalpha())
        index = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(col))) - 1
        row = int("".join(ch for ch in cell if ch.isdigit())) - 1
        assert wb.sheet(sheet).cell(row, index) == expected, (edition, sheet, cell)


# --------------------------------------------------------------------------- what they lack
def test_2012_to_2015_air_has_with_rf_only_and_no_multiplier() -> None:
    for year in range(2012, 2016):
        edition = f"desnz-{year}"
        air = table(edition, "air")
        assert set(air["radiative_forcing"]) == {"true"}
        assert set(air["haul"]) == {"domestic", "short_haul", "long_haul"}
        meta = descriptor(edition)
        assert meta["rf_multiplier"] is None
        assert any("with RF only" in n and "90%" in n for n in meta["notes"])
    uplift = " ".join(descriptor("desnz-2012")["notes"])
    assert "Air distance uplift: 9%" in uplift
    assert "Air distance uplift: 8%" in " ".join(descriptor("desnz-2013")["notes"])


@pytest.mark.parametrize(("edition", "lacks", "has"), [
    ("desnz-2010", ["air", "rail", "road", "hotel", "fuel", "fuel_property", "water", "waste"],
     ["electricity"]),
    ("desnz-2011", ["air", "rail", "road", "hotel", "fuel", "fuel_property", "water", "waste"],
     ["electricity"]),
    ("desnz-2012", ["rail", "hotel", "biogenic_co2", "heat", "air without RF",
                    "air international", "road taxi", "road bus", "road coach"],
     ["air", "road", "fuel", "fuel_property", "water", "waste", "refrigerant"]),
    ("desnz-2015", ["rail", "hotel", "heat", "air without RF", "road coach"],
     ["biogenic_co2", "fuel_property"]),
    ("desnz-2016", ["rail", "hotel", "biogenic_co2", "road taxi", "road coach",
                    "heat onsite generation"], ["air", "road", "heat"]),
    ("desnz-2017", ["hotel", "biogenic_co2", "heat onsite generation"], ["rail", "road"]),
    ("desnz-2018", ["hotel", "biogenic_co2"], ["rail"]),
])
def test_notes_say_what_each_old_edition_lacks(edition: str, lacks: list, has: list) -> None:
    (summary,) = [n for n in descriptor(edition)["notes"] if n.startswith("Not in this edition")]
    named = summary.split(": ", 1)[1].split(". ")[0].split(", ")
    assert set(lacks) <= set(named)
    shipped = {r["name"] for r in descriptor(edition)["resources"]}
    for category in has:
        assert category in shipped and category not in named
    for category in lacks:
        if " " not in category:
            assert category not in shipped


def test_2025_lacks_nothing_and_keys_incineration_as_combustion() -> None:
    notes = descriptor("desnz-2025")["notes"]
    assert "Every category of the format has factors in this edition." in notes
    assert any("Incineration with energy recovery" in n and "12.10" in n for n in notes)
    waste = table("desnz-2025", "waste")
    assert (waste["disposal"] == "combustion").sum() > 10
    assert not (waste["label"].str.contains("Combustion")).any()


def test_fuel_properties_are_year_matched_or_absent() -> None:
    assert table("desnz-2010", "fuel_property").empty
    assert any("none for 2010" in n for n in descriptor("desnz-2010")["notes"])
    gas_2012 = rows("desnz-2012", "fuel_property", fuel="natural_gas", property="gross_cv")
    gas_2015 = rows("desnz-2015", "fuel_property", fuel="natural_gas", property="gross_cv")
    assert gas_2012.iloc[0]["source_table"] == "Historic fuel properties"
    assert gas_2015.iloc[0]["source_table"] == "Fuel properties - 2015"
    assert gas_2012.iloc[0]["value"] != gas_2015.iloc[0]["value"]
    # footnote digits are not part of a fuel name
    assert "coal_electricity_generation" in set(table("desnz-2015", "fuel_property")["fuel"])


@pytest.mark.parametrize(("edition", "gwp"), [
    ("desnz-2010", "SAR"), ("desnz-2011", "SAR"), ("desnz-2012", "SAR"), ("desnz-2013", "SAR"),
    ("desnz-2014", "SAR"), ("desnz-2015", "AR4"), ("desnz-2016", "AR4"),
])
def test_gwp_basis_of_the_older_editions(edition: str, gwp: str) -> None:
    meta = descriptor(edition)
    assert meta["gwp"] == gwp
    (note,) = [n for n in meta["notes"] if n.startswith("GWP:")]
    assert "states no GWP basis in its Introduction" in note
    methane = rows(edition, "refrigerant", gas="ch4")
    if not methane.empty:  # the refrigerant table's CH4 row is the GWP itself
        assert methane.iloc[0]["value"] == {"SAR": 21, "AR4": 25}[gwp]


# --------------------------------------------------------------------------- fallback rule
def test_edition_with_returns_the_edition_itself_when_it_publishes_the_category() -> None:
    fs = sc.load_factors("desnz-2014")
    assert edition_with(fs, "road", vehicle="car") == (fs, "")
    assert edition_with(fs, "electricity") == (fs, "")


@pytest.mark.parametrize(("edition", "category", "keys", "expected"), [
    ("desnz-2010", "fuel", {}, "desnz-2012"),       # nothing earlier: the nearest later
    ("desnz-2011", "rail", {}, "desnz-2017"),
    ("desnz-2013", "road", {"vehicle": "coach"}, "desnz-2017"),
    ("desnz-2012", "hotel", {}, "desnz-2019"),
    ("desnz-2020", "hotel", {}, "desnz-2019"),      # 2019 and 2021 as near: the earlier
    ("desnz-2024", "heat", {"kind": "onsite"}, "desnz-2025"),
])
def test_edition_with_picks_the_nearest_edition(edition: str, category: str, keys: dict,
                                                expected: str) -> None:
    used, note = edition_with(sc.load_factors(edition), category, **keys)
    assert used.id == expected
    assert note.startswith(f"{edition} has no {category} factors")
    assert note.endswith(f"used {expected} (nearest edition that publishes them)")


def test_air_needs_factors_with_and_without_rf() -> None:
    used, note = air_edition(sc.load_factors("desnz-2011"))
    assert used.id == "desnz-2016"
    assert note == ("desnz-2011 has no air factors; used desnz-2016 (nearest edition that "
                    "publishes them)")
    used, note = air_edition(sc.load_factors("desnz-2014"))
    assert used.id == "desnz-2016" and "with-RF ones only" in note
    fs = sc.load_factors("desnz-2016")
    assert air_edition(fs) == (fs, "")


# --------------------------------------------------------------------------- calculators
TRAVEL = pd.DataFrame({
    "source_row": [2, 3, 4, 5, 6, 7, 8, 9],
    "date": pd.to_datetime(["2010-05-01", "2013-05-01", "2010-05-01", "2014-05-01",
                            "2014-05-01", "2012-05-01", "2016-05-01", "2018-05-01"]),
    "mode": ["air", "air", "rail", "road", "road", "hotel", "air", "air"],
    "origin": ["GVA", "GVA", None, None, None, None, "GVA", "GVA"],
    "destination": ["JFK", "JFK", None, None, None, None, "JFK", "JFK"],
    "cabin": ["economy", "economy", None, None, None, None, "economy", "economy"],
    "distance_km": [np.nan, np.nan, 300.0, 100.0, 100.0, np.nan, np.nan, np.nan],
    "rail_kind": [None, None, "national", None, None, None, None, None],
    "vehicle": [None, None, None, "car", "coach", None, None, None],
    "fuel": [None, None, None, "diesel", None, None, None, None],
    "nights": [np.nan] * 5 + [3.0] + [np.nan] * 2,
    "country": [None] * 5 + ["FR"] + [None] * 2,
})


@pytest.fixture(scope="module")
def travel() -> pd.DataFrame:
    inv = sc.calculate(TRAVEL)
    assert inv.rejected.empty
    return inv.data.set_index("source_row")


@pytest.mark.parametrize(("row", "factor_id", "note"), [
    (2, "desnz-2016", "desnz-2010 has no air factors; used desnz-2016"),
    (3, "desnz-2016", "desnz-2013 has no air factors without RF"),
    (4, "desnz-2017", "desnz-2010 has no rail factors; used desnz-2017"),
    (5, "desnz-2014", ""),   # cars are in the 2014 edition: year-matched
    (6, "desnz-2017", "desnz-2014 has no road factors for coach; used desnz-2017"),
    (7, "desnz-2019", "desnz-2012 has no hotel factors; used desnz-2019"),
    (8, "desnz-2016", ""),
    (9, "desnz-2018", ""),
])
def test_batch_rows_name_the_edition_used_and_why(travel: pd.DataFrame, row: int,
                                                  factor_id: str, note: str) -> None:
    hit = travel.loc[row]
    assert hit["factor_id"] == factor_id
    if note:
        assert str(hit["notes"]).startswith(note)
    else:
        assert str(hit["notes"]) == ""


def test_batch_equals_the_serving_edition_and_the_scalar_helpers(travel: pd.DataFrame) -> None:
    flight = sc.flight("GVA", "JFK", cabin="economy", year=2010)
    assert flight.factor.edition == "desnz-2016"
    assert flight.notes[0].startswith("desnz-2010 has no air factors; used desnz-2016")
    direct = sc.flight("GVA", "JFK", cabin="economy", factors="desnz-2016")
    assert flight.co2e.m == pytest.approx(direct.co2e.m, rel=1e-12)
    assert travel.loc[2, "co2e_kg"] == pytest.approx(flight.co2e.m, rel=1e-12)
    assert travel.loc[2, "rf_kg"] == pytest.approx(flight.radiative_forcing.m, rel=1e-12)
    assert "x1.9 on CO2" in travel.loc[2, "method"]

    train = sc.rail(sc.Q_(300, "km"), year=2010)
    assert train.factor.edition == "desnz-2017"
    assert travel.loc[4, "co2e_kg"] == pytest.approx(train.co2e.m, rel=1e-12)

    car = sc.road(sc.Q_(100, "km"), vehicle="car", fuel="diesel", year=2014)
    assert car.factor.edition == "desnz-2014" and not car.notes
    assert car.co2e.m == pytest.approx(100 * rows("desnz-2014", "road", vehicle="car",
                                                  size="average", fuel="diesel")
                                       .iloc[0]["value"])
    assert travel.loc[5, "co2e_kg"] == pytest.approx(car.co2e.m, rel=1e-12)

    coach = sc.road(sc.Q_(100, "km"), vehicle="coach", year=2014)
    assert coach.factor.edition == "desnz-2017"
    assert any("has no road factors for coach" in n for n in coach.notes)
    assert travel.loc[6, "co2e_kg"] == pytest.approx(coach.co2e.m, rel=1e-12)

    stay = sc.hotel(3, "FR", year=2012)
    assert stay.factor.edition == "desnz-2019"
    assert stay.notes[0].startswith("desnz-2012 has no hotel factors; used desnz-2019")
    assert travel.loc[7, "co2e_kg"] == pytest.approx(stay.co2e.m, rel=1e-12)


def test_facilities_fall_back_per_category_and_match_the_scalars() -> None:
    data = pd.DataFrame({
        "source_row": [2, 3, 4, 5, 6],
        "year": [2010, 2010, 2011, 2013, 2013],
        "kind": ["electricity", "natural_gas", "water", "natural_gas", "waste"],
        "amount": [1000.0, 1000.0, 100.0, 1000.0, 2.0],
        "unit": ["kWh", "kWh", "m^3", "kWh", "t"],
        "country": ["GB", None, None, None, None],
        "material": [None, None, None, None, "general waste"],
        "disposal": [None, None, None, None, "landfill"],
    })
    inv = sc.calculate(sc.read_facilities(data))
    assert inv.rejected.empty
    out = inv.data.set_index("source_row")
    assert out.loc[2, "factor_id"] == "desnz-2010"  # UK electricity is in every edition
    assert out.loc[2, "co2e_kg"] == pytest.approx(1000 * 0.48531)
    assert out.loc[3, "factor_id"] == "desnz-2012"
    assert str(out.loc[3, "notes"]).startswith("desnz-2010 has no fuel factors; used desnz-2012")
    assert out.loc[3, "co2e_kg"] == pytest.approx(1000 * 0.18521)
    assert out.loc[4, "factor_id"] == "desnz-2012"
    assert out.loc[5, "factor_id"] == "desnz-2013" and str(out.loc[5, "notes"]) == ""
    assert out.loc[5, "co2e_kg"] == pytest.approx(1000 * 0.18404)
    assert out.loc[6, "factor_id"] == "desnz-2013"
    scalar = sc.fuel("natural gas", sc.Q_(1000, "kWh"), year=2010)
    assert scalar.factor.edition == "desnz-2012"
    assert scalar.co2e.m == pytest.approx(out.loc[3, "co2e_kg"], rel=1e-12)
    assert any("desnz-2010 has no fuel factors" in n for n in scalar.notes)
    assert sc.water(sc.Q_(100, "m^3"), year=2011).co2e.m == pytest.approx(
        out.loc[4, "co2e_kg"], rel=1e-12)
    assert sc.electricity(sc.Q_(1000, "kWh"), "GB", year=2010).factor.edition == "desnz-2010"


def test_report_counts_rows_from_another_edition_per_year(travel: pd.DataFrame) -> None:
    counted = report_tables.other_editions(travel.reset_index()).set_index("year")
    assert counted.loc[2010, "rows"] == 2 and counted.loc[2010, "other_edition"] == 2
    assert counted.loc[2010, "detail"] == ("air from desnz-2016: 1; rail from desnz-2017: 1")
    assert counted.loc[2014, "other_edition"] == 1
    assert counted.loc[2014, "detail"] == "road from desnz-2017: 1"
    assert counted.loc[2016, "other_edition"] == 0 and counted.loc[2016, "detail"] == ""
    assert counted.loc[2012, "share_pct"] == pytest.approx(100.0)


def test_hotel_median_names_the_edition_it_came_from() -> None:
    from sem_carbon.travel.surface import hotel_rows

    value, edition, note = hotel_rows(sc.load_factors("desnz-2020"), np.array(["KE"]))
    assert edition[0] == "desnz-2019"  # the median is of desnz-2019's countries
    assert "median of the" in note[0] and "in desnz-2019" in note[0]
    table_2019 = table("desnz-2019", "hotel")
    assert value[0] == pytest.approx(float(np.median(table_2019.loc[table_2019["city"] == "",
                                                                    "value"])))
