"""The bundled DESNZ editions (``emission_factors/desnz-*``) and their build script.

The CSVs are read with pandas directly (not through the library's loader), so these
tests check the shipped data on their own. Check values are the figures quoted in the
project's methodology notes, read from the published workbooks.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pint
import pytest

REPO = Path(__file__).resolve().parents[1]
EDITIONS_DIR = REPO / "emission_factors"
SCRIPT = REPO / "scripts" / "build_desnz.py"
SOURCE = REPO.parent / "shared" / "data" / "desnz"
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
EDITION_IDS = tuple(f"desnz-{y}" for y in YEARS)
#: Every shipped DESNZ edition (2010-2018 and 2025 are checked in test_desnz_history.py too).
ALL_IDS = tuple(f"desnz-{y}" for y in range(2010, 2026))
STANDARD = ("value", "unit", "co2", "ch4", "n2o", "label", "source_table", "source_row", "notes")
KEYS = {
    "air": ("haul", "cabin", "radiative_forcing"),
    "rail": ("kind",),
    "road": ("vehicle", "size", "fuel", "basis"),
    "hotel": ("country", "city"),
    "fuel": ("fuel", "basis"),
    "biogenic_co2": ("fuel", "basis"),
    "fuel_property": ("fuel", "property"),
    "electricity": ("country", "component"),
    "heat": ("kind", "component"),
    "water": ("service",),
    "waste": ("material", "disposal"),
    "refrigerant": ("gas", "protocol"),
}
REQUIRED_FIELDS = ("id", "title", "publisher", "year", "kind", "licenses", "attribution",
                   "sources", "resources", "created_by", "notes")


# --------------------------------------------------------------------------- helpers
def descriptor(edition: str) -> dict:
    return json.loads((EDITIONS_DIR / edition / "datapackage.json").read_text(encoding="utf-8"))


def table(edition: str, category: str) -> pd.DataFrame:
    frame = pd.read_csv(EDITIONS_DIR / edition / f"{category}.csv", dtype=str,
                        keep_default_na=False, encoding="utf-8")
    for column in ("value", "co2", "ch4", "n2o"):
        frame[column] = pd.to_numeric(frame[column].replace("", float("nan")))
    return frame


def row(edition: str, category: str, **keys: str) -> pd.Series:
    frame = table(edition, category)
    mask = pd.Series(True, index=frame.index)
    for key, value in keys.items():
        mask &= frame[key] == value
    hits = frame[mask]
    assert len(hits) == 1, f"{edition} {category} {keys}: {len(hits)} rows"
    return hits.iloc[0]


def value(edition: str, category: str, **keys: str) -> float:
    return float(row(edition, category, **keys)["value"])


def assert_published(actual: float, expected: str) -> None:
    """Equal to the check value at the decimals it is quoted with."""
    places = len(expected.split(".")[1]) if "." in expected else 0
    assert round(actual, places) == pytest.approx(float(expected), abs=1e-12), (actual, expected)
    assert actual == pytest.approx(float(expected), rel=1e-4)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_script() -> ModuleType:
    pytest.importorskip("xlrd")
    pytest.importorskip("openpyxl")
    pytest.importorskip("pycountry")
    spec = importlib.util.spec_from_file_location("build_desnz", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_desnz"] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- check values
AIR = {  # (haul, cabin): (2019 with RF, 2019 without, 2024 with RF, 2024 without)
    ("domestic", "average"): ("0.25493", "0.13483", "0.27257", "0.16098"),
    ("short_haul", "economy"): ("0.15573", "0.08233", "0.18287", "0.10794"),
    ("short_haul", "business"): ("0.23360", "0.12350", "0.27430", "0.16191"),
    ("long_haul", "average"): ("0.19562", "0.10342", "0.26128", "0.15423"),
    ("long_haul", "economy"): ("0.14981", "0.07920", "0.20011", "0.11812"),
    ("long_haul", "premium_economy"): ("0.23970", "0.12673", "0.32015", "0.18897"),
    ("long_haul", "business"): ("0.43446", "0.22969", "0.58028", "0.34252"),
    ("long_haul", "first"): ("0.59925", "0.31681", "0.80040", "0.47246"),
    ("international", "economy"): ("0.13845", "0.07320", "0.13465", "0.07948"),
    ("international", "business"): ("0.40149", "0.21226", "0.39044", "0.23047"),
}


@pytest.mark.parametrize(("haul", "cabin"), list(AIR))
def test_air_check_values(haul: str, cabin: str) -> None:
    w19, wo19, w24, wo24 = AIR[(haul, cabin)]
    for edition, with_rf, without in (("desnz-2019", w19, wo19), ("desnz-2024", w24, wo24)):
        keys = {"haul": haul, "cabin": cabin}
        assert_published(value(edition, "air", **keys, radiative_forcing="true"), with_rf)
        assert_published(value(edition, "air", **keys, radiative_forcing="false"), without)


SURFACE = [  # category, keys, 2019, 2024
    ("rail", {"kind": "national"}, "0.04115", "0.03546"),
    ("rail", {"kind": "international"}, "0.00597", "0.00446"),
    ("rail", {"kind": "light_rail_tram"}, "0.03508", "0.02860"),
    ("road", {"vehicle": "bus", "size": "average_local", "basis": "passenger_km"},
     "0.10471", "0.10846"),
    ("road", {"vehicle": "coach", "basis": "passenger_km"}, "0.02779", "0.02717"),
    ("road", {"vehicle": "taxi", "size": "regular", "basis": "passenger_km"}, "0.15018", "0.14861"),
    ("road", {"vehicle": "car", "size": "average", "fuel": "unknown", "basis": "vehicle_km"},
     "0.17710", "0.16691"),
    ("road", {"vehicle": "car", "size": "average", "fuel": "petrol", "basis": "vehicle_km"},
     "0.18084", "0.16450"),
    ("road", {"vehicle": "car", "size": "average", "fuel": "diesel", "basis": "vehicle_km"},
     "0.17336", "0.16984"),
]


@pytest.mark.parametrize(("category", "keys", "v2019", "v2024"), SURFACE)
def test_surface_check_values(category: str, keys: dict, v2019: str, v2024: str) -> None:
    assert_published(value("desnz-2019", category, **keys), v2019)
    assert_published(value("desnz-2024", category, **keys), v2024)
    unit = row("desnz-2019", category, **keys)["unit"]
    expected = "kgCO2e / km" if keys.get("basis") == "vehicle_km" else "kgCO2e / passenger / km"
    assert unit == expected


@pytest.mark.parametrize(("edition", "country", "expected"), [
    ("desnz-2019", "CH", "6.9"), ("desnz-2019", "US", "21.4"), ("desnz-2019", "TH", "54.6"),
    ("desnz-2019", "IN", "86.7"), ("desnz-2024", "CH", "6.6"), ("desnz-2024", "US", "16.1"),
    ("desnz-2024", "TH", "43.4"),
])
def test_hotel_check_values(edition: str, country: str, expected: str) -> None:
    hit = row(edition, "hotel", country=country, city="")
    assert_published(float(hit["value"]), expected)
    assert hit["unit"] == "kgCO2e / room_night"


@pytest.mark.parametrize("edition", ["desnz-2019", "desnz-2024"])
def test_hotel_kenya_absent_and_london(edition: str) -> None:
    frame = table(edition, "hotel")
    assert "KE" not in set(frame["country"])
    assert row(edition, "hotel", country="GB", city="london")["label"] == "UK (London)"
    assert frame["country"].str.fullmatch(r"[A-Z]{2}").all()
    assert any("Kenya is not listed" in n for n in descriptor(edition)["notes"])


FACILITIES = [  # category, keys, unit, 2019, 2024
    ("fuel", {"fuel": "natural_gas", "basis": "energy_gross"}, "kgCO2e / kWh",
     "0.18385", "0.18290"),
    ("fuel", {"fuel": "natural_gas", "basis": "volume"}, "kgCO2e / m^3", "2.03053", "2.04542"),
    ("fuel", {"fuel": "diesel", "basis": "volume"}, "kgCO2e / L", "2.59411", "2.51279"),
    ("fuel", {"fuel": "petrol", "basis": "volume"}, "kgCO2e / L", "2.20904", "2.08440"),
    ("fuel", {"fuel": "lpg", "basis": "volume"}, "kgCO2e / L", "1.52260", "1.55713"),
    ("fuel", {"fuel": "burning_oil", "basis": "volume"}, "kgCO2e / L", "2.54042", "2.54015"),
    ("fuel", {"fuel": "gas_oil", "basis": "volume"}, "kgCO2e / L", "2.75821", "2.75541"),
    ("electricity", {"country": "GB", "component": "generation"}, "kgCO2e / kWh",
     "0.25560", "0.20705"),
    ("electricity", {"country": "GB", "component": "td_losses"}, "kgCO2e / kWh",
     "0.02170", "0.01830"),
    ("water", {"service": "supply"}, "kgCO2e / m^3", "0.344", "0.15311"),
    ("water", {"service": "treatment"}, "kgCO2e / m^3", "0.708", "0.18574"),
]


@pytest.mark.parametrize(("category", "keys", "unit", "v2019", "v2024"), FACILITIES)
def test_facility_check_values(category: str, keys: dict, unit: str, v2019: str,
                               v2024: str) -> None:
    for edition, expected in (("desnz-2019", v2019), ("desnz-2024", v2024)):
        hit = row(edition, category, **keys)
        assert hit["unit"] == unit
        assert_published(float(hit["value"]), expected)


@pytest.mark.parametrize(("edition", "gas", "expected"), [
    ("desnz-2019", "hfc_134a", 1430), ("desnz-2019", "r410a", 2088), ("desnz-2019", "sf6", 22800),
    ("desnz-2024", "hfc_134a", 1300), ("desnz-2024", "r410a", 1924), ("desnz-2024", "sf6", 23500),
])
def test_refrigerant_gwps_match_the_assessment_reports(edition: str, gas: str,
                                                       expected: int) -> None:
    hit = row(edition, "refrigerant", gas=gas)
    assert float(hit["value"]) == expected
    assert hit["protocol"] == "kyoto"
    assert hit["unit"] == "kgCO2e / kg"


# --------------------------------------------------------------------------- RF and GWP
RF = {"desnz-2019": 1.9, "desnz-2020": 1.9, "desnz-2021": 1.9, "desnz-2022": 1.9,
      "desnz-2023": 1.7, "desnz-2024": 1.7,
      "desnz-2016": 1.9, "desnz-2017": 1.9, "desnz-2018": 1.9, "desnz-2025": 1.7}
GWP = {"desnz-2019": "AR4", "desnz-2020": "AR4", "desnz-2021": "AR4", "desnz-2022": "AR4",
       "desnz-2023": "AR5", "desnz-2024": "AR5",
       "desnz-2016": "AR4", "desnz-2017": "AR4", "desnz-2018": "AR4", "desnz-2025": "AR5"}


@pytest.mark.parametrize("edition", sorted(RF))
def test_rf_multiplier_and_gwp(edition: str) -> None:
    meta = descriptor(edition)
    assert meta["rf_multiplier"] == RF[edition]
    assert meta["gwp"] == GWP[edition]


@pytest.mark.parametrize("edition", sorted(RF))
def test_with_rf_is_co2_times_multiplier_plus_ch4_n2o(edition: str) -> None:
    m = descriptor(edition)["rf_multiplier"]
    air = table(edition, "air")
    with_rf = air[air["radiative_forcing"] == "true"].set_index(["haul", "cabin"])
    without = air[air["radiative_forcing"] == "false"].set_index(["haul", "cabin"])
    assert len(with_rf) == len(without) == 14
    assert sorted(with_rf.index) == sorted(without.index)
    # the editions added later are checked within the rounding of the published cells
    # (5 decimals: half a unit on each of value, CO2 x m, CH4 and N2O)
    slack = 0.0 if edition in EDITION_IDS else 0.5e-5 * (m + 3)
    for index, w in with_rf.iterrows():
        wo = without.loc[index]
        assert w["value"] == pytest.approx(wo["co2"] * m + wo["ch4"] + wo["n2o"], rel=1e-4,
                                           abs=slack)
        assert w["co2"] == pytest.approx(wo["co2"] * m, rel=1e-4, abs=slack)
        assert (w["ch4"], w["n2o"]) == (wo["ch4"], wo["n2o"])


# --------------------------------------------------------------------------- format
def publisher_suffix(year: int) -> str:
    """Abbreviation ending the publisher's name: Defra and DECC to 2015, DECC in 2016, BEIS
    to 2022, DESNZ from 2023."""
    return "(DECC)" if year <= 2016 else "(BEIS)" if year <= 2022 else "(DESNZ)"


@pytest.mark.parametrize("edition", ALL_IDS)
def test_datapackage_fields(edition: str) -> None:
    meta = descriptor(edition)
    for name in REQUIRED_FIELDS:
        assert name in meta, name
    year = int(edition.split("-")[1])
    assert meta["id"] == edition
    assert meta["year"] == year and isinstance(meta["year"], int)
    assert meta["kind"] == "emission-factors"
    assert meta["created_by"] == "scripts/build_desnz.py"
    assert meta["licenses"] == [{
        "name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}]
    assert meta["attribution"] == ("Contains public sector information licensed under the Open "
                                   "Government Licence v3.0.")
    (source,) = meta["sources"]
    assert source["path"] == ("https://www.gov.uk/government/publications/"
                              f"greenhouse-gas-reporting-conversion-factors-{year}")
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    assert source["file"].endswith((".xls", ".xlsx"))
    assert meta["publisher"].endswith(publisher_suffix(year))
    assert isinstance(meta["notes"], list) and all(isinstance(n, str) for n in meta["notes"])
    text = (EDITIONS_DIR / edition / "datapackage.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "id"')


def test_2019_uses_the_full_set() -> None:
    assert descriptor("desnz-2019")["sources"][0]["file"] == (
        "conversion-factors-2019-full-set-v01-02.xls")


@pytest.mark.parametrize("edition", ALL_IDS)
def test_resource_checksums(edition: str) -> None:
    folder = EDITIONS_DIR / edition
    resources = descriptor(edition)["resources"]
    listed = {r["path"] for r in resources}
    assert listed == {p.name for p in folder.glob("*.csv")}
    for resource in resources:
        assert resource["format"] == "csv"
        assert resource["path"] == f"{resource['name']}.csv"
        assert sha256(folder / resource["path"]) == resource["sha256"], resource["path"]


@pytest.fixture(scope="module")
def ureg() -> pint.UnitRegistry:
    registry = pint.UnitRegistry(cache_folder=None)
    registry.define("gram_CO2e = [co2e] = gCO2e")
    registry.define("kilogram_CO2e = 1e3 * gram_CO2e = kgCO2e")
    registry.define("tonne_CO2e = 1e6 * gram_CO2e = tCO2e")
    registry.define("passenger = [passenger]")
    registry.define("room_night = [room_night]")
    return registry


@pytest.mark.parametrize("edition", ALL_IDS)
def test_csv_schema_keys_and_units(edition: str, ureg: pint.UnitRegistry) -> None:
    for resource in descriptor(edition)["resources"]:
        category = resource["name"]
        path = EDITIONS_DIR / edition / resource["path"]
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == ["category", *KEYS[category], *STANDARD]
        frame = table(edition, category)
        assert (frame["category"] == category).all()
        assert frame["value"].map(math.isfinite).all()
        assert frame["source_row"].str.fullmatch(r"[1-9][0-9]*").all()
        assert (frame["source_table"] != "").all() and (frame["label"] != "").all()
        assert not frame.duplicated(list(KEYS[category])).any()
        for key in KEYS[category]:
            pattern = {"country": r"([A-Z]{2})?", "radiative_forcing": r"true|false"}.get(
                key, r"([a-z0-9]+(_[a-z0-9]+)*)?")
            assert frame[key].str.fullmatch(pattern).all(), (category, key)
        for unit in frame["unit"].unique():
            parsed = ureg.Unit(unit)
            if category != "fuel_property":
                assert parsed.dimensionality.get("[co2e]") == 1, unit
        gases = frame[["co2", "ch4", "n2o"]]
        complete = gases.notna().all(axis=1)
        allowed = 1e-5 + 1e-4 * frame.loc[complete, "value"].abs()
        if edition not in EDITION_IDS:  # later additions: also the published rounding
            allowed = np.maximum(allowed, rounding_slack(frame.loc[complete, ["value", "co2",
                                                                              "ch4", "n2o"]]))
        assert (frame.loc[complete, "value"] - gases[complete].sum(axis=1)).abs().le(
            allowed).all()


def rounding_slack(cells: pd.DataFrame) -> pd.Series:
    """Half a unit in the last published decimal of every cell of each row, summed."""
    def half_unit(value: float) -> float:
        for places in range(16):
            if abs(round(value, places) - value) <= 1e-12 * max(1.0, abs(value)):
                return 0.5 * 10.0 ** -places
        return 0.0
    return cells.map(half_unit).sum(axis=1)


def test_units_use_the_documented_spellings() -> None:
    allowed = {"kgCO2e / passenger / km", "kgCO2e / km", "kgCO2e / room_night", "kgCO2e / kWh",
               "kgCO2e / L", "kgCO2e / m^3", "kgCO2e / t", "kgCO2e / kg", "kgCO2e / GJ",
               "GJ / t", "kg / m^3"}
    for edition in ALL_IDS:
        for resource in descriptor(edition)["resources"]:
            assert set(table(edition, resource["name"])["unit"]) <= allowed


def test_key_values_are_canonical_for_the_library() -> None:
    keys_module = pytest.importorskip("sem_carbon.factors.keys")
    for edition in ALL_IDS:
        for resource in descriptor(edition)["resources"]:
            frame = table(edition, resource["name"])
            for key in KEYS[resource["name"]]:
                for text in frame[key].unique():
                    assert keys_module.normalise_key_value(key, text) == text


def test_library_loader_reads_the_editions() -> None:
    edition_module = pytest.importorskip("sem_carbon.factors.edition")
    fs = edition_module.FactorSet.from_folder(EDITIONS_DIR / "desnz-2024")
    factor = fs.get("air", haul="long_haul", cabin="business", radiative_forcing=True)
    assert factor.value.magnitude == pytest.approx(0.58028)


def test_editions_lacking_tables_say_so() -> None:
    assert not (EDITIONS_DIR / "desnz-2020" / "hotel.csv").exists()
    assert any("Hotel stay" in n for n in descriptor("desnz-2020")["notes"])
    for edition in ("desnz-2020", "desnz-2021", "desnz-2023"):
        assert not (EDITIONS_DIR / edition / "biogenic_co2.csv").exists()
        assert any("Outside of scopes" in n for n in descriptor(edition)["notes"])
    assert any("IEA" in n for n in descriptor("desnz-2019")["notes"])
    heat = table("desnz-2019", "heat")
    assert set(zip(heat["kind"], heat["component"], strict=True)) == {
        ("onsite", "generation"), ("district", "generation"), ("district", "td_losses")}


# --------------------------------------------------------------------------- the script
@pytest.mark.slow
@pytest.mark.skipif(not SOURCE.is_dir(), reason="source workbooks (../shared/data/desnz) absent")
def test_build_is_deterministic(tmp_path: Path) -> None:
    script = load_script()
    assert script.main(["--source", str(SOURCE), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(ALL_IDS)
    for edition in ALL_IDS:
        built = sorted(p.name for p in (tmp_path / edition).iterdir())
        shipped = sorted(p.name for p in (EDITIONS_DIR / edition).iterdir())
        assert built == shipped, edition
        for name in built:
            assert (tmp_path / edition / name).read_bytes() == (
                EDITIONS_DIR / edition / name).read_bytes(), f"{edition}/{name}"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="source workbooks (../shared/data/desnz) absent")
def test_source_checksums_recorded() -> None:
    for edition in ALL_IDS:
        (source,) = descriptor(edition)["sources"]
        assert sha256(SOURCE / source["file"]) == source["sha256"]


def _air_sheet(script: ModuleType, cells: dict | None = None) -> object:
    """A one-row 'Business travel- air' sheet in the 2024 layout (values from that sheet)."""
    gases = ["kg CO2e", "kg CO2e of CO2 per unit", "kg CO2e of CH4 per unit",
             "kg CO2e of N2O per unit"]
    header = ["Activity", "Haul", "Class", "Unit", *gases, *gases]
    data = ["Flights", "Domestic, to/from UK", "Average passenger", "passenger.km",
            0.27257, 0.27101, 0.00022, 0.00134, 0.16098, 0.15942, 0.00022, 0.00134]
    rows = [
        ["incorporate a 70% increase in CO2 emissions"],
        [None, None, None, None, "With RF", None, None, None, "Without RF"],
        header,
        data,
        [],
    ]
    for (r, c), new in (cells or {}).items():
        rows[r] = list(rows[r]) + [None] * (c + 1 - len(rows[r]))
        rows[r][c] = new
    return script.Sheet("Business travel- air", rows)


def _run_air(script: ModuleType, sheet: object) -> tuple[list, object]:
    wb = script.Workbook(Path("test.xlsx"), {"Business travel- air": sheet})
    ctx = script.Context(script.EDITIONS[-1])
    return script.read_air(wb, ctx), ctx


def test_script_reads_a_known_air_layout() -> None:
    script = load_script()
    factors, ctx = _run_air(script, _air_sheet(script))
    assert ctx.rf_multiplier == 1.7
    assert [(f.keys["radiative_forcing"], f.value, f.source_row) for f in factors] == [
        ("true", 0.27257, 4), ("false", 0.16098, 4)]


@pytest.mark.parametrize(("cells", "message"), [
    ({(2, 4): "kg CO2e (total)"}, "unexpected header"),
    ({(2, 0): "Activities"}, "no table header"),
    ({(3, 4): 0.28}, "does not match the total"),
    ({(3, 1): "Medium-haul"}, "unknown haul"),
    ({(0, 0): "incorporate a 90% increase"}, "states"),
    ({(4, 6): 0.5}, "outside every recognised table column"),
    ({(3, 12): 1.0}, "outside every recognised table column"),
    ({(3, 9): "n/a"}, "expected a number"),
])
def test_script_fails_loudly_on_layout_changes(cells: dict, message: str) -> None:
    script = load_script()
    with pytest.raises(script.LayoutError, match=message):
        _run_air(script, _air_sheet(script, cells=cells))


def test_script_rejects_unmapped_hotel_country() -> None:
    script = load_script()
    rows = [[], ["Activity", "Country", "Unit", "kg CO2e"],
            ["Hotel stay", "UK (London)", "Room per night", 11.5],
            [None, "Atlantis", "Room per night", 20.0]]
    wb = script.Workbook(Path("test.xlsx"), {"Hotel stay": script.Sheet("Hotel stay", rows)})
    with pytest.raises(script.LayoutError, match="Atlantis"):
        script.read_hotel(wb, script.Context(script.EDITIONS[-1]))
    rows.pop()
    (factor,) = script.read_hotel(wb, script.Context(script.EDITIONS[-1]))
    assert (factor.keys, factor.value) == ({"country": "GB", "city": "london"}, 11.5)


@pytest.mark.parametrize(("label", "key"), [
    ("HFC-134a", "hfc_134a"), ("R410A", "r410a"), ("Sulphur hexafluoride (SF6)", "sf6"),
    ("Perfluoromethane (PFC-14)", "pfc_14"), ("CFC-11/R11 = trichlorofluoromethane", "cfc_11"),
    ("R290 = propane", "r290"), ("R1234yf*", "r1234yf"), ("HFE-449sl (HFE-7100)", "hfe_449sl"),
])
def test_gas_keys(label: str, key: str) -> None:
    assert load_script().gas_key(label) == key


@pytest.mark.parametrize(("label", "key"), [
    ("Diesel (average biofuel blend)", "diesel"), ("Diesel (100% mineral diesel)",
                                                   "diesel_mineral"),
    ("Petrol (100% mineral petrol)", "petrol_mineral"), ("Coal (industrial)", "coal_industrial"),
    ("Coal (electricity generation)", "coal_electricity_generation"), ("Wood pellets",
                                                                       "wood_pellets"),
    ("Burning Oil", "burning_oil"), ("Natural gas", "natural_gas"),
])
def test_fuel_keys(label: str, key: str) -> None:
    assert load_script().fuel_key(label) == key


@pytest.mark.slow
@pytest.mark.skipif(not (SOURCE / "ghg-conversion-factors-2019-condensed-set-v01-02.xls").is_file(),
                    reason="source workbooks (../shared/data/desnz) absent")
def test_2019_condensed_set_is_a_subset_of_the_full_set() -> None:
    script = load_script()

    def factors(name: str) -> dict:
        wb = script.read_workbook(SOURCE / name)
        ctx = script.Context(next(e for e in script.EDITIONS if e.year == 2019))
        out = {}
        for family in script.FAMILIES:
            if all(sheet in wb.sheets for sheet in family.sheets):
                for f in family.reader(wb, ctx):
                    out[(f.category, *f.keys.values())] = (f.value, f.co2, f.ch4, f.n2o)
        return out

    condensed = factors("ghg-conversion-factors-2019-condensed-set-v01-02.xls")
    full = factors(descriptor("desnz-2019")["sources"][0]["file"])
    assert condensed and all(full.get(key) == value for key, value in condensed.items())
