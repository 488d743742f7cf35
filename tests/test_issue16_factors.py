"""Issue 16 ("No silent wrong numbers"), the factor and unit items 4, 6, 7, 10 and 14.

Each test is named after its item and failed on the code before the fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.facilities import compute_facilities
from sem_carbon.factors import FactorSet, load_factors
from sem_carbon.factors.lookup import factor_columns
from sem_carbon.units import Q_, as_quantity, parse_unit

REPO = Path(__file__).resolve().parents[1]


def _meta(edition_id: str, kind: str = "emission-factors") -> dict:
    from conftest import TINY_META

    return {**TINY_META, "id": edition_id, "kind": kind}


# ------------------------------------------------------------------ item 4: factor units
def test_item04_factor_units_converted_on_overrides():
    """g/pkm, per mile and t/room-night overrides give the same result as kg/pkm ones."""
    base = load_factors("desnz-2024")
    expected_rail = sc.rail(Q_(100, "km"), "national", factors=base).co2e.m_as("kgCO2e")
    grams = base.with_overrides([{"category": "rail", "kind": "national", "value": 35.46,
                                  "unit": "gCO2e / passenger / km"}])
    assert sc.rail(Q_(100, "km"), "national", factors=grams).co2e.m_as("kgCO2e") == \
        pytest.approx(expected_rail)
    per_mile = base.with_overrides([{"category": "rail", "kind": "national",
                                     "value": 0.03546 * 1.609344,
                                     "unit": "kgCO2e / passenger / mile"}])
    assert sc.rail(Q_(100, "km"), "national", factors=per_mile).co2e.m_as("kgCO2e") == \
        pytest.approx(expected_rail)
    tonnes = base.with_overrides([{"category": "hotel", "country": "GB", "value": 0.0104,
                                   "unit": "tCO2e / room_night"}])
    assert sc.hotel(2, "GB", factors=tonnes).co2e.m_as("kgCO2e") == pytest.approx(20.8)
    # the table every batch path reads is in the canonical unit
    cols = factor_columns(grams, "rail")
    row = list(grams.table("rail")["kind"]).index("national")
    assert cols.value[row] == pytest.approx(0.03546)
    assert cols.unit[row] == "kgCO2e / passenger / km"
    batch = sc.calculate(pd.DataFrame({"mode": ["rail", "hotel"], "distance_km": [100, None],
                                       "rail_kind": ["national", None], "nights": [None, 2],
                                       "country": [None, "GB"], "year": [2024, 2024]}),
                         factors=tonnes.with_overrides([{
                             "category": "rail", "kind": "national", "value": 35.46,
                             "unit": "gCO2e / passenger / km"}]))
    assert batch.data["co2e_kg"].tolist() == pytest.approx([expected_rail, 20.8])


def test_item04_factor_units_converted_in_user_editions(tmp_path):
    """A user edition with air factors in g/pkm computes what the kg/pkm one does."""
    from conftest import TINY_META

    air = load_factors("desnz-2024").table("air")
    kg = sc.write_factor_set(tmp_path / "kg", TINY_META, {"air": air})
    grams = air.copy()
    for col in ("value", "co2", "ch4", "n2o"):
        grams[col] = grams[col] * 1000
    grams["unit"] = "gCO2e / passenger / km"
    g = sc.write_factor_set(tmp_path / "g", TINY_META, {"air": grams})
    keys = {"haul": "long_haul", "cabin": "economy", "radiative_forcing": "false"}
    assert g.get("air", **keys).value.m == pytest.approx(kg.get("air", **keys).value.m)
    assert g.get("air", **keys).unit == kg.get("air", **keys).unit
    a = sc.flight("LHR", "JFK", factors=kg).co2e.m_as("kgCO2e")
    b = sc.flight("LHR", "JFK", factors=g).co2e.m_as("kgCO2e")
    assert b == pytest.approx(a) and a > 100
    assert "value converted on load from 118.12 gCO2e / passenger / km" in \
        g.get("air", **keys).notes


@pytest.mark.parametrize(
    ("category", "keys", "unit"),
    [("air", {"haul": "long_haul", "cabin": "economy", "radiative_forcing": "false"},
      "kgCO2e / km"),
     ("hotel", {"country": "FR"}, "kgCO2e / passenger"),
     ("electricity", {"country": "FR", "component": "generation"}, "kgCO2e / km"),
     ("fuel", {"fuel": "diesel", "basis": "volume"}, "kgCO2e / kg"),
     ("road", {"vehicle": "car", "size": "small", "fuel": "diesel", "basis": "vehicle_km"},
      "kgCO2e / passenger / km")],
)  # fmt: skip
def test_item04_factor_units_dimensionally_wrong_are_refused(category, keys, unit, tmp_path):
    from conftest import TINY_META

    row = {"category": category, **keys, "value": 1.0, "unit": unit}
    with pytest.raises(sc.FactorIntegrityError, match=r"row 1.*" + category):
        load_factors("desnz-2024").with_overrides([row])
    with pytest.raises(sc.FactorIntegrityError, match=r"x\.csv line 2.*" + category) as info:
        sc.write_factor_set(tmp_path / "e", TINY_META, {"x": pd.DataFrame([row])})
    assert unit in str(info.value)


# ------------------------------------------------------------------ item 6: own grid factor
def test_item06_own_grid_factor_override_honoured():
    fs = load_factors("desnz-2024").with_overrides([
        {"category": "electricity", "country": "FR", "component": "generation",
         "value": 50, "unit": "gCO2e / kWh", "label": "our PPA"}])
    result = sc.electricity(Q_(1000, "kWh"), "FR", factors=fs)
    assert result.co2e.m_as("kgCO2e") == pytest.approx(50.0)
    assert result.factor.label == "our PPA" and result.factor.edition == fs.id
    table = pd.DataFrame({"kind": ["electricity", "electricity"], "amount": [1000, 1000],
                          "unit": ["kWh", "kWh"], "country": ["FR", "DE"],
                          "year": [2024, 2024]})
    results, rejects = compute_facilities(table, fs)
    assert rejects.empty
    assert results["co2e_kg"].iloc[0] == pytest.approx(50.0)
    assert results["factor_id"].iloc[0] == fs.id
    assert results["factor_id"].iloc[1] == "ember-grid"  # not overridden: Ember as before


def test_item06_own_grid_factor_table_via_grid_and_calculate(tmp_path):
    rows = pd.DataFrame({"category": ["electricity"] * 2, "country": ["CH", "KE"],
                         "component": ["generation"] * 2, "value": [12.0, 0.1],
                         "unit": ["gCO2e / kWh", "kgCO2e / kWh"],
                         "label": ["CH supplier mix", "KE"]})
    grid = sc.write_factor_set(tmp_path / "my-grid", _meta("my-grid", "grid-intensity"),
                               {"electricity": rows})
    single = sc.electricity(Q_(1000, "kWh"), "CH", year=2024, grid=grid)
    assert single.co2e.m_as("kgCO2e") == pytest.approx(12.0)
    assert single.factor.edition == "my-grid"
    by_path = sc.electricity(Q_(1000, "kWh"), "KE", grid=tmp_path / "my-grid")
    assert by_path.co2e.m_as("kgCO2e") == pytest.approx(100.0)
    table = pd.DataFrame({"kind": ["electricity"], "amount": [1000], "unit": ["kWh"],
                          "country": ["CH"], "year": [2024]})
    inv = sc.calculate(table, grid=grid)
    assert inv.data["co2e_kg"].tolist() == pytest.approx([12.0])
    assert inv.data["factor_id"].tolist() == ["my-grid"]
    with pytest.raises(sc.UnknownFactorError, match=r"my-grid publishes no grid intensity "
                                                    r"for country 'FR' \(2 countries"):
        sc.electricity(Q_(1, "kWh"), "FR", grid=grid)


# ------------------------------------------------------------------ item 7: CNG, UK factors
def test_item07_cng_cubic_metres_are_gas_at_standard_conditions():
    # desnz-2024 "Fuel properties" row 31: natural gas 0.796 kg/m^3; "Fuels" row 27: CNG
    # 2,568.16441 kgCO2e/t. 100 m^3 -> 100 x 0.796 x 2.56816441 = 204.43 kgCO2e.
    result = sc.fuel("CNG", Q_(100, "m^3"), factors="desnz-2024")
    assert result.co2e.m_as("kgCO2e") == pytest.approx(100 * 0.796 * 2.56816441)
    assert any("standard conditions" in n and "0.796" in n for n in result.notes)
    # litres are DESNZ's own basis, litres of compressed gas ("Fuels" row 28)
    litres = sc.fuel("CNG", Q_(1000, "L"), factors="desnz-2024")
    assert litres.co2e.m_as("kgCO2e") == pytest.approx(449.42)
    assert any("compressed" in n for n in litres.notes)
    table = pd.DataFrame({"kind": ["cng", "cng"], "amount": [100, 1000],
                          "unit": ["m3", "L"], "year": [2024, 2024]})
    results, rejects = compute_facilities(table, "desnz-2024")
    assert rejects.empty
    assert results["co2e_kg"].tolist() == pytest.approx([204.4259, 449.42], rel=1e-4)


def test_item07_liquefied_biomethane_volume_is_not_read_with_a_gas_density():
    # the only biomethane density DESNZ publishes (0.725 kg/m^3) is of the gas
    with pytest.raises(sc.UnknownFactorError, match="liquefied"):
        sc.fuel("biomethane_liquified", Q_(1000, "L"), factors="desnz-2024")


def test_item07_uk_factor_abroad_noted():
    from sem_carbon.facilities import UK_FACTOR_ABROAD

    table = pd.DataFrame({
        "kind": ["district_heat", "water", "waste", "water", "waste", "diesel"],
        "amount": [1000, 10, 1, 10, 1, 10], "unit": ["kWh", "m3", "t", "m3", "t", "L"],
        "country": ["FR", "KE", "CH", "GB", "", "FR"],
        "material": [None, None, "general waste", None, "general waste", None],
        "disposal": [None, None, "landfill", None, "landfill", None], "year": [2024] * 6})
    results, rejects = compute_facilities(table, "desnz-2024")
    assert rejects.empty
    flagged = results["notes"].str.contains(UK_FACTOR_ABROAD, regex=False).tolist()
    assert flagged == [True, True, True, False, False, False]
    assert "site in FR" in results["notes"].iloc[0]
    assert UK_FACTOR_ABROAD in " ".join(sc.water(Q_(10, "m^3"), country="Kenya").notes)
    assert UK_FACTOR_ABROAD not in " ".join(sc.water(Q_(10, "m^3"), country="GB").notes)
    assert UK_FACTOR_ABROAD in " ".join(
        sc.waste(Q_(1, "t"), "general waste", "landfill", country="CH").notes)
    assert UK_FACTOR_ABROAD in " ".join(sc.heat(Q_(1, "MWh"), country="FR").notes)


# ------------------------------------------------------------------ item 10: unit grammar
HANG = "km*10**10**10/10**10**10"


def test_item10_exponent_tower_refused_promptly():
    """The 24-character text hung pint at 100% CPU; every path now refuses it first.

    The bound (60 s, for six paths) is a hang detector, not a benchmark: each call
    returns in milliseconds.
    """
    script = textwrap.dedent(f"""
        import pandas as pd, sem_carbon as sc
        from sem_carbon.units import parse_unit, as_quantity
        hang = {HANG!r}
        for call in (lambda: parse_unit(hang), lambda: as_quantity("5 " + hang, "[length]", "d"),
                     lambda: sc.rail("5 " + hang), lambda: sc.fuel("diesel", "5 " + hang)):
            try:
                call()
            except sc.UnitError as exc:
                assert "exponent" in str(exc), exc
            else:
                raise SystemExit("not refused")
        res, rej = sc.facilities.compute_facilities(pd.DataFrame(
            {{"kind": ["diesel"], "amount": [1], "unit": [hang], "year": [2024]}}))
        assert res.empty and "exponent" in rej["reason"].iloc[0], rej
        inv = sc.calculate(pd.DataFrame({{"mode": ["rail"], "distance_km": [5],
                                          "year": [2024]}}))
        try:
            inv.total(hang)
        except sc.UnitError:
            print("refused")
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused"


