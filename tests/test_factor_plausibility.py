"""A factor edition of the user's is refused on load when a calculator could not use a
row as written: a negative factor, a factor per kWh beyond any fuel or grid, a key
column missing or an enumerated key value the calculators do not know.

The rules follow the bundled editions: none has a negative value or gas split, the
largest factor per kWh is 1.3063 kgCO2e/kWh (Ember, Turkmenistan 2023), and every
bundled row passes the key checks (checked here over every edition, read whole).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TINY_META

import sem_carbon as sc
from sem_carbon.errors import FactorIntegrityError
from sem_carbon.factors.catalogue import bundled_folder
from sem_carbon.factors.edition import FactorSet
from sem_carbon.factors.keys import KEY_VALUES, REQUIRED_KEYS
from sem_carbon.limits import MAX_ENERGY_FACTOR_KG_PER_KWH

META = {**TINY_META, "id": "my-factors", "year": 2019}
GAS = {"category": "fuel", "fuel": "natural_gas", "basis": "energy_gross", "value": 0.2,
       "unit": "kgCO2e / kWh", "label": "Natural gas"}
BUNDLED = sorted(p.name for p in bundled_folder().iterdir() if (p / "datapackage.json").is_file())


def _write(tmp_path, *rows: dict, name: str = "fuel") -> FactorSet:
    return sc.write_factor_set(tmp_path / "my-factors", META, {name: pd.DataFrame(list(rows))})


@pytest.mark.parametrize("edition", BUNDLED)
def test_every_bundled_edition_passes_the_checks_read_whole(edition):
    fs = FactorSet.from_folder(bundled_folder() / edition)  # not lazy: every check runs
    table = fs.to_frame()
    for column in ("value", "co2", "ch4", "n2o"):
        assert not (pd.to_numeric(table[column]) < 0).any(), (edition, column)
    per_kwh = table.loc[table["unit"] == "kgCO2e / kWh", "value"]
    assert (per_kwh <= MAX_ENERGY_FACTOR_KG_PER_KWH).all()
    for category in fs.categories:
        frame = fs.table(category)
        for key in REQUIRED_KEYS.get(category, ()):
            assert (frame[key] != "").all(), (edition, category, key)
        for key, allowed in KEY_VALUES.get(category, {}).items():
            if key in frame.columns:
                assert set(frame[key]) - {""} <= allowed, (edition, category, key)


def test_the_largest_bundled_factor_per_kwh_is_the_one_the_limit_cites():
    grid = sc.load_factors("ember-grid").table("electricity")
    top = grid.loc[grid["value"].idxmax()]
    assert (top["country"], top["year"], top["value"]) == ("TM", "2023", 1.3063)
    assert MAX_ENERGY_FACTOR_KG_PER_KWH == 2.0


def test_a_plausible_custom_edition_computes(tmp_path):
    fs = _write(tmp_path, GAS)
    assert sc.fuel("natural gas", sc.Q_(1000, "kWh"), factors=fs).co2e.m == pytest.approx(200.0)


def test_a_negative_factor_is_refused_naming_file_line_and_column(tmp_path):
    with pytest.raises(FactorIntegrityError,
                       match=r"fuel\.csv line 3, column value: -0\.2 is negative"):
        _write(tmp_path, {**GAS, "fuel": "lpg"}, {**GAS, "value": -0.2})


def test_a_negative_gas_split_is_refused(tmp_path):
    with pytest.raises(FactorIntegrityError, match=r"line 2, column ch4: -0\.001 is negative"):
        _write(tmp_path, {**GAS, "co2": 0.199, "ch4": -0.001, "n2o": 0.002})


def test_a_zero_factor_is_kept(tmp_path):
    # published zeros exist (Ember grids of hydro-only countries, CO2's calorific value)
    fs = _write(tmp_path, {**GAS, "value": 0.0})
    assert sc.fuel("natural gas", sc.Q_(1000, "kWh"), factors=fs).co2e.m == 0.0


@pytest.mark.parametrize(("value", "unit"), [(2000, "kgCO2e / kWh"), (3000, "gCO2e / kWh"),
                                             (600, "kgCO2e / GJ"), (2.5, "tCO2e / MWh")])
def test_a_factor_per_kwh_beyond_any_fuel_or_grid_is_refused(tmp_path, value, unit):
    with pytest.raises(FactorIntegrityError,
                       match=r"line 2: 'fuel' factor .* is over 2 kgCO2e/kWh"):
        _write(tmp_path, {**GAS, "value": value, "unit": unit})


def test_a_factor_in_grams_per_kwh_is_converted_not_refused(tmp_path):
    fs = _write(tmp_path, {**GAS, "value": 200, "unit": "gCO2e / kWh"})
    assert sc.fuel("natural gas", sc.Q_(1000, "kWh"), factors=fs).co2e.m == pytest.approx(200.0)


def test_an_electricity_factor_beyond_the_limit_is_refused(tmp_path):
    row = {"category": "electricity", "country": "CH", "component": "generation",
           "value": 12, "unit": "kgCO2e / kWh"}  # 12 g/kWh written as kg
    with pytest.raises(FactorIntegrityError, match=r"grid\.csv line 2: 'electricity' factor 12"):
        _write(tmp_path, row, name="grid")


def test_an_unknown_basis_is_refused_with_the_allowed_values(tmp_path):
    with pytest.raises(FactorIntegrityError,
                       match=r"fuel\.csv line 2, column basis: 'kwh' is not a 'fuel' basis "
                             r"\(allowed: energy_gross, energy_net, mass, volume\)"):
        _write(tmp_path, {**GAS, "basis": "kwh"})


def test_a_missing_basis_column_is_refused(tmp_path):
    row = {k: v for k, v in GAS.items() if k != "basis"}
    with pytest.raises(FactorIntegrityError,
                       match=r"fuel\.csv line 2: 'fuel' factors need a 'basis' column"):
        _write(tmp_path, row)


def test_an_empty_basis_is_refused(tmp_path):
    with pytest.raises(FactorIntegrityError,
                       match=r"line 3, column basis: empty, but every 'fuel' factor needs"):
        _write(tmp_path, GAS, {**GAS, "basis": ""})


@pytest.mark.parametrize(("row", "message"), [
    ({"category": "waste", "material": "paper", "disposal": "landfil", "value": 500.0,
      "unit": "kgCO2e / t"}, r"column disposal: 'landfil' is not a 'waste' disposal"),
    ({"category": "heat", "kind": "district", "value": 0.17, "unit": "kgCO2e / kWh"},
     r"'heat' factors need a 'component' column"),
    ({"category": "water", "service": "sewage", "value": 0.2, "unit": "kgCO2e / m^3"},
     r"column service: 'sewage' is not a 'water' service \(allowed: supply, treatment\)"),
    ({"category": "air", "haul": "long_haul", "cabin": "coach", "radiative_forcing": "true",
      "value": 0.1, "unit": "kgCO2e / passenger / km"}, r"'coach' is not a 'air' cabin"),
])
def test_other_categories_check_their_keys_too(tmp_path, row, message):
    with pytest.raises(FactorIntegrityError, match=message):
        _write(tmp_path, row, name=row["category"])


def test_overrides_are_checked_alike_after_normalising_their_keys():
    base = sc.load_factors("desnz-2019")
    with pytest.raises(FactorIntegrityError, match=r"row 1, column value: -0\.2 is negative"):
        base.with_overrides([{**GAS, "value": -0.2}])
    with pytest.raises(FactorIntegrityError, match=r"row 1, column basis: 'kwh'"):
        base.with_overrides([{**GAS, "basis": "kWh"}])
    mine = base.with_overrides([{**GAS, "basis": "Energy Gross"}])  # read as energy_gross
    assert sc.fuel("natural gas", sc.Q_(1000, "kWh"), factors=mine).co2e.m == \
        pytest.approx(200.0)