def test_item10_exponent_tower_refused_in_editions_and_cli(tmp_path):
    from conftest import TINY_META, tiny_rows

    rows = tiny_rows()
    rows["hotel"]["unit"] = "kgCO2e / room_night*10**10**10/10**10**10"
    script = textwrap.dedent(f"""
        import sem_carbon as sc, pandas as pd
        rows = {{"hotel": pd.DataFrame({rows["hotel"].to_dict("list")!r})}}
        try:
            sc.write_factor_set({str(tmp_path / "e")!r}, {TINY_META!r}, rows)
        except sc.FactorIntegrityError as exc:
            assert "exponent" in str(exc), exc
            print("refused")
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.stdout.strip() == "refused", done.stderr
    log = tmp_path / "trips.csv"
    log.write_text("mode,distance,date\nrail,5,2024-01-01\n")
    cli = subprocess.run([sys.executable, "-m", "sem_carbon.cli", "calc", str(log),
                          "--units", f"distance={HANG}", "-o", str(tmp_path / "o.csv")],
                         capture_output=True, text=True, timeout=60, env=env)
    assert cli.returncode != 0
    assert "exponent" in cli.stderr or "not a unit" in cli.stderr, cli.stderr


@pytest.mark.parametrize("text", [
    "m^3", "m**3", "m ** 3", "m³", "m²", "kgCO2e / passenger / km", "kWh", "L", "litre",
    "tonne", "kgCO2e/kWh", "1/km", "1 / km", "kgCO2e / (m ** 3)", "s^-2", "kg m",
    "kg*m", "kg·m", "%", "dimensionless", "°C", "µg", "gCO2e/pkm", "room_night",
    "US_liquid_gallon", "kgCO2e / passenger / mile",
])
def test_item10_unit_grammar_accepts_real_units(text):
    parse_unit(text)


@pytest.mark.parametrize("text", [
    "10**10", "9**9", "m^2^3", "m**2**3", "m^99", "m^(3)", "2 m",
    "km * 1e3", "m²^2", "((m)", "m)", "km-mi", "s^0.5", "kg; import os", "", "  ",
    "km**(2)", "__import__", "m^", "/km", "km/",
])
def test_item10_unit_grammar_refuses_the_rest(text):
    with pytest.raises(sc.UnitError):
        parse_unit(text)


@pytest.mark.parametrize(("text", "km"), [("120 km", 120.0), ("1.5e3 metre", 1.5),
                                          ("3 mi", 4.828032), ("-0.5 km", -0.5), (".5km", 0.5)])
def test_item10_quantity_texts_still_work(text, km):
    assert as_quantity(text, "[length]", "d").m_as("km") == pytest.approx(km)


def test_item10_a_bare_m_in_a_quantity_text_is_refused_as_the_readers_refuse_it():
    # units are read without their case, and a mileage export's M is miles: "1.5e3 m" is
    # refused with the readers' reason (a pint Quantity in metres is read as ever)
    with pytest.raises(sc.UnitError, match="metre or mile"):
        as_quantity("1.5e3 m", "[length]", "d")
    assert as_quantity(sc.Q_(1.5e3, "m"), "[length]", "d").m_as("km") == 1.5


@pytest.mark.parametrize("text", ["5 km*10**10/10**10", "2**2000 km", "km", "5", "1e999 km",
                                  "nan km"])
def test_item10_quantity_texts_outside_the_grammar_refused(text):
    with pytest.raises(sc.UnitError):
        as_quantity(text, "[length]", "d")


# ------------------------------------------------------------------ item 14: resource paths
def _edition_with_resource_path(tmp_path: Path, path_text: str) -> Path:
    from conftest import TINY_META, tiny_rows

    folder = tmp_path / "ed"
    sc.write_factor_set(folder, TINY_META, tiny_rows())
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = path_text
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "drive", "backslash"])
def test_item14_resource_paths_stay_inside_the_edition_folder(kind, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("category,value,unit\nTOP SECRET CONTENT,1,kg\n")
    import hashlib

    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    text = {"dotdot": "../secret.csv", "absolute": str(secret), "symlink": "link.csv",
            "drive": "C:/secret.csv", "backslash": "..\\secret.csv"}[kind]
    folder = _edition_with_resource_path(tmp_path, text)
    if kind == "symlink":
        try:
            (folder / "link.csv").symlink_to(secret)
        except OSError:
            pytest.skip("symlinks not available here")
    with pytest.raises(sc.FactorIntegrityError, match=r"outside the edition folder|not a "
                                                      r"relative path") as info:
        FactorSet.from_folder(folder)
    message = str(info.value)
    assert digest not in message and "TOP SECRET" not in message


def test_item14_descriptor_symlink_out_of_the_folder_is_refused(tmp_path):
    folder = _edition_with_resource_path(tmp_path, "air.csv")
    outside = tmp_path / "elsewhere.json"
    outside.write_text((folder / "datapackage.json").read_text())
    (folder / "datapackage.json").unlink()
    try:
        (folder / "datapackage.json").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks not available here")
    with pytest.raises(sc.FactorIntegrityError, match="outside the edition folder"):
        FactorSet.from_folder(folder)


@pytest.mark.parametrize("name", ["../escaped", "/tmp/abs", "sub/dir", "..", "a\\b", ""])
def test_item14_write_factor_set_keeps_resources_inside_the_folder(name, tmp_path):
    from conftest import TINY_META, tiny_rows

    with pytest.raises(sc.FactorIntegrityError, match="not a plain file name"):
        sc.write_factor_set(tmp_path / "ed", TINY_META, {name: tiny_rows()["air"]})
    assert not (tmp_path / "escaped.csv").exists()
    assert not (tmp_path / "ed").exists()
